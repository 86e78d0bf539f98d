import Fluent
import SQLKit
import Foundation

enum OperationStatus: String, Codable, Sendable, CaseIterable { case planned, done, cancelled }
enum TargetResult: String, Codable, Sendable, CaseIterable { case notChecked, compliant, violation, notFound }
/// What may be done about a foreigner. The first six are the administrative actions (Tindakan Administratif
/// Keimigrasian) of UU 6/2011 Art. 75(2), in its order: (a) entry on the prevention or entry-ban list; (b) limiting,
/// changing or cancelling the stay permit; (c) a ban from being in certain places; (d) an obligation to live in a
/// certain place; (e) a fee (biaya beban); (f) deportation. A warning (teguran) and detention (detensi) are other
/// measures, kept apart from TAK.
enum TAKAction: String, Codable, Sendable, CaseIterable {
    case entryBanList, permitRestriction, placeBan, residenceObligation, fee, deportation
    case warning, detention

    /// Whether it is one of Art. 75(2)'s administrative actions.
    var isTAK: Bool { self != .warning && self != .detention }
    /// The letter of Art. 75(2) it is, e.g. "huruf f" for deportation.
    var article: String? {
        switch self {
        case .entryBanList: return "a"
        case .permitRestriction: return "b"
        case .placeBan: return "c"
        case .residenceObligation: return "d"
        case .fee: return "e"
        case .deportation: return "f"
        case .warning, .detention: return nil
        }
    }
}

/// The life of an action: proposed → decided (by a supervisor, with the decision's number and legal basis) →
/// carried out → closed; cancelled from proposed or decided.
enum TAKStatus: String, Codable, Sendable, CaseIterable {
    case proposed, decided, executed, closed, cancelled

    var next: [TAKStatus] {
        switch self {
        case .proposed: return [.decided, .cancelled]
        case .decided: return [.executed, .cancelled]
        case .executed: return [.closed]
        case .closed, .cancelled: return []
        }
    }
    var isOpen: Bool { self == .proposed || self == .decided || self == .executed }
}

/// A joint Timpora operation: plan, targets with their results, administrative actions.
final class JointOperation: Model, @unchecked Sendable {
    static let schema = "operations"
    @ID(key: .id) var id: UUID?
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "title") var title: String
    @Field(key: "date") var date: String
    @Field(key: "area_code") var areaCode: String
    @Field(key: "agency_ids") var agencyIDs: String
    @OptionalField(key: "participants") var participants: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "summary") var summary: String?
    @Field(key: "created_at") var createdAt: Date
    /// The order (surat perintah) it runs under; or why it ran before one (`FieldOrders.reasons`).
    @OptionalField(key: "order_id") var orderID: UUID?
    @OptionalField(key: "without_order") var withoutOrder: String?
    init() {}

    var agencies: [UUID] { (try? JSONDecoder().decode([UUID].self, from: Data(agencyIDs.utf8))) ?? [] }
}

final class OperationTarget: Model, @unchecked Sendable {
    static let schema = "operation_targets"
    @ID(key: .id) var id: UUID?
    @Field(key: "operation_id") var operationID: UUID
    @OptionalField(key: "foreigner_id") var foreignerID: UUID?
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "label") var label: String?
    @Field(key: "result") var result: String
    @OptionalField(key: "finding") var finding: String?
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "checked_by") var checkedBy: UUID?
    @OptionalField(key: "checked_at") var checkedAt: Date?
    init() {}
}

final class AdministrativeAction: Model, @unchecked Sendable {
    static let schema = "administrative_actions"
    @ID(key: .id) var id: UUID?
    @OptionalField(key: "operation_id") var operationID: UUID?
    @OptionalField(key: "target_id") var targetID: UUID?
    @OptionalField(key: "foreigner_id") var foreignerID: UUID?
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "action") var action: String
    @Field(key: "legal_basis") var legalBasis: String
    @Field(key: "status") var status: String
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_number") var decisionNumber: String?
    @OptionalField(key: "executed_at") var executedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    init() {}
}

/// Art. 75(2)'s kinds replace the earlier list (fine → fee, entryBan → entry-ban list), and an action's life gets
/// its decision (who, when, number), its execution and its closing.
struct M033_TAKLifecycle: AsyncMigration {
    func prepare(on db: any Database) async throws {
        for (name, type) in [("decided_by", DatabaseSchema.DataType.uuid), ("decided_at", .datetime), ("decision_number", .string), ("executed_at", .datetime), ("closed_at", .datetime)] {
            try await db.schema("administrative_actions").field(.string(name), type).update()
        }
        let sql = db as! any SQLDatabase
        try await sql.raw("UPDATE administrative_actions SET action = 'fee' WHERE action = 'fine'").run()
        try await sql.raw("UPDATE administrative_actions SET action = 'entryBanList' WHERE action = 'entryBan'").run()
        try await db.schema("meeting_decisions").field("owner_id", .uuid).update()
        try await db.schema("meeting_decisions").field("done_at", .datetime).update()
        try await sql.create(index: "administrative_actions_due_idx").on("administrative_actions").column("due_on").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(index: "administrative_actions_due_idx").run()
        for f in ["done_at", "owner_id"] { try await db.schema("meeting_decisions").deleteField(.string(f)).update() }
        try await sql.raw("UPDATE administrative_actions SET action = 'fine' WHERE action = 'fee'").run()
        try await sql.raw("UPDATE administrative_actions SET action = 'entryBan' WHERE action = 'entryBanList'").run()
        for f in ["closed_at", "executed_at", "decision_number", "decided_at", "decided_by"] { try await db.schema("administrative_actions").deleteField(.string(f)).update() }
    }
}
