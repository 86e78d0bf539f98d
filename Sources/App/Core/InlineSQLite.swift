import AuditChain
import Logging
import NIOCore
import NIOConcurrencyHelpers
import NIOPosix
import PostgresKit
import SQLiteKit
import SQLKit
import VaporCSQLite
import Vapor

/// Short reads of SQLite run on the thread that asks for them, through statements prepared once.
///
/// SQLiteNIO runs every statement on its thread pool and prepares it afresh: a passport look-up over an index takes
/// microseconds in SQLite, yet each statement crossed threads twice and was parsed again, and that was most of what a
/// look-up cost beyond an empty answer (docs/performance.md, "Audited reads under load"). This reader keeps one
/// read-only connection per thread (opened on first use, `query_only`) and its prepared statements, keyed by their
/// text; a statement is reset as soon as its rows are read, so that no snapshot outlives it and checkpoints go on.
///
/// For statements an index answers at once (a token's or session's principal, a passport look-up, a record by id):
/// such a read on an event loop takes less time than handing it to another thread. A read that may scan (a name
/// search, a report) stays on SQLiteNIO's pool. Never inside a transaction: it reads what is committed.
/// `SINERGI_INLINE_READS=off` turns it off (every read through SQLiteNIO), to measure both.
struct InlineSQLite: SQLDatabase {
    let pool: Pool
    let logger: Logger
    let eventLoop: any EventLoop
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    /// The file read inline for `config`, or nil where reads go through SQLiteNIO (PostgreSQL, a memory database,
    /// turned off).
    static func path(_ config: AppConfig) -> String? {
        guard config.inlineReads, case .sqlite(let path) = config.database, !path.isEmpty, path != ":memory:",
              !path.hasPrefix("file:") else { return nil }
        return path
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        let values = try binds.map { try encoder.encode($0) }
        try pool.with { try $0.query(sql, values) { onRow($0) } }
    }

    /// The read-only connections of one database file: taken by one thread at a time, kept for the next read, all
    /// closed when the application stops.
    final class Pool: @unchecked Sendable {
        let path: String
        private let lock = NIOLock()
        private var idle: [Connection] = []
        private var closed = false
        /// More connections than threads that read at once are not kept.
        static let maxIdle = 16

        init(path: String) { self.path = path }

        func with<T>(_ body: (Connection) throws -> T) throws -> T {
            let taken: Connection? = try lock.withLock {
                guard !closed else { throw Failure(code: SQLITE_MISUSE, message: "the database is closed") }
                return idle.popLast()
            }
            let c = try taken ?? Connection(path: path)
            defer { lock.withLock { if !closed && idle.count < Self.maxIdle { idle.append(c) } } }
            return try body(c)
        }

        func close() { lock.withLock { closed = true; idle.removeAll() } }
    }

    /// A read that failed; busy or locked (a recovery, a checkpoint that restarts the log) is 503, to be tried again.
    struct Failure: Error, CustomStringConvertible, AbortError {
        let code: Int32
        let message: String
        var description: String { "SQLite \(code): \(message)" }
        var status: HTTPResponseStatus { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED ? .serviceUnavailable : .internalServerError }
        var reason: String { description }
    }

    /// A read-only connection and its prepared statements; used by one thread at a time.
    final class Connection {
        private var db: OpaquePointer?
        private var statements: [String: OpaquePointer] = [:]
        static let maxStatements = 64

