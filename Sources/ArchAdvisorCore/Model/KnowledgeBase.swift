/// Everything archadvisor knows: questions, decisions, rules, the guidance they cite,
/// scenario tests and scaffold templates. Built by ``RulesCompiler`` from `rules/`, stored
/// and loaded by ``KnowledgeStore``.
public struct KnowledgeBase: Sendable, Equatable {
    public var questions: [Question]
    public var decisions: [Decision]
    public var rules: [Rule]
    public var sources: [Source]
    public var scenarios: [Scenario]
    public var templates: [Template]
    /// Combinations of answers that cannot be true together.
    public var constraints: [AnswerConstraint]
    /// SHA-256 of the rule sources this knowledge base was compiled from (with rule packs:
    /// of the guidance's hash and each pack's).
    public var sourceHash: String
    /// Organisation policies: findings of `check`, never points.
    public var policies: [Policy]
    /// Organisation rule packs layered over the guidance, in the order applied.
    public var packs: [RulePack]

    /// Rule indices per decision index, in rule order.
    public let rulesByDecision: [[Int]]
    public let questionIndex: [String: Int]
    public let decisionIndex: [String: Int]
    public let sourceIndex: [String: Int]
    /// Per decision and option: the index of the option it refines, or nil.
    public let baseOption: [[Int?]]
    /// Per rule: whether it only separates refinements from their base (it adds points to
    /// refinements only), so it is weighed only once a base with refinements has won.
    public let refinesOnly: [Bool]
    /// Per rule: the questions its condition reads, in question order.
    public let reads: [[Int]]
    /// Per question: the questions its `ask_when` reads.
    public let askReads: [[Int]]
    /// Per question: the values from which some condition's outcome may change (sorted;
    /// empty for booleans and choices). The classes of values no condition can tell apart
    /// start at the range's lower bound and at each cut.
    public let cuts: [[Int]]

