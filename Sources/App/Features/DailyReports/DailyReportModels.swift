import Fluent
import Foundation

enum ReportStatus: String, Codable, Sendable, CaseIterable { case draft, submitted, returned, approved }
enum FieldActivity: String, Codable, Sendable, CaseIterable { case patrol, companyVisit, lodgingCheck, documentCheck, followUp }
enum FieldFinding: String, Codable, Sendable, CaseIterable { case compliant, documentViolation, overstay, workOutsidePermit, addressMismatch, other }

/// An officer's day (Laporan Pengawasan Harian): one per officer and date. Draft and returned reports
/// can change; a submitted one waits for the supervisor; an approved one never changes again.
final class DailyReport: Model, @unchecked Sendable {
    static let schema = "daily_reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "officer_id") var officerID: UUID
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "date") var date: String
    @Field(key: "status") var status: String
    @Field(key: "version") var version: Int          // submissions so far
    @OptionalField(key: "comment") var comment: String?
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}

    var statusValue: ReportStatus { ReportStatus(rawValue: status) ?? .draft }
    var isEditable: Bool { statusValue == .draft || statusValue == .returned }
}

/// One activity of the day. `client_id` is made by the phone that recorded it, so a retried sync
/// finds the entry instead of making a second one.
final class ReportEntry: Model, @unchecked Sendable {
    static let schema = "daily_report_entries"
    @ID(key: .id) var id: UUID?
    @Parent(key: "report_id") var report: DailyReport
    @Field(key: "client_id") var clientID: UUID
    @Field(key: "time") var time: String
    @Field(key: "village_code") var villageCode: String
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "activity") var activity: String
    @OptionalField(key: "foreigner_id") var foreignerID: UUID?
    @OptionalField(key: "person_name") var personName: String?
    @OptionalField(key: "person_nationality") var personNationality: String?
    @OptionalField(key: "person_passport") var personPassport: String?
    @Field(key: "finding") var finding: String
    @OptionalField(key: "follow_up") var followUp: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// What the supervisor saw at each submission: the entries as submitted and the outcome. All kept.
final class ReportVersion: Model, @unchecked Sendable {
    static let schema = "daily_report_versions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "report_id") var report: DailyReport
    @Field(key: "version") var version: Int
    @Field(key: "entries") var entries: String        // JSON array of EntryDTO
    @Field(key: "submitted_at") var submittedAt: Date
    @OptionalField(key: "outcome") var outcome: String?   // returned | approved
    @OptionalField(key: "comment") var comment: String?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    init() {}
}

/// A photo of an entry, stored without its metadata (see `ImageSanitizer`).
final class ReportPhoto: Model, @unchecked Sendable {
    static let schema = "report_photos"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "entry_id") var entryID: UUID
    @Field(key: "content_type") var contentType: String
    @Field(key: "bytes") var bytes: Data
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
