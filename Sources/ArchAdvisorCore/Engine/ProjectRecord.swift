import Foundation

/// What a scaffolded project keeps in `.archadvisor/answers.json`: the answers given, the
/// decisions they led to and the knowledge base that made them, so `recheck` can tell when
/// a decision would now differ.
public struct ProjectRecord: Sendable, Equatable {
    public static let path = ".archadvisor/answers.json"

    /// The answers file (only the answers given; defaults come from the knowledge base).
    public var answersJSON: String
    /// Decision id -> choice (nil: does not apply), in decision order.
    public var decisions: [(id: String, choice: String?)]
    public var knowledgeBase: String
    /// The answers the stored decisions were made from (`decided_with`), kept apart from
    /// `answers`, which the team edits, so `recheck` can name what changed. Nil in records
    /// written before it was kept.
    public var decidedWithJSON: String?

    public static func == (a: ProjectRecord, b: ProjectRecord) -> Bool {
        a.answersJSON == b.answersJSON && a.knowledgeBase == b.knowledgeBase && a.decidedWithJSON == b.decidedWithJSON
            && a.decisions.map(\.id) == b.decisions.map(\.id) && a.decisions.map(\.choice) == b.decisions.map(\.choice)
    }

    public init(evaluation: Evaluation, kb: KnowledgeBase) {
        answersJSON = evaluation.answers.json(in: kb)
        decisions = kb.decisions.map { ($0.id, evaluation.choice($0.id, in: kb)) }
        knowledgeBase = kb.sourceHash
        decidedWithJSON = answersJSON
    }

    init(answersJSON: String, decisions: [(id: String, choice: String?)], knowledgeBase: String, decidedWithJSON: String? = nil) {
        self.answersJSON = answersJSON
        self.decisions = decisions
        self.knowledgeBase = knowledgeBase
        self.decidedWithJSON = decidedWithJSON
    }

    /// The file's text. Answers are edited by hand when the team or system changes.
    public var fileText: String {
        let indent = { (json: String) in json.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ") }
        let decided = decidedWithJSON.map { ",\n  \"decided_with\": " + indent($0) } ?? ""
        return """
        {
          "answers": \(indent(answersJSON)),
          "decisions": {\(decisions.map { "\n    \(JSONText.quoted($0.id)): \($0.choice.map(JSONText.quoted) ?? "null")" }.joined(separator: ","))
          },
          "knowledge_base": \(JSONText.quoted(knowledgeBase))\(decided)
        }

        """
    }

    /// Reads a record; problems name the key and what was expected.
    public static func parse(_ data: Data) -> Result<ProjectRecord, RecordError> {
        guard let object = try? JSONSerialization.jsonObject(with: data), let top = object as? [String: Any] else {
            return .failure(RecordError(key: nil, message: "expected a JSON object with answers, decisions and knowledge_base"))
        }
        guard let answers = top["answers"] as? [String: Any] else {
            return .failure(RecordError(key: "answers", message: "expected an object of answers"))
        }
        guard let decisions = top["decisions"] as? [String: Any] else {
            return .failure(RecordError(key: "decisions", message: "expected an object of decision choices"))
        }
        guard let hash = top["knowledge_base"] as? String else {
            return .failure(RecordError(key: "knowledge_base", message: "expected the knowledge base hash (a string)"))
        }
        guard let answersData = try? JSONSerialization.data(withJSONObject: answers, options: [.sortedKeys]) else {
            return .failure(RecordError(key: "answers", message: "expected an object of answers"))
        }
        var list: [(id: String, choice: String?)] = []
        for (k, v) in decisions.sorted(by: { $0.key < $1.key }) {
            if v is NSNull { list.append((k, nil)) } else if let s = v as? String { list.append((k, s)) } else {
                return .failure(RecordError(key: "decisions.\(k)", message: "expected a choice (a string) or null"))
            }
        }
        var decided: String?
        if let d = top["decided_with"] {
            guard let object = d as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
                return .failure(RecordError(key: "decided_with", message: "expected the object of answers the decisions were made from"))
            }
            decided = String(decoding: data, as: UTF8.self)
        }
        return .success(ProjectRecord(answersJSON: String(decoding: answersData, as: UTF8.self), decisions: list, knowledgeBase: hash,
                                      decidedWithJSON: decided))
    }

    public struct RecordError: Error, Sendable {
        public var key: String?
        public var message: String
    }

    /// Compares the stored decisions with a fresh evaluation.
    public func drift(against evaluation: Evaluation, kb: KnowledgeBase) -> Drift {
        var changes: [Drift.Change] = []
        for d in kb.decisions {
            let now = evaluation.choice(d.id, in: kb)
            let before = decisions.first { $0.id == d.id }?.choice
            if now != before { changes.append(.init(decision: d.id, before: before, now: now)) }
        }
        return Drift(changes: changes, knowledgeBaseChanged: knowledgeBase != kb.sourceHash, storedKnowledgeBase: knowledgeBase)
    }

    public struct Drift: Sendable {
        public struct Change: Sendable {
            public var decision: String
            public var before: String?
            public var now: String?
        }
        public var changes: [Change]
        public var knowledgeBaseChanged: Bool
        public var storedKnowledgeBase: String
    }
}
