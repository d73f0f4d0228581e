/// Scores every decision for an answer set: sums the points of the rules that fire,
/// applies exclusions, picks the best remaining option (ties go to the option listed
/// first), and says how clear the choice is.
public struct Evaluator: Sendable {
    public let kb: KnowledgeBase

    public init(kb: KnowledgeBase) { self.kb = kb }

    /// Evaluates with every detail (rules that fired, exclusions, margins).
    public func evaluate(_ answers: AnswerSet) -> Evaluation {
        var values = answers.values + Array(repeating: Condition.null, count: kb.decisions.count)
        var results: [DecisionResult] = []
        results.reserveCapacity(kb.decisions.count)
        for d in kb.decisions.indices {
            let result = values.withUnsafeBufferPointer { evaluate(decision: d, values: $0, extraRules: []) }
            if let c = result.choice { values[kb.slot(ofDecision: d)] = c }
            results.append(result)
        }
        return Evaluation(answers: answers, decisions: results, values: values)
    }

    /// Scores decision `d` over `values` (earlier decisions already set). `extraRules` are
    /// treated as if they had fired too (used by explain's counterfactuals).
    public func evaluate(decision d: Int, values: UnsafeBufferPointer<Int>, extraRules: [Int]) -> DecisionResult {
        let decision = kb.decisions[d]
        let n = decision.options.count
        var result = DecisionResult(decision: d, applies: false, choice: nil, scores: Array(repeating: 0, count: n),
                                    excludedBy: Array(repeating: [], count: n), fired: [], margin: nil, confidence: nil, runnerUp: nil)
        guard decision.appliesWhen.evaluate(values) else { return result }
        result.applies = true
        for r in kb.rulesByDecision[d] {
            let rule = kb.rules[r]
            guard rule.condition.evaluate(values) || extraRules.contains(r) else { continue }
            result.fired.append(r)
            for (o, p) in rule.points { result.scores[o] += p }
            for o in rule.excludes { result.excludedBy[o].append(r) }
        }
        let (choice, runnerUp) = Evaluator.pick(scores: result.scores, excluded: result.excludedBy.map { !$0.isEmpty })
        result.choice = choice
        result.runnerUp = runnerUp
        if let choice {
            if let runnerUp {
                let margin = result.scores[choice] - result.scores[runnerUp]
                result.margin = margin
                result.confidence = margin >= decision.clearMargin ? .clear : margin >= decision.leaningMargin ? .leaning : .closeCall
            } else {
                result.confidence = .onlyOption
            }
        } else {
            result.confidence = Confidence.none
        }
        return result
    }

    /// The best and second-best options that are not excluded; ties go to the lower index.
    @inline(__always)
    static func pick(scores: [Double], excluded: [Bool]) -> (Int?, Int?) {
        var best: Int?
        var second: Int?
        for o in scores.indices where !excluded[o] {
            if best == nil || scores[o] > scores[best!] {
                second = best
                best = o
            } else if second == nil || scores[o] > scores[second!] {
                second = o
            }
        }
        return (best, second)
    }
}

