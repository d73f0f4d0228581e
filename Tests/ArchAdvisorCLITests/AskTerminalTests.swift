import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `archadvisor ask` driven through a real pseudo-terminal, as a person would use it.
@Suite(.serialized) struct AskTerminalTests {
    @Test func aSessionWithHelpBackAndABadAnswer() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = dir.appendingPathComponent("kb.sqlite").path
        let term = try PseudoTerminal(["ask", "--kb", kb, "--save", "answers.json", "--live"], directory: dir.path, environment: ["TERM": "xterm"])

        try term.expect("1/21   How many engineers work on the backend?")
        try term.expect("Enter: 5 · ? help\n")
        term.send("forty\n")
        try term.expect("\"forty\" is not a whole number; expected an integer from 1 to 100000")
        try term.expect("1/21   How many engineers work on the backend?")
        term.send("40\n")
        try term.expect("architecture:")
        try term.expect("2/21   How many independent teams own backend code?")
        term.send("?\n")
        try term.expect("Guidance behind this question")
        try term.expect("2/21   How many independent teams own backend code?")
        term.send("4\n")
        try term.expect("3/21   Where is the product?")
        term.send("<\n")
        // Back on question 2, with the earlier answer offered.
        try term.expect("2/21   How many independent teams own backend code?")
        try term.expect("Enter: 4 ·")
        term.send("5\n")
        try term.expect("3/21   Where is the product?")
        term.send("growth\n")
        try term.expect("4/21")
        term.send("3\n")
        try term.expect("5/21")
        term.send("very_different\n")
        try term.expect("6/21")
        term.send("12\n")
        try term.expect("7/21")
        term.send("y\n")
        term.enterUntil("Saved the answers")
        // The scaffold offer: the same code as `archadvisor scaffold`.
        try term.expect("Scaffold a starter project for this recommendation? [y/N]")
        term.send("y\n")
        try term.expect("Project name [backend]: ")
        term.send("Bad/Name\n")
        try term.expect("is not a valid project name")
        try term.expect("Project name [backend]: ")
        term.send("shop\n")
        try term.expect("Directory [./shop]: ")
        term.send("\n")
        try term.expect("wrote shop:")
        #expect(try term.finish() == 0)
        let record = try String(contentsOfFile: dir.appendingPathComponent("shop/.archadvisor/answers.json").path, encoding: .utf8)
        #expect(record.contains("\"team_size\": 40"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("shop/docs/adr/0001-architecture.md").path))

        let screen = PseudoTerminal.plain(term.raw)
        #expect(term.raw.contains("\u{1B}["), "colour on a terminal without NO_COLOR")
        #expect(screen.contains("Your answers"))
        #expect(screen.contains("  team_size "))
        let recommendation = try #require(screen.range(of: "Recommendation\n"))
        #expect(screen.contains("Saved the answers to answers.json."))
        // Everything fits 80 columns.
        for line in screen.split(separator: "\n") {
            #expect(line.count <= 80, "too wide: \(line)")
        }

        // The recommendation shown is what `evaluate` gives for the saved answers.
        let saved = try String(contentsOfFile: dir.appendingPathComponent("answers.json").path, encoding: .utf8)
        #expect(saved.contains("\"team_size\": 40"))
        #expect(saved.contains("\"team_count\": 5"))
        let csv = try AskBinary.run(["evaluate", "--kb", kb, "--format", "csv", "answers.json"], directory: dir.path)
        #expect(csv.status == 0)
        let row = try #require(csv.stdout.split(separator: "\n").last).split(separator: ",", omittingEmptySubsequences: false)
        let architecture = String(row[1])
        #expect(architecture == "microservices" || architecture == "service_mesh")
        #expect(screen[recommendation.upperBound...].contains("architecture   \(architecture)"))
    }

    @Test func noColorMeansNoEscapeCodes() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let term = try PseudoTerminal(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path, "--save", "a.json"],
                                      directory: dir.path, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        try term.expect("1/21")
        term.send("3\n")
        try term.expect("2/21")
        term.send("1\n")
        try term.expect("3/21")
        term.send("prototype\n")
        term.enterUntil("Saved the answers")
        try term.expect("Scaffold a starter project")
        term.send("n\n")
        #expect(try term.finish() == 0)
        #expect(!term.raw.contains("\u{1B}"))
        #expect(PseudoTerminal.plain(term.raw).contains("not needed"))
    }

    @Test func ctrlCSavesTheAnswersSoFarAndExits130() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let term = try PseudoTerminal(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path],
                                      directory: dir.path, environment: ["TERM": "xterm"])
        try term.expect("1/21")
        term.send("25\n")
        try term.expect("2/21")
        term.pump(0.2)
        kill(term.pid, SIGINT)
        try term.expect("Interrupted with 1 of 21 answers given.")
        try term.expect("Continue with: archadvisor ask --answers archadvisor-resume.json")
        #expect(try term.finish() == 130)
        let saved = try String(contentsOfFile: dir.appendingPathComponent("archadvisor-resume.json").path, encoding: .utf8)
        #expect(saved == "{\n  \"team_size\": 25\n}\n")

        // Resuming asks from question 2 on.
        let again = try PseudoTerminal(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path, "--answers", "archadvisor-resume.json"],
                                       directory: dir.path, environment: ["TERM": "xterm"])
        let first = try again.expect("/21 ")
        #expect(first.hasSuffix("2/21 "))
        again.send("\u{04}") // Ctrl-D: end of input
        try again.expect("The input ended")
        #expect(try again.finish() == 2)
    }
}
