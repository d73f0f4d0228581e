import Foundation
import Logging
import Observability
import PostgresNIO
import Storage
import Testing

@testable import Eventing

/// ``PostgresEventStore`` and the relay against a real PostgreSQL server: set
/// `TEST_DATABASE_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable`,
/// a role that may create databases; scripts/check-events-e2e.sh in archadvisor does).
/// Each test runs in a database of its own, created and dropped around it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] != nil, "TEST_DATABASE_URL is not set"))
struct PostgresEventStoreTests {
    static let logger = Logger(label: "test")
    typealias FakeDelivery = EventingTests.FakeDelivery

    /// A fresh database with the schema, its store, and a client on it for checks.
    static func withDatabase(_ body: (PostgresEventStore, PostgresClient, String) async throws -> Void) async throws {
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"])
        let name = "eventing_test_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = PostgresClient(configuration: try DatabaseURL.configuration(url), backgroundLogger: logger)
        var configuration = try DatabaseURL.configuration(url)
        configuration.database = name
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { adminGroup in
            adminGroup.addTask { await admin.run() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            let outcome: Result<Void, any Error>
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    defer { group.cancelAll() }
                    let store = PostgresEventStore(client: client, service: "orders", logger: logger)
                    try await store.prepare(seed: [])
                    try await body(store, client, name)
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
            adminGroup.cancelAll()
            try outcome.get()
        }
    }

    static func publish(_ store: PostgresEventStore, id: String, to destinations: [String],
                        trace: TraceContext? = EventingTests.trace) async throws -> DomainEvent {
        let event = DomainEvent(type: "order.created", source: "orders", subject: id, data: ["name": "p"])
        #expect(try await store.create(StoredItem(id: id, name: "p"), publishing: event, to: destinations, trace: trace))
        return event
    }

    static func value<T: PostgresDecodable>(_ client: PostgresClient, _ query: PostgresQuery, as type: T.Type = T.self) async throws -> T {
        for try await value in try await client.query(query, logger: logger).decode(T.self) {
            return value
        }
        throw PostgresTestFailure(description: "no row for \(query.sql)")
    }

    struct PostgresTestFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The state of one row, read from the table.
    static func row(_ client: PostgresClient, _ sequence: Int64) async throws
        -> (attempts: Int32, claimedBy: String?, lastError: String?, delivered: Bool, dead: Bool, dueInSeconds: Double) {
        let rows = try await client.query(
            """
            SELECT attempts, claimed_by, last_error, delivered_at IS NOT NULL, dead_at IS NOT NULL,
                   extract(epoch FROM next_attempt_at - now())::float8
            FROM outbox WHERE sequence = \(sequence)
            """, logger: logger)
        for try await row in rows.decode((Int32, String?, String?, Bool, Bool, Double).self) {
            return row
        }
        throw PostgresTestFailure(description: "no outbox row \(sequence)")
    }

    @Test func twoRelaysNeverClaimTheSameRow() async throws {
        try await Self.withDatabase { store, _, _ in
            for index in 0..<200 { _ = try await Self.publish(store, id: "\(index)", to: ["billing"]) }
            // 8 relays claim at the same time, 10 rows each, until nothing is left.
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for relay in 0..<8 {
                    group.addTask {
                        var mine: [Int64] = []
                        // Bounded: 20 claims drain the outbox; a relay that claims rows
                        // again and again fails the test instead of hanging it.
                        for _ in 0..<40 {
                            let batch = try await store.claim(destination: "billing", limit: 10, owner: "relay-\(relay)", lease: .seconds(60))
                            if batch.isEmpty { return mine }
                            #expect(batch.map(\.sequence) == batch.map(\.sequence).sorted())
                            mine += batch.map(\.sequence)
                        }
                        return mine
                    }
                }
                var all: [[Int64]] = []
                for try await mine in group { all.append(mine) }
                return all
            }
            let everything = claimed.flatMap { $0 }
            #expect(everything.count == 200)
            #expect(Set(everything).count == 200)
            #expect(claimed.filter { !$0.isEmpty }.count > 1)
        }
    }