        /// A read-only connection, or (`writing`) one that writes and waits `busyMilliseconds` for the write lock.
        init(path: String, writing: Bool = false, busyMilliseconds: Int = 2000) throws {
            var handle: OpaquePointer?
            let rc = sqlite_nio_sqlite3_open_v2(path, &handle, (writing ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX, nil)
            guard rc == SQLITE_OK, let handle else {
                let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
                sqlite_nio_sqlite3_close_v2(handle)
                throw Failure(code: rc, message: message)
            }
            db = handle
            let pragmas = writing ? ["PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] : ["PRAGMA query_only = 1"]
            for pragma in pragmas + ["PRAGMA busy_timeout = \(busyMilliseconds)", "PRAGMA mmap_size = \(sqliteMapBytes)"] {
                sqlite_nio_sqlite3_exec(handle, pragma, nil, nil, nil)
            }
        }

        /// Whether a transaction is open (after a failed statement inside one, to roll it back).
        var inTransaction: Bool { sqlite_nio_sqlite3_get_autocommit(db) == 0 }

        deinit {
            for s in statements.values { sqlite_nio_sqlite3_finalize(s) }
            sqlite_nio_sqlite3_close_v2(db)
        }

        private func error(_ rc: Int32) -> Failure { Failure(code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(db))) }

        private func statement(_ sql: String) throws -> OpaquePointer {
            if let s = statements[sql] { return s }
            if statements.count >= Self.maxStatements {
                for s in statements.values { sqlite_nio_sqlite3_finalize(s) }
                statements.removeAll()
            }
            var s: OpaquePointer?
            let rc = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
            guard rc == SQLITE_OK, let s else { throw error(rc) }
            statements[sql] = s
            return s
        }

        func query(_ sql: String, _ binds: [SQLiteData], _ onRow: (InlineRow) -> ()) throws {
            let s = try statement(sql)
            // Reset whatever happens: a statement left mid-way would hold its snapshot and stall checkpoints. Its
            // bindings are not cleared: every parameter is bound again below, and clearing them would make SQLite
            // compile the statement again on its next step whenever a bound value may shape its plan (a 0/1 value).
            defer { sqlite_nio_sqlite3_reset(s) }
            guard Int(sqlite_nio_sqlite3_bind_parameter_count(s)) == binds.count else {
                throw Failure(code: SQLITE_RANGE, message: "\(binds.count) values for \(sqlite_nio_sqlite3_bind_parameter_count(s)) parameters")
            }
            for (i, value) in binds.enumerated() {
                let index = Int32(i + 1)
                let rc: Int32
                switch value {
                case .integer(let v): rc = sqlite_nio_sqlite3_bind_int64(s, index, Int64(v))
                case .float(let v): rc = sqlite_nio_sqlite3_bind_double(s, index, v)
                case .text(let v): rc = sqlite_nio_sqlite3_bind_text(s, index, v, -1, Self.transient)
                case .blob(let v):
                    rc = v.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob(s, index, $0.baseAddress, Int32($0.count), Self.transient) }
                case .null: rc = sqlite_nio_sqlite3_bind_null(s, index)
                }
                guard rc == SQLITE_OK else { throw error(rc) }
            }
            let count = sqlite_nio_sqlite3_column_count(s)
            var names: [String]? = nil
            while true {
                let rc = sqlite_nio_sqlite3_step(s)
                if rc == SQLITE_DONE { return }
                guard rc == SQLITE_ROW else { throw error(rc) }
                if names == nil { names = (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(s, $0)) } }
                var values: [SQLiteData] = []
                values.reserveCapacity(Int(count))
                for c in 0..<count {
                    switch sqlite_nio_sqlite3_column_type(s, c) {
                    case SQLITE_INTEGER: values.append(.integer(Int(sqlite_nio_sqlite3_column_int64(s, c))))
                    case SQLITE_FLOAT: values.append(.float(sqlite_nio_sqlite3_column_double(s, c)))
                    case SQLITE_TEXT: values.append(.text(String(cString: sqlite_nio_sqlite3_column_text(s, c))))
                    case SQLITE_BLOB:
                        let n = Int(sqlite_nio_sqlite3_column_bytes(s, c))
                        var buffer = ByteBufferAllocator().buffer(capacity: n)
                        if n > 0, let p = sqlite_nio_sqlite3_column_blob(s, c) { buffer.writeBytes(UnsafeRawBufferPointer(start: p, count: n)) }
                        values.append(.blob(buffer))
                    default: values.append(.null)
                    }
                }
                onRow(InlineRow(names: names!, values: values))
            }
        }

        /// SQLite copies the bound text or bytes before the call returns.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}

extension InlineSQLite {
    /// The audit group commit's writes on SQLite (`AuditSpool.commit`): one connection of its own and one thread of its
    /// own, statements prepared once. Through SQLiteNIO a commit was five statements (begin, the chain's head, the
    /// events, the head, commit), each sent to its thread pool and back and each prepared afresh: now one trip.
    /// Waits `AuditSpool.briefBusyMilliseconds` for the write lock, then fails as busy (the events go to the spool).
    final class AuditWriter: @unchecked Sendable {   // its connection is used under its lock, on its one thread
        private let thread = NIOThreadPool(numberOfThreads: 1)
        private let connection: NIOLockedValueBox<Connection?>
        private let path: String

