/// Scores every decision for an answer set: pins the answers the questionnaire would not
/// ask to their defaults, sums the points of the rules that fire, applies exclusions
/// (except those resting on defaults alone), picks through ``Scoring`` and says how clear
/// the choice is and whether it rests on defaulted answers.
public struct Evaluator: Sendable {
    public let kb: KnowledgeBase
    /// Per decision: the option each option refines, or -1.
    let bases: [[Int]]
    /// The batch evaluator, for re-evaluating with a defaulted answer given.
    let choices: ChoiceEvaluator

    public init(kb: KnowledgeBase) {
        self.kb = kb
        bases = kb.baseOption.map { $0.map { $0 ?? -1 } }
        choices = ChoiceEvaluator(kb: kb)
    }

    /// Evaluates with every detail (rules that fired, exclusions, margins, defaults).
    public func evaluate(_ answers: AnswerSet) -> Evaluation {
        var evaluation = evaluateChoices(answers)
        markDefaults(&evaluation)
        return evaluation
    }

    /// ``evaluate(_:)`` without asking whether the choices rest on defaults.
    func evaluateChoices(_ answers: AnswerSet) -> Evaluation {
        var values = answers.values + Array(repeating: Condition.null, count: kb.decisions.count)
        var pinned = Array(repeating: false, count: kb.questions.count)
        values.withUnsafeMutableBufferPointer { v in
            answers.provided.withUnsafeBufferPointer { p in
                pinned.withUnsafeMutableBufferPointer { Scoring.pinUnasked(kb, values: v, provided: p, pinned: $0) }
            }
        }
        let free = kb.questions.indices.map { !answers.provided[$0] && !pinned[$0] }
        var results: [DecisionResult] = []
        results.reserveCapacity(kb.decisions.count)
        for d in kb.decisions.indices {
            let result = values.withUnsafeMutableBufferPointer { evaluate(decision: d, values: $0, free: free) }
            values[kb.slot(ofDecision: d)] = result.choice ?? Condition.null
            results.append(result)
        }
        var e = Evaluation(answers: answers, decisions: results, values: values)
        e.pinned = pinned
        return e
    }

    /// Sets `restsOnDefaults` and `flips`: for each answer left at its default, whether
    /// answering it (with any value, the default included) changes a choice; and caps the
    /// confidence of a choice that rests on defaults.
    func markDefaults(_ e: inout Evaluation) {
        let free = kb.questions.indices.filter { !e.answers.provided[$0] && !e.pinned[$0] }
        guard !free.isEmpty else { return }
        let original = e.answers.values + Array(repeating: Condition.null, count: kb.decisions.count)
        var values = original
        var provided = e.answers.provided
        for q in free {
            for v in kb.representatives(of: q) {
                // The evaluator pins unasked answers in place: start from the answers each time.
                values = original
                values[q] = v
                provided[q] = true
                values.withUnsafeMutableBufferPointer { vals in
                    provided.withUnsafeBufferPointer { choices.evaluate(vals, provided: $0) }
                }
                // Every decision, those that do not apply included: a default that makes one
                // apply changes its choice too.
                for d in kb.decisions.indices {
                    let c = values[kb.slot(ofDecision: d)]
                    let now: Int? = c == Condition.null ? nil : c
                    if now != e.decisions[d].choice && !e.decisions[d].flips.contains(where: { $0.question == q }) {
                        e.decisions[d].flips.append((q, v, now))
                    }
                }
            }
            provided[q] = false
        }
        for d in kb.decisions.indices where !e.decisions[d].flips.isEmpty {
            e.decisions[d].restsOnDefaults = true
            let r = e.decisions[d]
            guard r.applies else { continue }
            e.decisions[d].confidence = Scoring.confidence(margin: r.margin, hasChoice: r.choice != nil,
                                                           decision: kb.decisions[d], restsOnDefaults: true)
        }
    }

