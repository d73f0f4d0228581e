/// Why the choice of a decision beat one other option: the contrastive explanation every
/// text output is made from (CONTRACT.md section 3, `decisions.D.contrast`).
///
/// `net` is a fired rule's effect on the choice minus its effect on `versus`: a rule with
/// net > 0 argues for the choice over that option, net < 0 for the option over the
/// choice, and net 0 (it adds equally to both) separates nothing and is in neither list.
public struct Contrast: Sendable, Equatable {
    public struct Net: Sendable, Equatable {
        public var rule: Int
        public var net: Double
    }
    /// The other option.
    public var versus: Int
    /// The choice's score minus the other option's.
    public var margin: Double
    /// Fired rules that favour the choice over `versus`, largest net first.
    public var favouring: [Net]
    /// Fired rules that favour `versus` over the choice, largest (most negative) first.
    public var against: [Net]
    /// Rules that exclude `versus`.
    public var excludedBy: [Int]

    /// Whether the two options are tied on points (the tie went to the option listed first).
    public var isTie: Bool { excludedBy.isEmpty && margin == 0 }
}

extension DecisionResult {
    /// One contrast per other option: the runner-up first, then the others in the order
    /// the options are listed. Empty when the decision does not apply or has no choice.
    public func contrasts(in kb: KnowledgeBase) -> [Contrast] {
        guard applies, let choice else { return [] }
        let d = kb.decisions[decision]
        var others = d.options.indices.filter { $0 != choice }
        if let runnerUp, let i = others.firstIndex(of: runnerUp) {
            others.remove(at: i)
            others.insert(runnerUp, at: 0)
        }
        return others.map { o in
            var favouring: [Contrast.Net] = []
            var against: [Contrast.Net] = []
            for r in fired {
                let net = kb.rules[r].effect(on: choice) - kb.rules[r].effect(on: o)
                if net > 0 { favouring.append(.init(rule: r, net: net)) } else if net < 0 { against.append(.init(rule: r, net: net)) }
            }
            // Stable: equal nets keep rule order.
            favouring = favouring.enumerated().sorted { ($0.element.net, -$0.offset) > ($1.element.net, -$1.offset) }.map(\.element)
            against = against.enumerated().sorted { ($0.element.net, $0.offset) < ($1.element.net, $1.offset) }.map(\.element)
            return Contrast(versus: o, margin: scores[choice] - scores[o], favouring: favouring, against: against, excludedBy: excludedBy[o])
        }
    }
}

extension Rule {
    /// The points this rule adds to option `o` (0 when none).
    public func effect(on o: Int) -> Double {
        points.reduce(0) { $1.option == o ? $0 + $1.points : $0 }
    }
}
