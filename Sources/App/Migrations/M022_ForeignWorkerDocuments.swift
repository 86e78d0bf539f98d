import Fluent
import SQLKit

/// Foreign-worker (TKA) documents of company sponsors: RPTKA with positions and quotas, each worker's
/// position and Indonesian understudy, and DKPTKA payments (PP 34/2021; Permenaker 8/2021).
struct M022_ForeignWorkerDocuments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("rptka")
            .id()
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("number", .string, .required)
            .field("valid_from", .string, .required)
            .field("valid_to", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "sponsor_id", "number")
            .create()
        try await db.schema("rptka_positions")
            .id()
            .field("rptka_id", .uuid, .required, .references("rptka", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("quota", .int, .required)
            .create()
        try await db.schema("tka_assignments")
            .id()
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id"))
            .field("position_id", .uuid, .references("rptka_positions", "id"))
            .field("understudy_name", .string)
            .field("understudy_position", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "sponsor_id", "foreigner_id")
            .create()
        try await db.schema("dkptka_payments")
            .id()
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id"))
            .field("from_month", .string, .required)
            .field("months", .int, .required)
            .field("amount_usd", .int, .required)
            .field("paid_on", .string, .required)
            .field("reference", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "sponsor_id", "reference")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "rptka_positions_rptka_idx").on("rptka_positions").column("rptka_id").run()
        try await sql.create(index: "dkptka_payments_worker_idx").on("dkptka_payments").column("sponsor_id").column("foreigner_id").run()
    }

    func revert(on db: any Database) async throws {
        for t in ["dkptka_payments", "tka_assignments", "rptka_positions", "rptka"] { try await db.schema(t).delete() }
    }
}