    @Test func anExpiredLeaseIsReclaimed() async throws {
        try await Self.withDatabase { store, client, _ in
            let event = try await Self.publish(store, id: "1", to: ["billing"])
            let first = try await store.claim(destination: "billing", limit: 10, owner: "a", lease: .milliseconds(300))
            #expect(first.map(\.event) == [event])
            #expect(first.first?.traceparent == EventingTests.trace.traceparent)
            #expect(first.first?.tracestate == "vendor=abc")
            #expect(first.first?.requestID == "r-1")
            #expect(try await store.claim(destination: "billing", limit: 10, owner: "b", lease: .seconds(30)).isEmpty)
            try await Task.sleep(for: .milliseconds(500))
            // a is gone (crashed): b takes the row again.
            let again = try await store.claim(destination: "billing", limit: 10, owner: "b", lease: .seconds(30))
            #expect(again.map(\.sequence) == first.map(\.sequence))
            #expect(again.first?.sinceFirstAttempt ?? .zero >= .milliseconds(400))
            #expect(try await !store.markDelivered(1, owner: "a"))
            #expect(try await !store.markFailed(1, owner: "a", error: "late", outcome: .dead))
            #expect(try await store.markDelivered(1, owner: "b"))
            let row = try await Self.row(client, 1)
            #expect(row.delivered && row.claimedBy == nil && !row.dead)
            #expect(try await store.pendingCount() == 0)
        }
    }

    /// A delivery that waits until the test lets it go.
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: CheckedContinuation<Void, Never>?
        private var isOpen = false
        private(set) var entered = false

        func pass() async {
            await withCheckedContinuation { continuation in
                let go = lock.withLock {
                    entered = true
                    if isOpen { return true }
                    waiting = continuation
                    return false
                }
                if go { continuation.resume() }
            }
        }

        var hasEntered: Bool { lock.withLock { entered } }

