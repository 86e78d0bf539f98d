import NIOConcurrencyHelpers
import PostgresKit
import SQLKit
import Vapor

/// Short reads of PostgreSQL through statements prepared once per connection.
///
/// PostgreSQL parses and plans an unnamed statement on every call. For the principal behind a token or session and
/// the passport look-up (a join of five tables, subqueries for the page), planning took several times as long as
/// running the plan: pgbench ran the look-up's two reads at 2,700 pairs/s unprepared and 15,500/s prepared, on the
/// same data (docs/performance.md, "Audited reads under load").
///
/// Each statement text gets a name for the whole process (`sinergi_q0`, `sinergi_q1`…), and postgres-nio prepares the
/// name on a connection the first time that connection runs it, with the parameter types of the binds, exactly as an
/// unnamed statement would be parsed. postgres-nio names a prepared statement by a type, so each name is a type:
/// `Slotted<Slot3>` is `sinergi_q3`. A name is given to a text together with its binds' Swift types, so that a bind is
/// never sent as another type than the one its statement was prepared with.
///
/// The same short reads as `InlineSQLite` use it (`Request.quickReads`); `SINERGI_INLINE_READS=off` turns both off.
/// Texts beyond the slots, and binds postgres-nio cannot encode directly, run as unnamed statements.
struct PreparedPostgres: SQLDatabase {
    /// Where a statement runs unnamed, and what it is serialized for.
    let database: any SQLDatabase
    /// Where a prepared statement runs: the same database (or one connection of it, in tests).
    let connections: any PostgresDatabase
    var logger: Logger { database.logger }
    var eventLoop: any EventLoop { database.eventLoop }
    var dialect: any SQLDialect { database.dialect }
    var version: (any SQLDatabaseReportedVersion)? { database.version }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let (sql, binds) = database.serialize(query)
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            if Self.isNil(bind) { bindings.appendNull() }
            else if let value = bind as? any PostgresThrowingDynamicTypeEncodable { try bindings.append(value, context: .default) }
            else { return try await database.execute(sql: query, onRow) }
        }
        // An absent value is keyed apart: prepared with it, PostgreSQL infers that parameter's type from the text alone.
        let key = sql + "\u{0}" + binds.map { Self.isNil($0) ? "nil" : String(reflecting: type(of: $0)) }.joined(separator: ",")
        guard let slot = Self.registry.slot(for: key, text: sql) else { return try await database.execute(sql: query, onRow) }
        let logger = self.logger, generation = Self.registry.generation(slot.index)
        do {
            try await connections.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await Self.run(slot, bindings, on: connection, logger: logger, onRow)
                }
            }.get()
        } catch {
            // postgres-nio keeps a failed prepare (a lock timeout while parsing, say) as that name's state on that
            // connection for as long as the connection lives: every later use of the name there would fail the same
            // way. So after any failure the slot takes a new name, prepared afresh where it is next used.
            Self.registry.renew(slot.index, after: generation)
            throw error
        }
    }

    /// Whether a bind is an absent optional. Inside the existential, `bind as Any?` wraps it and is never nil; matching
    /// the unwrapped value against `Optional<Any>.none` looks inside.
    static func isNil(_ value: Any) -> Bool {
        if case Optional<Any>.none = value { return true }
        return false
    }

    private static func run<S: PreparedSlot>(_ slot: S.Type, _ bindings: PostgresBindings, on connection: PostgresConnection,
                                             logger: Logger, _ onRow: (any SQLRow) -> ()) async throws {
        for try await row in try await connection.execute(Slotted<S>(bindings: bindings), logger: logger) {
            onRow(row.sql(decodingContext: .default))
        }
    }

    /// The statement texts given a slot so far, for the whole process. A slot's text never changes, so a name found
    /// prepared on a connection is always the statement asked for.
    static let registry = Registry()

    final class Registry: Sendable {
        private let state = NIOLockedValueBox(State())
        private struct State { var byKey: [String: Int] = [:]; var texts: [String] = []; var generations: [Int] = [] }

        /// The slot of `key` (a text and its binds' types), given now if it has none and one is free.
        func slot(for key: String, text: String) -> (any PreparedSlot.Type)? {
            state.withLockedValue { s in
                if let i = s.byKey[key] { return PreparedPostgres.slots[i] }
                guard s.texts.count < PreparedPostgres.slots.count else { return nil }
                s.byKey[key] = s.texts.count
                s.texts.append(text)
                s.generations.append(0)
                return PreparedPostgres.slots[s.texts.count - 1]
            }
        }

        func text(_ index: Int) -> String { state.withLockedValue { $0.texts[index] } }

        /// How many times the slot's name was renewed: part of its name.
        func generation(_ index: Int) -> Int { state.withLockedValue { $0.generations[index] } }

        /// A new name for the slot, unless another failure already gave it one since `generation`.
        func renew(_ index: Int, after generation: Int) {
            state.withLockedValue { s in if s.generations[index] == generation { s.generations[index] += 1 } }
        }
    }

    /// The names there are: the short reads' statements, with one variant per length of an office's regency list
    /// and per role's scope, are far fewer.
    static let slots: [any PreparedSlot.Type] = [
        Slot0.self, Slot1.self, Slot2.self, Slot3.self, Slot4.self, Slot5.self, Slot6.self, Slot7.self,
        Slot8.self, Slot9.self, Slot10.self, Slot11.self, Slot12.self, Slot13.self, Slot14.self, Slot15.self,
        Slot16.self, Slot17.self, Slot18.self, Slot19.self, Slot20.self, Slot21.self, Slot22.self, Slot23.self,
        Slot24.self, Slot25.self, Slot26.self, Slot27.self, Slot28.self, Slot29.self, Slot30.self, Slot31.self,
    ]
}

