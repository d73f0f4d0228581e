/// Why each decision came out as it did: the evaluation with its contrasts, and what
/// would change each choice, found by changing the answers (the same changes `whatif`
/// reports, so `explain`, `evaluate` and `whatif` never disagree).
public struct Explanation: Sendable {
    public struct Entry: Sendable {
        public var result: DecisionResult
        /// The smallest answer changes that change this decision, per alternative.
        public var changes: [WhatIf.Change]
    }
    public var evaluation: Evaluation
    public var entries: [Entry]
}

public struct Explainer: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    public func explain(_ answers: AnswerSet) -> Explanation {
        let evaluation = Evaluator(kb: kb).evaluate(answers)
        let changes = WhatIf(kb: kb).changes(for: answers)
        let entries = evaluation.decisions.map { r in
            Explanation.Entry(result: r, changes: changes.filter { $0.decision == r.decision })
        }
        return Explanation(evaluation: evaluation, entries: entries)
    }
}
