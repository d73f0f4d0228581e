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
    /// SHA-256 of the rule sources this knowledge base was compiled from.
    public var sourceHash: String

    /// Rule indices per decision index, in rule order.
    public let rulesByDecision: [[Int]]
    public let questionIndex: [String: Int]
    public let decisionIndex: [String: Int]
    public let sourceIndex: [String: Int]

    public init(questions: [Question], decisions: [Decision], rules: [Rule], sources: [Source],
                scenarios: [Scenario], templates: [Template], sourceHash: String) {
        self.questions = questions
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
    }

    /// Number of value slots: questions, then decisions.
    public var slotCount: Int { questions.count + decisions.count }

    /// The slot of decision `d`.
    public func slot(ofDecision d: Int) -> Int { questions.count + d }

    /// The default answers, as slot values (decisions unset).
    public var defaultValues: [Int] {
        questions.map(\.defaultValue) + Array(repeating: Condition.null, count: decisions.count)
    }

    /// The guidance section a source id names, or the id itself when unknown.
    public func section(of sourceID: String) -> String {
        sourceIndex[sourceID].map { sources[$0].section } ?? sourceID
    }

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
