import GRPCCore
import GRPCNIOTransportHTTP2Posix
import ServiceLifecycle

/// Runs a gRPC server as a service of the application's service group: it starts with the
/// HTTP server and stops gracefully (in-flight calls finish) on SIGTERM.
public struct GRPCServerService<Transport: ServerTransport>: Service {
    let server: GRPCServer<Transport>

    public init(server: GRPCServer<Transport>) {
        self.server = server
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}

/// Keeps a gRPC client's connections running for as long as the service group runs.
public struct GRPCClientService<Transport: ClientTransport>: Service {
    let client: GRPCClient<Transport>

    public init(client: GRPCClient<Transport>) {
        self.client = client
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            client.beginGracefulShutdown()
        }
    }
}

/// Reads a gRPC target written as `host:port` (a DNS name or an IP address), and the
/// client transport settings this project uses.
public enum GRPCTarget {
    /// The defaults, with a short reconnect backoff (0.1 s growing to at most 2 s instead
    /// of 1 s to 2 min): calls fail fast while a service is down (no `waitForReady`), so
    /// the client should notice quickly that it is back.
    public static var transportConfig: HTTP2ClientTransport.Posix.Config {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
        return config
    }

    public static func parse(_ text: String) throws -> ResolvableTargets.DNS {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              colon > text.startIndex else {
            throw RPCError(code: .invalidArgument, message: "not a host:port gRPC target: \(text)")
        }
        return .dns(host: String(text[..<colon]), port: port)
    }
}
