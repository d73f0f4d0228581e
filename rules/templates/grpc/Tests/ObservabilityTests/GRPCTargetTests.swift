import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Observability
import Testing

/// The gRPC target syntax the clients read, and the resolution round robin relies on.
struct GRPCTargetTests {
    @Test(arguments: [("inventory:9090", "inventory"), ("dns:///inventory-grpc.shop.svc.cluster.local:9090", "inventory-grpc.shop.svc.cluster.local")])
    func hostPortAndDNSNamesAreResolvedByDNS(_ text: String, _ host: String) throws {
        let target = try #require(try GRPCTarget.parse(text) as? DNSEndpoints)
        #expect(target.host == host)
        #expect(target.port == 9090)
    }

    @Test func anIPv4ListNamesEveryAddress() throws {
        let target = try #require(try GRPCTarget.parse("ipv4:127.0.0.1:9081,127.0.0.1:9181") as? ResolvableTargets.IPv4)
        #expect(target.addresses.map { "\($0.host):\($0.port)" } == ["127.0.0.1:9081", "127.0.0.1:9181"])
    }

    @Test(arguments: ["inventory", "inventory:", ":9090", "inventory:0", "dns://8.8.8.8/inventory:9090", "ipv4:", "ipv4:localhost:9090", "ipv4:127.0.0.1", "ipv4:127.0.0.1:9081,"])
    func malformedTargetsAreRefused(_ text: String) {
        #expect(throws: RPCError.self) { try GRPCTarget.parse(text) }
    }

    @Test func aDNSNameResolvesToOneEndpointPerAddressAgainOnEachAsk() async throws {
        let resolver = try #require(GRPCTarget.resolverRegistry.makeResolver(for: DNSEndpoints(host: "localhost", port: 9090)))
        #expect(resolver.updateMode == .pull, "the channel asks again when a connection closes")
        var names = resolver.names.makeAsyncIterator()
        for _ in 0..<2 {
            let result = try #require(try await names.next())
            #expect(!result.endpoints.isEmpty)
            #expect(result.endpoints.allSatisfy { $0.addresses.count == 1 && $0.addresses[0].ipv4?.port ?? $0.addresses[0].ipv6?.port == 9090 })
        }
    }

    @Test func clientsBalanceRoundRobinAndServersAgeConnections() {
        #expect(GRPCTarget.serviceConfig.loadBalancingConfig.first?.roundRobin != nil)
        #expect(GRPCTarget.serverConfig.connection.maxAge == .seconds(300))
        #expect(GRPCTarget.serverConfig.connection.maxGraceTime == .seconds(30))
    }
}
