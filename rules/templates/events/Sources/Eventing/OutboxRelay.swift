import Foundation
import Logging
import Metrics
import Observability
import ServiceLifecycle

/// Hands an event to one consumer.
public protocol EventDelivery: Sendable {
    /// Delivers `event` to the consumer `destination`; returns whether the consumer applied
    /// it (false: it had processed it before). Throws when it was not delivered: a
    /// ``ClassifiedDeliveryError`` that is permanent makes the entry a dead letter at once,
    /// any other error is transient and the relay tries again after a backoff. Runs with
    /// ``TraceContext/current`` set to the trace of the request that published the event:
    /// send a child of it as `traceparent` (and its `tracestate`). The relay cancels a
    /// delivery that takes longer than ``RelaySettings/deliveryTimeout``.
    func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool
}

/// A delivery error that knows whether trying again can help.
public protocol ClassifiedDeliveryError: Error {
    /// True when the consumer refused the event for good (it is malformed, the consumer
    /// does not know the route...): the entry becomes a dead letter without more attempts.
    var isPermanent: Bool { get }
}

/// Whether an HTTP answer refuses an event for good: 4xx except 408 (timeout), 425 (too
/// early) and 429 (too many requests). 5xx and the rest are transient.
public func httpStatusIsPermanentFailure(_ code: Int) -> Bool {
    (400..<500).contains(code) && ![408, 425, 429].contains(code)
}

/// A delivery the relay gave up waiting for (``RelaySettings/deliveryTimeout``): transient.
public struct DeliveryTimedOut: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "no answer within \(timeout)" }
}

/// How the relay delivers and retries, from `RELAY_*` environment variables; the same
/// values must be set on every service (the consumers' retention depends on them, see
/// ``RetentionSettings``).
public struct RelaySettings: Sendable, Equatable {
    /// `RELAY_INTERVAL_MS`: the pause between passes when a destination's outbox is drained.
    public var interval: Duration = .milliseconds(500)
    /// `RELAY_BATCH_SIZE`: the most entries of one destination one pass claims.
    public var batchSize = 50
    /// `RELAY_DELIVERY_TIMEOUT_MS`: the longest one delivery may take; the relay cancels it
    /// then and counts a transient failure.
    public var deliveryTimeout: Duration = .seconds(5)
    /// `RELAY_LEASE_MS`: how long a claim lasts. It must exceed ``deliveryTimeout`` (checked
    /// at start): the relay starts a delivery only while the rest of its lease is longer
    /// than the delivery timeout and gives the other claimed entries back otherwise, so no
    /// delivery is in flight when its lease expires. A relay that dies holding claims
    /// delays those entries by at most the lease.
    public var lease: Duration = .seconds(60)
    /// `RELAY_MAX_ATTEMPTS`: failed attempts after which an entry becomes a dead letter.
    public var maxAttempts = 10
    /// `RELAY_BACKOFF_BASE_MS`, `RELAY_BACKOFF_CAP_MS`: the wait after a failed attempt,
    /// ``outboxBackoff(attempts:base:cap:using:)`` (exponential with full jitter, at least
    /// the base, at most the cap).
    public var backoffBase: Duration = .seconds(1)
    public var backoffCap: Duration = .seconds(300)
    /// `RELAY_STATS_INTERVAL_MS`: how often the outbox gauges are refreshed.
    public var statsInterval: Duration = .seconds(15)
    /// `RELAY_DELIVER_TWICE=1`: deliver every event twice, as a relay that crashed after
    /// delivering would. For testing that consumers are idempotent; never in production.
    public var deliverTwice = false

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    /// Reads the settings with `get` (e.g. Hummingbird's `Environment().get`).
    public init(environment get: (String) -> String?) {
        func milliseconds(_ name: String) -> Duration? {
            get(name).flatMap(Int64.init).flatMap { $0 > 0 ? .milliseconds($0) : nil }
        }
        interval = milliseconds("RELAY_INTERVAL_MS") ?? interval
        if let value = get("RELAY_BATCH_SIZE").flatMap(Int.init), value > 0 { batchSize = value }
        deliveryTimeout = milliseconds("RELAY_DELIVERY_TIMEOUT_MS") ?? deliveryTimeout
        lease = milliseconds("RELAY_LEASE_MS") ?? lease
        if let value = get("RELAY_MAX_ATTEMPTS").flatMap(Int.init), value > 0 { maxAttempts = value }
        backoffBase = milliseconds("RELAY_BACKOFF_BASE_MS") ?? backoffBase
        backoffCap = milliseconds("RELAY_BACKOFF_CAP_MS") ?? backoffCap
        statsInterval = milliseconds("RELAY_STATS_INTERVAL_MS") ?? statsInterval
        deliverTwice = get("RELAY_DELIVER_TWICE") == "1"
    }

