import Foundation
import Logging
import Observability
import PostgresNIO
import ServiceLifecycle
import Storage

/// One item of a service (the domain data the events are about).
public struct StoredItem: Sendable, Equatable, Codable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// One event on its way to one consumer: a row of the outbox.
public struct OutboxEntry: Sendable, Equatable {
    /// The row's place in the outbox (delivery follows it, per consumer).
    public var sequence: Int64
    /// The consumer, by service name.
    public var destination: String
    public var event: DomainEvent
    /// The W3C `traceparent` of the request that published the event: the delivery
    /// continues that trace, so the consumer's log lines share its trace id.
    public var traceparent: String?
    /// The W3C `tracestate` of that request (vendor data), sent on with the delivery.
    public var tracestate: String?
    public var requestID: String?
    /// Earlier delivery attempts that failed.
    public var attempts: Int
    /// How long ago the entry was first claimed for delivery (zero at the first claim).
    public var sinceFirstAttempt: Duration

    public init(sequence: Int64, destination: String, event: DomainEvent, traceparent: String?, tracestate: String? = nil,
                requestID: String?, attempts: Int, sinceFirstAttempt: Duration = .zero) {
        self.sequence = sequence
        self.destination = destination
        self.event = event
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.requestID = requestID
        self.attempts = attempts
        self.sinceFirstAttempt = sinceFirstAttempt
    }
}

/// What the consumer did with an event: the visible effect of processing it once.
public struct Activity: Sendable, Equatable {
    public var eventID: String
    public var type: String
    public var source: String
    public var subject: String
    public var traceparent: String?
}

/// What becomes of an outbox row whose delivery failed.
public enum DeliveryFailureOutcome: Sendable, Equatable {
    /// Due again after `after` (the backoff).
    case retry(after: Duration)
    /// A dead letter: never handed out again until an operator replays it (see
    /// ``PostgresEventStore``).
    case dead
}

/// Outbox rows of one destination by state, for the gauges.
public struct OutboxStats: Sendable, Equatable {
    /// Not delivered and not dead (due, backing off or claimed).
    public var pending: Int
    /// Dead letters.
    public var dead: Int
    /// Age in seconds of the oldest pending row (0 when none).
    public var oldestPendingSeconds: Double

    public init(pending: Int = 0, dead: Int = 0, oldestPendingSeconds: Double = 0) {
        self.pending = pending
        self.dead = dead
        self.oldestPendingSeconds = oldestPendingSeconds
    }
}

/// A service's own data when it takes part in events: its items, the outbox of the events
/// it publishes, and the events it has processed with what they did.
///
/// Two implementations with the same semantics: ``PostgresEventStore`` (the service's
/// database in `DATABASE_URL`) and ``InMemoryEventStore`` (tests and local runs without a
/// database).
///
/// The relay's protocol, at least once: ``claim(destination:limit:owner:lease:)`` takes due
/// rows for a time (the lease) in one short statement; the relay delivers them outside any
/// transaction and records each outcome with ``markDelivered(_:owner:)`` or
/// ``markFailed(_:owner:error:outcome:)``, which change a row only while `owner` still
/// holds its claim. A relay that dies holding claims loses them when the lease expires and
/// another relay (or itself, restarted) takes the rows again: consumers deduplicate.
public protocol EventStore: Sendable {
    /// Creates the tables and adds `seed` items that are missing. Safe to run on every start.
    func prepare(seed: [StoredItem]) async throws

    func item(id: String) async throws -> StoredItem?
    func items() async throws -> [StoredItem]

    /// Stores `item` and, when `event` is given, one outbox entry per destination, in one
    /// transaction: all or nothing. Returns false, storing nothing, when the id is taken.
    func create(_ item: StoredItem, publishing event: DomainEvent?, to destinations: [String], trace: TraceContext?) async throws -> Bool

    /// Claims up to `limit` due rows of `destination` for `owner` until `lease` has passed,
    /// oldest first: not delivered, not dead, due (`next_attempt_at` passed) and not claimed
    /// by anyone else (or their claim expired). Rows claimed at the same moment by another
    /// relay are skipped, never handed out twice.
    func claim(destination: String, limit: Int, owner: String, lease: Duration) async throws -> [OutboxEntry]

    /// Marks a row delivered and ends the claim. False, changing nothing, when `owner` no
    /// longer holds the claim (the lease expired and another relay took the row).
    func markDelivered(_ sequence: Int64, owner: String) async throws -> Bool

