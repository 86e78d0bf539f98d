import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// SQLite has one write lock per file. A registry batch holds it for seconds (10,000 changed rows on a million-person
/// registry: 5–6 s), and so would every audited read behind it, because a read writes its audit event before it
/// answers. On SQLite, audited reads therefore chain their events in the main file only when its write lock is free
/// within a moment (`briefBusyMilliseconds`); otherwise the events are written to the spool, a small SQLite file of
/// its own beside the database (`<database>-auditspool`, its own write lock), and the request answers once they are
/// durable there. A drainer chains the spooled events into the audit trail, in the order they were spooled, as soon
/// as the lock is free again; while events wait in the spool, new ones join them there, so their order is kept.
///
/// Exactly once: the drain chains the spooled rows and records the last spooled id it chained
/// (`audit_spool_marks`, in the main file) in one transaction; rows up to that mark are then deleted from the spool,
/// and any a crash left behind are skipped and deleted by the next drain. The mark belongs to the spool's generation
/// (a random id stored in the spool), so a spool file made anew never has its rows taken for chained ones.
/// `sinergi audit verify` drains the spool before it verifies. PostgreSQL has row locks and needs none of this.
final class AuditSpool: Sendable {
    static let table = "audit_spool"
    /// How long an audited read waits for the main file's write lock before its events go to the spool.
    static let briefBusyMilliseconds = 25
    /// How often the drainer tries the write lock while events wait.
    static let drainInterval: Duration = .milliseconds(100)

    let generation: String
    /// One spool writer at a time in this process (the committer's flush or the drainer).
    private let lock = AsyncLock()
    private let state: NIOLockedValueBox<(waiting: Bool, draining: Bool, stopped: Bool, drainer: Task<Void, Never>?)>

    static func path(forDatabase path: String) -> String { path + "-auditspool" }

