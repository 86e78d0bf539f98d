import Vapor

/// The dashboard (`/`): counts for the user's scope, and per role what belongs beside them — the
/// region for an agency member, the office's jurisdiction for officers, the sponsored foreigners for a
/// sponsor, users and the audit trail for an administrator.
enum DashboardViews {
    struct Model {
        var principal: Principal
        var today: String
        var counts: ForeignerCounts
        /// The agency's region, or the office's regencies: code and name.
        var places: [(code: String, name: String?)] = []
        var sponsored: [Foreigner] = []
        var sponsoredPager: HTML = ""
        var usersByRole: [(String, Int)] = []
        var auditEvents: Int64 = 0
        /// Public reports from regencies no office covers: code, name, how many.
        var uncoveredReports: [(code: String, name: String?, count: Int)] = []
    }

    static func dashboard(_ req: Request, _ m: Model) -> Response {
        let lang = req.language
        let p = m.principal
        let counts = m.counts
        let places: HTML = HTML.join(m.places.map { Views.place($0.name, code: $0.code) }, separator: ", ")
        var intro: HTML = ""
        var extra: HTML = ""
        switch p.role {
        case .agency:
            intro = """
            <p class="notice">\(L10n.t("dash.countsOnly", lang))</p>
            <p>\(p.agencyName ?? "") · \(L10n.t("dash.region", lang)): <strong>\(places)</strong></p>
            """
        case .officer, .supervisor:
            // What an officer in the field opens most, first on a phone: the check, the day's report, the tasks.
            intro = """
            <p>\(L10n.t("dash.office", lang)): <strong>\(p.officeName ?? "—")</strong> · \(L10n.t("dash.jurisdiction", lang)): \(places)</p>
            <p class="actions quick" id="quick-actions"><a class="button" href="\(SiteURL.lookup.path)">\(L10n.t("lookup.title", lang))</a>
            <a class="button secondary" href="\(SiteURL.dailyReports.path)">\(L10n.t("nav.dailyReports", lang))</a>
            <a class="button secondary" href="\(SiteURL.tasks.path)">\(L10n.t("nav.tasks", lang))</a></p>
            """
        case .sponsor:
            intro = "<p>\(L10n.t("dash.sponsored", lang)): <strong>\(p.sponsorName ?? "")</strong></p>"
            extra = sponsorTable(req, m)
        case .admin:
            // Without the server key the installation runs, but second-factor keys sit in the database in clear: the
            // administrator is the one who can set it, so the top of his home page says so until it is set.
            if req.application.config.secretKey == nil {
                intro = "<p class=\"notice\" id=\"secret-key-missing\">\(L10n.t("dash.secretKeyMissing", lang))</p>"
            }
            extra = adminPanel(req, m)
            // Reports no officer sees come first, where the administrator looks.
            intro = "\(intro)\(uncoveredReports(req, m))"
        case .integration:
            break
        }
        // Agency members and administrators see counts only: no link into personal records.
        let linksToRecords = !ScopePolicy.seesCountsOnly(p) && !ScopePolicy.isAdmin(p)
        let link: (String, String) -> HTML = { label, status in
            linksToRecords ? "<a href=\"\(SiteURL.foreigners.with(["status": status]))\">\(label)</a>" : "\(label)"
        }
        let maxNat = counts.byNationality.values.max() ?? 1
        let nationalities = counts.byNationality.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(12)
        let categories = ["ITK", "ITAS", "ITAP", "other", "none"].filter { counts.byCategory[$0] != nil }
        let countHeading = L10n.t("dash.count", lang)
        return Views.page(req, title: L10n.t("dash.title", lang), body: """
        <h1>\(L10n.t("dash.title", lang)) · \(L10n.t("role.\(p.role.rawValue)", lang))</h1>
        \(intro)
        <div class="grid" id="stats">
          <div class="card"><div class="stat" id="stat-total">\(L10n.number(counts.total, lang))</div><div class="stat-label">\(L10n.t("dash.total", lang))</div></div>
          <div class="card"><div class="stat" id="stat-expiring">\(L10n.number(counts.expiringIn30Days, lang))</div><div class="stat-label">\(link(L10n.t("dash.expiring30", lang), "expiring"))</div></div>
          <div class="card"><div class="stat" id="stat-overstayed">\(L10n.number(counts.overstayed, lang))</div><div class="stat-label">\(link(L10n.t("dash.overstayed", lang), "overstayed"))</div></div>
        </div>
        <div class="grid">
          <section class="card"><h2>\(L10n.t("dash.byCategory", lang))</h2>
            <table id="by-category"><thead><tr><th>\(L10n.t("list.category", lang))</th><th>\(countHeading)</th></tr></thead>
            <tbody>\(categories.html { c in "<tr><td>\(RegistryText.category(c == "none" ? nil : c, lang))</td><td>\(L10n.number(counts.byCategory[c] ?? 0, lang))</td></tr>" })</tbody></table>
          </section>
          <section class="card"><h2>\(L10n.t("dash.byNationality", lang))</h2>
            <table id="by-nationality"><thead><tr><th>\(L10n.t("list.nationality", lang))</th><th>\(countHeading)</th></tr></thead>
            <tbody>\(nationalities.html { n in
                "<tr><td>\(RegistryText.nationality(n.key, lang))</td><td class=\"bar\"><meter min=\"0\" max=\"\(maxNat)\" value=\"\(n.value)\" aria-label=\"\(RegistryText.nationality(n.key, lang))\"></meter> \(L10n.number(n.value, lang))</td></tr>"
            })</tbody></table>
          </section>
        </div>
        \(extra)
        """)
    }

