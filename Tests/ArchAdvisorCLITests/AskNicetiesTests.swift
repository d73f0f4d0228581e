import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `archadvisor ask` as a person notices it: labels as answers, the value each answer was
/// taken as, whole choice labels, resuming from an answers file and updating it.
@Suite(.serialized) struct AskNicetiesTests {
    @Test func onATerminalLabelsAreAnswersAndTheAnswersFileIsUpdatedAfterAYes() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = dir.appendingPathComponent("kb.sqlite").path
        let start = dir.appendingPathComponent("start.json")
        try Data(#"{"team_size": 30, "team_count": 4, "product_stage": "growth", "x-owner": "shop team"}"#.utf8).write(to: start)
        let term = try PseudoTerminal(["ask", "--kb", kb, "--answers", "start.json", "--no-scaffold"],
                                      directory: dir.path, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        try term.expect("Loaded 3 answers from start.json; asking only what they do not answer.")
        try term.expect("4/21   How well are the domain boundaries known?")
        try term.expect("Well understood (boundaries are clear and stable)")
        term.send("Well understood\n")
        try term.expect("→ well_understood")
        try term.expect("5/21")
        // The longest label, whole (continued on the next line), never cut.
        let question = try term.expect("< back")
        #expect(question.contains("Very different (parts have very different scaling\n"), "\(question)")
        #expect(question.contains(" needs)\n"), "\(question)")
        #expect(!question.contains("…"))
        term.send("very different\n")
        try term.expect("→ very_different")
        try term.enterAtPromptsUntil("Update start.json with these answers")
        try term.expect("Update start.json with these answers (its x-owner would not be kept)? [y/N] ")
        term.send("y\n")
        try term.expect("Saved the answers to start.json.")
        #expect(try term.finish() == 0)
        let saved = try String(contentsOf: start, encoding: .utf8)
        #expect(saved.contains("\"team_size\": 30"))
        #expect(saved.contains("\"domain_understanding\": \"well_understood\""))
        #expect(saved.contains("\"scaling_profile\": \"very_different\""))
        for line in PseudoTerminal.plain(term.raw).split(separator: "\n") {
            #expect(line.count <= 80, "too wide: \(line)")
        }
    }

    @Test func onATerminalANoKeepsTheAnswersFile() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = #"{"team_size": 3}"#
        try Data(original.utf8).write(to: dir.appendingPathComponent("start.json"))
        let term = try PseudoTerminal(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path, "--answers", "start.json", "--no-scaffold"],
                                      directory: dir.path, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        try term.expect("Loaded 1 answer from start.json; asking only what it does not answer.")
        try term.enterAtPromptsUntil("Update start.json with these answers? [y/N] ")
        try term.expect("Update start.json with these answers? [y/N] ")
        term.send("n\n")
        try term.expect("Name [start-2.json]")
        term.send("\n")
        try term.expect("Saved the answers to start-2.json.")
        #expect(try term.finish() == 0)
        #expect(try String(contentsOf: dir.appendingPathComponent("start.json"), encoding: .utf8) == original)
    }

    @Test func withoutATerminalTheAnswersFileIsKeptAndTheNewOneNamed() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = dir.appendingPathComponent("kb.sqlite").path
        let original = #"{"team_size": 30, "team_count": 4}"#
        try Data(original.utf8).write(to: dir.appendingPathComponent("start.json"))
        let run = try AskBinary.run(["ask", "--kb", kb, "--answers", "start.json"], input: "growth\nWell understood\n" + String(repeating: "\n", count: 40), directory: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("3/21 "), "stdout stays one line per question")
        #expect(run.stdout.contains("[exploring]: well_understood\n"))
        #expect(run.stderr.contains("Loaded 2 answers from start.json; asking only what they do not answer."))
        #expect(run.stdout.contains("Not overwriting start.json, the answers file this session started from."))
        #expect(run.stdout.contains("Saved the answers to start-2.json."))
        #expect(try String(contentsOf: dir.appendingPathComponent("start.json"), encoding: .utf8) == original)
        let saved = try String(contentsOf: dir.appendingPathComponent("start-2.json"), encoding: .utf8)
        #expect(saved.contains("\"domain_understanding\": \"well_understood\""))

        // Resumed from the complete file: nothing new, nothing written.
        let again = try AskBinary.run(["ask", "--kb", kb, "--answers", "start-2.json"], input: String(repeating: "\n", count: 40), directory: dir.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("start-2.json already holds these answers."))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("start-3.json").path))
    }
}

extension PseudoTerminal {
    /// Presses Enter at each question's prompt (the screen ends with "> " after a change),
    /// never ahead of one, until `text` shows: no Enter is left over for a later prompt.
    func enterAtPromptsUntil(_ text: String, timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var sentAt = -1
        while Date() < deadline {
            let open = pump(0.05)
            let screen = Self.plain(raw)
            if screen.contains(text) { return }
            if screen.count > sentAt, screen.hasSuffix("> ") {
                sentAt = screen.count
                send("\n")
            }
            if !open { break }
        }
        throw AskTestError("never showed \(text.debugDescription); the terminal shows:\n\(Self.plain(raw).suffix(2000))")
    }
}

/// The scaffold at the end of `ask`: one service per planned service, and a valid project
/// name offered for one that is not.
@Suite(.serialized) struct AskScaffoldNamesTests {
    @Test func theScaffoldHasTheAnsweredServiceCountAndABadNameGetsAValidOne() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Answers.services.utf8).write(to: dir.appendingPathComponent("services.json")) // service_count 8
        let term = try PseudoTerminal(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path, "--answers", "services.json", "--save", "done.json"],
                                      directory: dir.path, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        try term.enterAtPromptsUntil("Scaffold a starter project for this recommendation? [y/N]")
        term.send("y\n")
        let offer = try term.expect("Project name [backend]: ")
        let plain = offer.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(plain.contains("It will have 8 services (one per service_count): product, inventory, reviews, service-4, service-5, service-6, service-7, service-8."), "\(offer)")
        term.send("My Shop\n")
        try term.expect("\"My Shop\" is not a valid project name")
        try term.expect("did you mean \"my-shop\"?")
        try term.expect("Project name [backend]: ")
        term.send("my-shop\n")
        try term.expect("Directory [./my-shop]: ")
        term.send("\n")
        try term.expect("wrote my-shop:")
        #expect(try term.finish() == 0)
        let sources = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("my-shop/Sources").path)
        for service in ["ProductService", "Service4Service", "Service8Service"] {
            #expect(sources.contains(service), "\(sources)")
        }
        #expect(!sources.contains("Service9Service"))
        for line in PseudoTerminal.plain(term.raw).split(separator: "\n") {
            #expect(line.count <= 80, "too wide: \(line)")
        }
    }

    @Test func scaffoldSuggestsAValidName() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-names")
        defer { dir.remove() }
        let answers = try dir.write("a.json", Answers.monolith)
        let r = try CLI.run(["scaffold", "--answers", answers, "--name", "My Shop", "--out", dir.path("out")])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines == [#"archadvisor: --name/--service: invalid project name "My Shop": may contain only lowercase letters a-z, digits and '-' (found "M"); did you mean "my-shop"?"#], "\(r)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out")))
    }
}