    /// Opens (or makes) the spool; events a crash or a shutdown left in it are drained once the server has booted.
    static func open(_ app: Application) async throws -> AuditSpool {
        let db = app.db(.sqliteAuditSpool) as! any SQLDatabase
        try await db.raw("PRAGMA journal_mode = WAL").run()
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS audit_spool (id INTEGER PRIMARY KEY AUTOINCREMENT, occurred_at TEXT NOT NULL,
              actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT NOT NULL,
              object_id TEXT NOT NULL, purpose TEXT NOT NULL, request_id TEXT NOT NULL, detail TEXT NOT NULL)
            """).run()
        try await db.raw("CREATE TABLE IF NOT EXISTS audit_spool_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation TEXT NOT NULL)").run()
        try await db.raw("INSERT OR IGNORE INTO audit_spool_generation (id, generation) VALUES (1, \(bind: UUID().uuidString))").run()
        struct G: Decodable { var generation: String; var n: Int; var seq: Int64 }
        var g = try await db.raw("""
            SELECT generation, (SELECT COUNT(*) FROM audit_spool) AS n,
                   COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_spool'), 0) AS seq FROM audit_spool_generation
            """).first(decoding: G.self)!
        // Rows up to the mark count as chained. A spool whose ids went back below it (a file copied back without its
        // WAL, or made anew with an old generation) would have new events taken for chained ones: it starts a new
        // generation instead (at worst an event is chained twice, never lost). Before the first migration the main
        // file has no marks yet.
        struct M: Decodable { var chained_through: Int64 }
        let mark = (try? await (app.db as! any SQLDatabase).raw("SELECT chained_through FROM audit_spool_marks WHERE generation = \(bind: g.generation)")
            .first(decoding: M.self))??.chained_through ?? 0
        if g.seq < mark {
            g.generation = UUID().uuidString
            try await db.raw("UPDATE audit_spool_generation SET generation = \(bind: g.generation) WHERE id = 1").run()
        }
        return AuditSpool(generation: g.generation, waiting: g.n > 0)
    }

    private init(generation: String, waiting: Bool) {
        self.generation = generation
        state = NIOLockedValueBox((waiting, false, false, nil))
    }

    /// After boot: events left in the spool are chained as soon as the write lock is free.
    func resume(_ app: Application) {
        if state.withLockedValue({ $0.waiting }) { startDrainer(app) }
    }

    /// Chains `items` in the main file if its write lock is free within a moment; otherwise spools them and starts
    /// the drainer. Returns once they are durable in one or the other.
    func commit(_ items: [AuditLog.Pending], app: Application) async throws {
        try await lock.withLock {
            if !state.withLockedValue({ $0.waiting }) {
                do {
                    if let writer = app.inlineAuditWriter {
                        try await writer.append(items)
                    } else {
                        try await app.briefDB.writeTransaction { tx in try await AuditLog.append(items, on: tx) }
                    }
                    return
                } catch where Self.isBusy(error) {}
            }
            try await self.insert(items, app)
            self.startDrainer(app)
        }
    }

    /// Moves every spooled event into the chain. `wait`: wait for the write lock as any write does (the command line);
    /// otherwise give up at once when it is held. Returns the number of events chained, nil when the lock was held.
    @discardableResult
    func drain(_ app: Application, wait: Bool) async throws -> Int? {
        try await lock.withLock {
            if state.withLockedValue({ $0.stopped }) { return nil }   // the databases are closing
            do {
                let n = try await self.chainSpooled(on: wait ? app.db : app.briefDB, app)
                state.withLockedValue { $0.waiting = false }
                return n
            } catch where !wait && Self.isBusy(error) {
                return nil
            }
        }
    }

    /// For the command line (`audit verify`, `backup`): chains the events a server spooled while another process held
    /// the write lock, waiting for the lock as any write does. Returns what to tell the user: how many were chained,
    /// or, when the lock stays held beyond the busy timeout, how many still wait and `otherwise` (what happens
    /// without them); nil when none wait or on PostgreSQL.
    static func chainWaiting(_ app: Application, otherwise: String) async throws -> String? {
        guard let spool = app.auditCommitter.spool, case let waiting = try await spool.waitingCount(app), waiting > 0 else { return nil }
        do {
            let n = try await spool.drain(app, wait: true) ?? 0
            return n > 0 ? "chained \(n) events from the audit spool" : nil
        } catch where isBusy(error) {
            return "\(waiting) events wait in the audit spool (another process holds the write lock); \(otherwise)"
        }
    }

    /// Events waiting in the spool (not yet chained).
    func waitingCount(_ app: Application) async throws -> Int {
        let mark = try await self.mark(on: app.db as! any SQLDatabase)
        struct N: Decodable { var n: Int }
        return try await spoolDB(app).raw("SELECT COUNT(*) AS n FROM audit_spool WHERE id > \(bind: mark)").first(decoding: N.self)?.n ?? 0
    }

    /// Stops the drainer and waits for it and for a spool write in progress (the server shuts down, before its
    /// databases close); events still waiting are drained after the next start.
    func stop() async {
        let drainer = state.withLockedValue { s -> Task<Void, Never>? in
            s.stopped = true
            return s.drainer
        }
        await drainer?.value
        _ = try? await lock.withLock {}
    }

    static func isBusy(_ error: any Error) -> Bool {
        if let e = error as? InlineSQLite.Failure { return e.status == .serviceUnavailable }
        guard let e = error as? SQLiteError else { return false }
        switch e.reason {
        case .busy, .busyTimeout, .busyInSnapshot, .busyInRecovery, .locked: return true
        default: return false
        }
    }

    // MARK: - Inside

    private func spoolDB(_ app: Application) -> any SQLDatabase { app.db(.sqliteAuditSpool) as! any SQLDatabase }

    private func insert(_ items: [AuditLog.Pending], _ app: Application) async throws {
        try await app.db(.sqliteAuditSpool).transaction { tx in
            let sql = tx as! any SQLDatabase
            for start in stride(from: 0, to: items.count, by: 50) {
                var insert = sql.insert(into: Self.table)
                    .columns("occurred_at", "actor_id", "actor_role", "action", "object_type", "object_id", "purpose", "request_id", "detail")
                for item in items[start..<min(start + 50, items.count)] {
                    let e = item.entry
                    insert = insert.values([AuditLog.stamp(item.time), item.actor.id, item.actor.role, e.action, e.objectType, e.objectID, e.purpose, item.requestID, e.detail])
                }
                try await insert.run()
            }
        }
        state.withLockedValue { $0.waiting = true }
    }

    private func mark(on db: any SQLDatabase) async throws -> Int64 {
        struct M: Decodable { var chained_through: Int64 }
        return try await db.raw("SELECT chained_through FROM audit_spool_marks WHERE generation = \(bind: generation)").first(decoding: M.self)?.chained_through ?? 0
    }

    /// One transaction on the main file: the spooled events after the mark, chained in spool order, and the new mark.
    private func chainSpooled(on db: any Database, _ app: Application) async throws -> Int {
        let spool = spoolDB(app)
        let (through, n) = try await db.writeTransaction { tx -> (Int64, Int) in
            let sql = tx as! any SQLDatabase
            let mark = try await self.mark(on: sql)
            let rows = try await spool.raw("SELECT * FROM audit_spool WHERE id > \(bind: mark) ORDER BY id").all()
            guard !rows.isEmpty else { return (mark, 0) }
            var items: [AuditLog.Pending] = []
            items.reserveCapacity(rows.count)
            var last = mark
            for row in rows {
                last = try row.decode(column: "id", as: Int64.self)
                let time = try row.decode(column: "occurred_at", as: String.self)
                items.append(AuditLog.Pending(
                    entry: AuditEntry(action: try row.decode(column: "action", as: String.self), objectType: try row.decode(column: "object_type", as: String.self),
                                      objectID: try row.decode(column: "object_id", as: String.self), purpose: try row.decode(column: "purpose", as: String.self),
                                      detail: try row.decode(column: "detail", as: String.self)),
                    actor: AuditActor(id: try row.decode(column: "actor_id", as: String.self), role: try row.decode(column: "actor_role", as: String.self)),
                    requestID: try row.decode(column: "request_id", as: String.self),
                    time: (try? Date(time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? Date(), stamp: time))
            }
            try await AuditLog.append(items, on: tx)
            try await sql.raw("""
                INSERT INTO audit_spool_marks (generation, chained_through) VALUES (\(bind: self.generation), \(bind: last))
                ON CONFLICT (generation) DO UPDATE SET chained_through = excluded.chained_through
                """).run()
            return (last, rows.count)
        }
        // After the commit: rows up to the mark are chained; a crash before this line leaves them to the next drain.
        try await spool.raw("DELETE FROM audit_spool WHERE id <= \(bind: through)").run()
        return n
    }

    private func startDrainer(_ app: Application) {
        let start = state.withLockedValue { s -> Bool in
            if s.draining || s.stopped { return false }
            s.draining = true
            return true
        }
        guard start else { return }
        let task = Task {
            while true {
                try? await Task.sleep(for: Self.drainInterval)
                if state.withLockedValue({ $0.stopped }) { break }
                do {
                    if try await drain(app, wait: false) != nil { break }
                } catch {
                    app.logger.error("audit spool: drain failed: \(String(reflecting: type(of: error)))")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            // A flush that spooled after the last drain and before this line would find `draining` still set and
            // start no drainer: look once more.
            let again = state.withLockedValue { s -> Bool in
                s.draining = false
                return s.waiting && !s.stopped
            }
            if again { startDrainer(app) }
        }
        state.withLockedValue { $0.drainer = task }
    }
}

extension DatabaseID {
    /// SQLite: connections to the main file that wait only `AuditSpool.briefBusyMilliseconds` for the write lock.
    static let sqliteBrief = DatabaseID(string: "sqlite-brief")
    /// SQLite: the audit spool's own file.
    static let sqliteAuditSpool = DatabaseID(string: "sqlite-audit-spool")
}

/// Starts the spool's drainer after boot when events wait, and stops it before the databases close.
struct AuditSpoolLifecycle: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        application.auditCommitter.spool?.resume(application)
    }

    func shutdownAsync(_ application: Application) async {
        await application.auditCommitter.spool?.stop()
    }
}
