/// The flags one request selects: the part of planning that reads the decision (and
/// refuses values no template covers), kept apart from rendering. Which template layers
/// apply is data: `rules/templates/layers.yaml`, read by ``ScaffoldPlanner``.
struct ScaffoldVariant: Equatable {
    enum Architecture: String { case monolith, microservices, serviceMesh = "service_mesh" }
    enum Mesh: String { case istio, linkerd }

    var architecture: Architecture
    var mesh: Mesh?
    var aggregation: Bool
    var grpc: Bool
    var asyncEvents: Bool

    /// The decided values the conditions of `layers.yaml` read (decision id to option),
    /// normalised: a monolith has only `architecture`, a REST default fills a missing
    /// `sync_protocol`, and `mesh` is set only for `service_mesh`.
    var decided: [String: String] {
        var values = ["architecture": architecture.rawValue]
        guard architecture != .monolith else { return values }
        values["sync_protocol"] = grpc ? "grpc" : "rest"
        values["messaging"] = asyncEvents ? "async_events" : "sync_only"
        values["aggregation"] = aggregation ? "aggregation_layer" : "none"
        if let mesh { values["mesh"] = mesh.rawValue }
        return values
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
