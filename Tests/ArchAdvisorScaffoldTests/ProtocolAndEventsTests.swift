import ArchAdvisorScaffold
import Foundation
import Testing

/// Issue 5: the generated code follows `sync_protocol` (gRPC contracts and generated code,
/// no REST client), `messaging` (transactional outbox, relay, idempotent consumer,
/// PostgreSQL in compose and Kubernetes) and propagates traces everywhere.
struct ProtocolAndEventsTests {
    typealias V = ScaffoldVariants

    static let grpcVariants = V.all.filter { $0.request.syncProtocol == "grpc" }.map(\.name)
    static let eventVariants = V.all.filter { $0.request.messaging == "async_events" }.map(\.name)
    static let microserviceVariants = V.all.filter { $0.request.architecture != "monolith" }.map(\.name)

    static func plan(_ name: String) throws -> (ScaffoldRequest, [String: PlannedFile]) {
        let request = try #require(V.all.first { $0.name == name }).request
        return (request, try V.plan(request))
    }

    /// Every text the files contain, joined, for "appears nowhere" checks.
    static func everything(_ files: [String: PlannedFile]) -> String {
        files.values.map(\.contents).joined(separator: "\n")
    }

    // MARK: gRPC

    @Test(arguments: grpcVariants)
    func grpcVariantsCarryAContractAndItsGeneratedCodePerService(name: String) throws {
        let (request, files) = try Self.plan(name)
        for service in request.services {
            let package = ScaffoldNames.protoPackageName(service)
            let type = ScaffoldNames.typeName(service)
            let proto = try #require(files["Protos/\(package)/v1/\(package).proto"], "\(service) has no contract")
            #expect(proto.contents.contains("package \(package).v1;"))
            #expect(proto.contents.contains("service \(type)Service {"))
            #expect(proto.contents.contains("rpc GetItem(GetItemRequest) returns (Item);"))
            let messages = try #require(files["Sources/\(type)API/\(package).pb.swift"]).contents
            let grpc = try #require(files["Sources/\(type)API/\(package).grpc.swift"]).contents
            #expect(messages.contains("public nonisolated struct \(type)_V1_Item: Sendable"))
            #expect(messages.contains("fileprivate nonisolated let _protobuf_package = \"\(package).v1\""))
            #expect(grpc.contains("public enum \(type)_V1_\(type)Service: Sendable"))
            #expect(grpc.contains("fullyQualifiedService: \"\(package).v1.\(type)Service\""))
            #expect(grpc.contains("SimpleServiceProtocol"))
            let streams = request.streaming
            #expect(proto.contents.contains("returns (stream Item)") == streams)
            #expect(grpc.contains("func streamItems") == streams)
            #expect(messages.contains("\(type)_V1_StreamItemsRequest") == streams)
            #expect(files["Sources/\(type)Service/\(type)GRPCService.swift"] != nil)
        }
        let package = try #require(files["Package.swift"]).contents
        for dependency in ["grpc-swift-2", "grpc-swift-nio-transport", "grpc-swift-protobuf", "swift-protobuf"] {
            #expect(package.contains("https://github.com/grpc/\(dependency)") || package.contains("https://github.com/apple/\(dependency)"))
        }
        #expect(package.contains("GRPCNIOTransportHTTP2Posix"))
        let script = try #require(files["scripts/generate-grpc.sh"])
        #expect(script.isExecutable)
        #expect(script.contents.contains("--product protoc-gen-grpc-swift-2"))
        #expect(script.contents.contains("protoc -I Protos"))
    }

    @Test(arguments: grpcVariants)
    func grpcVariantsHaveNoRESTClientCode(name: String) throws {
        let (_, files) = try Self.plan(name)
        let text = Self.everything(files)
        for rest in ["AsyncHTTPClient", "async-http-client", "HTTPClient(", "HTTPPartFetcher", "HTTPEventDelivery", "_URL: http"] {
            #expect(!text.contains(rest), "\(name) still has \(rest)")
        }
        if let fetcher = files["Sources/AggregatorService/PartFetcher.swift"]?.contents {
            #expect(fetcher.contains("struct GRPCPartFetcher"))
            #expect(fetcher.contains("options.waitForReady = false"))
        }
    }