/// A statement name of `PreparedPostgres`: `sinergi_q<index>`.
protocol PreparedSlot { static var index: Int { get } }

/// The statement of one slot, as postgres-nio prepares and runs it: `sinergi_q3` (`sinergi_q3_1` once renewed).
struct Slotted<S: PreparedSlot>: PostgresPreparedStatement {
    static var name: String {
        let generation = PreparedPostgres.registry.generation(S.index)
        return generation == 0 ? "sinergi_q\(S.index)" : "sinergi_q\(S.index)_\(generation)"
    }
    static var sql: String { PreparedPostgres.registry.text(S.index) }
    typealias Row = PostgresRow
    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

enum Slot0: PreparedSlot { static let index = 0 }
enum Slot1: PreparedSlot { static let index = 1 }
enum Slot2: PreparedSlot { static let index = 2 }
enum Slot3: PreparedSlot { static let index = 3 }
enum Slot4: PreparedSlot { static let index = 4 }
enum Slot5: PreparedSlot { static let index = 5 }
enum Slot6: PreparedSlot { static let index = 6 }
enum Slot7: PreparedSlot { static let index = 7 }
enum Slot8: PreparedSlot { static let index = 8 }
enum Slot9: PreparedSlot { static let index = 9 }
enum Slot10: PreparedSlot { static let index = 10 }
enum Slot11: PreparedSlot { static let index = 11 }
enum Slot12: PreparedSlot { static let index = 12 }
enum Slot13: PreparedSlot { static let index = 13 }
enum Slot14: PreparedSlot { static let index = 14 }
enum Slot15: PreparedSlot { static let index = 15 }
enum Slot16: PreparedSlot { static let index = 16 }
enum Slot17: PreparedSlot { static let index = 17 }
enum Slot18: PreparedSlot { static let index = 18 }
enum Slot19: PreparedSlot { static let index = 19 }
enum Slot20: PreparedSlot { static let index = 20 }
enum Slot21: PreparedSlot { static let index = 21 }
enum Slot22: PreparedSlot { static let index = 22 }
enum Slot23: PreparedSlot { static let index = 23 }
enum Slot24: PreparedSlot { static let index = 24 }
enum Slot25: PreparedSlot { static let index = 25 }
enum Slot26: PreparedSlot { static let index = 26 }
enum Slot27: PreparedSlot { static let index = 27 }
enum Slot28: PreparedSlot { static let index = 28 }
enum Slot29: PreparedSlot { static let index = 29 }
enum Slot30: PreparedSlot { static let index = 30 }
enum Slot31: PreparedSlot { static let index = 31 }

extension Application {
    private struct PreparedReadsKey: StorageKey { typealias Value = Bool }
    /// Whether short reads of PostgreSQL go through `PreparedPostgres` (`configure`, with `AppConfig.inlineReads`).
    var preparedReads: Bool {
        get { storage[PreparedReadsKey.self] ?? false }
        set { storage[PreparedReadsKey.self] = newValue }
    }
}
