import Foundation
import Testing
import TestSupport
@testable import ArchAdvisorCore

/// Compiling a rules directory on disk: reading, hashing and reporting file problems.
@Suite("Rules directory")
struct RulesDirectoryTests {
    /// Writes the mini rule set as a `rules/` tree under `dir`.
    func writeMini(_ mini: MiniRules, to dir: TemporaryDirectory) throws -> URL {
        let fm = FileManager.default
        let root = dir.url.appendingPathComponent("rules")
        for sub in ["rules", "scenarios", "templates/app"] {
            try fm.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let files = [("questions.yaml", mini.questions), ("decisions.yaml", mini.decisions), ("sources.yaml", mini.sources),
                     ("rules/arch.yaml", mini.rules), ("rules/product.yaml", mini.productRules),
                     ("scenarios/basic.yaml", mini.scenarios), ("templates/app/README.md", "# {{name}}\n"),
                     ("templates/layers.yaml", "layers:\n  - folder: app\n    when: \"true\"\n"),
                     ("rules/notes.txt", "not yaml, ignored")]
        for (path, text) in files {
            try Data(text.utf8).write(to: root.appendingPathComponent(path))
        }
        return root
    }

    @Test func compilesFromDisk() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let kb = try RulesCompiler.compile(directory: try writeMini(MiniRules(), to: dir))
        #expect(kb.rules.count == 4)
        #expect(kb.scenarios.count == 1)
        #expect(kb.templates == [Template(path: "app/README.md", contents: "# {{name}}\n"),
                                 Template(path: "layers.yaml", contents: "layers:\n  - folder: app\n    when: \"true\"\n")])
        #expect(kb.sourceHash.count == 64)
        #expect(kb.sourceHash.allSatisfy { $0.isHexDigit })
    }

    @Test func hashFollowsTheBytes() throws {
        let a = try TemporaryDirectory(), b = try TemporaryDirectory()
        defer { a.remove(); b.remove() }
        let rootA = try writeMini(MiniRules(), to: a)
        var changed = MiniRules()
        changed.rules = changed.rules.replacingOccurrences(of: "why: Start simple.", with: "why: Start simple!")
        let rootB = try writeMini(changed, to: b)
        let first = try RulesFiles.load(directory: rootA).hash
        #expect(try RulesFiles.load(directory: rootA).hash == first)
        #expect(try RulesFiles.load(directory: rootB).hash != first)
    }

    @Test func missingDirectory() {
        let url = URL(fileURLWithPath: "/nonexistent/archadvisor/rules")
        #expect {
            try RulesCompiler.compile(directory: url)
        } throws: { error in
            (error as? CompileError)?.diagnostics.first?.message == "no rules directory here"
        }
    }

    @Test func nonUTF8File() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let root = try writeMini(MiniRules(), to: dir)
        try Data([0x73, 0x6F, 0x75, 0xFF, 0xFE, 0x0A]).write(to: root.appendingPathComponent("sources.yaml"))
        do {
            _ = try RulesCompiler.compile(directory: root)
            Issue.record("compiled a non-UTF-8 file")
        } catch {
            #expect(error.diagnostics.contains { $0.location.file.hasSuffix("sources.yaml") && $0.message.contains("not valid UTF-8") },
                    "\(error)")
        }
    }

    @Test func missingQuestionsFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let root = try writeMini(MiniRules(), to: dir)
        try FileManager.default.removeItem(at: root.appendingPathComponent("questions.yaml"))
        do {
            _ = try RulesCompiler.compile(directory: root)
            Issue.record("compiled without questions")
        } catch {
            #expect(error.diagnostics.contains { $0.location.file.hasSuffix("questions.yaml") && $0.message.contains("missing file") },
                    "\(error)")
        }
    }

    @Test func compileErrorListsEveryDiagnosticAndACount() throws {
        var mini = MiniRules()
        mini.rules = mini.rules.replacingOccurrences(of: "add: {mono: 3}", with: "add: {monolith: 3}")
            .replacingOccurrences(of: "when: team_size >= 20", with: "when: team_sise >= 20")
        do {
            _ = try mini.compile()
            Issue.record("compiled")
        } catch {
            let text = error.description
            #expect(text.contains("rules/rules/arch.yaml:5:11: error:"))
            #expect(text.contains("rules/rules/arch.yaml:9:11: error:"))
            #expect(text.hasSuffix("\(error.diagnostics.count) errors"))
        }
    }
}
