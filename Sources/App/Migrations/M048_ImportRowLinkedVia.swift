import Fluent
import SQLKit

/// The line of an agency list's row that another row of the list was linked through: the list names one person twice,
/// and the row with the passport tells the registry's record (`Reconciler.Verdict.via`). The review card says so.
struct M048_ImportRowLinkedVia: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("import_rows").field("linked_via", .int).update()
        // The review page asks which rows were matched through the lines it shows.
        try await (db as! any SQLDatabase).create(index: "import_rows_linked_via_idx").on("import_rows").column("import_id").column("linked_via").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "import_rows_linked_via_idx").run()
        try await db.schema("import_rows").deleteField("linked_via").update()
    }
}
