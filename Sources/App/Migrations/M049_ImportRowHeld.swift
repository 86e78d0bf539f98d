import Fluent
import SQLKit

/// A row the engine matched through another row of the list (`import_rows.linked_via`) is held for review once an
/// officer turns that row down or links it to another person: the reason it was matched is gone. The engine's verdict
/// (`match_state`) is kept, so undoing the other row's decision, or accepting it, lets the match stand again.
struct M049_ImportRowHeld: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("import_rows").field("held", .bool, .required, .sql(.default(false))).update()
        // Rows whose other row an officer had already turned down wait for review from now on too.
        try await Reconciler.holdAll(db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("import_rows").deleteField("held").update()
    }
}