    @Test func restVariantsHaveNoGRPC() throws {
        for name in ["microservices", "microservices-events", "mesh-linkerd-events"] {
            let (_, files) = try Self.plan(name)
            #expect(!files.keys.contains { $0.hasPrefix("Protos/") || $0.contains("API/") || $0 == "scripts/generate-grpc.sh" })
            #expect(!Self.everything(files).contains("GRPCCore"), "\(name) imports gRPC")
        }
    }

    @Test func namesWithDashesBecomeProtoPackagesAndSwiftPrefixes() throws {
        var request = V.request("microservices", services: ["catalog", "order-history"], syncProtocol: "grpc")
        request.streaming = true
        let files = try V.plan(request)
        let proto = try #require(files["Protos/order_history/v1/order_history.proto"]).contents
        #expect(proto.contains("package order_history.v1;"))
        #expect(proto.contains("service OrderHistoryService {"))
        let grpc = try #require(files["Sources/OrderHistoryAPI/order_history.grpc.swift"]).contents
        #expect(grpc.contains("public static let orderHistory_v1_OrderHistoryService = GRPCCore.ServiceDescriptor"))
        #expect(grpc.contains("OrderHistory_V1_GetItemRequest"))
        #expect(!grpc.contains("order-history"))
        let fetcher = try #require(files["Sources/AggregatorService/PartFetcher.swift"]).contents
        #expect(fetcher.contains("OrderHistory_V1_OrderHistoryService.Client(wrapping: client).getItem"))
        let compose = try #require(files["compose.yaml"]).contents
        #expect(compose.contains("ORDER_HISTORY_GRPC_TARGET: order-history:9090"))
        #expect(compose.contains("\"127.0.0.1:9082:9090\""))
    }

    @Test func grpcManifestsExposeTheGRPCPort() throws {
        let (_, istio) = try Self.plan("mesh-istio-grpc-events")
        let product = try #require(istio["k8s/base/product.yaml"]).contents
        #expect(product.contains("- name: grpc\n              containerPort: 9090"))
        #expect(product.contains("appProtocol: grpc"))
        #expect(try #require(istio["k8s/base/aggregator.yaml"]).contents.contains("value: product.shop.svc.cluster.local:9090"))
        let route = try #require(istio["k8s/istio/product.yaml"]).contents
        #expect(route.contains("- port: 9090"))
        #expect(route.contains("exact: /product.v1.ProductService/GetItem"))
        #expect(route.contains("retryOn: unavailable,connect-failure,refused-stream"), "reads retried when the service was unavailable")
        #expect(!route.contains("resource-exhausted"), "a service shedding load is not retried")
        #expect(!(try #require(istio["k8s/istio/aggregator.yaml"]).contents.contains("- port: 9090")))
        let (_, linkerd) = try Self.plan("mesh-linkerd-grpc-events")
        let policy = try #require(linkerd["k8s/linkerd/inventory.yaml"]).contents
        for text in ["name: inventory-grpc\n", "proxyProtocol: gRPC", "kind: GRPCRoute\n", "retry.linkerd.io/grpc: unavailable",
                     "name: inventory-allow-grpc-callers"] {
            #expect(policy.contains(text), "inventory lacks \(text)")
        }
        let dockerfile = try #require(istio["Dockerfile"]).contents
        #expect(dockerfile.contains("EXPOSE 8080 9090"))
    }

    // MARK: Events

