import Fluent
import SQLKit
import Vapor

/// Aggregate counts of foreigners within a scope. Counts carry no personal field, so every role may
/// see them for its own scope (agency members see nothing else).
struct ForeignerCounts: Content {
    var total: Int
    var byCategory: [String: Int]
    var byNationality: [String: Int]
    var expiringIn30Days: Int
    var overstayed: Int

    /// All figures from one pass over the scope (grouped by category and nationality), which the
    /// covering index `foreigners_counts_idx` serves without touching the table. "Expiring" and "overstayed" are the
    /// lists' status filters (`PermitState.sqlCondition`), so a figure and the list it links to agree.
    static func load(_ filter: ScopePolicy.RowFilter, today: String, on db: any Database) async throws -> ForeignerCounts {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var c: String?; var n: String; var total: Int; var expiring: Int?; var overstayed: Int? }
        let rows = try await sql.raw(query(filter, today: today)).all(decoding: Row.self)
        var out = ForeignerCounts(total: 0, byCategory: [:], byNationality: [:], expiringIn30Days: 0, overstayed: 0)
        for r in rows {
            out.total += r.total
            out.byCategory[r.c ?? "none", default: 0] += r.total
            out.byNationality[r.n, default: 0] += r.total
            out.expiringIn30Days += r.expiring ?? 0
            out.overstayed += r.overstayed ?? 0
        }
        return out
    }

    /// The statement `load` runs: one row per category and nationality.
    static func query(_ filter: ScopePolicy.RowFilter, today: String) -> SQLQueryString {
        """
        SELECT permit_category AS c, nationality AS n, COUNT(*) AS total,
               SUM(CASE WHEN \(PermitState.sqlCondition("expiring", today: today)) THEN 1 ELSE 0 END) AS expiring,
               SUM(CASE WHEN \(PermitState.sqlCondition("overstayed", today: today)) THEN 1 ELSE 0 END) AS overstayed
        FROM foreigners WHERE \(filter.sql) GROUP BY permit_category, nationality
        """
    }

    /// The same figures, kept for `CountsCache.lifetime`: at a million foreigners the grouped pass takes
    /// about a second, too slow to repeat on every page view. After the lifetime a page still gets the
    /// last figures at once while one background task recounts (for up to `CountsCache.staleLimit`);
    /// older or missing figures are counted while the page waits.
    static func cached(_ filter: ScopePolicy.RowFilter, today: String, app: Application, on db: any Database) async throws -> ForeignerCounts {
        let key = "\(filter)|\(today)"
        let now = app.clock.now()
        switch await app.countsCache.lookup(key, now: now) {
        case .fresh(let v):
            return v
        case .stale(let v, let refresh):
            if refresh {
                let jobs = app.jobsDB, clock = app.clock, cache = app.countsCache
                Task.detached {
                    if let value = try? await load(filter, today: today, on: jobs) { await cache.put(key, value, at: clock.now()) }
                    await cache.refreshed(key)
                }
            }
            return v
        case .missing:
            let value = try await load(filter, today: today, on: db)
            await app.countsCache.put(key, value, at: now)
            return value
        }
    }
}

actor CountsCache {
    static let lifetime: TimeInterval = 30
    static let staleLimit: TimeInterval = 600
    private var entries: [String: (value: ForeignerCounts, at: Date)] = [:]
    private var refreshing: Set<String> = []

    enum Lookup { case fresh(ForeignerCounts), stale(ForeignerCounts, refresh: Bool), missing }

    /// Fresh, stale (and whether this caller should start the one refresh), or missing.
    func lookup(_ key: String, now: Date) -> Lookup {
        guard let e = entries[key], now >= e.at else { return .missing }
        let age = now.timeIntervalSince(e.at)
        if age < Self.lifetime { return .fresh(e.value) }
        if age >= Self.staleLimit { return .missing }
        let start = !refreshing.contains(key)
        if start { refreshing.insert(key) }
        return .stale(e.value, refresh: start)
    }

    func put(_ key: String, _ value: ForeignerCounts, at: Date) {
        if entries.count > 1_000 { entries.removeAll() }
        entries[key] = (value, at)
    }

    func refreshed(_ key: String) { refreshing.remove(key) }
}

extension Application {
    private struct CountsCacheKey: StorageKey { typealias Value = CountsCache }
    var countsCache: CountsCache {
        get {
            guard let c = storage[CountsCacheKey.self] else { fatalError("configure(_:config:) was not called") }
            return c
        }
        set { storage[CountsCacheKey.self] = newValue }
    }
}

/// `/` — one dashboard per role, with real counts for the user's scope.
enum DashboardController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor)).get(.home, use: dashboard)
        api.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor)).get("stats", use: statsAPI)
    }

    static func statsAPI(_ req: Request) async throws -> ForeignerCounts {
        try await ForeignerCounts.cached(ScopePolicy.countFilter(try req.requirePrincipal()), today: req.application.today, app: req.application, on: req.db)
    }

    static func dashboard(_ req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        var m = DashboardViews.Model(principal: p, today: req.application.today,
                                     counts: try await ForeignerCounts.cached(ScopePolicy.countFilter(p), today: req.application.today, app: req.application, on: req.db))
        switch p.role {
        case .agency:
            m.places = try await regionNames([p.agencyRegionCode].compactMap { $0 }, on: req.db)
        case .officer, .supervisor:
            m.places = try await regionNames(p.jurisdiction, on: req.db)
        case .sponsor:
            // A page at a time, the soonest permit end first; the names shown are a read of personal data.
            (m.sponsored, m.sponsoredPager) = try await ScopePolicy.foreigners(req).sort(.sql(PermitState.sqlEndInForce(today: req.application.today)))
                .sort(\.$fullName).sort(\.$id).webPage(req)
            try await req.auditList("dashboard", ids: m.sponsored.compactMap(\.id), page: (try? Paging(req))?.page ?? 1, purpose: "service")
        case .admin:
            let sql = req.db as! any SQLDatabase
            let rows = try await sql.select().column("role").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("users").groupBy("role").all()
            m.usersByRole = try rows.map { (try $0.decode(column: "role", as: String.self), try $0.decode(column: "n", as: Int.self)) }.sorted { $0.0 < $1.0 }
            m.auditEvents = try await AuditHead.find(1, on: req.db)?.seq ?? 0
            let uncovered = try await PublicReportsController.uncovered(db: req.db)
            let names = try await regionNames(uncovered.map(\.regency), on: req.db)
            m.uncoveredReports = uncovered.map { u in (u.regency, names.first { $0.code == u.regency }?.name, u.count) }
        case .integration:
            break
        }
        return DashboardViews.dashboard(req, m)
    }

    static func regionNames(_ codes: [String], on db: any Database) async throws -> [(code: String, name: String?)] {
        let found = try await Region.query(on: db).filter(\.$id ~~ codes).all()
        let names = Dictionary(found.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return codes.map { ($0, names[$0]) }
    }
}