    /// Records a failed attempt (`attempts + 1`, `error` as the row's last error) and ends
    /// the claim: the row is due again after the backoff, or is a dead letter. False,
    /// changing nothing, when `owner` no longer holds the claim.
    func markFailed(_ sequence: Int64, owner: String, error: String, outcome: DeliveryFailureOutcome) async throws -> Bool

    /// Ends `owner`'s claims on `sequences` without counting an attempt (rows the relay did
    /// not get to): they are due again at once.
    func release(_ sequences: [Int64], owner: String) async throws

    /// Records `event` as processed and applies its effect, in one transaction. Returns
    /// false, changing nothing, when the event was processed before: the idempotent
    /// consumer. The effect here: an ``Activity`` row, and an item for the event's subject
    /// when the service has none (replace it with what your consumer does).
    func processOnce(_ event: DomainEvent, trace: TraceContext?) async throws -> Bool

    /// What processed events did, oldest first.
    func activity() async throws -> [Activity]

    /// Outbox entries neither delivered nor dead.
    func pendingCount() async throws -> Int

    /// The outbox by destination and state (destinations with rows only).
    func outboxStats() async throws -> [String: OutboxStats]

    /// Retention: deletes up to `limit` outbox rows delivered more than `delivered` ago and
    /// up to `limit` processed events recorded more than `processed` ago; returns how many
    /// of each. Dead letters and rows not delivered are never deleted.
    func purge(deliveredOlderThan delivered: Duration, processedOlderThan processed: Duration, limit: Int) async throws -> (outbox: Int, processed: Int)
}

/// What one relay pass did.
public struct RelayBatch: Sendable, Equatable {
    public var delivered: Int
    /// Failed attempts that will be retried.
    public var failed: Int
    /// Rows that became dead letters.
    public var dead: Int

    public init(delivered: Int, failed: Int, dead: Int = 0) {
        self.delivered = delivered
        self.failed = failed
        self.dead = dead
    }

    static func + (lhs: RelayBatch, rhs: RelayBatch) -> RelayBatch {
        RelayBatch(delivered: lhs.delivered + rhs.delivered, failed: lhs.failed + rhs.failed, dead: lhs.dead + rhs.dead)
    }
}

/// The wait before the attempt that follows `attempts` failed ones: "full jitter" over an
/// exponential ceiling, `uniform(base, min(cap, base * 2^(attempts-1)))`. Random, so that
/// relays do not retry a consumer that comes back all at the same moment; never less than
/// `base` (a failing consumer is not hammered) and never more than `cap`.
public func outboxBackoff(attempts: Int, base: Duration, cap: Duration,
                          using generator: inout some RandomNumberGenerator) -> Duration {
    let baseSeconds = max(base / .seconds(1), 0.001)
    let capSeconds = max(cap / .seconds(1), baseSeconds)
    let exponent = Double(min(max(attempts - 1, 0), 62))
    let ceiling = min(capSeconds, baseSeconds * pow(2, exponent))
    let seconds = ceiling > baseSeconds ? Double.random(in: baseSeconds...ceiling, using: &generator) : baseSeconds
    return .milliseconds(Int64((seconds * 1000).rounded()))
}

/// ``outboxBackoff(attempts:base:cap:using:)`` with the system's random numbers.
public func outboxBackoff(attempts: Int, base: Duration, cap: Duration) -> Duration {
    var generator = SystemRandomNumberGenerator()
    return outboxBackoff(attempts: attempts, base: base, cap: cap, using: &generator)
}

/// Chooses the store from `DATABASE_URL` and `APP_ENV` (``RunMode``).
public enum EventStoreSetup {
    /// A PostgreSQL store when `databaseURL` is set (with the client, a service to run
    /// beside the server); in development mode without a URL, the in-memory store. Throws
    /// ``StorageError`` in production without a URL.
    public static func make(service: String, databaseURL: String?, mode: RunMode, logger: Logger) throws -> (store: any EventStore, services: [any Service]) {
        guard let client = try ServiceDatabase.client(owner: service, databaseURL: databaseURL, mode: mode, logger: logger) else {
            return (InMemoryEventStore(service: service), [])
        }
        return (PostgresEventStore(client: client, service: service, logger: logger), [client])
    }
}
