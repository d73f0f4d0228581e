/// The sentences every output uses to say why: confidence and ties, the defaults a choice
/// rests on, exclusions not applied because they rest on defaults, and where a rule's
/// threshold comes from. Each is made from the numbers of a ``DecisionResult`` and its
/// ``Contrast``s, so no output says more than they do.
public struct Reasoning: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    /// A points figure for people: `+4`, `-2.5`.
    public static func signed(_ v: Double) -> String {
        let s = plain(v)
        return v >= 0 ? "+" + s : s
    }

    public static func plain(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

    func value(_ d: Int, _ o: Int?) -> String {
        o.map { kb.decisions[d].options[$0].value } ?? "no option"
    }

    func label(_ d: Int, _ o: Int?) -> String {
        o.map { kb.decisions[d].options[$0].label } ?? "no option"
    }

    /// "clear (+9 over microservices)", "close call: tied with ... ", "only option (...)".
    /// `labels` uses the options' labels instead of their values.
    public func confidence(_ r: DecisionResult, labels: Bool = false) -> String {
        guard let confidence = r.confidence else { return "" }
        let name = { (o: Int?) in labels ? self.label(r.decision, o) : self.value(r.decision, o) }
        var text = confidence.rawValue
        if let ru = r.runnerUp, let m = r.margin {
            if m == 0 {
                text += ": tied with \(name(ru)) on points; the tie goes to \(name(r.choice)), listed first as the simpler option"
            } else {
                text += " (\(Reasoning.signed(m)) over \(name(ru)))"
            }
        } else if r.choice != nil {
            let excluded = kb.decisions[r.decision].options.indices.filter { !r.excludedBy[$0].isEmpty }
            if !excluded.isEmpty { text += " (\(excluded.map(name).joined(separator: " and ")) excluded)" }
        }
        return text
    }

    /// The defaulted answers a choice rests on, one phrase each:
    /// "`kubernetes` was left at its default (no); answered yes: service_mesh".
    public func restsOn(_ r: DecisionResult, in e: Evaluation, labels: Bool = false) -> [String] {
        r.flips.map { f in
            let q = kb.questions[f.question]
            let answered = f.value == q.defaultValue ? "answered \(q.displayValue(f.value)) explicitly" : "answered \(q.displayValue(f.value))"
            guard let choice = f.choice else {
                return "`\(q.id)` was left at its default (\(q.displayValue(q.defaultValue))); \(answered), the decision would not apply"
            }
            let to = labels ? label(r.decision, choice) : value(r.decision, choice)
            return "`\(q.id)` was left at its default (\(q.displayValue(q.defaultValue))); \(answered), the choice would be \(to)"
        }
    }

    /// Why an exclusion was not applied: the rule holds only because of defaults.
    public func suspended(_ rule: Int, in e: Evaluation) -> String {
        let rl = kb.rules[rule]
        let d = kb.decisions[rl.decision]
        let defaulted = kb.reads[rule].filter { e.isDefaulted($0) }.map { q in
            "`\(kb.questions[q].id)` (\(kb.questions[q].displayValue(kb.questions[q].defaultValue)))"
        }
        return "`\(rl.id)` would exclude \(rl.excludes.map { d.options[$0].value }.joined(separator: " and ")), but it holds only because "
            + "\(defaulted.joined(separator: " and ")) \(defaulted.count == 1 ? "was" : "were") left at the default, so it excludes nothing until answered"
    }

    /// "assumes the default of platform_team (no)" when the rule reads answers left at
    /// their defaults (given but not asked included), else nil.
    public func assumed(_ rule: Int, in e: Evaluation) -> String? {
        let defaulted = kb.reads[rule].filter { e.isDefaulted($0) }
        guard !defaulted.isEmpty else { return nil }
        return "assumes the default of " + defaulted.map { "\(kb.questions[$0].id) (\(kb.questions[$0].displayValue(kb.questions[$0].defaultValue)))" }
            .joined(separator: " and ")
    }

    /// Where a rule's threshold comes from, or nil when it has none.
    public func provenance(_ rule: Rule) -> String? { kb.thresholdOrigin(rule) }

    /// "threshold set by rule pack acme" for a guidance rule whose threshold a pack
    /// overrides; nil otherwise (a pack's own rule names its pack in its source).
    public func overrideNote(_ rule: Rule) -> String? {
        rule.override.map { "threshold set by rule pack \($0.pack): `\(rule.conditionText)` instead of `\($0.replacedCondition)`" }
    }

    /// A rule's id, with ` [rule pack P]` for a pack's rule and ` [threshold: rule pack P]`
    /// for a guidance rule whose threshold a pack overrides.
    public func named(_ rule: Int) -> String {
        let r = kb.rules[rule]
        if let p = r.pack { return "\(r.id) [rule pack \(p)]" }
        if let o = r.override { return "\(r.id) [threshold: rule pack \(o.pack)]" }
        return r.id
    }

    /// One line per rule pack: what it brings. Empty without packs.
    public func packLines() -> [String] {
        kb.packs.map { p in
            let rules = kb.rules.filter { $0.pack == p.id }.map(\.id)
            let overrides = kb.rules.filter { $0.override?.pack == p.id }.map(\.id)
            let policies = kb.policies.filter { $0.pack == p.id }.map(\.id)
            var parts: [String] = []
            if !rules.isEmpty { parts.append("rules " + rules.joined(separator: ", ")) }
            if !overrides.isEmpty { parts.append("thresholds of " + overrides.joined(separator: ", ")) }
            if !policies.isEmpty { parts.append("policies " + policies.joined(separator: ", ")) }
            return "rule pack \(p.id) (\(p.title); owner \(p.owner)): " + (parts.isEmpty ? "nothing" : parts.joined(separator: "; "))
        }
    }

    /// Where a policy stands on an evaluation.
    public enum PolicyState: String, Sendable { case violated, holds, doesNotApply = "does_not_apply" }

    public func state(of p: Policy, in e: Evaluation) -> PolicyState {
        guard p.when.evaluate(e.values) else { return .doesNotApply }
        return p.require.evaluate(e.values) ? .holds : .violated
    }

    /// The policies of the rule packs that apply to an evaluation and do not hold.
    public func violatedPolicies(in e: Evaluation) -> [Policy] {
        kb.policies.filter { state(of: $0, in: e) == .violated }
    }

    /// The effect of a rule on its decision: `monolith +3, excludes service_mesh`.
    public func effect(_ rule: Rule) -> String {
        let d = kb.decisions[rule.decision]
        var parts = rule.points.map { "\(d.options[$0.option].value) \(Reasoning.signed($0.points))" }
        parts += rule.excludes.map { "excludes \(d.options[$0].value)" }
        return parts.joined(separator: ", ")
    }

    /// For a decision that does not apply: what it would choose had an earlier decision
    /// gone to its runner-up (the mesh product behind a runner-up `service_mesh`).
    public func runnerUpPreview(_ d: Int, in e: Evaluation) -> String? {
        for earlier in 0..<d {
            let r = e.decisions[earlier]
            guard let ru = r.runnerUp else { continue }
            var values = e.values
            values[kb.slot(ofDecision: earlier)] = ru
            let free = kb.questions.indices.map { !e.answers.provided[$0] && !(e.pinned.count > $0 && e.pinned[$0]) }
            let evaluator = Evaluator(kb: kb)
            for later in (earlier + 1)..<d {
                let c = values.withUnsafeMutableBufferPointer { evaluator.evaluate(decision: later, values: $0, free: free).choice }
                values[kb.slot(ofDecision: later)] = c ?? Condition.null
            }
            guard kb.decisions[d].appliesWhen.evaluate(values) else { continue }
            let alt = values.withUnsafeMutableBufferPointer { evaluator.evaluate(decision: d, values: $0, free: free) }
            guard let c = alt.choice else { continue }
            return "with \(kb.decisions[earlier].id) at its runner-up \(kb.decisions[earlier].options[ru].value), it would be \(kb.decisions[d].options[c].value)"
        }
        return nil
    }
}
