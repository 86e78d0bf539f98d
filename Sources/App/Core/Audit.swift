import AuditChain
import Fluent
import SQLKit
import NIOConcurrencyHelpers
import Vapor

/// Who did something: a signed-in user, the command line, or an anonymous visitor.
struct AuditActor: Sendable {
    var id: String
    var role: String
    static let system = AuditActor(id: "system", role: "system")
    static let anonymous = AuditActor(id: "anonymous", role: "anonymous")
}

struct AuditEntry: Sendable {
    var action: String
    var objectType: String
    var objectID: String
    var purpose: String = ""
    /// Never a name, passport number or other personal field: ids and codes only.
    var detail: String = ""
}

/// The one audit writer. Events are chained by hash and serialised: in-process by an async lock
/// (taken before any write transaction opens, so it can never wait on a lock held by a writer that
/// waits on it), and across processes by the head row (`FOR UPDATE` on PostgreSQL; SQLite allows one
/// writer at a time, and a lost race fails on the sequence key and is retried).
enum AuditLog {
    static let lock = AsyncLock()

    /// Runs `work` in one transaction and records `entries` it returns in the same transaction:
    /// the change and its audit events land together or not at all.
    static func write<T: Sendable>(
        on db: any Database, actor: AuditActor, requestID: String, clock: AppClock,
        _ work: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])
    ) async throws -> T {
        try await lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return try await db.writeTransaction { tx in
                        let (value, entries) = try await work(tx)
                        try await append(entries, actor: actor, requestID: requestID, at: clock.now(), on: tx)
                        return value
                    }
                } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 3 {
                    continue
                }
            }
        }
    }

    static func record(_ entry: AuditEntry, actor: AuditActor, requestID: String, on db: any Database, clock: AppClock) async throws {
        try await write(on: db, actor: actor, requestID: requestID, clock: clock) { _ in ((), [entry]) }
    }

    /// Appends to the chain inside a write transaction the caller already holds, without the in-process
    /// lock: for long writers (a registry batch) that must not hold up every audited request of the server
    /// while they run. Safe because the transaction holds SQLite's write lock (`writeTransaction`) or the
    /// head row (`FOR UPDATE`) from here to its commit; the caller appends last, after its own row locks.
    static func appendHoldingTransaction(_ entries: [AuditEntry], actor: AuditActor, requestID: String, at time: Date, on tx: any Database) async throws {
        try await append(entries, actor: actor, requestID: requestID, at: time, on: tx)
    }

    private static func append(_ entries: [AuditEntry], actor: AuditActor, requestID: String, at time: Date, on tx: any Database) async throws {
        try await append(entries.map { Pending(entry: $0, actor: actor, requestID: requestID, time: time) }, on: tx)
    }

    /// One event waiting to be chained: its own actor, request and time.
    struct Pending: Sendable {
        var entry: AuditEntry
        var actor: AuditActor
        var requestID: String
        var time: Date
        /// The time as chained, when it was written down before (an event from the spool keeps its text exactly).
        var stamp: String? = nil
    }

    static func stamp(_ time: Date) -> String { time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

    /// Chains and writes several requests' events in one transaction (group commit, `AuditCommitter`).
    static func appendBatch(_ items: [Pending], on db: any Database) async throws {
        try await lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return try await db.writeTransaction { tx in try await append(items, on: tx) }
                } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 3 {
                    continue
                }
            }
        }
    }

    /// Chains `items` after the head and writes them, inside a write transaction the caller holds.
    static func append(_ items: [Pending], on tx: any Database) async throws {
        guard !items.isEmpty else { return }
        let sql = tx as! any SQLDatabase
        let lockClause = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1\(unsafeRaw: lockClause)").first()
        let rows = chain(items, after: try head?.decode(column: "seq", as: Int64.self) ?? 0,
                         previous: try head?.decode(column: "hash", as: String.self) ?? AuditHash.genesis)
        // Multi-row inserts, 50 rows (600 parameters) at a time: well under SQLite's and PostgreSQL's limits.
        for start in stride(from: 0, to: rows.count, by: 50) {
            var insert = sql.insert(into: "audit_events").columns(ChainRow.columns)
            for r in rows[start..<min(start + 50, rows.count)] { insert = insert.values([r.seq as any Encodable & Sendable] + r.texts.map { $0 as any Encodable & Sendable }) }
            try await insert.run()
        }
        let last = rows[rows.count - 1]
        if head == nil {
            try await sql.insert(into: "audit_head").columns("id", "seq", "hash").values(1, last.seq, last.hash).run()
        } else {
            try await sql.update("audit_head").set("seq", to: last.seq).set("hash", to: last.hash).where("id", .equal, 1).run()
        }
    }

    /// One event as it is stored: its place in the chain, its content and the hashes linking it.
    struct ChainRow: Sendable {
        static let columns = ["seq", "occurred_at", "actor_id", "actor_role", "action", "object_type", "object_id", "purpose", "request_id", "detail", "prev_hash", "hash"]
        var seq: Int64
        /// The other columns' values, in `columns`' order.
        var texts: [String]
        var hash: String { texts[texts.count - 1] }
    }

    /// `items` chained after the event `seq` whose hash is `previous`.
    static func chain(_ items: [Pending], after seq: Int64, previous: String) -> [ChainRow] {
        var seq = seq, previous = previous
        return items.map { item in
            let e = item.entry
            seq += 1
            let stamp = item.stamp ?? Self.stamp(item.time)
            let content = AuditContent(
                sequence: seq, occurredAt: stamp, actorID: item.actor.id, actorRole: item.actor.role, action: e.action,
                objectType: e.objectType, objectID: e.objectID, purpose: e.purpose, requestID: item.requestID, detail: e.detail)
            let hash = AuditHash.chain(previous: previous, content: content)
            defer { previous = hash }
            return ChainRow(seq: seq, texts: [stamp, item.actor.id, item.actor.role, e.action, e.objectType, e.objectID, e.purpose, item.requestID, e.detail, previous, hash])
        }
    }

    /// Walks the whole chain in sequence order, in pages, and checks it against the head.
    static func verify(on db: any Database) async throws -> Result<Int64, AuditBreak> {
        try await verify(on: db, after: nil).map { $0.sequence }
    }

    /// Verifies the events after `start` (an event verified before: its sequence and hash), or the whole chain; on
    /// success, the last event verified.
    static func verify(on db: any Database, after start: (sequence: Int64, hash: String)?) async throws -> Result<(sequence: Int64, hash: String), AuditBreak> {
        let sql = db as! any SQLDatabase
        var verifier = start.map { AuditVerifier(after: $0.sequence, hash: $0.hash) } ?? AuditVerifier()
        var after: Int64 = start?.sequence ?? 0
        while true {
            let rows = try await sql.select().column("*").from("audit_events")
                .where("seq", .greaterThan, after).orderBy("seq").limit(5000).all()
            if rows.isEmpty { break }
            for row in rows {
                let record = AuditRecord(
                    content: AuditContent(
                        sequence: try row.decode(column: "seq", as: Int64.self),
                        occurredAt: try row.decode(column: "occurred_at", as: String.self),
                        actorID: try row.decode(column: "actor_id", as: String.self),
                        actorRole: try row.decode(column: "actor_role", as: String.self),
                        action: try row.decode(column: "action", as: String.self),
                        objectType: try row.decode(column: "object_type", as: String.self),
                        objectID: try row.decode(column: "object_id", as: String.self),
                        purpose: try row.decode(column: "purpose", as: String.self),
                        requestID: try row.decode(column: "request_id", as: String.self),
                        detail: try row.decode(column: "detail", as: String.self)),
                    previousHash: try row.decode(column: "prev_hash", as: String.self),
                    hash: try row.decode(column: "hash", as: String.self))
                if let failure = verifier.feed(record) { return .failure(failure) }
                after = record.content.sequence
            }
        }
        let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first()
        let headSeq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let headHash = try head?.decode(column: "hash", as: String.self) ?? AuditHash.genesis
        if let failure = verifier.finish(headSequence: headSeq, headHash: headHash) { return .failure(failure) }
        return .success(verifier.last)
    }
}

