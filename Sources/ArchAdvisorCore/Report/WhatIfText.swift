/// `archadvisor whatif` as text and JSON: for each decision and each option it could
/// change to, the smallest answer changes, with the range of values that works and the
/// rules the change makes fire or stop firing.
public struct WhatIfText: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    public init(kb: KnowledgeBase, style: Style = Style(color: false)) {
        self.kb = kb
        self.style = style
    }

    /// "team_size at 20 or more (now 8)", "kubernetes yes (now no, the default)".
    public func setText(_ change: WhatIf.Change, answers: AnswerSet) -> String {
        change.set.map { q, v in
            let question = kb.questions[q]
            var text: String
            if case .integer(let full) = question.kind, let r = change.range, change.set.count == 1 {
                if r.count == 1 { text = "\(question.id) at \(r.lowerBound)" }
                else if r.upperBound == full.upperBound { text = "\(question.id) at \(r.lowerBound) or more" }
                else if r.lowerBound == full.lowerBound { text = "\(question.id) at \(r.upperBound) or less" }
                else { text = "\(question.id) from \(r.lowerBound) to \(r.upperBound)" }
            } else {
                text = "\(question.id) \(question.displayValue(v))"
            }
            let now = question.displayValue(answers.values[q])
            return text + (answers.provided[q] ? " (now \(now))" : " (now \(now), the default)")
        }.joined(separator: " and ")
    }

    /// One change: "with ...: microservices; fires a, b; stops c".
    public func line(_ c: WhatIf.Change, answers: AnswerSet) -> String {
        let decision = kb.decisions[c.decision]
        var out = "with \(setText(c, answers: answers)): \(style.cyan)\(c.to.map { decision.options[$0].value } ?? "no option")\(style.reset)"
        var because: [String] = []
        let reasoning = Reasoning(kb: kb)
        if !c.fires.isEmpty { because.append("fires " + c.fires.map(reasoning.named).joined(separator: ", ")) }
        if !c.stops.isEmpty { because.append("stops " + c.stops.map(reasoning.named).joined(separator: ", ")) }
        if !because.isEmpty { out += " \(style.dim)(\(because.joined(separator: "; ")))\(style.reset)" }
        if !c.minimal { out += " \(style.dim)[built one answer at a time: a smaller change may exist]\(style.reset)" }
        return out
    }

    public func table(_ changes: [WhatIf.Change], evaluation e: Evaluation, input: String) -> String {
        var out = "\(style.bold)\(input)\(style.reset)\n"
        for (d, decision) in kb.decisions.enumerated() {
            guard let current = e.decisions[d].choice else { continue }
            out += "\n\(style.bold)\(decision.id)\(style.reset): \(decision.options[current].value)\n"
            for target in decision.options.indices where target != current {
                let mine = changes.filter { $0.decision == d && $0.to == target }
                out += "  to \(decision.options[target].value):"
                if mine.isEmpty { out += " no change of up to six answers leads there\n"; continue }
                out += "\n"
                for c in mine { out += "    " + line(c, answers: e.answers) + "\n" }
            }
        }
        return out
    }

    public func json(_ changes: [WhatIf.Change], answers: AnswerSet) -> String {
        "{\"changes\":[" + changes.map { c in
            let decision = kb.decisions[c.decision]
            var out = "{\"set\":{" + c.set.map { JSONText.quoted(kb.questions[$0.question].id) + ":" + kb.questions[$0.question].jsonValue($0.value) }.joined(separator: ",")
                + "},\"decision\":\(JSONText.quoted(decision.id)),\"from\":" + (c.from.map { JSONText.quoted(decision.options[$0].value) } ?? "null")
                + ",\"to\":" + (c.to.map { JSONText.quoted(decision.options[$0].value) } ?? "null")
            if let r = c.range { out += ",\"range\":{\"min\":\(r.lowerBound),\"max\":\(r.upperBound)}" }
            out += ",\"fires\":[" + c.fires.map { JSONText.quoted(kb.rules[$0].id) }.joined(separator: ",") + "]"
            out += ",\"stops\":[" + c.stops.map { JSONText.quoted(kb.rules[$0].id) }.joined(separator: ",") + "]"
            out += ",\"minimal\":\(c.minimal),\"text\":" + JSONText.quoted("with \(WhatIfText(kb: kb).setText(c, answers: answers))") + "}"
            return out
        }.joined(separator: ",") + "]}\n"
    }
}
