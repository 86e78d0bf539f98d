@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Short reads run inline on SQLite (`InlineSQLite`): the same answers as through SQLiteNIO, no snapshot left behind,
/// errors thrown, and a setting to turn it off.
@Suite(.enabled(if: onSQLite)) struct InlineSQLiteTests {
    func reader(_ app: Application) throws -> InlineSQLite {
        InlineSQLite(pool: try #require(app.inlineReads), logger: app.logger, eventLoop: app.eventLoopGroup.any())
    }

    @Test func everyKindOfValueReadsAsThroughSQLiteNIO() async throws {
        try await withTestApp(seeded: false) { app in
            let query = EveryKindOfValue.query()
            let pooled = try await (app.db as! any SQLDatabase).raw(query).first(decoding: EveryKindOfValue.self)
            let inline = try await reader(app).raw(query).first(decoding: EveryKindOfValue.self)
            #expect(inline != nil && inline == pooled)
            // Several rows, in order, and none.
            struct N: Decodable { var n: Int }
            let rows = try await reader(app).raw("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 500) SELECT n FROM c").all(decoding: N.self)
            #expect(rows.map(\.n) == Array(1...500))
            #expect(try await reader(app).raw("SELECT 1 AS n WHERE 0").all(decoding: N.self).isEmpty)
        }
    }

    @Test func aTokensPrincipalIsTheSameEitherWay() async throws {
        try await withTestApp { app in
            for email in ["officer@demo.sinergi.id", "sponsor@demo.sinergi.id", "agency@demo.sinergi.id"] {
                let token = try await apiToken(app, email)
                let hash = Tokens.digest(token), now = app.clock.now(), today = app.today
                let pooled = try #require(try await Principal.load(tokenHash: hash, now: now, on: app.db, today: today))
                let inline = try #require(try await Principal.load(tokenHash: hash, now: now, on: app.db, reading: try reader(app), today: today))
                #expect("\(pooled)" == "\(inline)")
            }
        }
    }

    /// A read leaves no snapshot open: after it, a write and a full checkpoint go through (a statement left mid-way
    /// would keep the checkpoint from truncating the log). A wrong statement is an error, and the reader goes on.
    @Test func aReadLeavesNoSnapshotAndAWrongStatementIsAnError() async throws {
        try await withTestApp(seeded: false) { app in
            let sql = app.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE probe (n INTEGER)").run()
            try await sql.raw("INSERT INTO probe VALUES (1), (2), (3)").run()
            struct N: Decodable { var n: Int }
            // Only the first of three rows is wanted.
            #expect(try await reader(app).raw("SELECT n FROM probe ORDER BY n").first(decoding: N.self)?.n == 1)
            try await sql.raw("INSERT INTO probe VALUES (4)").run()
            struct Checkpoint: Decodable { var busy: Int; var log: Int; var checkpointed: Int }
            let c = try #require(try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first(decoding: Checkpoint.self))
            #expect(c.busy == 0 && c.log == 0)
            await #expect(throws: InlineSQLite.Failure.self) { try await reader(app).raw("SELECT nothing FROM nowhere").run() }
            // Reads only: a write through it is refused.
            await #expect(throws: InlineSQLite.Failure.self) { try await reader(app).raw("INSERT INTO probe VALUES (5)").run() }
            #expect(try await reader(app).raw("SELECT COUNT(*) AS n FROM probe").first(decoding: N.self)?.n == 4)
        }
    }

    /// The audit commit's own writer chains events after whatever the other connections wrote, and the chain verifies.
    @Test func theAuditWriterChainsAfterTheOtherConnections() async throws {
        try await withTestApp { app in
            let writer = try #require(app.inlineAuditWriter)
            func items(_ tag: String, _ n: Int) -> [AuditLog.Pending] {
                (0..<n).map { i in
                    AuditLog.Pending(entry: AuditEntry(action: "test.\(tag)", objectType: "t", objectID: "\(i)", purpose: "supervision", detail: "n=\(i) ü"),
                                     actor: .system, requestID: "r-\(tag)-\(i)", time: app.clock.now())
                }
            }
            let before = try await AuditEventRecord.query(on: app.db).count()
            try await writer.append(items("a", 3))
            try await AuditLog.appendBatch(items("b", 2), on: app.db)
            try await writer.append(items("c", 60))
            try await app.auditCommitter.record(items("d", 1), db: app.db, app: app)   // the server's path
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$id > Int64(before)).sort(\.$id).all()
            #expect(events.map(\.action) == ["a", "a", "a", "b", "b"].map { "test.\($0)" } + Array(repeating: "test.c", count: 60) + ["test.d"])
            #expect(events.map(\.id!) == Array(Int64(before + 1)...Int64(before + 66)))
            #expect(events.first?.detail == "n=0 ü" && events.first?.purpose == "supervision" && events.first?.requestID == "r-a-0")
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(before + 66)))
            // With the write lock held elsewhere, it gives up as busy after a moment and writes nothing.
            try await whileAnotherConnectionHoldsTheWriteLock(app) {
                do {
                    try await writer.append(items("e", 1))
                    Issue.record("written while the lock was held")
                } catch {
                    #expect(AuditSpool.isBusy(error), "\(error)")
                }
            }
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(before + 66)))
        }
    }

    @Test func turnedOffEveryReadGoesThroughSQLiteNIO() async throws {
        try await withTestApp(seeded: false, extra: ["SINERGI_INLINE_READS": "off"]) { app in
            #expect(app.inlineReads == nil && app.inlineAuditWriter == nil)
        }
        try await withTestApp(seeded: false, extra: ["SINERGI_INLINE_READS": "reads"]) { app in
            #expect(app.inlineReads != nil && app.inlineAuditWriter == nil)
        }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["SINERGI_INLINE_READS": "sometimes"]) }
    }
}