/// A FIFO async mutex (no thread is blocked while waiting).
final class AsyncLock: @unchecked Sendable {
    private let state = NIOLockedValueBox<(locked: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let v = try await body()
            release()
            return v
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let proceed = state.withLockedValue { s -> Bool in
                if !s.locked { s.locked = true; return true }
                s.waiters.append(c)
                return false
            }
            if proceed { c.resume() }
        }
    }

    private func release() {
        let next = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.locked = false; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}

extension Request {
    var auditActor: AuditActor {
        // An agent's actions are the agent's, acting for the sponsor that granted access.
        if let p = principal, p.agentOrg != nil { return AuditActor(id: p.userID.uuidString, role: "agent-for:\(p.sponsorID?.uuidString ?? "-")") }
        if let p = principal { return AuditActor(id: p.userID.uuidString, role: p.role.rawValue) }
        return .anonymous
    }

    /// Runs a write and its audit events in one transaction, attributed to this request's user.
    func audited<T: Sendable>(as actor: AuditActor? = nil, _ work: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry])) async throws -> T {
        try await AuditLog.write(on: db, actor: actor ?? auditActor, requestID: id, clock: application.clock, work)
    }

    /// A list of people shown: one event per page, naming the ids on it (ids only, never names).
    func auditList(_ objectType: String, ids: [UUID], page: Int = 1, purpose: String = "supervision") async throws {
        try await audit(AuditEntry(action: "foreigner.list", objectType: objectType, objectID: "page-\(page)", purpose: purpose,
                                   detail: "n=\(ids.count) ids=" + ids.map(\.uuidString).joined(separator: ",")))
    }

    /// Records one event on its own (a read, a failed sign-in): group-committed with other requests' events, and
    /// returns once it is durable.
    func audit(_ entry: AuditEntry) async throws {
        try await audit([entry])
    }

    /// Records a request's events together (one per record a look-up shows): group-committed as one, in one
    /// transaction with other requests' events; returns once they are durable.
    func audit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        guard application.config.auditGroupCommit else {
            return try await audited { _ in ((), entries) }
        }
        let now = application.clock.now(), actor = auditActor
        try await application.auditCommitter.record(entries.map { AuditLog.Pending(entry: $0, actor: actor, requestID: id, time: now) }, db: db, app: application)
    }
}

