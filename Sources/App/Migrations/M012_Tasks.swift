import Fluent
import SQLKit

struct M012_Tasks: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("field_tasks")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id"))
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("foreigner_id", .uuid, .references("foreigners", "id"))
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("public_report_id", .uuid, .references("public_reports", "id"))
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("done_entry_id", .uuid)
            .field("done_by", .uuid)
            .field("done_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("field_task_assignees")
            .id()
            .field("task_id", .uuid, .required, .references("field_tasks", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .unique(on: "task_id", "user_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "field_tasks_office_idx").on("field_tasks").column("office_id").column("status").run()
        try await sql.create(index: "field_tasks_foreigner_idx").on("field_tasks").column("foreigner_id").run()
        try await sql.create(index: "field_task_assignees_user_idx").on("field_task_assignees").column("user_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("field_task_assignees").delete()
        try await db.schema("field_tasks").delete()
    }
}
