import Foundation
import Testing
import TestSupport

/// A mistyped command or `--fail-on` value: one stderr line naming what was likely meant
/// and the valid values, exit 2, nothing on stdout.
@Suite struct DidYouMeanTests {
    @Test(arguments: [
        (["evalute", "x.json"], "archadvisor: unknown command 'evalute' (did you mean 'evaluate'?)"),
        (["expalin", "x.json"], "archadvisor: unknown command 'expalin' (did you mean 'explain'?)"),
        (["what-if", "x.json"], "archadvisor: unknown command 'what-if' (did you mean 'whatif'?)"),
        (["eval", "x.json"], "archadvisor: unknown command 'eval' (did you mean 'evaluate'?)"),
        (["kb", "biuld"], "archadvisor: unknown command 'kb biuld' (did you mean 'kb build'?)"),
        (["help", "evalute"], "archadvisor: unknown command 'evalute' (did you mean 'evaluate'?)"),
        (["frobnicate"], "archadvisor: unknown command 'frobnicate'; expected one of ask, evaluate, explain, whatif, scaffold, recheck, check, kb (see `archadvisor --help`)"),
    ])
    func unknownCommands(_ arguments: [String], _ line: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines == [line], "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
    }

    @Test func knownCommandsAndHelpStillWork() throws {
        #expect(try CLI.run(["help", "evaluate"]).stdout.contains("USAGE: archadvisor evaluate"))
        #expect(try CLI.run(["kb", "build", "--help"]).status == 0)
        #expect(try CLI.run(["--version"]).status == 0)
    }

    @Test(arguments: [
        ("close-cal", "(did you mean 'close-call'?)"),
        ("monolith", "(did you mean 'architecture=monolith'?)"),
        ("architecture=monolit", "(did you mean 'architecture=monolith'?); expected architecture=CHOICE with CHOICE one of monolith, microservices, service_mesh"),
        ("architectur=microservices", "unknown decision 'architectur' (did you mean 'architecture=microservices'?); expected DECISION=CHOICE with DECISION one of architecture, sync_protocol, messaging, aggregation, mesh"),
    ])
    func badFailOnValues(_ policy: String, _ expected: String) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-didyoumean")
        defer { dir.remove() }
        let file = try dir.write("a.json", Answers.monolith)
        let r = try CLI.run(["evaluate", "--format", "json", "--fail-on", "close-call", "--fail-on", policy, file])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines.count == 1, "\(r)")
        #expect(r.stderr.hasPrefix("archadvisor: --fail-on '\(policy)': "), "\(r)")
        #expect(r.stderr.contains(expected), "\(r)")
        #expect(r.stdout.isEmpty, "nothing is evaluated with a bad policy: \(r)")
    }
}
