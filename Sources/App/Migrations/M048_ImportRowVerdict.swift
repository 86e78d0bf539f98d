import Fluent
import SQLKit

/// What the engine said of an agency list's row, kept apart from what an officer decided: the line of the row the row
/// was linked through (the list names one person twice, and the row with the passport tells the registry's record:
/// `Reconciler.Verdict.via`; the review card says so), and the registry person the engine proposed (an officer may
/// link another; undo returns to the engine's).
struct M048_ImportRowVerdict: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await db.schema("import_rows").field("linked_via", .int).update()
        try await db.schema("import_rows").field("engine_foreigner_id", .uuid).update()
        // The review page asks which rows were matched through the lines it shows.
        try await (db as! any SQLDatabase).create(index: "import_rows_linked_via_idx").on("import_rows").column("import_id").column("linked_via").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "import_rows_linked_via_idx").run()
        try await db.schema("import_rows").deleteField("engine_foreigner_id").update()
        try await db.schema("import_rows").deleteField("linked_via").update()
    }
}