/// Group commit of audit events. Requests that only record an event (every audited read) hand it here and wait:
/// the first starts a flush; those arriving while a flush writes are chained and written together by the next
/// one, in one transaction. Under load, one commit carries many requests' events instead of each request taking
/// the chain's lock and a transaction of its own; alone, an event is written at once. Every caller resumes only
/// after the transaction holding its event has committed (or with its error).
final class AuditCommitter: Sendable {
    /// One request's events: written in the same transaction, never split between two.
    private struct Waiting { var items: [AuditLog.Pending]; var done: CheckedContinuation<Void, any Error> }
    private let state = NIOLockedValueBox<(pending: [Waiting], flushing: Bool)>(([], false))
    /// Events per transaction at most, unless one request alone has more (its events are never split).
    static let maxBatch = 500
    /// On SQLite: where events wait while another connection holds the write lock (`AuditSpool`).
    let spool: AuditSpool?

    init(spool: AuditSpool? = nil) { self.spool = spool }

    func record(_ items: [AuditLog.Pending], db: any Database, app: Application) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let start = state.withLockedValue { s -> Bool in
                s.pending.append(Waiting(items: items, done: c))
                if s.flushing { return false }
                s.flushing = true
                return true
            }
            if start { Task { await self.flush(db, app: app) } }
        }
    }

    private func flush(_ db: any Database, app: Application) async {
        while true {
            let batch = state.withLockedValue { s -> [Waiting] in
                // Whole requests, up to `maxBatch` events (at least one request, however many events it has).
                var n = 0, events = 0
                while n < s.pending.count, n == 0 || events + s.pending[n].items.count <= Self.maxBatch {
                    events += s.pending[n].items.count
                    n += 1
                }
                let b = Array(s.pending.prefix(n))
                s.pending.removeFirst(b.count)
                if b.isEmpty { s.flushing = false }
                return b
            }
            if batch.isEmpty { return }
            do {
                if let spool {
                    try await spool.commit(batch.flatMap(\.items), app: app)
                } else {
                    try await AuditLog.appendBatch(batch.flatMap(\.items), on: db)
                }
                for w in batch { w.done.resume() }
            } catch {
                for w in batch { w.done.resume(throwing: error) }
            }
        }
    }
}

/// The admin page's check of the chain: the whole chain at most every `fullEvery`, and between those only the events
/// added since the last check. A page view that walked every event ever written would take minutes once an office has
/// millions of them; `sinergi audit verify` always walks the whole chain.
final class AuditPageCheck: Sendable {
    static let fullEvery: TimeInterval = 15 * 60
    private let last = NIOLockedValueBox<(sequence: Int64, hash: String, full: Date)?>(nil)

    /// The chain's state and when it was last walked in full (nil after a break).
    func run(_ db: any Database, now: Date) async throws -> (chain: Result<Int64, AuditBreak>, fullAt: Date?) {
        let resume = last.withLockedValue { $0 }.flatMap { now.timeIntervalSince($0.full) < Self.fullEvery ? $0 : nil }
        switch try await AuditLog.verify(on: db, after: resume.map { ($0.sequence, $0.hash) }) {
        case .success(let point):
            let full = resume?.full ?? now
            last.withLockedValue { $0 = (point.sequence, point.hash, full) }
            return (.success(point.sequence), full)
        case .failure(let b):
            last.withLockedValue { $0 = nil }
            return (.failure(b), nil)
        }
    }
}

extension Application {
    private struct AuditPageCheckKey: StorageKey { typealias Value = AuditPageCheck }
    /// Set once in `configure`, before the server starts.
    var auditPageCheck: AuditPageCheck {
        get { storage[AuditPageCheckKey.self]! }
        set { storage[AuditPageCheckKey.self] = newValue }
    }

    private struct AuditCommitterKey: StorageKey { typealias Value = AuditCommitter }
    /// Set once in `configure`, before the server starts (storage is not for concurrent writes).
    var auditCommitter: AuditCommitter {
        get { storage[AuditCommitterKey.self]! }
        set { storage[AuditCommitterKey.self] = newValue }
    }
}