    /// The longest time from an entry's first delivery attempt to the start of its last
    /// one: `maxAttempts × (backoffCap + lease)`. The relay enforces it (an entry whose
    /// first attempt is older becomes a dead letter instead of being delivered, e.g. after
    /// the relay was down for long), so every delivery of an event starts within this
    /// window and ends within one more ``deliveryTimeout``.
    public var redeliveryWindow: Duration {
        (backoffCap + lease) * maxAttempts
    }

    /// Refuses settings under which the relay cannot keep its promises.
    public func validate() throws {
        guard lease > deliveryTimeout else {
            throw Invalid(description: "RELAY_LEASE_MS (\(lease)) must exceed RELAY_DELIVERY_TIMEOUT_MS (\(deliveryTimeout)): "
                + "a delivery still running when its claim expires would be delivered again by another relay at once")
        }
        guard backoffCap >= backoffBase else {
            throw Invalid(description: "RELAY_BACKOFF_CAP_MS (\(backoffCap)) must be at least RELAY_BACKOFF_BASE_MS (\(backoffBase))")
        }
    }
}

/// Delivers the outbox to the consumers, at least once, for as long as the service runs.
///
/// One worker per destination, each on its own: a consumer that is down or slow delays
/// only its own events. A worker claims due entries of its destination with a lease
/// (``EventStore/claim(destination:limit:owner:lease:)``), delivers them in outbox order
/// inside the trace of the request that published each, with no transaction open, and
/// records each outcome. A transient failure backs the entry off (with jitter) and pauses
/// the destination, giving its other claimed entries back; a permanent one, or the last
/// of ``RelaySettings/maxAttempts``, makes it a dead letter (`outbox_dead_letters_total`,
/// an error log line). Gauges `outbox_rows{destination,state}` and
/// `outbox_oldest_pending_seconds{destination}` are refreshed every
/// ``RelaySettings/statsInterval``. Run it beside the server (`Application(services:)`).
public struct OutboxRelay: Service {
    let store: any EventStore
    let delivery: any EventDelivery
    let destinations: [String]
    let settings: RelaySettings
    let logger: Logger
    /// Names this relay's claims: unique per process.
    public let owner: String

    /// `destinations`: the consumers this service publishes to (one worker each).
    public init(store: any EventStore, delivery: any EventDelivery, destinations: [String], settings: RelaySettings = RelaySettings(),
                logger: Logger, owner: String? = nil) {
        self.store = store
        self.delivery = delivery
        self.destinations = Array(Set(destinations)).sorted()
        self.settings = settings
        self.logger = logger
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
    }

