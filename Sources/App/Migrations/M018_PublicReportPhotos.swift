import Fluent

/// An optional photo with a public report, stored without its metadata.
struct M018_PublicReportPhotos: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("public_report_photos")
            .id()
            .field("report_id", .uuid, .required, .references("public_reports", "id", onDelete: .cascade))
            .field("content_type", .string, .required)
            .field("bytes", .data, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "report_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("public_report_photos").delete()
    }
}
