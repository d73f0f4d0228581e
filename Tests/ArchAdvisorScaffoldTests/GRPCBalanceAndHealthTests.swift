import ArchAdvisorScaffold
import Foundation
import Testing

private typealias V = ScaffoldVariants

/// gRPC load spread over the replicas (a headless Service and round robin without a mesh,
/// connections aged by the servers) and the standard grpc.health.v1 service behind the
/// probes (issue 11 item 6).
@Suite("starters: gRPC balancing and health")
struct GRPCBalanceAndHealthTests {
    static let grpcVariants = V.all.filter { $0.name.contains("grpc") }.map(\.name)

    static func files(_ name: String) throws -> [String: PlannedFile] {
        try V.plan(try #require(V.all.first { $0.name == name }).request)
    }

    /// The YAML documents of `text` whose `kind:` is `kind` and whose name is `name`.
    static func document(_ kind: String, _ name: String, in text: String) -> String? {
        text.components(separatedBy: "\n---\n").first {
            $0.contains("\nkind: \(kind)\n") && $0.contains("\nmetadata:\n  name: \(name)\n")
        }.map { $0 + "\n" }
    }

    /// The `_GRPC_TARGET` values of a Deployment, by variable.
    static func targets(in text: String) -> [String: String] {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var targets: [String: String] = [:]
        for (index, line) in lines.enumerated() where line.hasPrefix("- name: ") && line.hasSuffix("_GRPC_TARGET") {
            targets[String(line.dropFirst("- name: ".count))] = lines[index + 1].replacingOccurrences(of: "value: ", with: "")
        }
        return targets
    }

    @Test(arguments: grpcVariants)
    func aHeadlessServiceAndDNSTargetsOnlyWithoutAMesh(_ name: String) throws {
        let files = try Self.files(name)
        let mesh = name.hasPrefix("mesh-")
        for service in ["product", "inventory", "reviews"] {
            let manifest = try #require(files["k8s/base/\(service).yaml"]).contents
            let headless = Self.document("Service", "\(service)-grpc", in: manifest)
            if mesh {
                #expect(headless == nil, "\(name): a mesh balances calls; no headless Service")
            } else {
                let headless = try #require(headless, "\(name): \(service) has no headless Service")
                #expect(headless.contains("  clusterIP: None\n"))
                #expect(headless.contains("    - name: grpc\n      port: 9090\n      targetPort: grpc\n"))
                #expect(headless.contains("    app.kubernetes.io/name: \(service)\n"))
            }
            // The ClusterIP Service stays, with the grpc port.
            let clusterIP = try #require(Self.document("Service", service, in: manifest))
            #expect(!clusterIP.contains("clusterIP: None") && clusterIP.contains("port: 9090"))
        }
        if let aggregator = files["k8s/base/aggregator.yaml"]?.contents {
            let targets = Self.targets(in: aggregator)
            #expect(targets.count == 3)
            for service in ["product", "inventory", "reviews"] {
                #expect(targets["\(service.uppercased())_GRPC_TARGET"] == (mesh
                    ? "\(service).shop.svc.cluster.local:9090"
                    : "dns:///\(service)-grpc.shop.svc.cluster.local:9090"), "\(name)")
            }
        }
        #expect(files["k8s/base/aggregator.yaml"] != nil || name.hasSuffix("no-aggregation"))
    }

    @Test func thePublisherDeliversOverTheHeadlessServiceWithoutAMesh() throws {
        let plain = try V.plan(V.request("microservices", syncProtocol: "grpc", messaging: "async_events"))
        #expect(Self.targets(in: try #require(plain["k8s/base/product.yaml"]).contents) == [
            "INVENTORY_GRPC_TARGET": "dns:///inventory-grpc.shop.svc.cluster.local:9090",
            "REVIEWS_GRPC_TARGET": "dns:///reviews-grpc.shop.svc.cluster.local:9090",
        ])
        let meshed = try Self.files("mesh-istio-grpc-events")
        #expect(Self.targets(in: try #require(meshed["k8s/base/product.yaml"]).contents) == [
            "INVENTORY_GRPC_TARGET": "inventory.shop.svc.cluster.local:9090",
            "REVIEWS_GRPC_TARGET": "reviews.shop.svc.cluster.local:9090",
        ])
    }

    @Test(arguments: grpcVariants)
    func clientsBalanceRoundRobinAndServersAgeTheirConnections(_ name: String) throws {
        let files = try Self.files(name)
        let lifecycle = try #require(files["Sources/Observability/GRPCLifecycle.swift"]).contents
        #expect(lifecycle.contains("ServiceConfig(loadBalancingConfig: [.roundRobin])"))
        #expect(lifecycle.contains("resolverRegistry: resolverRegistry, serviceConfig: serviceConfig)"))
        #expect(lifecycle.contains("config.connection.maxAge = .seconds(5 * 60)"))
        #expect(lifecycle.contains("config.connection.maxGraceTime = .seconds(30)"))
        // The target syntaxes.
        for prefix in ["if text.hasPrefix(\"ipv4:\")", "if name.hasPrefix(\"dns:\")", "return .ipv4(pairs: pairs)"] {
            #expect(lifecycle.contains(prefix))
        }
        for service in ["Product", "Inventory", "Reviews"] {
            let build = try #require(files["Sources/\(service)Service/App+build.swift"]).contents
            #expect(build.contains("transportSecurity: .plaintext,\n            config: GRPCTarget.serverConfig),"), "\(name): \(service)")
        }
        let callers = files.filter { $0.key.hasSuffix("/App.swift") && $0.value.contents.contains("GRPCClient<") }
        // The aggregator, the publisher's relay: every variant but gRPC without either.
        #expect(callers.isEmpty == (name == "microservices-grpc-no-aggregation"), "\(name)")
        for (path, file) in callers {
            #expect(file.contents.contains("try GRPCTarget.makeClient(target: target, logger: logger)"), "\(name): \(path)")
            #expect(!file.contents.contains("GRPCClient(\n"), "\(name): \(path) builds a client of its own")
        }
    }

    @Test(arguments: grpcVariants)
    func everyGRPCServerServesTheStandardHealthService(_ name: String) throws {
        let files = try Self.files(name)
        let proto = try #require(files["Protos/grpc/health/v1/health.proto"]).contents
        #expect(proto.contains("package grpc.health.v1;"))
        #expect(proto.contains("rpc Check(HealthCheckRequest) returns (HealthCheckResponse);"))
        #expect(proto.contains("rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);"))
        let grpc = try #require(files["Sources/GRPCHealth/health.grpc.swift"]).contents
        #expect(grpc.contains("ServiceDescriptor(fullyQualifiedService: \"grpc.health.v1.Health\")"))
        #expect(try #require(files["Sources/GRPCHealth/health.pb.swift"]).contents.contains("struct Grpc_Health_V1_HealthCheckResponse"))
        let service = try #require(files["Sources/GRPCHealth/HealthService.swift"]).contents
        #expect(service.contains("HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol"))
        #expect(service.contains("throw RPCError(code: .notFound"))
        let package = try #require(files["Package.swift"]).contents
        #expect(package.contains(".target(name: \"GRPCHealth\", dependencies: [grpcCore, grpcProtobuf, swiftProtobuf]),"))
        #expect(try #require(files["scripts/generate-grpc.sh"]).contents.contains("\ngenerate grpc/health/v1/health.proto GRPCHealth\n"))
        for (service, protoPackage) in [("Product", "product"), ("Inventory", "inventory"), ("Reviews", "reviews")] {
            let build = try #require(files["Sources/\(service)Service/App+build.swift"]).contents
            #expect(build.contains("        HealthService(services: [\n            \(service)_V1_\(service)Service.descriptor,\n"), "\(name): \(service)")
            #expect(package.contains("\"\(service)API\", \"GRPCHealth\", grpcCore, grpcTransport,"))
            let tests = try #require(files["Tests/\(service)ServiceTests/\(service)ServiceTests.swift"]).contents
            #expect(tests.contains("\"\(protoPackage).v1.\(service)Service\""))
        }
    }

    @Test(arguments: V.all.map(\.name))
    func gRPCDeployablesAreProbedOverGRPC(_ name: String) throws {
        let files = try Self.files(name)
        for (path, file) in files where path.hasPrefix("k8s/base/") && file.contents.contains("kind: Deployment") {
            let deployment = file.contents
            let servesGRPC = deployment.contains("- name: GRPC_PORT\n")
            #expect(servesGRPC == (name.contains("grpc") && !path.hasSuffix("/aggregator.yaml")), "\(name): \(path)")
            #expect(deployment.contains("startupProbe:\n            httpGet:\n              path: /health\n              port: http\n"), "\(name): \(path)")
            for probe in ["readinessProbe", "livenessProbe"] {
                let grpc = deployment.contains("\(probe):\n            grpc:\n              port: 9090\n")
                let http = deployment.contains("\(probe):\n            httpGet:\n              path: /health\n")
                #expect(grpc == servesGRPC && http == !servesGRPC, "\(name): \(path) \(probe)")
            }
        }
    }

    @Test func linkerdAuthorizesTheKubeletsGRPCHealthCheckAndTheCallersTheRest() throws {
        let files = try Self.files("mesh-linkerd-grpc-events")
        let inventory = try #require(files["k8s/linkerd/inventory.yaml"]).contents
        let probes = try #require(Self.document("GRPCRoute", "inventory-inbound-grpc-probes", in: inventory))
        #expect(probes.contains("parentRefs:\n    - name: inventory-grpc\n      kind: Server\n      group: policy.linkerd.io\n"))
        #expect(probes.contains("- method:\n            service: grpc.health.v1.Health\n            method: Check\n"))
        let api = try #require(Self.document("GRPCRoute", "inventory-inbound-grpc-api", in: inventory))
        #expect(api.contains("parentRefs:\n    - name: inventory-grpc\n      kind: Server\n"))
        #expect(!api.contains("matches:"), "every other call")
        let allowProbes = try #require(Self.document("AuthorizationPolicy", "inventory-allow-grpc-probes", in: inventory))
        #expect(allowProbes.contains("kind: GRPCRoute\n    name: inventory-inbound-grpc-probes\n"))
        #expect(allowProbes.contains("kind: NetworkAuthentication\n      name: inventory-kubelet\n"))
        let allowCallers = try #require(Self.document("AuthorizationPolicy", "inventory-allow-grpc-callers", in: inventory))
        #expect(allowCallers.contains("kind: GRPCRoute\n    name: inventory-inbound-grpc-api\n"))
        #expect(allowCallers.contains("kind: MeshTLSAuthentication\n      name: inventory-callers\n"))
        #expect(!inventory.contains("kind: Server\n    name: inventory-grpc\n"), "no policy on the whole gRPC Server: the probes would need the callers' identity")
        // The aggregator serves no gRPC: no gRPC Server, no gRPC routes.
        let aggregator = try #require(files["k8s/linkerd/aggregator.yaml"]).contents
        #expect(!aggregator.contains("GRPCRoute") && !aggregator.contains("-grpc\n"))
    }
}
