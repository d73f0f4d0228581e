import Foundation
import GRDB

/// Why a knowledge base could not be used. Each maps to exit code 3.
public enum KnowledgeBaseError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case corrupt(path: String, reason: String)
    case foreign(path: String)
    case unsupportedSchema(path: String, version: Int, supported: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            "\(path): knowledge base not found; build one with `archadvisor kb build` or point --kb / ARCHADVISOR_KB at one"
        case .corrupt(let path, let reason):
            "\(path): knowledge base is corrupt: \(reason); rebuild it with `archadvisor kb build`"
        case .foreign(let path):
            "\(path): not an archadvisor knowledge base (an SQLite file without archadvisor's meta table); expected a file made by `archadvisor kb build`"
        case .unsupportedSchema(let path, let version, let supported):
            version > supported
                ? "\(path): knowledge base schema version \(version) is newer than this archadvisor supports (\(supported)); upgrade archadvisor or rebuild the knowledge base with this version"
                : "\(path): knowledge base schema version \(version) is not supported (expected \(supported)); rebuild it with `archadvisor kb build`"
        }
    }
}

/// Reads and writes knowledge bases as SQLite files through GRDB.
///
/// The schema is created by a `DatabaseMigrator` whose migrations never change once
/// shipped; the `meta` table records the format, the schema version and the hash of the
/// rule sources. Writing is deterministic: the same knowledge base gives the same rows in
/// the same order.
public enum KnowledgeStore {
    public static let format = "archadvisor-knowledge-base"
    public static let schemaVersion = 3

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE sources (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, section TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL);
                CREATE TABLE questions (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, min INTEGER, max INTEGER,
                    default_value INTEGER NOT NULL, prompt TEXT NOT NULL, help TEXT NOT NULL, ask_when TEXT NOT NULL, sources TEXT NOT NULL);
                CREATE TABLE question_choices (question_id TEXT NOT NULL, position INTEGER NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL,
                    PRIMARY KEY (question_id, position));
                CREATE TABLE decisions (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, applies_when TEXT NOT NULL,
                    clear_margin REAL NOT NULL, leaning_margin REAL NOT NULL);
                CREATE TABLE decision_options (decision_id TEXT NOT NULL, position INTEGER NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL,
                    description TEXT NOT NULL, pros TEXT NOT NULL, cons TEXT NOT NULL, PRIMARY KEY (decision_id, position));
                CREATE TABLE rules (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, decision_id TEXT NOT NULL, condition TEXT NOT NULL,
                    why TEXT NOT NULL, source_id TEXT NOT NULL, location TEXT NOT NULL);
                CREATE TABLE rule_points (rule_id TEXT NOT NULL, position INTEGER NOT NULL, option TEXT NOT NULL, points REAL NOT NULL,
                    PRIMARY KEY (rule_id, position));
                CREATE TABLE rule_exclusions (rule_id TEXT NOT NULL, position INTEGER NOT NULL, option TEXT NOT NULL,
                    PRIMARY KEY (rule_id, position));
                CREATE TABLE scenarios (position INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL, location TEXT NOT NULL,
                    answers TEXT NOT NULL, expect TEXT NOT NULL, expect_confidence TEXT NOT NULL);
                CREATE TABLE templates (path TEXT PRIMARY KEY NOT NULL, contents TEXT NOT NULL);
                """)
        }
        // Refinements (service_mesh refines microservices), where a rule's threshold comes
        // from, and impossible combinations of answers.
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE decision_options ADD COLUMN refines TEXT;
                ALTER TABLE rules ADD COLUMN calibration TEXT;
                ALTER TABLE rules ADD COLUMN stated TEXT;
                CREATE TABLE constraints (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, require TEXT NOT NULL, message TEXT NOT NULL);
                """)
        }
        // Organisation rule packs: where sources, rules and scenarios come from, threshold
        // overrides, and policies.
        m.registerMigration("v3") { db in
            try db.execute(sql: """
                ALTER TABLE sources ADD COLUMN pack TEXT;
                ALTER TABLE sources ADD COLUMN url TEXT;
                ALTER TABLE rules ADD COLUMN pack TEXT;
                ALTER TABLE rules ADD COLUMN override_pack TEXT;
                ALTER TABLE rules ADD COLUMN override_source TEXT;
                ALTER TABLE rules ADD COLUMN override_condition TEXT;
                ALTER TABLE rules ADD COLUMN override_calibration TEXT;
                ALTER TABLE rules ADD COLUMN override_location TEXT;
                ALTER TABLE scenarios ADD COLUMN pack TEXT;
                CREATE TABLE packs (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, owner TEXT NOT NULL, hash TEXT NOT NULL);
                CREATE TABLE policies (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, pack TEXT NOT NULL, when_condition TEXT NOT NULL,
                    require TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, source_id TEXT NOT NULL, location TEXT NOT NULL);
                """)
        }
        return m
    }

    // MARK: write

    /// Writes `kb` to a new file at `path`, replacing it only once complete.
    public static func write(_ kb: KnowledgeBase, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try? FileManager.default.removeItem(at: temp)
        do {
            let queue = try DatabaseQueue(path: temp.path)
            try write(kb, into: queue)
            try queue.vacuum()
            try queue.close()
            // rename(2) replaces the old file atomically: readers see the old or the new one.
            guard rename(temp.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
    }

    /// Writes `kb` into an empty database (tests use an in-memory `DatabaseQueue()`).
    public static func write(_ kb: KnowledgeBase, into writer: some DatabaseWriter) throws {
        try migrator.migrate(writer)
        try writer.write { db in
            for (k, v) in [("format", format), ("schema_version", String(schemaVersion)), ("source_hash", kb.sourceHash)] {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [k, v])
            }
            for (i, s) in kb.sources.enumerated() {
                try db.execute(sql: "INSERT INTO sources (position, id, section, kind, text, pack, url) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [i, s.id, s.section, s.kind.rawValue, s.text, s.pack, s.url])
            }
            for (i, q) in kb.questions.enumerated() {
                var lo: Int?, hi: Int?
                if case .integer(let r) = q.kind { lo = r.lowerBound; hi = r.upperBound }
                try db.execute(sql: "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [i, q.id, q.typeName, lo, hi, q.defaultValue, q.prompt, q.help, q.askWhenText, jsonArray(q.sources)])
                if case .choice(let choices) = q.kind {
                    for (j, c) in choices.enumerated() {
                        try db.execute(sql: "INSERT INTO question_choices VALUES (?, ?, ?, ?)", arguments: [q.id, j, c.value, c.label])
                    }
                }
            }
            for (i, d) in kb.decisions.enumerated() {
                try db.execute(sql: "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [i, d.id, d.title, d.appliesWhenText, d.clearMargin, d.leaningMargin])
                for (j, o) in d.options.enumerated() {
                    try db.execute(sql: "INSERT INTO decision_options (decision_id, position, value, label, description, pros, cons, refines) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [d.id, j, o.value, o.label, o.description, jsonArray(o.pros), jsonArray(o.cons), o.refines])
                }
            }
            for (i, r) in kb.rules.enumerated() {
                let decision = kb.decisions[r.decision]
                let o = r.override
                try db.execute(sql: """
                    INSERT INTO rules (position, id, decision_id, condition, why, source_id, location, calibration, stated, pack,
                        override_pack, override_source, override_condition, override_calibration, override_location)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    arguments: [i, r.id, decision.id, r.conditionText, r.why, r.source, r.location, r.calibration, r.stated, r.pack,
                                o?.pack, o?.source, o?.replacedCondition, o?.replacedCalibration, o?.location])
                for (j, p) in r.points.enumerated() {
                    try db.execute(sql: "INSERT INTO rule_points VALUES (?, ?, ?, ?)", arguments: [r.id, j, decision.options[p.option].value, p.points])
                }
                for (j, o) in r.excludes.enumerated() {
                    try db.execute(sql: "INSERT INTO rule_exclusions VALUES (?, ?, ?)", arguments: [r.id, j, decision.options[o].value])
                }
            }
            for (i, s) in kb.scenarios.enumerated() {
                let expect = "{" + s.expect.map { JSONText.quoted($0.decision) + ":" + ($0.choice.map(JSONText.quoted) ?? "null") }.joined(separator: ",") + "}"
                let confidence = "{" + s.expectConfidence.map { JSONText.quoted($0.decision) + ":" + JSONText.quoted($0.confidence) }.joined(separator: ",") + "}"
                try db.execute(sql: "INSERT INTO scenarios (position, name, note, location, answers, expect, expect_confidence, pack) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [i, s.name, s.note, s.location, s.answers, expect, confidence, s.pack])
            }
            for (i, c) in kb.constraints.enumerated() {
                try db.execute(sql: "INSERT INTO constraints VALUES (?, ?, ?, ?)", arguments: [i, c.id, c.requireText, c.message])
            }
            for (i, p) in kb.packs.enumerated() {
                try db.execute(sql: "INSERT INTO packs VALUES (?, ?, ?, ?, ?)", arguments: [i, p.id, p.title, p.owner, p.hash])
            }
            for (i, p) in kb.policies.enumerated() {
                try db.execute(sql: "INSERT INTO policies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [i, p.id, p.pack, p.whenText, p.requireText, p.severity.rawValue, p.message, p.source, p.location])
            }
            for t in kb.templates {
                try db.execute(sql: "INSERT INTO templates VALUES (?, ?)", arguments: [t.path, t.contents])
            }
        }
    }

    static func jsonArray(_ items: [String]) -> String {
        "[" + items.map(JSONText.quoted).joined(separator: ",") + "]"
    }
}
