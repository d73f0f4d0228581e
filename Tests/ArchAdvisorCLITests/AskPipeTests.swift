import Foundation
import Testing

/// `archadvisor ask` without a terminal: one line per question, empty line = default.
@Suite struct AskPipeTests {
    @Test func emptyLinesTakeEveryDefault() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = dir.appendingPathComponent("kb.sqlite").path
        // Like `yes '' | archadvisor ask --save a.json`.
        let run = try AskBinary.run(["ask", "--kb", kb, "--save", "a.json"], input: String(repeating: "\n", count: 200), directory: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("\u{1B}"))
        #expect(run.stdout.hasPrefix("1/21 How many engineers work on the backend? (1-100000) [5]: 5\n"))
        #expect(run.stdout.contains("Recommendation\n  architecture   monolith"))
        #expect(run.stdout.contains("Saved the answers to a.json."))
        let saved = try String(contentsOfFile: dir.appendingPathComponent("a.json").path, encoding: .utf8)
        #expect(saved.contains("\"team_size\": 5"))

        // Again: a.json exists, so the answers go to a fresh name.
        let again = try AskBinary.run(["ask", "--kb", kb, "--save", "a.json"], input: String(repeating: "\n", count: 200), directory: dir.path)
        #expect(again.status == 0)
        #expect(again.stdout.contains("a.json exists; not overwriting it."))
        #expect(again.stdout.contains("Saved the answers to a-2.json."))
        #expect(try String(contentsOfFile: dir.appendingPathComponent("a.json").path, encoding: .utf8) == saved)
    }

    @Test func theInputEndingPartWaySavesAndExitsTwo() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = dir.appendingPathComponent("kb.sqlite").path
        let run = try AskBinary.run(["ask", "--kb", kb], input: "30\n4\n", directory: dir.path)
        #expect(run.status == 2)
        #expect(run.stdout.contains("The input ended with 2 of 21 answers given."))
        #expect(run.stdout.contains("Continue with: archadvisor ask --answers archadvisor-resume.json"))
        let saved = try String(contentsOfFile: dir.appendingPathComponent("archadvisor-resume.json").path, encoding: .utf8)
        #expect(saved == "{\n  \"team_size\": 30,\n  \"team_count\": 4\n}\n")

        let resumed = try AskBinary.run(["ask", "--kb", kb, "--answers", "archadvisor-resume.json", "--save", "done.json"],
                                        input: String(repeating: "\n", count: 100), directory: dir.path)
        #expect(resumed.status == 0)
        #expect(resumed.stdout.hasPrefix("3/21 "))
        #expect(resumed.stdout.contains("from the answers file"))
    }

    @Test func aBadAnswersFileIsExitTwo() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"team_sise": 3}"#.utf8).write(to: dir.appendingPathComponent("bad.json"))
        let run = try AskBinary.run(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path, "--answers", "bad.json"], directory: dir.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains("bad.json: team_sise: unknown question"))
    }

    @Test func helpDocumentsTheExitCodesAndFlags() throws {
        let dir = try AskBinary.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try AskBinary.run(["ask", "--help"], directory: dir.path)
        for word in ["--save", "--answers", "--all", "--live", "--no-scaffold", "130", "Ctrl-C"] {
            #expect(run.stdout.contains(word), "help lacks \(word)")
        }
        // --no-scaffold is accepted.
        let accepted = try AskBinary.run(["ask", "--kb", dir.appendingPathComponent("kb.sqlite").path, "--no-scaffold"], input: String(repeating: "\n", count: 100), directory: dir.path)
        #expect(accepted.status == 0)
    }
}
