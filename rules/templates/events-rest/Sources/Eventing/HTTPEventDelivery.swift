import AsyncHTTPClient
import Foundation
import NIOCore
import Observability

/// Delivers events over HTTP/JSON: `POST <consumer URL>/events` with the event as the
/// body and the trace as `traceparent`. A 2xx answer is a delivery; anything else, or no
/// answer within `timeout`, is not (the relay tries again).
public struct HTTPEventDelivery: EventDelivery {
    let client: HTTPClient
    let baseURLs: [String: String]
    let timeout: TimeAmount

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private struct Answer: Decodable {
        var applied: Bool
    }

    public init(client: HTTPClient, baseURLs: [String: String], timeout: TimeAmount = .seconds(5)) {
        self.client = client
        self.baseURLs = baseURLs
        self.timeout = timeout
    }

    public func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
        guard let base = baseURLs[destination] else {
            throw Failure(description: "no URL configured for \(destination)")
        }
        let call = TraceContext.forOutgoingCall()
        var request = HTTPClientRequest(url: "\(base)/events")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: TraceHeaders.traceparent, value: call.traceparent)
        request.headers.add(name: TraceHeaders.requestID, value: call.requestID)
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(event)))
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 16)
        guard (200..<300).contains(response.status.code) else {
            throw Failure(description: "\(destination) answered HTTP \(response.status.code)")
        }
        return (try? JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView)))?.applied ?? true
    }
}
