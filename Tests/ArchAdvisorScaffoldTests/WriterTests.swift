import ArchAdvisorScaffold
import Foundation
import Testing
import TestSupport

/// Applying a plan: all or nothing, never over an existing project.
struct WriterTests {
    let files = [
        PlannedFile(path: "README.md", contents: "# x\n", isExecutable: false),
        PlannedFile(path: "scripts/run.sh", contents: "#!/bin/sh\n", isExecutable: true),
        PlannedFile(path: "a/b/c.txt", contents: "deep", isExecutable: false),
    ]

    /// A fresh folder for one test, removed afterwards.
    func withSandbox(_ body: (URL) throws -> Void) throws {
        let sandbox = try TemporaryDirectory(prefix: "archadvisor-writer")
        defer { sandbox.remove() }
        try body(sandbox.url)
    }

    func listing(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test func writesEveryFileAndLeavesNoTemporaryDirectory() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("project")
            try ScaffoldWriter.apply(files, to: target)
            #expect(try String(contentsOf: target.appendingPathComponent("a/b/c.txt"), encoding: .utf8) == "deep")
            let attributes = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("scripts/run.sh").path)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o111 != 0 } == true)
            let readme = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("README.md").path)
            #expect((readme[.posixPermissions] as? Int).map { $0 & 0o111 == 0 } == true)
            #expect(try listing(sandbox) == ["project"])
        }
    }

    @Test func anExistingEmptyDirectoryIsFine() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
            try ScaffoldWriter.apply(files, to: target)
            #expect(try listing(target) == ["README.md", "a", "scripts"])
            #expect(try listing(sandbox) == ["empty"])
        }
    }

    @Test func missingParentsAreCreated() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("x/y/project")
            try ScaffoldWriter.apply(files, to: target)
            #expect(try listing(target) == ["README.md", "a", "scripts"])
        }
    }

    @Test func aNonEmptyTargetIsRefusedAndLeftUntouched() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("busy")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
            try "mine".write(to: target.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(at: target.appendingPathComponent(".git"), withIntermediateDirectories: false)
            #expect(throws: ScaffoldError.targetNotEmpty(path: target.path)) {
                try ScaffoldWriter.apply(files, to: target)
            }
            #expect(try listing(target) == [".git", "README.md"])
            #expect(try String(contentsOf: target.appendingPathComponent("README.md"), encoding: .utf8) == "mine")
            #expect(try listing(sandbox) == ["busy"])
        }
    }

    @Test func aFileTargetIsRefused() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("file")
            try "x".write(to: target, atomically: true, encoding: .utf8)
            #expect(throws: ScaffoldError.targetNotDirectory(path: target.path)) {
                try ScaffoldWriter.apply(files, to: target)
            }
            #expect(try String(contentsOf: target, encoding: .utf8) == "x")
            #expect(try listing(sandbox) == ["file"])
        }
    }

    @Test func aFailedWriteLeavesNothingBehind() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("project")
            // "a" is first a file, then a folder: the second write fails half-way.
            let clashing = [
                PlannedFile(path: "a", contents: "file", isExecutable: false),
                PlannedFile(path: "a/b.txt", contents: "x", isExecutable: false),
            ]
            let failure = #expect(throws: ScaffoldError.self) {
                try ScaffoldWriter.apply(clashing, to: target)
            }
            #expect(failure?.kind == .io)
            #expect(try listing(sandbox).isEmpty)
        }
    }

    @Test func unsafePathsAreRefusedBeforeWriting() throws {
        try withSandbox { (sandbox: URL) throws in
            let target = sandbox.appendingPathComponent("project")
            for path in ["../escape", "/abs", "a//b", "./x", ""] {
                #expect(throws: (any Error).self) {
                    try ScaffoldWriter.apply([PlannedFile(path: path, contents: "", isExecutable: false)], to: target)
                }
            }
            #expect(try listing(sandbox).isEmpty)
        }
    }

    @Test func aPlannedProjectIsWrittenExactly() throws {
        try withSandbox { (sandbox: URL) throws in
            let request = ScaffoldVariants.request("service_mesh", mesh: "linkerd")
            let planned = try ScaffoldPlanner.plan(request, templates: ScaffoldVariants.templates, decisions: ScaffoldVariants.decisions)
            let target = sandbox.appendingPathComponent("shop")
            try ScaffoldWriter.apply(planned, to: target)
            for file in planned {
                let written = try String(contentsOf: target.appendingPathComponent(file.path), encoding: .utf8)
                #expect(written == file.contents, "\(file.path) differs")
            }
        }
    }
}
