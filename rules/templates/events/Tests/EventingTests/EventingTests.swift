import Foundation
import Logging
import Observability
import Testing

@testable import Eventing

/// The outbox, the relay and the idempotent consumer, with the in-memory store (no
/// database): the same rules PostgresEventStore follows.
struct EventingTests {
    static let logger = Logger(label: "test")
    static let trace = TraceContext(incoming: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", requestID: "r-1")

    /// Delivers to in-memory consumers, or fails, as a test needs; records every delivery.
    final class FakeDelivery: EventDelivery, @unchecked Sendable {
        let consumers: [String: EventInbox]
        private let lock = NSLock()
        private var failing: Set<String>
        private var seen: [(destination: String, eventID: String, trace: TraceContext?)] = []

        init(consumers: [String: EventInbox], failing: Set<String> = []) {
            self.consumers = consumers
            self.failing = failing
        }

        var deliveries: [(destination: String, eventID: String, trace: TraceContext?)] { lock.withLock { seen } }

        func heal(_ destination: String) {
            _ = lock.withLock { failing.remove(destination) }
        }

        func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
            let fails = lock.withLock {
                seen.append((destination, event.id, TraceContext.current))
                return failing.contains(destination)
            }
            if fails { throw CancellationError() }
            // As a transport would: the consumer continues the trace in a new span.
            let trace = TraceContext.current?.child()
            return try await TraceContext.$current.withValue(trace) {
                try await consumers[destination]!.receive(event)
            }
        }
    }

    func publish(_ store: InMemoryEventStore, id: String = "42", to destinations: [String]) async throws -> DomainEvent {
        let event = DomainEvent(type: "order.created", source: "orders", subject: id, data: ["name": "p"])
        #expect(await store.create(StoredItem(id: id, name: "p"), publishing: event, to: destinations, trace: Self.trace))
        return event
    }

    @Test func theItemAndItsOutboxEntriesAreStoredTogether() async throws {
        let store = InMemoryEventStore(service: "orders")
        let event = try await publish(store, to: ["billing", "shipping"])
        #expect(await store.item(id: "42") == StoredItem(id: "42", name: "p"))
        let outbox = await store.outboxEntries()
        #expect(outbox.map(\.entry.destination) == ["billing", "shipping"])
        #expect(outbox.allSatisfy { $0.entry.event == event && $0.entry.traceparent == Self.trace.traceparent && !$0.delivered })
        // The same id again: nothing is stored, no event is published.
        #expect(await !store.create(StoredItem(id: "42", name: "other"), publishing: event, to: ["billing"], trace: nil))
        #expect(await store.outboxEntries().count == 2)
    }

    @Test func aDoubleDeliveryIsAppliedOnce() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let consumer = InMemoryEventStore(service: "billing")
        let delivery = FakeDelivery(consumers: ["billing": EventInbox(store: consumer, logger: Self.logger)])
        var settings = RelaySettings()
        settings.deliverTwice = true
        let relay = OutboxRelay(store: producer, delivery: delivery, settings: settings, logger: Self.logger)
        let event = try await publish(producer, to: ["billing"])

        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 0))
        #expect(delivery.deliveries.count == 2)
        #expect(await consumer.activity().map(\.eventID) == [event.id])
        #expect(await consumer.item(id: "42")?.name == "billing for orders 42")
        // Delivered entries are not handed out again.
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0))
        #expect(await producer.pendingCount() == 0)
    }

    @Test func theDeliveryContinuesThePublishersTrace() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let consumer = InMemoryEventStore(service: "billing")
        let delivery = FakeDelivery(consumers: ["billing": EventInbox(store: consumer, logger: Self.logger)])
        let relay = OutboxRelay(store: producer, delivery: delivery, logger: Self.logger)
        _ = try await publish(producer, to: ["billing"])
        _ = try await relay.runOnce()
        let trace = try #require(delivery.deliveries.first?.trace)
        #expect(trace.traceID == Self.trace.traceID)
        #expect(trace.requestID == "r-1")
        let applied = try #require(await consumer.activity().first?.traceparent).flatMap(TraceContext.parse)
        #expect(applied?.traceID == Self.trace.traceID)
    }

    @Test func aFailedDeliveryIsRetriedLaterAndTheOthersGoOn() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let billing = InMemoryEventStore(service: "billing")
        let shipping = InMemoryEventStore(service: "shipping")
        let delivery = FakeDelivery(
            consumers: ["billing": EventInbox(store: billing, logger: Self.logger),
                        "shipping": EventInbox(store: shipping, logger: Self.logger)],
            failing: ["shipping"])
        let relay = OutboxRelay(store: producer, delivery: delivery, logger: Self.logger)
        let event = try await publish(producer, to: ["billing", "shipping"])

        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 1))
        #expect(await billing.activity().count == 1)
        // Backing off: not due yet.
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0))
        delivery.heal("shipping")
        await producer.makeEverythingDue()
        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 0))
        #expect(await shipping.activity().map(\.eventID) == [event.id])
        #expect(await billing.activity().count == 1)
        #expect(await producer.outboxEntries().first { $0.entry.destination == "shipping" }?.entry.attempts == 1)
    }

    @Test func backoffGrowsAndIsCapped() {
        #expect((1...8).map { outboxBackoffSeconds(attempts: $0) } == [1, 2, 4, 8, 16, 32, 60, 60])
    }

    @Test func theSchemaHasTheOutboxAndTheProcessedEvents() {
        let sql = PostgresEventStore.schema.map(\.sql).joined(separator: "\n")
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS outbox"))
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS processed_events"))
        #expect(sql.contains("event_id text PRIMARY KEY"))
    }
}
