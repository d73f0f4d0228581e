import Foundation
import Observability

/// An ``EventStore`` in memory: the same rules as ``PostgresEventStore`` (all or nothing,
/// claims with a lease, outcomes recorded only by the claim's holder, dead letters,
/// retention, each event processed once), for tests and for local runs without a
/// database. Everything is lost when the process stops.
public actor InMemoryEventStore: EventStore {
    private let service: String
    private var itemsByID: [String: StoredItem] = [:]
    private var outbox: [Row] = []
    private var nextSequence: Int64 = 1
    private var processed: [String: ContinuousClock.Instant] = [:]
    private var activities: [Activity] = []

    private struct Row {
        var entry: OutboxEntry
        var createdAt: ContinuousClock.Instant
        var dueAt: ContinuousClock.Instant
        var firstAttemptAt: ContinuousClock.Instant?
        var claimedBy: String?
        var claimedUntil: ContinuousClock.Instant?
        var lastError: String?
        var deliveredAt: ContinuousClock.Instant?
        var deadAt: ContinuousClock.Instant?

        var isPending: Bool { deliveredAt == nil && deadAt == nil }

        func isHeld(by owner: String) -> Bool { isPending && claimedBy == owner }
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
                                        traceparent: trace?.traceparent, tracestate: trace?.tracestate,
                                        requestID: trace?.requestID, attempts: 0)
                outbox.append(Row(entry: entry, createdAt: .now, dueAt: .now))
                nextSequence += 1
            }
        }
        return true
    }

    public func claim(destination: String, limit: Int, owner: String, lease: Duration) -> [OutboxEntry] {
        let now = ContinuousClock.now
        let due = outbox.indices.filter {
            let row = outbox[$0]
            return row.entry.destination == destination && row.isPending && row.dueAt <= now
                && (row.claimedUntil.map { $0 < now } ?? true)
        }.prefix(max(limit, 0))
        for index in due {
            outbox[index].claimedBy = owner
            outbox[index].claimedUntil = now + lease
            outbox[index].firstAttemptAt = outbox[index].firstAttemptAt ?? now
        }
        return due.map {
            var entry = outbox[$0].entry
            entry.sinceFirstAttempt = now - (outbox[$0].firstAttemptAt ?? now)
            return entry
        }
    }

    public func markDelivered(_ sequence: Int64, owner: String) -> Bool {
        guard let index = index(of: sequence), outbox[index].isHeld(by: owner) else { return false }
        outbox[index].deliveredAt = .now
        outbox[index].claimedBy = nil
        outbox[index].claimedUntil = nil
        return true
    }

    public func markFailed(_ sequence: Int64, owner: String, error: String, outcome: DeliveryFailureOutcome) -> Bool {
        guard let index = index(of: sequence), outbox[index].isHeld(by: owner) else { return false }
        outbox[index].entry.attempts += 1
        outbox[index].lastError = String(error.prefix(2000))
        outbox[index].claimedBy = nil
        outbox[index].claimedUntil = nil
        switch outcome {
        case .retry(let after): outbox[index].dueAt = .now + after
        case .dead: outbox[index].deadAt = .now
        }
        return true
    }

    public func release(_ sequences: [Int64], owner: String) {
        for sequence in sequences {
            guard let index = index(of: sequence), outbox[index].isHeld(by: owner) else { continue }
            outbox[index].claimedBy = nil
            outbox[index].claimedUntil = nil
        }
    }

    private func index(of sequence: Int64) -> Int? {
        outbox.firstIndex { $0.entry.sequence == sequence }
    }

    public func processOnce(_ event: DomainEvent, trace: TraceContext?) -> Bool {
        guard processed[event.id] == nil else { return false }
        processed[event.id] = .now
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
        outbox.filter(\.isPending).count
    }

    public func outboxStats() -> [String: OutboxStats] {
        let now = ContinuousClock.now
        var stats: [String: OutboxStats] = [:]
        for row in outbox where row.deliveredAt == nil {
            var entry = stats[row.entry.destination] ?? OutboxStats()
            if row.deadAt != nil {
                entry.dead += 1
            } else {
                entry.pending += 1
                entry.oldestPendingSeconds = max(entry.oldestPendingSeconds, (now - row.createdAt) / .seconds(1))
            }
            stats[row.entry.destination] = entry
        }
        return stats
    }

    public func purge(deliveredOlderThan delivered: Duration, processedOlderThan processedAge: Duration, limit: Int) -> (outbox: Int, processed: Int) {
        let now = ContinuousClock.now
        let oldRows = outbox.indices.filter { outbox[$0].deliveredAt.map { now - $0 > delivered } ?? false }.prefix(max(limit, 0))
        let doomed = Set(oldRows)
        outbox = outbox.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
        let oldEvents = processed.filter { now - $0.value > processedAge }.sorted { $0.value < $1.value }.prefix(max(limit, 0))
        for (id, _) in oldEvents { processed[id] = nil }
        return (doomed.count, oldEvents.count)
    }

    /// Every outbox entry with whether it was delivered, for tests.
    public func outboxEntries() -> [(entry: OutboxEntry, delivered: Bool)] {
        outbox.map { ($0.entry, $0.deliveredAt != nil) }
    }

    /// The state of one outbox row, for tests.
    public func state(of sequence: Int64) -> (attempts: Int, claimedBy: String?, lastError: String?, delivered: Bool, dead: Bool)? {
        index(of: sequence).map {
            let row = outbox[$0]
            return (row.entry.attempts, row.claimedBy, row.lastError, row.deliveredAt != nil, row.deadAt != nil)
        }
    }

    /// Whether `eventID` is still recorded as processed, for tests.
    public func isRecordedAsProcessed(_ eventID: String) -> Bool {
        processed[eventID] != nil
    }

    /// Makes every waiting entry due now (tests skip the backoff with it).
    public func makeEverythingDue() {
        for index in outbox.indices { outbox[index].dueAt = .now }
    }

    /// Moves every timestamp `interval` into the past, as if that much time had passed
    /// (tests of leases and retention).
    public func age(by interval: Duration) {
        for index in outbox.indices {
            outbox[index].createdAt = outbox[index].createdAt - interval
            outbox[index].dueAt = outbox[index].dueAt - interval
            outbox[index].claimedUntil = outbox[index].claimedUntil.map { $0 - interval }
            outbox[index].firstAttemptAt = outbox[index].firstAttemptAt.map { $0 - interval }
            outbox[index].deliveredAt = outbox[index].deliveredAt.map { $0 - interval }
            outbox[index].deadAt = outbox[index].deadAt.map { $0 - interval }
        }
        processed = processed.mapValues { $0 - interval }
    }
}
