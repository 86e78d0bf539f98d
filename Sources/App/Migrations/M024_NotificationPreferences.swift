import Fluent
import SQLKit

/// Whether a user also gets notifications by e-mail (on by default); each user sets it on `/notifications`.
struct M024_NotificationPreferences: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("notify_email", .bool, .required, .sql(.default(true))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("users").deleteField("notify_email").update()
    }
}
