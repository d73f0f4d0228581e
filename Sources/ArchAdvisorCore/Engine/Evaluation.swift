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
    /// Rules that fired only because of answers left at their defaults and would have
    /// excluded an option: their exclusions are not applied (see ``Scoring``).
    public var suspended: [Int] = []
    /// Whether some value of a defaulted answer would change the choice.
    public var restsOnDefaults = false
    /// The defaulted answers the choice rests on: answering question `question` with
    /// `value` gives `choice` instead (one entry per question, the first value found).
    public var flips: [(question: Int, value: Int, choice: Int?)] = []

    public init(decision: Int, applies: Bool, choice: Int?, scores: [Double], excludedBy: [[Int]], fired: [Int],
                margin: Double?, confidence: Confidence?, runnerUp: Int?) {
        self.decision = decision
        self.applies = applies
        self.choice = choice
        self.scores = scores
        self.excludedBy = excludedBy
        self.fired = fired
        self.margin = margin
        self.confidence = confidence
        self.runnerUp = runnerUp
    }

    public static func == (a: DecisionResult, b: DecisionResult) -> Bool {
        a.decision == b.decision && a.applies == b.applies && a.choice == b.choice && a.scores == b.scores
            && a.excludedBy == b.excludedBy && a.fired == b.fired && a.margin == b.margin && a.confidence == b.confidence
            && a.runnerUp == b.runnerUp && a.suspended == b.suspended && a.restsOnDefaults == b.restsOnDefaults
            && a.flips.map(\.question) == b.flips.map(\.question) && a.flips.map(\.value) == b.flips.map(\.value)
            && a.flips.map(\.choice) == b.flips.map(\.choice)
    }
}

/// The full evaluation of one answer set.
public struct Evaluation: Sendable, Equatable {
    public var answers: AnswerSet
    public var decisions: [DecisionResult]
    /// Every slot value after evaluation: questions (unasked ones at their defaults), then
    /// decisions.
    public var values: [Int]
    /// Per question: its `ask_when` did not hold, so the questionnaire would not ask it and
    /// its default was used whatever the answer said.
    public var pinned: [Bool] = []

    /// Whether question `q` took its default: not given, or given but not applicable.
    public func isDefaulted(_ q: Int) -> Bool { !answers.provided[q] || (q < pinned.count && pinned[q]) }

    /// Questions answered although their `ask_when` did not hold: their answers were
    /// ignored in favour of the default.
    public var ignored: [Int] { answers.provided.indices.filter { answers.provided[$0] && $0 < pinned.count && pinned[$0] } }

    /// Whether rule `r` reads an answer that took its default.
    public func readsDefault(_ r: Int, in kb: KnowledgeBase) -> Bool { kb.reads[r].contains(where: isDefaulted) }

    /// The chosen option value of decision `id`, nil when it does not apply.
    public func choice(_ id: String, in kb: KnowledgeBase) -> String? {
        guard let d = kb.decisionIndex[id], let c = decisions[d].choice else { return nil }
        return kb.decisions[d].options[c].value
    }
}
