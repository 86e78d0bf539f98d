import Fluent

/// An agency list's age column (`umur`): kept with the row, and read for the birth year where the row has no date of
/// birth (`Reconciler.persons`).
struct M047_ImportRowAge: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("import_rows").field("age", .int).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("import_rows").deleteField("age").update()
    }
}
