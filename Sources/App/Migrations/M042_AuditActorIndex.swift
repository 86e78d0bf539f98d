import Fluent
import SQLKit

/// "What did this account do": the admin's audit page filters by actor, newest first, from this index alone.
struct M042_AuditActorIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq)").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP INDEX audit_events_actor_idx").run()
    }
}