        init(path: String) {
            self.path = path
            connection = NIOLockedValueBox(nil)
            thread.start()
        }

        /// Chains `items` after the head and commits them in one transaction.
        func append(_ items: [AuditLog.Pending]) async throws {
            guard !items.isEmpty else { return }
            try await thread.runIfActive { try self.write(items) }
        }

        private func write(_ items: [AuditLog.Pending]) throws {
            try connection.withLockedValue { box in
                let c = try box ?? Connection(path: path, writing: true, busyMilliseconds: AuditSpool.briefBusyMilliseconds)
                box = c
                do {
                    try c.query("BEGIN IMMEDIATE", []) { _ in }
                    var head: (seq: Int64, hash: String)?
                    try c.query("SELECT seq, hash FROM audit_head WHERE id = 1", []) { row in
                        if case .integer(let seq) = row.values[0], case .text(let hash) = row.values[1] { head = (Int64(seq), hash) }
                    }
                    let rows = AuditLog.chain(items, after: head?.seq ?? 0, previous: head?.hash ?? AuditHash.genesis)
                    let insert = "INSERT INTO audit_events (\(AuditLog.ChainRow.columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: AuditLog.ChainRow.columns.count).joined(separator: ", ")))"
                    for r in rows { try c.query(insert, [.integer(Int(r.seq))] + r.texts.map { .text($0) }) { _ in } }
                    let last = rows[rows.count - 1]
                    try c.query("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                                [.integer(Int(last.seq)), .text(last.hash)]) { _ in }
                    try c.query("COMMIT", []) { _ in }
                } catch {
                    if c.inTransaction { try? c.query("ROLLBACK", []) { _ in } }
                    throw error
                }
            }
        }

        func close() {
            connection.withLockedValue { $0 = nil }
            try? thread.syncShutdownGracefully()
        }
    }
}

/// A row read by `InlineSQLite`, decoded as SQLiteKit decodes its own.
struct InlineRow: SQLRow {
    let names: [String]
    let values: [SQLiteData]

    var allColumns: [String] { names }
    func contains(column: String) -> Bool { names.contains(column) }

    private func value(_ column: String) -> SQLiteData? {
        names.firstIndex(of: column).map { values[$0] }
    }

    func decodeNil(column: String) throws -> Bool { (value(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
        guard let data = value(column) else {
            throw DecodingError.keyNotFound(SomeKey(column), .init(codingPath: [], debugDescription: "no column \(column)"))
        }
        return try SQLiteDataDecoder().decode(D.self, from: data)
    }

    private struct SomeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Request {
    /// Where a short read goes: inline on SQLite (`InlineSQLite`), prepared once per connection on PostgreSQL
    /// (`PreparedPostgres`), else the request's database.
    var quickReads: any SQLDatabase {
        if let pool = application.inlineReads { return InlineSQLite(pool: pool, logger: logger, eventLoop: eventLoop) }
        if application.preparedReads, let pg = db as? any SQLDatabase & PostgresDatabase { return PreparedPostgres(database: pg, connections: pg) }
        return db as! any SQLDatabase
    }
}

extension Application {
    private struct WriterKey: StorageKey { typealias Value = InlineSQLite.AuditWriter }
    /// The audit group commit's own writer on SQLite (`configure`, with the inline reads), closed when the application stops.
    var inlineAuditWriter: InlineSQLite.AuditWriter? {
        get { storage[WriterKey.self] }
        set {
            if let newValue { storage.set(WriterKey.self, to: newValue, onShutdown: { $0.close() }) } else { storage[WriterKey.self] = nil }
        }
    }

    private struct PoolKey: StorageKey { typealias Value = InlineSQLite.Pool }
    /// The inline readers' connections (`configure`), closed when the application stops.
    var inlineReads: InlineSQLite.Pool? {
        get { storage[PoolKey.self] }
        set {
            if let newValue { storage.set(PoolKey.self, to: newValue, onShutdown: { $0.close() }) } else { storage[PoolKey.self] = nil }
        }
    }
}
