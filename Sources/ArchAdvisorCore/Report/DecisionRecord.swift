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
        let chosen = arch.choice.map { decision.options[$0] }
        let title = chosen.map { "\(decision.title): \($0.label)" } ?? decision.title
        var out = "---\nstatus: proposed\ndate: \(date)\ndecision-makers: (the team fills this in)\n---\n\n# \(title)\n\n"

        out += "## Context and Problem Statement\n\n"
        out += "How should we build our backend: as a modular monolith, as microservices, or as microservices with a service mesh? "
        out += "These are our answers to archadvisor's questions (`\(input)`; defaults marked):\n\n"
        for (q, question) in kb.questions.enumerated() {
            out += "* \(question.prompt) **\(question.displayValue(e.answers.values[q]))**" + (e.answers.provided[q] ? "" : " (default)") + "\n"
        }

        out += "\n## Decision Drivers\n\n"
        let drivers = arch.fired.filter { kb.rules[$0].excludes.isEmpty }
            .sorted { abs(kb.rules[$0].points.map(\.points).reduce(0, +)) > abs(kb.rules[$1].points.map(\.points).reduce(0, +)) }
        for r in arch.fired.filter({ !kb.rules[$0].excludes.isEmpty }) + drivers.prefix(6) {
            let rule = kb.rules[r]
            out += "* \(rule.why) (`\(rule.conditionText)`; \(kb.section(of: rule.source)))\n"
        }

        out += "\n## Considered Options\n\n"
        for o in decision.options { out += "* \(o.label)\n" }

        out += "\n## Decision Outcome\n\n"
        if let chosen, let c = arch.choice {
            let because = arch.fired.filter { r in kb.rules[r].points.contains { $0.option == c && $0.points > 0 } }
                .prefix(3).map { sentence(kb.rules[$0].why) }
            out += "Chosen option: \"\(chosen.label)\", because " + (because.isEmpty ? "no other option remained" : because.joined(separator: "; ")) + ".\n\n"
            if let conf = arch.confidence {
                out += "The choice is **\(conf.rawValue)**"
                if let m = arch.margin, let ru = arch.runnerUp { out += ": \(TextReport.plain(m)) points ahead of \(decision.options[ru].label)" }
                out += ".\n\n"
            }
            out += "The other decisions:\n\n| Decision | Choice | Confidence |\n|---|---|---|\n"
            for r in e.decisions.dropFirst() {
                let d = kb.decisions[r.decision]
                if r.applies {
                    out += "| \(d.title) | \(r.choice.map { d.options[$0].label } ?? "none possible") | \(r.confidence?.rawValue ?? "") |\n"
                } else {
                    out += "| \(d.title) | does not apply | |\n"
                }
            }
            out += "\n### Consequences\n\n"
            for r in arch.fired where kb.rules[r].points.contains(where: { $0.option == c && $0.points > 0 }) {
                out += "* Good, because \(sentence(kb.rules[r].why))\n"
            }
            for s in chosen.pros { out += "* Good, because \(sentence(text(s)))\n" }
            for s in chosen.cons { out += "* Bad, because \(sentence(text(s)))\n" }
            for r in arch.fired where kb.rules[r].points.contains(where: { $0.option == c && $0.points < 0 }) {
                out += "* Bad, because \(sentence(kb.rules[r].why))\n"
            }
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
            for s in option.pros { out += "* Good, because \(sentence(text(s)))\n" }
            for s in option.cons { out += "* Bad, because \(sentence(text(s)))\n" }
            let excluded = arch.excludedBy[o]
            for r in excluded { out += "* Ruled out here: \(sentence(kb.rules[r].why))\n" }
            out += "* Score with these answers: \(TextReport.plain(arch.scores[o]))\n"
        }

        out += "\n## More Information\n\nWhat would change this decision (`archadvisor whatif`):\n\n"
        let whatIf = WhatIf(kb: kb)
        let changes = whatIf.changes(for: e.answers)
        if changes.isEmpty { out += "* No change of one or two answers changes any decision.\n" }
        for c in changes {
            let d = kb.decisions[c.decision]
            out += "* \(d.title): with \(whatIf.setText(c, answers: e.answers)), \(c.to.map { d.options[$0].label } ?? "no option")\n"
        }
        out += "\nGenerated by archadvisor from knowledge base `\(kb.sourceHash.prefix(12))`; every reason above cites the guidance section it comes from.\n"
        return out
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
