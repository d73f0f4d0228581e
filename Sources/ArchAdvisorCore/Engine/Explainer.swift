/// Why each decision came out as it did: the rules that fired, and the rules that did not
/// fire but would have changed the outcome had they fired (each alone).
public struct Explanation: Sendable {
    public struct Counterfactual: Sendable {
        public var rule: Int
        /// The option that would have been chosen (nil: none possible).
        public var wouldChoose: Int?
    }
    public struct Entry: Sendable {
        public var result: DecisionResult
        public var counterfactuals: [Counterfactual]
    }
    public var evaluation: Evaluation
    public var entries: [Entry]
}

public struct Explainer: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    public func explain(_ answers: AnswerSet) -> Explanation {
        let evaluator = Evaluator(kb: kb)
        let evaluation = evaluator.evaluate(answers)
        var entries: [Explanation.Entry] = []
        for result in evaluation.decisions {
            var counterfactuals: [Explanation.Counterfactual] = []
            if result.applies {
                for r in kb.rulesByDecision[result.decision] where !result.fired.contains(r) {
                    let alt = evaluation.values.withUnsafeBufferPointer {
                        evaluator.evaluate(decision: result.decision, values: $0, extraRules: [r])
                    }
                    if alt.choice != result.choice {
                        counterfactuals.append(.init(rule: r, wouldChoose: alt.choice))
                    }
                }
            }
            entries.append(.init(result: result, counterfactuals: counterfactuals))
        }
        return Explanation(evaluation: evaluation, entries: entries)
    }

    /// The explanation as text for a terminal or a file.
    public func render(_ explanation: Explanation, input: String, style: Style) -> String {
        let text = TextReport(kb: kb, style: style)
        var out = "\(style.bold)\(input)\(style.reset)\n"
        for entry in explanation.entries {
            let r = entry.result
            let d = kb.decisions[r.decision]
            out += "\n\(style.bold)\(d.title) (\(d.id))\(style.reset)\n"
            guard r.applies else {
                out += "  does not apply: it applies when \(d.appliesWhenText)\n"
                continue
            }
            let choice = r.choice.map { d.options[$0].value } ?? "no option possible"
            out += "  choice: \(style.cyan)\(style.bold)\(choice)\(style.reset)  \(text.confidenceText(r))\n"
            out += "  scores: " + d.options.indices.map { o in
                let ex = r.excludedBy[o]
                return "\(d.options[o].value) \(TextReport.plain(r.scores[o]))" + (ex.isEmpty ? "" : " (excluded by \(ex.map { kb.rules[$0].id }.joined(separator: ", ")))")
            }.joined(separator: ", ") + "\n"
            out += "  rules that fired:\n"
            if r.fired.isEmpty { out += "    (none)\n" }
            for i in r.fired {
                let rule = kb.rules[i]
                out += "    \(rule.id): \(text.effect(rule, d))\n"
                out += "      when \(rule.conditionText)\n"
                out += "      \(rule.why)\n"
                out += "      \(style.dim)source: \(kb.section(of: rule.source)) (\(rule.location))\(style.reset)\n"
            }
            if !entry.counterfactuals.isEmpty {
                out += "  rules that did not fire but would change the choice:\n"
                for c in entry.counterfactuals {
                    let rule = kb.rules[c.rule]
                    let to = c.wouldChoose.map { d.options[$0].value } ?? "no option"
                    out += "    \(rule.id): \(text.effect(rule, d)) -> \(to)\n"
                    out += "      when \(rule.conditionText)\n"
                    out += "      \(rule.why)\n"
                }
            }
        }
        let defaulted = explanation.evaluation.answers.defaulted(in: kb)
        if !defaulted.isEmpty {
            out += "\ndefaulted: " + defaulted.map { id in
                let q = kb.questions[kb.questionIndex[id]!]
                return "\(id)=\(q.displayValue(q.defaultValue))"
            }.joined(separator: ", ") + "\n"
        }
        return out
    }
}
