import Fluent
import Foundation

public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, supervisor, officer, agency, sponsor
    /// The feeding system (registry batches): API tokens only, never the web pages.
    case integration
}

final class User: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @Field(key: "display_name") var displayName: String
    @OptionalParent(key: "office_id") var office: Office?
    @OptionalParent(key: "agency_id") var agency: Agency?
    @OptionalParent(key: "sponsor_id") var sponsor: Sponsor?
    @Field(key: "language") var language: String
    @Field(key: "disabled") var disabled: Bool
    /// Notifications also by e-mail (through the outbox), as the user chose.
    @Field(key: "notify_email") var notifyEmail: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// The last sign-in (web session or API token).
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    /// A sponsor's own admin: invites and disables the company's users and grants agents access.
    @OptionalField(key: "sponsor_admin") var sponsorAdmin: Bool?
    /// An agent's account (a visa agency or law firm): its organisation; it acts for sponsors that grant it access.
    @OptionalField(key: "agent_org") var agentOrg: String?
    /// The role of who disabled the account (a company's admin cannot enable what the office's admin disabled).
    @OptionalField(key: "disabled_by") var disabledBy: String?
    /// The second factor's key (base32) once confirmed, the key being set up, when it was confirmed, and the last
    /// step used (a code works once).
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @OptionalField(key: "totp_pending") var totpPending: String?
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    init() {}

    var roleValue: Role { Role(rawValue: role) ?? .sponsor }
}

/// A browser session. The cookie holds a random token; only its SHA-256 is stored.
final class SessionRecord: Model, @unchecked Sendable {
    static let schema = "user_sessions"
    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    /// An agent's chosen company, among those that granted it access.
    @OptionalField(key: "acting_for") var actingFor: UUID?
    /// nil once fully signed in; see `SessionStage`.
    @OptionalField(key: "stage") var stage: String?
    var stageValue: SessionStage? { stage.flatMap(SessionStage.init(rawValue:)) }
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    /// Browser and system, from the User-Agent (for the user's own list of sessions).
    @OptionalField(key: "device") var device: String?
    init() {}
}

/// An API bearer token. Only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Parent(key: "user_id") var user: User
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "acting_for") var actingFor: UUID?
    @OptionalField(key: "device") var device: String?
    init() {}
}

/// One row of the append-only, hash-chained audit trail.
final class AuditEventRecord: Model, @unchecked Sendable {
    static let schema = "audit_events"
    @ID(custom: "seq", generatedBy: .user) var id: Int64?
    @Field(key: "occurred_at") var occurredAt: String
    @Field(key: "actor_id") var actorID: String
    @Field(key: "actor_role") var actorRole: String
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @Field(key: "object_id") var objectID: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "request_id") var requestID: String
    @Field(key: "detail") var detail: String
    @Field(key: "prev_hash") var prevHash: String
    @Field(key: "hash") var hash: String
    init() {}
}

/// The last event's sequence and hash, written in the same transaction as the event, so that
/// deleting rows at the end of the chain is detected too.
final class AuditHead: Model, @unchecked Sendable {
    static let schema = "audit_head"
    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "seq") var seq: Int64
    @Field(key: "hash") var hash: String
    init() {}
}
