/// `kb show`: the questions, decisions and rules, and the guidance coverage.
public struct KnowledgeListing: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    /// Sources of kind recommendation that no rule, rule pack override or policy cites.
    public var uncovered: [Source] {
        let cited = citing
        return kb.sources.filter { $0.kind == .recommendation && cited[$0.id] == nil }
    }

    /// Per source id: the rules citing it, and a rule pack's overrides and policies.
    var citing: [String: [String]] {
        var citing: [String: [String]] = [:]
        for r in kb.rules { citing[r.source, default: []].append(r.id) }
        for r in kb.rules { if let o = r.override { citing[o.source, default: []].append("override of \(r.id)") } }
        for p in kb.policies { citing[p.source, default: []].append("policy/\(p.id)") }
        return citing
    }

    public func text(style: Style) -> String {
        var out = "\(style.bold)Knowledge base\(style.reset) \(kb.sourceHash.prefix(12)): \(kb.questions.count) questions, \(kb.decisions.count) decisions, \(kb.rules.count) rules, \(kb.sources.count) sources, \(kb.scenarios.count) scenarios, \(kb.templates.count) templates\n"
        out += "\n\(style.bold)Questions\(style.reset)\n"
        for q in kb.questions {
            let values: String = switch q.kind {
            case .integer(let r): "integer \(r.lowerBound)...\(r.upperBound)"
            case .boolean: "boolean"
            case .choice(let c): c.map(\.value).joined(separator: "|")
            }
            out += "  \(q.id.padding(toLength: 27, withPad: " ", startingAt: 0)) \(values), default \(q.displayValue(q.defaultValue))"
            out += q.askWhenText == "true" ? "\n" : "  \(style.dim)(asked when \(q.askWhenText))\(style.reset)\n"
        }
        out += "\n\(style.bold)Decisions\(style.reset)\n"
        for d in kb.decisions {
            out += "  \(d.id.padding(toLength: 27, withPad: " ", startingAt: 0)) \(d.options.map(\.value).joined(separator: "|"))"
            out += d.appliesWhenText == "true" ? "\n" : "  \(style.dim)(when \(d.appliesWhenText))\(style.reset)\n"
        }
        out += "\n\(style.bold)Rules\(style.reset)\n"
        for (d, decision) in kb.decisions.enumerated() {
            out += "  \(decision.id):\n"
            for i in kb.rulesByDecision[d] {
                let rule = kb.rules[i]
                var effects = rule.points.map { "\(decision.options[$0.option].value) \(TextReport.signed($0.points))" }
                effects += rule.excludes.map { "excludes \(decision.options[$0].value)" }
                out += "    \(rule.id): \(effects.joined(separator: ", ")) when \(rule.conditionText)  \(style.dim)[\(kb.section(of: rule.source))]\(style.reset)\n"
            }
        }
        return out
    }

    public func json() -> String {
        var out = "{\"source_hash\":\(JSONText.quoted(kb.sourceHash)),\"questions\":["
        out += kb.questions.map { q in
            var s = "{\"id\":\(JSONText.quoted(q.id)),\"type\":\"\(q.typeName)\""
            switch q.kind {
            case .integer(let r): s += ",\"min\":\(r.lowerBound),\"max\":\(r.upperBound)"
            case .boolean: break
            case .choice(let c): s += ",\"choices\":[" + c.map { JSONText.quoted($0.value) }.joined(separator: ",") + "]"
            }
            s += ",\"default\":\(q.jsonValue(q.defaultValue)),\"prompt\":\(JSONText.quoted(q.prompt)),\"help\":\(JSONText.quoted(q.help)),\"ask_when\":\(JSONText.quoted(q.askWhenText))"
            s += ",\"sources\":[" + q.sources.map(JSONText.quoted).joined(separator: ",") + "]}"
            return s
        }.joined(separator: ",")
        out += "],\"decisions\":[" + kb.decisions.map { d in
            "{\"id\":\(JSONText.quoted(d.id)),\"title\":\(JSONText.quoted(d.title)),\"applies_when\":\(JSONText.quoted(d.appliesWhenText)),\"options\":["
                + d.options.map { JSONText.quoted($0.value) }.joined(separator: ",") + "]}"
        }.joined(separator: ",")
        out += "],\"rules\":[" + kb.rules.map { r in
            let d = kb.decisions[r.decision]
            return "{\"id\":\(JSONText.quoted(r.id)),\"decision\":\(JSONText.quoted(d.id)),\"when\":\(JSONText.quoted(r.conditionText)),\"add\":{"
                + r.points.map { JSONText.quoted(d.options[$0.option].value) + ":" + JSONText.number($0.points) }.joined(separator: ",")
                + "},\"exclude\":[" + r.excludes.map { JSONText.quoted(d.options[$0].value) }.joined(separator: ",")
                + "],\"why\":\(JSONText.quoted(r.why)),\"source\":\(JSONText.quoted(r.source)),\"section\":\(JSONText.quoted(kb.section(of: r.source))),\"location\":\(JSONText.quoted(r.location))}"
        }.joined(separator: ",")
        out += "]}\n"
        return out
    }

    /// "2 rules", "1 override", "1 rule, 1 policy": what cites a source, by kind (the
    /// entries of ``citing``).
    static func citationLabel(_ citations: [String]) -> String {
        let overrides = citations.filter { $0.hasPrefix("override of ") }.count
        let policies = citations.filter { $0.hasPrefix("policy/") }.count
        let rules = citations.count - overrides - policies
        return [(rules, "rule", "rules"), (overrides, "override", "overrides"), (policies, "policy", "policies")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }.joined(separator: ", ")
    }

    /// Every guidance source with the rules citing it; recommendations with none stand out.
    public func coverage(style: Style, json: Bool) -> String {
        let citing = citing
        if json {
            return "{\"uncovered\":[" + uncovered.map { JSONText.quoted($0.id) }.joined(separator: ",") + "],\"sources\":["
                + kb.sources.map { s in
                    "{\"id\":\(JSONText.quoted(s.id)),\"section\":\(JSONText.quoted(s.section)),\"kind\":\"\(s.kind.rawValue)\",\"text\":\(JSONText.quoted(s.text)),\"rules\":["
                        + (citing[s.id] ?? []).map(JSONText.quoted).joined(separator: ",") + "]}"
                }.joined(separator: ",") + "]}\n"
        }
        var out = ""
        var section = ""
        for s in kb.sources {
            let top = s.section.components(separatedBy: " / ").first ?? s.section
            if top != section { out += "\n\(style.bold)\(top)\(style.reset)\n"; section = top }
            let rules = citing[s.id] ?? []
            let mark = rules.isEmpty ? (s.kind == .fact ? "\(style.dim)fact\(style.reset)" : "\(style.red)UNCOVERED\(style.reset)") : "\(style.green)\(Self.citationLabel(rules))\(style.reset)"
            out += "  \(mark)  \(s.section): \(s.text)\n"
            if !rules.isEmpty { out += "        \(style.dim)\(rules.joined(separator: ", "))\(style.reset)\n" }
        }
        let recs = kb.sources.filter { $0.kind == .recommendation }.count
        out += "\n\(recs - uncovered.count) of \(recs) recommendations covered; \(kb.sources.count - recs) facts; \(uncovered.count) uncovered\n"
        return out
    }
}
