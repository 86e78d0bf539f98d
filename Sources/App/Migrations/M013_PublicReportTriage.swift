import Fluent

/// Triage of public reports: what a report was linked to and how it was closed.
struct M013_PublicReportTriage: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("public_reports")
            .field("foreigner_id", .uuid, .references("foreigners", "id"))
            .update()
        try await db.schema("public_reports").field("sponsor_id", .uuid, .references("sponsors", "id")).update()
        try await db.schema("public_reports").field("outcome", .string).update()
        try await db.schema("public_reports").field("closed_by", .uuid).update()
        try await db.schema("public_reports").field("closed_at", .datetime).update()
    }

    func revert(on db: any Database) async throws {
        for f in ["closed_at", "closed_by", "outcome", "sponsor_id", "foreigner_id"] {
            try await db.schema("public_reports").deleteField(.string(f)).update()
        }
    }
}
