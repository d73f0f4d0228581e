/// Decides exactly whether any remaining answer can still change any decision.
///
/// Starts from ``DecisionBounds``; where the bounds leave a decision open, it splits one
/// open question into the classes of values no condition can tell apart (each value of a
/// boolean or choice; for an integer, the intervals between the constants it is compared
/// with) and looks again in each class, depth first. The outcome is fixed when every
/// class leads to the same settled outcome; two different outcomes prove that an answer
/// still matters. Splitting questions whose `ask_when` is open waits until the questions
/// it reads are split, so skipped questions keep their defaults as in the questionnaire.
///
/// Sound always: a search that runs out of its node budget answers ``Result/undetermined``,
/// which the questionnaire treats like ``Result/changeable``.
public struct SettlementSearch: Sendable {
    public enum Result: Sendable, Equatable {
        /// No remaining answer can change any decision: the outcome of every decision
        /// (chosen option index, or nil when it does not apply or nothing is possible).
        case settled([Int?])
        /// Some remaining answer changes at least one decision.
        case changeable
        /// The budget ran out (or a comparison between two open answers could not be
        /// split): treat as changeable.
        case undetermined

        public var outcome: [Int?]? {
            if case .settled(let o) = self { return o }
            return nil
        }
    }

    public let bounds: DecisionBounds
    /// The most search nodes one check may visit.
    public var budget: Int
    /// Per question: the values from which some condition's outcome may change (sorted).
    let cuts: [[Int]]

    /// Per question: whether an exclusion rule reads it (then leaving it at its default
    /// differs from answering it with the default, and the search tries both).
    let readByExclusion: [Bool]

    public init(kb: KnowledgeBase, budget: Int = 50_000) {
        bounds = DecisionBounds(kb: kb)
        self.budget = budget
        cuts = kb.cuts
        var read = Array(repeating: false, count: kb.questions.count)
        for (r, rule) in kb.rules.enumerated() where !rule.excludes.isEmpty {
            for q in kb.reads[r] { read[q] = true }
        }
        readByExclusion = read
    }

    /// Whether the remaining answers can change any decision, and if not, the outcome.
    public func check(_ partial: PartialAnswers) -> Result {
        var nodes = 0
        return check(partial, nodes: &nodes)
    }

    /// ``check(_:)``, counting the search nodes visited.
    func check(_ partial: PartialAnswers, nodes: inout Int) -> Result {
        var state = BoundsState(kb: bounds.kb, partial: partial)
        return explore(&state, &nodes)
    }

    private func explore(_ s: inout BoundsState, _ nodes: inout Int) -> Result {
        nodes += 1
        if nodes > budget { return .undetermined }
        let settlements = bounds.propagate(&s)
        guard let open = settlements.firstIndex(of: .open) else {
            return .settled(settlements.map { if case .settled(let c) = $0 { c } else { nil } })
        }
        guard let q = branchQuestion(decision: open, s) else { return .undetermined }
        var reference: [Int?]?
        for var child in branches(q, s) {
            switch explore(&child, &nodes) {
            case .settled(let outcome):
                if let reference, reference != outcome { return .changeable }
                reference = outcome
            case let other:
                return other
            }
        }
        return reference.map { .settled($0) } ?? .undetermined
    }

    /// The open question to split next for open decision `d`: the earliest one its open
    /// conditions read, or, when that question's `ask_when` is open, a question that reads.
    func branchQuestion(decision d: Int, _ s: BoundsState) -> Int? {
        let kb = bounds.kb
        var conditions: [Condition] = []
        let decision = kb.decisions[d]
        if decision.appliesWhen.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == nil {
            conditions.append(decision.appliesWhen)
        } else {
            for r in kb.rulesByDecision[d] {
                let c = kb.rules[r].condition
                if c.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == nil { conditions.append(c) }
            }
        }
        var candidate: Int?
        for c in conditions {
            for slot in c.slots where slot < kb.questions.count && !s.known[slot] && splittable(slot, s) {
                if candidate == nil || slot < candidate! { candidate = slot }
            }
        }
        // A question whose ask_when is open may yet be skipped: split what ask_when reads first.
        var q = candidate
        while let current = q {
            let ask = kb.questions[current].askWhen
            guard ask.evaluate(partial: s.values, known: s.known, ranges: s.ranges) == nil else { return current }
            let earlier = ask.slots.filter { $0 < kb.questions.count && !s.known[$0] && splittable($0, s) }.min()
            guard let earlier else { return nil }
            q = earlier
        }
        return nil
    }

    func splittable(_ q: Int, _ s: BoundsState) -> Bool {
        guard let r = s.ranges[q], r.count > 1 else { return false }
        switch bounds.kb.questions[q].kind {
        case .integer: return cuts[q].contains { $0 > r.lowerBound && $0 <= r.upperBound }
        case .boolean, .choice: return true
        }
    }

    /// One state per class of values of question `q` within its current range.
    func branches(_ q: Int, _ s: BoundsState) -> [BoundsState] {
        guard let r = s.ranges[q] else { return [] }
        var pieces: [ClosedRange<Int>] = []
        switch bounds.kb.questions[q].kind {
        case .integer:
            var low = r.lowerBound
            for c in cuts[q] where c > r.lowerBound && c <= r.upperBound {
                pieces.append(low...(c - 1))
                low = c
            }
            pieces.append(low...r.upperBound)
        case .boolean, .choice:
            pieces = r.map { $0...$0 }
        }
        var children = pieces.map { piece in
            var child = s
            if piece.count == 1 {
                child.fix(q, piece.lowerBound)
            } else {
                child.ranges[q] = piece
            }
            return child
        }
        // Left unanswered, the question takes its default, and an exclusion resting on it
        // is not applied: a class of its own.
        if readByExclusion[q] && r == bounds.kb.questions[q].slotRange {
            var child = s
            child.fix(q, bounds.kb.questions[q].defaultValue)
            child.defaulted[q] = true
            children.append(child)
        }
        return children
    }
}
