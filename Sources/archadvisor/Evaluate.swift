import ArgumentParser
import ArchAdvisorCore
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate answer files (.json), JSON Lines files (.jsonl) or stdin (-).",
        discussion: """
        One output per answer set, in input order. A bad input gets an error in its place \
        (and a line on stderr naming the file, the key and what was expected); the other \
        inputs are still evaluated, and the exit code is 2.
        """
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "table, json, csv or markdown (default: table on a terminal, else json).")
    var format: ReportFormat?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 1 when a policy fails: 'close-call' (any decision is a close call) or DECISION=CHOICE (e.g. architecture=service_mesh). Repeatable.", valueName: "POLICY"))
    var failOn: [String] = []

    @Argument(help: "Answer files; - for stdin.")
    var inputs: [String] = []

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one answer file, or - for stdin") }
        for p in failOn where p != "close-call" && !p.contains("=") {
            throw ValidationError("--fail-on '\(p)': expected close-call or DECISION=CHOICE")
        }
    }

    func run() throws {
        let kb = try kbOptions.load()
        for p in failOn where p.contains("=") {
            let parts = p.split(separator: "=", maxSplits: 1).map(String.init)
            guard let d = kb.decisionIndex[parts[0]], kb.decisions[d].optionIndex(parts[1]) != nil else {
                Terminal.standardError.write("archadvisor: --fail-on \(p): expected DECISION=CHOICE with a decision and option of the knowledge base (see `archadvisor kb show`)\n")
                throw ExitCode(2)
            }
        }
        let format = format ?? (Terminal.isTerminal(1) ? .table : .json)
        let batch = BatchEvaluator(kb: kb, format: format, style: output.style())
        batch.watchChoices = !failOn.isEmpty
        batch.width = Terminal.width
        let sink = TerminalSink(progress: Terminal.isTerminal(2) && format != .table)
        batch.run(inputs.map { $0 == "-" ? .standardInput : .file($0) }, sink: sink)
        sink.finish()
        let summary = batch.summary
        var policyFailed = false
        for p in failOn {
            if p == "close-call", summary.closeCalls > 0 {
                Terminal.standardError.write("archadvisor: policy close-call failed: \(summary.closeCalls) decision\(summary.closeCalls == 1 ? " is a close call" : "s are close calls")\n")
                policyFailed = true
            } else if let n = summary.choices[p], n > 0 {
                Terminal.standardError.write("archadvisor: policy \(p) failed: \(n) input\(n == 1 ? "" : "s") chose it\n")
                policyFailed = true
            }
        }
        if summary.failed > 0 { throw ExitCode(2) }
        if policyFailed { throw ExitCode(1) }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// Sends batch output to stdout, problems to stderr, and a progress line to a terminal.
final class TerminalSink: BatchSink {
    let showProgress: Bool
    var lastProgress = Date()
    var progressShown = false

    init(progress: Bool) { showProgress = progress }

    func output(_ bytes: UnsafeRawBufferPointer) { Terminal.standardOutput.write(bytes) }

    func problem(input: String, _ problem: AnswerProblem) {
        clearProgress()
        Terminal.standardError.write("archadvisor: \(input): \(problem)\n")
    }

    func progress(_ count: Int) {
        guard showProgress, Date().timeIntervalSince(lastProgress) > 0.2 else { return }
        lastProgress = Date()
        progressShown = true
        Terminal.standardError.write("\r\u{1B}[Kevaluated \(count) answer sets…")
    }

    func clearProgress() {
        if progressShown { Terminal.standardError.write("\r\u{1B}[K"); progressShown = false }
    }

    func finish() { clearProgress() }
}
