import NIOConcurrencyHelpers
import PostgresKit
import Vapor

/// The principals behind API tokens, kept between requests on PostgreSQL, for as long as nothing they are made of
/// changes.
///
/// Every API request read its token's principal (the user, their office, agency or sponsor, the office's regencies, an
/// agent's grants): one round trip to PostgreSQL of the two a look-up makes, each costing both processes a socket write
/// and a read (docs/performance.md, "Audited reads under load").
///
/// What keeps an entry true: triggers on every table a principal is read from (`users`, `api_tokens`, `offices`,
/// `office_jurisdictions`, `agencies`, `sponsors`, `agent_grants`; migration `M045_PrincipalsChanged`) send
/// `NOTIFY sinergi_principals` when a statement changes them, and every server listens (`PrincipalListener`) and
/// forgets all its entries on each notification. So a revoked token, a disabled account or a moved office is refused
/// or seen by every server once the change's notification arrives, within milliseconds of its commit.
///
/// What it does not trust:
/// - An entry is used only while the listener hears its own pings and finds the triggers (`PrincipalListener`); while
///   it does not, every request reads its principal, as before, and the entries are forgotten.
/// - A principal read while a notification arrives is not kept: `store` keeps it only if no notification came since
///   the read began (`generation`), so a read that began before a change committed cannot outlive it.
/// - The token's expiry is checked on every use; an entry is kept at most `maxAge`, and only for the day it was made on
///   (an agent's grants end on their expiry day).
/// - Browser sessions are not kept: they also track idleness, which is written as they are used.
/// - A request that may write forgets this server's entries before it answers (`PrincipalCacheMiddleware`).
final class PrincipalCache: Sendable {
    static let maxAge: Duration = .seconds(60)
    static let maxEntries = 20_000

    private struct Entry {
        let principal: Principal
        let expires: Date
        let day: String
        let at: ContinuousClock.Instant
    }
    private struct State {
        var entries: [String: Entry] = [:]
        var generation: UInt64 = 0
        var listening = false
    }
    private let state = NIOLockedValueBox(State())

    /// The principal kept for a token's hash, if the listener is up, the token has not expired at `now` and the entry was
    /// made today and lately.
    func principal(tokenHash: String, now: Date, today: String) -> Principal? {
        state.withLockedValue { s in
            guard s.listening, let e = s.entries[tokenHash] else { return nil }
            guard e.expires > now, e.day == today, ContinuousClock.now - e.at < Self.maxAge else {
                s.entries[tokenHash] = nil
                return nil
            }
            return e.principal
        }
    }

    /// Where a read of a principal begins: nil while the listener is down (nothing is kept then).
    func generation() -> UInt64? { state.withLockedValue { $0.listening ? $0.generation : nil } }

    /// Keeps `principal` unless something changed since `generation` was taken (or the listener went down).
    func store(_ principal: Principal, tokenHash: String, expires: Date, today: String, generation: UInt64) {
        state.withLockedValue { s in
            guard s.listening, s.generation == generation else { return }
            if s.entries.count >= Self.maxEntries { s.entries.removeAll(keepingCapacity: true) }
            s.entries[tokenHash] = Entry(principal: principal, expires: expires, day: today, at: .now)
        }
    }

    /// Something a principal is made of changed: forget every entry, and keep none read before now.
    func invalidate() {
        state.withLockedValue { s in
            s.generation &+= 1
            s.entries.removeAll(keepingCapacity: true)
        }
    }

    /// Whether notifications are being received. Either way the entries are forgotten: while the listener was down,
    /// changes went unnoticed.
    func setListening(_ on: Bool) {
        state.withLockedValue { s in
            s.listening = on
            s.generation &+= 1
            s.entries.removeAll()
        }
    }

    var isListening: Bool { state.withLockedValue { $0.listening } }
}

/// A request that may write (any method but GET and HEAD) forgets this server's principals once it is handled, before
/// its answer goes out. The notification of its change reaches every server within milliseconds, but the client that
/// made the change (an admin who just disabled an account, a user who revoked a token) may ask again sooner, here.
struct PrincipalCacheMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.method != .GET, req.method != .HEAD, let cache = req.application.principalCache else { return try await next.respond(to: req) }
        do {
            let res = try await next.respond(to: req)
            cache.invalidate()
            return res
        } catch {
            cache.invalidate()
            throw error
        }
    }
}

