import Foundation
import Logging
import PostgresNIO

/// A real PostgreSQL for tests: `TEST_DATABASE_URL` (tests that need it are skipped when it
/// is unset). Each test gets a schema of its own, dropped afterwards, so tests run in
/// parallel on one database without seeing each other's tables.
public enum TestDatabase {
    public static var url: String? {
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isAvailable: Bool { url != nil }

    /// Runs `body` with `clients` clients (several: as several replicas would) whose tables
    /// live in a new schema.
    public static func withScratchSchema<T: Sendable>(
        clients count: Int = 1, _ body: @Sendable ([PostgresClient]) async throws -> T
    ) async throws -> T {
        guard let url else { throw StorageError(description: "TEST_DATABASE_URL is not set") }
        var logger = Logger(label: "test-database")
        logger.logLevel = .warning
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PostgresClient(configuration: try DatabaseURL.configuration(url), backgroundLogger: logger)
        var scoped = try DatabaseURL.configuration(url)
        scoped.options.additionalStartupParameters = [("search_path", schema)]
        let clients = (0..<count).map { _ in PostgresClient(configuration: scoped, backgroundLogger: logger) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            for client in clients { group.addTask { await client.run() } }
            defer { group.cancelAll() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: logger)
            do {
                let result = try await body(clients)
                try await admin.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), logger: logger)
                return result
            } catch {
                try? await admin.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), logger: logger)
                throw error
            }
        }
    }
}
