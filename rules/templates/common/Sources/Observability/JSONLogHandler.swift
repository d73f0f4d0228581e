import Foundation
import Logging

/// Writes every log line as one JSON object on standard output, the format log collectors
/// (Fluent Bit, Vector, Loki, CloudWatch...) read without parsing rules:
///
///     {"time":"2025-01-01T12:00:00.000Z","level":"info","service":"billing","message":"request",
///      "trace_id":"4bf9...","span_id":"00f0...","request_id":"5d6c...","method":"GET",...}
///
/// `trace_id`, `span_id`, `parent_span_id` and `request_id` come from
/// ``TraceContext/current``, so every line written while a request or an event is handled
/// carries them without passing loggers around. Install it once, first thing in `main`:
///
///     JSONLogHandler.bootstrap(service: "billing", level: .info)
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let service: String
    private let label: String

    public init(label: String, service: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    /// Makes every `Logger` of the process write JSON lines (call once, before logging).
    public static func bootstrap(service: String, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, service: service, level: level)
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardOutput.write(Data(line(for: event).utf8))
    }

    /// The JSON line (with its newline) for one event; public for tests.
    public func line(for event: LogEvent, time: Date = Date()) -> String {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        if let trace = TraceContext.current {
            fields["trace_id"] = fields["trace_id"] ?? .string(trace.traceID)
            fields["span_id"] = fields["span_id"] ?? .string(trace.spanID)
            if let parent = trace.parentSpanID { fields["parent_span_id"] = fields["parent_span_id"] ?? .string(parent) }
            fields["request_id"] = fields["request_id"] ?? .string(trace.requestID)
        }
        var out = "{"
        out += "\"time\":" + Self.quoted(time.formatted(Self.timeFormat))
        out += ",\"level\":" + Self.quoted(event.level.rawValue)
        out += ",\"service\":" + Self.quoted(service)
        if label != service { out += ",\"logger\":" + Self.quoted(label) }
        out += ",\"message\":" + Self.quoted(event.message.description)
        for key in fields.keys.sorted() where !Self.reserved.contains(key) {
            out += "," + Self.quoted(key) + ":" + Self.json(fields[key]!)
        }
        if event.level >= .warning { out += ",\"source\":" + Self.quoted("\(event.file):\(event.line)") }
        return out + "}\n"
    }

    private static let reserved: Set<String> = ["time", "level", "service", "logger", "message"]
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let value):
            if let number = value as? any BinaryInteger { return "\(number)" }
            if let number = value as? Double, number.isFinite { return "\(number)" }
            if let flag = value as? Bool { return flag ? "true" : "false" }
            return quoted(value.description)
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let values):
            let members = values.keys.sorted().map { quoted($0) + ":" + json(values[$0]!) }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (RFC 8259 escaping).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
