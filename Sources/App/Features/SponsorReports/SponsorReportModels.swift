import Deadlines
import Fluent
import Foundation

/// A deadline rule as stored (office policy; editable data).
final class DeadlineRuleRecord: Model, @unchecked Sendable {
    static let schema = "deadline_rules"
    @ID(custom: "report_type", generatedBy: .user) var id: String?
    @Field(key: "amount") var amount: Int
    @Field(key: "day_count") var dayCount: String
    @Field(key: "rolls_to_working_day") var rollsToWorkingDay: Bool
    @Field(key: "basis") var basis: String
    init() {}
    init(_ r: DeadlineRule) {
        id = r.reportType.rawValue; amount = r.amount; dayCount = r.count.rawValue; rollsToWorkingDay = r.rollsToWorkingDay; basis = r.basis
    }

    var rule: DeadlineRule? {
        guard let t = id.flatMap(ReportType.init(rawValue:)), let c = DayCount(rawValue: dayCount) else { return nil }
        return DeadlineRule(reportType: t, amount: amount, count: c, rollsToWorkingDay: rollsToWorkingDay, basis: basis)
    }

    /// The stored rules, the shipped default for any type missing.
    static func all(on db: any Database) async throws -> [ReportType: DeadlineRule] {
        var out = Dictionary(uniqueKeysWithValues: DeadlineRule.defaults.map { ($0.reportType, $0) })
        for r in try await query(on: db).all() { if let rule = r.rule { out[rule.reportType] = rule } }
        return out
    }
}

/// A mandatory report (wajib lapor) filed by a sponsor about one of its foreigners.
final class SponsorReport: Model, @unchecked Sendable {
    static let schema = "sponsor_reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "foreigner_id") var foreignerID: UUID
    @OptionalField(key: "regency_code") var regencyCode: String?
    @Field(key: "report_type") var reportType: String
    @Field(key: "event_on") var eventOn: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "details") var details: String
    @Field(key: "client_id") var clientID: String
    @Field(key: "status") var status: String          // submitted | accepted | returned
    @Field(key: "receipt_number") var receiptNumber: String
    @Field(key: "submitted_by") var submittedBy: UUID
    @Field(key: "submitted_at") var submittedAt: Date
    @Field(key: "submitted_on") var submittedOn: String
    @OptionalField(key: "reviewed_by") var reviewedBy: UUID?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "review_reason") var reviewReason: String?
    init() {}

    /// Filed on or before its deadline (both are `YYYY-MM-DD`, so text order is day order).
    var onTime: Bool { submittedOn <= dueOn }
}

enum SponsorReportStatus: String, CaseIterable, Sendable { case submitted, accepted, returned }
