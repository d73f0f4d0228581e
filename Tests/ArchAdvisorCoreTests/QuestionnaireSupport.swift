import Foundation
@testable import ArchAdvisorCore

/// A console with scripted input: a list of lines, or a responder that answers by what is
/// asked. Everything written is kept in `output`.
final class ScriptedQuestionnaireConsole: QuestionnaireConsole {
    let isInteractive: Bool
    private var lines: [ConsoleInput]
    private let responder: ((ConsolePrompt) -> ConsoleInput)?
    private(set) var output = ""
    /// What each read was for, in order.
    private(set) var prompts: [ConsolePrompt] = []

    init(_ lines: [String], interactive: Bool = false, then end: ConsoleInput = .endOfInput) {
        isInteractive = interactive
        self.lines = lines.map { .line($0) } + [end]
        responder = nil
    }

    init(interactive: Bool = false, responder: @escaping (ConsolePrompt) -> ConsoleInput) {
        isInteractive = interactive
        lines = []
        self.responder = responder
    }

    func write(_ text: String) { output += text }

    func readLine(for prompt: ConsolePrompt) -> ConsoleInput {
        prompts.append(prompt)
        if let responder { return responder(prompt) }
        return lines.isEmpty ? .endOfInput : lines.removeFirst()
    }

    /// Ids of the questions read, in order (repeats included).
    var questionsRead: [String] {
        prompts.compactMap { if case .question(let id) = $0 { id } else { nil } }
    }
}

/// Answer files kept in memory.
final class MemoryAnswerFiles: AnswerFileStore {
    var files: [String: String] = [:]
    /// Paths that cannot be written.
    var readOnly: Set<String> = []

    init(_ files: [String: String] = [:]) { self.files = files }

    func exists(_ path: String) -> Bool { files[path] != nil }

    func write(_ text: String, to path: String, overwrite: Bool) throws(AnswerFileStoreError) {
        if readOnly.contains(path) { throw .cannotWrite("permission denied") }
        if files[path] != nil && !overwrite { throw .exists }
        files[path] = text
    }
}

/// A small knowledge base for the questionnaire's flow tests:
///
/// - `size` (integer 1...100, default 5), `cluster` (boolean), `nodes` (integer 1...50,
///   default 1, asked only with `cluster`), `style` (choice simple/fancy), `extra` (boolean).
/// - `shape` (small/big): small +3 always; big +4 when size >= 20, +4 when nodes >= 10;
///   big excluded when size < 3.
/// - `tool` (alpha/beta), only when shape is big: alpha +1, beta +2 when style is fancy.
enum QuestionnaireFixture {
    static let questions = """
        questions:
          - id: size
            type: integer
            min: 1
            max: 100
            default: 5
            prompt: How many engineers?
            help: Count everyone who writes backend code.
            sources: [size-matters]
          - id: cluster
            type: boolean
            default: false
            prompt: Is there a cluster?
            help: A cluster runs containers.
          - id: nodes
            type: integer
            min: 1
            max: 50
            default: 1
            prompt: How many nodes?
            help: Nodes of the cluster.
            ask_when: cluster
          - id: style
            type: choice
            choices:
              - value: simple
                label: Simple (few moving parts)
              - value: fancy
                label: Fancy (every feature)
            default: simple
            prompt: Which style?
            help: Simple or fancy.
          - id: extra
            type: boolean
            default: false
            prompt: Anything extra?
            help: Nothing depends on it.
        """
    static let decisions = """
        decisions:
          - id: shape
            applies_when: "true"
            margins: {clear: 4, leaning: 2}
            options:
              - value: small
              - value: big
          - id: tool
            applies_when: 'shape == "big"'
            options:
              - value: alpha
              - value: beta
        """
    static let sources = """
        sources:
          - id: size-matters
            section: "1.2 Teams / Size"
            kind: recommendation
            text: Small teams keep it small.
        """
    static let shapeRules = """
        decision: shape
        rules:
          - id: start-small
            when: "true"
            add: {small: 3}
            why: Start small.
            source: size-matters
          - id: many-people-go-big
            when: size >= 20
            add: {big: 4}
            why: Many people.
            source: size-matters
            calibration: a test threshold
          - id: many-nodes-go-big
            when: nodes >= 10
            add: {big: 4}
            why: Many nodes.
            source: size-matters
            calibration: a test threshold
          - id: tiny-stays-small
            when: size < 3
            exclude: [big]
            why: Tiny.
            source: size-matters
            calibration: a test threshold
        """
    static let toolRules = """
        decision: tool
        rules:
          - id: alpha-by-default
            when: "true"
            add: {alpha: 1}
            why: Alpha.
            source: size-matters
          - id: fancy-wants-beta
            when: 'style == "fancy"'
            add: {beta: 2}
            why: Beta.
            source: size-matters
        """

    static func kb() throws -> KnowledgeBase {
        let files = RulesFiles(root: "rules",
                               questions: .init(displayPath: "rules/questions.yaml", text: questions),
                               decisions: .init(displayPath: "rules/decisions.yaml", text: decisions),
                               sources: .init(displayPath: "rules/sources.yaml", text: sources),
                               ruleFiles: [.init(displayPath: "rules/rules/shape.yaml", text: shapeRules),
                                           .init(displayPath: "rules/rules/tool.yaml", text: toolRules)],
                               scenarioFiles: [], templates: [], hash: "questionnaire")
        return try RulesCompiler.compile(files: files, options: .init(requireCoverage: false))
    }
}

extension KnowledgeBase {
    /// Every decision's outcome (choice index, nil when it does not apply) for `values`.
    func outcome(_ values: [Int]) -> [Int?] {
        Evaluator(kb: self).evaluate(AnswerSet(values: values, provided: Array(repeating: true, count: values.count))).decisions.map(\.choice)
    }

    /// Values worth trying for question `q`: every boolean and choice value; for an
    /// integer its bounds, its default, and each constant any condition compares it with,
    /// with its neighbours.
    func candidateValues(_ q: Int) -> [Int] {
        let question = questions[q]
        guard case .integer(let range) = question.kind else { return Array(question.slotRange) }
        var conditions = rules.map(\.condition) + decisions.map(\.appliesWhen)
        conditions += questions.map(\.askWhen)
        var values: Set<Int> = [range.lowerBound, range.upperBound, question.defaultValue]
        for c in conditions {
            for (_, v) in c.thresholds(for: q) {
                for x in [v - 1, v, v + 1] where range.contains(x) { values.insert(x) }
            }
        }
        return values.sorted()
    }
}
