import Fluent

/// Files attached to a meeting (invitation letters, minutes signed on paper, photos): PDF, JPEG or PNG.
struct M019_MeetingAttachments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("meeting_attachments")
            .id()
            .field("meeting_id", .uuid, .required, .references("meetings", "id"))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("bytes", .data, .required)
            .field("size", .int, .required)
            .field("uploaded_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("meeting_attachments").delete()
    }
}
