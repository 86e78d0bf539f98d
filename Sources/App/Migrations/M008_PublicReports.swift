import Fluent
import SQLKit

struct M008_PublicReports: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("public_reports")
            .id()
            .field("tracking_code", .string, .required)
            .field("description", .string, .required)
            .field("village_code", .string, .required, .references("regions", "code"))
            .field("regency_code", .string, .required)
            .field("seen_at", .string, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("contact", .string)
            .field("status", .string, .required)
            .field("content_hash", .string, .required)
            .field("source_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tracking_code")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "public_reports_source_idx").on("public_reports").column("source_hash").column("created_at").run()
        try await sql.create(index: "public_reports_content_idx").on("public_reports").column("content_hash").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("public_reports").delete()
    }
}
