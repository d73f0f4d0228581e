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

    @Argument(help: "The scaffolded project directory.")
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
        let evaluation = Evaluator(kb: kb).evaluate(answers)
        let drift = record.drift(against: evaluation, kb: kb)
        let style = output.style()
        if drift.knowledgeBaseChanged {
            Terminal.standardOutput.write("knowledge base changed: \(drift.storedKnowledgeBase.prefix(12)) -> \(kb.sourceHash.prefix(12))\n")
        }
        if drift.changes.isEmpty {
            Terminal.standardOutput.write("\(style.green)every decision holds\(style.reset)\n")
            return
        }
        let explainer = Explainer(kb: kb)
        let explanation = explainer.explain(answers)
        for c in drift.changes {
            Terminal.standardOutput.write("\(style.red)\(c.decision): \(c.before ?? "null") -> \(c.now ?? "null")\(style.reset)\n")
            if let d = kb.decisionIndex[c.decision] {
                let r = explanation.entries[d].result
                let top = r.fired.sorted { (kb.rules[$0].points.map { abs($0.points) }.max() ?? 100) > (kb.rules[$1].points.map { abs($0.points) }.max() ?? 100) }.prefix(3)
                for i in top { Terminal.standardOutput.write("  because \(kb.rules[i].why) [\(kb.section(of: kb.rules[i].source))]\n") }
            }
        }
        throw ExitCode(1)
    }
}
