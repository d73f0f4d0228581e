/// How clear a choice is.
public enum Confidence: String, Sendable, CaseIterable, Equatable {
    /// The lead is at least the decision's clear margin.
    case clear
    /// The lead is at least the leaning margin.
    case leaning
    /// The lead is below the leaning margin: the answers sit near a boundary.
    case closeCall = "close call"
    /// Every other option was excluded.
    case onlyOption = "only option"
    /// Every option was excluded: no choice is possible.
    case none
}

/// The outcome of one decision.
public struct DecisionResult: Sendable, Equatable {
    public var decision: Int
    /// Whether the decision applies (`applies_when` held).
    public var applies: Bool
    /// The chosen option index, nil when the decision does not apply or nothing is possible.
    public var choice: Int?
    /// Points per option.
    public var scores: [Double]
    /// Rule indices that exclude each option.
    public var excludedBy: [[Int]]
    /// Indices of the rules that fired, in rule order.
    public var fired: [Int]
    /// Lead of the choice over the best other option that is not excluded.
    public var margin: Double?
    public var confidence: Confidence?
    /// The runner-up option index.
    public var runnerUp: Int?
}

/// The full evaluation of one answer set.
public struct Evaluation: Sendable, Equatable {
    public var answers: AnswerSet
    public var decisions: [DecisionResult]
    /// Every slot value after evaluation: questions, then decisions.
    public var values: [Int]

    /// The chosen option value of decision `id`, nil when it does not apply.
    public func choice(_ id: String, in kb: KnowledgeBase) -> String? {
        guard let d = kb.decisionIndex[id], let c = decisions[d].choice else { return nil }
        return kb.decisions[d].options[c].value
    }
}
