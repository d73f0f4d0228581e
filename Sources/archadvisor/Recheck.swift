import ArgumentParser
import ArchAdvisorCore
import Foundation

struct Recheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recheck",
        abstract: "Re-evaluate the answers stored in a scaffolded project against the current knowledge base.",
        discussion: "Exit 0 when every decision holds, 1 when one would now differ (for CI), 2 on a bad project, 3 on a bad knowledge base."
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The scaffolded project directory.", completion: .directory)
    var dir: String = "."

    func run() throws {
        let kb = try kbOptions.load()
        let path = URL(fileURLWithPath: dir).appendingPathComponent(ProjectRecord.path).path
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.standardError.write("archadvisor: \(path): cannot read; expected the \(ProjectRecord.path) a scaffolded project keeps\n")
            throw ExitCode(2)
        }
        let record: ProjectRecord
        switch ProjectRecord.parse(data) {
        case .success(let r): record = r
        case .failure(let e):
            Terminal.standardError.write("archadvisor: \(path): \(e.key.map { "\($0): " } ?? "")\(e.message)\n")
            throw ExitCode(2)
        }
        let answers: AnswerSet
        switch AnswerReader(kb: kb).read(Array(record.answersJSON.utf8)) {
        case .success(let a): answers = a
        case .failure(let problems):
            for p in problems { Terminal.standardError.write("archadvisor: \(path): answers.\(p)\n") }
            throw ExitCode(2)
        }
        let evaluator = Evaluator(kb: kb)
        let evaluation = evaluator.evaluate(answers)
        let drift = record.drift(against: evaluation, kb: kb)
        // The answers the stored decisions came from, when the record keeps them.
        var before: Evaluation?
        if let decided = record.decidedWithJSON, case .success(let a) = AnswerReader(kb: kb).read(Array(decided.utf8)) {
            before = evaluator.evaluate(a)
        }
        Terminal.standardOutput.write(RecheckText(kb: kb, style: output.style()).render(drift: drift, now: evaluation, before: before))
        if !drift.changes.isEmpty { throw ExitCode(1) }
    }
}
