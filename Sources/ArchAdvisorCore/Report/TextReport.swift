/// Human-readable reports: the terminal table and Markdown. Both are made from each
/// decision's contrast with its runner-up (``Contrast``): the reasons shown for a choice
/// favour it over the runner-up, the reasons shown against favour the runner-up.
public struct TextReport: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    /// Reasons shown per side and decision in the table.
    public var topReasons = 3
    let reasoning: Reasoning

    public init(kb: KnowledgeBase, style: Style) {
        self.kb = kb
        self.style = style
        reasoning = Reasoning(kb: kb)
    }

    static func signed(_ v: Double) -> String { Reasoning.signed(v) }
    static func plain(_ v: Double) -> String { Reasoning.plain(v) }

    func confidenceText(_ r: DecisionResult) -> String {
        guard let confidence = r.confidence else { return "" }
        let color = switch confidence {
        case .clear, .onlyOption: style.green
        case .leaning: style.yellow
        case .closeCall, .none: style.red
        }
        let text = reasoning.confidence(r)
        let word = confidence.rawValue
        return color + word + style.reset + String(text.dropFirst(word.count))
    }

    /// The table for one input.
    public func table(input: String, outcome: InputOutcome) -> String {
        var lines = ["\(style.bold)\(input)\(style.reset)"]
        switch outcome {
        case .failed(let problems):
            lines += problems.map { "  \(style.red)error\(style.reset) \($0)" }
        case .evaluated(let e):
            let width = kb.decisions.map(\.id.count).max() ?? 12
            for r in e.decisions {
                let d = kb.decisions[r.decision]
                let name = d.id.padding(toLength: width, withPad: " ", startingAt: 0)
                let indent = String(repeating: " ", count: width + 4)
                guard r.applies else {
                    lines.append("  \(name)  \(style.dim)does not apply: it applies when \(d.appliesWhenText)\(style.reset)")
                    if let preview = reasoning.runnerUpPreview(r.decision, in: e) { lines.append(indent + "\(style.dim)\(preview)\(style.reset)") }
                    continue
                }
                let choice = r.choice.map { d.options[$0].value } ?? "no option possible"
                lines.append("  \(name)  \(style.bold)\(style.cyan)\(choice)\(style.reset)  \(confidenceText(r))")
                let scores = d.options.indices.map { o in
                    r.excludedBy[o].isEmpty ? "\(d.options[o].value) \(TextReport.plain(r.scores[o]))" : "\(d.options[o].value) \(style.dim)excluded\(style.reset)"
                }
                lines.append(indent + scores.joined(separator: " · "))
                for line in reasonLines(r, in: e) { lines.append(indent + line) }
            }
            let defaulted = e.answers.defaulted(in: kb)
            if !defaulted.isEmpty {
                lines.append("  \(style.dim)defaulted: \(defaulted.joined(separator: ", "))\(style.reset)")
            }
            if !e.ignored.isEmpty {
                lines.append("  \(style.dim)ignored (not asked with these answers): \(e.ignored.map { kb.questions[$0].id }.joined(separator: ", "))\(style.reset)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The reasons of one decision for the table: for the choice over the runner-up, then
    /// against it; exclusions when nothing else is left; defaults it rests on.
    func reasonLines(_ r: DecisionResult, in e: Evaluation) -> [String] {
        guard let choice = r.choice else { return [] }
        let d = kb.decisions[r.decision]
        var lines: [String] = []
        let contrasts = r.contrasts(in: kb)
        if let c = contrasts.first, c.excludedBy.isEmpty {
            let over = d.options[c.versus].value
            if c.favouring.isEmpty && c.against.isEmpty {
                lines.append("\(style.dim)no rule separates \(d.options[choice].value) from \(over)\(style.reset)")
            }
            if !c.favouring.isEmpty { lines.append("\(style.dim)for \(d.options[choice].value) over \(over):\(style.reset)") }
            for n in c.favouring.prefix(topReasons) { lines.append(bullet(n, in: e)) }
            if c.favouring.count > topReasons { lines.append("  \(style.dim)… \(c.favouring.count - topReasons) more (archadvisor explain)\(style.reset)") }
            if !c.against.isEmpty { lines.append("\(style.dim)for \(over), outweighed:\(style.reset)") }
            for n in c.against.prefix(max(1, topReasons - 1)) { lines.append(bullet(n, in: e)) }
            if c.against.count > max(1, topReasons - 1) { lines.append("  \(style.dim)… \(c.against.count - max(1, topReasons - 1)) more (archadvisor explain)\(style.reset)") }
        }
        for c in contrasts where !c.excludedBy.isEmpty {
            let rule = kb.rules[c.excludedBy[0]]
            lines.append("\(style.dim)\(d.options[c.versus].value) excluded:\(style.reset) \(rule.why) \(style.dim)[\(kb.section(of: rule.source))]\(style.reset)")
        }
        for s in r.suspended { lines.append("\(style.yellow)not applied:\(style.reset) " + reasoning.suspended(s, in: e)) }
        for s in reasoning.restsOn(r, in: e) { lines.append("\(style.yellow)rests on a default:\(style.reset) " + s) }
        return lines
    }

    func bullet(_ n: Contrast.Net, in e: Evaluation) -> String {
        let rule = kb.rules[n.rule]
        var assumed = reasoning.assumed(n.rule, in: e).map { " \(style.yellow)(\($0))\(style.reset)" } ?? ""
        if let o = reasoning.overrideNote(rule) { assumed += " \(style.cyan)(\(o))\(style.reset)" }
        return "  \(style.dim)•\(style.reset) \(style.bold)\(TextReport.signed(n.net))\(style.reset) \(rule.why)\(assumed) \(style.dim)[\(kb.section(of: rule.source))]\(style.reset)"
    }

    /// Markdown for one input.
    public func markdown(input: String, outcome: InputOutcome) -> String {
        var out = "## \(input)\n\n"
        switch outcome {
        case .failed(let problems):
            out += problems.map { "- **error** \(Self.escape($0.description))" }.joined(separator: "\n") + "\n"
        case .evaluated(let e):
            out += "| Decision | Choice | Confidence | Scores |\n|---|---|---|---|\n"
            for r in e.decisions {
                let d = kb.decisions[r.decision]
                guard r.applies else {
                    out += "| \(d.id) | — | does not apply: it applies when `\(d.appliesWhenText)` | |\n"
                    continue
                }
                let scores = d.options.indices.map { r.excludedBy[$0].isEmpty ? "\(d.options[$0].value) \(TextReport.plain(r.scores[$0]))" : "\(d.options[$0].value) excluded" }
                out += "| \(d.id) | **\(r.choice.map { d.options[$0].value } ?? "none")** | \(Self.escape(reasoning.confidence(r))) | \(scores.joined(separator: ", ")) |\n"
            }
            for r in e.decisions where r.applies && r.choice != nil {
                out += "\n" + DecisionWhy(kb: kb).markdown(r, in: e, heading: "### \(kb.decisions[r.decision].title) (`\(kb.decisions[r.decision].id)`)")
            }
            let defaulted = e.answers.defaulted(in: kb)
            if !defaulted.isEmpty { out += "\nDefaulted: " + defaulted.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
            if !e.ignored.isEmpty {
                out += "\nIgnored (not asked with these answers, so the default was used): " + e.ignored.map { "`\(kb.questions[$0].id)`" }.joined(separator: ", ") + "\n"
            }
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|")
    }
}
