import HTTPTypes
import Hummingbird
import Logging

extension HTTPField.Name {
    /// W3C Trace Context: `traceparent`.
    public static var traceparent: Self { Self(TraceHeaders.traceparent)! }
    /// W3C Trace Context: `tracestate`.
    public static var tracestate: Self { Self(TraceHeaders.tracestate)! }
    /// `x-request-id`.
    public static var requestID: Self { Self(TraceHeaders.requestID)! }
}

/// Continues the caller's trace (or starts one) for every HTTP request, makes it
/// ``TraceContext/current`` while the request is handled, answers with `x-request-id`
/// and writes one structured log line per request: method, path, status, duration.
/// Probes (`/health`) and scrapes (`/metrics`) are logged at debug level only.
///
/// Add it after ``ServerSpanMiddleware``: the context then carries the ids of the server
/// span that middleware started (and exports), not ids of its own.
public struct RequestTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let trace = TraceContext(
            incoming: request.headers[.traceparent], tracestate: request.headers[.tracestate],
            requestID: request.headers[.requestID]
        ).adoptingCurrentSpan()
        var context = context
        // Hummingbird's own per-request id is replaced by request_id, which crosses services.
        context.logger[metadataKey: "hb.request.id"] = nil
        let logger = context.logger
        let quiet = request.uri.path == "/health" || request.uri.path == "/metrics"
        let start = ContinuousClock.now
        return try await TraceContext.$current.withValue(trace) {
            do {
                var response = try await next(request, context)
                response.headers[.requestID] = trace.requestID
                log(logger, quiet: quiet, request, status: Int(response.status.code), since: start)
                return response
            } catch {
                let status = (error as? any HTTPResponseError)?.status.code ?? 500
                log(logger, quiet: quiet && status < 500, request, status: Int(status), since: start, error: error)
                throw error
            }
        }
    }

    private func log(_ logger: Logger, quiet: Bool, _ request: Request, status: Int, since start: ContinuousClock.Instant, error: (any Error)? = nil) {
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000
                + Double(elapsed.components.seconds) * 1000),
        ]
        if let error, status >= 500 { metadata["error"] = .string("\(error)") }
        logger.log(level: quiet ? .debug : (status >= 500 ? .error : .info), "request", metadata: metadata)
    }
}
