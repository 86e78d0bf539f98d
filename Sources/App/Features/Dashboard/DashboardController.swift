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
    /// covering index `foreigners_counts_idx` serves without touching the table.
    static func load(_ filter: ScopePolicy.RowFilter, today: String, on db: any Database) async throws -> ForeignerCounts {
        let sql = db as! any SQLDatabase
        let soon = Day.adding(PermitState.expiringWindowDays, to: today) ?? today
        struct Row: Decodable { var c: String?; var n: String; var total: Int; var expiring: Int?; var overstayed: Int? }
        let rows = try await sql.raw("""
            SELECT permit_category AS c, nationality AS n, COUNT(*) AS total,
                   SUM(CASE WHEN permit_end >= \(bind: today) AND permit_end <= \(bind: soon) THEN 1 ELSE 0 END) AS expiring,
                   SUM(CASE WHEN permit_end < \(bind: today) THEN 1 ELSE 0 END) AS overstayed
            FROM foreigners WHERE \(filter.sql) GROUP BY permit_category, nationality
            """).all(decoding: Row.self)
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
        web.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor)).get(use: dashboard)
        api.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor)).get("stats", use: statsAPI)
    }

    static func statsAPI(_ req: Request) async throws -> ForeignerCounts {
        try await ForeignerCounts.cached(ScopePolicy.countFilter(try req.requirePrincipal()), today: req.application.today, app: req.application, on: req.db)
    }

    static func dashboard(_ req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        let lang = req.language
        let counts = try await ForeignerCounts.cached(ScopePolicy.countFilter(p), today: req.application.today, app: req.application, on: req.db)
        var intro: HTML
        var extra: HTML = ""
        switch p.role {
        case .agency:
            let regionName = try await Region.find(p.agencyRegionCode ?? "", on: req.db)?.name ?? p.agencyRegionCode ?? "—"
            intro = """
            <p class="notice">\(L10n.t("dash.countsOnly", lang))</p>
            <p>\(p.agencyName ?? "") · \(L10n.t("dash.region", lang)): <strong>\(regionName)</strong> (\(p.agencyRegionCode ?? ""))</p>
            """
        case .officer, .supervisor:
            intro = "<p>\(L10n.t("dash.office", lang)): <strong>\(p.officeName ?? "—")</strong> · \(p.jurisdiction.joined(separator: ", "))</p>"
        case .sponsor:
            intro = "<p>\(L10n.t("dash.sponsored", lang)): <strong>\(p.sponsorName ?? "")</strong></p>"
            extra = try await sponsorTable(req, p)
        case .admin:
            intro = ""
            extra = try await adminPanel(req)
        }
        let link: (String, String) -> HTML = { label, query in
            p.role == .agency || p.role == .admin ? HTML(unsafeRaw: HTML.escape(label)) : "<a href=\"/foreigners?\(query)\">\(label)</a>"
        }
        let maxNat = counts.byNationality.values.max() ?? 1
        let nationalities = counts.byNationality.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(12)
        let categories = ["ITK", "ITAS", "ITAP", "other", "none"].filter { counts.byCategory[$0] != nil }
        return Views.page(req, title: L10n.t("dash.title", lang), body: """
        <h1>\(L10n.t("dash.title", lang)) · \(L10n.t("role.\(p.role.rawValue)", lang))</h1>
        \(intro)
        <div class="grid" id="stats">
          <div class="card"><div class="stat" id="stat-total">\(counts.total)</div><div class="stat-label">\(L10n.t("dash.total", lang))</div></div>
          <div class="card"><div class="stat" id="stat-expiring">\(counts.expiringIn30Days)</div><div class="stat-label">\(link(L10n.t("dash.expiring30", lang), "status=expiring"))</div></div>
          <div class="card"><div class="stat" id="stat-overstayed">\(counts.overstayed)</div><div class="stat-label">\(link(L10n.t("dash.overstayed", lang), "status=overstayed"))</div></div>
        </div>
        <div class="grid">
          <section class="card"><h2>\(L10n.t("dash.byCategory", lang))</h2>
            <table><tbody>\(categories.html { c in "<tr><td>\(c == "none" ? L10n.t("status.noPermit", lang) : c)</td><td>\(counts.byCategory[c] ?? 0)</td></tr>" })</tbody></table>
          </section>
          <section class="card"><h2>\(L10n.t("dash.byNationality", lang))</h2>
            <table><tbody>\(nationalities.html { n in
                "<tr><td>\(n.key)</td><td class=\"bar\"><meter min=\"0\" max=\"\(maxNat)\" value=\"\(n.value)\"></meter> \(n.value)</td></tr>"
            })</tbody></table>
          </section>
        </div>
        \(extra)
        """)
    }

    static func sponsorTable(_ req: Request, _ p: Principal) async throws -> HTML {
        let lang = req.language
        let today = req.application.today
        let items = try await ScopePolicy.foreigners(req).sort(\.$permitEnd).limit(200).all()
        guard !items.isEmpty else { return "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" }
        return """
        <section class="card"><h2>\(L10n.t("dash.sponsored", lang))</h2>
        <table class="responsive"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>
        \(items.html { f in "<tr><td><a href=\"/foreigners/\(f.id!.uuidString)\">\(f.fullName)</a></td><td>\(f.nationality)</td><td>\(f.permitEnd ?? "—")</td><td>\(Views.statusBadge(PermitState(end: f.permitEnd, today: today), lang))</td></tr>" })
        </tbody></table></section>
        """
    }

    static func adminPanel(_ req: Request) async throws -> HTML {
        let lang = req.language
        let sql = req.db as! any SQLDatabase
        let rows = try await sql.select().column("role").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("users").groupBy("role").all()
        let byRole = try rows.map { (try $0.decode(column: "role", as: String.self), try $0.decode(column: "n", as: Int.self)) }.sorted { $0.0 < $1.0 }
        let head = try await AuditHead.find(1, on: req.db)
        return """
        <div class="grid">
          <section class="card"><h2>\(L10n.t("dash.users", lang))</h2><table><tbody>\(byRole.html { r in "<tr><td>\(L10n.t("role.\(r.0)", lang))</td><td>\(r.1)</td></tr>" })</tbody></table></section>
          <section class="card"><h2>\(L10n.t("dash.auditEvents", lang))</h2><div class="stat" id="audit-count">\(head?.seq ?? 0)</div><p><a href="/admin/audit">\(L10n.t("nav.audit", lang))</a></p></section>
        </div>
        """
    }
}
