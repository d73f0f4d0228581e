import Foundation
import Logging
import Observability
import PostgresNIO
import Storage

/// An ``EventStore`` in the service's own PostgreSQL database (postgres-nio).
///
/// The transactional outbox: ``create(_:publishing:to:trace:)`` writes the item and its
/// outbox rows in one transaction. The relay reads due rows with
/// `FOR UPDATE SKIP LOCKED`, so relays in several replicas share the work without
/// delivering a row twice at the same moment; a row is marked delivered in the same
/// transaction, after the consumer accepted it. If the process dies between the two, the
/// row is delivered again: at least once, which is why consumers deduplicate.
public struct PostgresEventStore: EventStore {
    let client: PostgresClient
    let service: String
    let logger: Logger

    public init(client: PostgresClient, service: String, logger: Logger) {
        self.client = client
        self.service = service
        self.logger = logger
    }

    /// The tables of migration 1 (``migrations``); a later change to the schema is a new
    /// migration, not an edit of these.
    public static let schema: [PostgresQuery] = [
        """
        CREATE TABLE IF NOT EXISTS items (
            id text PRIMARY KEY,
            name text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // The transactional outbox: one row per event and consumer.
        """
        CREATE TABLE IF NOT EXISTS outbox (
            sequence bigserial PRIMARY KEY,
            event_id text NOT NULL,
            destination text NOT NULL,
            type text NOT NULL,
            payload jsonb NOT NULL,
            traceparent text,
            request_id text,
            created_at timestamptz NOT NULL DEFAULT now(),
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            delivered_at timestamptz,
            UNIQUE (event_id, destination)
        )
        """,
        "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL",
        // The idempotent consumer: one row per event processed, written in the same
        // transaction as the effect, so an event's effect happens once.
        """
        CREATE TABLE IF NOT EXISTS processed_events (
            event_id text PRIMARY KEY,
            type text NOT NULL,
            source text NOT NULL,
            processed_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS activity (
            id bigserial PRIMARY KEY,
            event_id text NOT NULL,
            type text NOT NULL,
            source text NOT NULL,
            subject text NOT NULL,
            traceparent text,
            received_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ]

    /// The schema as ``Migrator`` applies it, under its advisory lock, once per database.
    public static var migrations: [Migration] {
        [Migration(version: 1, name: "items, outbox, processed events", statements: schema)]
    }

    public func prepare(seed: [StoredItem]) async throws {
        try await Migrator.migrate(Self.migrations, component: service, on: client, logger: logger)
        for item in seed {
            try await client.query(
                "INSERT INTO items (id, name) VALUES (\(item.id), \(item.name)) ON CONFLICT (id) DO NOTHING",
                logger: logger)
        }
    }

    public func item(id: String) async throws -> StoredItem? {
        let rows = try await client.query("SELECT id, name FROM items WHERE id = \(id)", logger: logger)
        for try await (id, name) in rows.decode((String, String).self) {
            return StoredItem(id: id, name: name)
        }
        return nil
    }

    public func items() async throws -> [StoredItem] {
        let rows = try await client.query("SELECT id, name FROM items ORDER BY id", logger: logger)
        var items: [StoredItem] = []
        for try await (id, name) in rows.decode((String, String).self) {
            items.append(StoredItem(id: id, name: name))
        }
        return items
    }

    public func create(_ item: StoredItem, publishing event: DomainEvent?, to destinations: [String], trace: TraceContext?) async throws -> Bool {
        let payload = try event.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await client.withTransaction(logger: logger) { connection in
            let inserted = try await connection.query(
                "INSERT INTO items (id, name) VALUES (\(item.id), \(item.name)) ON CONFLICT (id) DO NOTHING RETURNING id",
                logger: logger)
            var created = false
            for try await _ in inserted { created = true }
            guard created else { return false }
            if let event, let payload {
                for destination in destinations {
                    try await connection.query(
                        """
                        INSERT INTO outbox (event_id, destination, type, payload, traceparent, request_id)
                        VALUES (\(event.id), \(destination), \(event.type), \(payload)::jsonb, \(trace?.traceparent), \(trace?.requestID))
                        """,
                        logger: logger)
                }
            }
            return true
        }
    }

    public func relay(limit: Int, deliver: @Sendable (OutboxEntry) async -> Bool) async throws -> RelayBatch {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT sequence, destination, payload::text, traceparent, request_id, attempts
                FROM outbox
                WHERE delivered_at IS NULL AND next_attempt_at <= now()
                ORDER BY sequence
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """,
                logger: logger)
            var entries: [OutboxEntry] = []
            for try await (sequence, destination, payload, traceparent, requestID, attempts)
                in rows.decode((Int64, String, String, String?, String?, Int32).self) {
                let event = try JSONDecoder().decode(DomainEvent.self, from: Data(payload.utf8))
                entries.append(OutboxEntry(sequence: sequence, destination: destination, event: event,
                                           traceparent: traceparent, requestID: requestID, attempts: Int(attempts)))
            }
            var batch = RelayBatch(delivered: 0, failed: 0)
            for entry in entries {
                if await deliver(entry) {
                    try await connection.query(
                        "UPDATE outbox SET delivered_at = now() WHERE sequence = \(entry.sequence)", logger: logger)
                    batch.delivered += 1
                } else {
                    let delay = outboxBackoffSeconds(attempts: entry.attempts + 1)
                    try await connection.query(
                        """
                        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => \(Double(delay)))
                        WHERE sequence = \(entry.sequence)
                        """,
                        logger: logger)
                    batch.failed += 1
                }
            }
            return batch
        }
    }

    public func processOnce(_ event: DomainEvent, trace: TraceContext?) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            // A second delivery of the same event waits here for the first transaction and
            // then inserts nothing: the event is processed once.
            let inserted = try await connection.query(
                """
                INSERT INTO processed_events (event_id, type, source) VALUES (\(event.id), \(event.type), \(event.source))
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id
                """,
                logger: logger)
            var isNew = false
            for try await _ in inserted { isNew = true }
            guard isNew else { return false }
            // The effect: what this consumer does with the event.
            try await connection.query(
                """
                INSERT INTO activity (event_id, type, source, subject, traceparent)
                VALUES (\(event.id), \(event.type), \(event.source), \(event.subject), \(trace?.traceparent))
                """,
                logger: logger)
            let name = "\(service) for \(event.source) \(event.subject)"
            try await connection.query(
                "INSERT INTO items (id, name) VALUES (\(event.subject), \(name)) ON CONFLICT (id) DO NOTHING",
                logger: logger)
            return true
        }
    }

    public func activity() async throws -> [Activity] {
        let rows = try await client.query(
            "SELECT event_id, type, source, subject, traceparent FROM activity ORDER BY id", logger: logger)
        var activities: [Activity] = []
        for try await (eventID, type, source, subject, traceparent) in rows.decode((String, String, String, String, String?).self) {
            activities.append(Activity(eventID: eventID, type: type, source: source, subject: subject, traceparent: traceparent))
        }
        return activities
    }

    public func pendingCount() async throws -> Int {
        let rows = try await client.query("SELECT count(*) FROM outbox WHERE delivered_at IS NULL", logger: logger)
        for try await count in rows.decode(Int64.self) {
            return Int(count)
        }
        return 0
    }
}
