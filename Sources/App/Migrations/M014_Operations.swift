import Fluent
import SQLKit

struct M014_Operations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("operations")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id"))
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("title", .string, .required)
            .field("date", .string, .required)
            .field("area_code", .string, .required, .references("regions", "code"))
            .field("agency_ids", .string, .required)        // JSON array of agency ids
            .field("participants", .string)
            .field("status", .string, .required)
            .field("summary", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("operation_targets")
            .id()
            .field("operation_id", .uuid, .required, .references("operations", "id"))
            .field("foreigner_id", .uuid, .references("foreigners", "id"))
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("label", .string)
            .field("result", .string, .required)
            .field("finding", .string)
            .field("note", .string)
            .field("checked_by", .uuid)
            .field("checked_at", .datetime)
            .create()
        try await db.schema("administrative_actions")
            .id()
            .field("operation_id", .uuid, .references("operations", "id"))
            .field("target_id", .uuid, .references("operation_targets", "id"))
            .field("foreigner_id", .uuid, .references("foreigners", "id"))
            .field("office_id", .uuid, .required, .references("offices", "id"))
            .field("action", .string, .required)
            .field("legal_basis", .string, .required)
            .field("status", .string, .required)
            .field("due_on", .string)
            .field("note", .string)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "operations_office_idx").on("operations").column("office_id").column("date").run()
        try await sql.create(index: "operations_area_idx").on("operations").column("area_code").run()
        try await sql.create(index: "operation_targets_op_idx").on("operation_targets").column("operation_id").run()
        try await sql.create(index: "administrative_actions_op_idx").on("administrative_actions").column("operation_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("administrative_actions").delete()
        try await db.schema("operation_targets").delete()
        try await db.schema("operations").delete()
    }
}
