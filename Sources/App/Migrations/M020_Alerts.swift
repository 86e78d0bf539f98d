import Fluent
import SQLKit

/// Early warnings and e-mail: the transactional outbox, one row per (permit, threshold) warning, and one
/// row per day the warning scan ran.
struct M020_Alerts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("outbox_messages")
            .id()
            .field("idempotency_key", .string, .required)
            .field("kind", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)          // pending | sending | sent | failed
            .field("attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_at", .datetime)
            .field("sent_at", .datetime)
            .field("last_error", .string)
            .unique(on: "idempotency_key")
            .create()
        try await db.schema("permit_warnings")
            .id()
            .field("permit_id", .uuid, .required, .references("stay_permits", "id", onDelete: .cascade))
            .field("threshold", .int, .required)          // days before the end; -1 = overstay
            .field("foreigner_id", .uuid, .required)
            .field("sponsor_id", .uuid)
            .field("regency_code", .string)
            .field("permit_end", .string, .required)
            .field("found_on", .string, .required)
            .field("outbox_id", .uuid)
            .unique(on: "permit_id", "threshold")
            .create()
        try await db.schema("alert_runs")
            .field("day", .string, .identifier(auto: false))
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("warnings", .int)
            .field("emails", .int)
            .create()
        let sql = db as! any SQLDatabase
        // Covering for the daily scan: the window of end dates is read from the index alone.
        try await sql.create(index: "stay_permits_status_end_idx").on("stay_permits")
            .column("status").column("end_on").column("foreigner_id").column("id").run()
        try await sql.create(index: "outbox_due_idx").on("outbox_messages").column("status").column("next_attempt_at").run()
        try await sql.create(index: "permit_warnings_sponsor_idx").on("permit_warnings").column("sponsor_id").column("found_on").run()
        try await sql.create(index: "permit_warnings_found_idx").on("permit_warnings").column("found_on").run()
    }

    func revert(on db: any Database) async throws {
        for t in ["alert_runs", "permit_warnings", "outbox_messages"] { try await db.schema(t).delete() }
        try await (db as! any SQLDatabase).drop(index: "stay_permits_status_end_idx").run()
    }
}
