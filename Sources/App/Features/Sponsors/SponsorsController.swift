import Fluent
import Vapor

/// `/sponsors` and `/sponsors/:id`: companies and individuals who sponsor foreigners.
enum SponsorsController {
    static func register(web: any RoutesBuilder) {
        let g = web.grouped(RequireRole(.officer, .supervisor, .sponsor))
        g.get("sponsors", use: list)
        g.get("sponsors", ":id", use: detail)
    }

    static func list(_ req: Request) async throws -> Response {
        let paging = try Paging(req)
        let lang = req.language
        let q = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces).prefix(100).description ?? ""
        let query = try ScopePolicy.sponsors(req)
        if !q.isEmpty {
            let digits = q.filter(\.isNumber)
            query.group(.or) { or in
                or.filter(\.$name, .custom("LIKE"), "%\(q.replacingOccurrences(of: "%", with: ""))%")
                if digits.count >= 4 { or.filter(\.$nib =~ digits).filter(\.$npwp =~ digits) }
            }
        }
        let total = try await query.copy().count()
        let items = try await query.sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        let counts = try await workerCounts(items.compactMap(\.id), req)
        let rows: HTML = items.html { s in
            "<tr><td><a href=\"/sponsors/\(s.id!.uuidString)\">\(s.name)</a></td><td>\(L10n.t(s.kind == "company" ? "s.company" : "s.individual", lang))</td><td>\(s.nib ?? "—")</td><td>\(s.sector ?? "—")</td><td>\(counts[s.id!] ?? 0)</td></tr>"
        }
        let table: HTML = items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="sponsor-list"><thead><tr><th>\(L10n.t("s.name", lang))</th><th>\(L10n.t("s.kind", lang))</th><th>NIB</th><th>\(L10n.t("s.sector", lang))</th><th>\(L10n.t("s.foreigners", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """
        return Views.page(req, title: L10n.t("nav.sponsors", lang), body: """
        <h1>\(L10n.t("nav.sponsors", lang))</h1>
        <form class="filters" method="get" action="/sponsors" role="search">
          <div><label for="q">\(L10n.t("s.search", lang))</label><input id="q" name="q" value="\(q)"></div>
          <button type="submit">\(L10n.t("list.filter", lang))</button>
        </form>
        \(table)
        """)
    }

    /// Number of foreigners each sponsor currently sponsors, within the user's personal-data scope.
    static func workerCounts(_ ids: [UUID], _ req: Request) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await ScopePolicy.foreigners(req).filter(\.$sponsorID ~~ ids).all(\.$sponsorID)
        return rows.reduce(into: [:]) { acc, id in if let id { acc[id, default: 0] += 1 } }
    }

    static func detail(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        let s = try await ScopePolicy.sponsor(id, req)
        let lang = req.language
        let today = req.application.today
        let estate = try await s.$estate.get(on: req.db)
        let village = try await Region.find(s.villageCode, on: req.db)
        let foreigners = try await ScopePolicy.foreigners(req).filter(\.$sponsorID == id).sort(\.$fullName).limit(500).all()
        let rows: HTML = foreigners.html { f in
            "<tr><td><a href=\"/foreigners/\(f.id!.uuidString)\">\(f.fullName)</a></td><td>\(f.nationality)</td><td>\(f.permitCategory ?? "—")</td><td>\(f.permitEnd ?? "—")</td><td>\(Views.statusBadge(PermitState(end: f.permitEnd, today: today), lang))</td></tr>"
        }
        let p = try req.requirePrincipal()
        let tka: HTML = s.kind != "company" ? "" : p.role == .sponsor ? "<p><a href=\"/portal/tka\">\(L10n.t("tka.title", lang))</a></p>" : "<p><a href=\"/sponsors/\(id.uuidString)/tka\">\(L10n.t("tka.title", lang))</a></p>"
        return Views.page(req, title: s.name, body: """
        <h1>\(s.name)</h1>
        \(tka)
        <section class="card"><dl class="facts">
          <dt>\(L10n.t("s.kind", lang))</dt><dd>\(L10n.t(s.kind == "company" ? "s.company" : "s.individual", lang))</dd>
          <dt>NIB</dt><dd>\(s.nib ?? "—")</dd>
          <dt>NPWP</dt><dd>\(s.npwp ?? "—")</dd>
          <dt>\(L10n.t("s.sector", lang))</dt><dd>\(s.sector ?? "—")</dd>
          <dt>\(L10n.t("f.address", lang))</dt><dd>\(s.address)<br><span class="muted">\(village?.name ?? "") (\(s.villageCode))</span></dd>
          <dt>\(L10n.t("s.estate", lang))</dt><dd>\(estate?.name ?? "—")</dd>
          <dt>\(L10n.t("s.contact", lang))</dt><dd>\(s.email ?? "—") · \(s.phone ?? "—")</dd>
        </dl></section>
        <section class="card"><h2>\(L10n.t("s.foreigners", lang)) (\(foreigners.count))</h2>
        \(foreigners.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(rows)</tbody></table>")
        </section>
        """)
    }
}
