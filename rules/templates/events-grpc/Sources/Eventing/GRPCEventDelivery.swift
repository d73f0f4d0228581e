import GRPCCore
import Logging
import Observability

/// Delivers events over gRPC: `eventing.delivery.v1.EventConsumer/Deliver` on each
/// consumer, with the trace as `traceparent` metadata (added by the client's
/// ``ClientTracingInterceptor``). An OK answer is a delivery; any error, or no answer
/// within `timeout`, is not (the relay tries again).
public struct GRPCEventDelivery<Transport: ClientTransport>: EventDelivery {
    let consumers: [String: Eventing_Delivery_V1_EventConsumer.Client<Transport>]
    let timeout: Duration

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `clients`: one running `GRPCClient` per consumer, by service name.
    public init(clients: [String: GRPCClient<Transport>], timeout: Duration = .seconds(5)) {
        self.consumers = clients.mapValues { Eventing_Delivery_V1_EventConsumer.Client(wrapping: $0) }
        self.timeout = timeout
    }

    public func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
        guard let consumer = consumers[destination] else {
            throw Failure(description: "no gRPC target configured for \(destination)")
        }
        var options = CallOptions.defaults
        options.timeout = timeout
        // Not user-facing: wait (up to the timeout) for a consumer that is reconnecting,
        // rather than failing and backing off.
        options.waitForReady = true
        let ack = try await consumer.deliver(Eventing_Delivery_V1_Event(event), options: options)
        return ack.applied
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
