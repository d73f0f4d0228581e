import Foundation
import Logging
import Observability
import Testing

@testable import Eventing

/// The outbox, the relay and the idempotent consumer, with the in-memory store (no
/// database): the same rules PostgresEventStore follows (PostgresEventStoreTests checks
/// those against a real server).
struct EventingTests {
    static let logger = Logger(label: "test")
    static let trace = TraceContext(incoming: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                    tracestate: "vendor=abc", requestID: "r-1")

    /// What a fake consumer does with a delivery.
    enum Behaviour: Sendable {
        /// Fails with a transient error (the consumer is down).
        case transient
        /// Refuses the event for good.
        case permanent
        /// Answers after `delay` (hangs, for a long one).
        case slow(Duration)
    }

    struct FakeFailure: ClassifiedDeliveryError, CustomStringConvertible {
        var isPermanent: Bool
        var description: String { isPermanent ? "refused for good" : "consumer down" }
    }

    /// Delivers to in-memory consumers, or fails, as a test needs; records every delivery.
    final class FakeDelivery: EventDelivery, @unchecked Sendable {
        let consumers: [String: EventInbox]
        private let lock = NSLock()
        private var behaviours: [String: Behaviour]
        private var seen: [(destination: String, eventID: String, trace: TraceContext?, at: ContinuousClock.Instant)] = []
        private var inFlight = 0

        init(consumers: [String: EventInbox], behaviours: [String: Behaviour] = [:]) {
            self.consumers = consumers
            self.behaviours = behaviours
        }

        var deliveries: [(destination: String, eventID: String, trace: TraceContext?, at: ContinuousClock.Instant)] { lock.withLock { seen } }
        var deliveriesInFlight: Int { lock.withLock { inFlight } }

        func heal(_ destination: String) {
            _ = lock.withLock { behaviours.removeValue(forKey: destination) }
        }

