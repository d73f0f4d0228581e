/// What is known of the answers part-way through the questionnaire: some questions have a
/// fixed value, the others may still take any value of their range.
public struct PartialAnswers: Sendable, Equatable {
    /// One slot value per question; meaningful where ``known`` is true.
    public var values: [Int]
    /// Whether each question's value is fixed.
    public var known: [Bool]

    /// Nothing known yet.
    public init(kb: KnowledgeBase) {
        values = kb.questions.map(\.defaultValue)
        known = Array(repeating: false, count: kb.questions.count)
    }

    /// The answers `answers` gave (its provided ones) are known; the rest are open.
    public init(kb: KnowledgeBase, answers: AnswerSet) {
        values = answers.values
        known = answers.provided
    }

    public init(values: [Int], known: [Bool]) {
        self.values = values
        self.known = known
    }

    /// Fixes question `question` at `value`.
    public mutating func set(_ question: Int, to value: Int) {
        values[question] = value
        known[question] = true
    }

    /// Opens question `question` again.
    public mutating func forget(_ question: Int) {
        known[question] = false
    }

    /// Number of questions still open.
    public var openCount: Int { known.lazy.filter { !$0 }.count }
}

/// Whether a decision's outcome is already fixed.
public enum DecisionSettlement: Sendable, Equatable {
    /// Some remaining answer may still change it (or the bounds cannot tell).
    case open
    /// Fixed whatever the remaining answers are: the chosen option index, or nil when the
    /// decision does not apply or no option is possible.
    case settled(Int?)

    public var isSettled: Bool {
        if case .settled = self { return true }
        return false
    }
}
