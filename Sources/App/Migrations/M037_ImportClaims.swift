import Fluent

/// Claims of background reconciliations by one server of several (`ImportJobs`).
struct M037_ImportClaims: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("agency_imports").field("claimed_by", .string).update()
        try await db.schema("agency_imports").field("claimed_at", .datetime).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("agency_imports").deleteField("claimed_at").update()
        try await db.schema("agency_imports").deleteField("claimed_by").update()
    }
}