    /// Scores decision `d` over `values` (earlier decisions already set; unasked answers
    /// pinned). `free[q]` says whether question `q` was left at its default and could
    /// still be answered.
    public func evaluate(decision d: Int, values: UnsafeMutableBufferPointer<Int>, free: [Bool]) -> DecisionResult {
        let decision = kb.decisions[d]
        let n = decision.options.count
        var result = DecisionResult(decision: d, applies: false, choice: nil, scores: Array(repeating: 0, count: n),
                                    excludedBy: Array(repeating: [], count: n), fired: [], margin: nil, confidence: nil, runnerUp: nil)
        guard decision.appliesWhen.evaluate(UnsafeBufferPointer(values)) else { return result }
        result.applies = true
        let base = bases[d]
        func fire(_ r: Int) {
            let rule = kb.rules[r]
            guard rule.condition.evaluate(UnsafeBufferPointer(values)) else { return }
            result.fired.append(r)
            for (o, p) in rule.points { result.scores[o] += p }
            guard !rule.excludes.isEmpty else { return }
            let onDefaults = Scoring.restsOnDefaults(reads: kb.reads[r], free: { free[$0] }, values: values,
                                                     representatives: kb.representatives(of:),
                                                     holds: { rule.condition.evaluate(UnsafeBufferPointer($0)) })
            if onDefaults {
                result.suspended.append(r)
            } else {
                for o in rule.excludes { result.excludedBy[o].append(r) }
            }
        }
        for r in kb.rulesByDecision[d] where !kb.refinesOnly[r] { fire(r) }
        var excluded = result.excludedBy.map { !$0.isEmpty }
        let winner = result.scores.withUnsafeBufferPointer { s in
            excluded.withUnsafeBufferPointer { x in base.withUnsafeBufferPointer { Scoring.baseWinner(scores: s, excluded: x, base: $0) } }
        }
        guard let winner else {
            result.confidence = Confidence.none
            return result
        }
        var choice = winner
        if base.withUnsafeBufferPointer({ Scoring.hasRefinements(winner, base: $0) }) {
            for r in kb.rulesByDecision[d] where kb.refinesOnly[r]
                && Scoring.weighsRefinementOf(winner, points: kb.rules[r].points, base: kb.baseOption[d]) {
                fire(r)
            }
            // Fired rules keep rule order, so explanations read in the order rules are written.
            result.fired.sort()
            excluded = result.excludedBy.map { !$0.isEmpty }
            choice = result.scores.withUnsafeBufferPointer { s in
                excluded.withUnsafeBufferPointer { x in base.withUnsafeBufferPointer { Scoring.refine(winner, scores: s, excluded: x, base: $0) } }
            }
        }
        result.choice = choice
        result.runnerUp = result.scores.withUnsafeBufferPointer { s in excluded.withUnsafeBufferPointer { Scoring.runnerUp(choice, scores: s, excluded: $0) } }
        if let runnerUp = result.runnerUp { result.margin = result.scores[choice] - result.scores[runnerUp] }
        result.confidence = Scoring.confidence(margin: result.margin, hasChoice: true, decision: decision, restsOnDefaults: false)
        return result
    }
}

/// The batch fast path: choices only, with the same semantics as ``Evaluator`` (the same
/// pinning of unasked answers, exclusions resting on defaults not applied, and the same
/// ``Scoring`` picks). Per answer set with every answer given it allocates nothing:
/// every condition is flattened at init into one buffer of plain nodes, and the rules'
/// effects into flat buffers. Its buffers are written only at init; scratch space lives on
/// the stack of each call, so one instance may serve several threads.
public final class ChoiceEvaluator: @unchecked Sendable {
    /// One node of a flattened condition, in prefix order. `size` counts the nodes of its
    /// subtree (itself included), so `and`/`or` find their right operand at `i + 1 + size(i + 1)`.
    struct Node {
        enum Kind: UInt8 { case constant, compare, compareSlots, member, not, and, or }
        var kind: Kind
        var op: ComparisonOperator = .equal
        var negated = false
        /// constant: 0/1; compare, member: the slot; compareSlots: the first slot.
        var a = 0
        /// compare: the constant; compareSlots: the second slot; member: start in `sets`.
        var b = 0
        /// member: number of values.
        var c = 0
        var size = 1
    }

