/// `archadvisor recheck` as text: for every decision that would now differ, the answers
/// that changed since the project was scaffolded, the rules that now fire or no longer
/// fire, and the reasons that favour the new choice over the old one (from the contrast).
public struct RecheckText: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    public init(kb: KnowledgeBase, style: Style) {
        self.kb = kb
        self.style = style
    }

    /// `before` is the evaluation of the answers the stored decisions were made from
    /// (with the current knowledge base), nil when the record does not keep them.
    public func render(drift: ProjectRecord.Drift, now: Evaluation, before: Evaluation?) -> String {
        var out = ""
        if drift.knowledgeBaseChanged {
            out += "knowledge base changed: \(drift.storedKnowledgeBase.prefix(12)) -> \(kb.sourceHash.prefix(12))\n"
        }
        if drift.changes.isEmpty { return out + "\(style.green)every decision holds\(style.reset)\n" }
        let changedAnswers: [Int] = before.map { b in
            kb.questions.indices.filter { b.answers.values[$0] != now.answers.values[$0] || b.answers.provided[$0] != now.answers.provided[$0] }
        } ?? []
        if let before {
            if changedAnswers.isEmpty {
                out += "the answers are unchanged since the project was scaffolded\(drift.knowledgeBaseChanged ? "; the knowledge base changed" : "")\n"
            } else {
                out += "answers changed since the project was scaffolded: " + changedAnswers.map { q in
                    let question = kb.questions[q]
                    let was = question.displayValue(before.answers.values[q]) + (before.answers.provided[q] ? "" : " (default)")
                    let is_ = question.displayValue(now.answers.values[q]) + (now.answers.provided[q] ? "" : " (default)")
                    return "\(question.id) \(was) -> \(is_)"
                }.joined(separator: ", ") + "\n"
            }
        }
        for c in drift.changes {
            out += "\(style.red)\(c.decision): \(c.before ?? "null") -> \(c.now ?? "null")\(style.reset)\n"
            guard let d = kb.decisionIndex[c.decision] else { continue }
            let r = now.decisions[d]
            if let before {
                let was = Set(before.decisions[d].fired), is_ = Set(r.fired)
                let fires = is_.subtracting(was).sorted(), stops = was.subtracting(is_).sorted()
                let reasoning = Reasoning(kb: kb)
                if !fires.isEmpty { out += "  now fire: " + fires.map { "\(reasoning.named($0)) (\(reasoning.effect(kb.rules[$0])))" }.joined(separator: ", ") + "\n" }
                if !stops.isEmpty { out += "  no longer fire: " + stops.map { "\(reasoning.named($0)) (\(reasoning.effect(kb.rules[$0])))" }.joined(separator: ", ") + "\n" }
            }
            guard r.applies, let choice = r.choice else {
                out += "  it no longer applies: it applies when \(kb.decisions[d].appliesWhenText)\n"
                continue
            }
            let option = kb.decisions[d].options
            // Contrast the new choice with the old one when it is still an option.
            let old = c.before.flatMap { kb.decisions[d].optionIndex($0) }
            let contrasts = r.contrasts(in: kb)
            guard let contrast = contrasts.first(where: { $0.versus == old }) ?? contrasts.first else { continue }
            if !contrast.excludedBy.isEmpty {
                for x in contrast.excludedBy { out += "  \(option[contrast.versus].value) is now excluded: \(kb.rules[x].why) [\(kb.section(of: kb.rules[x].source))]\n" }
                continue
            }
            if contrast.favouring.isEmpty {
                out += "  \(option[choice].value) and \(option[contrast.versus].value) are tied on points; the tie goes to \(option[choice].value), listed first\n"
            }
            for n in contrast.favouring.prefix(3) {
                out += "  for \(option[choice].value) over \(option[contrast.versus].value) (\(Reasoning.signed(n.net))): \(kb.rules[n.rule].why) [\(kb.section(of: kb.rules[n.rule].source))]\n"
            }
            for s in Reasoning(kb: kb).restsOn(r, in: now) { out += "  \(style.yellow)rests on a default:\(style.reset) \(s)\n" }
        }
        return out
    }
}
