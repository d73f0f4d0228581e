import ArgumentParser
import ArchAdvisorCore
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The CI gate: check every service's answers against the recommendation (drift, close calls, defaults, waivers).",
        discussion: """
        A PATH is an answer file or a directory, searched recursively for archadvisor.json, \
        *.archadvisor.json and .archadvisor/answers.json (scaffold records). An answer file \
        may say what the service runs with "current": {"architecture": "microservices", ...} \
        and accept findings with "waivers": [{"finding", "reason", "owner", "expires"}].
        Findings: drift/DECISION (error), waiver-expired (error), invalid-answers (error), \
        close-call/DECISION (warning), rests-on-defaults/DECISION (note); a waived finding is \
        reported as suppressed. Exit 0: no finding at or above --fail-on; 1: there is one; \
        2: an input could not be read or is invalid (still reported); 3: knowledge base.
        With --format github and $GITHUB_STEP_SUMMARY set, a Markdown summary is appended \
        to that file (GitHub shows only ten annotations of a kind per step).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, junit, github, markdown }
    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case error, warning, note, never
        var severity: Severity? { self == .never ? nil : Severity(rawValue: rawValue) }
    }

    @OptionGroup var kbOptions: KnowledgeBaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("text, json, sarif (2.1.0), junit, github (workflow annotations) or markdown (the portfolio).", valueName: "FORMAT"))
    var format: Format = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding not suppressed is at least this severe: error, warning, note or never.")
    var failOn: FailOn = .error

    @Option(help: ArgumentHelp("The date waivers are compared with (YYYY-MM-DD; default: today, UTC).", valueName: "DATE"))
    var today: String?

    @Argument(help: ArgumentHelp("Answer files or directories (default: the working directory).", valueName: "PATH"),
              completion: .file(extensions: ["json"]))
    var paths: [String] = []

    func run() throws {
        let kb = try kbOptions.load()
        let day = today ?? DecisionRecord.today()
        let result = Checker(kb: kb, today: day).check(paths.isEmpty ? ["."] : paths)
        let reports = CheckReports(kb: kb, style: format == .text ? output.style() : Style(color: false))
        let text: String
        switch format {
        case .text: text = reports.text(result)
        case .json: text = reports.json(result)
        case .sarif: text = reports.sarif(result, version: Archadvisor.configuration.version)
        case .junit: text = reports.junit(result, failOn: failOn.severity)
        case .github: text = reports.github(result)
        case .markdown: text = reports.markdown(result)
        }
        Terminal.standardOutput.write(text)
        if format == .github, let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
            let markdown = Data(reports.markdown(result).utf8)
            if let handle = FileHandle(forWritingAtPath: summary) {
                handle.seekToEndOfFile()
                handle.write(markdown)
                handle.closeFile()
            } else if !FileManager.default.createFile(atPath: summary, contents: markdown) {
                Terminal.standardError.write("archadvisor: \(summary): cannot write the step summary ($GITHUB_STEP_SUMMARY)\n")
            }
        }
        if result.files.isEmpty {
            Terminal.standardError.write("archadvisor: no answer files found under \((paths.isEmpty ? ["."] : paths).joined(separator: ", ")); expected archadvisor.json, *.archadvisor.json or .archadvisor/answers.json\n")
            throw ExitCode(2)
        }
        for x in result.findings where x.id == "invalid-answers" {
            Terminal.standardError.write("archadvisor: \(x.file):\(x.line): \(x.message)\n")
        }
        if result.hasInvalidInput { throw ExitCode(2) }
        if result.fails(at: failOn.severity) { throw ExitCode(1) }
    }
}
