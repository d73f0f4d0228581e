import Foundation
import Logging
import Observability
import PostgresNIO
import Storage

/// An ``EventStore`` in the service's own PostgreSQL database (postgres-nio).
///
/// The transactional outbox: ``create(_:publishing:to:trace:)`` writes the item and its
/// outbox rows in one transaction. The relay never holds a transaction or a row lock
/// while it delivers: it claims due rows with a lease in one autocommit statement
/// (`UPDATE ... WHERE sequence IN (SELECT ... FOR UPDATE SKIP LOCKED)`, so relays in
/// several replicas take different rows), delivers them, and records each outcome in its
/// own statement, guarded by the claim (`AND claimed_by = <relay>`). A relay that dies
/// after delivering and before recording leaves a claim that expires; the row is then
/// delivered again: at least once, which is why consumers deduplicate.
///
/// Dead letters (`dead_at` set, the cause in `last_error`) wait for an operator. To
/// replay one after fixing the cause (the consumer ignores it if it had processed it):
///
///     UPDATE outbox SET dead_at = NULL, attempts = 0, last_error = NULL, next_attempt_at = now()
///     WHERE sequence = 1234;   -- or: WHERE dead_at IS NOT NULL AND destination = 'billing'
///
/// A replay later than the consumer's `PROCESSED_EVENTS_RETENTION` may be applied twice.
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
        // The transactional outbox: one row per event and consumer. A row is pending until
        // `delivered_at` or `dead_at` is set; `claimed_by`/`claimed_until` is the lease of
        // the relay delivering it.
        """
        CREATE TABLE IF NOT EXISTS outbox (
            sequence bigserial PRIMARY KEY,
            event_id text NOT NULL,
            destination text NOT NULL,
            type text NOT NULL,
            payload jsonb NOT NULL,
            traceparent text,
            tracestate text,
            request_id text,
            created_at timestamptz NOT NULL DEFAULT now(),
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            first_attempt_at timestamptz,
            claimed_by text,
            claimed_until timestamptz,
            last_error text,
            delivered_at timestamptz,
            dead_at timestamptz,
            UNIQUE (event_id, destination),
            CHECK (delivered_at IS NULL OR dead_at IS NULL)
        )
        """,
        // The relay's claim: pending rows of one destination in sequence order.
        "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (destination, sequence) WHERE delivered_at IS NULL AND dead_at IS NULL",
        // Retention: delivered rows by age.
        "CREATE INDEX IF NOT EXISTS outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL",
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
        // Retention: processed events by age.
        "CREATE INDEX IF NOT EXISTS processed_events_age ON processed_events (processed_at)",
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
                        INSERT INTO outbox (event_id, destination, type, payload, traceparent, tracestate, request_id)
                        VALUES (\(event.id), \(destination), \(event.type), \(payload)::jsonb, \(trace?.traceparent),
                                \(trace?.tracestate), \(trace?.requestID))
                        """,
                        logger: logger)
                }
            }
            return true
        }
    }

    public func claim(destination: String, limit: Int, owner: String, lease: Duration) async throws -> [OutboxEntry] {
        // One autocommit statement: the row locks last as long as the statement, not the
        // delivery. SKIP LOCKED: a row another relay is claiming right now is left to it.
        let rows = try await client.query(
            """
            UPDATE outbox SET claimed_by = \(owner), claimed_until = now() + make_interval(secs => \(lease / .seconds(1))),
                first_attempt_at = coalesce(first_attempt_at, now())
            WHERE sequence IN (
                SELECT sequence FROM outbox
                WHERE destination = \(destination) AND delivered_at IS NULL AND dead_at IS NULL
                  AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY sequence
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING sequence, destination, payload::text, traceparent, tracestate, request_id, attempts,
                extract(epoch FROM now() - first_attempt_at)::float8
            """,
            logger: logger)
        var entries: [OutboxEntry] = []
        for try await (sequence, destination, payload, traceparent, tracestate, requestID, attempts, sinceFirst)
            in rows.decode((Int64, String, String, String?, String?, String?, Int32, Double).self) {
            let event = try JSONDecoder().decode(DomainEvent.self, from: Data(payload.utf8))
            entries.append(OutboxEntry(sequence: sequence, destination: destination, event: event, traceparent: traceparent,
                                       tracestate: tracestate, requestID: requestID, attempts: Int(attempts),
                                       sinceFirstAttempt: .milliseconds(Int64((sinceFirst * 1000).rounded()))))
        }
        return entries.sorted { $0.sequence < $1.sequence }
    }

    public func markDelivered(_ sequence: Int64, owner: String) async throws -> Bool {
        try await changed(
            """
            UPDATE outbox SET delivered_at = now(), claimed_by = NULL, claimed_until = NULL
            WHERE sequence = \(sequence) AND claimed_by = \(owner) AND delivered_at IS NULL AND dead_at IS NULL
            RETURNING sequence
            """)
    }

    public func markFailed(_ sequence: Int64, owner: String, error: String, outcome: DeliveryFailureOutcome) async throws -> Bool {
        let message = String(error.prefix(2000))
        switch outcome {
        case .retry(let after):
            return try await changed(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = \(message), claimed_by = NULL, claimed_until = NULL,
                    next_attempt_at = now() + make_interval(secs => \(after / .seconds(1)))
                WHERE sequence = \(sequence) AND claimed_by = \(owner) AND delivered_at IS NULL AND dead_at IS NULL
                RETURNING sequence
                """)
        case .dead:
            return try await changed(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = \(message), claimed_by = NULL, claimed_until = NULL,
                    dead_at = now()
                WHERE sequence = \(sequence) AND claimed_by = \(owner) AND delivered_at IS NULL AND dead_at IS NULL
                RETURNING sequence
                """)
        }
    }

    public func release(_ sequences: [Int64], owner: String) async throws {
        guard !sequences.isEmpty else { return }
        try await client.query(
            """
            UPDATE outbox SET claimed_by = NULL, claimed_until = NULL
            WHERE sequence = ANY(\(sequences)) AND claimed_by = \(owner)
            """,
            logger: logger)
    }

    /// Runs an `UPDATE ... RETURNING` and tells whether it changed a row.
    private func changed(_ query: PostgresQuery) async throws -> Bool {
        let rows = try await client.query(query, logger: logger)
        var changed = false
        for try await _ in rows { changed = true }
        return changed
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
        let rows = try await client.query("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL", logger: logger)
        for try await count in rows.decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    public func outboxStats() async throws -> [String: OutboxStats] {
        let rows = try await client.query(
            """
            SELECT destination,
                   count(*) FILTER (WHERE dead_at IS NULL),
                   count(*) FILTER (WHERE dead_at IS NOT NULL),
                   coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE dead_at IS NULL))::float8, 0)
            FROM outbox WHERE delivered_at IS NULL
            GROUP BY destination
            """,
            logger: logger)
        var stats: [String: OutboxStats] = [:]
        for try await (destination, pending, dead, oldest) in rows.decode((String, Int64, Int64, Double).self) {
            stats[destination] = OutboxStats(pending: Int(pending), dead: Int(dead), oldestPendingSeconds: oldest)
        }
        return stats
    }

    public func purge(deliveredOlderThan delivered: Duration, processedOlderThan processed: Duration, limit: Int) async throws -> (outbox: Int, processed: Int) {
        // Bounded batches: each statement deletes at most `limit` rows, so it holds its
        // locks briefly and never bloats one transaction.
        let outbox = try await count(
            """
            DELETE FROM outbox WHERE sequence IN (
                SELECT sequence FROM outbox
                WHERE delivered_at < now() - make_interval(secs => \(delivered / .seconds(1)))
                ORDER BY delivered_at LIMIT \(limit))
            RETURNING sequence
            """)
        let processedEvents = try await count(
            """
            DELETE FROM processed_events WHERE event_id IN (
                SELECT event_id FROM processed_events
                WHERE processed_at < now() - make_interval(secs => \(processed / .seconds(1)))
                ORDER BY processed_at LIMIT \(limit))
            RETURNING event_id
            """)
        return (outbox, processedEvents)
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        let rows = try await client.query(query, logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
