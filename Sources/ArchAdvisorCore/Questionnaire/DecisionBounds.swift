/// Score bounds per decision while some answers are still open: which rules surely fire,
/// which may, and from that the lowest and highest score every option can reach and
/// whether it may or must be excluded.
///
/// A decision is settled when one option is never excluded and its lowest score beats the
/// highest score of every other option that is not surely excluded (a tie goes to the
/// option listed first, as in ``Evaluator``). Decisions are taken in order; a later
/// decision that reads an open earlier one is open too. An open question whose `ask_when`
/// is surely false takes its default, as the questionnaire would skip it.
///
/// The bounds are sound (a settled decision cannot change), but they treat rules as
/// independent, so they may call open a decision that is in fact fixed;
/// ``SettlementSearch`` closes that gap.
public struct DecisionBounds: Sendable {
    public let kb: KnowledgeBase
    /// Whether every rule's points are small binary fractions, so sums are exact in any
    /// order and ties can be decided; otherwise a lead must be clear of rounding.
    let exactArithmetic: Bool

    public init(kb: KnowledgeBase) {
        self.kb = kb
        exactArithmetic = kb.rules.allSatisfy { rule in
            rule.points.allSatisfy { p in
                let scaled = p.points * 1024
                return abs(p.points) < 1_048_576.0 && scaled == scaled.rounded()
            }
        }
    }

    /// Settlement of every decision, in decision order.
    public func settlements(_ partial: PartialAnswers) -> [DecisionSettlement] {
        var state = BoundsState(kb: kb, partial: partial)
        return propagate(&state)
    }

    /// Questions still open after skipping those whose `ask_when` is surely false.
    public func openQuestions(_ partial: PartialAnswers) -> [Int] {
        var state = BoundsState(kb: kb, partial: partial)
        _ = propagate(&state)
        return kb.questions.indices.filter { !state.known[$0] && state.given[$0] == nil }
    }

    /// Open questions whose answer may still change some decision, whatever the other open
    /// questions are answered: those read by a condition of an open decision that the known
    /// answers do not decide, and those that decide whether such a question is asked. Any
    /// other open question can be left at its default without changing any decision.
    public func relevantQuestions(_ partial: PartialAnswers) -> [Bool] {
        var s = BoundsState(kb: kb, partial: partial)
        let settlements = propagate(&s)
        let nq = kb.questions.count
        var relevant = Array(repeating: false, count: nq)
        func mark(_ c: Condition) {
            guard c.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == nil else { return }
            for slot in c.slots where slot < nq && !s.known[slot] { relevant[slot] = true }
        }
        for (d, settlement) in settlements.enumerated() where settlement == .open {
            let applies = kb.decisions[d].appliesWhen
            mark(applies)
            guard applies.evaluate(partial: s.values, known: s.known, ranges: s.ranges) != false else { continue }
            for r in kb.rulesByDecision[d] { mark(kb.rules[r].condition) }
        }
        // ask_when reads earlier questions only: one pass from the last question back.
        for q in (0..<nq).reversed() where relevant[q] { mark(kb.questions[q].askWhen) }
        // A given answer is not asked again; what decides whether it counts may be.
        for q in 0..<nq where s.given[q] != nil { relevant[q] = false }
        return relevant
    }

    /// Where decision `d` leans on the answers known so far: the points of the rules that
    /// surely fire, and the options surely excluded (nil when it may not apply).
    public func lean(decision d: Int, _ partial: PartialAnswers) -> (scores: [Double], excluded: [Bool])? {
        var s = BoundsState(kb: kb, partial: partial)
        _ = propagate(&s)
        guard kb.decisions[d].appliesWhen.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == true else { return nil }
        let n = kb.decisions[d].options.count
        var scores = Array(repeating: 0.0, count: n)
        var excluded = Array(repeating: false, count: n)
        func add(_ r: Int) {
            let rule = kb.rules[r]
            guard rule.condition.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == true else { return }
            for (o, p) in rule.points { scores[o] += p }
            for o in rule.excludes { excluded[o] = true }
        }
        for r in kb.rulesByDecision[d] where !kb.refinesOnly[r] { add(r) }
        // As in Scoring: refinement points count only for the base that leads.
        let base = kb.baseOption[d].map { $0 ?? -1 }
        let leader = scores.withUnsafeBufferPointer { sc in excluded.withUnsafeBufferPointer { x in base.withUnsafeBufferPointer { Scoring.baseWinner(scores: sc, excluded: x, base: $0) } } }
        if let leader {
            for r in kb.rulesByDecision[d] where kb.refinesOnly[r] && Scoring.weighsRefinementOf(leader, points: kb.rules[r].points, base: kb.baseOption[d]) { add(r) }
        }
        return (scores, excluded)
    }

