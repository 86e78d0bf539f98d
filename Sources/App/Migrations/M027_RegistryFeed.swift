import Fluent
import SQLKit

/// The registry as a living record: the source system's own keys (person_ref, sponsor_ref), border
/// movements, batches received from the immigration system, the history of every changed field, and
/// changes to identity fields waiting for a second person's approval.
struct M027_RegistryFeed: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await db.schema("foreigners").field("person_ref", .string).update()
        try await db.schema("foreigners").field("place_of_birth", .string).update()
        try await db.schema("foreigners").field("departed", .bool, .sql(.default(false))).update()
        try await db.schema("sponsors").field("sponsor_ref", .string).update()
        try await db.schema("addresses").field("valid_to", .string).update()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "foreigners_person_ref_idx").on("foreigners").column("person_ref").unique().run()
        try await sql.create(index: "sponsors_sponsor_ref_idx").on("sponsors").column("sponsor_ref").unique().run()
        try await sql.create(index: "passports_number_idx").on("passports").column("number").run()
        try await db.schema("movements")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("direction", .string, .required)
            .field("crossed_at", .string, .required)
            .field("port_code", .string, .required)
            .field("travel_document", .string)
            .field("batch_id", .uuid)
            .unique(on: "foreigner_id", "direction", "crossed_at")
            .create()
        try await db.schema("registry_batches")
            .id()
            .field("digest", .string, .required)
            .field("received_at", .datetime, .required)
            .field("actor_id", .string, .required)
            .field("channel", .string, .required)
            .field("summary", .string, .required)
            .unique(on: "digest")
            .create()
        try await db.schema("registry_history")
            .id()
            .field("foreigner_id", .uuid)
            .field("object_type", .string, .required)
            .field("object_id", .uuid, .required)
            .field("record", .string)
            .field("field", .string, .required)
            .field("old_value", .string)
            .field("new_value", .string)
            .field("valid_from", .string)
            .field("recorded_at", .datetime, .required)
            .field("actor_id", .string, .required)
            .field("actor_name", .string, .required)
            .field("source", .string, .required)
            .field("reason", .string)
            .create()
        try await sql.create(index: "registry_history_foreigner_idx").on("registry_history").column("foreigner_id").column("recorded_at").run()
        try await sql.create(index: "registry_history_object_idx").on("registry_history").column("object_type").column("object_id").run()
        try await db.schema("pending_changes")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("office_id", .uuid, .references("offices", "id"))
            .field("proposed_by", .uuid, .required)
            .field("proposed_at", .datetime, .required)
            .field("changes", .string, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .create()
        try await sql.create(index: "pending_changes_foreigner_idx").on("pending_changes").column("foreigner_id").run()
        try await sql.create(index: "movements_foreigner_idx").on("movements").column("foreigner_id").column("crossed_at").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["pending_changes", "registry_history", "registry_batches", "movements"] { try await db.schema(table).delete() }
        let sql = db as! any SQLDatabase
        for index in ["foreigners_person_ref_idx", "sponsors_sponsor_ref_idx", "passports_number_idx"] { try await sql.drop(index: index).run() }
        try await db.schema("addresses").deleteField("valid_to").update()
        try await db.schema("sponsors").deleteField("sponsor_ref").update()
        for f in ["departed", "place_of_birth", "person_ref"] { try await db.schema("foreigners").deleteField(.string(f)).update() }
    }
}
