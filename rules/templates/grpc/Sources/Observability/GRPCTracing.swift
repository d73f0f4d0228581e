import GRPCCore
import Logging
import Metrics

/// The server side of tracing for gRPC: continues the caller's trace from the
/// `traceparent` metadata (or starts one), makes it ``TraceContext/current`` while the
/// call is handled (streamed answers included), and writes one structured log line and
/// one `grpc_server_calls_total` count per call.
public struct ServerTracingInterceptor: ServerInterceptor {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let trace = TraceContext(
            incoming: request.metadata[stringValues: TraceHeaders.traceparent].first(where: { _ in true }),
            requestID: request.metadata[stringValues: TraceHeaders.requestID].first(where: { _ in true }))
        let method = context.descriptor.fullyQualifiedMethod
        let start = ContinuousClock.now
        let logger = logger
        return try await TraceContext.$current.withValue(trace) {
            var response: StreamingServerResponse<Output>
            do {
                response = try await next(request, context)
            } catch {
                Self.finish(logger, method: method, since: start, error: error)
                throw error
            }
            switch response.accepted {
            case .success(var contents):
                // The answer is written after this returns: keep the trace for that too.
                let producer = contents.producer
                contents.producer = { writer in
                    try await TraceContext.$current.withValue(trace) {
                        do {
                            let trailers = try await producer(writer)
                            Self.finish(logger, method: method, since: start, error: nil)
                            return trailers
                        } catch {
                            Self.finish(logger, method: method, since: start, error: error)
                            throw error
                        }
                    }
                }
                response.accepted = .success(contents)
            case .failure(let error):
                Self.finish(logger, method: method, since: start, error: error)
            }
            return response
        }
    }

    static func finish(_ logger: Logger, method: String, since start: ContinuousClock.Instant, error: (any Error)?) {
        let code = error.map(statusCode) ?? "ok"
        Counter(label: "grpc_server_calls_total", dimensions: [("method", method), ("code", code)]).increment()
        var metadata: Logger.Metadata = [
            "rpc": .string(method),
            "code": .string(code),
            "duration_ms": .stringConvertible(milliseconds(ContinuousClock.now - start)),
        ]
        if let error { metadata["error"] = .string("\(error)") }
        logger.log(level: error == nil ? .info : .warning, "rpc", metadata: metadata)
    }
}

/// The client side: sends a child of ``TraceContext/current`` as `traceparent` (and the
/// request id as `x-request-id`) on every call, logs it, and counts
/// `grpc_client_calls_total`. The log line carries the caller's span as `span_id` and the
/// call's own span as `call_span_id`, which the callee logs as its `parent_span_id`.
public struct ClientTracingInterceptor: ClientInterceptor {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        let call = TraceContext.forOutgoingCall()
        var request = request
        request.metadata.replaceOrAddString(call.traceparent, forKey: TraceHeaders.traceparent)
        request.metadata.replaceOrAddString(call.requestID, forKey: TraceHeaders.requestID)
        let method = context.descriptor.fullyQualifiedMethod
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            let code: String
            switch response.accepted {
            case .success: code = "ok"
            case .failure(let error): code = statusCode(error)
            }
            Counter(label: "grpc_client_calls_total", dimensions: [("method", method), ("code", code)]).increment()
            logger.debug("rpc call", metadata: [
                "rpc": .string(method), "code": .string(code), "call_span_id": .string(call.spanID),
                "duration_ms": .stringConvertible(milliseconds(ContinuousClock.now - start)),
            ])
            return response
        } catch {
            Counter(label: "grpc_client_calls_total", dimensions: [("method", method), ("code", statusCode(error))]).increment()
            logger.warning("rpc call failed", metadata: [
                "rpc": .string(method), "call_span_id": .string(call.spanID), "error": .string("\(error)"),
            ])
            throw error
        }
    }
}

/// The gRPC status code name of an error (`not_found`, `unavailable`...).
func statusCode(_ error: any Error) -> String {
    if let error = error as? RPCError { return "\(error.code)" }
    if let error = error as? any RPCErrorConvertible { return "\(error.rpcErrorCode)" }
    return "unknown"
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds / 1_000_000_000_000) / 1000
}