    @Test(arguments: eventVariants)
    func eventVariantsHaveATransactionalOutboxAndAnIdempotentConsumer(name: String) throws {
        let (request, files) = try Self.plan(name)
        let store = try #require(files["Sources/Eventing/PostgresEventStore.swift"]).contents
        for sql in ["CREATE TABLE IF NOT EXISTS outbox", "traceparent text", "CREATE TABLE IF NOT EXISTS processed_events",
                    "event_id text PRIMARY KEY", "FOR UPDATE SKIP LOCKED", "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                    "client.withTransaction",
                    // Claims with a lease, outcomes guarded by the claim, dead letters, retention.
                    "claimed_by text", "claimed_until timestamptz", "dead_at timestamptz", "last_error text", "tracestate text",
                    "UPDATE outbox SET claimed_by = \\(owner), claimed_until = now() + make_interval",
                    "WHERE sequence = \\(sequence) AND claimed_by = \\(owner)", "DELETE FROM processed_events WHERE event_id IN (",
                    "WHERE dead_at IS NOT NULL AND destination"] {
            #expect(store.contains(sql), "\(name): the store lacks \(sql)")
        }
        // The relay holds no transaction across deliveries: the claim is one autocommit
        // statement (client.query), and only create and processOnce open transactions (prepare's
        // is the Migrator's).
        #expect(store.components(separatedBy: "client.withTransaction").count - 1 == 2, "\(name): create, processOnce")
        #expect(!store.contains("func relay("))
        #expect(files["Sources/Eventing/InMemoryEventStore.swift"] != nil)
        let relay = try #require(files["Sources/Eventing/OutboxRelay.swift"]).contents
        for text in ["RELAY_DELIVER_TWICE", "RELAY_DELIVERY_TIMEOUT_MS", "RELAY_LEASE_MS", "RELAY_MAX_ATTEMPTS", "RELAY_BACKOFF_CAP_MS",
                     "outbox_dead_letters_total", "\"outbox_rows\"", "PROCESSED_EVENTS_RETENTION_SECONDS", "OUTBOX_RETENTION_SECONDS",
                     "group.addTask { await work(for: destination) }", "public struct EventRetention: Service"] {
            #expect(relay.contains(text), "\(name): OutboxRelay.swift lacks \(text)")
        }
        #expect(files["Tests/EventingTests/EventingTests.swift"] != nil)
        let dbTests = try #require(files["Tests/EventingTests/PostgresEventStoreTests.swift"]).contents
        #expect(dbTests.contains(#".enabled(if: ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] != nil"#))
        #expect(dbTests.contains("'idle in transaction%'"))
        #expect(try #require(files["Package.swift"]).contents.contains(#".testTarget(name: "EventingTests", dependencies: ["Eventing", "Storage", postgres"#))
        #expect(try #require(files["Package.swift"]).contents.contains("https://github.com/vapor/postgres-nio"))

        // The first service publishes; the others consume.
        let publisher = request.services[0]
        let publisherType = ScaffoldNames.typeName(publisher)
        let repository = try #require(files["Sources/\(publisherType)Service/\(publisherType)Repository.swift"]).contents
        #expect(repository.contains("DomainEvent(type: \"\(publisher).created\""))
        #expect(repository.contains("publishing: event, to: Self.consumers, trace: TraceContext.current"))
        let grpc = request.syncProtocol == "grpc"
        #expect((files["Sources/Eventing/GRPCEventDelivery.swift"] != nil) == grpc)
        #expect((files["Sources/Eventing/HTTPEventDelivery.swift"] != nil) == !grpc)
        #expect((files["Protos/eventing/delivery/v1/delivery.proto"] != nil) == grpc)
        for consumer in request.services.dropFirst() {
            let type = ScaffoldNames.typeName(consumer)
            let app = try #require(files["Sources/\(type)Service/App+build.swift"]).contents
            #expect(app.contains(grpc ? "EventConsumerService(inbox: inbox)" : #"router.post("/events")"#), "\(consumer) consumes nothing")
        }

        // The outbox and the processed events live in each service's own database, migrated
        // under the advisory lock like the items.
        #expect(store.contains("Migrator.migrate(Self.migrations, component: service"))
        let compose = try #require(files["compose.yaml"]).contents
        #expect(compose.contains("DATABASE_URL: postgres://\(request.services[1]):${\(request.services[1].uppercased())_DB_PASSWORD:-\(request.services[1])-local}@postgres:5432/\(request.services[1])?sslmode=disable"))
        #expect(compose.contains("RELAY_MAX_ATTEMPTS: \"10\""))
        #expect(compose.contains("PROCESSED_EVENTS_RETENTION_SECONDS: \"1209600\""))
        let postgres = try #require(files["k8s/base/postgres.yaml"]).contents
        for kind in ["ServiceAccount", "ConfigMap", "StatefulSet", "Service"] {
            #expect(postgres.contains("kind: \(kind)\n"))
        }
        #expect(postgres.contains("readOnlyRootFilesystem: true"))
        let readme = try #require(files["README.md"]).contents
        for text in ["### Swapping in a broker (Kafka, RabbitMQ, SQS)", "transactional outbox", "processed_events", "RELAY_DELIVER_TWICE",
                     "dead letter", "outside any transaction", "PROCESSED_EVENTS_RETENTION_SECONDS", "TEST_DATABASE_URL"] {
            #expect(readme.lowercased().contains(text.lowercased()), "\(name): README lacks \(text)")
        }
        // The relay's calls to consumers are allowed by the mesh.
        if request.mesh == "istio" {
            #expect(try #require(files["k8s/istio/inventory.yaml"]).contents.contains("- cluster.local/ns/shop/sa/product\n"))
            #expect(try #require(files["k8s/istio/postgres.yaml"]).contents.contains("- cluster.local/ns/shop/sa/reviews"))
        }
        if request.mesh == "linkerd" {
            #expect(try #require(files["k8s/linkerd/inventory.yaml"]).contents.contains("- kind: ServiceAccount\n      name: product"))
            #expect(try #require(files["k8s/linkerd/postgres.yaml"]).contents.contains("proxyProtocol: opaque"))
        }
    }

