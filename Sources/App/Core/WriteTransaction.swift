import Fluent
import SQLKit

extension Database {
    /// A transaction that is going to write. On SQLite it takes the write lock with its first statement:
    /// a deferred transaction that reads first and writes after another connection has committed fails at
    /// once with "database is locked" (SQLITE_BUSY_SNAPSHOT; the busy timeout cannot help, because its
    /// snapshot is stale). Taken first, the lock is simply waited for, up to the busy timeout, like any
    /// single write. The statement matches no row, so it changes nothing; PostgreSQL needs nothing of this.
    func writeTransaction<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { tx in
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "sqlite" {
                try await sql.raw("UPDATE audit_head SET seq = seq WHERE 0").run()
            }
            return try await work(tx)
        }
    }
}