    public func run() async throws {
        do {
            try settings.validate()
        } catch {
            logger.critical("outbox relay settings refused", metadata: ["error": .string("\(error)")])
            throw error
        }
        if settings.deliverTwice {
            logger.warning("RELAY_DELIVER_TWICE=1: every event is delivered twice (a test of idempotent consumers)")
        }
        // The tables may not exist yet (the service creates them as it starts), or the
        // database may not be up yet: wait for both.
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await store.prepare(seed: [])
                break
            } catch {
                logger.warning("outbox not ready; retrying in 1s", metadata: ["error": .string("\(error)")])
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for destination in destinations {
                group.addTask { await work(for: destination) }
            }
            group.addTask { await refreshStatsPeriodically() }
        }
    }

    /// One destination's worker: passes until the service stops.
    private func work(for destination: String) async {
        var consecutiveFailures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var pause = settings.interval
            do {
                let pass = try await self.pass(destination: destination)
                if pass.paused {
                    // The consumer fails: probe it again after a backoff, not at once.
                    consecutiveFailures += 1
                    pause = outboxBackoff(attempts: consecutiveFailures, base: settings.backoffBase, cap: settings.backoffCap)
                } else {
                    consecutiveFailures = 0
                    // A full batch means more may be waiting: go on at once.
                    let batch = pass.batch
                    if batch.delivered + batch.failed + batch.dead >= settings.batchSize { continue }
                }
            } catch {
                // The database is unreachable, most likely: back off too.
                consecutiveFailures += 1
                pause = outboxBackoff(attempts: consecutiveFailures, base: settings.backoffBase, cap: settings.backoffCap)
                logger.error("outbox relay pass failed", metadata: ["destination": .string(destination), "error": .string("\(error)")])
            }
            try? await cancelWhenGracefulShutdown { [pause] in
                try await Task.sleep(for: pause)
            }
        }
    }

    /// One pass for every destination at once (tests, and a manual drain).
    public func runOnce() async throws -> RelayBatch {
        try await withThrowingTaskGroup(of: RelayBatch.self) { group in
            for destination in destinations {
                group.addTask { try await pass(destination: destination).batch }
            }
            var total = RelayBatch(delivered: 0, failed: 0)
            for try await batch in group { total = total + batch }
            return total
        }
    }

    /// One pass over the due entries of `destination`. `paused`: a transient failure
    /// stopped it, and the rest of the claimed entries were given back.
    func pass(destination: String) async throws -> (batch: RelayBatch, paused: Bool) {
        // The lease is measured from before the claim is sent: the local deadline is never
        // later than the database's.
        let leaseEnd = ContinuousClock.now + settings.lease
        let entries = try await store.claim(destination: destination, limit: settings.batchSize, owner: owner, lease: settings.lease)
        var batch = RelayBatch(delivered: 0, failed: 0)
        for (index, entry) in entries.enumerated() {
            let rest = entries[index...].map(\.sequence)
            if Task.isCancelled || Task.isShuttingDownGracefully || ContinuousClock.now + settings.deliveryTimeout >= leaseEnd {
                try await store.release(rest, owner: owner)
                break
            }
            let metadata: Logger.Metadata = [
                "event_id": .string(entry.event.id), "event_type": .string(entry.event.type), "sequence": .stringConvertible(entry.sequence),
                "destination": .string(entry.destination), "attempt": .stringConvertible(entry.attempts + 1),
            ]
            if entry.sinceFirstAttempt > settings.redeliveryWindow {
                try await deadLetter(entry, error: "redelivery window of \(settings.redeliveryWindow) exceeded "
                                     + "(first attempt \(entry.sinceFirstAttempt) ago): not delivered again", metadata: metadata)
                batch.dead += 1
                continue
            }
            let outcome = await attempt(entry, metadata: metadata)
            if case .failure = outcome, Task.isCancelled {
                // Stopped mid-delivery (not the consumer's fault): no attempt is counted.
                try? await store.release(rest, owner: owner)
                return (batch, false)
            }
            switch outcome {
            case .success:
                if try await !store.markDelivered(entry.sequence, owner: owner) {
                    logger.warning("claim lost before the delivery was recorded; the entry will be delivered again", metadata: metadata)
                }
                batch.delivered += 1
            case .failure(let error) where isPermanent(error) || entry.attempts + 1 >= settings.maxAttempts:
                let reason = isPermanent(error) ? "permanent error" : "\(settings.maxAttempts) attempts failed"
                try await deadLetter(entry, error: "\(reason): \(error)", metadata: metadata)
                batch.dead += 1
            case .failure(let error):
                let after = outboxBackoff(attempts: entry.attempts + 1, base: settings.backoffBase, cap: settings.backoffCap)
                Counter(label: "outbox_deliveries_total", dimensions: [("destination", destination), ("result", "failed")]).increment()
                logger.warning("event not delivered; will retry", metadata: metadata.merging([
                    "error": .string("\(error)"), "retry_in_ms": .stringConvertible(after / .milliseconds(1)),
                ]) { $1 })
                _ = try await store.markFailed(entry.sequence, owner: owner, error: "\(error)", outcome: .retry(after: after))
                batch.failed += 1
                // The consumer is probably down: give the other entries back rather than
                // wait for each to time out; the worker pauses.
                try await store.release(Array(rest.dropFirst()), owner: owner)
                return (batch, true)
            }
        }
        return (batch, false)
    }

    private func deadLetter(_ entry: OutboxEntry, error: String, metadata: Logger.Metadata) async throws {
        guard try await store.markFailed(entry.sequence, owner: owner, error: error, outcome: .dead) else {
            logger.warning("claim lost before the dead letter was recorded", metadata: metadata)
            return
        }
        Counter(label: "outbox_deliveries_total", dimensions: [("destination", entry.destination), ("result", "dead")]).increment()
        Counter(label: "outbox_dead_letters_total", dimensions: [("destination", entry.destination)]).increment()
        logger.error("event is a dead letter: not delivered again until replayed", metadata: metadata.merging(["error": .string(error)]) { $1 })
    }

    /// Delivers `entry` (twice with RELAY_DELIVER_TWICE) inside its publisher's trace,
    /// within the delivery timeout.
    private func attempt(_ entry: OutboxEntry, metadata: Logger.Metadata) async -> Result<Void, any Error> {
        let trace = TraceContext(incoming: entry.traceparent, tracestate: entry.tracestate, requestID: entry.requestID)
        return await TraceContext.$current.withValue(trace) {
            do {
                let applied = try await deliverWithinTimeout(entry)
                Counter(label: "outbox_deliveries_total", dimensions: [("destination", entry.destination), ("result", "delivered")]).increment()
                logger.info("event delivered", metadata: metadata.merging(["applied": .stringConvertible(applied)]) { $1 })
                if settings.deliverTwice {
                    let again = try await deliverWithinTimeout(entry)
                    Counter(label: "outbox_deliveries_total", dimensions: [("destination", entry.destination), ("result", "delivered")]).increment()
                    logger.info("event delivered again (RELAY_DELIVER_TWICE)", metadata: metadata.merging(["applied": .stringConvertible(again)]) { $1 })
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }

    private func deliverWithinTimeout(_ entry: OutboxEntry) async throws -> Bool {
        let delivery = self.delivery
        let timeout = settings.deliveryTimeout
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await delivery.deliver(entry.event, to: entry.destination) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw DeliveryTimedOut(timeout: timeout)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func isPermanent(_ error: any Error) -> Bool {
        (error as? any ClassifiedDeliveryError)?.isPermanent ?? false
    }

    private func refreshStatsPeriodically() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await refreshStats()
            } catch {
                logger.warning("outbox gauges not refreshed", metadata: ["error": .string("\(error)")])
            }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: settings.statsInterval)
            }
        }
    }

    /// Sets the outbox gauges from the store: `outbox_rows{destination,state=pending|dead}`
    /// and `outbox_oldest_pending_seconds{destination}`.
    public func refreshStats() async throws {
        let stats = try await store.outboxStats()
        for destination in Set(destinations).union(stats.keys) {
            let row = stats[destination] ?? OutboxStats()
            Gauge(label: "outbox_rows", dimensions: [("destination", destination), ("state", "pending")]).record(row.pending)
            Gauge(label: "outbox_rows", dimensions: [("destination", destination), ("state", "dead")]).record(row.dead)
            Gauge(label: "outbox_oldest_pending_seconds", dimensions: [("destination", destination)]).record(row.oldestPendingSeconds)
        }
    }
}

