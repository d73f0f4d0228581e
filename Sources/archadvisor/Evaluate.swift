import ArgumentParser
import ArchAdvisorCore
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate answer files (.json), JSON Lines files (.jsonl) or stdin (-).",
        discussion: """
        One output per answer set, in input order; with several inputs (files, a .jsonl \
        file or stdin) --format json prints JSON Lines, one object per line. A bad input \
        gets an error in its place (and a line on stderr naming the file, the key and \
        what was expected); the other inputs are still evaluated, and the exit code is 2.
        """
    )

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp(
        "How to print the results (default: table on a terminal, else json).",
        discussion: "With several inputs (files, a .jsonl file or stdin), json prints JSON Lines: one object per line, in input order."))
    var format: ReportFormat?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 1 when a policy fails: 'close-call' (any decision is a close call) or DECISION=CHOICE (e.g. architecture=service_mesh). Repeatable.", valueName: "POLICY"))
    var failOn: [String] = []

    @Argument(help: "Answer files; - for stdin (the default when stdin is a pipe or a file).", completion: .answerInputs)
    var inputs: [String] = []

    func run() throws {
        // No files: the answers piped in, as with `-`; a person at a terminal gets told.
        if inputs.isEmpty, let problem = Terminal.standardInputProblem() {
            Terminal.standardError.write("archadvisor: no answer files given and stdin \(problem); expected FILE... (.json or .jsonl), answers piped in (cat answers.json | archadvisor evaluate), or - to read stdin\n")
            throw ExitCode(2)
        }
        let inputs = inputs.isEmpty ? ["-"] : inputs
        let kb = try kbOptions.load()
        // Checked against the knowledge base's decisions, each with what was likely meant.
        var policies: [FailOnPolicy] = []
        for p in failOn {
            switch FailOnPolicy.parse(p, kb: kb) {
            case .success(let policy): policies.append(policy)
            case .failure(let problem):
                Terminal.standardError.write("archadvisor: \(problem)\n")
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
        for policy in policies {
            if policy == .closeCall, summary.closeCalls > 0 {
                Terminal.standardError.write("archadvisor: policy close-call failed: \(summary.closeCalls) decision\(summary.closeCalls == 1 ? " is a close call" : "s are close calls")\n")
                policyFailed = true
            } else if policy != .closeCall, let n = summary.choices[policy.text], n > 0 {
                Terminal.standardError.write("archadvisor: policy \(policy.text) failed: \(n) input\(n == 1 ? "" : "s") chose it\n")
                policyFailed = true
            }
        }
        if summary.failed > 0 { throw ExitCode(2) }
        if policyFailed { throw ExitCode(1) }
    }
}

extension ReportFormat: ExpressibleByArgument {
    /// One line each in `evaluate --help`.
    public static var allValueDescriptions: [String: String] {
        [
            "table": "text for people: decisions, confidence, reasons",
            "json": "one JSON object per input, with every detail",
            "csv": "a header, then one row of choices per input",
            "markdown": "a Markdown report: the decisions and reasons",
            "adr": "a MADR 4.0 architecture decision record",
            "mermaid": "a Mermaid flowchart of the chosen architecture",
        ]
    }
}

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
