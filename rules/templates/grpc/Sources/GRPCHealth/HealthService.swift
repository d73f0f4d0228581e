import GRPCCore

/// The standard gRPC health service (`grpc.health.v1.Health`, Protos/grpc/health/v1/health.proto),
/// served beside the API on the gRPC port: Kubernetes' `grpc:` readiness and liveness
/// probes call its `Check`.
///
/// A server that answers at all serves every service it registered, so the statuses are
/// fixed: SERVING for "" (the server as a whole) and for each registered service's full
/// name (`package.Service`); `Check` of any other name fails with NOT_FOUND.
/// `Watch` sends the current status once (SERVICE_UNKNOWN for an unknown name, as the
/// protocol asks) and keeps the stream open, since the status never changes, until gRPC
/// cancels the call (the caller went away, its deadline passed, or the server began
/// shutting down); a watcher retries then, on the next replica.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    let statuses: [String: Status]

    /// - Parameter services: the services the server registers beside this one.
    public init(services: [ServiceDescriptor]) {
        var statuses: [String: Status] = ["": .serving]
        for service in services {
            statuses[service.fullyQualifiedService] = .serving
        }
        statuses[Grpc_Health_V1_Health.descriptor.fullyQualifiedService] = .serving
        self.statuses = statuses
    }

    public func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = statuses[request.service] else {
            throw RPCError(code: .notFound, message: "unknown service: \(request.service)")
        }
        return .with { $0.status = status }
    }

    public func list(
        request: Grpc_Health_V1_HealthListRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthListResponse {
        .with { response in
            for (service, status) in statuses {
                response.statuses[service] = .with { $0.status = status }
            }
        }
    }

    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        try await response.write(.with { $0.status = statuses[request.service] ?? .serviceUnknown })
        // gRPC signals the call's end through its cancellation handle, not the task.
        try? await context.cancellation.cancelled
    }
}
