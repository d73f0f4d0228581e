import Foundation
import Logging
import PostgresNIO

/// How a process was started: `APP_ENV=production` (the default) or `development`.
///
/// In production a service without its database refuses to start: data kept in memory
/// would vanish on the next rollout and differ between replicas. Development mode (tests,
/// `scripts/run-local.sh` without databases) keeps data in memory, lost on restart.
public enum RunMode: String, Sendable {
    case production
    case development

    /// Reads `APP_ENV` with `get` (e.g. Hummingbird's `Environment().get`).
    public init(environment get: (String) -> String?) throws {
        let value = get("APP_ENV") ?? ""
        if value.isEmpty {
            self = .production
        } else if let mode = RunMode(rawValue: value) {
            self = mode
        } else {
            throw StorageError(description: "APP_ENV=\(value) is neither production nor development")
        }
    }
}

/// A setting that stops a service from starting, with what to do about it.
public struct StorageError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Opens a service's own database.
public enum ServiceDatabase {
    /// A PostgreSQL client for `databaseURL` (run it as a service beside the server:
    /// `Application(services:)`), or nil in development mode without a URL. Throws in
    /// production without a URL, and for a URL that cannot be used.
    public static func client(owner: String, databaseURL: String?, mode: RunMode, logger: Logger) throws -> PostgresClient? {
        guard let databaseURL else {
            guard mode == .development else {
                throw StorageError(description: """
                    DATABASE_URL is not set: \(owner) does not start in production without its database. \
                    Set DATABASE_URL=postgres://ROLE:PASSWORD@HOST:5432/DATABASE?sslmode=verify-full, \
                    or APP_ENV=development to keep the data in memory (lost on restart, not shared by replicas).
                    """)
            }
            logger.notice("APP_ENV=development and no DATABASE_URL: \(owner) keeps its data in memory, lost on restart")
            return nil
        }
        let configuration: PostgresClient.Configuration
        do {
            configuration = try DatabaseURL.configuration(databaseURL)
        } catch let error as DatabaseURL.Invalid {
            throw StorageError(description: error.description)
        }
        logger.info("database", metadata: ["url": .string(DatabaseURL.redacted(databaseURL))])
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }
}

extension StorageError {
    /// Runs `body` (reading the settings, opening the database); an error ends the process
    /// with its message on standard error and exit status 78 (`EX_CONFIG`): a setting to
    /// fix, not a crash to debug.
    public static func exitOnError<T>(_ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(78)
        }
    }
}
