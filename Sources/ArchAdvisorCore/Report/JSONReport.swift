/// The JSON report of CONTRACT.md section 3, one compact object per input.
public struct JSONReport: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    public func render(input: String, outcome: InputOutcome) -> String {
        switch outcome {
        case .failed(let problems):
            return "{\"input\":\(JSONText.quoted(input)),\"error\":\(JSONText.quoted(problems.map(\.description).joined(separator: "; "))),"
                + "\"problems\":[" + problems.map { p in
                    "{\"key\":\(p.key.map(JSONText.quoted) ?? "null"),\"message\":\(JSONText.quoted(p.message))}"
                }.joined(separator: ",") + "]}"
        case .evaluated(let e):
            var out = "{\"input\":\(JSONText.quoted(input)),\"decisions\":{"
            out += e.decisions.map { JSONText.quoted(kb.decisions[$0.decision].id) + ":" + decision($0) }.joined(separator: ",")
            out += "},\"answers\":" + e.answers.json(in: kb, all: true, pretty: false)
            out += ",\"defaulted\":[" + e.answers.defaulted(in: kb).map(JSONText.quoted).joined(separator: ",") + "]"
            out += ",\"knowledge_base\":" + JSONText.quoted(kb.sourceHash) + "}"
            return out
        }
    }

    func decision(_ r: DecisionResult) -> String {
        let d = kb.decisions[r.decision]
        var out = "{\"choice\":" + (r.choice.map { JSONText.quoted(d.options[$0].value) } ?? "null")
        out += ",\"applies\":\(r.applies)"
        if !r.applies {
            out += ",\"applies_when\":" + JSONText.quoted(d.appliesWhenText)
        }
        out += ",\"confidence\":" + (r.confidence.map { JSONText.quoted($0.rawValue) } ?? "null")
        out += ",\"margin\":" + (r.margin.map(JSONText.number) ?? "null")
        out += ",\"runner_up\":" + (r.runnerUp.map { JSONText.quoted(d.options[$0].value) } ?? "null")
        out += ",\"scores\":{" + (r.applies ? d.options.indices.map { JSONText.quoted(d.options[$0].value) + ":" + JSONText.number(r.scores[$0]) }.joined(separator: ",") : "") + "}"
        out += ",\"excluded\":{" + d.options.indices.filter { !r.excludedBy[$0].isEmpty }.map { o in
            JSONText.quoted(d.options[o].value) + ":[" + r.excludedBy[o].map { JSONText.quoted(kb.rules[$0].id) }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "}"
        out += ",\"reasons\":[" + r.fired.map { reason(kb.rules[$0], decision: d) }.joined(separator: ",") + "]}"
        return out
    }

    func reason(_ rule: Rule, decision d: Decision) -> String {
        var out = "{\"rule\":\(JSONText.quoted(rule.id)),\"effect\":{"
        out += rule.points.map { JSONText.quoted(d.options[$0.option].value) + ":" + JSONText.number($0.points) }.joined(separator: ",") + "}"
        if !rule.excludes.isEmpty {
            out += ",\"excludes\":[" + rule.excludes.map { JSONText.quoted(d.options[$0].value) }.joined(separator: ",") + "]"
        }
        out += ",\"why\":\(JSONText.quoted(rule.why)),\"source\":\(JSONText.quoted(kb.section(of: rule.source))),\"source_id\":\(JSONText.quoted(rule.source))}"
        return out
    }
}