        func open() {
            let continuation = lock.withLock {
                isOpen = true
                defer { waiting = nil }
                return waiting
            }
            continuation?.resume()
        }
    }

    struct GatedDelivery: EventDelivery {
        let gate: Gate
        func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool {
            await gate.pass()
            return true
        }
    }

    @Test func noTransactionIsOpenWhileADeliveryIsInFlight() async throws {
        try await Self.withDatabase { store, client, database in
            for id in ["1", "2", "3"] { _ = try await Self.publish(store, id: id, to: ["billing"]) }
            let gate = Gate()
            let relay = OutboxRelay(store: store, delivery: GatedDelivery(gate: gate), destinations: ["billing"],
                                    settings: EventingTests.settings(), logger: Self.logger, owner: "relay-1")
            let pass = Task { try await relay.runOnce() }
            #expect(try await EventingTests.waitFor(seconds: 10) { gate.hasEntered })
            // The delivery is in flight: the claim is committed, and the relay's connections
            // hold no transaction and no lock on the outbox.
            let claimed = try await Self.value(client, "SELECT count(*) FROM outbox WHERE claimed_by = 'relay-1'", as: Int64.self)
            #expect(claimed == 3)
            let inTransaction = try await Self.value(client, """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = \(database) AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                  AND (state LIKE 'idle in transaction%' OR xact_start IS NOT NULL)
                """, as: Int64.self)
            #expect(inTransaction == 0)
            let locks = try await Self.value(client, """
                SELECT count(*) FROM pg_locks
                WHERE relation = 'outbox'::regclass AND pid <> pg_backend_pid()
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, as: Int64.self)
            #expect(locks == 0)
            // Another relay meanwhile claims nothing, and is not blocked either.
            let start = ContinuousClock.now
            #expect(try await store.claim(destination: "billing", limit: 10, owner: "relay-2", lease: .seconds(60)).isEmpty)
            #expect(ContinuousClock.now - start < .seconds(1))
            gate.open()
            #expect(try await pass.value == RelayBatch(delivered: 3, failed: 0))
            #expect(try await store.pendingCount() == 0)
        }
    }

    @Test func transientFailuresBackOffPermanentOnesAndTheLastAttemptDeadLetter() async throws {
        try await Self.withDatabase { store, client, _ in
            _ = try await Self.publish(store, id: "1", to: ["flaky", "broken", "billing"])
            let delivery = FakeDelivery(consumers: EventingTests.inboxes(["billing", "flaky"]),
                                        behaviours: ["flaky": .transient, "broken": .permanent])
            let relay = OutboxRelay(store: store, delivery: delivery, destinations: ["flaky", "broken", "billing"],
                                    settings: EventingTests.settings { $0.maxAttempts = 2 }, logger: Self.logger)
            #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 1, dead: 1))
            let flaky = try await Self.row(client, 1)
            #expect(flaky.attempts == 1 && !flaky.dead && !flaky.delivered && flaky.claimedBy == nil)
            #expect(flaky.lastError == "consumer down")
            // Backed off by at least the base (1 s), with jitter up to the ceiling (1 s here).
            #expect(flaky.dueInSeconds > 0.5 && flaky.dueInSeconds <= 1.01)
            let broken = try await Self.row(client, 2)
            #expect(broken.dead && broken.attempts == 1 && broken.lastError?.hasPrefix("permanent error") == true)
            #expect(try await Self.row(client, 3).delivered)
            // Not due yet: nothing happens.
            #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0))
            try await client.query("UPDATE outbox SET next_attempt_at = now()", logger: Self.logger)
            // The second of 2 attempts fails: a dead letter.
            #expect(try await relay.runOnce() == RelayBatch(delivered: 0, failed: 0, dead: 1))
            let dead = try await Self.row(client, 1)
            #expect(dead.dead && dead.attempts == 2 && dead.lastError?.hasPrefix("2 attempts failed") == true)
            #expect(try await store.outboxStats() == [
                "flaky": OutboxStats(pending: 0, dead: 1), "broken": OutboxStats(pending: 0, dead: 1),
            ])
            // The operator's replay (see PostgresEventStore) makes it pending again.
            try await client.query(
                "UPDATE outbox SET dead_at = NULL, attempts = 0, last_error = NULL, next_attempt_at = now() WHERE sequence = 1",
                logger: Self.logger)
            delivery.heal("flaky")
            #expect(try await store.pendingCount() == 1)
            #expect(try await relay.runOnce() == RelayBatch(delivered: 1, failed: 0))
            #expect(try await Self.row(client, 1).delivered)
        }
    }

    @Test func retentionDeletesOnlyWhatItShould() async throws {
        try await Self.withDatabase { store, client, _ in
            for id in ["1", "2", "3", "4", "5"] { _ = try await Self.publish(store, id: id, to: ["billing"]) }
            // 1-3 delivered 8 days ago, 4 delivered now, 5 pending; 6 a dead letter of 30 days.
            try await client.query(
                "UPDATE outbox SET delivered_at = now() - interval '8 days', created_at = now() - interval '8 days' WHERE sequence <= 3",
                logger: Self.logger)
            try await client.query("UPDATE outbox SET delivered_at = now() WHERE sequence = 4", logger: Self.logger)
            _ = try await Self.publish(store, id: "6", to: ["gone"])
            try await client.query(
                "UPDATE outbox SET dead_at = now() - interval '30 days', created_at = now() - interval '30 days' WHERE sequence = 6",
                logger: Self.logger)
            for (index, age) in ["20 days", "15 days", "13 days", "1 second"].enumerated() {
                let event = DomainEvent(type: "x.created", source: "x", subject: "s\(index)")
                #expect(try await store.processOnce(event, trace: nil))
                try await client.query(
                    "UPDATE processed_events SET processed_at = now() - \(age)::interval WHERE event_id = \(event.id)",
                    logger: Self.logger)
            }
            var settings = RetentionSettings()
            settings.batchSize = 2
            let retention = EventRetention(store: store, settings: settings, logger: Self.logger)
            let deleted = try await retention.runOnce()
            #expect(deleted.outbox == 3 && deleted.processed == 2)
            let left = try await client.query("SELECT sequence FROM outbox ORDER BY sequence", logger: Self.logger)
            var sequences: [Int64] = []
            for try await sequence in left.decode(Int64.self) { sequences.append(sequence) }
            #expect(sequences == [4, 5, 6])
            #expect(try await Self.value(client, "SELECT count(*) FROM processed_events", as: Int64.self) == 2)
            #expect(try await retention.runOnce() == (outbox: 0, processed: 0))
        }
    }

    @Test func aConsumerDownDoesNotDelayAnother() async throws {
        try await Self.withDatabase { store, _, _ in
            let delivery = FakeDelivery(consumers: EventingTests.inboxes(["billing", "shipping"]),
                                        behaviours: ["shipping": .slow(.seconds(60))])
            let relay = OutboxRelay(store: store, delivery: delivery, destinations: ["billing", "shipping"],
                                    settings: EventingTests.settings {
                                        $0.deliveryTimeout = .seconds(4)
                                        $0.lease = .seconds(10)
                                    }, logger: Self.logger)
            let running = Task { try await relay.run() }
            defer { running.cancel() }
            var waits: [Duration] = []
            for id in ["1", "2", "3"] {
                let published = ContinuousClock.now
                let event = try await Self.publish(store, id: id, to: ["billing", "shipping"])
                #expect(try await EventingTests.waitFor(seconds: 3) {
                    delivery.deliveries.contains { $0.destination == "billing" && $0.eventID == event.id }
                })
                let at = try #require(delivery.deliveries.first { $0.destination == "billing" && $0.eventID == event.id }?.at)
                waits.append(at - published)
            }
            #expect(waits.allSatisfy { $0 < .seconds(1) }, "billing waited \(waits) while shipping hung")
            #expect(delivery.deliveriesInFlight == 1)
            // shipping's hanging delivery is cut by the timeout and backs off.
            #expect(try await EventingTests.waitFor(seconds: 8) {
                let pending = try await store.outboxStats()["shipping"]?.pending
                let first = try await Self.row(store.client, 2)
                return pending == 3 && first.attempts == 1 && !first.dead
            })
        }
    }
}
