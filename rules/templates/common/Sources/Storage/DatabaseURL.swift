import Foundation
import NIOSSL
import PostgresNIO

/// Reads a `DATABASE_URL`:
/// `postgres://ROLE:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE&sslrootcert=PATH`.
///
/// `sslmode` has libpq's meanings:
/// - `disable`: no TLS (only for a database on the same host or in the same pod).
/// - `prefer`: TLS when the server offers it, without checking its certificate (libpq's
///   default, kept for compatibility; it protects against nobody who is in the path).
/// - `require`: TLS or no connection, without checking the certificate.
/// - `verify-ca`: TLS, the server's certificate signed by a trusted CA.
/// - `verify-full` (use this in production): `verify-ca`, and the certificate names HOST.
///
/// The trusted CAs: the file `sslrootcert` names (PEM, e.g. your database's CA mounted from
/// a Secret), else the system's bundle, which the runtime image installs with the
/// `ca-certificates` package (`/etc/ssl/certs/ca-certificates.crt`): managed databases
/// whose certificates chain to a public CA need no file.
public enum DatabaseURL {
    /// A `DATABASE_URL` that cannot be used, and why.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static let sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"]

    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, !host.isEmpty else {
            throw Invalid(description: "DATABASE_URL must look like postgres://role:password@host:5432/database?sslmode=verify-full")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw Invalid(description: "DATABASE_URL names no role: postgres://ROLE:password@\(host)/... (each service logs in as its own role)")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let query = components.queryItems ?? []
        let mode = query.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard sslModes.contains(mode) else {
            throw Invalid(description: "DATABASE_URL: sslmode=\(mode) is not one of \(sslModes.joined(separator: ", "))")
        }
        let rootCertificate = query.first { $0.name == "sslrootcert" }?.value
        if let rootCertificate, !FileManager.default.isReadableFile(atPath: rootCertificate) {
            throw Invalid(description: "DATABASE_URL: sslrootcert=\(rootCertificate) is not a readable file")
        }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case "verify-full":
            tlsConfiguration.certificateVerification = .fullVerification
        case "verify-ca":
            tlsConfiguration.certificateVerification = .noHostnameVerification
        default:
            tlsConfiguration.certificateVerification = .none
        }
        if let rootCertificate {
            tlsConfiguration.trustRoots = .file(rootCertificate)
        }
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(tlsConfiguration)
        default: tls = .require(tlsConfiguration)
        }
        // With verify-full, postgres-nio checks the certificate against HOST (sent as SNI
        // when it is a name, not an IP address).
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432,
            username: user,
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? user : database,
            tls: tls)
    }

    /// The URL without its password, for log lines.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(not a URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(not a URL)"
    }
}
