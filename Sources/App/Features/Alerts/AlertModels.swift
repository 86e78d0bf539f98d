import Fluent
import Foundation

/// One e-mail waiting for, or past, delivery. Written in the same transaction as the event it tells
/// about; the sender delivers it later, never on a request.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox_messages"
    @ID(key: .id) var id: UUID?
    /// What makes the message unique (e.g. the digest of one sponsor's warnings of one day): a second
    /// message with the same key is never written, so it is never sent twice.
    @Field(key: "idempotency_key") var idempotencyKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    init() {}
}

enum OutboxStatus: String, CaseIterable, Sendable {
    case pending, sending, sent, failed
}

/// A permit that crossed a warning threshold (days before its end, or -1 for an overstay), found once.
final class PermitWarning: Model, @unchecked Sendable {
    static let schema = "permit_warnings"
    @ID(key: .id) var id: UUID?
    @Field(key: "permit_id") var permitID: UUID
    @Field(key: "threshold") var threshold: Int
    @Field(key: "foreigner_id") var foreignerID: UUID
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "regency_code") var regencyCode: String?
    @Field(key: "permit_end") var permitEnd: String
    @Field(key: "found_on") var foundOn: String
    @OptionalField(key: "outbox_id") var outboxID: UUID?
    init() {}

    static let overstay = -1
}

/// One day's warning scan.
final class AlertRun: Model, @unchecked Sendable {
    static let schema = "alert_runs"
    @ID(custom: "day", generatedBy: .user) var id: String?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "warnings") var warnings: Int?
    @OptionalField(key: "emails") var emails: Int?
    init() {}
}
