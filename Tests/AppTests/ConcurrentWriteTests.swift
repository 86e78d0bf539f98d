@testable import App
import Fluent
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting

/// Users keep writing while an agency list is stored and reconciled (issue 17: 7.8 % of writes answered 500 on
/// SQLite): a write transaction takes the write lock when it begins, so it waits instead of failing.
@Suite struct ConcurrentWriteTests {
    /// The exact failure of the issue, made to happen: a transaction reads, another connection commits a write,
    /// then the first one writes. A deferred SQLite transaction fails there at once ("database is locked", its
    /// snapshot is stale); one that took the write lock when it began makes the other writer wait instead.
    @Test func aWriteAfterAnotherCommittedWaitsInsteadOfFailing() async throws {
        try await withTestApp { app in
            let began = AsyncStream<Void>.makeStream()
            let first = Task {
                try await app.db.writeTransaction { tx in
                    let sql = tx as! any SQLDatabase
                    _ = try await sql.raw("SELECT COUNT(*) AS n FROM users").all()
                    began.continuation.yield()
                    try await Task.sleep(for: .milliseconds(400))   // meanwhile the other connection tries to write
                    try await sql.raw("UPDATE users SET display_name = 'Officer (changed after reading)' WHERE email = 'officer@demo.sinergi.id'").run()
                }
            }
            for await _ in began.stream { break }
            let other = app.jobsDB as! any SQLDatabase
            try await other.raw("UPDATE users SET display_name = 'Admin (changed meanwhile)' WHERE email = 'admin@demo.sinergi.id'").run()
            try await first.value
        }
    }
}
