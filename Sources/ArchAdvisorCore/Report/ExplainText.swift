/// `archadvisor explain` as text: every decision rule by rule, each rule's net for the
/// choice over every other option, where its threshold comes from, the exclusions not
/// applied and the defaults the choice rests on, and what would change it.
public struct ExplainText: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    public init(kb: KnowledgeBase, style: Style) {
        self.kb = kb
        self.style = style
    }

    public func render(_ explanation: Explanation, input: String) -> String {
        let reasoning = Reasoning(kb: kb)
        let whatIf = WhatIfText(kb: kb, style: style)
        let e = explanation.evaluation
        var out = "\(style.bold)\(input)\(style.reset)\n"
        for line in reasoning.packLines() { out += "\(style.dim)layered over the guidance:\(style.reset) \(line)\n" }
        for entry in explanation.entries {
            let r = entry.result
            let d = kb.decisions[r.decision]
            out += "\n\(style.bold)\(d.title) (\(d.id))\(style.reset)\n"
            guard r.applies else {
                out += "  does not apply: it applies when \(d.appliesWhenText)\n"
                if let preview = reasoning.runnerUpPreview(r.decision, in: e) { out += "  \(preview)\n" }
                continue
            }
            let choice = r.choice.map { d.options[$0].value } ?? "no option possible"
            out += "  choice: \(style.cyan)\(style.bold)\(choice)\(style.reset)  \(TextReport(kb: kb, style: style).confidenceText(r))\n"
            out += "  scores: " + d.options.indices.map { o in
                let ex = r.excludedBy[o]
                return "\(d.options[o].value) \(Reasoning.plain(r.scores[o]))" + (ex.isEmpty ? "" : " (excluded by \(ex.map { kb.rules[$0].id }.joined(separator: ", ")))")
            }.joined(separator: ", ") + "\n"
            if d.options.contains(where: { $0.refines != nil }) {
                let refined = d.options.indices.filter { d.options[$0].refines != nil }.map { d.options[$0].value }
                out += "  \(style.dim)\(refined.joined(separator: ", ")) refine\(refined.count == 1 ? "s" : "") another option: rules that add to refinements only are weighed only once their base has won\(style.reset)\n"
            }
            let contrasts = r.contrasts(in: kb)
            out += "  rules that fired (net for \(choice) over " + contrasts.map { d.options[$0.versus].value }.joined(separator: " / ") + "):\n"
            if r.fired.isEmpty { out += "    (none)\n" }
            for i in r.fired {
                let rule = kb.rules[i]
                let nets = contrasts.map { c in Reasoning.signed(rule.effect(on: r.choice ?? 0) - rule.effect(on: c.versus)) }
                out += "    \(reasoning.named(i)): \(style.bold)\(reasoning.effect(rule))\(style.reset)  net \(nets.joined(separator: " / "))"
                if r.suspended.contains(i) { out += "  \(style.yellow)(exclusion not applied: rests on defaults)\(style.reset)" }
                out += "\n      when \(rule.conditionText)" + (e.readsDefault(i, in: kb) ? " \(style.dim)(reads a defaulted answer)\(style.reset)" : "") + "\n"
                out += "      \(rule.why)\n"
                if let p = reasoning.provenance(rule) { out += "      \(style.dim)\(p)\(style.reset)\n" }
                out += "      \(style.dim)source: \(kb.section(of: rule.source)) (\(rule.location))\(style.reset)\n"
            }
            for s in r.suspended { out += "  \(style.yellow)not applied:\(style.reset) \(reasoning.suspended(s, in: e))\n" }
            for s in reasoning.restsOn(r, in: e) { out += "  \(style.yellow)rests on a default:\(style.reset) \(s)\n" }
            if !entry.changes.isEmpty {
                out += "  what would change the choice (changing the answers; the same as `archadvisor whatif`):\n"
                for c in entry.changes { out += "    " + whatIf.line(c, answers: e.answers) + "\n" }
            } else {
                out += "  no change of one or two answers changes the choice\n"
            }
        }
        let defaulted = e.answers.defaulted(in: kb)
        if !defaulted.isEmpty {
            out += "\ndefaulted: " + defaulted.map { id in
                let q = kb.questions[kb.questionIndex[id]!]
                return "\(id)=\(q.displayValue(q.defaultValue))"
            }.joined(separator: ", ") + "\n"
        }
        if !e.ignored.isEmpty {
            out += "ignored (not asked with these answers, so the default was used): " + e.ignored.map { q in
                "\(kb.questions[q].id) (asked when \(kb.questions[q].askWhenText))"
            }.joined(separator: ", ") + "\n"
        }
        if !kb.policies.isEmpty {
            out += "\n\(style.bold)Policies of the rule packs\(style.reset) (findings of `archadvisor check`; they score nothing)\n"
            for p in kb.policies {
                let state = switch reasoning.state(of: p, in: e) {
                case .violated: "\(p.severity == .error ? style.red : style.yellow)violated (\(p.severity.rawValue))\(style.reset)"
                case .holds: "\(style.green)holds\(style.reset)"
                case .doesNotApply: "\(style.dim)does not apply\(style.reset)"
                }
                out += "  policy/\(p.id) [rule pack \(p.pack)]: \(state): \(p.message); requires `\(p.requireText)`"
                    + (p.whenText == "true" ? "" : " when `\(p.whenText)`") + "\n      \(style.dim)source: \(kb.section(of: p.source)) (\(p.location))\(style.reset)\n"
            }
        }
        out += "\(style.dim)Every weight is \(kb.hasPacks ? "archadvisor's calibration, or a rule pack's for its own rules" : "archadvisor's calibration"); `archadvisor kb show --assumptions` lists every threshold and where it comes from.\(style.reset)\n"
        return out
    }
}
