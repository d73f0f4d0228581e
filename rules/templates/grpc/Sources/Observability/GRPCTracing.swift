import GRPCCore
import Logging
import Metrics
import Tracing

/// The server side of tracing for gRPC: one server span per call (swift-distributed-tracing,
/// exported when ``TraceExport`` installed a tracer) continuing the caller's `traceparent`
/// and `tracestate` metadata, made ``TraceContext/current`` (with the span's ids) while the
/// call is handled, streamed answers included; one structured log line and one
/// `grpc_server_calls_total` count per call. Without a tracer the trace is continued from
/// the metadata by ``TraceContext`` alone.
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
        let method = context.descriptor.fullyQualifiedMethod
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.metadata, into: &serviceContext, using: MetadataExtractor())
        let span = InstrumentationSystem.tracer.startSpan(method, context: serviceContext, ofKind: .server)
        span.attributes["rpc.system"] = "grpc"
        span.attributes["rpc.method"] = method
        let spanBox = SpanBox(span)
        let start = ContinuousClock.now
        let logger = logger
        return try await ServiceContext.withValue(span.context) {
            let trace = TraceContext(
                incoming: request.metadata[stringValues: TraceHeaders.traceparent].first(where: { _ in true }),
                tracestate: request.metadata[stringValues: TraceHeaders.tracestate].first(where: { _ in true }),
                requestID: request.metadata[stringValues: TraceHeaders.requestID].first(where: { _ in true })
            ).adoptingCurrentSpan()
            return try await TraceContext.$current.withValue(trace) {
                var response: StreamingServerResponse<Output>
                do {
                    response = try await next(request, context)
                } catch {
                    Self.finish(logger, method: method, since: start, error: error, span: spanBox)
                    throw error
                }
                switch response.accepted {
                case .success(var contents):
                    // The answer is written after this returns: keep the trace (and the
                    // span open) for that too.
                    let producer = contents.producer
                    contents.producer = { writer in
                        try await ServiceContext.withValue(spanBox.span.context) {
                            try await TraceContext.$current.withValue(trace) {
                                do {
                                    let trailers = try await producer(writer)
                                    Self.finish(logger, method: method, since: start, error: nil, span: spanBox)
                                    return trailers
                                } catch {
                                    Self.finish(logger, method: method, since: start, error: error, span: spanBox)
                                    throw error
                                }
                            }
                        }
                    }
                    response.accepted = .success(contents)
                case .failure(let error):
                    Self.finish(logger, method: method, since: start, error: error, span: spanBox)
                }
                return response
            }
        }
    }

    static func finish(_ logger: Logger, method: String, since start: ContinuousClock.Instant, error: (any Error)?, span: SpanBox) {
        let code = error.map(statusCode) ?? "ok"
        span.span.attributes["rpc.grpc.status_code"] = code
        if let error {
            span.span.recordError(error)
            span.span.setStatus(SpanStatus(code: .error))
        }
        span.span.end()
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

/// The client side: one client span per call (a child of the running span) whose
/// `traceparent` and `tracestate` are sent as metadata (without a tracer: a child of
/// ``TraceContext/current``), with the request id as `x-request-id`; logs the call and
/// counts `grpc_client_calls_total`. The log line carries the caller's span as `span_id`
/// and the call's own span as `call_span_id`, which the callee logs as its `parent_span_id`.
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
        let method = context.descriptor.fullyQualifiedMethod
        let start = ContinuousClock.now
        return try await OutgoingCall.withClientSpan(method, attributes: ["rpc.system": "grpc", "rpc.method": method]) { call, span in
            var request = request
            for header in OutgoingCall.headers(call) {
                request.metadata.replaceOrAddString(header.value, forKey: header.name)
            }
            do {
                let response = try await next(request, context)
                let code: String
                switch response.accepted {
                case .success: code = "ok"
                case .failure(let error):
                    code = statusCode(error)
                    span.setStatus(SpanStatus(code: .error))
                }
                span.attributes["rpc.grpc.status_code"] = code
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
}

/// Reads W3C trace headers from gRPC metadata.
struct MetadataExtractor: Extractor {
    func extract(key: String, from carrier: Metadata) -> String? {
        carrier[stringValues: key].first(where: { _ in true })
    }
}

/// A span shared by the closures of one call (the span types are Sendable; this names it).
final class SpanBox: Sendable {
    let span: any Span
    init(_ span: any Span) { self.span = span }
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
