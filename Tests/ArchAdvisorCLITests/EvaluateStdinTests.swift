import Foundation
import Testing
import TestSupport

/// `cat answers.json | archadvisor evaluate`: without file arguments, evaluate reads the
/// answers piped in, as with `-`; with stdin a terminal, it says what it expected.
@Suite struct EvaluateStdinTests {
    @Test func answersPipedInAreReadLikeDash() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = dir.appendingPathComponent("kb.sqlite").path
        let input = Answers.monolith + "\n" + Answers.services + "\n"
        let piped = try AskBinary.run(["evaluate", "--kb", kb, "--format", "csv"], input: input, directory: dir.path)
        let dash = try AskBinary.run(["evaluate", "--kb", kb, "--format", "csv", "-"], input: input, directory: dir.path)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == dash.stdout)
        // The contract's columns of each row (confidence and error columns follow them).
        #expect(piped.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(6).joined(separator: ",") } == [
            "input,architecture,sync_protocol,messaging,aggregation,mesh",
            "stdin:1,monolith,,,,",
            "stdin:2,microservices,rest,async_events,aggregation_layer,",
        ])
        // A file redirected to stdin too (`archadvisor evaluate < answers.json`).
        let redirected = try CLI.run(["evaluate", "--kb", kb, "--format", "json"], stdin: Answers.services)
        #expect(redirected.status == 0, "\(redirected)")
        #expect(try CLI.jsonLines(redirected.stdout).map { CLI.choice($0, "architecture") } == ["microservices"])
    }

    @Test func aTerminalOnStdinIsAClearErrorNotAWait() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let term = try PseudoTerminal(["evaluate", "--kb", dir.appendingPathComponent("kb.sqlite").path],
                                      directory: dir.path, environment: ["TERM": "xterm"])
        try term.expect("archadvisor: no answer files given and stdin is a terminal; expected FILE... (.json or .jsonl), answers piped in (cat answers.json | archadvisor evaluate), or - to read stdin", timeout: 10)
        #expect(try term.finish(timeout: 10) == 2)
    }

    /// Started with stdin on /dev/null (cron, service managers): nothing to read.
    @Test func stdinOnDevNullIsAClearError() throws {
        let r = try CLI.run(["evaluate"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines == ["archadvisor: no answer files given and stdin is a device (such as /dev/null); expected FILE... (.json or .jsonl), answers piped in (cat answers.json | archadvisor evaluate), or - to read stdin"], "\(r)")
        #expect(r.stdout.isEmpty)
    }
}