/// Listens for `sinergi_principals` on a connection of its own and tells `PrincipalCache`. Reconnects after a failure
/// (every second); stops with the application.
///
/// It does not take a successful `LISTEN` for a working channel. Every `heartbeat` it sends a notification of its own
/// (`ping:<id>`, ignored by every server) and checks that the seven triggers exist and are enabled; the cache keeps
/// principals only once its own ping has come back and the triggers are there, and stops (forgetting everything) when
/// a ping is not back within `pingTimeout` (the connection is reopened) or a trigger is missing (a server started
/// before `migrate`, a trigger dropped, a pooler that does not pass notifications on).
struct PrincipalListener: LifecycleHandler {
    static let channel = "sinergi_principals"
    static let heartbeat: Duration = .seconds(5)
    static let pingTimeout: Duration = .seconds(3)
    let configuration: PostgresConnection.Configuration
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(configuration: PostgresConnection.Configuration) { self.configuration = configuration }

    private struct PingLost: Error {}
    private struct StreamEnded: Error {}

    /// Not `didBootAsync`: the sync boot (as in tests) calls only this one, the async boot calls this one too.
    func didBoot(_ app: Application) throws {
        // A server's: a command (`migrate`, `backup`, `alerts run` …) serves no requests, and on a database not yet migrated
        // it would only report the triggers missing. (Tests boot with the test runner's arguments: no command of ours.)
        if let command = app.environment.arguments.dropFirst().first, command != "serve",
           app.asyncCommands.commands[command] != nil || app.commands.commands[command] != nil { return }
        guard let cache = app.principalCache else { return }
        let configuration = self.configuration, logger = app.logger, loop = app.eventLoopGroup.any()
        task.withLockedValue { running in
            running = Task {
                var id = 0
                while !Task.isCancelled {
                    id += 1
                    do {
                        let connection = try await PostgresConnection.connect(on: loop, configuration: configuration, id: id, logger: logger)
                        do {
                            try await connection.listen(on: Self.channel) { notifications in
                                try await Self.watch(notifications, on: connection, cache: cache, logger: logger)
                            }
                        } catch {
                            if !Task.isCancelled { logger.warning("principal notifications interrupted: \(String(describing: type(of: error)))") }
                        }
                        cache.setListening(false)
                        try? await connection.close()
                    } catch {
                        cache.setListening(false)
                        if !Task.isCancelled { logger.warning("principal notifications: cannot connect: \(String(describing: type(of: error)))") }
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                cache.setListening(false)
            }
        }
    }

    /// Forgets on every change; pings itself and checks the triggers every `heartbeat`. Throws when a ping is lost.
    private static func watch(_ notifications: PostgresNotificationSequence, on connection: PostgresConnection, cache: PrincipalCache,
                              logger: Logger) async throws {
        let ping = "ping:\(UUID().uuidString)"
        let lastPong = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
        let triggers = M045_PrincipalsChanged.tables.map { "\($0)_principals_changed" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await n in notifications {
                    if n.payload == ping { lastPong.withLockedValue { $0 = .now } } else if !n.payload.hasPrefix("ping:") { cache.invalidate() }
                }
                throw StreamEnded()
            }
            group.addTask {
                var warned = false
                while true {
                    let sent = ContinuousClock.now
                    let rows = try await connection.query("""
                        SELECT (SELECT COUNT(*) FROM pg_trigger WHERE tgname = ANY(\(triggers)) AND tgenabled <> 'D')::int4 AS n
                        FROM (SELECT pg_notify(\(channel), \(ping))) AS sent
                        """, logger: logger)
                    var found: Int32 = 0
                    for try await n in rows.decode(Int32.self) { found = n }
                    let deadline = sent + pingTimeout
                    while lastPong.withLockedValue({ $0.map { $0 < sent } ?? true }) {
                        guard ContinuousClock.now < deadline else { throw PingLost() }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    let complete = Int(found) == triggers.count
                    if complete != cache.isListening { cache.setListening(complete) }
                    if !complete && !warned { logger.error("principals are read on every request: \(found) of \(triggers.count) triggers of M045 found (run sinergi migrate)") }
                    warned = !complete
                    try await Task.sleep(for: heartbeat)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func shutdownAsync(_ app: Application) async {
        let running = task.withLockedValue { t -> Task<Void, Never>? in defer { t = nil }; return t }
        running?.cancel()
        await running?.value
    }
}

extension Application {
    private struct PrincipalCacheKey: StorageKey { typealias Value = PrincipalCache }
    /// Set on PostgreSQL with `SINERGI_PRINCIPAL_CACHE` on (the default); nil elsewhere.
    var principalCache: PrincipalCache? {
        get { storage[PrincipalCacheKey.self] }
        set { storage[PrincipalCacheKey.self] = newValue }
    }
}