/// The batch fast path: choices only. Per answer set it allocates nothing, touches no
/// reference count and takes no exclusivity check: every condition is flattened at init
/// into one buffer of plain nodes, and the rules' effects into flat buffers.
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

    private let questionCount: Int
    private let decisionCount: Int
    private let nodes: UnsafeMutableBufferPointer<Node>
    private let sets: UnsafeMutableBufferPointer<Int>
    /// Per decision: root node of `applies_when`, option count, first rule (and one past the last).
    private let appliesRoot: UnsafeMutableBufferPointer<Int>
    private let optionCount: UnsafeMutableBufferPointer<Int>
    private let ruleStart: UnsafeMutableBufferPointer<Int>
    /// Per rule (in decision order): root node, first effect (and one past the last).
    private let ruleRoot: UnsafeMutableBufferPointer<Int>
    private let effectStart: UnsafeMutableBufferPointer<Int>
    /// Per effect: the option, and points to add, or an exclusion.
    private let effectOption: UnsafeMutableBufferPointer<Int>
    private let effectPoints: UnsafeMutableBufferPointer<Double>
    private let effectExcludes: UnsafeMutableBufferPointer<Bool>
    /// Scratch, one per option.
    private let scores: UnsafeMutableBufferPointer<Double>
    private let excluded: UnsafeMutableBufferPointer<Bool>

    public init(kb: KnowledgeBase) {
        questionCount = kb.questions.count
        decisionCount = kb.decisions.count
        var nodes: [Node] = []
        var sets: [Int] = []
        var appliesRoot: [Int] = [], optionCount: [Int] = [], ruleStart: [Int] = []
        var ruleRoot: [Int] = [], effectStart: [Int] = []
        var effectOption: [Int] = [], effectPoints: [Double] = [], effectExcludes: [Bool] = []
        for (d, decision) in kb.decisions.enumerated() {
            appliesRoot.append(ChoiceEvaluator.flatten(decision.appliesWhen, &nodes, &sets))
            optionCount.append(decision.options.count)
            ruleStart.append(ruleRoot.count)
            for r in kb.rulesByDecision[d] {
                let rule = kb.rules[r]
                ruleRoot.append(ChoiceEvaluator.flatten(rule.condition, &nodes, &sets))
                effectStart.append(effectOption.count)
                // Same order as Evaluator: points first (so sums round alike), then exclusions.
                for (o, p) in rule.points { effectOption.append(o); effectPoints.append(p); effectExcludes.append(false) }
                for o in rule.excludes { effectOption.append(o); effectPoints.append(0); effectExcludes.append(true) }
            }
        }
        ruleStart.append(ruleRoot.count)
        effectStart.append(effectOption.count)
        func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
            _ = b.initialize(from: a)
            return UnsafeMutableBufferPointer(rebasing: b[0..<a.count])
        }
        self.nodes = copy(nodes)
        self.sets = copy(sets)
        self.appliesRoot = copy(appliesRoot)
        self.optionCount = copy(optionCount)
        self.ruleStart = copy(ruleStart)
        self.ruleRoot = copy(ruleRoot)
        self.effectStart = copy(effectStart)
        self.effectOption = copy(effectOption)
        self.effectPoints = copy(effectPoints)
        self.effectExcludes = copy(effectExcludes)
        let maxOptions = optionCount.max() ?? 0
        scores = copy(Array(repeating: 0, count: maxOptions))
        excluded = copy(Array(repeating: false, count: maxOptions))
    }

    deinit {
        for b in [UnsafeMutableRawPointer(nodes.baseAddress), UnsafeMutableRawPointer(sets.baseAddress),
                  UnsafeMutableRawPointer(appliesRoot.baseAddress), UnsafeMutableRawPointer(optionCount.baseAddress),
                  UnsafeMutableRawPointer(ruleStart.baseAddress), UnsafeMutableRawPointer(ruleRoot.baseAddress),
                  UnsafeMutableRawPointer(effectStart.baseAddress), UnsafeMutableRawPointer(effectOption.baseAddress),
                  UnsafeMutableRawPointer(effectPoints.baseAddress), UnsafeMutableRawPointer(effectExcludes.baseAddress),
                  UnsafeMutableRawPointer(scores.baseAddress), UnsafeMutableRawPointer(excluded.baseAddress)] {
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
    /// with each decision's choice index, or ``Condition/null``.
    public func evaluate(_ values: UnsafeMutableBufferPointer<Int>) {
        let readOnly = UnsafeBufferPointer(values)
        for d in 0..<decisionCount {
            let slot = questionCount + d
            values[slot] = Condition.null
            guard holds(appliesRoot[d], readOnly) else { continue }
            let n = optionCount[d]
            for o in 0..<n { scores[o] = 0; excluded[o] = false }
            for r in ruleStart[d]..<ruleStart[d + 1] where holds(ruleRoot[r], readOnly) {
                for e in effectStart[r]..<effectStart[r + 1] {
                    if effectExcludes[e] { excluded[effectOption[e]] = true } else { scores[effectOption[e]] += effectPoints[e] }
                }
            }
            var best = -1
            for o in 0..<n where !excluded[o] {
                if best < 0 || scores[o] > scores[best] { best = o }
            }
            values[slot] = best < 0 ? Condition.null : best
        }
    }
}
