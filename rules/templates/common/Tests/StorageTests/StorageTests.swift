import Foundation
import Logging
import PostgresNIO
import Storage
import Testing

struct DatabaseURLTests {
    @Test func readsRoleDatabaseAndPort() throws {
        let configuration = try DatabaseURL.configuration("postgres://orders:s%40cret@db.example.com:6432/orders?sslmode=disable")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6432)
        #expect(configuration.username == "orders")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "orders")
    }

    @Test func refusesWhatCannotWork() {
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL.configuration("mysql://orders@db/orders") }
        // Every service logs in as its own role: a URL without one is a mistake.
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL.configuration("postgres://db.example.com/orders") }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL.configuration("postgres://o:p@db/orders?sslmode=allow-anything") }
        #expect(throws: DatabaseURL.Invalid.self) {
            try DatabaseURL.configuration("postgres://o:p@db/orders?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
        }
    }

    @Test func redactsThePassword() {
        let redacted = DatabaseURL.redacted("postgres://orders:s3cret@db:5432/orders?sslmode=verify-full")
        #expect(!redacted.contains("s3cret"))
        #expect(redacted.contains("orders:***@db"))
    }
}

struct RunModeTests {
    let logger = Logger(label: "test")

    @Test func productionIsTheDefaultAndNeedsADatabase() throws {
        let mode = try RunMode(environment: { _ in nil })
        #expect(mode == .production)
        let error = #expect(throws: StorageError.self) {
            try ServiceDatabase.client(owner: "orders", databaseURL: nil, mode: mode, logger: logger)
        }
        #expect(error?.description.contains("DATABASE_URL is not set") == true)
        #expect(error?.description.contains("APP_ENV=development") == true)
    }

    @Test func developmentKeepsDataInMemory() throws {
        let mode = try RunMode(environment: { $0 == "APP_ENV" ? "development" : nil })
        #expect(try ServiceDatabase.client(owner: "orders", databaseURL: nil, mode: mode, logger: logger) == nil)
    }

    @Test func anUnknownModeIsAnError() {
        #expect(throws: StorageError.self) { try RunMode(environment: { $0 == "APP_ENV" ? "prod" : nil }) }
    }
}

/// Against a real PostgreSQL (`TEST_DATABASE_URL`); skipped without one.
@Suite(.enabled(if: TestDatabase.isAvailable))
struct MigratorTests {
    let logger = Logger(label: "test")
    let migrations = [
        Migration(version: 1, name: "notes", statements: ["CREATE TABLE notes (id text PRIMARY KEY)"]),
        Migration(version: 2, name: "a sample", statements: ["INSERT INTO notes (id) VALUES ('first')"]),
    ]

    @Test func appliesEachVersionOnce() async throws {
        try await TestDatabase.withScratchSchema { [migrations, logger] clients in
            let client = clients[0]
            let first = try await Migrator.migrate(migrations, component: "notes", on: client, logger: logger)
            #expect(first == [1, 2])
            let again = try await Migrator.migrate(migrations, component: "notes", on: client, logger: logger)
            #expect(again == [])
            let more = migrations + [Migration(version: 3, name: "column", statements: ["ALTER TABLE notes ADD COLUMN body text"])]
            let third = try await Migrator.migrate(more, component: "notes", on: client, logger: logger)
            #expect(third == [3])
        }
    }

    @Test func replicasStartingTogetherMigrateOnce() async throws {
        try await TestDatabase.withScratchSchema(clients: 4) { [migrations, logger] clients in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for client in clients {
                    group.addTask { try await Migrator.migrate(migrations, component: "notes", on: client, logger: logger) }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            // One replica applied both versions under the advisory lock; the others none.
            #expect(applied.filter { !$0.isEmpty } == [[1, 2]])
            let rows = try await clients[0].query("SELECT count(*) FROM notes", logger: logger)
            for try await count in rows.decode(Int64.self) { #expect(count == 1) }
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.withScratchSchema { [migrations, logger] clients in
            let broken = migrations + [Migration(version: 3, name: "broken", statements: [
                "CREATE TABLE half (id int)", "SELECT no_such_function()",
            ])]
            await #expect(throws: (any Error).self) {
                try await Migrator.migrate(broken, component: "notes", on: clients[0], logger: logger)
            }
            // All or nothing: not even versions 1 and 2 were recorded, no table was left.
            let rows = try await clients[0].query(
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('notes', 'half') AND table_schema = current_schema()",
                logger: logger)
            for try await count in rows.decode(Int64.self) { #expect(count == 0) }
        }
    }
}
