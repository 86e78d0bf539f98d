import Fluent
import Foundation

enum OperationStatus: String, Codable, Sendable, CaseIterable { case planned, done, cancelled }
enum TargetResult: String, Codable, Sendable, CaseIterable { case notChecked, compliant, violation, notFound }
/// Tindakan Administratif Keimigrasian (UU 6/2011 Art. 75).
enum TAKAction: String, Codable, Sendable, CaseIterable { case warning, fine, deportation, detention, entryBan }
enum TAKStatus: String, Codable, Sendable, CaseIterable { case proposed, decided, executed, cancelled }

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
    init() {}
}