        func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
            let behaviour = lock.withLock {
                seen.append((destination, event.id, TraceContext.current, .now))
                inFlight += 1
                return behaviours[destination]
            }
            defer { lock.withLock { inFlight -= 1 } }
            switch behaviour {
            case .transient: throw FakeFailure(isPermanent: false)
            case .permanent: throw FakeFailure(isPermanent: true)
            case .slow(let delay): try await Task.sleep(for: delay)
            case nil: break
            }
            // As a transport would: the consumer continues the trace in a new span.
            let trace = TraceContext.current?.child()
            return try await TraceContext.$current.withValue(trace) {
                try await consumers[destination]!.receive(event)
            }
        }
    }

    func publish(_ store: some EventStore, id: String = "42", to destinations: [String]) async throws -> DomainEvent {
        let event = DomainEvent(type: "order.created", source: "orders", subject: id, data: ["name": "p"])
        #expect(try await store.create(StoredItem(id: id, name: "p"), publishing: event, to: destinations, trace: Self.trace))
        return event
    }

    static func inboxes(_ names: [String]) -> [String: EventInbox] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, EventInbox(store: InMemoryEventStore(service: $0), logger: logger)) })
    }

    static func settings(_ change: (inout RelaySettings) -> Void = { _ in }) -> RelaySettings {
        var settings = RelaySettings()
        settings.interval = .milliseconds(20)
        change(&settings)
        return settings
    }

    @Test func theItemAndItsOutboxEntriesAreStoredTogether() async throws {
        let store = InMemoryEventStore(service: "orders")
        let event = try await publish(store, to: ["billing", "shipping"])
        #expect(await store.item(id: "42") == StoredItem(id: "42", name: "p"))
        let outbox = await store.outboxEntries()
        #expect(outbox.map(\.entry.destination) == ["billing", "shipping"])
        #expect(outbox.allSatisfy {
            $0.entry.event == event && $0.entry.traceparent == Self.trace.traceparent && $0.entry.tracestate == "vendor=abc" && !$0.delivered
        })
        // The same id again: nothing is stored, no event is published.
        #expect(await !store.create(StoredItem(id: "42", name: "other"), publishing: event, to: ["billing"], trace: nil))
        #expect(await store.outboxEntries().count == 2)
    }

    @Test func aDoubleDeliveryIsAppliedOnce() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let consumer = InMemoryEventStore(service: "billing")
        let delivery = FakeDelivery(consumers: ["billing": EventInbox(store: consumer, logger: Self.logger)])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"],
                                settings: Self.settings { $0.deliverTwice = true }, logger: Self.logger)
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
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"], logger: Self.logger)
        _ = try await publish(producer, to: ["billing"])
        _ = try await relay.runOnce()
        let trace = try #require(delivery.deliveries.first?.trace)
        #expect(trace.traceID == Self.trace.traceID)
        #expect(trace.requestID == "r-1")
        #expect(trace.tracestate == "vendor=abc")
        #expect(trace.forOutgoingCallTracestate == "vendor=abc")
        let applied = try #require(await consumer.activity().first?.traceparent).flatMap(TraceContext.parse)
        #expect(applied?.traceID == Self.trace.traceID)
    }

    @Test func aTransientFailureBacksOffAndTheOthersGoOn() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let consumers = Self.inboxes(["billing", "shipping"])
        let delivery = FakeDelivery(consumers: consumers, behaviours: ["shipping": .transient])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing", "shipping"],
                                settings: Self.settings(), logger: Self.logger)
        let event = try await publish(producer, to: ["billing", "shipping"])

        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 1))
        let failed = try #require(await producer.state(of: 2))
        #expect(failed.attempts == 1 && !failed.dead && !failed.delivered && failed.claimedBy == nil)
        #expect(failed.lastError == "consumer down")
        // Backing off: not due yet (at least the 1 s base).
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0))
        delivery.heal("shipping")
        await producer.makeEverythingDue()
        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 0))
        #expect(delivery.deliveries.filter { $0.destination == "shipping" }.map(\.eventID) == [event.id, event.id])
        #expect(delivery.deliveries.filter { $0.destination == "billing" }.count == 1)
        #expect(await producer.pendingCount() == 0)
    }

    @Test func aPermanentFailureIsADeadLetterAtOnce() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let delivery = FakeDelivery(consumers: Self.inboxes(["billing"]), behaviours: ["billing": .permanent])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"], settings: Self.settings(), logger: Self.logger)
        _ = try await publish(producer, to: ["billing"])
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0, dead: 1))
        let row = try #require(await producer.state(of: 1))
        #expect(row.dead && row.attempts == 1 && row.lastError?.hasPrefix("permanent error") == true)
        await producer.makeEverythingDue()
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0))
        #expect(delivery.deliveries.count == 1)
        #expect(await producer.pendingCount() == 0)
        #expect(await producer.outboxStats() == ["billing": OutboxStats(pending: 0, dead: 1, oldestPendingSeconds: 0)])
    }

    @Test func theLastOfMaxAttemptsMakesADeadLetter() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let delivery = FakeDelivery(consumers: Self.inboxes(["billing"]), behaviours: ["billing": .transient])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"],
                                settings: Self.settings { $0.maxAttempts = 3 }, logger: Self.logger)
        _ = try await publish(producer, to: ["billing"])
        var batches: [RelayBatch] = []
        for _ in 0..<4 {
            batches.append(try await relay.runOnce())
            await producer.makeEverythingDue()
        }
        #expect(batches == [RelayBatch(delivered: 0, failed: 1), RelayBatch(delivered: 0, failed: 1),
                            RelayBatch(delivered: 0, failed: 0, dead: 1), RelayBatch(delivered: 0, failed: 0)])
        let row = try #require(await producer.state(of: 1))
        #expect(row.dead && row.attempts == 3 && row.lastError?.hasPrefix("3 attempts failed") == true)
    }

    @Test func anEntryPastTheRedeliveryWindowIsADeadLetter() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let delivery = FakeDelivery(consumers: Self.inboxes(["billing"]), behaviours: ["billing": .transient])
        let settings = Self.settings()
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"], settings: settings, logger: Self.logger)
        _ = try await publish(producer, to: ["billing"])
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 1))
        // The relay was down longer than the window: the entry is not delivered again.
        await producer.age(by: settings.redeliveryWindow + .seconds(1))
        delivery.heal("billing")
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0, dead: 1))
        #expect(delivery.deliveries.count == 1)
        #expect(await producer.state(of: 1)?.lastError?.contains("redelivery window") == true)
    }

    @Test func aClaimIsExclusiveUntilItsLeaseExpires() async throws {
        let store = InMemoryEventStore(service: "orders")
        _ = try await publish(store, id: "1", to: ["billing"])
        _ = try await publish(store, id: "2", to: ["billing"])
        let first = await store.claim(destination: "billing", limit: 10, owner: "a", lease: .seconds(30))
        #expect(first.map(\.sequence) == [1, 2])
        #expect(await store.claim(destination: "billing", limit: 10, owner: "b", lease: .seconds(30)).isEmpty)
        // a crashed: its lease expires and b takes the entries again.
        await store.age(by: .seconds(31))
        let again = await store.claim(destination: "billing", limit: 1, owner: "b", lease: .seconds(30))
        #expect(again.map(\.sequence) == [1])
        #expect(again.first?.sinceFirstAttempt ?? .zero >= .seconds(31))
        #expect(await !store.markDelivered(1, owner: "a"))
        #expect(await store.markDelivered(1, owner: "b"))
        #expect(await store.state(of: 1)?.delivered == true)
        // Released entries are due again at once.
        await store.release([1, 2], owner: "a")
        #expect(await store.claim(destination: "billing", limit: 10, owner: "c", lease: .seconds(30)).map(\.sequence) == [2])
    }

    @Test func noDeliveryOutlivesItsLease() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let delivery = FakeDelivery(consumers: Self.inboxes(["billing"]), behaviours: ["billing": .slow(.milliseconds(500))])
        // Lease 1 s, timeout 0.6 s: after the first (0.5 s) delivery, 0.5 s remain, so a
        // second delivery could outlive the lease; the rest is given back.
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"], settings: Self.settings {
            $0.lease = .seconds(1)
            $0.deliveryTimeout = .milliseconds(600)
        }, logger: Self.logger)
        for id in ["1", "2", "3"] { _ = try await publish(producer, id: id, to: ["billing"]) }
        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 0))
        #expect(await producer.state(of: 2)?.claimedBy == nil)
        #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 0))
    }

    @Test func aDeliveryThatHangsIsCutByTheTimeout() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let delivery = FakeDelivery(consumers: Self.inboxes(["billing"]), behaviours: ["billing": .slow(.seconds(30))])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing"],
                                settings: Self.settings { $0.deliveryTimeout = .milliseconds(200) }, logger: Self.logger)
        _ = try await publish(producer, to: ["billing"])
        let start = ContinuousClock.now
        #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 1))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(await producer.state(of: 1)?.lastError?.contains("no answer within") == true)
        #expect(delivery.deliveriesInFlight == 0)
    }

    @Test func aConsumerThatHangsDoesNotDelayAnother() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let consumers = Self.inboxes(["billing", "shipping"])
        let delivery = FakeDelivery(consumers: consumers, behaviours: ["shipping": .slow(.seconds(30))])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing", "shipping"],
                                settings: Self.settings { $0.deliveryTimeout = .seconds(3) }, logger: Self.logger)
        let running = Task { try await relay.run() }
        defer { running.cancel() }
        for id in ["1", "2"] {
            let published = ContinuousClock.now
            let event = try await publish(producer, id: id, to: ["billing", "shipping"])
            let delivered = try await Self.waitFor(seconds: 2) { delivery.deliveries.contains { $0.destination == "billing" && $0.eventID == event.id } }
            #expect(delivered)
            let at = try #require(delivery.deliveries.first { $0.destination == "billing" && $0.eventID == event.id }?.at)
            #expect(at - published < .seconds(1), "billing waited \(at - published) for event \(id)")
        }
        // shipping's first delivery is still hanging all along.
        #expect(delivery.deliveriesInFlight == 1)
    }

    static func waitFor(seconds: Double, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await condition()
    }

    @Test func backoffIsRandomWithinItsBounds() {
        var generator = SystemRandomNumberGenerator()
        let base = Duration.seconds(1), cap = Duration.seconds(300)
        for attempts in 1...30 {
            let ceiling = min(cap, base * (1 << min(attempts - 1, 20)))
            let samples = (0..<500).map { _ in outboxBackoff(attempts: attempts, base: base, cap: cap, using: &generator) }
            #expect(samples.allSatisfy { $0 >= base && $0 <= ceiling }, "attempt \(attempts)")
            if attempts >= 3 {
                // Jitter: spread over the range, not one value.
                #expect(Set(samples).count > 100)
                #expect(samples.contains { $0 < base + (ceiling - base) / 4 } && samples.contains { $0 > ceiling - (ceiling - base) / 4 })
            }
        }
        #expect(outboxBackoff(attempts: 1, base: base, cap: cap) == base)
        #expect(outboxBackoff(attempts: 0, base: base, cap: cap) == base)
        #expect(outboxBackoff(attempts: 1000, base: base, cap: cap) <= cap)
    }

    @Test func httpAnswersAreClassified() {
        #expect([400, 401, 403, 404, 409, 410, 413, 422].allSatisfy(httpStatusIsPermanentFailure))
        #expect(![408, 425, 429, 500, 502, 503, 504, 200, 301].contains(where: httpStatusIsPermanentFailure))
    }

    @Test func settingsAreReadAndRefusedWhenUnsafe() throws {
        let environment = ["RELAY_DELIVERY_TIMEOUT_MS": "2000", "RELAY_LEASE_MS": "10000", "RELAY_MAX_ATTEMPTS": "4",
                           "RELAY_BACKOFF_BASE_MS": "500", "RELAY_BACKOFF_CAP_MS": "20000", "PROCESSED_EVENTS_RETENTION_SECONDS": "3600"]
        let retention = RetentionSettings { environment[$0] }
        #expect(retention.relay.deliveryTimeout == .seconds(2) && retention.relay.lease == .seconds(10))
        #expect(retention.relay.maxAttempts == 4 && retention.relay.backoffBase == .milliseconds(500))
        #expect(retention.relay.redeliveryWindow == .seconds(120))
        try retention.relay.validate()
        try retention.validate()
        try RetentionSettings().validate()
        try RelaySettings().validate()
        // The lease must outlast a delivery.
        #expect(throws: RelaySettings.Invalid.self) { try RelaySettings { ["RELAY_LEASE_MS": "5000"][$0] }.validate() }
        // Processed events must outlive any redelivery: 10 × (300 s + 60 s) + 60 s here.
        #expect(throws: RelaySettings.Invalid.self) { try RetentionSettings { ["PROCESSED_EVENTS_RETENTION_SECONDS": "3660"][$0] }.validate() }
        try RetentionSettings { ["PROCESSED_EVENTS_RETENTION_SECONDS": "3661"][$0] }.validate()
    }

    @Test func retentionDeletesOnlyWhatItShould() async throws {
        let producer = InMemoryEventStore(service: "orders")
        let delivery = FakeDelivery(consumers: Self.inboxes(["billing", "dead"]), behaviours: ["dead": .permanent])
        let relay = OutboxRelay(store: producer, delivery: delivery, destinations: ["billing", "dead"], settings: Self.settings(), logger: Self.logger)
        for id in ["1", "2", "3"] { _ = try await publish(producer, id: id, to: ["billing", "dead"]) }
        _ = try await relay.runOnce()
        _ = try await publish(producer, id: "4", to: ["billing"])  // pending
        let old = DomainEvent(type: "x.created", source: "x", subject: "old")
        #expect(await producer.processOnce(old, trace: nil))
        await producer.age(by: .seconds(8 * 86_400))
        let recent = DomainEvent(type: "x.created", source: "x", subject: "recent")
        #expect(await producer.processOnce(recent, trace: nil))
        var settings = RetentionSettings()
        settings.batchSize = 2
        let retention = EventRetention(store: producer, settings: settings, logger: Self.logger)
        // 3 delivered rows older than 7 days; the processed events are 8 days and 0 old (kept 14).
        #expect(try await retention.runOnce() == (outbox: 3, processed: 0))
        #expect(await producer.outboxEntries().map(\.entry.sequence) == [2, 4, 6, 7])
        #expect(await producer.pendingCount() == 1)
        await producer.age(by: .seconds(7 * 86_400))
        #expect(try await retention.runOnce() == (outbox: 0, processed: 1))
        #expect(await !producer.isRecordedAsProcessed(old.id))
        #expect(await producer.isRecordedAsProcessed(recent.id))
    }

    @Test func theSchemaHasTheOutboxWithLeasesAndDeadLetters() {
        let sql = PostgresEventStore.schema.map(\.sql).joined(separator: "\n")
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS outbox"))
        for column in ["claimed_by text", "claimed_until timestamptz", "dead_at timestamptz", "last_error text", "tracestate text"] {
            #expect(sql.contains(column), "outbox.\(column)")
        }
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS processed_events"))
        #expect(sql.contains("event_id text PRIMARY KEY"))
    }
}

extension TraceContext {
    /// The `tracestate` a delivery sends: that of a child of this context.
    var forOutgoingCallTracestate: String? { child().tracestate }
}
