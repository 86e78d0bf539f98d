import Fluent
import SQLKit

struct M016_Inspections: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("inspections")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id"))
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("date", .string, .required)
            .field("announced", .bool, .required)
            .field("entry_procedure", .string)
            .field("escort_name", .string)
            .field("escort_position", .string)
            .field("officers", .string)
            .field("status", .string, .required)
            .field("outcome", .string)
            .field("required_action", .string)
            .field("action_due", .string)
            .field("internal_notes", .string)
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("inspection_findings")
            .id()
            .field("inspection_id", .uuid, .required, .references("inspections", "id"))
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id"))
            .field("finding", .string, .required)
            .field("public_note", .string)
            .field("internal_note", .string)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "inspections_sponsor_idx").on("inspections").column("sponsor_id").run()
        try await sql.create(index: "inspections_office_idx").on("inspections").column("office_id").column("date").run()
        try await sql.create(index: "inspection_findings_idx").on("inspection_findings").column("inspection_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("inspection_findings").delete()
        try await db.schema("inspections").delete()
    }
}
