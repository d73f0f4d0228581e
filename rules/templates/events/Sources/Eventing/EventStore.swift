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
    public var requestID: String?
    /// Earlier delivery attempts that failed.
    public var attempts: Int

    public init(sequence: Int64, destination: String, event: DomainEvent, traceparent: String?, requestID: String?, attempts: Int) {
        self.sequence = sequence
        self.destination = destination
        self.event = event
        self.traceparent = traceparent
        self.requestID = requestID
        self.attempts = attempts
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

/// A service's own data when it takes part in events: its items, the outbox of the events
/// it publishes, and the events it has processed with what they did.
///
/// Two implementations: ``PostgresEventStore`` (the service's database in `DATABASE_URL`)
/// and ``InMemoryEventStore`` (tests and local runs without a database).
public protocol EventStore: Sendable {
    /// Creates the tables and adds `seed` items that are missing. Safe to run on every start.
    func prepare(seed: [StoredItem]) async throws

    func item(id: String) async throws -> StoredItem?
    func items() async throws -> [StoredItem]

    /// Stores `item` and, when `event` is given, one outbox entry per destination, in one
    /// transaction: all or nothing. Returns false, storing nothing, when the id is taken.
    func create(_ item: StoredItem, publishing event: DomainEvent?, to destinations: [String], trace: TraceContext?) async throws -> Bool

    /// Hands up to `limit` due outbox entries, oldest first, to `deliver` and records each
    /// outcome: a delivered entry is never handed out again; a failed one comes back after
    /// a backoff (1 s, 2 s, 4 s... at most 60 s). While entries are handed out they are
    /// locked, so relays in several replicas never deliver the same entry at once.
    func relay(limit: Int, deliver: @Sendable (OutboxEntry) async -> Bool) async throws -> RelayBatch

    /// Records `event` as processed and applies its effect, in one transaction. Returns
    /// false, changing nothing, when the event was processed before: the idempotent
    /// consumer. The effect here: an ``Activity`` row, and an item for the event's subject
    /// when the service has none (replace it with what your consumer does).
    func processOnce(_ event: DomainEvent, trace: TraceContext?) async throws -> Bool

    /// What processed events did, oldest first.
    func activity() async throws -> [Activity]

    /// Outbox entries not delivered yet.
    func pendingCount() async throws -> Int
}

/// What one relay pass did.
public struct RelayBatch: Sendable, Equatable {
    public var delivered: Int
    public var failed: Int

    public init(delivered: Int, failed: Int) {
        self.delivered = delivered
        self.failed = failed
    }
}

/// The seconds before the next attempt after `attempts` failed ones: 1, 2, 4... 60.
public func outboxBackoffSeconds(attempts: Int) -> Int {
    min(60, 1 << min(max(attempts - 1, 0), 6))
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
