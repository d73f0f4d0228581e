import ArgumentParser
import ArchAdvisorCore

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "The smallest answer changes that would change each decision, with exact integer thresholds.",
        discussion: "Every change reported gives `to` when applied to the file and evaluated again."
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "table or json.")
    var format: Format = .table

    enum Format: String, ExpressibleByArgument { case table, json }

    @Argument(help: "An answer file (.json), or - for stdin.", completion: .answerFile)
    var file: String

    func run() throws {
        let kb = try kbOptions.load()
        let answers = try AnswerFileArgument.read(file, kb: kb)
        let whatIf = WhatIf(kb: kb)
        let changes = whatIf.changes(for: answers)
        let text = WhatIfText(kb: kb, style: output.style())
        Terminal.standardOutput.write(format == .json
            ? text.json(changes, answers: answers)
            : QuestionnaireText(kb: kb, style: output.style(), width: Terminal.width).fit(
                text.table(changes, evaluation: Evaluator(kb: kb).evaluate(answers), input: file)))
    }
}
