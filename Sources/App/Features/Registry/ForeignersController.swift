import Fluent
import SQLKit
import Matching
import Vapor

/// Search and filters for foreigner lists, shared by `/foreigners` and `GET /api/v1/foreigners`.
struct ForeignerSearch: Sendable {
    var q: String?
    var nationality: String?
    var category: String?
    var status: String?

    static let statuses = ["valid", "expiring", "overstayed", "notYetValid", "noPermit", "departed"]
    static let categories = ["ITK", "ITAS", "ITAP", "other"]

    /// A search by name or passport number alone (a picker's search box).
    init(q: String) { self.q = String(q.prefix(100)) }

    init(_ req: Request) throws {
        func param(_ name: String) -> String? {
            guard let v = req.queryValue(name)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        q = param("q").map { String($0.prefix(100)) }
        // Every filter is checked before any failure is thrown: a page names all its wrong filters at once.
        var checks = FieldChecks()
        func checked(_ name: String, _ valid: (String) -> Bool, _ failure: ValidationFailure) throws -> String? {
            try checks.run { () throws -> String? in
                guard let v = param(name) else { return nil }
                guard valid(v) else { throw failure }
                return v
            } ?? nil
        }
        nationality = try checked("nationality", { Countries.isKnown($0.uppercased()) }, ValidationFailure("v.nationalityCode", field: "nationality"))?.uppercased()
        category = try checked("category", Self.categories.contains, ValidationFailure("v.oneOf", field: "category", Self.categories.joined(separator: ", ")))
        status = try checked("status", Self.statuses.contains, ValidationFailure("v.oneOf", field: "status", Self.statuses.joined(separator: ", ")))
        try checks.finish()
    }

    /// Other ways a folded name word is written where it has an umlaut, to be found whole: each E after A, O or U left
    /// out (MUELLER, as passports write MÜLLER, → MULLER, as the registry folds it) and, in a word without one, an E put
    /// after an A, O or U (MULLER → MUELLER, the registry's passport spelling). At most eight, of four letters or more.
    static func umlautSpellings(_ word: String) -> [String] {
        let letters = Array(word)
        guard letters.count >= 4, letters.allSatisfy(\.isLetter) else { return [] }
        var out: [String] = []
        for k in 1..<letters.count where letters[k] == "E" && "AOU".contains(letters[k - 1]) {
            var w = letters; w.remove(at: k); out.append(String(w))
        }
        if out.isEmpty {
            for k in 0..<letters.count where "AOU".contains(letters[k]) && (k + 1 == letters.count || letters[k + 1] != "E") {
                var w = letters; w.insert("E", at: k + 1); out.append(String(w))
            }
        }
        return Array(out.prefix(8))
    }

    func apply(to query: QueryBuilder<Foreigner>, today: String) -> QueryBuilder<Foreigner> {
        if let q {
            let passport = Normalize.documentID(q)
            // Each word typed begins a word of the name, or is another spelling of one (LEE = LI, SATOU = SATO):
            // read from the name-token index, not by scanning every name.
            // A German name as passports write it (MUELLER, SCHROEDER) also finds it as the umlaut folds (MÜLLER → MULLER),
            // and the other way round.
            let words = Normalize.nameWords(q).map { (typed: $0, canonical: Normalize.nameTokens($0).first, spellings: Self.umlautSpellings($0)) }
            // Letters and digits only: "%" or "_" would be a pattern to LIKE, not something typed to find.
            let particles = Normalize.fold(q).split(separator: " ").map { String($0.filter { $0.isLetter || $0.isNumber }) }.filter { !$0.isEmpty }
            let postgres = (query.database as? any SQLDatabase)?.dialect.name == "postgresql"
            let byPassport = passport.count >= 4 && passport.contains(where: \.isNumber)
            if !byPassport && words.isEmpty && particles.isEmpty {
                // Nothing searchable was typed ("%", "–"): no one, not everyone.
                query.filter(.sql(SQLRaw("1 = 0")))
            } else {
                // A name typed with a passport number (`BAUTISTA P9950118A`: a word with a digit, six characters or more):
                // also the people of that name whose passport begins with that number. (`M 46911719`, a number typed in
                // two parts, is still found whole, above.)
                let parts = q.split(separator: " ")
                let documents = parts.filter { Normalize.isNumber($0) }.map { Normalize.documentID(String($0)) }
                let named = Normalize.nameWords(parts.filter { !Normalize.isNumber($0) }.joined(separator: " "))
                    .map { (typed: $0, canonical: Normalize.nameTokens($0).first, spellings: Self.umlautSpellings($0)) }
                query.group(.or) { or in
                    if byPassport { or.filter(.sql(SQLPrefix.condition("passport_key", passport, postgres: postgres))) }
                    if documents.count == 1, !named.isEmpty {
                        or.group(.and) { and in
                            and.filter(.sql(SQLPrefix.condition("passport_key", documents[0], postgres: postgres)))
                            and.filter(.sql(NameTokens.searchFilter(named, postgres: postgres)))
                        }
                    }
                    if !words.isEmpty {
                        or.filter(.sql(NameTokens.searchFilter(words, postgres: postgres)))
                    } else if !particles.isEmpty {   // only particles or titles (BIN, AL): the names are searched as written
                        or.group(.and) { and in for t in particles { and.filter(\.$searchName ~~ t) } }
                    }
                }
            }
        }
        if let nationality { query.filter(\.$nationality == nationality) }
        if let category { query.filter(\.$permitCategory == category) }
        // The same condition as the dashboard's counts, in agreement with `PermitState` (a stay not yet begun, the stay
        // before it when a gap lies between, departed people apart).
        if let status { query.filter(.sql(PermitState.sqlCondition(status, today: today))) }
        return query
    }
}

/// Why a user opens a foreigner's record; recorded with every read on the audit trail.
enum ReadPurpose: String, CaseIterable {
    case supervision, verification, fieldCheck, investigation, service

