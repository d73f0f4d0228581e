import Foundation
import GRDB
import Testing
import TestSupport

/// Exit code 3: a missing, corrupt, foreign or newer-schema knowledge base, named on stderr
/// with what is wrong, for every command and both ways of choosing one.
@Suite("exit code 3: knowledge base")
struct KnowledgeBaseExitTests {
    static let commands: [[String]] = [
        ["evaluate", "--format", "json", "ANSWERS"],
        ["explain", "ANSWERS"],
        ["kb", "show"],
        ["kb", "schema"],
        ["kb", "test"],
    ]

    enum Broken: String, CaseIterable, Sendable {
        case missing, text, foreign, newer

        /// Makes the broken knowledge base in `dir`; returns its path and what stderr must say.
        func make(in dir: TemporaryDirectory) throws -> (path: String, says: String) {
            switch self {
            case .missing:
                return (dir.path("nowhere/knowledge.sqlite"), "knowledge base not found")
            case .text:
                let text = "SQLite format 2? no: just text\n" + String(repeating: "lorem ipsum ", count: 400)
                return (try dir.write("text.sqlite", text), "knowledge base is corrupt")
            case .foreign:
                let path = dir.path("foreign.sqlite")
                let db = try DatabaseQueue(path: path)
                try db.write { try $0.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'a')") }
                try db.close()
                return (path, "not an archadvisor knowledge base")
            case .newer:
                let path = dir.path("newer.sqlite")
                try FileManager.default.copyItem(atPath: CLI.knowledgeBase.path, toPath: path)
                let db = try DatabaseQueue(path: path)
                try db.write { try $0.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'schema_version'") }
                try db.close()
                return (path, "schema version 99 is newer than this archadvisor supports")
            }
        }
    }

    @Test(arguments: Broken.allCases, commands)
    func brokenKnowledgeBaseExits3(_ broken: Broken, _ command: [String]) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let answers = try dir.write("a.json", Answers.monolith)
        let (kb, says) = try broken.make(in: dir)
        let arguments = command.map { $0 == "ANSWERS" ? answers : $0 }
        let r = try CLI.run(arguments + ["--kb", kb])
        #expect(r.status == 3, "\(arguments) with a \(broken) knowledge base: \(r)")
        #expect(r.stderrLines.count == 1, "\(r)")
        #expect(r.stderr.hasPrefix("archadvisor: \(kb): "), "\(r)")
        #expect(r.stderr.contains(says), "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
    }

    @Test(arguments: Broken.allCases)
    func environmentVariableChoosesTheKnowledgeBase(_ broken: Broken) throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let answers = try dir.write("a.json", Answers.monolith)
        let (kb, says) = try broken.make(in: dir)
        let r = try CLI.run(["evaluate", answers], environment: ["ARCHADVISOR_KB": kb])
        #expect(r.status == 3, "\(r)")
        #expect(r.stderr.hasPrefix("archadvisor: \(kb): ") && r.stderr.contains(says), "\(r)")
    }

    @Test func flagWinsOverTheEnvironment() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let answers = try dir.write("a.json", Answers.monolith)
        let missing = dir.path("missing.sqlite")
        let good = try CLI.run(["evaluate", "--kb", CLI.knowledgeBase.path, answers], environment: ["ARCHADVISOR_KB": missing])
        #expect(good.status == 0, "\(good)")
        let bad = try CLI.run(["evaluate", "--kb", missing, answers], environment: ["ARCHADVISOR_KB": CLI.knowledgeBase.path])
        #expect(bad.status == 3, "\(bad)")
    }

    @Test func environmentVariablePointingAtAGoodCopyWorks() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let copy = dir.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: CLI.knowledgeBase.path, toPath: copy)
        let answers = try dir.write("a.json", Answers.monolith)
        let r = try CLI.run(["evaluate", "--format", "csv", answers], environment: ["ARCHADVISOR_KB": copy])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdoutLines.last?.hasPrefix("\(answers),monolith,,,,,") == true)
    }

    @Test func directoryAsKnowledgeBase() throws {
        let dir = try TemporaryDirectory(prefix: "archadvisor-cli-input")
        defer { dir.remove() }
        let r = try CLI.run(["kb", "show", "--kb", dir.url.path])
        #expect(r.status == 3, "\(r)")
        #expect(r.stderr.contains("\(dir.url.path): knowledge base is corrupt: it is a directory"), "\(r)")
    }
}
