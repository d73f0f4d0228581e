/// A complete set of answers: one slot value per question (see ``Condition``), and which
/// of them the user gave rather than took by default.
public struct AnswerSet: Sendable, Equatable {
    public var values: [Int]
    public var provided: [Bool]

    public init(values: [Int], provided: [Bool]) {
        self.values = values
        self.provided = provided
    }

    /// Every question at its default.
    public init(defaultsOf kb: KnowledgeBase) {
        values = kb.questions.map(\.defaultValue)
        provided = Array(repeating: false, count: kb.questions.count)
    }

    /// Ids of the questions that took their default.
    public func defaulted(in kb: KnowledgeBase) -> [String] {
        kb.questions.indices.filter { !provided[$0] }.map { kb.questions[$0].id }
    }

    /// The answers as an answer file (JSON text), only the given ones unless `all`.
    public func json(in kb: KnowledgeBase, all: Bool = false, pretty: Bool = true) -> String {
        let pairs = kb.questions.indices.filter { all || provided[$0] }.map {
            JSONText.quoted(kb.questions[$0].id) + (pretty ? ": " : ":") + kb.questions[$0].jsonValue(values[$0])
        }
        if pairs.isEmpty { return "{}" }
        return pretty ? "{\n  " + pairs.joined(separator: ",\n  ") + "\n}" : "{" + pairs.joined(separator: ",") + "}"
    }
}

/// One thing wrong with an answer file: the key (when there is one) and what was expected.
public struct AnswerProblem: Sendable, Equatable, CustomStringConvertible {
    public var key: String?
    public var message: String
    public init(key: String?, message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { key.map { "\($0): \(message)" } ?? message }
}

/// What reading an answer file gave.
public enum ReadOutcome: Sendable, Equatable {
    case success(AnswerSet)
    case failure([AnswerProblem])
}
