import Logging
import PostgresNIO

/// One step of a schema: applied once, in order of `version`, and recorded.
public struct Migration: Sendable {
    /// 1, 2, 3...: never reuse or reorder a released version; add a new one instead.
    public var version: Int
    public var name: String
    public var statements: [PostgresQuery]

    public init(version: Int, name: String, statements: [PostgresQuery]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies the migrations a database is missing, when a service starts.
///
/// A database that does not answer yet is waited for: postgres-nio's pool keeps trying to
/// connect for about a minute (it may start after the service), logging why each attempt
/// failed (refused, password, certificate), then gives up and the service stops.
///
/// All of it runs in one transaction that first takes a transaction-scoped advisory lock:
/// when several replicas start at once, one migrates and the others wait, then find every
/// version recorded and apply nothing. A failing migration rolls back completely (PostgreSQL
/// DDL is transactional) and the service does not start. `schema_migrations` records
/// `(component, version)`, so the modules of a monolith migrate their own tables in one
/// database without knowing each other.
public enum Migrator {
    /// The advisory lock every migration takes (any constant; the same in every service).
    public static let lockKey: Int64 = 0x61_72_63_68_61_64_76

    /// Applies what is missing of `migrations` for `component`; returns the versions it
    /// applied (empty when the database was up to date).
    @discardableResult
    public static func migrate(
        _ migrations: [Migration], component: String, on client: PostgresClient, logger: Logger
    ) async throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        precondition(Set(ordered.map(\.version)).count == ordered.count, "two migrations of \(component) share a version")
        return try await apply(ordered, component: component, on: client, logger: logger)
    }

    private static func apply(_ migrations: [Migration], component: String, on client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    component text NOT NULL,
                    version integer NOT NULL,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (component, version)
                )
                """,
                logger: logger)
            var applied = Set<Int>()
            let rows = try await connection.query(
                "SELECT version FROM schema_migrations WHERE component = \(component)", logger: logger)
            for try await version in rows.decode(Int32.self) {
                applied.insert(Int(version))
            }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (component, version, name) VALUES (\(component), \(Int32(migration.version)), \(migration.name))",
                    logger: logger)
                logger.info("migrated", metadata: [
                    "component": .string(component), "version": .stringConvertible(migration.version),
                    "migration": .string(migration.name),
                ])
                done.append(migration.version)
            }
            return done
        }
    }
}