    @Test func syncOnlyVariantsHaveNoEventMachinery() throws {
        for name in ["microservices", "mesh-istio", "microservices-grpc"] {
            let (_, files) = try Self.plan(name)
            #expect(!files.keys.contains { $0.hasPrefix("Sources/Eventing") || $0.hasPrefix("Tests/EventingTests") })
            for (path, file) in files where path.hasSuffix(".yaml") || path == "Package.swift" {
                #expect(!file.contents.contains("RELAY_") && !file.contents.contains("Eventing"), "\(name): \(path) carries the outbox")
            }
        }
    }

    @Test func theAggregatorPlacesItemsOnlyWithEvents() throws {
        let (_, events) = try Self.plan("mesh-istio-grpc-events")
        let router = try #require(events["Sources/AggregatorService/App+build.swift"]).contents
        #expect(router.contains(#"router.post("/product")"#))
        #expect(try #require(events["k8s/base/gateway.yaml"]).contents.contains("type: Exact\n            value: /product\n          method: POST"))
        let (_, plain) = try Self.plan("microservices-grpc")
        #expect(!(try #require(plain["Sources/AggregatorService/App+build.swift"]).contents.contains("router.post")))
    }

    @Test func aLoneServicePublishesToItself() throws {
        let files = try V.plan(V.request("microservices", aggregation: false, services: ["orders"], messaging: "async_events"))
        let repository = try #require(files["Sources/OrdersService/OrdersRepository.swift"]).contents
        #expect(repository.contains(#"static let consumers = ["orders"]"#))
        #expect(try #require(files["Sources/OrdersService/App+build.swift"]).contents.contains(#"router.post("/events")"#))
    }

    // MARK: Tracing, logs, metrics