/// How long delivered outbox rows and processed events are kept, from environment
/// variables. Dead letters and rows not delivered are never deleted.
public struct RetentionSettings: Sendable, Equatable {
    /// `OUTBOX_RETENTION_SECONDS`: delivered outbox rows older than this are deleted
    /// (default 7 days).
    public var outbox: Duration = .seconds(7 * 86_400)
    /// `PROCESSED_EVENTS_RETENTION_SECONDS`: processed events older than this are deleted
    /// (default 14 days). It must exceed the publishers' ``RelaySettings/redeliveryWindow``
    /// plus their lease (checked at start, with this service's `RELAY_*` values, which must
    /// be the publishers'): a redelivery always finds the event's row, so it is ignored.
    public var processedEvents: Duration = .seconds(14 * 86_400)
    /// `RETENTION_INTERVAL_SECONDS`: the pause between clean-ups (default 10 minutes).
    public var interval: Duration = .seconds(600)
    /// `RETENTION_BATCH_SIZE`: the most rows one DELETE removes (default 1000).
    public var batchSize = 1000
    /// The publishers' relay settings (`RELAY_*`).
    public var relay = RelaySettings()

    public init() {}

    public init(environment get: (String) -> String?) {
        func seconds(_ name: String) -> Duration? {
            get(name).flatMap(Int64.init).flatMap { $0 > 0 ? .seconds($0) : nil }
        }
        outbox = seconds("OUTBOX_RETENTION_SECONDS") ?? outbox
        processedEvents = seconds("PROCESSED_EVENTS_RETENTION_SECONDS") ?? processedEvents
        interval = seconds("RETENTION_INTERVAL_SECONDS") ?? interval
        if let value = get("RETENTION_BATCH_SIZE").flatMap(Int.init), value > 0 { batchSize = value }
        relay = RelaySettings(environment: get)
    }

