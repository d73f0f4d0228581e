/// One decision's reasoning as Markdown, from its contrasts: the Markdown report and the
/// scaffolded README's "Why this architecture" both use it.
///
/// Under "Over X, these favour C" stand only rules with a positive net against X; under
/// "For X, and outweighed" only rules with a negative net; rules that add equally to both
/// (net 0) are not listed, since they separate nothing. Excluded options are named with the
/// rules that exclude them. Exclusions not applied because they rest on defaults, and the
/// defaults the choice rests on, are said last.
public struct DecisionWhy: Sendable {
    public let kb: KnowledgeBase
    public init(kb: KnowledgeBase) { self.kb = kb }

    func item(_ rule: Int, net: Double?, in e: Evaluation) -> String {
        let r = kb.rules[rule]
        var meta = "rule `\(r.id)`" + (r.pack.map { " of rule pack \($0)" } ?? "")
        if let net { meta += ", \(Reasoning.signed(net))" }
        meta += "; source: \(kb.section(of: r.source))"
        if r.pack != nil || r.override != nil {
            if let t = kb.thresholdOrigin(r) { meta += "; \(t)" }
        } else if let c = r.calibration {
            meta += "; threshold: archadvisor's calibration, \(c)"
        }
        if let d = Reasoning(kb: kb).assumed(rule, in: e) { meta += "; \(d)" }
        return "- \(TextReport.escape(r.why)) (\(meta))\n"
    }

    /// `heading` is the Markdown heading line for the decision.
    public func markdown(_ r: DecisionResult, in e: Evaluation, heading: String) -> String {
        let d = kb.decisions[r.decision]
        var out = heading + "\n\n"
        guard r.applies else {
            return out + "Does not apply: it applies when `\(d.appliesWhenText)`.\n"
        }
        guard let choice = r.choice else {
            return out + "No option is possible: every option is excluded.\n"
        }
        let name = { (o: Int) in d.options[o].value }
        let reasoning = Reasoning(kb: kb)
        out += "Confidence: \(reasoning.confidence(r)).\n"
        let contrasts = r.contrasts(in: kb)
        var listedFor = Set<Int>(), listedAgainst = Set<Int>()
        for (i, c) in contrasts.enumerated() where c.excludedBy.isEmpty {
            let first = i == 0
            let newFor = c.favouring.filter { !listedFor.contains($0.rule) }
            let newAgainst = c.against.filter { !listedAgainst.contains($0.rule) }
            if first && c.favouring.isEmpty && c.against.isEmpty {
                out += "\nNo rule separates \(name(choice)) from \(name(c.versus)): they are tied on points, and the tie goes to \(name(choice)), listed first as the simpler option.\n"
            }
            if !newFor.isEmpty {
                out += first ? "\nOver \(name(c.versus)) (the runner-up), these favour \(name(choice)):\n\n" : "\nOver \(name(c.versus)), these also favour \(name(choice)):\n\n"
                for n in newFor { out += item(n.rule, net: n.net, in: e); listedFor.insert(n.rule) }
            }
            if !newAgainst.isEmpty {
                out += "\nFor \(name(c.versus)), and outweighed:\n\n"
                for n in newAgainst { out += item(n.rule, net: n.net, in: e); listedAgainst.insert(n.rule) }
            }
        }
        for c in contrasts where !c.excludedBy.isEmpty {
            out += "\n\(name(c.versus)) is excluded:\n\n"
            for x in c.excludedBy { out += item(x, net: nil, in: e) }
        }
        if !r.suspended.isEmpty {
            out += "\nNot applied, because they hold only on defaults:\n\n"
            for s in r.suspended { out += "- " + reasoning.suspended(s, in: e) + ".\n" }
        }
        let rests = reasoning.restsOn(r, in: e)
        if !rests.isEmpty {
            out += "\nThis choice rests on answers left at their defaults; answer them to settle it:\n\n"
            for s in rests { out += "- \(s).\n" }
        }
        return out
    }
}
