import Fluent
import Foundation

/// A citizen's report of a suspicious foreigner (SISADA KERAMAS). The reporter gets a tracking code
/// and can later see the status only. `source_hash` is a keyed hash of the sender's address, kept for
/// rate limiting, never the address itself.
final class PublicReport: Model, @unchecked Sendable {
    static let schema = "public_reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "tracking_code") var trackingCode: String
    @Field(key: "description") var description: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "regency_code") var regencyCode: String
    @Field(key: "seen_at") var seenAt: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @OptionalField(key: "contact") var contact: String?
    @Field(key: "status") var status: String
    @Field(key: "content_hash") var contentHash: String
    @Field(key: "source_hash") var sourceHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "foreigner_id") var foreignerID: UUID?
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "closed_by") var closedBy: UUID?
    @OptionalField(key: "closed_at") var closedAt: Date?
    init() {}
}

enum PublicReportStatus: String, CaseIterable, Sendable { case received, inReview, closed }

final class PublicReportPhoto: Model, @unchecked Sendable {
    static let schema = "public_report_photos"
    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "content_type") var contentType: String
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