    /// The `purpose` of a read: required (422 naming the choices when missing or unknown); `fallback` only where the
    /// role has one purpose only (a sponsor reading its own people: service).
    static func of(_ req: Request, fallback: ReadPurpose? = nil) throws -> ReadPurpose {
        let choices = allCases.map(\.rawValue).joined(separator: ", ")
        guard let raw = req.queryValue("purpose")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            if let fallback { return fallback }
            throw ValidationFailure("v.purposeRequired", field: "purpose", choices)
        }
        guard let p = ReadPurpose(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "purpose", choices) }
        return p
    }
}

/// `/foreigners`, `/foreigners/:id`, `GET /api/v1/foreigners`, `GET /api/v1/foreigners/:id`.
enum ForeignersController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let webGroup = web.grouped(RequireRole(.officer, .supervisor, .sponsor))
        webGroup.get(.foreigners, use: listPage)
        webGroup.get(.foreigner(.key), use: detailPage)
        let apiGroup = api.grouped(RequireRole(.officer, .supervisor, .sponsor))
        apiGroup.get("foreigners", use: listAPI)
        apiGroup.get("foreigners", ":id", use: detailAPI)
    }

    static func search(_ req: Request) async throws -> (items: [Foreigner], total: Int, paging: Paging, search: ForeignerSearch) {
        let paging = try Paging(req)
        let search = try ForeignerSearch(req)
        let today = req.application.today
        let base = search.apply(to: try ScopePolicy.foreigners(req), today: today)
        // Permits about to end or already ended: the most urgent first (the permit that ends or ended first), as a
        // sponsor or an officer works through them; otherwise by name.
        let urgent = search.status == "expiring" || search.status == "overstayed"
        let sorted = (urgent ? base.copy().sort(\.$permitEnd) : base.copy()).sort(\.$familyName).sort(\.$givenNames).sort(\.$id)
        let range = paging.offset..<(paging.offset + paging.per)
        // A name search reads every match to sort it: the page and its total in that one pass. Without one, the
        // page comes from the list index in its order and the count from the counts index.
        if search.q != nil {
            let page = try await sorted.pageCountingAll(range)
            return (page.items, page.total, paging, search)
        }
        let total = try await base.countRows()
        let items = try await sorted.range(range).all()
        return (items, total, paging, search)
    }

    static func listAPI(_ req: Request) async throws -> ListPage<ForeignerItem> {
        let r = try await search(req)
        try await req.auditList("foreigners", ids: r.items.compactMap(\.id), page: r.paging.page)
        let today = req.application.today
        return ListPage(items: r.items.map { ForeignerItem($0, today: today) }, total: r.total, page: r.paging.page, per: r.paging.per)
    }

    static func readDetail(_ req: Request) async throws -> ForeignerDetail {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        // Out of scope is 404 whatever the purpose; in scope, the read needs one (and nothing is read without it).
        let purpose: ReadPurpose
        do { purpose = try ReadPurpose.of(req, fallback: !req.isAPI && ScopePolicy.isCompany(req.principal) ? .service : nil) } catch {
            _ = try await ScopePolicy.foreigner(id, req)
            throw error
        }
        let detail = try await ScopePolicy.foreignerDetail(id, req)
        try await req.audit(AuditEntry(action: "foreigner.read", objectType: "foreigner", objectID: id.uuidString, purpose: purpose.rawValue, detail: req.isAPI ? "api" : "web"))
        return detail
    }

    static func detailAPI(_ req: Request) async throws -> ForeignerDetail {
        try await readDetail(req)
    }

    static func listPage(_ req: Request) async throws -> Response {
        // The filter's choices: the nationalities in the user's scope, from the counts the dashboard keeps (the same
        // scope for every role that may list people). A distinct pass over a million-person jurisdiction took 0.12 s
        // per page view; the counts' one grouped pass (about a second there) is shared by every page and the
        // dashboard, and a nationality new to the scope appears once they are recounted (a view after 30 s starts it).
        let p = try req.requirePrincipal()
        let nationalities = try await ForeignerCounts.cached(try ScopePolicy.personalFilter(p), today: req.application.today, app: req.application, on: req.db)
            .byNationality.keys.sorted()
        var filters = FormState(req)
        do {
            let r = try await search(req)
            try await req.auditList("foreigners", ids: r.items.compactMap(\.id), page: r.paging.page)
            return ForeignerViews.list(req, .init(items: r.items, total: r.total, paging: r.paging, nationalities: nationalities,
                                                  filters: filters, today: req.application.today))
        } catch let e as ValidationFailure {
            // A filter that cannot be applied is shown beside itself, with the other filters kept. The nationality is a
            // list here, not a code to type: its message says to choose from it.
            func listed(_ f: ValidationFailure) -> ValidationFailure { f.key == "v.nationalityCode" ? ValidationFailure("v.choose", field: f.field) : f }
            var shown = listed(e)
            shown.more = e.more.map(listed)
            filters.fail(shown, lang: req.language, shownFields: ForeignerViews.filterFields)
            return ForeignerViews.list(req, .init(items: [], total: 0, paging: Paging(page: 1, per: 25), nationalities: nationalities,
                                                  filters: filters, today: req.application.today), status: .unprocessableEntity)
        }
    }

    static func detailPage(_ req: Request) async throws -> Response {
        let detail: ForeignerDetail
        do { detail = try await readDetail(req) } catch let e as ValidationFailure where e.key == "v.purposeRequired" {
            // An officer who followed a link without a purpose says why first; nothing of the person is read or shown.
            return ForeignerViews.choosePurpose(req, id: try req.parameters.require("id", as: UUID.self))
        }
        let p = try req.requirePrincipal()
        let officer = ScopePolicy.isOfficeStaff(p)
        // The change history and pending changes are the office's working data, not the sponsor's.
        let history = officer ? try await RegistryFeedController.historyItems(detail.foreigner.id, paging: Paging(page: 1, per: 50), db: req.db).items : []
        let pending = officer ? try await RegistryEdits.pending(req, foreigner: detail.foreigner.id) : []
        let places = try await RegionsController.describe(RegistryText.historyRegionCodes(history), db: req.db)
        return ForeignerViews.detail(req, detail, history: history, historyPlaces: places, pending: pending, canEdit: officer, today: req.application.today)
    }
}
