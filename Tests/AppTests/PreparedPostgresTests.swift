@testable import App
import Fluent
import Foundation
import PostgresKit
import SQLKit
import Testing
import Vapor

/// Short reads of PostgreSQL through statements prepared once per connection (`PreparedPostgres`): the same answers
/// as unnamed statements, the statement really prepared, binds of other types kept apart, and a setting to turn it off.
@Suite(.enabled(if: !onSQLite)) struct PreparedPostgresTests {
    /// Runs `body` with one connection's database, so that what it prepared can be seen.
    func onOneConnection(_ app: Application, _ body: @escaping @Sendable (PreparedPostgres, any SQLDatabase) async throws -> Void) async throws {
        try await (app.db as! any PostgresDatabase).withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                let sql = connection.sql(queryLogLevel: nil)
                try await body(PreparedPostgres(database: sql, connections: connection), sql)
            }
        }.get()
    }

    func reader(_ app: Application) -> PreparedPostgres {
        PreparedPostgres(database: app.db as! any SQLDatabase, connections: app.db as! any PostgresDatabase)
    }

    @Test func everyKindOfValueReadsAsThroughAnUnnamedStatement() async throws {
        try await withTestApp(seeded: false) { app in
            let query = EveryKindOfValue.query()
            let unnamed = try await (app.db as! any SQLDatabase).raw(query).first(decoding: EveryKindOfValue.self)
            let prepared = reader(app)
            // Twice: the first call prepares, the second runs what was prepared.
            #expect(try await prepared.raw(query).first(decoding: EveryKindOfValue.self) == unnamed)
            #expect(try await prepared.raw(query).first(decoding: EveryKindOfValue.self) == unnamed)
            #expect(unnamed?.s == "Surabaya · ü 中")
            struct N: Decodable { var n: Int }
            let rows = try await prepared.raw("SELECT n FROM generate_series(1, 500) AS n ORDER BY n").all(decoding: N.self)
            #expect(rows.map(\.n) == Array(1...500))
            #expect(try await prepared.raw("SELECT 1 AS n WHERE false").all(decoding: N.self).isEmpty)
        }
    }

    @Test func theStatementIsPreparedOnTheConnectionAndUsedAgain() async throws {
        try await withTestApp(seeded: false) { app in
            try await onOneConnection(app) { prepared, connection in
                struct S: Decodable { var s: String }
                for word in ["a", "b", "c"] {
                    let row = try await prepared.raw("SELECT CAST(\(bind: word) AS TEXT) || 'probe-prepared' AS s").first(decoding: S.self)
                    #expect(row?.s == "\(word)probe-prepared")
                }
                struct Statement: Decodable { var name: String; var statement: String }
                let held = try await connection.raw("SELECT name, statement FROM pg_prepared_statements").all(decoding: Statement.self)
                let ours = held.filter { $0.statement.contains("probe-prepared") }
                #expect(ours.count == 1, "prepared once on this connection: \(held.map(\.name))")
                #expect(ours.first?.name.hasPrefix("sinergi_q") == true)
            }
        }
    }

    /// A failure while a connection prepares (here a lock timeout while PostgreSQL parses) is kept by postgres-nio as
    /// that name's state on that connection; the slot then takes a new name, so the read works again once the lock
    /// is gone instead of failing on that connection for as long as it lives. An absent value is bound as NULL on the
    /// prepared path too.
    @Test func aFailedPrepareDoesNotStickAndNullsArePrepared() async throws {
        try await withTestApp(seeded: false) { app in
            let sql = app.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE probe_lock (n INTEGER)").run()
            try await sql.raw("INSERT INTO probe_lock VALUES (7)").run()
            struct N: Decodable { var n: Int }
            try await onOneConnection(app) { prepared, connection in
                try await connection.raw("SET lock_timeout = '100ms'").run()
                try await app.db.transaction { tx in
                    try await (tx as! any SQLDatabase).raw("LOCK TABLE probe_lock IN ACCESS EXCLUSIVE MODE").run()
                    await #expect(throws: (any Error).self) { try await prepared.raw("SELECT n FROM probe_lock").all(decoding: N.self) }
                }
                // The lock is gone: the same read on the same connection works.
                #expect(try await prepared.raw("SELECT n FROM probe_lock").all(decoding: N.self).map(\.n) == [7])
                #expect(try await prepared.raw("SELECT n FROM probe_lock").all(decoding: N.self).map(\.n) == [7])

                struct S: Decodable { var s: String }
                let row = try await prepared.raw("SELECT COALESCE(CAST(\(bind: String?.none) AS TEXT), 'probe-null') AS s").first(decoding: S.self)
                #expect(row?.s == "probe-null")
                struct Statement: Decodable { var statement: String }
                let held = try await connection.raw("SELECT statement FROM pg_prepared_statements").all(decoding: Statement.self)
                #expect(held.contains { $0.statement.contains("probe-null") }, "a NULL bind runs prepared")
            }
        }
    }

    /// One text with binds of two types gets two names: a bind is never read as the type another call prepared.
    @Test func bindsOfAnotherTypeAreKeptApart() async throws {
        try await withTestApp(seeded: false) { app in
            let prepared = reader(app)
            struct S: Decodable { var s: String }
            for _ in 0..<2 {
                #expect(try await prepared.raw("SELECT CAST(\(bind: "seven") AS TEXT) AS s").first(decoding: S.self)?.s == "seven")
                #expect(try await prepared.raw("SELECT CAST(\(bind: 7) AS TEXT) AS s").first(decoding: S.self)?.s == "7")
                #expect(try await prepared.raw("SELECT CAST(\(bind: true) AS TEXT) AS s").first(decoding: S.self)?.s == "true")
            }
            // A value postgres-nio cannot bind directly (a structure, sent as JSON) runs unnamed, with the same answer.
            struct Box: Codable, Sendable { var a: Int }
            let json = try await prepared.raw("SELECT CAST(\(bind: Box(a: 3)) AS TEXT) AS s").first(decoding: S.self)?.s
            let unnamed = try await (app.db as! any SQLDatabase).raw("SELECT CAST(\(bind: Box(a: 3)) AS TEXT) AS s").first(decoding: S.self)?.s
            #expect(json != nil && json == unnamed)
            // A wrong statement is an error, and the reader goes on.
            await #expect(throws: (any Error).self) { try await prepared.raw("SELECT no_such_column FROM users").run() }
            #expect(try await prepared.raw("SELECT CAST(\(bind: 8) AS TEXT) AS s").first(decoding: S.self)?.s == "8")
        }
    }

    @Test func aTokensPrincipalIsTheSameEitherWay() async throws {
        try await withTestApp { app in
            #expect(app.preparedReads)
            for email in ["officer@demo.sinergi.id", "sponsor@demo.sinergi.id", "agency@demo.sinergi.id"] {
                let token = try await apiToken(app, email)
                let hash = Tokens.digest(token), now = app.clock.now(), today = app.today
                let unnamed = try #require(try await Principal.load(tokenHash: hash, now: now, on: app.db, today: today))
                let reader = reader(app)
                for _ in 0..<2 {
                    let prepared = try #require(try await Principal.load(tokenHash: hash, now: now, on: app.db, reading: reader, today: today))
                    #expect("\(unnamed)" == "\(prepared)")
                }
            }
        }
    }

    @Test func itCanBeTurnedOff() async throws {
        try await withTestApp(seeded: false, extra: ["SINERGI_INLINE_READS": "off"]) { app in
            #expect(!app.preparedReads)
            let req = Request(application: app, on: app.eventLoopGroup.any())
            #expect(!(req.quickReads is PreparedPostgres))
        }
        try await withTestApp(seeded: false) { app in
            let req = Request(application: app, on: app.eventLoopGroup.any())
            #expect(req.quickReads is PreparedPostgres)
        }
    }
}
