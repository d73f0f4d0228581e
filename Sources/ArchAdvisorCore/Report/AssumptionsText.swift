/// `kb show --assumptions`: what archadvisor assumes beyond the guidance. Every rule that
/// compares a number with a threshold, with where that threshold comes from (stated by the
/// guidance, or archadvisor's calibration), and the weights, all of which are ours.
public struct AssumptionsText: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    public func text(style: Style) -> String {
        var out = "\(style.bold)Thresholds\(style.reset) (where each comes from)\n"
        for (r, rule) in kb.rules.enumerated() where rule.calibration != nil || rule.stated != nil {
            let kind = rule.calibration != nil ? (rule.pack.map { "calibration of rule pack \($0)" } ?? "calibration") : "stated"
            out += "  \(rule.id): \(rule.conditionText)\n"
            if let o = rule.override {
                out += "    threshold of rule pack \(o.pack): \(rule.calibration ?? "")  \(style.dim)[\(kb.section(of: o.source)); \(o.location)]\(style.reset)\n"
                out += "    replacing archadvisor's calibration `\(o.replacedCondition)`: \(o.replacedCalibration)  \(style.dim)[\(kb.section(of: rule.source)); \(rule.location)]\(style.reset)\n"
            } else {
                out += "    \(kind): \(rule.calibration ?? rule.stated!)  \(style.dim)[\(kb.section(of: rule.source)); \(kb.rules[r].location)]\(style.reset)\n"
            }
        }
        out += "\n\(style.bold)Weights\(style.reset): every weight is archadvisor's calibration (the guidance gives none)"
            + (kb.hasPacks ? ", except the weights of a rule pack's own rules, which are the pack's" : "") + "\n"
        for (d, decision) in kb.decisions.enumerated() {
            let weights = kb.rulesByDecision[d].filter { !kb.rules[$0].points.isEmpty }.map { "\(kb.rules[$0].id) (\(Reasoning(kb: kb).effect(kb.rules[$0])))" }
            out += "  \(decision.id): " + weights.joined(separator: ", ") + "\n"
            out += "    margins: clear from \(Reasoning.plain(decision.clearMargin)), leaning from \(Reasoning.plain(decision.leaningMargin)) points over the runner-up\n"
        }
        return out
    }

    public func json() -> String {
        "{\"thresholds\":[" + kb.rules.filter { $0.calibration != nil || $0.stated != nil }.map { rule in
            "{\"rule\":\(JSONText.quoted(rule.id)),\"when\":\(JSONText.quoted(rule.conditionText)),"
                + (rule.calibration.map { "\"calibration\":\(JSONText.quoted($0))" } ?? "\"stated\":\(JSONText.quoted(rule.stated!))")
                + ",\"source\":\(JSONText.quoted(kb.section(of: rule.source)))"
                + (rule.pack.map { ",\"pack\":\(JSONText.quoted($0))" } ?? "")
                + (rule.override.map { o in
                    ",\"override\":{\"pack\":\(JSONText.quoted(o.pack)),\"source\":\(JSONText.quoted(kb.section(of: o.source))),"
                        + "\"replaced_condition\":\(JSONText.quoted(o.replacedCondition)),\"replaced_calibration\":\(JSONText.quoted(o.replacedCalibration))}"
                } ?? "") + "}"
        }.joined(separator: ",") + "],\"weights\":\"calibration\"}\n"
    }
}
