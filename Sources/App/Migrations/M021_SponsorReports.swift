import Deadlines
import Fluent
import SQLKit

/// Sponsors' mandatory reports (wajib lapor) and their deadline rules as data.
struct M021_SponsorReports: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("deadline_rules")
            .field("report_type", .string, .identifier(auto: false))
            .field("amount", .int, .required)
            .field("day_count", .string, .required)
            .field("rolls_to_working_day", .bool, .required)
            .field("basis", .string, .required)
            .create()
        for r in DeadlineRule.defaults {
            let row = DeadlineRuleRecord(r)
            try await row.create(on: db)
        }
        try await db.schema("sponsor_reports")
            .id()
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id"))
            .field("regency_code", .string)
            .field("report_type", .string, .required)
            .field("event_on", .string, .required)
            .field("due_on", .string, .required)
            .field("details", .string, .required)
            .field("client_id", .string, .required)
            .field("status", .string, .required)
            .field("receipt_number", .string, .required)
            .field("submitted_by", .uuid, .required)
            .field("submitted_at", .datetime, .required)
            .field("submitted_on", .string, .required)
            .field("reviewed_by", .uuid)
            .field("reviewed_at", .datetime)
            .field("review_reason", .string)
            .unique(on: "sponsor_id", "client_id")
            .unique(on: "receipt_number")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "sponsor_reports_foreigner_idx").on("sponsor_reports").column("foreigner_id").column("report_type").run()
        try await sql.create(index: "sponsor_reports_regency_idx").on("sponsor_reports").column("regency_code").column("status").run()
        try await sql.create(index: "stay_permits_start_idx").on("stay_permits").column("start_on").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("sponsor_reports").delete()
        try await db.schema("deadline_rules").delete()
        try await (db as! any SQLDatabase).drop(index: "stay_permits_start_idx").run()
    }
}
