import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Observability

/// W3C traceparent and tracestate handling, the JSON log lines and the request middleware.
struct ObservabilityTests {
    static let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func anIncomingTraceIsContinued() throws {
        let trace = TraceContext(incoming: Self.header, requestID: "abc")
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.parentSpanID == "00f067aa0ba902b7")
        #expect(trace.spanID != "00f067aa0ba902b7")
        #expect(trace.sampled)
        #expect(trace.requestID == "abc")
        #expect(trace.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(trace.spanID)-01")
    }

    @Test func theTracestateIsKeptWithATraceparentOnly() {
        let trace = TraceContext(incoming: Self.header, tracestate: "congo=t61rcWkgMzE", requestID: nil)
        #expect(trace.tracestate == "congo=t61rcWkgMzE")
        #expect(trace.child().tracestate == "congo=t61rcWkgMzE")
        #expect(TraceContext(incoming: "garbage", tracestate: "congo=t61rcWkgMzE", requestID: nil).tracestate == nil)
        #expect(TraceContext(incoming: Self.header, requestID: nil).tracestate == nil)
    }

    @Test func anOutgoingCallWithoutATracerSendsAChildOfTheCurrentTrace() async throws {
        let trace = TraceContext(incoming: Self.header, tracestate: "congo=t61rcWkgMzE", requestID: "r-3")
        let headers = try await TraceContext.$current.withValue(trace) {
            try await OutgoingCall.withClientSpan("GET part") { call, _ in OutgoingCall.headers(call) }
        }
        let values = Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
        let parsed = try #require(values["traceparent"].flatMap(TraceContext.parse))
        #expect(parsed.traceID == trace.traceID && parsed.spanID != trace.spanID)
        #expect(values["tracestate"] == "congo=t61rcWkgMzE")
        #expect(values["x-request-id"] == "r-3")
    }

    @Test func exportIsOffWithoutAnEndpointOrWhenDisabled() {
        #expect(TraceExport.bootstrap(service: "test", environment: [:]) == nil)
        #expect(TraceExport.bootstrap(service: "test", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": ""]) == nil)
        #expect(TraceExport.bootstrap(
            service: "test", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"]) == nil)
    }

    @Test func aChildKeepsTheTraceAndNamesItsParent() {
        let trace = TraceContext(incoming: Self.header, requestID: nil)
        let child = trace.child()
        #expect(child.traceID == trace.traceID)
        #expect(child.parentSpanID == trace.spanID)
        #expect(child.spanID != trace.spanID)
        #expect(child.requestID == trace.requestID)
    }

    @Test(arguments: [
        "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ])
    func aMalformedTraceparentStartsANewTrace(header: String) {
        #expect(TraceContext.parse(header) == nil)
        let trace = TraceContext(incoming: header, requestID: nil)
        #expect(trace.parentSpanID == nil)
        #expect(trace.traceID.count == 32 && trace.spanID.count == 16)
    }

    @Test func aLaterVersionIsReadByItsFirstFields() {
        #expect(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more")?.sampled == false)
    }

    @Test func unsafeRequestIdsAreReplaced() {
        #expect(TraceContext(incoming: nil, requestID: "a b\n").requestID != "a b\n")
        #expect(TraceContext(incoming: nil, requestID: String(repeating: "x", count: 129)).requestID.count == 36)
        #expect(TraceContext(incoming: nil, requestID: "req_1.2-3").requestID == "req_1.2-3")
    }

    @Test func logLinesAreJSONWithTheTraceOfTheTask() throws {
        let handler = JSONLogHandler(label: "billing", service: "billing")
        let trace = TraceContext(incoming: Self.header, requestID: "r-1")
        let event = LogEvent(level: .info, message: "hello \"world\"", metadata: ["count": .stringConvertible(3)],
                             source: "test", file: #fileID, function: #function, line: #line)
        let line = TraceContext.$current.withValue(trace) { handler.line(for: event) }
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "hello \"world\"")
        #expect(object["level"] as? String == "info")
        #expect(object["service"] as? String == "billing")
        #expect(object["trace_id"] as? String == trace.traceID)
        #expect(object["span_id"] as? String == trace.spanID)
        #expect(object["request_id"] as? String == "r-1")
        #expect(object["count"] as? Int == 3)
    }

    @Test func theMiddlewareMakesTheTraceCurrentAndReturnsTheRequestId() async throws {
        let router = Router()
        router.add(middleware: ServerSpanMiddleware())
        router.add(middleware: RequestTracingMiddleware())
        router.get("/trace") { _, _ in
            TraceContext.current.map { "\($0.traceID) \($0.parentSpanID ?? "-") \($0.requestID) \($0.tracestate ?? "-")" } ?? "none"
        }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/trace", method: .get, headers: [.traceparent: Self.header, .tracestate: "congo=t61rcWkgMzE", .requestID: "r-2"]
            ) { response in
                #expect(String(buffer: response.body) == "4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 r-2 congo=t61rcWkgMzE")
                #expect(response.headers[.requestID] == "r-2")
            }
            try await client.execute(uri: "/trace", method: .get) { response in
                let fields = String(buffer: response.body).split(separator: " ")
                #expect(fields.count == 4 && fields[0].count == 32 && fields[1] == "-" && fields[3] == "-")
                #expect(response.headers[.requestID] == String(fields[2]))
            }
        }
    }
}