    /// Refuses a processed-events retention that a redelivery could outlive.
    public func validate() throws {
        let needed = relay.redeliveryWindow + relay.lease
        guard processedEvents > needed else {
            throw RelaySettings.Invalid(description:
                "PROCESSED_EVENTS_RETENTION_SECONDS (\(processedEvents)) must exceed the redelivery window "
                + "RELAY_MAX_ATTEMPTS × (RELAY_BACKOFF_CAP_MS + RELAY_LEASE_MS) + RELAY_LEASE_MS = \(needed): "
                + "an event redelivered after its processed_events row is deleted would be applied twice")
        }
    }
}

/// Deletes delivered outbox rows and old processed events, in bounded batches, every
/// ``RetentionSettings/interval`` (the first time shortly after the start). Run it beside
/// the server in every service that uses events.
public struct EventRetention: Service {
    let store: any EventStore
    let settings: RetentionSettings
    let logger: Logger

    public init(store: any EventStore, settings: RetentionSettings = RetentionSettings(), logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        do {
            try settings.validate()
        } catch {
            logger.critical("retention settings refused", metadata: ["error": .string("\(error)")])
            throw error
        }
        var pause = min(settings.interval, .seconds(10))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { [pause] in
                try await Task.sleep(for: pause)
            }
            pause = settings.interval
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            do {
                _ = try await runOnce()
            } catch {
                logger.warning("retention pass failed", metadata: ["error": .string("\(error)")])
            }
        }
    }

    /// Deletes what is older than the retention, batch after batch, until nothing is left
    /// (at most 100 batches a pass, so a backlog is worked off over several passes).
    public func runOnce() async throws -> (outbox: Int, processed: Int) {
        var total = (outbox: 0, processed: 0)
        for _ in 0..<100 {
            let deleted = try await store.purge(deliveredOlderThan: settings.outbox, processedOlderThan: settings.processedEvents,
                                                limit: settings.batchSize)
            total.outbox += deleted.outbox
            total.processed += deleted.processed
            if deleted.outbox < settings.batchSize && deleted.processed < settings.batchSize { break }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
        }
        if total.outbox > 0 || total.processed > 0 {
            Counter(label: "retention_deleted_total", dimensions: [("table", "outbox")]).increment(by: total.outbox)
            Counter(label: "retention_deleted_total", dimensions: [("table", "processed_events")]).increment(by: total.processed)
            logger.info("retention: old rows deleted", metadata: [
                "outbox_rows": .stringConvertible(total.outbox), "processed_events_rows": .stringConvertible(total.processed),
            ])
        }
        return total
    }
}

/// The consumer side: processes each delivered event once.
public struct EventInbox: Sendable {
    let store: any EventStore
    let logger: Logger

    public init(store: any EventStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Applies `event` unless it was processed before; returns whether it was applied.
    public func receive(_ event: DomainEvent) async throws -> Bool {
        let applied = try await store.processOnce(event, trace: TraceContext.current)
        Counter(label: "events_received_total", dimensions: [("type", event.type), ("result", applied ? "applied" : "duplicate")]).increment()
        logger.info(applied ? "event applied" : "event already processed; ignored", metadata: [
            "event_id": .string(event.id), "event_type": .string(event.type),
            "source": .string(event.source), "subject": .string(event.subject),
        ])
        return applied
    }
}
