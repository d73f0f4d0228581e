import Foundation
import Observability

/// An ``EventStore`` in memory: the same rules as ``PostgresEventStore`` (all or nothing,
/// delivered entries never handed out again, each event processed once), for tests and
/// for local runs without a database. Everything is lost when the process stops.
public actor InMemoryEventStore: EventStore {
    private let service: String
    private var itemsByID: [String: StoredItem] = [:]
    private var outbox: [Row] = []
    private var nextSequence: Int64 = 1
    private var processed: Set<String> = []
    private var activities: [Activity] = []

    private struct Row {
        var entry: OutboxEntry
        var dueAt: ContinuousClock.Instant
        var delivered = false
        var inFlight = false
    }

    /// A store for `service`, with `items` in it.
    public init(service: String, items: [StoredItem] = []) {
        self.service = service
        for item in items { itemsByID[item.id] = item }
    }

    public func prepare(seed: [StoredItem]) {
        for item in seed where itemsByID[item.id] == nil { itemsByID[item.id] = item }
    }

    public func item(id: String) -> StoredItem? {
        itemsByID[id]
    }

    public func items() -> [StoredItem] {
        itemsByID.values.sorted { $0.id < $1.id }
    }

    public func create(_ item: StoredItem, publishing event: DomainEvent?, to destinations: [String], trace: TraceContext?) -> Bool {
        guard itemsByID[item.id] == nil else { return false }
        itemsByID[item.id] = item
        if let event {
            for destination in destinations {
                let entry = OutboxEntry(sequence: nextSequence, destination: destination, event: event,
                                        traceparent: trace?.traceparent, requestID: trace?.requestID, attempts: 0)
                outbox.append(Row(entry: entry, dueAt: .now))
                nextSequence += 1
            }
        }
        return true
    }

    public func relay(limit: Int, deliver: @Sendable (OutboxEntry) async -> Bool) async -> RelayBatch {
        let now = ContinuousClock.now
        let due = outbox.indices.filter { !outbox[$0].delivered && !outbox[$0].inFlight && outbox[$0].dueAt <= now }.prefix(limit)
        for index in due { outbox[index].inFlight = true }
        var batch = RelayBatch(delivered: 0, failed: 0)
        for index in due {
            // The actor is re-entered while `deliver` waits; `inFlight` keeps the entry ours.
            let ok = await deliver(outbox[index].entry)
            outbox[index].inFlight = false
            if ok {
                outbox[index].delivered = true
                batch.delivered += 1
            } else {
                outbox[index].entry.attempts += 1
                outbox[index].dueAt = .now + .seconds(outboxBackoffSeconds(attempts: outbox[index].entry.attempts))
                batch.failed += 1
            }
        }
        return batch
    }

    public func processOnce(_ event: DomainEvent, trace: TraceContext?) -> Bool {
        guard processed.insert(event.id).inserted else { return false }
        activities.append(Activity(eventID: event.id, type: event.type, source: event.source, subject: event.subject,
                                   traceparent: trace?.traceparent))
        if itemsByID[event.subject] == nil {
            itemsByID[event.subject] = StoredItem(id: event.subject, name: "\(service) for \(event.source) \(event.subject)")
        }
        return true
    }

    public func activity() -> [Activity] {
        activities
    }

    public func pendingCount() -> Int {
        outbox.filter { !$0.delivered }.count
    }

    /// Every outbox entry with whether it was delivered, for tests.
    public func outboxEntries() -> [(entry: OutboxEntry, delivered: Bool)] {
        outbox.map { ($0.entry, $0.delivered) }
    }

    /// Makes every waiting entry due now (tests skip the backoff with it).
    public func makeEverythingDue() {
        for index in outbox.indices { outbox[index].dueAt = .now }
    }
}
