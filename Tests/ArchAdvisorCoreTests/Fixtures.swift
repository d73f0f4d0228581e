import Foundation
@testable import ArchAdvisorCore

/// Paths of the project, found from this file so tests run from any working directory.
enum Project {
    /// The package root (two levels above `Tests/ArchAdvisorCoreTests`).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let rules = root.appendingPathComponent("rules")
    static let knowledgeBase = root.appendingPathComponent("knowledge.sqlite")

    /// `rules/` compiled once for the whole run (nil result: the compile error).
    static let compiled: Result<KnowledgeBase, CompileError> = {
        do throws(CompileError) { return .success(try RulesCompiler.compile(directory: rules)) } catch { return .failure(error) }
    }()

    /// The knowledge base `rules/` compiles to; throws the compile diagnostics.
    static func kb() throws -> KnowledgeBase { try compiled.get() }
}

/// A small rule set built in memory, one string per file, so each test can break one file.
struct MiniRules {
    var questions = """
        questions:
          - id: team_size
            type: integer
            min: 1
            max: 1000
            default: 5
            prompt: How many engineers?
          - id: kubernetes
            type: boolean
            default: false
            prompt: Kubernetes?
          - id: stage
            type: choice
            choices:
              - value: early
              - value: growth
              - value: mature
            default: early
            prompt: Stage?
        """
    var decisions = """
        decisions:
          - id: arch
            applies_when: "true"
            margins: {clear: 4, leaning: 2}
            options:
              - value: mono
              - value: micro
              - value: mesh
          - id: product
            applies_when: 'arch == "mesh"'
            options:
              - value: linkerd
              - value: istio
        """
    var sources = """
        sources:
          - id: start-simple
            section: "1 Start"
            kind: recommendation
            text: Start simple.
          - id: big-teams
            section: "2 Teams"
            kind: recommendation
            text: Big teams split.
          - id: a-fact
            section: "3 Facts"
            kind: fact
            text: Something true.
        """
    var rules = """
        decision: arch
        rules:
          - id: start-with-mono
            when: "true"
            add: {mono: 3}
            why: Start simple.
            source: start-simple
          - id: big-team-splits
            when: team_size >= 20
            add: {micro: 5, mesh: 4}
            why: Big teams split.
            source: big-teams
            calibration: a test threshold
          - id: mesh-needs-kubernetes
            when: not kubernetes
            exclude: [mesh]
            why: A mesh runs in a cluster.
            source: big-teams
        """
    var productRules = """
        decision: product
        rules:
          - id: mature-likes-istio
            when: 'stage == "mature"'
            add: {istio: 1}
            why: Mature systems need rich control.
            source: big-teams
        """
    var scenarios = """
        scenarios:
          - name: small
            answers: {team_size: 3}
            expect: {arch: mono, product: null}
        """

    /// Files below `templates/` (with `layers.yaml`, checked by the compiler).
    var templates: [Template] = []

    static let root = "rules"

    var files: RulesFiles {
        RulesFiles(root: Self.root,
                   questions: .init(displayPath: "rules/questions.yaml", text: questions),
                   decisions: .init(displayPath: "rules/decisions.yaml", text: decisions),
                   sources: .init(displayPath: "rules/sources.yaml", text: sources),
                   ruleFiles: [.init(displayPath: "rules/rules/arch.yaml", text: rules),
                               .init(displayPath: "rules/rules/product.yaml", text: productRules)],
                   scenarioFiles: [.init(displayPath: "rules/scenarios/basic.yaml", text: scenarios)],
                   templates: templates, hash: "test")
    }

    func compile() throws(CompileError) -> KnowledgeBase {
        try RulesCompiler.compile(files: files)
    }

    /// The diagnostics of a compile that must fail (empty when it unexpectedly succeeds).
    func diagnostics() -> [Diagnostic] {
        do {
            _ = try compile()
            return []
        } catch {
            return error.diagnostics
        }
    }
}

extension ReadOutcome {
    var answers: AnswerSet? {
        if case .success(let a) = self { return a }
        return nil
    }
    var problems: [AnswerProblem] {
        if case .failure(let p) = self { return p }
        return []
    }
}

extension KnowledgeBase {
    /// Reads a JSON answer text that must be valid.
    func answers(_ json: String) throws -> AnswerSet {
        switch AnswerReader(kb: self).read(Array(json.utf8)) {
        case .success(let a): return a
        case .failure(let p): throw AnswerTextError(problems: p)
        }
    }
}

struct AnswerTextError: Error, CustomStringConvertible {
    var problems: [AnswerProblem]
    var description: String { problems.map(\.description).joined(separator: "; ") }
}
