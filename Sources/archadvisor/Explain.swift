import ArgumentParser
import ArchAdvisorCore
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain each decision rule by rule: what fired, with why and source, and what did not fire but would have changed it."
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An answer file (.json), or - for stdin.", completion: .answerFile)
    var file: String

    func run() throws {
        let kb = try kbOptions.load()
        let answers = try AnswerFileArgument.read(file, kb: kb)
        let explainer = Explainer(kb: kb)
        let style = output.style()
        let text = ExplainText(kb: kb, style: style).render(explainer.explain(answers), input: file)
        Terminal.standardOutput.write(QuestionnaireText(kb: kb, style: style, width: Terminal.width).fit(text))
    }
}

/// The one answer file of `explain`, `whatif`, `scaffold` and `ask --answers`: read by
/// ``ArchAdvisorCore/AnswerFile`` with a batch's checks; every problem on stderr, exit 2.
enum AnswerFileArgument {
    static func read(_ path: String, kb: KnowledgeBase) throws -> AnswerSet {
        let input: InputSource = path == "-" ? .standardInput : .file(path)
        switch AnswerFile.read(input, kb: kb) {
        case .success(let answers):
            return answers
        case .failure(let problems):
            for p in problems { Terminal.standardError.write("archadvisor: \(input.name): \(p)\n") }
            throw ExitCode(2)
        }
    }
}
