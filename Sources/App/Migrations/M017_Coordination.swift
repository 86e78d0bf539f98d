import Fluent
import SQLKit

struct M017_Coordination: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("meetings")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id"))
            .field("region_code", .string, .required, .references("regions", "code"))
            .field("title", .string, .required)
            .field("scheduled_at", .string, .required)
            .field("place", .string)
            .field("agency_ids", .string, .required)
            .field("agenda", .string)
            .field("minutes", .string)
            .field("status", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("meeting_decisions")
            .id()
            .field("meeting_id", .uuid, .required, .references("meetings", "id"))
            .field("text", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string)
            .field("status", .string, .required)
            .create()
        try await db.schema("thread_messages")
            .id()
            .field("thread_kind", .string, .required)
            .field("thread_id", .uuid, .required)
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("notifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "meetings_office_idx").on("meetings").column("office_id").column("scheduled_at").run()
        try await sql.create(index: "thread_messages_thread_idx").on("thread_messages").column("thread_kind").column("thread_id").column("created_at").run()
        try await sql.create(index: "notifications_user_idx").on("notifications").column("user_id").column("read_at").run()
    }

    func revert(on db: any Database) async throws {
        for t in ["notifications", "thread_messages", "meeting_decisions", "meetings"] { try await db.schema(t).delete() }
    }
}
