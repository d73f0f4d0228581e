/// The one place where points and exclusions become a choice. The detailed
/// ``Evaluator``, the batch ``ChoiceEvaluator`` and the questionnaire's
/// ``DecisionBounds`` all pick through these functions.
///
/// A decision is made in two stages, following the guidance's structure: first among the
/// base options (for the architecture: a modular monolith or microservices, by 5.1), then,
/// only when the winning base has refinements (microservices with a service mesh refines
/// microservices), between that base and its refinements (by section 6). Rules that add
/// points to refinements only are weighed in the second stage alone, so they can never
/// move a decision between base options. Ties go to the option listed first.
/// A decision's margins: the lead over the runner-up from which a choice is clear, and
/// from which it is leaning.
public struct ConfidenceMargins: Sendable {
    public var clear: Double
    public var leaning: Double
}

public enum Scoring {
    /// The best base option (one that refines no other) that is not excluded; ties go to
    /// the first listed. `base[o]` is the option `o` refines, or -1.
    @inline(__always)
    public static func baseWinner(scores: UnsafeBufferPointer<Double>, excluded: UnsafeBufferPointer<Bool>,
                                  base: UnsafeBufferPointer<Int>) -> Int? {
        var best = -1
        for o in 0..<scores.count where base[o] < 0 && !excluded[o] {
            if best < 0 || scores[o] > scores[best] { best = o }
        }
        return best < 0 ? nil : best
    }

    /// Whether `winner` has refinements, so a second stage is weighed.
    @inline(__always)
    public static func hasRefinements(_ winner: Int, base: UnsafeBufferPointer<Int>) -> Bool {
        for o in 0..<base.count where base[o] == winner { return true }
        return false
    }

    /// The second stage: the best of `winner` and its refinements that are not excluded;
    /// ties go to the first listed (a base is always listed before its refinements).
    @inline(__always)
    public static func refine(_ winner: Int, scores: UnsafeBufferPointer<Double>, excluded: UnsafeBufferPointer<Bool>,
                              base: UnsafeBufferPointer<Int>) -> Int {
        var best = winner
        for o in 0..<scores.count where base[o] == winner && !excluded[o] {
            if scores[o] > scores[best] { best = o }
        }
        return best
    }

    /// The best option other than `choice` that is not excluded; ties go to the first
    /// listed. Because refinement points are weighed only for the winning base, the choice
    /// always has the highest score of the options not excluded, and the margin over the
    /// runner-up is never negative.
    @inline(__always)
    public static func runnerUp(_ choice: Int, scores: UnsafeBufferPointer<Double>, excluded: UnsafeBufferPointer<Bool>) -> Int? {
        var best = -1
        for o in 0..<scores.count where o != choice && !excluded[o] {
            if best < 0 || scores[o] > scores[best] { best = o }
        }
        return best < 0 ? nil : best
    }

    /// Whether a refinements-only rule is weighed once `winner` has won the first stage:
    /// it adds points to a refinement of `winner`.
    @inline(__always)
    public static func weighsRefinementOf(_ winner: Int, points: [(option: Int, points: Double)], base: [Int?]) -> Bool {
        points.contains { base[$0.option] == winner }
    }

    /// How clear a choice is: from the margin over the runner-up and the decision's
    /// margins; never "clear" or "only option" when the choice rests on defaults.
    public static func confidence(margin: Double?, hasChoice: Bool, decision: Decision, restsOnDefaults: Bool) -> Confidence {
        confidence(margin: margin, hasChoice: hasChoice, margins: ConfidenceMargins(clear: decision.clearMargin, leaning: decision.leaningMargin),
                   restsOnDefaults: restsOnDefaults)
    }

    @inline(__always)
    public static func confidence(margin: Double?, hasChoice: Bool, margins: ConfidenceMargins, restsOnDefaults: Bool) -> Confidence {
        guard hasChoice else { return .none }
        let word: Confidence
        if let margin {
            word = margin >= margins.clear ? .clear : margin >= margins.leaning ? .leaning : .closeCall
        } else {
            word = .onlyOption
        }
        if restsOnDefaults && (word == .clear || word == .onlyOption) { return .leaning }
        return word
    }

    /// Whether a rule's condition, which holds now, holds only because of answers left at
    /// their defaults: some value of the defaulted answers it reads (`free`) would make it
    /// false. Such a rule never excludes an option. `holds` evaluates the condition over
    /// `values`, which this function changes and restores.
    public static func restsOnDefaults(reads: [Int], free: (Int) -> Bool, values: UnsafeMutableBufferPointer<Int>,
                                       representatives: (Int) -> [Int], holds: (UnsafeMutableBufferPointer<Int>) -> Bool) -> Bool {
        let open = reads.filter(free)
        guard !open.isEmpty else { return false }
        let saved = open.map { values[$0] }
        defer { for (i, q) in open.enumerated() { values[q] = saved[i] } }
        let choices = open.map(representatives)
        var combos = 1
        for c in choices { combos = combos.multipliedReportingOverflow(by: max(c.count, 1)).partialValue }
        // Too many combinations to try: say it rests on defaults (the exclusion is then
        // not applied, which is the cautious reading).
        if combos > 4096 || combos <= 0 { return true }
        var index = Array(repeating: 0, count: open.count)
        while true {
            for (i, q) in open.enumerated() { values[q] = choices[i][index[i]] }
            if !holds(values) { return true }
            var k = 0
            while k < index.count {
                index[k] += 1
                if index[k] < choices[k].count { break }
                index[k] = 0
                k += 1
            }
            if k == index.count { return false }
        }
    }

    /// Replaces, in question order, each answer whose `ask_when` surely fails by its
    /// default: the questionnaire would never ask such a question, so its answer changes
    /// nothing. "Surely": for every value of the defaulted answers it reads (an `ask_when`
    /// that fails only because of defaults does not pin, since answering those would ask
    /// it). `pinned` says which questions were pinned that way.
    public static func pinUnasked(_ kb: KnowledgeBase, values: UnsafeMutableBufferPointer<Int>, provided: UnsafeBufferPointer<Bool>,
                                  pinned: UnsafeMutableBufferPointer<Bool>) {
        for q in kb.questions.indices {
            pinned[q] = false
            if case .constant(true) = kb.questions[q].askWhen { continue }
            let fails: Bool
            if kb.askReads[q].allSatisfy({ provided[$0] || pinned[$0] }) {
                fails = !kb.questions[q].askWhen.evaluate(UnsafeBufferPointer(values))
            } else {
                fails = askSurelyFails(q, kb, values: UnsafeBufferPointer(values), provided: provided, pinned: UnsafeBufferPointer(pinned))
            }
            if fails {
                values[q] = kb.questions[q].defaultValue
                pinned[q] = true
            }
        }
    }

    /// Whether question `q`'s `ask_when` fails for every value of the defaulted answers it
    /// reads (the slow path, when some of them are defaulted).
    public static func askSurelyFails(_ q: Int, _ kb: KnowledgeBase, values: UnsafeBufferPointer<Int>, provided: UnsafeBufferPointer<Bool>,
                                      pinned: UnsafeBufferPointer<Bool>) -> Bool {
        let nq = kb.questions.count
        var known = Array(repeating: true, count: values.count)
        for r in kb.askReads[q] where !provided[r] && !pinned[r] { known[r] = false }
        var ranges: [ClosedRange<Int>?] = kb.questions.map { Optional($0.slotRange) }
        ranges += Array(repeating: nil, count: max(values.count - nq, 0))
        return kb.questions[q].askWhen.evaluate(partial: Array(values), known: known, ranges: ranges) == false
    }
}
