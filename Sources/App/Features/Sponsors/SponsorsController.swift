import Fluent
import SQLKit
import Vapor

/// `/sponsors` and `/sponsors/:id`: companies and individuals who sponsor foreigners.
enum SponsorsController {
    static func register(web: any RoutesBuilder) {
        let g = web.grouped(RequireRole(.officer, .supervisor, .sponsor))
        g.get(.sponsors, use: list)
        g.get(.sponsor(.key), use: detail)
    }

    /// Sponsors in scope whose name holds `q`, or whose NIB or NPWP holds its digits (four or more).
    static func search(_ q: String, _ req: Request) throws -> QueryBuilder<Sponsor> {
        matching(q, try ScopePolicy.sponsors(req))
    }

    /// `query` narrowed to the sponsors whose name holds `q`, or whose NIB or NPWP holds its digits (four or more).
    static func matching(_ q: String, _ query: QueryBuilder<Sponsor>) -> QueryBuilder<Sponsor> {
        if !q.isEmpty {
            let digits = q.filter(\.isNumber)
            query.group(.or) { or in
                // Every word of the search in the name, in any order ("golden indonesia" finds PT Golden Auto Parts
                // Indonesia). LOWER on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
                let typed = q.lowercased().replacingOccurrences(of: "%", with: "")
                let words = typed.split { $0 == " " || $0 == "," || $0 == "." }.prefix(6)
                or.group(.and) { and in
                    for word in words.isEmpty ? [typed[...]] : Array(words) { and.filter(.sql(SQLQueryString("LOWER(name) LIKE \(bind: "%" + word + "%")"))) }
                }
                if digits.count >= 4 {
                    or.filter(\.$nib, .custom("LIKE"), "%\(digits)%")
                    // An NPWP is stored as written (08.626.279.3-803.000) and found by its digits too.
                    or.filter(.sql(SQLQueryString("REPLACE(REPLACE(npwp, '.', ''), '-', '') LIKE \(bind: "%" + digits + "%")")))
                }
            }
        }
        return query
    }

    static func list(_ req: Request) async throws -> Response {
        let paging = try Paging(req)
        let q = req.queryValue("q")?.trimmingCharacters(in: .whitespaces).prefix(100).description ?? ""
        let query = try search(q, req)
        let total = try await query.copy().countRows()
        let items = try await query.sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        let counts = try await workerCounts(items.compactMap(\.id), req)
        let p = try req.requirePrincipal()
        let officer = ScopePolicy.isOfficeStaff(p)
        let openMerges = officer ? try await ScopePolicy.sponsorMerges(req).filter(\.$status == "open").filter(\.$source == "import").countRows() : 0
        return SponsorViews.list(req, .init(query: q, items: items, counts: counts, paging: paging, total: total, canEdit: officer, openMerges: openMerges))
    }

    /// Number of foreigners each sponsor currently sponsors, within the user's personal-data scope.
    static func workerCounts(_ ids: [UUID], _ req: Request) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await ScopePolicy.foreigners(req).filter(\.$sponsorID ~~ ids).all(\.$sponsorID)
        return rows.reduce(into: [:]) { acc, id in if let id { acc[id, default: 0] += 1 } }
    }

    static func detail(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        // An old link to a record merged into another leads to the kept one.
        if let merged = try await ScopePolicy.sponsors(req, includingMerged: true).filter(\.$id == id).first(), let kept = merged.mergedInto {
            return req.redirect(to: SiteURL.sponsor(.id(kept)).path)
        }
        let s = try await ScopePolicy.sponsor(id, req)
        let estate = try await s.$estate.get(on: req.db)
        let village = try await Region.find(s.villageCode, on: req.db)
        let paging = try Paging(req, defaultPer: 50)
        let (foreigners, total) = try await ScopePolicy.foreigners(req).filter(\.$sponsorID == id).sort(\.$fullName).sort(\.$id)
            .pageCountingAll(paging.offset..<(paging.offset + paging.per))
        try await req.auditList("sponsor", ids: foreigners.compactMap(\.id), page: paging.page, purpose: ScopePolicy.isCompany(req.principal) ? "service" : "supervision")
        let p = try req.requirePrincipal()
        let officer = ScopePolicy.isOfficeStaff(p)
        let tka: String? = s.kind != "company" ? nil : ScopePolicy.isCompany(p) ? SiteURL.portalTKA.path : TKAURL.sponsor(.id(id)).path
        // The change history is the office's working data, not the sponsor's.
        let history = officer ? try await RegistryFeedController.historyItems(id, of: .sponsor, paging: Paging(page: 1, per: 50), db: req.db).items : []
        let places = try await RegionsController.describe(RegistryText.historyRegionCodes(history), db: req.db)
        return SponsorViews.detail(req, .init(sponsor: s, estate: estate?.name, village: village?.name, foreigners: foreigners, foreignersTotal: total, paging: paging,
                                              today: req.application.today, tka: tka, canEdit: officer, history: history, historyPlaces: places))
    }
}
