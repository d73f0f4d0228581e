import AsyncHTTPClient
import Foundation
import NIOCore
import Observability

/// Delivers events over HTTP/JSON: `POST <consumer URL>/events` with the event as the
/// body and the trace as `traceparent` (and `tracestate`). A 2xx answer is a delivery.
/// A 4xx other than 408, 425 and 429 refuses the event for good (a dead letter, see
/// ``httpStatusIsPermanentFailure(_:)``); any other answer, a refused connection or no
/// answer within `timeout` is transient (the relay tries again after a backoff).
public struct HTTPEventDelivery: EventDelivery {
    let client: HTTPClient
    let baseURLs: [String: String]
    let timeout: TimeAmount

    public struct Failure: ClassifiedDeliveryError, CustomStringConvertible {
        public var description: String
        public var isPermanent: Bool
    }

    private struct Answer: Decodable {
        var applied: Bool
    }

    /// `timeout`: pass ``RelaySettings/deliveryTimeout``.
    public init(client: HTTPClient, baseURLs: [String: String], timeout: Duration = .seconds(5)) {
        self.client = client
        self.baseURLs = baseURLs
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    public func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
        guard let base = baseURLs[destination] else {
            throw Failure(description: "no URL configured for \(destination)", isPermanent: false)
        }
        // A client span of its own (exported with OTLPExport), a child of the trace stored
        // with the outbox row: the consumer's server span has a parent the collector knows.
        let body = try await OutgoingCall.withClientSpan("POST \(destination) /events") { call, _ in
            var request = HTTPClientRequest(url: "\(base)/events")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            for header in OutgoingCall.headers(call) {
                request.headers.replaceOrAdd(name: header.name, value: header.value)
            }
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(event)))
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 16)
            guard (200..<300).contains(response.status.code) else {
                let excerpt = String(decoding: body.readableBytesView.prefix(200), as: UTF8.self)
                throw Failure(description: "\(destination) answered HTTP \(response.status.code): \(excerpt)",
                              isPermanent: httpStatusIsPermanentFailure(Int(response.status.code)))
            }
            return body
        }
        return (try? JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView)))?.applied ?? true
    }
}
