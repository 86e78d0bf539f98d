import Fluent
import Foundation
import SQLKit

/// What an agency's list holds. Persons lists are reconciled against registry foreigners, company
/// lists against sponsors.
enum ImportKind: String, CaseIterable, Sendable, Codable {
    case foreignWorkers = "foreign-workers"
    case residents
    case personsChecked = "persons-checked"
    case companies

    var isCompanies: Bool { self == .companies }
}

/// Where an import stands. `reconciling` runs in the background after the rows are stored.
enum ImportStatus: String, Sendable, Codable {
    case reconciling, reconciled, cancelled, failed
}

/// The engine's verdict on one row; a person's decision (accept/reject) overrides it and is never
/// overwritten by a re-run.
enum MatchState: String, Sendable, Codable { case matched, review, unmatched }
enum MatchDecision: String, Sendable, Codable { case accepted, rejected }

/// One uploaded list. `owner_key` is `agency:<id>` or `office:<id>`; `file_hash` the SHA-256 of the
/// kind and the file's bytes, unique per owner, so the same file twice is one import.
final class AgencyImport: Model, @unchecked Sendable {
    static let schema = "agency_imports"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "owner_key") var ownerKey: String
    @OptionalParent(key: "agency_id") var agency: Agency?
    @OptionalParent(key: "office_id") var office: Office?
    /// The registry rows this import is reconciled against: `prefix:<region code>` (agency region) or
    /// `regencies:<code>,<code>` (office jurisdiction).
    @Field(key: "scope") var scope: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "file_hash") var fileHash: String
    @Field(key: "row_count") var rowCount: Int
    /// Rows imported with one or more unreadable fields set aside.
    @Field(key: "set_aside_rows") var setAsideRows: Int
    @Field(key: "status") var status: String
    @Field(key: "progress") var progress: Int
    @OptionalField(key: "error") var error: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    init() {}

    var kindValue: ImportKind { ImportKind(rawValue: kind) ?? .personsChecked }
    var statusValue: ImportStatus { ImportStatus(rawValue: status) ?? .failed }
    var regionFilter: ScopePolicy.RowFilter {
        if scope.hasPrefix("prefix:") { return .regionPrefix(String(scope.dropFirst(7))) }
        if scope.hasPrefix("regencies:") { return .regencies(scope.dropFirst(10).split(separator: ",").map(String.init)) }
        return .nothing
    }
}

/// One row of an agency list, validated and normalised, with its reconciliation result.
final class ImportRow: Model, @unchecked Sendable {
    static let schema = "import_rows"
    @ID(key: .id) var id: UUID?
    @Parent(key: "import_id") var agencyImport: AgencyImport
    @Field(key: "line") var line: Int
    @Field(key: "name") var name: String
    @OptionalField(key: "family_name") var familyName: String?
    @OptionalField(key: "given_names") var givenNames: String?
    @OptionalField(key: "date_of_birth") var dateOfBirth: String?
    @OptionalField(key: "age") var age: Int?
    @OptionalField(key: "passport_number") var passportNumber: String?
    @OptionalField(key: "nationality") var nationality: String?
    @OptionalField(key: "sex") var sex: String?
    @OptionalField(key: "employer") var employer: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "npwp") var npwp: String?
    @OptionalField(key: "nib") var nib: String?
    /// JSON object of the fields set aside (column → the value as it stood in the file), if any.
    @OptionalField(key: "set_aside") var setAside: String?
    @OptionalField(key: "foreigner_id") var foreignerID: UUID?
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "probability") var probability: Double?
    @Field(key: "match_state") var matchState: String
    @OptionalField(key: "explanation") var explanation: String?
    /// The line of the list's row this row was linked through (`Reconciler.Verdict.via`).
    @OptionalField(key: "linked_via") var linkedVia: Int?
    /// The registry person the engine proposed (`foreigner_id` is the one that counts: an officer may link another).
    @OptionalField(key: "engine_foreigner_id") var engineForeignerID: UUID?
    /// Matched through another row (`linkedVia`) that an officer has since turned down or linked to another person:
    /// the match waits for review (`Reconciler.hold`), the engine's verdict kept.
    @Field(key: "held") var held: Bool
    @OptionalField(key: "decision") var decision: String?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    init() { held = false }

    /// `effectiveState` as SQL, for counting and filtering in the database.
    static let effectiveStateSQL = SQLRaw("(CASE WHEN decision = 'accepted' THEN 'matched' WHEN decision = 'rejected' THEN 'unmatched' WHEN match_state = 'matched' AND held THEN 'review' ELSE match_state END)")

    /// The verdict that counts: a person's decision, else the engine's (a match held for review while the row it was
    /// made through is turned down).
    var effectiveState: MatchState {
        switch decision.flatMap(MatchDecision.init(rawValue:)) {
        case .accepted: return .matched
        case .rejected: return .unmatched
        case nil:
            let engine = MatchState(rawValue: matchState) ?? .unmatched
            return engine == .matched && held ? .review : engine
        }
    }

    /// The decision as a page shows it, for its forms' `was`: "none", "rejected", or "accepted:" and the person, so that a
    /// person chosen meanwhile by another officer is not overwritten by a page showing the same decision of another one.
    var decisionStamp: String {
        guard let decision else { return "none" }
        return decision == MatchDecision.accepted.rawValue ? "accepted:" + (foreignerID?.uuidString ?? sponsorID?.uuidString ?? "") : decision
    }

    /// Whether this row is a copy of `other`: the same in every field the reconciliation compares (`ImportParser.personKey`,
    /// as `Reconciler.persons` groups a list's rows). A copy takes the decision made on its first row.
    func isCopy(of other: ImportRow) -> Bool {
        func key(_ x: ImportRow) -> [String] {
            ImportParser.personKey(name: x.name, familyName: x.familyName, givenNames: x.givenNames, dateOfBirth: x.dateOfBirth,
                                   passportNumber: x.passportNumber, nationality: x.nationality, sex: x.sex, age: x.age, employer: x.employer)
        }
        return key(self) == key(other)
    }
}

/// The column mapping an owner last used for a kind of list (field → header name), remembered so the
/// next upload of the same export maps itself.
final class ImportMapping: Model, @unchecked Sendable {
    static let schema = "import_mappings"
    @ID(key: .id) var id: UUID?
    @Field(key: "owner_key") var ownerKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "mapping") var mapping: String   // JSON object field → header
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}
