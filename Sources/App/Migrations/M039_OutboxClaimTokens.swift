import Fluent

/// Each claim of an outbox message carries its sender's token, so that a slow sender whose claim was taken over
/// after the lease cannot reset the message another sender now holds (`OutboxSender.settle`).
struct M039_OutboxClaimTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("outbox_messages").field("claim_token", .uuid).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("outbox_messages").deleteField("claim_token").update()
    }
}
