import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Tracing
#if OTLPExport
import OTel
#endif

/// Spans with swift-distributed-tracing, exported over OTLP by swift-otel.
///
/// `main` calls ``TraceExport/bootstrap(service:logger:environment:)`` once, before building the
/// application, and runs the exporter it returns beside the server
/// (``Hummingbird/ApplicationProtocol/run(exporting:)``). The standard `OTEL_*` variables
/// configure it: `OTEL_EXPORTER_OTLP_ENDPOINT` (e.g. `http://otel-collector:4318`),
/// `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the default, or `http/json`),
/// `OTEL_SERVICE_NAME` (default: the service), `OTEL_TRACES_SAMPLER`... Without an endpoint,
/// with `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`, nothing is exported and no
/// tracer is installed: the `traceparent` and `tracestate` headers are still propagated
/// (``TraceContext``). The same holds when the package is built without its `OTLPExport`
/// trait (`swift build --disable-default-traits`), which leaves swift-otel out of the build.
public enum TraceExport {
    /// Installs the OTLP tracer for `service` and returns the exporter to run, or nil when
    /// exporting is off (see above). Only traces: logs stay JSON lines on standard output,
    /// metrics stay Prometheus `/metrics`. The exporter's own messages go to `logger`.
    public static func bootstrap(
        service: String,
        logger: Logger = Logger(label: "otel"),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (any Service)? {
        let disabled = environment["OTEL_SDK_DISABLED"]?.lowercased() == "true"
            || environment["OTEL_TRACES_EXPORTER"]?.lowercased() == "none"
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        guard !disabled, let endpoint else {
            logger.info("trace export off (no OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_SDK_DISABLED=true)")
            return nil
        }
        #if OTLPExport
        var configuration = OTel.Configuration.default
        configuration.serviceName = service
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        do {
            let exporter = try OTel.bootstrap(configuration: configuration, environment: environment)
            logger.info("exporting traces over OTLP", metadata: ["endpoint": .string(endpoint)])
            return exporter
        } catch {
            logger.warning("trace export off: swift-otel could not start", metadata: ["error": .string("\(error)")])
            return nil
        }
        #else
        logger.warning("trace export off: built without the OTLPExport trait", metadata: ["endpoint": .string(endpoint)])
        return nil
        #endif
    }
}

extension ApplicationProtocol {
    /// Runs the application until SIGTERM or SIGINT, with `exporter` (from
    /// ``TraceExport/bootstrap(service:logger:environment:)``) beside it. The exporter stops last, so
    /// it sends the spans of the last requests before the process ends.
    public func run(exporting exporter: (any Service)?) async throws {
        guard let exporter else {
            try await runService()
            return
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: exporter),
                    .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup,
                          failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// Hummingbird's `TracingMiddleware` (one server span per request, continuing the caller's
/// `traceparent`/`tracestate`), except for probes (`/health`) and scrapes (`/metrics`),
/// which would flood the traces. Add it first, then ``RequestTracingMiddleware``.
public struct ServerSpanMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tracing: TracingMiddleware<Context>

    public init() {
        // The request id becomes the span attribute http.request.header.x_request_id.
        tracing = TracingMiddleware(recordingHeaders: [HTTPField.Name.requestID], redactingQueryParameters: [])
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" || request.uri.path == "/metrics" {
            return try await next(request, context)
        }
        return try await tracing.handle(request, context: context, next: next)
    }
}

extension TraceContext {
    /// This context with the ids of the running span (`ServiceContext.current`) when a
    /// tracer is installed: its trace id, span id, sampling flag and `tracestate`. The
    /// parent stays the caller's span when the span continues the caller's trace. Without
    /// a tracer (or outside a span) it is returned unchanged.
    public func adoptingCurrentSpan() -> TraceContext {
        guard let span = Self.ofCurrentSpan() else { return self }
        var adopted = self
        if span.traceID != traceID { adopted.parentSpanID = nil }
        adopted.traceID = span.traceID
        adopted.spanID = span.spanID
        adopted.sampled = span.sampled
        adopted.tracestate = span.tracestate
        return adopted
    }

    /// The context a new span starts in: `ServiceContext.current` when a span is running;
    /// else, with a tracer installed, ``current`` made the parent (work resumed in a
    /// stored trace, e.g. a delivery in the trace of the request that queued it, runs with
    /// no span).
    public static func parentForSpans() -> ServiceContext {
        var context = ServiceContext.current ?? .topLevel
        if ofCurrentSpan() == nil, let current {
            var carrier = [TraceHeaders.traceparent: current.traceparent]
            if let tracestate = current.tracestate { carrier[TraceHeaders.tracestate] = tracestate }
            InstrumentationSystem.instrument.extract(carrier, into: &context, using: DictionaryExtractor())
        }
        return context
    }

    /// The ids of the running span, read with the tracer's own propagator (W3C), or nil.
    static func ofCurrentSpan() -> (traceID: String, spanID: String, sampled: Bool, tracestate: String?)? {
        guard let context = ServiceContext.current else { return nil }
        var headers: [String: String] = [:]
        InstrumentationSystem.tracer.inject(context, into: &headers, using: DictionaryInjector())
        guard let traceparent = headers[TraceHeaders.traceparent], let parsed = parse(traceparent) else { return nil }
        return (parsed.traceID, parsed.spanID, parsed.sampled, headers[TraceHeaders.tracestate].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// Client spans for outgoing calls.
public enum OutgoingCall {
    /// Runs `body` inside a client span named `operation` (a child of the running span)
    /// and gives it the context to send: put ``TraceContext/traceparent``,
    /// ``TraceContext/tracestate`` (when not nil) and ``TraceContext/requestID`` on the
    /// call (``headers(_:)``). With a tracer installed these are the client span's ids, so
    /// the callee's span (and a mesh proxy's) has an exported parent; without one, a child
    /// of ``TraceContext/current``. An error thrown by `body` is recorded on the span.
    public static func withClientSpan<T>(
        _ operation: String,
        attributes: [String: String] = [:],
        _ body: (TraceContext, any Span) async throws -> T
    ) async throws -> T {
        try await withSpan(operation, context: TraceContext.parentForSpans(), ofKind: .client) { span in
            for (key, value) in attributes { span.attributes[key] = value }
            var call = TraceContext.forOutgoingCall()
            if let current = TraceContext.ofCurrentSpan() {
                call.traceID = current.traceID
                call.spanID = current.spanID
                call.sampled = current.sampled
                call.tracestate = current.tracestate
                call.parentSpanID = TraceContext.current?.spanID
            }
            return try await body(call, span)
        }
    }

    /// The headers (or gRPC metadata) that carry `call`: `traceparent`, `tracestate` when
    /// there is one, and `x-request-id`.
    public static func headers(_ call: TraceContext) -> [(name: String, value: String)] {
        var headers = [(name: TraceHeaders.traceparent, value: call.traceparent)]
        if let tracestate = call.tracestate { headers.append((TraceHeaders.tracestate, tracestate)) }
        headers.append((TraceHeaders.requestID, call.requestID))
        return headers
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