    /// Fixes the questions skipped by `ask_when`, then settles the decisions in order,
    /// writing each settled outcome into its decision slot for the decisions after it.
    func propagate(_ s: inout BoundsState) -> [DecisionSettlement] {
        let nq = kb.questions.count
        // In question order, as the evaluator pins them: an answer whose ask_when surely
        // fails takes its default, given or not; a given answer whose ask_when is still open
        // is either itself or the default, so it is open between the two until that is known.
        for q in 0..<nq {
            let ask = kb.questions[q].askWhen.evaluate(partial: s.values, known: s.known, ranges: s.ranges)
            if ask == false {
                s.fix(q, kb.questions[q].defaultValue)
                s.defaulted[q] = false
            } else if let g = s.given[q] {
                let d = kb.questions[q].defaultValue
                if ask == true || g == d {
                    s.fix(q, g)
                } else {
                    s.known[q] = false
                    s.ranges[q] = min(g, d)...max(g, d)
                }
            }
        }
        var result: [DecisionSettlement] = []
        result.reserveCapacity(kb.decisions.count)
        for d in kb.decisions.indices {
            s.known[nq + d] = false
            let settlement = settle(d, s)
            if case .settled(let choice) = settlement {
                s.fix(nq + d, choice ?? Condition.null)
            }
            result.append(settlement)
        }
        return result
    }

    /// The settlement of decision `d` given `s` (earlier decisions already propagated),
    /// in the two stages of ``Scoring``: among base options on the rules that do not add
    /// to refinements only, then between the settled base and its refinements on the
    /// rules that do (their only difference, since refinements share the base's points).
    /// An exclusion is sure only when its rule surely holds and reads no defaulted answer
    /// (an exclusion resting on defaults is not applied).
    func settle(_ d: Int, _ s: BoundsState) -> DecisionSettlement {
        let decision = kb.decisions[d]
        switch decision.appliesWhen.evaluate(partial: s.values, known: s.known, ranges: s.ranges) {
        case false?: return .settled(nil)
        case nil: return .open
        case true?: break
        }
        let n = decision.options.count
        let base = kb.baseOption[d]
        var low = Array(repeating: 0.0, count: n)
        var high = Array(repeating: 0.0, count: n)
        var mayBeExcluded = Array(repeating: false, count: n)
        var surelyExcluded = Array(repeating: false, count: n)
        func account(_ r: Int) {
            let rule = kb.rules[r]
            let fires = rule.condition.evaluate(partial: s.values, known: s.known, ranges: s.ranges)
            if fires == false { return }
            let sure = fires == true
            for (o, p) in rule.points {
                if sure {
                    low[o] += p
                    high[o] += p
                } else if p < 0 {
                    low[o] += p
                } else {
                    high[o] += p
                }
            }
            let sureExclusion = sure && !kb.reads[r].contains { s.defaulted[$0] }
            for o in rule.excludes {
                mayBeExcluded[o] = true
                if sureExclusion { surelyExcluded[o] = true }
            }
        }
        for r in kb.rulesByDecision[d] where !kb.refinesOnly[r] { account(r) }
        let bases = (0..<n).filter { base[$0] == nil }
        if bases.allSatisfy({ surelyExcluded[$0] }) { return .settled(nil) }
        guard let l = leader(among: bases, low: low, high: high, mayBeExcluded: mayBeExcluded, surelyExcluded: surelyExcluded) else { return .open }
        let refinements = (0..<n).filter { base[$0] == l }
        if refinements.isEmpty { return .settled(l) }
        // Second stage: scores relative to the base.
        low = Array(repeating: 0.0, count: n)
        high = Array(repeating: 0.0, count: n)
        for r in kb.rulesByDecision[d] where kb.refinesOnly[r] && Scoring.weighsRefinementOf(l, points: kb.rules[r].points, base: base) { account(r) }
        // `low`/`high` now hold the second-stage points only.
        return leader(among: [l] + refinements, low: low, high: high, mayBeExcluded: mayBeExcluded, surelyExcluded: surelyExcluded)
            .map { .settled($0) } ?? .open
    }

    /// The option of `candidates` that surely wins among them, if any.
    private func leader(among candidates: [Int], low: [Double], high: [Double], mayBeExcluded: [Bool], surelyExcluded: [Bool]) -> Int? {
        leader: for l in candidates where !mayBeExcluded[l] {
            for o in candidates where o != l && !surelyExcluded[o] {
                if !beats(low[l], high[o], winsTie: l < o) { continue leader }
            }
            return l
        }
        return nil
    }

    /// Whether a score of at least `a` always wins over a score of at most `b`.
    @inline(__always)
    func beats(_ a: Double, _ b: Double, winsTie: Bool) -> Bool {
        if exactArithmetic { return winsTie ? a >= b : a > b }
        return a - b > 1e-6
    }
}

/// Slot values (questions, then decisions), which are fixed, and the range of the open
/// ones (nil for an open decision).
struct BoundsState {
    var values: [Int]
    var known: [Bool]
    var ranges: [ClosedRange<Int>?]
    /// Known slots that hold a default nobody gave (a branch of the search in which the
    /// question stays unanswered): exclusions that read them may rest on defaults.
    var defaulted: [Bool]
    /// The answers given (per question), which count only while their ask_when holds.
    let given: [Int?]

    init(kb: KnowledgeBase, partial: PartialAnswers) {
        let nd = kb.decisions.count
        values = partial.values + Array(repeating: Condition.null, count: nd)
        known = partial.known + Array(repeating: false, count: nd)
        ranges = kb.questions.map { Optional($0.slotRange) } + Array(repeating: nil, count: nd)
        defaulted = Array(repeating: false, count: kb.questions.count + nd)
        given = kb.questions.indices.map { partial.known[$0] ? partial.values[$0] : nil }
    }

    mutating func fix(_ slot: Int, _ value: Int) {
        values[slot] = value
        known[slot] = true
    }
}
