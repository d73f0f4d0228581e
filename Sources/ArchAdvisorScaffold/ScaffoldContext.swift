/// The values templates can use, built once per request.
///
/// Everything a template needs is computed here (names in every spelling, ports, who may
/// call whom, `isLast` for separators), so the templates stay logic-less. The keys are
/// documented in `rules/templates/README.md`; adding keys is compatible, renaming is not.
struct ScaffoldContext {
    /// Values every template sees.
    var top: [String: Any]
    /// One entry per domain service, for paths with `{{service}}` placeholders.
    var services: [[String: Any]]
    /// One entry per deployable unit, for paths with `{{deployable}}` placeholders.
    var deployables: [[String: Any]]

    static let entryPort = 8080
    static let firstServicePort = 8081
    static let firstServiceGRPCPort = 9081
    static let grpcContainerPort = 9090
    static let postgresPort = 5432
    static let aggregatorName = "aggregator"

    init(request: ScaffoldRequest, variant: ScaffoldVariant) {
        let monolith = variant.architecture == .monolith
        let project = request.projectName
        let names = request.services

        // Async events: the first service publishes (`<first>.created` when an item is
        // created); every other service consumes. A lone service consumes its own events.
        let events = variant.asyncEvents
        let consumerNames = names.count == 1 ? names : Array(names.dropFirst())
        services = names.enumerated().map { index, name in
            let type = ScaffoldNames.typeName(name)
            return [
                "service": name,
                "Service": type,
                "SERVICE": ScaffoldNames.environmentName(name),
                "serviceTarget": type + (monolith ? "Module" : "Service"),
                "serviceTestTarget": type + (monolith ? "ModuleTests" : "ServiceTests"),
                "serviceAPITarget": type + "API",
                "protoPackage": ScaffoldNames.protoPackageName(name),
                "serviceIdentifier": type.prefix(1).lowercased() + type.dropFirst(),
                "serviceDatabase": ScaffoldNames.protoPackageName(name),
                "serviceLocalPort": monolith ? Self.entryPort : Self.firstServicePort + index,
                "serviceGRPCLocalPort": Self.firstServiceGRPCPort + index,
                "servicePublishes": events && index == 0,
                "serviceConsumes": events && consumerNames.contains(name),
                "isFirst": index == 0,
                "isLast": index == names.count - 1,
            ]
        }
        let consumers = services.filter { $0["serviceConsumes"] as? Bool == true }

        var units: [Unit] = []
        if monolith {
            units.append(Unit(name: project, target: "App", binary: project, localPort: Self.entryPort,
                              isEntry: true, isAggregator: false, hasDatabase: true, callers: []))
        } else {
            if variant.aggregation {
                units.append(Unit(name: Self.aggregatorName, target: "AggregatorService",
                                  binary: Self.aggregatorName, localPort: Self.entryPort,
                                  isEntry: true, isAggregator: true, hasDatabase: false, callers: []))
            }
            for (index, name) in names.enumerated() {
                var callers = variant.aggregation ? [Self.aggregatorName] : []
                // The publisher's outbox relay delivers events to every consumer.
                if events, consumerNames.contains(name), let publisher = names.first, !callers.contains(publisher) {
                    callers.append(publisher)
                }
                units.append(Unit(
                    name: name, target: ScaffoldNames.typeName(name) + "Service", binary: name,
                    localPort: Self.firstServicePort + index, isEntry: !variant.aggregation,
                    isAggregator: false, hasDatabase: true, callers: callers,
                    grpcLocalPort: variant.grpc ? Self.firstServiceGRPCPort + index : nil,
                    publishes: events && index == 0, consumes: events && consumerNames.contains(name)))
            }
        }
        deployables = units.enumerated().map { index, unit in
            unit.context(isFirst: index == 0, isLast: index == units.count - 1)
        }

        let detailsPath = "\(names.first ?? "product")-details"
        let entry = units.first(where: \.isEntry)
        top = [
            "project": project,
            "Project": ScaffoldNames.typeName(project),
            "PROJECT": ScaffoldNames.environmentName(project),
            "namespace": project,
            "architecture": request.architecture,
            "architectureLabel": Self.label(of: variant.architecture),
            "monolith": monolith,
            "microservices": !monolith,
            "serviceMesh": variant.architecture == .serviceMesh,
            "plainMicroservices": variant.architecture == .microservices,
            "mesh": variant.mesh?.rawValue ?? "",
            "istio": variant.mesh == .istio,
            "linkerd": variant.mesh == .linkerd,
            "aggregation": variant.aggregation,
            "noAggregation": !monolith && !variant.aggregation,
            "aggregator": Self.aggregatorName,
            "aggregatorTarget": "AggregatorService",
            "detailsPath": detailsPath,
            "rest": !variant.grpc,
            "grpc": variant.grpc,
            "restEvents": !variant.grpc && variant.asyncEvents,
            "grpcEvents": variant.grpc && variant.asyncEvents,
            "streaming": variant.grpc && request.streaming,
            "noStreaming": !(variant.grpc && request.streaming),
            "asyncEvents": variant.asyncEvents,
            "syncOnly": !variant.asyncEvents,
            "publisher": events ? (names.first ?? "") : "",
            "Publisher": events ? ScaffoldNames.typeName(names.first ?? "") : "",
            "PUBLISHER": events ? ScaffoldNames.environmentName(names.first ?? "") : "",
            "eventType": "\(names.first ?? "item").created",
            "consumers": events ? consumers : [],
            "hasConsumers": events && !consumers.isEmpty,
            "postgres": "postgres",
            "postgresImage": "postgres:16-alpine",
            "postgresLocalPort": Self.postgresPort,
            "services": services,
            "deployables": deployables,
            "serviceCount": names.count,
            "deployableCount": units.count,
            "firstService": names.first ?? "",
            "entry": entry?.name ?? "",
            "entryLocalPort": entry?.localPort ?? Self.entryPort,
            "containerPort": 8080,
            "grpcContainerPort": Self.grpcContainerPort,
            "runAsUser": 10001,
            "appVersion": "0.1.0",
            "swiftToolsVersion": "6.1",
            "swiftImage": "swift:6.3-noble",
            "runtimeImage": "ubuntu:24.04",
            "hummingbirdVersion": "2.28.1",
            "asyncHTTPClientVersion": "1.37.0",
            "swiftLogVersion": "1.16.2",
            "swiftMetricsVersion": "2.13.0",
            "prometheusVersion": "2.4.1",
            "grpcSwiftVersion": "2.4.3",
            "grpcNIOTransportVersion": "2.9.2",
            "grpcProtobufVersion": "2.4.1",
            "swiftProtobufVersion": "1.39.0",
            "postgresNIOVersion": "1.33.2",
            "swiftDistributedTracingVersion": "1.7.3",
            "swiftOTelVersion": "1.6.0",
            "imageRegistry": "registry.example.com/\(request.projectName)",
            "gatewayName": "\(request.projectName)-gateway",
            "gatewayClassName": variant.mesh == .istio ? "istio" : "eg",
            "ingressHost": "\(request.projectName).example.com",
            "ingressTLSSecret": "\(request.projectName)-tls",
            "monitoringNamespace": "monitoring",
            "why": request.why,
            "hasWhy": !request.why.isEmpty,
            "answersFile": request.answersFile,
            "decisionRecord": request.decisionRecord,
            "hasDecisionRecord": !request.decisionRecord.isEmpty,
            "diagram": request.diagram,
            "hasDiagram": !request.diagram.isEmpty,
        ]
        top.merge(ResilienceBudget(fansOut: variant.aggregation).context) { _, budget in budget }
    }

