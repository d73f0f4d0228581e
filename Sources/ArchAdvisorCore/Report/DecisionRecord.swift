/// A MADR 4.0 architecture decision record for an evaluation.
public struct DecisionRecord: Sendable {
    public let kb: KnowledgeBase
    /// `YYYY-MM-DD` for the front matter.
    public let date: String

    public init(kb: KnowledgeBase, date: String) {
        self.kb = kb
        self.date = date
    }

    private func text(_ sourceID: String) -> String {
        kb.sourceIndex[sourceID].map { kb.sources[$0].text } ?? sourceID
    }

    private func sentence(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespaces)
        while t.hasSuffix(".") { t.removeLast() }
        guard let first = t.first else { return t }
        return first.lowercased() + t.dropFirst()
    }

    public func render(input: String, evaluation e: Evaluation) -> String {
        let arch = e.decisions[0]
        let decision = kb.decisions[arch.decision]
        let reasoning = Reasoning(kb: kb)
        let chosen = arch.choice.map { decision.options[$0] }
        let title = chosen.map { "\(decision.title): \($0.label)" } ?? decision.title
        var out = "---\nstatus: proposed\ndate: \(date)\ndecision-makers: (the team fills this in)\n---\n\n# \(title)\n\n"

        out += "## Context and Problem Statement\n\n"
        out += "How should we build our backend: as a modular monolith, as microservices, or as microservices with a service mesh? "
        out += "These are our answers to archadvisor's questions (`\(input)`; defaults marked):\n\n"
        for (q, question) in kb.questions.enumerated() {
            let note = e.pinned.count > q && e.pinned[q] ? " (not asked with these answers; default used)" : (e.answers.provided[q] ? "" : " (default)")
            out += "* \(question.prompt) **\(question.displayValue(e.isDefaulted(q) ? question.defaultValue : e.answers.values[q]))**\(note)\n"
        }

        let contrasts = arch.contrasts(in: kb)
        out += "\n## Decision Drivers\n\n"
        if let c = contrasts.first, let choice = arch.choice {
            let me = decision.options[choice].label, other = decision.options[c.versus].label
            for n in c.favouring.prefix(5) { out += "* In favour of \(me) over \(other): \(driver(n.rule))\n" }
            for n in c.against.prefix(3) { out += "* In favour of \(other) over \(me): \(driver(n.rule))\n" }
            if c.favouring.isEmpty && c.against.isEmpty { out += "* No rule separates \(me) from \(other): they are tied on points.\n" }
        }
        for c in contrasts where !c.excludedBy.isEmpty {
            for r in c.excludedBy { out += "* Rules out \(decision.options[c.versus].label): \(driver(r))\n" }
        }

        out += "\n## Considered Options\n\n"
        for o in decision.options { out += "* \(o.label)\n" }

        out += "\n## Decision Outcome\n\n"
        if let chosen, let c = arch.choice {
            out += "Chosen option: \"\(chosen.label)\", because \(because(arch, contrasts: contrasts)).\n\n"
            out += "The choice is **\(reasoning.confidence(arch, labels: true))**.\n\n"
            for s in arch.suspended { out += "Not applied: \(reasoning.suspended(s, in: e)).\n\n" }
            let rests = reasoning.restsOn(arch, in: e, labels: true)
            if !rests.isEmpty {
                out += "This choice rests on answers left at their defaults; answer them to settle it:\n\n"
                for s in rests { out += "* \(s).\n" }
                out += "\n"
            }
            out += "The other decisions:\n\n| Decision | Choice | Confidence |\n|---|---|---|\n"
            for r in e.decisions.dropFirst() {
                let d = kb.decisions[r.decision]
                if r.applies {
                    out += "| \(d.title) | \(r.choice.map { d.options[$0].label } ?? "none possible") | \(TextReport.escape(reasoning.confidence(r, labels: true))) |\n"
                } else {
                    out += "| \(d.title) | does not apply | |\n"
                }
            }
            out += "\n### Consequences\n\n"
            var good: [Int] = [], bad: [Int] = []
            for x in contrasts where x.excludedBy.isEmpty {
                for n in x.favouring where !good.contains(n.rule) { good.append(n.rule) }
                for n in x.against where !bad.contains(n.rule) { bad.append(n.rule) }
            }
            for r in good { out += "* Good, because \(sentence(kb.rules[r].why)).\n" }
            for r in bad { out += "* Bad, because \(sentence(kb.rules[r].why)).\n" }
            for s in chosen.pros { out += "* Good: \(sentence(text(s))) (\(kb.section(of: s))).\n" }
            for s in chosen.cons { out += "* Bad: \(sentence(text(s))) (\(kb.section(of: s))).\n" }
            _ = c
        } else {
            out += "No option is possible with these answers: every option is excluded.\n"
        }

        out += "\n### Confirmation\n\n"
        out += "The answers above are stored in `.archadvisor/answers.json` of the scaffolded project. "
        out += "Run `archadvisor recheck .` in CI: it re-evaluates them against the current knowledge base and exits 1 when a decision would now differ. "
        out += "Update the answers when the team or the system changes.\n"

        out += "\n## Pros and Cons of the Options\n"
        for (o, option) in decision.options.enumerated() {
            out += "\n### \(option.label)\n\n\(option.description)\n\n"
            for s in option.pros { out += "* Good: \(sentence(text(s))).\n" }
            for s in option.cons { out += "* Bad: \(sentence(text(s))).\n" }
            for r in arch.excludedBy[o] { out += "* Ruled out with these answers, because \(sentence(kb.rules[r].why)).\n" }
            out += "* Score with these answers: \(Reasoning.plain(arch.scores[o]))\n"
        }

        out += "\n## More Information\n\nWhat would change this decision (`archadvisor whatif`):\n\n"
        let changes = WhatIf(kb: kb).changes(for: e.answers, decision: 0)
        let lines = WhatIfText(kb: kb)
        if changes.isEmpty { out += "* No change of up to six answers changes it.\n" }
        for c in changes {
            out += "* To \(c.to.map { decision.options[$0].label } ?? "no option"): with \(lines.setText(c, answers: e.answers))\(c.minimal ? "" : " (built one answer at a time; a smaller change may exist)")\n"
        }
        out += "\nGenerated by archadvisor from knowledge base `\(kb.sourceHash.prefix(12))`; every reason above cites the guidance section it comes from. "
        out += "The weights and the thresholds marked as calibration are archadvisor's, not the guidance's (`archadvisor kb show --assumptions`).\n"
        return out
    }

    /// A driver line: the rule's why, its condition, its section and its calibration.
    private func driver(_ r: Int) -> String {
        let rule = kb.rules[r]
        var meta = rule.conditionText == "true" ? kb.section(of: rule.source) : "`\(rule.conditionText)`; \(kb.section(of: rule.source))"
        if rule.pack != nil || rule.override != nil {
            if let t = kb.thresholdOrigin(rule) { meta += "; \(t)" }
        } else if let c = rule.calibration {
            meta += "; threshold: archadvisor's calibration, \(c)"
        }
        return "\(rule.why) (\(meta))"
    }

    /// The "because" of the outcome: only reasons that favour the choice over the
    /// runner-up (or, without a runner-up, the exclusions that left it alone).
    private func because(_ r: DecisionResult, contrasts: [Contrast]) -> String {
        guard let c = contrasts.first else { return "it is the only option" }
        let d = kb.decisions[r.decision]
        if !c.excludedBy.isEmpty {
            let excluded = contrasts.filter { !$0.excludedBy.isEmpty }
            return "the other options are ruled out: " + excluded.map { x in sentence(kb.rules[x.excludedBy[0]].why) }.joined(separator: "; ")
        }
        var parts = c.favouring.prefix(3).map { sentence(kb.rules[$0.rule].why) }
        if c.isTie {
            parts.append("it is tied on points with \(d.options[c.versus].label), and a tie goes to the option listed first, the simpler one")
        }
        if parts.isEmpty { return "no rule separates it from \(d.options[c.versus].label)" }
        return parts.joined(separator: "; ")
    }
}

import Foundation

extension DecisionRecord {
    /// Today's date as `YYYY-MM-DD` (UTC).
    public static func today() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }
}
