import Foundation

/// The W3C Trace Context (https://www.w3.org/TR/trace-context/) of one unit of work, plus
/// the request id that ties the log lines of one client request together.
///
/// A service continues the trace of the `traceparent` it receives (same trace id, a new
/// span id whose parent is the caller's) and sends a child of its own span on every
/// outgoing call, so the log lines of every service a request touched share one
/// `trace_id`. While a request is handled, ``current`` holds its context: log lines
/// (``JSONLogHandler``) and outgoing calls read it from there.
///
/// When a tracer is bootstrapped (``TraceExport/bootstrap(service:logger:environment:)``: swift-otel,
/// OTLP), the span is the source of truth: the server middleware and interceptors build
/// the context from the running span (``adoptingCurrentSpan()``), so the ids in the log
/// lines are the ids of the exported spans. Without one, the ids are made here and the
/// headers are still propagated.
public struct TraceContext: Sendable, Equatable {
    /// 32 lowercase hex digits, the same in every service the request reaches.
    public var traceID: String
    /// 16 lowercase hex digits naming this unit of work.
    public var spanID: String
    /// The caller's span, from the incoming `traceparent`; nil for a new trace.
    public var parentSpanID: String?
    /// The caller's sampling decision (`01` flag), passed on unchanged.
    public var sampled: Bool
    /// The caller's W3C `tracestate` (vendor data), passed on unchanged; nil when none came.
    public var tracestate: String? = nil
    /// The `x-request-id` of the client request: kept when a caller sends a sane one,
    /// made up otherwise, and passed on to every outgoing call.
    public var requestID: String

    /// The context of the task that is running, if it handles a request or an event.
    @TaskLocal public static var current: TraceContext?

    /// The `traceparent` header value that names this span as the parent.
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")"
    }

    public init(traceID: String, spanID: String, parentSpanID: String? = nil, sampled: Bool = true, requestID: String) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.sampled = sampled
        self.requestID = requestID
    }

    /// Continues the trace of an incoming `traceparent`, or starts a new trace when there
    /// is none or it is malformed (the W3C rule: a broken header is ignored, not repaired).
    /// The incoming `tracestate` is kept only with a valid `traceparent` (W3C: without
    /// one it is discarded).
    public init(incoming traceparent: String?, tracestate: String? = nil, requestID: String?) {
        let requestID = requestID.flatMap(Self.saneRequestID) ?? Self.newRequestID()
        if let traceparent, let parent = Self.parse(traceparent) {
            self.init(traceID: parent.traceID, spanID: Self.newSpanID(), parentSpanID: parent.spanID,
                      sampled: parent.sampled, requestID: requestID)
            self.tracestate = tracestate.flatMap { $0.isEmpty ? nil : $0 }
        } else {
            self.init(traceID: Self.newTraceID(), spanID: Self.newSpanID(), requestID: requestID)
        }
    }

    /// The context for one outgoing call: the same trace and request, a new span whose
    /// parent is this one. Send its ``traceparent``.
    public func child() -> TraceContext {
        var child = TraceContext(traceID: traceID, spanID: Self.newSpanID(), parentSpanID: spanID, sampled: sampled, requestID: requestID)
        child.tracestate = tracestate
        return child
    }

    /// The context for an outgoing call from the running task: a child of ``current``, or
    /// a new trace when the task handles no request (a timer, a background job).
    public static func forOutgoingCall() -> TraceContext {
        current?.child() ?? TraceContext(incoming: nil, requestID: nil)
    }

    /// Parses a `traceparent` header: `version-traceid-parentid-flags`, lowercase hex.
    /// Returns nil for anything malformed, for version `ff`, and for all-zero ids. A later
    /// version is read by its first four fields, as the specification asks.
    public static func parse(_ header: String) -> (traceID: String, spanID: String, sampled: Bool)? {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55 else { return nil }
        let version = String(decoding: bytes[0..<2], as: UTF8.self)
        guard isHex(bytes[0..<2]), version != "ff" else { return nil }
        if version == "00" && bytes.count != 55 { return nil }
        if bytes.count > 55 && bytes[55] != UInt8(ascii: "-") { return nil }
        guard bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
              isHex(bytes[3..<35]), isHex(bytes[36..<52]), isHex(bytes[53..<55]) else { return nil }
        let traceID = String(decoding: bytes[3..<35], as: UTF8.self)
        let spanID = String(decoding: bytes[36..<52], as: UTF8.self)
        guard traceID.contains(where: { $0 != "0" }), spanID.contains(where: { $0 != "0" }) else { return nil }
        let flags = UInt8(String(decoding: bytes[53..<55], as: UTF8.self), radix: 16) ?? 0
        return (traceID, spanID, flags & 1 == 1)
    }

    /// 16 random bytes as 32 hex digits.
    public static func newTraceID() -> String { randomHex(bytes: 16) }

    /// 8 random bytes as 16 hex digits.
    public static func newSpanID() -> String { randomHex(bytes: 8) }

    /// A new request id (a UUID).
    public static func newRequestID() -> String { UUID().uuidString.lowercased() }

    /// A caller's request id if it is 1 to 128 characters of letters, digits, `-`, `_`
    /// and `.`; nil otherwise, so a log line never carries arbitrary text from outside.
    public static func saneRequestID(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        return allowed ? value : nil
    }

    private static func isHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            var text = ""
            for _ in 0..<count {
                let byte = UInt8.random(in: 0...255, using: &generator)
                text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
            }
            if text.contains(where: { $0 != "0" }) { return text }
        }
    }
}

/// Header and metadata names, shared by HTTP and gRPC.
public enum TraceHeaders {
    public static let traceparent = "traceparent"
    public static let tracestate = "tracestate"
    public static let requestID = "x-request-id"
}
