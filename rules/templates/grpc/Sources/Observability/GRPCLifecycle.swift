import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
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

/// The gRPC settings of this project's clients and servers, and the targets they read.
///
/// Load: a gRPC client keeps one HTTP/2 connection per address and sends every call over
/// them, so balancing happens where the addresses are known. Without a mesh the callers'
/// targets are `dns:///<service>-grpc...:9090`, a headless Service whose DNS name answers
/// with every ready pod; ``parse(_:)`` turns that into one endpoint per address and
/// ``serviceConfig`` balances the calls over them round robin. The servers close each
/// connection after ``serverConfig``'s maximum age, so the clients resolve the name again
/// (the DNS resolver is asked anew whenever a connection goes away) and reach new pods.
/// With a mesh the target is the Service's cluster IP, one address: round robin over one
/// endpoint is what pick-first would do, and the sidecars balance each call; the same
/// settings serve both, so nothing depends on knowing which.
public enum GRPCTarget {
    /// The defaults, with a short reconnect backoff (0.1 s growing to at most 2 s instead
    /// of 1 s to 2 min): calls fail fast while a service is down (no `waitForReady`), so
    /// the client should notice quickly that it is back.
    public static var transportConfig: HTTP2ClientTransport.Posix.Config {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
        return config
    }

    /// Round robin over every address the target resolves to (grpc-swift's default is
    /// pick-first: one connection, to one pod).
    public static var serviceConfig: ServiceConfig {
        ServiceConfig(loadBalancingConfig: [.roundRobin])
    }

    /// The name resolvers: grpc-swift's, plus the one for ``DNSEndpoints``.
    public static var resolverRegistry: NameResolverRegistry {
        var registry = NameResolverRegistry.defaults
        registry.registerFactory(DNSEndpoints.Resolver())
        return registry
    }

    /// The server side: a connection lives at most 5 minutes (then GOAWAY, so its client
    /// resolves again and spreads over the pods there are now), with 30 seconds for the
    /// calls in flight on it to finish.
    public static var serverConfig: HTTP2ServerTransport.Posix.Config {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.connection.maxAge = .seconds(5 * 60)
        config.connection.maxGraceTime = .seconds(30)
        return config
    }

    /// A client of `target` (see ``parse(_:)``) with this project's settings: round robin,
    /// the short backoff, tracing. Plaintext: in a mesh the sidecars encrypt.
    public static func makeClient(target: String, logger: Logger) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        GRPCClient(
            transport: try .http2NIOPosix(
                target: try parse(target), transportSecurity: .plaintext, config: transportConfig,
                resolverRegistry: resolverRegistry, serviceConfig: serviceConfig),
            interceptors: [ClientTracingInterceptor(logger: logger)])
    }

    /// Reads a target in gRPC's name syntax: `host:port` or `dns:///host:port` (a DNS name
    /// or an IP address, resolved again when a connection closes), or a fixed list
    /// `ipv4:10.0.0.1:9090,10.0.0.2:9090`. The port is required.
    public static func parse(_ text: String) throws -> any ResolvableTarget {
        if text.hasPrefix("ipv4:") {
            let pairs = try text.dropFirst("ipv4:".count).split(separator: ",", omittingEmptySubsequences: false).map {
                let (host, port) = try hostAndPort(String($0), in: text)
                let octets = host.split(separator: ".", omittingEmptySubsequences: false)
                guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
                    throw invalid(text, "\(host) is not an IPv4 address")
                }
                return (host: host, port: port)
            }
            return .ipv4(pairs: pairs)
        }
        var name = Substring(text)
        if name.hasPrefix("dns:") {
            name = name.dropFirst("dns:".count)
            guard name.hasPrefix("///") else {
                throw invalid(text, "write dns:///host:port (a DNS server in the authority is not supported)")
            }
            name = name.dropFirst(3)
        }
        let (host, port) = try hostAndPort(String(name), in: text)
        return DNSEndpoints(host: host, port: port)
    }

    static func hostAndPort(_ text: String, in target: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), colon > text.startIndex,
              let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw invalid(target, "\(text) is not host:port")
        }
        return (String(text[..<colon]), port)
    }

    static func invalid(_ target: String, _ reason: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "not a gRPC target (host:port, dns:///host:port or ipv4:a.b.c.d:port,...): \(target): \(reason)")
    }
}

/// A DNS name whose addresses are separate endpoints. grpc-swift's own DNS target
/// resolves to one endpoint holding every address, which a load balancer treats as one
/// backend (it connects to the first address that answers); one endpoint per address lets
/// round robin use them all.
public struct DNSEndpoints: ResolvableTarget, Sendable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Resolves with grpc-swift's DNS resolver (asked again each time the channel needs
    /// names) and splits each answer into one endpoint per address.
    struct Resolver: NameResolverFactory {
        typealias Target = DNSEndpoints

        func resolver(for target: DNSEndpoints) -> NameResolver {
            let dns = NameResolvers.DNS().resolver(for: .dns(host: target.host, port: target.port))
            let names = dns.names.map { result in
                NameResolutionResult(
                    endpoints: result.endpoints.flatMap { $0.addresses.map { Endpoint(addresses: [$0]) } },
                    serviceConfig: result.serviceConfig)
            }
            return NameResolver(names: RPCAsyncSequence(wrapping: names), updateMode: dns.updateMode, authority: dns.authority)
        }
    }
}
