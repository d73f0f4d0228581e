import GRPCCore
import Logging
import Observability

/// Delivers events over gRPC: `eventing.delivery.v1.EventConsumer/Deliver` on each
/// consumer, with the trace as `traceparent` metadata (added by the client's
/// ``ClientTracingInterceptor``) and `tracestate`. An OK answer is a delivery. A status
/// that no retry can change (``grpcStatusIsPermanentFailure(_:)``: invalid argument, not
/// found, permission denied, unimplemented, failed precondition...) refuses the event for
/// good (a dead letter); the others (unavailable, deadline exceeded, resource exhausted...)
/// and no answer within `timeout` are transient (the relay tries again after a backoff).
public struct GRPCEventDelivery<Transport: ClientTransport>: EventDelivery {
    let consumers: [String: Eventing_Delivery_V1_EventConsumer.Client<Transport>]
    let timeout: Duration

    public struct Failure: ClassifiedDeliveryError, CustomStringConvertible {
        public var description: String
        public var isPermanent: Bool
    }

    /// `clients`: one running `GRPCClient` per consumer, by service name; `timeout`: pass
    /// ``RelaySettings/deliveryTimeout``.
    public init(clients: [String: GRPCClient<Transport>], timeout: Duration = .seconds(5)) {
        self.consumers = clients.mapValues { Eventing_Delivery_V1_EventConsumer.Client(wrapping: $0) }
        self.timeout = timeout
    }

    public func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
        guard let consumer = consumers[destination] else {
            throw Failure(description: "no gRPC target configured for \(destination)", isPermanent: false)
        }
        var options = CallOptions.defaults
        options.timeout = timeout
        // Not user-facing: wait (up to the timeout) for a consumer that is reconnecting,
        // rather than failing and backing off.
        options.waitForReady = true
        var metadata = Metadata()
        if let tracestate = TraceContext.current?.tracestate {
            metadata.addString(tracestate, forKey: "tracestate")
        }
        do {
            let ack = try await consumer.deliver(Eventing_Delivery_V1_Event(event), metadata: metadata, options: options)
            return ack.applied
        } catch let error as RPCError {
            throw Failure(description: "\(destination) answered \(error.code): \(error.message)",
                          isPermanent: grpcStatusIsPermanentFailure(error.code))
        }
    }
}

/// Whether a gRPC status refuses an event for good: the request itself is wrong or cannot
/// be served by this consumer, and sending it again cannot help.
public func grpcStatusIsPermanentFailure(_ code: RPCError.Code) -> Bool {
    switch code {
    case .invalidArgument, .notFound, .alreadyExists, .permissionDenied, .failedPrecondition, .outOfRange, .unimplemented, .dataLoss:
        return true
    default:
        // unavailable, deadlineExceeded, resourceExhausted, aborted, cancelled, internal,
        // unknown, unauthenticated (credentials may be rotating): transient.
        return false
    }
}

/// The consumer side over gRPC: serves `EventConsumer/Deliver` with an ``EventInbox``.
public struct EventConsumerService: Eventing_Delivery_V1_EventConsumer.SimpleServiceProtocol {
    let inbox: EventInbox

    public init(inbox: EventInbox) {
        self.inbox = inbox
    }

    public func deliver(request: Eventing_Delivery_V1_Event, context: ServerContext) async throws -> Eventing_Delivery_V1_DeliveryAck {
        guard !request.id.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "an event needs an id")
        }
        var ack = Eventing_Delivery_V1_DeliveryAck()
        ack.applied = try await inbox.receive(DomainEvent(request))
        return ack
    }
}

extension Eventing_Delivery_V1_Event {
    public init(_ event: DomainEvent) {
        self.init()
        id = event.id
        type = event.type
        source = event.source
        subject = event.subject
        data = event.data
        occurredAt = event.occurredAt
    }
}

extension DomainEvent {
    public init(_ message: Eventing_Delivery_V1_Event) {
        self.init(id: message.id, type: message.type, source: message.source, subject: message.subject,
                  data: message.data, occurredAt: message.occurredAt)
    }
}
