import ArgumentParser
import ArchAdvisorCore
import ArchAdvisorScaffold
import Foundation

struct Scaffold: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaffold",
        abstract: "Generate a starter project for the decision an answers file leads to.",
        discussion: """
        Writes into a temporary directory beside DIR and moves it into place only when \
        complete. A non-empty DIR is refused (exit 4) and left untouched; names must be \
        DNS-1123 labels of at most 40 characters (exit 2).
        """
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions

    @Option(help: ArgumentHelp("The answers file (.json).", valueName: "FILE"), completion: .answerFile)
    var answers: String

    @Option(help: "Project name (a DNS-1123 label, at most 40 characters).")
    var name: String

    @Option(help: ArgumentHelp("Where to write the project (must not exist, or be empty).", valueName: "DIR"), completion: .directory)
    var out: String

    @Option(name: .customLong("service"), help: "A service name (repeatable; default: product, inventory, reviews).")
    var services: [String] = []

    func run() throws {
        let kb = try kbOptions.load()
        let answerSet = try AnswerFileArgument.read(answers, kb: kb)
        try ScaffoldRunner.run(kb: kb, answers: answerSet, name: name, out: out, services: services)
    }
}

/// The one code path that scaffolds, shared by `scaffold` and `ask`.
enum ScaffoldRunner {
    static func run(kb: KnowledgeBase, answers: AnswerSet, name: String, out: String, services: [String]) throws {
        let services = services.isEmpty ? ScaffoldNames.defaultServices : services
        do {
            try ScaffoldNames.validate(project: name, services: services)
        } catch {
            // A name that is almost right gets a valid one to use (My Shop: my-shop).
            var meant = ""
            if case ScaffoldError.invalidName(_, let bad, _) = error, let valid = ScaffoldNames.suggestion(for: bad) {
                meant = "; did you mean \"\(valid)\"?"
            }
            Terminal.standardError.write("archadvisor: --name/--service: \(error)\(meant)\n")
            throw ExitCode(2)
        }
        let evaluation = Evaluator(kb: kb).evaluate(answers)
        let request = ScaffoldRequestBuilder.request(kb: kb, evaluation: evaluation, name: name, services: services)
        let templates = kb.templates.map { TemplateFile(path: $0.path, contents: $0.contents) }
        do {
            try ScaffoldWriter.checkTarget(URL(fileURLWithPath: out).standardizedFileURL.path)
            let started = Date()
            let files = try ScaffoldPlanner.plan(request, templates: templates, decisions: .of(kb.decisions))
            try ScaffoldWriter.apply(files, to: URL(fileURLWithPath: out))
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            // Wrapped to the terminal: many services make a long line.
            let wrote = "wrote \(out): \(files.count) files for \(request.architecture) (\(services.joined(separator: ", "))) in \(ms) ms\nnext: cd \(out) && cat README.md\n"
            Terminal.standardOutput.write(Terminal.isTerminal(1) ? QuestionnaireText(kb: kb, style: Style(color: false), width: Terminal.width).fit(wrote) : wrote)
        } catch let error as ScaffoldError {
            Terminal.standardError.write("archadvisor: \(out): \(error)\n")
            switch error.kind {
            case .refused: throw ExitCode(4)
            case .badInput: throw ExitCode(2)
            case .template: throw ExitCode(3)
            case .io: throw ExitCode(2)
            }
        }
    }
}

/// Turns an evaluation into the scaffolder's plain request.
enum ScaffoldRequestBuilder {
    static func request(kb: KnowledgeBase, evaluation e: Evaluation, name: String, services: [String]) -> ScaffoldRequest {
        let why = e.decisions.filter { $0.applies && $0.choice != nil }.map { r in
            let d = kb.decisions[r.decision]
            return DecisionWhy(kb: kb).markdown(r, in: e, heading: "### \(d.id): \(d.options[r.choice!].value)")
        }.joined(separator: "\n")
        return ScaffoldRequest(
            projectName: name, services: services,
            architecture: e.choice("architecture", in: kb) ?? "monolith",
            syncProtocol: e.choice("sync_protocol", in: kb), messaging: e.choice("messaging", in: kb),
            aggregation: e.choice("aggregation", in: kb), mesh: e.choice("mesh", in: kb),
            streaming: kb.questionIndex["streaming_required"].map { e.answers.values[$0] != 0 } ?? false,
            answersFile: ProjectRecord(evaluation: e, kb: kb).fileText, why: why,
            decisionRecord: DecisionRecord(kb: kb, date: DecisionRecord.today()).render(input: ProjectRecord.path, evaluation: e),
            diagram: MermaidDiagram(kb: kb).render(e, services: services),
            decisions: Dictionary(uniqueKeysWithValues: e.decisions.compactMap { r in
                r.applies ? r.choice.map { (kb.decisions[r.decision].id, kb.decisions[r.decision].options[$0].value) } : nil
            }))
    }
}
