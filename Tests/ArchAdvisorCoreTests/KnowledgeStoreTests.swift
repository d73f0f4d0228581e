import Foundation
import GRDB
import Testing
import TestSupport
@testable import ArchAdvisorCore

/// Writing and loading knowledge bases, and every way loading one can fail.
@Suite("Knowledge store")
struct KnowledgeStoreTests {
    @Test func roundTripInMemory() throws {
        let kb = try Project.kb()
        let db = try DatabaseQueue()
        try KnowledgeStore.write(kb, into: db)
        let loaded = try KnowledgeStore.load(from: db)
        let same = loaded == kb
        #expect(same, "a knowledge base written and loaded back differs from the original")
        #expect(loaded.rules.count == kb.rules.count)
        #expect(loaded.scenarios.map(\.name) == kb.scenarios.map(\.name))
    }

    @Test func roundTripOfTheMiniRules() throws {
        let kb = try MiniRules().compile()
        let db = try DatabaseQueue()
        try KnowledgeStore.write(kb, into: db)
        #expect(try KnowledgeStore.load(from: db) == kb)
    }

    @Test func metaRecordsFormatVersionAndHash() throws {
        let kb = try MiniRules().compile()
        let db = try DatabaseQueue()
        try KnowledgeStore.write(kb, into: db)
        let meta = try db.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM meta").map { ($0["key"] as String, $0["value"] as String) })
        }
        #expect(meta == ["format": KnowledgeStore.format, "schema_version": String(KnowledgeStore.schemaVersion), "source_hash": "test"])
    }

    @Test func sameKnowledgeBaseGivesTheSameBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let kb = try Project.kb()
        let a = dir.path("a.sqlite"), b = dir.path("b.sqlite")
        try KnowledgeStore.write(kb, to: a)
        try KnowledgeStore.write(kb, to: b)
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a)), bytesB = try Data(contentsOf: URL(fileURLWithPath: b))
        #expect(!bytesA.isEmpty)
        #expect(bytesA == bytesB, "two writes of one knowledge base differ")
        // Writing over an existing file replaces it and leaves no temporary file behind.
        try KnowledgeStore.write(kb, to: a)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == bytesB)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["a.sqlite", "b.sqlite"])
        #expect(try KnowledgeStore.load(path: a) == kb)
    }

    @Test func missingFile() {
        let path = "/nonexistent/dir/knowledge.sqlite"
        #expect(throws: KnowledgeBaseError.missing(path: path)) { try KnowledgeStore.load(path: path) }
        #expect(KnowledgeBaseError.missing(path: path).description.contains("\(path): knowledge base not found"))
    }

    @Test func directory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: KnowledgeBaseError.corrupt(path: dir.url.path, reason: "it is a directory, not a file")) {
            try KnowledgeStore.load(path: dir.url.path)
        }
    }

    @Test func textFileIsCorrupt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("knowledge.sqlite", "this is not a database, just some text that is long enough\n" + String(repeating: "x", count: 2000))
        do {
            _ = try KnowledgeStore.load(path: path)
            Issue.record("loaded a text file")
        } catch {
            guard case .corrupt(let p, let reason) = error else { Issue.record("expected .corrupt, got \(error)"); return }
            #expect(p == path)
            #expect(!reason.isEmpty)
            #expect(error.description.hasPrefix("\(path): knowledge base is corrupt"))
        }
    }

    @Test func emptyFileIsNotAKnowledgeBase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("empty.sqlite", "")
        #expect(throws: KnowledgeBaseError.self) { try KnowledgeStore.load(path: path) }
    }

    @Test func sqliteWithoutMetaIsForeign() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("other.sqlite")
        try makeDatabase(path) { db in try db.execute(sql: "CREATE TABLE people (name TEXT)") }
        #expect(throws: KnowledgeBaseError.foreign(path: path)) { try KnowledgeStore.load(path: path) }
        #expect(KnowledgeBaseError.foreign(path: path).description.contains("not an archadvisor knowledge base"))
    }

    @Test func metaOfAnotherFormatIsForeign() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("other.sqlite")
        try makeDatabase(path) { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            try db.execute(sql: "INSERT INTO meta VALUES ('format', 'something-else'), ('schema_version', '1')")
        }
        #expect(throws: KnowledgeBaseError.foreign(path: path)) { try KnowledgeStore.load(path: path) }
    }

    @Test func newerSchemaIsUnsupported() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path("future.sqlite")
        try makeDatabase(path) { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            try db.execute(sql: "INSERT INTO meta VALUES ('format', ?), ('schema_version', '99')", arguments: [KnowledgeStore.format])
        }
        let expected = KnowledgeBaseError.unsupportedSchema(path: path, version: 99, supported: KnowledgeStore.schemaVersion)
        #expect(throws: expected) { try KnowledgeStore.load(path: path) }
        #expect(expected.description.contains("schema version 99 is newer than this archadvisor supports"))
    }

    @Test func missingSchemaVersionIsCorrupt() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            try db.execute(sql: "INSERT INTO meta VALUES ('format', ?)", arguments: [KnowledgeStore.format])
        }
        #expect(throws: KnowledgeBaseError.corrupt(path: "knowledge base", reason: "the meta table has no schema version")) {
            try KnowledgeStore.load(from: db)
        }
    }

    @Test func tamperedConditionIsCorrupt() throws {
        let db = try DatabaseQueue()
        try KnowledgeStore.write(try MiniRules().compile(), into: db)
        try db.write { db in try db.execute(sql: "UPDATE rules SET condition = 'team_sise > 3' WHERE id = 'big-team-splits'") }
        do {
            _ = try KnowledgeStore.load(from: db)
            Issue.record("loaded a knowledge base with a broken condition")
        } catch let error as KnowledgeBaseError {
            guard case .corrupt(_, let reason) = error else { Issue.record("expected .corrupt, got \(error)"); return }
            #expect(reason.contains("big-team-splits"))
        }
    }

    func makeDatabase(_ path: String, _ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write(body)
        try queue.close()
    }
}
