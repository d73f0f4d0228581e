import Foundation
import Testing
import TestSupport

/// Exit code 2: bad answers and bad flags, each with one stderr line naming the file, the
/// key and what was expected; the other inputs of a batch are still evaluated.
@Suite("exit code 2: bad input")
struct BadInputExitTests {
    @Test func badAnswersNameFileKeyAndExpectation() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let bad = try dir.write("bad.json", #"{"team_size": 0, "kubernets": true, "product_stage": "grwoth"}"#)
        let good = try dir.write("good.json", Answers.monolith)
        let r = try CLI.run(["evaluate", "--format", "json", bad, good])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines == [
            "archadvisor: \(bad): team_size: expected an integer from 1 to 100000, got 0",
            "archadvisor: \(bad): kubernets: unknown question (did you mean \"kubernetes\"?); expected a question id (see `archadvisor kb show`) or a key starting with \"x-\"",
            "archadvisor: \(bad): product_stage: expected one of \"prototype\", \"early\", \"growth\", \"mature\", got \"grwoth\" (did you mean \"growth\"?)",
        ], "\(r)")
        let objects = try CLI.jsonLines(r.stdout)
        #expect(objects.count == 2)
        #expect(objects.first?["error"] is String)
        #expect((objects.first?["problems"] as? [Any])?.count == 3)
        #expect(CLI.choice(objects[1], "architecture") == "monolith", "the good input is still evaluated")
    }

    @Test func badLineInJSONLines() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("batch.jsonl", Answers.monolith + "\n{\"team_size\": 5.5}\n" + Answers.services + "\n")
        let r = try CLI.run(["evaluate", "--format", "csv", file])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines == ["archadvisor: \(file):2: team_size: expected an integer from 1 to 100000, got 5.5"], "\(r)")
        #expect(r.stdoutLines.count == 4)
        #expect(r.stdoutLines[2].hasPrefix("\(file):2,,,,,,,,,,,"), "empty choice and confidence cells, then the error")
        #expect(r.stdoutLines[2].hasSuffix(",\"team_size: expected an integer from 1 to 100000, got 5.5\""))
        #expect(r.stdoutLines[3].hasPrefix("\(file):3,microservices,"))
    }

    @Test(arguments: [
        (#"{"team_size": "#, "invalid JSON"),
        ("", "empty"),
        ("[1, 2]", "expected a JSON object of answers"),
        (#"{"team_size": 99999999999999999999}"#, "beyond the 64-bit integer range"),
        (#"{"x-deep": "# + String(repeating: "[", count: 5000), "nesting deeper than 128 levels"),
    ])
    func malformedFiles(_ text: String, _ expected: String) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = try dir.write("answers.json", text)
        for command in [["evaluate", "--format", "json"], ["explain"]] {
            let r = try CLI.run(command + [file])
            #expect(r.status == 2, "\(command): \(r)")
            #expect(r.stderrLines.count == 1, "\(command): \(r)")
            #expect(r.stderr.hasPrefix("archadvisor: \(file): "), "\(command): \(r)")
            #expect(r.stderr.contains(expected), "\(command): \(r)")
        }
    }

    /// Every command that takes one answer file reads it like a batch reads a single file:
    /// the same message for the same problem, whichever command the user ran.
    @Test func everySingleFileCommandReportsABadFileLikeEvaluate() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let empty = try dir.write("empty.json", " \n")
        let bad = try dir.write("bad.json", #"{"team_size": 0}"#)
        let huge = dir.path("huge.json")
        FileManager.default.createFile(atPath: huge, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
        try handle.truncate(atOffset: 17 << 20)
        try handle.close()
        let out = dir.path("project")
        for file in [dir.path("nope.json"), empty, bad, huge] {
            let batch = try CLI.run(["evaluate", "--format", "json", file])
            #expect(batch.status == 2, "\(batch)")
            let expected = try #require(batch.stderrLines.first)
            #expect(expected.hasPrefix("archadvisor: \(file): "))
            for command in [["explain", file], ["whatif", file], ["ask", "--answers", file, "--no-scaffold"],
                            ["scaffold", "--answers", file, "--name", "shop", "--out", out]] {
                let r = try CLI.run(command, stdin: "")
                #expect(r.status == 2, "\(command): \(r)")
                #expect(r.stderrLines == [expected], "\(command): \(r)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out), "scaffold wrote a project from a bad answer file")
        let r = try CLI.run(["explain", huge])
        #expect(r.stderr.contains("too large (17.0 MiB)"), "\(r)")
    }

    @Test func nonUTF8Bytes() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = dir.path("latin1.json")
        try Data(#"{"product_stage": "gr"#.utf8 + [0xF6] + #"wth"}"#.utf8).write(to: URL(fileURLWithPath: file))
        let r = try CLI.run(["evaluate", file])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("\(file): ") && r.stderr.contains("not valid UTF-8"), "\(r)")
    }

    @Test func missingFileAndDirectory() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let missing = dir.path("nope.json")
        let good = try dir.write("good.json", Answers.monolith)
        let r = try CLI.run(["evaluate", "--format", "csv", missing, dir.url.path, good])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderrLines.count == 2, "\(r)")
        #expect(r.stderrLines.first == "archadvisor: \(missing): cannot read: no such file")
        #expect(r.stderrLines.last?.hasPrefix("archadvisor: \(dir.url.path): is a directory") == true, "\(r)")
        #expect(r.stdoutLines.last == "\(good),monolith,,,,,clear,,,,,")
        for args in [["explain", missing], ["explain", dir.url.path]] {
            let e = try CLI.run(args)
            #expect(e.status == 2, "\(args): \(e)")
            #expect(e.stderr.hasPrefix("archadvisor: \(args[1]): "), "\(e)")
        }
    }

    /// The issue: "a file of hundreds of megabytes" must get a clear error, quickly.
    @Test(arguments: [["evaluate", "--format", "json"], ["explain"]])
    func answerFileBeyond16MiBIsRefusedQuickly(_ command: [String]) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let file = dir.path("huge.json")
        FileManager.default.createFile(atPath: file, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.truncate(atOffset: 17 << 20) // sparse: 17 MiB of zero bytes
        try handle.close()
        let r = try CLI.run(command + [file], timeout: 10)
        #expect(!r.timedOut, "\(command) did not finish within 10 s on a 17 MiB answer file (killed)")
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("\(file): too large"), "\(r)")
        #expect(r.seconds < 5, "\(r.seconds) s")
    }

    @Test(arguments: [
        ["evaluate", "--frobnicate", "a.json"],
        ["evaluate"],
        ["evaluate", "--format", "yaml", "a.json"],
        ["evaluate", "--fail-on", "whatever", "a.json"],
        ["evaluate", "--fail-on", "architecture=nonsense", "a.json"],
        ["explain"],
        ["kb", "show", "--format", "xml"],
        ["frobnicate"],
    ])
    func badFlags(_ arguments: [String]) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        try dir.write("a.json", Answers.monolith)
        let r = try CLI.run(arguments, in: dir.url)
        #expect(r.status == 2, "\(arguments): \(r)")
        #expect(r.stderr.hasPrefix("archadvisor: "), "\(arguments): \(r)")
        #expect(r.stdout.isEmpty, "\(arguments): \(r)")
    }
}
