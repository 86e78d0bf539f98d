import Fluent
import SQLKit

/// Agency rows imported with unreadable fields set aside (`badFields=setAside`): each such row keeps the raw
/// values as JSON in `import_rows.set_aside`, and the import counts those rows.
struct M025_ImportSetAside: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("import_rows").field("set_aside", .string).update()
        try await db.schema("agency_imports").field("set_aside_rows", .int, .required, .sql(.default(0))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("import_rows").deleteField("set_aside").update()
        try await db.schema("agency_imports").deleteField("set_aside_rows").update()
    }
}