    private let kb: KnowledgeBase
    private let questionCount: Int
    private let decisionCount: Int
    private let maxOptions: Int
    private let nodes: UnsafeMutableBufferPointer<Node>
    private let sets: UnsafeMutableBufferPointer<Int>
    /// Per question: root node of `ask_when` (-1 when it is always true), and the default.
    private let askRoot: UnsafeMutableBufferPointer<Int>
    private let defaults: UnsafeMutableBufferPointer<Int>
    /// Per question: first entry in `askReadSlots` (and one past the last): what `ask_when` reads.
    private let askReadStart: UnsafeMutableBufferPointer<Int>
    private let askReadSlots: UnsafeMutableBufferPointer<Int>
    /// Per decision: root node of `applies_when`, option count, first rule (and one past the last),
    /// first entry in `bases`.
    private let appliesRoot: UnsafeMutableBufferPointer<Int>
    private let optionCount: UnsafeMutableBufferPointer<Int>
    private let ruleStart: UnsafeMutableBufferPointer<Int>
    private let baseStart: UnsafeMutableBufferPointer<Int>
    /// Per option of every decision: the option it refines, or -1.
    private let bases: UnsafeMutableBufferPointer<Int>
    /// Per decision: the margins from which a choice is clear and leaning.
    private let clearMargin: UnsafeMutableBufferPointer<Double>
    private let leaningMargin: UnsafeMutableBufferPointer<Double>
    /// Per rule (in decision order): root node, first effect (and one past the last), the
    /// rule's index in the knowledge base, whether it adds to refinements only, first read.
    private let ruleRoot: UnsafeMutableBufferPointer<Int>
    private let effectStart: UnsafeMutableBufferPointer<Int>
    private let ruleIndex: UnsafeMutableBufferPointer<Int>
    private let ruleRefinesOnly: UnsafeMutableBufferPointer<Bool>
    private let readStart: UnsafeMutableBufferPointer<Int>
    private let readSlots: UnsafeMutableBufferPointer<Int>
    /// Per effect: the option, and points to add, or an exclusion.
    private let effectOption: UnsafeMutableBufferPointer<Int>
    private let effectPoints: UnsafeMutableBufferPointer<Double>
    private let effectExcludes: UnsafeMutableBufferPointer<Bool>

