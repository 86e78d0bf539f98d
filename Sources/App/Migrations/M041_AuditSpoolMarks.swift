import Fluent
import SQLKit

/// The last spooled audit event chained, per spool generation (`AuditSpool`): written in the transaction that chains
/// the spooled events, so that a crash between that commit and the spool's clean-up never chains an event twice.
struct M041_AuditSpoolMarks: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("CREATE TABLE audit_spool_marks (generation TEXT PRIMARY KEY, chained_through BIGINT NOT NULL)").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP TABLE audit_spool_marks").run()
    }
}
