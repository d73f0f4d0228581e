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
            out += e.decisions.map { JSONText.quoted(kb.decisions[$0.decision].id) + ":" + decision($0, in: e) }.joined(separator: ",")
            out += "},\"answers\":" + e.answers.json(in: kb, all: true, pretty: false)
            out += ",\"defaulted\":[" + e.answers.defaulted(in: kb).map(JSONText.quoted).joined(separator: ",") + "]"
            out += ",\"ignored\":[" + e.ignored.map { q in
                "{\"question\":\(JSONText.quoted(kb.questions[q].id)),\"ask_when\":\(JSONText.quoted(kb.questions[q].askWhenText)),"
                    + "\"used\":\(kb.questions[q].jsonValue(kb.questions[q].defaultValue))}"
            }.joined(separator: ",") + "]"
            out += ",\"knowledge_base\":" + JSONText.quoted(kb.sourceHash)
            if kb.hasPacks {
                out += ",\"rule_packs\":[" + kb.packs.map { p in
                    "{\"id\":\(JSONText.quoted(p.id)),\"title\":\(JSONText.quoted(p.title)),\"owner\":\(JSONText.quoted(p.owner))}"
                }.joined(separator: ",") + "]"
                let reasoning = Reasoning(kb: kb)
                out += ",\"policies\":[" + kb.policies.map { p in
                    let state = reasoning.state(of: p, in: e).rawValue
                    return "{\"id\":\(JSONText.quoted(p.id)),\"pack\":\(JSONText.quoted(p.pack)),\"severity\":\(JSONText.quoted(p.severity.rawValue)),"
                        + "\"state\":\(JSONText.quoted(state)),\"message\":\(JSONText.quoted(p.message)),\"require\":\(JSONText.quoted(p.requireText)),"
                        + "\"when\":\(JSONText.quoted(p.whenText)),\"source\":\(JSONText.quoted(kb.section(of: p.source)))}"
                }.joined(separator: ",") + "]"
            }
            return out + "}"
        }
    }

    func decision(_ r: DecisionResult, in e: Evaluation) -> String {
        let d = kb.decisions[r.decision]
        let name = { (o: Int) in JSONText.quoted(d.options[o].value) }
        let rules = { (list: [Int]) in "[" + list.map { JSONText.quoted(self.kb.rules[$0].id) }.joined(separator: ",") + "]" }
        var out = "{\"choice\":" + (r.choice.map(name) ?? "null")
        out += ",\"applies\":\(r.applies)"
        if !r.applies {
            out += ",\"applies_when\":" + JSONText.quoted(d.appliesWhenText)
        }
        out += ",\"confidence\":" + (r.confidence.map { JSONText.quoted($0.rawValue) } ?? "null")
        out += ",\"margin\":" + (r.margin.map(JSONText.number) ?? "null")
        out += ",\"runner_up\":" + (r.runnerUp.map(name) ?? "null")
        out += ",\"tie\":" + (r.margin == 0 ? "true" : "false")
        out += ",\"rests_on_defaults\":\(r.restsOnDefaults)"
        out += ",\"rests_on\":[" + r.flips.map { f in
            let q = kb.questions[f.question]
            return "{\"question\":\(JSONText.quoted(q.id)),\"default\":\(q.jsonValue(q.defaultValue)),\"answer\":\(q.jsonValue(f.value)),\"choice\":"
                + (f.choice.map(name) ?? "null") + "}"
        }.joined(separator: ",") + "]"
        out += ",\"scores\":{" + (r.applies ? d.options.indices.map { name($0) + ":" + JSONText.number(r.scores[$0]) }.joined(separator: ",") : "") + "}"
        out += ",\"excluded\":{" + d.options.indices.filter { !r.excludedBy[$0].isEmpty }.map { o in
            name(o) + ":" + rules(r.excludedBy[o])
        }.joined(separator: ",") + "}"
        out += ",\"contrast\":[" + r.contrasts(in: kb).map { c in
            let nets = { (list: [Contrast.Net]) in
                "[" + list.map { "{\"rule\":\(JSONText.quoted(self.kb.rules[$0.rule].id)),\"net\":\(JSONText.number($0.net))}" }.joined(separator: ",") + "]"
            }
            return "{\"versus\":\(name(c.versus)),\"margin\":\(JSONText.number(c.margin)),\"for\":\(nets(c.favouring)),\"against\":\(nets(c.against)),\"excluded_by\":\(rules(c.excludedBy))}"
        }.joined(separator: ",") + "]"
        out += ",\"not_applied\":[" + r.suspended.map { rl in
            "{\"rule\":\(JSONText.quoted(kb.rules[rl].id)),\"would_exclude\":[" + kb.rules[rl].excludes.map(name).joined(separator: ",")
                + "],\"rests_on\":[" + kb.reads[rl].filter(e.isDefaulted).map { JSONText.quoted(kb.questions[$0].id) }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
        out += ",\"reasons\":[" + r.fired.map { reason($0, decision: d, in: e, suspended: r.suspended.contains($0)) }.joined(separator: ",") + "]}"
        return out
    }

    func reason(_ index: Int, decision d: Decision, in e: Evaluation, suspended: Bool) -> String {
        let rule = kb.rules[index]
        var out = "{\"rule\":\(JSONText.quoted(rule.id)),\"effect\":{"
        out += rule.points.map { JSONText.quoted(d.options[$0.option].value) + ":" + JSONText.number($0.points) }.joined(separator: ",") + "}"
        // An exclusion resting on defaults alone is not applied: it is listed under not_applied.
        if !rule.excludes.isEmpty && !suspended {
            out += ",\"excludes\":[" + rule.excludes.map { JSONText.quoted(d.options[$0].value) }.joined(separator: ",") + "]"
        }
        out += ",\"reads\":[" + kb.reads[index].map { JSONText.quoted(kb.questions[$0].id) }.joined(separator: ",") + "]"
        out += ",\"defaulted\":\(e.readsDefault(index, in: kb))"
        if let c = rule.calibration { out += ",\"calibration\":\(JSONText.quoted(c))" }
        if let s = rule.stated { out += ",\"stated\":\(JSONText.quoted(s))" }
        if let p = rule.pack { out += ",\"pack\":\(JSONText.quoted(p))" }
        if let o = rule.override {
            out += ",\"override\":{\"pack\":\(JSONText.quoted(o.pack)),\"source\":\(JSONText.quoted(kb.section(of: o.source))),\"replaced_condition\":\(JSONText.quoted(o.replacedCondition)),\"replaced_calibration\":\(JSONText.quoted(o.replacedCalibration))}"
        }
        out += ",\"why\":\(JSONText.quoted(rule.why)),\"source\":\(JSONText.quoted(kb.section(of: rule.source))),\"source_id\":\(JSONText.quoted(rule.source))}"
        return out
    }
}