    public init(questions: [Question], decisions: [Decision], rules: [Rule], sources: [Source],
                scenarios: [Scenario], templates: [Template], sourceHash: String, constraints: [AnswerConstraint] = [],
                policies: [Policy] = [], packs: [RulePack] = []) {
        self.questions = questions
        self.policies = policies
        self.packs = packs
        self.constraints = constraints
        self.decisions = decisions
        self.rules = rules
        self.sources = sources
        self.scenarios = scenarios
        self.templates = templates
        self.sourceHash = sourceHash
        var byDecision = Array(repeating: [Int](), count: decisions.count)
        for (i, rule) in rules.enumerated() { byDecision[rule.decision].append(i) }
        rulesByDecision = byDecision
        questionIndex = Dictionary(questions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        decisionIndex = Dictionary(decisions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        sourceIndex = Dictionary(sources.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let bases = decisions.map { d in d.options.map { o in o.refines.flatMap { d.optionIndex($0) } } }
        baseOption = bases
        refinesOnly = rules.map { rule in
            !rule.points.isEmpty && rule.points.allSatisfy { bases[rule.decision][$0.option] != nil }
        }
        let nq = questions.count
        reads = rules.map { $0.condition.slots.filter { $0 < nq }.sorted() }
        askReads = questions.map { $0.askWhen.slots.filter { $0 < nq }.sorted() }
        var conditions = rules.map(\.condition) + decisions.map(\.appliesWhen)
        conditions += questions.map(\.askWhen)
        cuts = questions.indices.map { q in
            guard case .integer(let range) = questions[q].kind else { return [] }
            var points = Set<Int>()
            for c in conditions {
                for (op, v) in c.thresholds(for: q) {
                    switch op {
                    case .less, .greaterOrEqual: points.insert(v)
                    case .lessOrEqual, .greater: if v < Int.max { points.insert(v + 1) }
                    case .equal, .notEqual:
                        points.insert(v)
                        if v < Int.max { points.insert(v + 1) }
                    }
                }
            }
            return points.filter { $0 > range.lowerBound && $0 <= range.upperBound }.sorted()
        }
    }

    /// One value from each class of values of question `q` that no condition can tell
    /// apart: every value of a boolean or choice; for an integer, the range's lower bound
    /// and every cut.
    public func representatives(of q: Int) -> [Int] {
        switch questions[q].kind {
        case .integer(let range): [range.lowerBound] + cuts[q]
        case .boolean: [0, 1]
        case .choice(let c): Array(c.indices)
        }
    }

    /// The options a decision first chooses between: those that refine no other.
    public func isBase(decision d: Int, option o: Int) -> Bool { baseOption[d][o] == nil }

    /// Number of value slots: questions, then decisions.
    public var slotCount: Int { questions.count + decisions.count }

    /// The slot of decision `d`.
    public func slot(ofDecision d: Int) -> Int { questions.count + d }

    /// The default answers, as slot values (decisions unset).
    public var defaultValues: [Int] {
        questions.map(\.defaultValue) + Array(repeating: Condition.null, count: decisions.count)
    }

    /// The guidance section a source id names, or the id itself when unknown. A rule
    /// pack's source is named with its pack and link: `rule pack acme: ADR-0007 ... <URL>`.
    public func section(of sourceID: String) -> String {
        guard let i = sourceIndex[sourceID] else { return sourceID }
        let s = sources[i]
        guard let pack = s.pack else { return s.section }
        return "rule pack \(pack): \(s.section)" + (s.url.map { " <\($0)>" } ?? "")
    }

    /// Where a rule's threshold comes from, or nil when it has none: the guidance's words,
    /// archadvisor's calibration, or a rule pack's (its own rule, or its override of a
    /// calibration).
    public func thresholdOrigin(_ rule: Rule) -> String? {
        if let o = rule.override {
            return "threshold set by rule pack \(o.pack) (\(rule.calibration ?? "")) [\(section(of: o.source))], replacing archadvisor's calibration `\(o.replacedCondition)` (\(o.replacedCalibration))"
        }
        if let pack = rule.pack {
            if let c = rule.calibration { return "threshold: rule pack \(pack)'s calibration (\(c))" }
            if let s = rule.stated { return "threshold stated by rule pack \(pack)'s source (\(s))" }
            return nil
        }
        if let c = rule.calibration { return "threshold: archadvisor's calibration (\(c)); the guidance states no number" }
        if let s = rule.stated { return "threshold stated by the guidance (\(s))" }
        return nil
    }

    /// The policy behind a finding id `policy/ID`, if the packs have it.
    public func policy(finding id: String) -> Policy? {
        guard id.hasPrefix("policy/") else { return nil }
        let name = id.dropFirst("policy/".count)
        return policies.first { $0.id == name }
    }

    /// Whether any rule or policy comes from a rule pack.
    public var hasPacks: Bool { !packs.isEmpty }

    /// The type-checking scope: every question, and the decisions before `decision`
    /// (all decisions when nil).
    public func symbols(before decision: Int? = nil) -> (symbols: [String: Symbol], forbidden: [String: String]) {
        KnowledgeBase.symbols(questions: questions, decisions: decisions, before: decision)
    }

    static func symbols(questions: [Question], decisions: [Decision], before decision: Int?) -> (symbols: [String: Symbol], forbidden: [String: String]) {
        var symbols: [String: Symbol] = [:]
        var forbidden: [String: String] = [:]
        for (i, q) in questions.enumerated() {
            let kind: Symbol.Kind = switch q.kind {
            case .integer(let r): .integer(r)
            case .boolean: .boolean
            case .choice(let c): .choice(c.map(\.value))
            }
            symbols[q.id] = Symbol(name: q.id, slot: i, kind: kind)
        }
        for (d, dec) in decisions.enumerated() {
            if let limit = decision, d >= limit {
                forbidden[dec.id] = d == limit
                    ? "decision '\(dec.id)' cannot depend on itself"
                    : "decision '\(dec.id)' is made later; only decisions listed earlier in decisions.yaml can be used here"
            } else {
                symbols[dec.id] = Symbol(name: dec.id, slot: questions.count + d, kind: .choice(dec.options.map(\.value)), nullable: true)
            }
        }
        return (symbols, forbidden)
    }
}