    @Test(arguments: microserviceVariants)
    func everyDeployableTracesLogsAndCountsAndPropagatesTraceparent(name: String) throws {
        let (request, files) = try Self.plan(name)
        let traceContext = try #require(files["Sources/Observability/TraceContext.swift"]).contents
        #expect(traceContext.contains("public var traceparent: String"))
        #expect(traceContext.contains("public var tracestate: String?"))
        #expect(traceContext.contains("public init(incoming traceparent: String?, tracestate: String? = nil, requestID: String?)"))
        // Spans: swift-distributed-tracing, exported over OTLP/HTTP by swift-otel behind the
        // OTLPExport trait (on by default).
        let spans = try #require(files["Sources/Observability/Spans.swift"]).contents
        #expect(spans.contains("#if OTLPExport\nimport OTel\n#endif"))
        #expect(spans.contains("try OTel.bootstrap(configuration: configuration, environment: environment)"))
        #expect(spans.contains("tracing = TracingMiddleware("))
        let package = try #require(files["Package.swift"]).contents
        #expect(package.contains(#".default(enabledTraits: ["OTLPExport"])"#))
        #expect(package.contains(#"condition: .when(traits: ["OTLPExport"])"#))
        #expect(package.contains(#".package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"])"#))
        #expect(try #require(files["k8s/base/otel.yaml"]).contents.contains("OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector."))
        #expect(files["Sources/Observability/JSONLogHandler.swift"] != nil)
        #expect(files["Tests/ObservabilityTests/ObservabilityTests.swift"] != nil)
        var targets = request.services.map { ScaffoldNames.typeName($0) + "Service" }
        if request.aggregation == "aggregation_layer" { targets.append("AggregatorService") }
        for target in targets {
            let app = try #require(files["Sources/\(target)/App.swift"]).contents
            #expect(app.contains("JSONLogHandler.bootstrap("), "\(target) does not log JSON")
            #expect(app.contains("ServiceMetrics.bootstrap(registry)"), "\(target) has no metrics")
            #expect(app.contains("let exporter = TraceExport.bootstrap(service: "), "\(target) exports no spans")
            #expect(app.contains("try await app.run(exporting: exporter)"), "\(target) does not run its span exporter")
            #expect(!app.contains("runService()"), "\(target) runs without its span exporter")
            let build = try #require(files["Sources/\(target)/App+build.swift"]).contents
            #expect(build.contains("router.add(middleware: ServerSpanMiddleware())\n    router.add(middleware: RequestTracingMiddleware())"),
                    "\(target) makes no server spans, or not before the request middleware")
            #expect(build.contains("ServiceMetrics.addRoute(to: router, registry: registry)"), "\(target) has no /metrics")
        }
        let grpc = request.syncProtocol == "grpc"
        if grpc {
            let interceptors = try #require(files["Sources/Observability/GRPCTracing.swift"]).contents
            #expect(interceptors.contains("OutgoingCall.withClientSpan(method"))
            #expect(interceptors.contains("request.metadata.replaceOrAddString(header.value, forKey: header.name)"))
            #expect(interceptors.contains("InstrumentationSystem.tracer.startSpan(method, context: serviceContext, ofKind: .server)"))
            // Every client (GRPCTarget.makeClient, used by the aggregator and the relay) traces.
            #expect(try #require(files["Sources/Observability/GRPCLifecycle.swift"]).contents
                .contains("interceptors: [ClientTracingInterceptor(logger: logger)])"))
            for target in request.services.map({ ScaffoldNames.typeName($0) + "Service" }) {
                #expect(try #require(files["Sources/\(target)/App+build.swift"]).contents
                    .contains("interceptors: [ServerTracingInterceptor(logger: logger)]"))
            }
        }
        if request.aggregation == "aggregation_layer" {
            let main = try #require(files["Sources/AggregatorService/App.swift"]).contents
            let fetcher = try #require(files["Sources/AggregatorService/PartFetcher.swift"]).contents
            if grpc {
                #expect(main.contains("try GRPCTarget.makeClient(target: target, logger: logger)"))
            } else {
                #expect(fetcher.contains("OutgoingCall.withClientSpan(operation, attributes: attributes)"))
                #expect(fetcher.contains("request.headers.replaceOrAdd(name: header.name, value: header.value)"))
                // AsyncHTTPClient's own spans (and headers) are off: one span per call.
                #expect(main.contains("clientConfiguration.tracing.tracer = nil"))
            }
        }
        if request.messaging == "async_events" {
            let relay = try #require(files["Sources/Eventing/OutboxRelay.swift"]).contents
            #expect(relay.contains("TraceContext(incoming: entry.traceparent, tracestate: entry.tracestate, requestID: entry.requestID)"))
            if grpc {
                #expect(try #require(files["Sources/Eventing/GRPCEventDelivery.swift"]).contents
                    .contains(#"metadata.addString(tracestate, forKey: "tracestate")"#))
                let publisher = ScaffoldNames.typeName(request.services[0]) + "Service"
                #expect(try #require(files["Sources/\(publisher)/App.swift"]).contents
                    .contains("try GRPCTarget.makeClient(target: target, logger: logger)"))
            } else {
                let delivery = try #require(files["Sources/Eventing/HTTPEventDelivery.swift"]).contents
                // A client span of its own; its traceparent, tracestate and request id on the request.
                #expect(delivery.contains(#"OutgoingCall.withClientSpan("POST \(destination) /events")"#))
                #expect(delivery.contains("for header in OutgoingCall.headers(call) {\n                request.headers.replaceOrAdd(name: header.name, value: header.value)"))
            }
        }
        let readme = try #require(files["README.md"]).contents
        #expect(readme.contains("## Logs, traces and metrics"))
        Self.expectScrapeAnnotations(files, deployables: targets.count)
    }

    /// Every Deployment's pod template asks Prometheus to scrape /metrics on the http port.
    static func expectScrapeAnnotations(_ files: [String: PlannedFile], deployables: Int) {
        let manifests = files.values.filter {
            $0.path.hasPrefix("k8s/base/") && $0.path.split(separator: "/").count == 3 && $0.contents.contains("kind: Deployment")
        }
        #expect(manifests.count == deployables)
        let annotations = [
            "      annotations:",
            "        prometheus.io/scrape: \"true\"",
            "        prometheus.io/port: \"8080\"",
            "        prometheus.io/path: /metrics",
        ]
        for manifest in manifests {
            let lines = manifest.contents.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("        #") }
            let start = lines.firstIndex(of: annotations[0])
            #expect(start.map { Array(lines[$0..<min($0 + 4, lines.count)]) } == annotations, "\(manifest.path)")
        }
    }

    @Test func theMonolithLogsJSONTracesRequestsAndServesMetrics() throws {
        let (_, files) = try Self.plan("monolith")
        #expect(files["Sources/Observability/TraceContext.swift"] != nil)
        #expect(files["Sources/Observability/JSONLogHandler.swift"] != nil)
        #expect(files["Tests/ObservabilityTests/ObservabilityTests.swift"] != nil)
        let main = try #require(files["Sources/App/App.swift"]).contents
        #expect(main.contains("JSONLogHandler.bootstrap("))
        #expect(main.contains("ServiceMetrics.bootstrap(registry)"))
        #expect(main.contains("let exporter = TraceExport.bootstrap(service: \"shop\")"))
        #expect(main.contains("try await app.run(exporting: exporter)"))
        #expect(files["Sources/Observability/Spans.swift"] != nil)
        let build = try #require(files["Sources/App/App+build.swift"]).contents
        #expect(build.contains("router.add(middleware: ServerSpanMiddleware())\n    router.add(middleware: RequestTracingMiddleware())"))
        #expect(build.contains("router.add(middleware: MetricsMiddleware())"))
        #expect(build.contains("ServiceMetrics.addRoute(to: router, registry: registry)"))
        let package = try #require(files["Package.swift"]).contents
        #expect(package.contains(#".target(name: "Observability""#))
        #expect(package.contains(#"https://github.com/swift-server/swift-prometheus"#))
        #expect(package.contains(#".default(enabledTraits: ["OTLPExport"])"#))
        #expect(package.contains(#"condition: .when(traits: ["OTLPExport"])"#))
        #expect(try #require(files["README.md"]).contents.contains("## Logs, traces and metrics"))
        Self.expectScrapeAnnotations(files, deployables: 1)
        // No gRPC and no events in a monolith: one process, in-process calls.
        #expect(!files.keys.contains { $0.contains("GRPC") || $0.contains("Eventing") || $0.hasPrefix("Protos/") })
    }

    @Test func theMaintainerScriptPinsTheVersionsTheProjectsUse() throws {
        let script = try String(contentsOf: V.templatesDirectory
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/regenerate-grpc-templates.sh"), encoding: .utf8)
        let package = try #require(V.plan(V.request("microservices", syncProtocol: "grpc"))["Package.swift"]).contents
        for (variable, url) in [("swift_protobuf_version", "https://github.com/apple/swift-protobuf"),
                                ("grpc_swift_protobuf_version", "https://github.com/grpc/grpc-swift-protobuf"),
                                ("grpc_swift_version", "https://github.com/grpc/grpc-swift-2")] {
            let line = try #require(script.split(separator: "\n").first { $0.hasPrefix(variable + "=") })
            let version = line.dropFirst(variable.count + 1)
            #expect(package.contains(#".package(url: "\#(url)", from: "\#(version)")"#), "\(variable) differs from Package.swift")
        }
    }
}
