import Foundation

/// Something that happened in one service that others may react to, later.
///
/// Delivery is at least once: a consumer can receive the same event twice (the relay
/// crashed after delivering it but before recording that, a timeout hid a success...).
/// ``id`` is what makes that harmless: consumers record the ids they have processed and
/// ignore a redelivery (``EventStore/processOnce(_:)``).
public struct DomainEvent: Codable, Sendable, Equatable {
    /// Unique per event (a UUID).
    public var id: String
    /// What happened, `<publisher>.<past tense verb>`, e.g. `order.created`.
    public var type: String
    /// The service that published it.
    public var source: String
    /// The id of the thing it is about.
    public var subject: String
    /// Small facts about it; a consumer that needs more asks the publisher.
    public var data: [String: String]
    /// When it happened (RFC 3339, UTC).
    public var occurredAt: String

    public init(id: String = UUID().uuidString.lowercased(), type: String, source: String, subject: String,
                data: [String: String] = [:], occurredAt: String = Date().formatted(.iso8601)) {
        self.id = id
        self.type = type
        self.source = source
        self.subject = subject
        self.data = data
        self.occurredAt = occurredAt
    }
}
