/// Human-readable reports: the terminal table and Markdown.
public struct TextReport: Sendable {
    public let kb: KnowledgeBase
    public let style: Style
    /// Reasons shown per decision in the table.
    public var topReasons = 3

    public init(kb: KnowledgeBase, style: Style) {
        self.kb = kb
        self.style = style
    }

    /// A points figure for people: `+4`, `-2.5`.
    static func signed(_ v: Double) -> String {
        let s = v == v.rounded() ? String(Int(v)) : String(v)
        return v >= 0 ? "+" + s : s
    }

    static func plain(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    func confidenceText(_ r: DecisionResult) -> String {
        let d = kb.decisions[r.decision]
        guard let confidence = r.confidence else { return "" }
        let color = switch confidence {
        case .clear, .onlyOption: style.green
        case .leaning: style.yellow
        case .closeCall, .none: style.red
        }
        var text = color + confidence.rawValue + style.reset
        if let margin = r.margin, let runnerUp = r.runnerUp {
            text += " (\(TextReport.signed(margin)) over \(d.options[runnerUp].value))"
        }
        return text
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
                guard r.applies else {
                    lines.append("  \(name)  \(style.dim)does not apply (\(d.appliesWhenText))\(style.reset)")
                    continue
                }
                let choice = r.choice.map { d.options[$0].value } ?? "no option possible"
                lines.append("  \(name)  \(style.bold)\(style.cyan)\(choice)\(style.reset)  \(confidenceText(r))")
                let indent = String(repeating: " ", count: width + 4)
                let scores = d.options.indices.map { o in
                    r.excludedBy[o].isEmpty ? "\(d.options[o].value) \(TextReport.plain(r.scores[o]))" : "\(d.options[o].value) \(style.dim)excluded\(style.reset)"
                }
                lines.append(indent + scores.joined(separator: " · "))
                let ranked = r.fired.sorted { weight(kb.rules[$0], toward: r.choice) > weight(kb.rules[$1], toward: r.choice) }
                for i in ranked.prefix(topReasons) {
                    let rule = kb.rules[i]
                    lines.append(indent + "\(style.dim)•\(style.reset) \(effect(rule, d)) \(rule.why) \(style.dim)[\(kb.section(of: rule.source))]\(style.reset)")
                }
                if ranked.count > topReasons {
                    lines.append(indent + "\(style.dim)… \(ranked.count - topReasons) more (archadvisor explain)\(style.reset)")
                }
            }
            let defaulted = e.answers.defaulted(in: kb)
            if !defaulted.isEmpty {
                lines.append("  \(style.dim)defaulted: \(defaulted.joined(separator: ", "))\(style.reset)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// How much a rule mattered for the chosen option, for ordering reasons.
    /// Points for the chosen option first (largest first), then exclusions, then the rest.
    func weight(_ rule: Rule, toward choice: Int?) -> Double {
        if let choice, let p = rule.points.first(where: { $0.option == choice }), p.points > 0 { return 2000 + p.points }
        if !rule.excludes.isEmpty { return 1000 }
        return rule.points.map { abs($0.points) }.max() ?? 0
    }

    func effect(_ rule: Rule, _ d: Decision) -> String {
        var parts = rule.points.map { "\(d.options[$0.option].value) \(TextReport.signed($0.points))" }
        parts += rule.excludes.map { "excludes \(d.options[$0].value)" }
        return "\(style.bold)\(parts.joined(separator: ", "))\(style.reset)"
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
                    out += "| \(d.id) | — | does not apply (`\(d.appliesWhenText)`) | |\n"
                    continue
                }
                let scores = d.options.indices.map { r.excludedBy[$0].isEmpty ? "\(d.options[$0].value) \(TextReport.plain(r.scores[$0]))" : "\(d.options[$0].value) excluded" }
                var conf = r.confidence?.rawValue ?? ""
                if let m = r.margin, let ru = r.runnerUp { conf += " (\(TextReport.signed(m)) over \(d.options[ru].value))" }
                out += "| \(d.id) | **\(r.choice.map { d.options[$0].value } ?? "none")** | \(conf) | \(scores.joined(separator: ", ")) |\n"
            }
            for r in e.decisions where r.applies && !r.fired.isEmpty {
                let d = kb.decisions[r.decision]
                out += "\n### \(d.title) (`\(d.id)`)\n\n"
                for i in r.fired {
                    let rule = kb.rules[i]
                    var parts = rule.points.map { "\(d.options[$0.option].value) \(TextReport.signed($0.points))" }
                    parts += rule.excludes.map { "excludes \(d.options[$0].value)" }
                    out += "- `\(rule.id)` (\(parts.joined(separator: ", "))): \(Self.escape(rule.why)) _\(Self.escape(kb.section(of: rule.source)))_\n"
                }
            }
            let defaulted = e.answers.defaulted(in: kb)
            if !defaulted.isEmpty { out += "\nDefaulted: " + defaulted.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|")
    }
}
