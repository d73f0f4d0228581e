/// The template layers and flags one request selects: the part of planning that reads the
/// decision, kept apart from rendering so it can be tested and explained on its own.
struct ScaffoldVariant: Equatable {
    enum Architecture: String { case monolith, microservices, serviceMesh = "service_mesh" }
    enum Mesh: String { case istio, linkerd }

    var architecture: Architecture
    var mesh: Mesh?
    var aggregation: Bool
    var grpc: Bool
    var asyncEvents: Bool

    /// Template layers in the order they are applied; a later layer's file replaces an
    /// earlier layer's file with the same output path.
    var layers: [String] {
        var layers = ["common"]
        switch architecture {
        case .monolith:
            layers.append("monolith")
        case .microservices, .serviceMesh:
            layers.append("microservices")
            if aggregation { layers.append("aggregation") }
            if grpc { layers.append("grpc") }
            if let mesh { layers.append(mesh.rawValue) }
        }
        return layers
    }

    /// Optional layers are used when the knowledge base has them and skipped otherwise,
    /// after the required ones: `events`, then the parts of events that depend on the
    /// protocol (`events-rest` or `events-grpc`) and on the mesh (`events-istio`,
    /// `events-linkerd`).
    var optionalLayers: [String] {
        guard architecture != .monolith && asyncEvents else { return [] }
        var layers = ["events", grpc ? "events-grpc" : "events-rest"]
        if let mesh { layers.append("events-" + mesh.rawValue) }
        return layers
    }

    /// Reads the decision values of a request, refusing values no template covers.
    init(_ request: ScaffoldRequest) throws {
        guard let architecture = Architecture(rawValue: request.architecture) else {
            throw ScaffoldError.unsupportedDecision(decision: "architecture", value: request.architecture)
        }
        self.architecture = architecture
        if architecture == .monolith {
            mesh = nil
            aggregation = false
            grpc = false
            asyncEvents = false
            return
        }
        switch request.syncProtocol {
        case nil, "rest": grpc = false
        case "grpc": grpc = true
        case let other?: throw ScaffoldError.unsupportedDecision(decision: "sync_protocol", value: other)
        }
        switch request.aggregation {
        case nil, "none": aggregation = false
        case "aggregation_layer": aggregation = true
        case let other?: throw ScaffoldError.unsupportedDecision(decision: "aggregation", value: other)
        }
        switch request.messaging {
        case nil, "sync_only": asyncEvents = false
        case "async_events": asyncEvents = true
        case let other?: throw ScaffoldError.unsupportedDecision(decision: "messaging", value: other)
        }
        if architecture == .serviceMesh {
            guard let value = request.mesh else {
                throw ScaffoldError.unsupportedDecision(decision: "mesh", value: "null")
            }
            guard let mesh = Mesh(rawValue: value) else {
                throw ScaffoldError.unsupportedDecision(decision: "mesh", value: value)
            }
            self.mesh = mesh
        } else {
            mesh = nil
        }
    }
}
