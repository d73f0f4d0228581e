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
        return kb.questions.indices.filter { !state.known[$0] }
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
        for r in kb.rulesByDecision[d] {
            let rule = kb.rules[r]
            guard rule.condition.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == true else { continue }
            for (o, p) in rule.points { scores[o] += p }
            for o in rule.excludes { excluded[o] = true }
        }
        return (scores, excluded)
    }

    /// Fixes the questions skipped by `ask_when`, then settles the decisions in order,
    /// writing each settled outcome into its decision slot for the decisions after it.
    func propagate(_ s: inout BoundsState) -> [DecisionSettlement] {
        let nq = kb.questions.count
        for q in 0..<nq where !s.known[q] {
            if kb.questions[q].askWhen.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == false {
                s.fix(q, kb.questions[q].defaultValue)
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

    /// The settlement of decision `d` given `s` (earlier decisions already propagated).
    func settle(_ d: Int, _ s: BoundsState) -> DecisionSettlement {
        let decision = kb.decisions[d]
        switch decision.appliesWhen.evaluate(partial: s.values, known: s.known, ranges: s.ranges) {
        case false?: return .settled(nil)
        case nil: return .open
        case true?: break
        }
        let n = decision.options.count
        var low = Array(repeating: 0.0, count: n)
        var high = Array(repeating: 0.0, count: n)
        var mayBeExcluded = Array(repeating: false, count: n)
        var surelyExcluded = Array(repeating: false, count: n)
        for r in kb.rulesByDecision[d] {
            let rule = kb.rules[r]
            let fires = rule.condition.evaluate(partial: s.values, known: s.known, ranges: s.ranges)
            if fires == false { continue }
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
            for o in rule.excludes {
                mayBeExcluded[o] = true
                if sure { surelyExcluded[o] = true }
            }
        }
        if !surelyExcluded.contains(false) { return .settled(nil) }
        leader: for l in 0..<n where !mayBeExcluded[l] {
            for o in 0..<n where o != l && !surelyExcluded[o] {
                if !beats(low[l], high[o], winsTie: l < o) { continue leader }
            }
            return .settled(l)
        }
        return .open
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

    init(kb: KnowledgeBase, partial: PartialAnswers) {
        let nd = kb.decisions.count
        values = partial.values + Array(repeating: Condition.null, count: nd)
        known = partial.known + Array(repeating: false, count: nd)
        ranges = kb.questions.map { Optional($0.slotRange) } + Array(repeating: nil, count: nd)
    }

    mutating func fix(_ slot: Int, _ value: Int) {
        values[slot] = value
        known[slot] = true
    }
}
