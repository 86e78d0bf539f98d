import Fluent
import Matching
import Vapor

/// Search and filters for foreigner lists, shared by `/foreigners` and `GET /api/v1/foreigners`.
struct ForeignerSearch: Sendable {
    var q: String?
    var nationality: String?
    var category: String?
    var status: String?

    static let statuses = ["valid", "expiring", "overstayed", "noPermit"]
    static let categories = ["ITK", "ITAS", "ITAP", "other"]

    init(_ req: Request) throws {
        func param(_ name: String) -> String? {
            guard let v = req.query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        q = param("q").map { String($0.prefix(100)) }
        nationality = param("nationality")?.uppercased()
        if let n = nationality, !(n.count == 3 && n.allSatisfy({ $0.isASCII && $0.isLetter })) {
            throw ValidationFailure("v.nationality", field: "nationality")
        }
        category = param("category")
        if let c = category, !Self.categories.contains(c) {
            throw ValidationFailure("v.oneOf", field: "category", Self.categories.joined(separator: ", "))
        }
        status = param("status")
        if let s = status, !Self.statuses.contains(s) {
            throw ValidationFailure("v.oneOf", field: "status", Self.statuses.joined(separator: ", "))
        }
    }

    func apply(to query: QueryBuilder<Foreigner>, today: String) -> QueryBuilder<Foreigner> {
        if let q {
            let passport = Normalize.documentID(q)
            let tokens = Normalize.fold(q).split(separator: " ").map(String.init)
            query.group(.or) { or in
                if passport.count >= 4, passport.contains(where: \.isNumber) { or.filter(\.$passportKey =~ passport) }
                if !tokens.isEmpty {
                    or.group(.and) { and in for t in tokens { and.filter(\.$searchName ~~ t) } }
                }
            }
        }
        if let nationality { query.filter(\.$nationality == nationality) }
        if let category { query.filter(\.$permitCategory == category) }
        if let status {
            let soon = Day.adding(PermitState.expiringWindowDays, to: today) ?? today
            switch status {
            case "overstayed": query.filter(\.$permitEnd < today)
            case "expiring": query.filter(\.$permitEnd >= today).filter(\.$permitEnd <= soon)
            case "valid": query.filter(\.$permitEnd > soon)
            default: query.filter(\.$permitEnd == nil)
            }
        }
        return query
    }
}

/// Why a user opens a foreigner's record; recorded with every read on the audit trail.
enum ReadPurpose: String, CaseIterable {
    case supervision, verification, fieldCheck, investigation, service
}

/// `/foreigners`, `/foreigners/:id`, `GET /api/v1/foreigners`, `GET /api/v1/foreigners/:id`.
enum ForeignersController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let webGroup = web.grouped(RequireRole(.officer, .supervisor, .sponsor))
        webGroup.get("foreigners", use: listPage)
        webGroup.get("foreigners", ":id", use: detailPage)
        let apiGroup = api.grouped(RequireRole(.officer, .supervisor, .sponsor))
        apiGroup.get("foreigners", use: listAPI)
        apiGroup.get("foreigners", ":id", use: detailAPI)
    }

    static func search(_ req: Request) async throws -> (items: [Foreigner], total: Int, paging: Paging, search: ForeignerSearch) {
        let paging = try Paging(req)
        let search = try ForeignerSearch(req)
        let today = req.application.today
        let base = search.apply(to: try ScopePolicy.foreigners(req), today: today)
        let total = try await base.copy().count()
        let items = try await base.sort(\.$familyName).sort(\.$givenNames).sort(\.$id)
            .range(paging.offset..<(paging.offset + paging.per)).all()
        return (items, total, paging, search)
    }

    static func listAPI(_ req: Request) async throws -> ListPage<ForeignerItem> {
        let r = try await search(req)
        let today = req.application.today
        return ListPage(items: r.items.map { ForeignerItem($0, today: today) }, total: r.total, page: r.paging.page, per: r.paging.per)
    }

    static func readDetail(_ req: Request) async throws -> ForeignerDetail {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        let purposeRaw = req.query[String.self, at: "purpose"] ?? ReadPurpose.supervision.rawValue
        guard let purpose = ReadPurpose(rawValue: purposeRaw) else {
            throw ValidationFailure("v.oneOf", field: "purpose", ReadPurpose.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let foreigner = try await ScopePolicy.foreigner(id, req)
        let detail = try await ForeignerDetail.load(foreigner, today: req.application.today, on: req.db)
        try await req.audit(AuditEntry(action: "foreigner.read", objectType: "foreigner", objectID: id.uuidString, purpose: purpose.rawValue, detail: req.isAPI ? "api" : "web"))
        return detail
    }

    static func detailAPI(_ req: Request) async throws -> ForeignerDetail {
        try await readDetail(req)
    }

    static func listPage(_ req: Request) async throws -> Response {
        let r = try await search(req)
        let lang = req.language
        let today = req.application.today
        let nationalities = try await ScopePolicy.foreigners(req).unique().all(\.$nationality).sorted()
        let rows: HTML = r.items.html { f in
            let state = PermitState(end: f.permitEnd, today: today)
            return """
            <tr>
              <td data-label="\(L10n.t("f.fullName", lang))"><a href="/foreigners/\(f.id!.uuidString)">\(f.fullName)</a></td>
              <td>\(f.nationality)</td>
              <td>\(f.passportNumber ?? "—")</td>
              <td>\(f.permitCategory ?? "—")</td>
              <td>\(f.permitEnd ?? "—")</td>
              <td>\(Views.statusBadge(state, lang))</td>
            </tr>
            """
        }
        let table: HTML = r.items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="foreigner-list">
          <thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("f.passportNumber", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead>
          <tbody>\(rows)</tbody>
        </table>
        \(Views.pagination(req, page: r.paging.page, per: r.paging.per, total: r.total))
        """
        let all = L10n.t("list.all", lang)
        return Views.page(req, title: L10n.t("nav.foreigners", lang), body: """
        <h1>\(L10n.t("nav.foreigners", lang))</h1>
        <form class="filters" method="get" action="/foreigners" role="search">
          <div><label for="q">\(L10n.t("list.search", lang))</label><input id="q" name="q" value="\(r.search.q)"></div>
          <div><label for="nationality">\(L10n.t("list.nationality", lang))</label><select id="nationality" name="nationality">\(Views.options([("", all)] + nationalities.map { ($0, $0) }, selected: r.search.nationality ?? ""))</select></div>
          <div><label for="category">\(L10n.t("list.category", lang))</label><select id="category" name="category">\(Views.options([("", all)] + ForeignerSearch.categories.map { ($0, $0) }, selected: r.search.category ?? ""))</select></div>
          <div><label for="status">\(L10n.t("list.status", lang))</label><select id="status" name="status">\(Views.options([("", all)] + ForeignerSearch.statuses.map { ($0, L10n.t("status.\($0)", lang)) }, selected: r.search.status ?? ""))</select></div>
          <button type="submit">\(L10n.t("list.filter", lang))</button>
        </form>
        \(table)
        """)
    }

    static func detailPage(_ req: Request) async throws -> Response {
        let d = try await readDetail(req)
        let lang = req.language
        let f = d.foreigner
        let state = PermitState(end: f.permitEnd, today: req.application.today)
        let none: HTML = "<p class=\"muted\">\(L10n.t("f.none", lang))</p>"
        let current = L10n.t("f.current", lang)
        let passports: HTML = d.passports.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.passportNumber", lang))</th><th>\(L10n.t("f.issuingCountry", lang))</th><th>\(L10n.t("f.expires", lang))</th></tr></thead><tbody>
        \(d.passports.html { p in "<tr><td>\(p.number)\(p.isCurrent ? HTML(" <span class=\"muted\">(\(current))</span>") : "")</td><td>\(p.issuingCountry)</td><td>\(p.expiresOn)</td></tr>" })
        </tbody></table>
        """
        let permits: HTML = d.permits.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.permitType", lang))</th><th>\(L10n.t("f.permitNumber", lang))</th><th>\(L10n.t("f.start", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("f.sponsor", lang))</th><th>\(L10n.t("f.office", lang))</th></tr></thead><tbody>
        \(d.permits.html { p in
            let sponsorCell: HTML = p.sponsorID.map { "<a href=\"/sponsors/\($0.uuidString)\">\(p.sponsorName ?? "")</a>" } ?? "—"
            return "<tr><td>\(p.type) (\(p.category)) · \(p.status)</td><td>\(p.number)</td><td>\(p.startOn)</td><td>\(p.endOn)</td><td>\(sponsorCell)</td><td>\(p.officeName ?? "—")</td></tr>"
        })
        </tbody></table>
        """
        let addresses: HTML = d.addresses.isEmpty ? none : d.addresses.html { a in
            "<p>\(a.line)<br><span class=\"muted\">\(a.villageName ?? "") (\(a.villageCode)) · \(a.validFrom)\(a.isCurrent ? " · \(current)" : "")</span></p>"
        }
        let jobs: HTML = d.employments.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.sponsor", lang))</th><th>\(L10n.t("f.position", lang))</th><th>\(L10n.t("f.start", lang))</th><th>\(L10n.t("f.end", lang))</th></tr></thead><tbody>
        \(d.employments.html { e in "<tr><td>\(e.sponsorName)</td><td>\(e.position)</td><td>\(e.startOn)</td><td>\(e.endOn ?? "—")</td></tr>" })
        </tbody></table>
        """
        return Views.page(req, title: f.fullName, body: """
        <h1>\(f.fullName) \(Views.statusBadge(state, lang))</h1>
        <p class="muted">\(L10n.t("f.auditNote", lang))</p>
        <section class="card"><dl class="facts">
          <dt>\(L10n.t("f.familyName", lang))</dt><dd>\(f.familyName)</dd>
          <dt>\(L10n.t("f.givenNames", lang))</dt><dd>\(f.givenNames)</dd>
          <dt>\(L10n.t("f.sex", lang))</dt><dd>\(f.sex)</dd>
          <dt>\(L10n.t("f.dob", lang))</dt><dd>\(f.dateOfBirth ?? "—")</dd>
          <dt>\(L10n.t("f.nationality", lang))</dt><dd>\(f.nationality)</dd>
          <dt>\(L10n.t("f.passportNumber", lang))</dt><dd>\(f.passportNumber ?? "—")</dd>
        </dl></section>
        <section class="card"><h2>\(L10n.t("f.permits", lang))</h2>\(permits)</section>
        <section class="card"><h2>\(L10n.t("f.passport", lang))</h2>\(passports)</section>
        <section class="card"><h2>\(L10n.t("f.addresses", lang))</h2>\(addresses)</section>
        <section class="card"><h2>\(L10n.t("f.employment", lang))</h2>\(jobs)</section>
        """)
    }
}