    static func sponsorTable(_ req: Request, _ m: Model) -> HTML {
        let lang = req.language
        guard !m.sponsored.isEmpty else { return "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" }
        return """
        <section class="card"><h2>\(L10n.t("dash.sponsored", lang))</h2>
        <table class="responsive" id="sponsored"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>
        \(m.sponsored.html { f in
            "<tr><td><a href=\"\(SiteURL.foreigner(.id(f.id!)).path)\">\(f.fullName)</a></td><td>\(RegistryText.nationality(f.nationality, lang))</td><td>\(f.endInForce(today: m.today).map { Views.day($0, req) } ?? "—")</td><td>\(Views.statusBadge(f.permitState(today: m.today, departed: f.departed), lang))</td></tr>"
        })
        </tbody></table>\(m.sponsoredPager)</section>
        """
    }

    /// Citizens' reports that no officer sees, by regency, counts only: the administrator extends a jurisdiction.
    static func uncoveredReports(_ req: Request, _ m: Model) -> HTML {
        let lang = req.language
        return m.uncoveredReports.isEmpty ? "" : """
        <section class="card" id="uncovered-reports"><h2>\(L10n.t("dash.uncoveredReports", lang))</h2><p class="muted">\(L10n.t("dash.uncoveredHint", lang))</p>
        <table><thead><tr><th>\(L10n.t("dash.region", lang))</th><th>\(L10n.t("dash.count", lang))</th></tr></thead>
        <tbody>\(m.uncoveredReports.html { u in "<tr><td>\(Views.place(u.name, code: u.code))</td><td>\(L10n.number(u.count, lang))</td></tr>" })</tbody></table>
        <p><a href="\(SiteURL.adminOffices.path)">\(L10n.t("dash.toOffices", lang))</a></p></section>
        """
    }

    static func adminPanel(_ req: Request, _ m: Model) -> HTML {
        let lang = req.language
        return """
        <div class="grid">
          <section class="card"><h2>\(L10n.t("dash.users", lang))</h2>
            <table id="users-by-role"><thead><tr><th>\(L10n.t("dash.role", lang))</th><th>\(L10n.t("dash.count", lang))</th></tr></thead>
            <tbody>\(m.usersByRole.html { r in "<tr><td>\(L10n.t("role.\(r.0)", lang))</td><td>\(L10n.number(r.1, lang))</td></tr>" })</tbody></table>
          </section>
          <section class="card"><h2>\(L10n.t("dash.auditEvents", lang))</h2><div class="stat" id="audit-count">\(L10n.number(Int(m.auditEvents), lang))</div><p><a href="\(SiteURL.adminAudit.path)">\(L10n.t("nav.audit", lang))</a></p></section>
        </div>
        """
    }
}
