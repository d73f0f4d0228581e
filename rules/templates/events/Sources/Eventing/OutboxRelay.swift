import Logging
import Metrics
import Observability
import ServiceLifecycle

/// Hands an event to one consumer.
public protocol EventDelivery: Sendable {
    /// Delivers `event` to the consumer `destination`; returns whether the consumer applied
    /// it (false: it had processed it before). Throws when it was not delivered, and the
    /// relay tries again later. Runs with ``TraceContext/current`` set to the trace of the
    /// request that published the event: send a child of it as `traceparent`.
    func deliver(_ event: DomainEvent, to destination: String) async throws -> Bool
}

/// How the relay polls the outbox, from `RELAY_*` environment variables.
public struct RelaySettings: Sendable {
    /// `RELAY_INTERVAL_MS`: the pause between passes when the outbox is drained.
    public var interval: Duration = .milliseconds(500)
    /// `RELAY_BATCH_SIZE`: the most entries one pass delivers.
    public var batchSize = 50
    /// `RELAY_DELIVER_TWICE=1`: deliver every event twice, as a relay that crashed after
    /// delivering would. For testing that consumers are idempotent; never in production.
    public var deliverTwice = false

    public init() {}

    /// Reads the settings with `get` (e.g. Hummingbird's `Environment().get`).
    public init(environment get: (String) -> String?) {
        if let value = get("RELAY_INTERVAL_MS").flatMap(Int.init), value > 0 { interval = .milliseconds(value) }
        if let value = get("RELAY_BATCH_SIZE").flatMap(Int.init), value > 0 { batchSize = value }
        deliverTwice = get("RELAY_DELIVER_TWICE") == "1"
    }
}

/// Delivers the outbox to the consumers, at least once, for as long as the service runs.
///
/// Each pass takes the due entries in outbox order, delivers each inside the trace of the
/// request that published it, and records the outcome; a consumer that fails gets the
/// entry again after a backoff. Run it beside the server (`Application(services:)`).
public struct OutboxRelay: Service {
    let store: any EventStore
    let delivery: any EventDelivery
    let settings: RelaySettings
    let logger: Logger

    public init(store: any EventStore, delivery: any EventDelivery, settings: RelaySettings = RelaySettings(), logger: Logger) {
        self.store = store
        self.delivery = delivery
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
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
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var batch = RelayBatch(delivered: 0, failed: 0)
            do {
                batch = try await runOnce()
            } catch {
                logger.error("outbox relay pass failed", metadata: ["error": .string("\(error)")])
            }
            // A full batch means more may be waiting: go on at once.
            if batch.delivered + batch.failed < settings.batchSize {
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: settings.interval)
                }
            }
        }
    }

    /// One pass over the due entries.
    public func runOnce() async throws -> RelayBatch {
        try await store.relay(limit: settings.batchSize) { entry in
            let trace = TraceContext(incoming: entry.traceparent, requestID: entry.requestID)
            return await TraceContext.$current.withValue(trace) {
                await deliver(entry)
            }
        }
    }

    private func deliver(_ entry: OutboxEntry) async -> Bool {
        let metadata: Logger.Metadata = [
            "event_id": .string(entry.event.id), "event_type": .string(entry.event.type),
            "destination": .string(entry.destination), "attempt": .stringConvertible(entry.attempts + 1),
        ]
        do {
            let applied = try await delivery.deliver(entry.event, to: entry.destination)
            Counter(label: "outbox_deliveries_total", dimensions: [("destination", entry.destination), ("result", "delivered")]).increment()
            logger.info("event delivered", metadata: metadata.merging(["applied": .stringConvertible(applied)]) { $1 })
            if settings.deliverTwice {
                let again = try await delivery.deliver(entry.event, to: entry.destination)
                Counter(label: "outbox_deliveries_total", dimensions: [("destination", entry.destination), ("result", "delivered")]).increment()
                logger.info("event delivered again (RELAY_DELIVER_TWICE)", metadata: metadata.merging(["applied": .stringConvertible(again)]) { $1 })
            }
            return true
        } catch {
            Counter(label: "outbox_deliveries_total", dimensions: [("destination", entry.destination), ("result", "failed")]).increment()
            logger.warning("event not delivered; will retry", metadata: metadata.merging(["error": .string("\(error)")]) { $1 })
            return false
        }
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