    /// The top values with one item's values laid over them.
    func merged(with item: [String: Any]) -> [String: Any] {
        top.merging(item) { _, new in new }
    }

    private struct Unit {
        var name: String
        var target: String
        var binary: String
        var localPort: Int
        var isEntry: Bool
        var isAggregator: Bool
        var hasDatabase: Bool
        var callers: [String]
        /// The gRPC port on 127.0.0.1 when the deployable serves gRPC.
        var grpcLocalPort: Int? = nil
        var publishes = false
        var consumes = false

        func context(isFirst: Bool, isLast: Bool) -> [String: Any] {
            [
                "deployable": name,
                "Deployable": ScaffoldNames.typeName(name),
                "DEPLOYABLE": ScaffoldNames.environmentName(name),
                "deployableTarget": target,
                "deployableBinary": binary,
                "deployableLocalPort": localPort,
                "deployableIsEntry": isEntry,
                "deployableIsAggregator": isAggregator,
                "deployableIsService": !isAggregator,
                "deployableHasDatabase": hasDatabase,
                "deployableCallers": callers.map { ["caller": $0] },
                "deployableHasCallers": !callers.isEmpty,
                "deployableServesGRPC": grpcLocalPort != nil,
                "deployableGRPCLocalPort": grpcLocalPort ?? 0,
                "deployablePublishes": publishes,
                "deployableConsumes": consumes,
                // Broker-neutral: the broker layer's slots configure this deployable.
                "deployableUsesBroker": publishes || consumes,
                "deployableDatabase": ScaffoldNames.protoPackageName(name),
                "deployableProtoPackage": ScaffoldNames.protoPackageName(name),
                "isFirst": isFirst,
                "isLast": isLast,
            ]
        }
    }

    private static func label(of architecture: ScaffoldVariant.Architecture) -> String {
        switch architecture {
        case .monolith: return "modular monolith"
        case .microservices: return "microservices"
        case .serviceMesh: return "microservices with a service mesh"
        }
    }
}