    public init(kb: KnowledgeBase) {
        self.kb = kb
        questionCount = kb.questions.count
        decisionCount = kb.decisions.count
        var nodes: [Node] = []
        var sets: [Int] = []
        var askRoot: [Int] = [], defaults: [Int] = [], askReadStart: [Int] = [], askReadSlots: [Int] = []
        var appliesRoot: [Int] = [], optionCount: [Int] = [], ruleStart: [Int] = [], baseStart: [Int] = [], bases: [Int] = []
        var ruleRoot: [Int] = [], effectStart: [Int] = [], ruleIndex: [Int] = [], refinesOnly: [Bool] = []
        var readStart: [Int] = [], readSlots: [Int] = []
        var effectOption: [Int] = [], effectPoints: [Double] = [], effectExcludes: [Bool] = []
        for q in kb.questions {
            if case .constant(true) = q.askWhen { askRoot.append(-1) } else { askRoot.append(ChoiceEvaluator.flatten(q.askWhen, &nodes, &sets)) }
            defaults.append(q.defaultValue)
        }
        for q in kb.questions.indices {
            askReadStart.append(askReadSlots.count)
            askReadSlots += kb.askReads[q]
        }
        askReadStart.append(askReadSlots.count)
        for (d, decision) in kb.decisions.enumerated() {
            appliesRoot.append(ChoiceEvaluator.flatten(decision.appliesWhen, &nodes, &sets))
            optionCount.append(decision.options.count)
            ruleStart.append(ruleRoot.count)
            baseStart.append(bases.count)
            bases += kb.baseOption[d].map { $0 ?? -1 }
            for r in kb.rulesByDecision[d] {
                let rule = kb.rules[r]
                ruleRoot.append(ChoiceEvaluator.flatten(rule.condition, &nodes, &sets))
                ruleIndex.append(r)
                refinesOnly.append(kb.refinesOnly[r])
                readStart.append(readSlots.count)
                readSlots += kb.reads[r]
                effectStart.append(effectOption.count)
                // Same order as Evaluator: points first (so sums round alike), then exclusions.
                for (o, p) in rule.points { effectOption.append(o); effectPoints.append(p); effectExcludes.append(false) }
                for o in rule.excludes { effectOption.append(o); effectPoints.append(0); effectExcludes.append(true) }
            }
        }
        ruleStart.append(ruleRoot.count)
        effectStart.append(effectOption.count)
        readStart.append(readSlots.count)
        func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
            _ = b.initialize(from: a)
            return UnsafeMutableBufferPointer(rebasing: b[0..<a.count])
        }
        self.nodes = copy(nodes)
        self.sets = copy(sets)
        self.askRoot = copy(askRoot)
        self.defaults = copy(defaults)
        self.askReadStart = copy(askReadStart)
        self.askReadSlots = copy(askReadSlots)
        self.appliesRoot = copy(appliesRoot)
        self.optionCount = copy(optionCount)
        self.ruleStart = copy(ruleStart)
        self.baseStart = copy(baseStart)
        self.bases = copy(bases)
        self.clearMargin = copy(kb.decisions.map(\.clearMargin))
        self.leaningMargin = copy(kb.decisions.map(\.leaningMargin))
        self.ruleRoot = copy(ruleRoot)
        self.effectStart = copy(effectStart)
        self.ruleIndex = copy(ruleIndex)
        self.ruleRefinesOnly = copy(refinesOnly)
        self.readStart = copy(readStart)
        self.readSlots = copy(readSlots)
        self.effectOption = copy(effectOption)
        self.effectPoints = copy(effectPoints)
        self.effectExcludes = copy(effectExcludes)
        maxOptions = max(optionCount.max() ?? 1, 1)
    }

    deinit {
        for b in [UnsafeMutableRawPointer(nodes.baseAddress), UnsafeMutableRawPointer(sets.baseAddress),
                  UnsafeMutableRawPointer(askRoot.baseAddress), UnsafeMutableRawPointer(defaults.baseAddress),
                  UnsafeMutableRawPointer(askReadStart.baseAddress), UnsafeMutableRawPointer(askReadSlots.baseAddress),
                  UnsafeMutableRawPointer(appliesRoot.baseAddress), UnsafeMutableRawPointer(optionCount.baseAddress),
                  UnsafeMutableRawPointer(ruleStart.baseAddress), UnsafeMutableRawPointer(baseStart.baseAddress),
                  UnsafeMutableRawPointer(bases.baseAddress), UnsafeMutableRawPointer(ruleRoot.baseAddress),
                  UnsafeMutableRawPointer(clearMargin.baseAddress), UnsafeMutableRawPointer(leaningMargin.baseAddress),
                  UnsafeMutableRawPointer(effectStart.baseAddress), UnsafeMutableRawPointer(ruleIndex.baseAddress),
                  UnsafeMutableRawPointer(ruleRefinesOnly.baseAddress), UnsafeMutableRawPointer(readStart.baseAddress),
                  UnsafeMutableRawPointer(readSlots.baseAddress), UnsafeMutableRawPointer(effectOption.baseAddress),
                  UnsafeMutableRawPointer(effectPoints.baseAddress), UnsafeMutableRawPointer(effectExcludes.baseAddress)] {
            b?.deallocate()
        }
    }

    /// Appends `condition` in prefix order; returns the index of its root.
    static func flatten(_ condition: Condition, _ nodes: inout [Node], _ sets: inout [Int]) -> Int {
        let at = nodes.count
        switch condition {
        case .constant(let b):
            nodes.append(Node(kind: .constant, a: b ? 1 : 0))
        case .compare(let slot, let op, let value):
            nodes.append(Node(kind: .compare, op: op, a: slot, b: value))
        case .compareSlots(let x, let op, let y):
            nodes.append(Node(kind: .compareSlots, op: op, a: x, b: y))
        case .member(let slot, let values, let negated):
            nodes.append(Node(kind: .member, negated: negated, a: slot, b: sets.count, c: values.count))
            sets.append(contentsOf: values)
        case .not(let inner):
            nodes.append(Node(kind: .not))
            _ = flatten(inner, &nodes, &sets)
        case .and(let x, let y), .or(let x, let y):
            if case .and = condition { nodes.append(Node(kind: .and)) } else { nodes.append(Node(kind: .or)) }
            _ = flatten(x, &nodes, &sets)
            _ = flatten(y, &nodes, &sets)
        }
        nodes[at].size = nodes.count - at
        return at
    }

    /// Evaluates the flattened condition rooted at `i`; the same semantics as
    /// ``Condition/evaluate(_:)`` (a ``Condition/null`` slot only satisfies `!=` and `not in`).
    private func holds(_ i: Int, _ values: UnsafeBufferPointer<Int>) -> Bool {
        let n = nodes[i]
        switch n.kind {
        case .constant:
            return n.a != 0
        case .compare:
            let v = values[n.a]
            if v == Condition.null { return n.op == .notEqual }
            return n.op.holds(v, n.b)
        case .compareSlots:
            let x = values[n.a], y = values[n.b]
            if x == Condition.null || y == Condition.null { return n.op == .notEqual }
            return n.op.holds(x, y)
        case .member:
            let v = values[n.a]
            if v == Condition.null { return n.negated }
            var found = false
            for k in n.b..<(n.b + n.c) where sets[k] == v { found = true; break }
            return found != n.negated
        case .not:
            return !holds(i + 1, values)
        case .and:
            return holds(i + 1, values) && holds(i + 1 + nodes[i + 1].size, values)
        case .or:
            return holds(i + 1, values) || holds(i + 1 + nodes[i + 1].size, values)
        }
    }

    /// Fills the decision slots of `values` (which holds the answers in its question slots)
    /// with each decision's choice index, or ``Condition/null``; answers the questionnaire
    /// would not ask are set to their defaults. `provided[q]` says whether question `q`
    /// was answered rather than defaulted.
    ///
    /// With `confidence`, also writes each decision's ``Confidence`` as a code (see
    /// ``confidenceCode(_:)``; 0 when the decision does not apply), from the margin alone:
    /// right when every answer is given, since only a defaulted answer can lower it.
    public func evaluate(_ values: UnsafeMutableBufferPointer<Int>, provided: UnsafeBufferPointer<Bool>,
                         confidence: UnsafeMutableBufferPointer<UInt8>? = nil) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: questionCount + maxOptions) { scratch in
            let pinned = UnsafeMutableBufferPointer(rebasing: scratch[0..<questionCount])
            let excluded = UnsafeMutableBufferPointer(rebasing: scratch[questionCount...])
            withUnsafeTemporaryAllocation(of: Double.self, capacity: maxOptions) { scores in
                evaluate(values, provided: provided, pinned: pinned, scores: scores, excluded: excluded, confidence: confidence)
            }
        }
    }

    /// The code of a confidence in ``evaluate(_:provided:confidence:)``'s output: its index
    /// in ``Confidence/allCases`` plus one.
    public static func confidenceCode(_ c: Confidence) -> UInt8 { UInt8(Confidence.allCases.firstIndex(of: c)! + 1) }

    /// Every answer given (what-if trials, the batch with complete answer sets).
    public func evaluate(_ values: UnsafeMutableBufferPointer<Int>) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: questionCount) { p in
            p.initialize(repeating: true)
            evaluate(values, provided: UnsafeBufferPointer(p))
        }
    }

    private func evaluate(_ values: UnsafeMutableBufferPointer<Int>, provided: UnsafeBufferPointer<Bool>,
                          pinned: UnsafeMutableBufferPointer<Bool>, scores: UnsafeMutableBufferPointer<Double>,
                          excluded: UnsafeMutableBufferPointer<Bool>, confidence: UnsafeMutableBufferPointer<UInt8>?) {
        for q in 0..<questionCount {
            pinned[q] = false
            let root = askRoot[q]
            guard root >= 0 else { continue }
            var allKnown = true
            for r in askReadStart[q]..<askReadStart[q + 1] where !provided[askReadSlots[r]] && !pinned[askReadSlots[r]] { allKnown = false; break }
            let fails = allKnown ? !holds(root, UnsafeBufferPointer(values))
                : Scoring.askSurelyFails(q, kb, values: UnsafeBufferPointer(values), provided: provided, pinned: UnsafeBufferPointer(pinned))
            if fails {
                values[q] = defaults[q]
                pinned[q] = true
            }
        }
        for d in 0..<decisionCount {
            let slot = questionCount + d
            values[slot] = Condition.null
            confidence?[d] = 0
            guard holds(appliesRoot[d], UnsafeBufferPointer(values)) else { continue }
            let n = optionCount[d]
            for o in 0..<n { scores[o] = 0; excluded[o] = false }
            let base = UnsafeBufferPointer(rebasing: bases[baseStart[d]..<(baseStart[d] + n)])
            let s = UnsafeBufferPointer(rebasing: scores[0..<n])
            let x = UnsafeBufferPointer(rebasing: excluded[0..<n])
            for r in ruleStart[d]..<ruleStart[d + 1] where !ruleRefinesOnly[r] {
                apply(r, values, provided: provided, pinned: pinned, scores: scores, excluded: excluded)
            }
            guard let winner = Scoring.baseWinner(scores: s, excluded: x, base: base) else {
                confidence?[d] = ChoiceEvaluator.confidenceCode(.none)
                continue
            }
            var choice = winner
            if Scoring.hasRefinements(winner, base: base) {
                for r in ruleStart[d]..<ruleStart[d + 1] where ruleRefinesOnly[r] {
                    var weighed = false
                    for e in effectStart[r]..<effectStart[r + 1] where !effectExcludes[e] && base[effectOption[e]] == winner { weighed = true; break }
                    if weighed { apply(r, values, provided: provided, pinned: pinned, scores: scores, excluded: excluded) }
                }
                choice = Scoring.refine(winner, scores: s, excluded: x, base: base)
            }
            values[slot] = choice
            if let confidence {
                // As the detailed evaluator words it, through the same function.
                let margin = Scoring.runnerUp(choice, scores: s, excluded: x).map { s[choice] - s[$0] }
                let decision = ConfidenceMargins(clear: clearMargin[d], leaning: leaningMargin[d])
                confidence[d] = ChoiceEvaluator.confidenceCode(Scoring.confidence(margin: margin, hasChoice: true, margins: decision, restsOnDefaults: false))
            }
        }
    }

    @inline(__always)
    private func apply(_ r: Int, _ values: UnsafeMutableBufferPointer<Int>, provided: UnsafeBufferPointer<Bool>,
                       pinned: UnsafeMutableBufferPointer<Bool>, scores: UnsafeMutableBufferPointer<Double>,
                       excluded: UnsafeMutableBufferPointer<Bool>) {
        guard holds(ruleRoot[r], UnsafeBufferPointer(values)) else { return }
        var checked = false
        var onDefaults = false
        for e in effectStart[r]..<effectStart[r + 1] {
            if effectExcludes[e] {
                if !checked {
                    checked = true
                    var anyFree = false
                    for k in readStart[r]..<readStart[r + 1] where !provided[readSlots[k]] && !pinned[readSlots[k]] { anyFree = true; break }
                    if anyFree {
                        let root = ruleRoot[r]
                        onDefaults = Scoring.restsOnDefaults(reads: kb.reads[ruleIndex[r]], free: { !provided[$0] && !pinned[$0] }, values: values,
                                                             representatives: kb.representatives(of:),
                                                             holds: { self.holds(root, UnsafeBufferPointer($0)) })
                    }
                }
                if !onDefaults { excluded[effectOption[e]] = true }
            } else {
                scores[effectOption[e]] += effectPoints[e]
            }
        }
    }
}
