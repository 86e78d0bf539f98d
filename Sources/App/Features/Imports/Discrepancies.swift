import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// What one agency knows and another does not, from the latest reconciled list of each agency and
/// kind in the caller's region (an older list of the same agency and kind is superseded).
/// Officers see the items; agency members the counts for their region only.
enum Discrepancies {
    enum Kind: String, CaseIterable, Sendable {
        case unregistered = "unregistered"
        case noValidPermit = "no-valid-permit"
        case employerMismatch = "employer-mismatch"
        case addressMismatch = "address-mismatch"
        case companyNotSponsor = "company-not-sponsor"
        case sponsorNotListed = "sponsor-not-listed"
        case virtualSponsor = "virtual-sponsor"
    }

    struct Item: Content {
        var kind: String
        var importId: UUID?
        var line: Int?
        var name: String
        var nationality: String?
        var passportNumber: String?
        var foreignerId: UUID?
        var sponsorId: UUID?
        /// What differs, in a few words (e.g. the two employer names, the permit's end).
        var detail: String
    }

    /// The latest reconciled import per owner and kind that the caller may count.
    static func imports(_ req: Request) async throws -> [AgencyImport] {
        let p = try req.requirePrincipal()
        let all = try await AgencyImport.query(on: req.db).filter(\.$status == ImportStatus.reconciled.rawValue).sort(\.$createdAt, .descending).all()
        var seen = Set<String>()
        return all.filter { imp in
            guard ScopePolicy.canCount(imp, p), !seen.contains("\(imp.ownerKey)|\(imp.kind)") else { return false }
            seen.insert("\(imp.ownerKey)|\(imp.kind)")
            return true
        }
    }

    static func registryFilter(_ p: Principal) -> ScopePolicy.RowFilter {
        p.role == .agency ? ScopePolicy.countFilter(p) : .regencies(p.jurisdiction)
    }

    static func compute(_ kind: Kind, _ req: Request) async throws -> [Item] {
        let p = try req.requirePrincipal()
        let sql = req.db as! any SQLDatabase
        let imps = try await imports(req)
        let personImports = imps.filter { !$0.kindValue.isCompanies }.map { $0.id! }
        let companyImports = imps.filter { $0.kindValue.isCompanies }.map { $0.id! }
        let filter = registryFilter(p)
        let today = req.application.today
        struct Row: Decodable {
            var import_id: UUID; var line: Int; var name: String; var nationality: String?; var passport_number: String?
            var employer: String?; var address: String?; var foreigner_id: UUID?; var sponsor_id: UUID?; var state: String
        }
        func rows(_ ids: [UUID], state: MatchState) async throws -> [Row] {
            guard !ids.isEmpty else { return [] }
            return try await sql.raw("""
                SELECT import_id, line, name, nationality, passport_number, employer, address, foreigner_id, sponsor_id,
                       \(ImportRow.effectiveStateSQL) AS state
                FROM import_rows WHERE import_id IN (\(binds: ids))
                  AND \(ImportRow.effectiveStateSQL) = \(bind: state.rawValue)
                ORDER BY import_id, line
                """).all(decoding: Row.self)
        }
        func item(_ r: Row, _ detail: String, foreigner: UUID? = nil, sponsor: UUID? = nil) -> Item {
            Item(kind: kind.rawValue, importId: r.import_id, line: r.line, name: r.name, nationality: r.nationality, passportNumber: r.passport_number,
                 foreignerId: foreigner, sponsorId: sponsor, detail: detail)
        }
        struct Reg: Decodable { var id: UUID; var permit_end: String?; var sponsor_id: UUID? }
        func registry(_ ids: [UUID]) async throws -> [UUID: Reg] {
            var out: [UUID: Reg] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                for r in try await sql.raw("SELECT id, permit_end, sponsor_id FROM foreigners WHERE id IN (\(binds: chunk)) AND \(filter.sql)").all(decoding: Reg.self) { out[r.id] = r }
            }
            return out
        }
        struct Spo: Decodable { var id: UUID; var name: String; var address: String; var village_code: String; var workers: Int }
        func sponsorsWithWorkers() async throws -> [Spo] {
            try await sql.raw("""
                SELECT s.id, s.name, s.address, s.village_code, COUNT(f.id) AS workers FROM sponsors s JOIN foreigners f ON f.sponsor_id = s.id
                WHERE s.kind = 'company' AND \(filter.qualified("s")) GROUP BY s.id, s.name, s.address, s.village_code ORDER BY s.name
                """).all(decoding: Spo.self)
        }

        switch kind {
        case .unregistered:
            return try await rows(personImports, state: .unmatched).map { item($0, "not found in the registry") }
        case .noValidPermit:
            let matched = try await rows(personImports, state: .matched)
            let reg = try await registry(matched.compactMap(\.foreigner_id))
            return matched.compactMap { r in
                guard let f = r.foreigner_id, let x = reg[f] else { return nil }
                switch PermitState(end: x.permit_end, today: today) {
                case .overstayed(let d): return item(r, "permit ended \(x.permit_end ?? "") (\(d) days ago)", foreigner: f)
                case .noPermit: return item(r, "no stay permit", foreigner: f)
                default: return nil
                }
            }
        case .employerMismatch:
            let matched = try await rows(personImports, state: .matched).filter { ($0.employer ?? "").isEmpty == false }
            let reg = try await registry(matched.compactMap(\.foreigner_id))
            let sponsorIDs = Array(Set(reg.values.compactMap(\.sponsor_id)))
            let names = sponsorIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Sponsor.query(on: req.db).filter(\.$id ~~ sponsorIDs).all().map { ($0.id!, $0.name) })
            return matched.compactMap { r in
                guard let f = r.foreigner_id, let x = reg[f], let employer = r.employer else { return nil }
                let registered = x.sponsor_id.flatMap { names[$0] }
                if let registered, sameCompany(employer, registered) { return nil }
                return item(r, "agency: \(employer) · registry: \(registered ?? "no sponsor")", foreigner: f, sponsor: x.sponsor_id)
            }
        case .addressMismatch:
            let matched = try await rows(personImports, state: .matched).filter { ($0.address ?? "").isEmpty == false }
            let reg = try await registry(matched.compactMap(\.foreigner_id))
            let ids = Array(reg.keys)
            var lines: [UUID: String] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                for a in try await Address.query(on: req.db).filter(\.$foreigner.$id ~~ chunk).filter(\.$isCurrent == true).all() { lines[a.$foreigner.id] = a.line }
            }
            return matched.compactMap { r in
                guard let f = r.foreigner_id, reg[f] != nil, let agencyAddress = r.address else { return nil }
                guard let line = lines[f] else { return item(r, "agency: \(agencyAddress) · registry: no current address", foreigner: f) }
                return sameAddress(agencyAddress, line) ? nil : item(r, "agency: \(agencyAddress) · registry: \(line)", foreigner: f)
            }
        case .companyNotSponsor:
            // Companies on a company list that matched no sponsor, and employers named on worker lists
            // that are no sponsor in the region.
            var out = try await rows(companyImports, state: .unmatched).map { item($0, "company list: no registered sponsor") }
            let sponsorKeys = Set(try await sql.raw("SELECT name FROM sponsors WHERE kind = 'company' AND \(filter.sql)").all(decoding: [String: String].self).compactMap { $0["name"] }.map(Reconciler.companyKey))
            let workerImports = imps.filter { $0.kindValue == .foreignWorkers }.map { $0.id! }
            var named: [String: (Row, Int)] = [:]
            for state in [MatchState.matched, .review, .unmatched] {
                for r in try await rows(workerImports, state: state) {
                    guard let e = r.employer, !e.isEmpty else { continue }
                    let key = Reconciler.companyKey(e)
                    if sponsorKeys.contains(key) { continue }
                    named[key] = (named[key]?.0 ?? r, (named[key]?.1 ?? 0) + 1)
                }
            }
            let listed = Set(out.map { Reconciler.companyKey($0.name) })
            for (key, (r, n)) in named.sorted(by: { $0.key < $1.key }) where !listed.contains(key) {
                out.append(Item(kind: kind.rawValue, importId: r.import_id, line: r.line, name: r.employer ?? key, detail: "employer of \(n) listed worker(s): no registered sponsor"))
            }
            return out
        case .sponsorNotListed:
            guard !companyImports.isEmpty else { return [] }
            let linked = Set(try await rows(companyImports, state: .matched).compactMap(\.sponsor_id))
            return try await sponsorsWithWorkers().filter { !linked.contains($0.id) }.map {
                Item(kind: kind.rawValue, name: $0.name, sponsorId: $0.id, detail: "\($0.workers) foreign worker(s) in the registry; on no agency company list")
            }
        case .virtualSponsor:
            return try await sponsorsWithWorkers().filter { !reachable($0.address) }.map {
                Item(kind: kind.rawValue, name: $0.name, sponsorId: $0.id, detail: "\($0.workers) foreign worker(s); address: \($0.address.isEmpty ? "none" : $0.address)")
            }
        }
    }

    static func sameCompany(_ a: String, _ b: String) -> Bool {
        let x = Reconciler.companyKey(a), y = Reconciler.companyKey(b)
        return x == y || Similarity.jaroWinkler(x, y) >= 0.92
    }

    /// Addresses agree when most words of the shorter one appear in the other (street names are
    /// written with and without "Jl.", numbers with and without "No.").
    static func sameAddress(_ a: String, _ b: String) -> Bool {
        let stop: Set<String> = ["JL", "JLN", "JALAN", "NO", "RT", "RW", "KEL", "KEC", "DESA", "KAB", "KOTA", "BLOK", "GG"]
        func words(_ s: String) -> Set<String> {
            Set(Normalize.fold(s.replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: "/", with: " "))
                .split(separator: " ").map(String.init).filter { !stop.contains($0) && !$0.isEmpty })
        }
        let x = words(a), y = words(b)
        guard !x.isEmpty, !y.isEmpty else { return false }
        return Double(x.intersection(y).count) / Double(min(x.count, y.count)) >= 0.6
    }

    /// An address officers can visit: a street or estate and a number or block, not a virtual office.
    static func reachable(_ address: String) -> Bool {
        let folded = Normalize.fold(address)
        if folded.contains("VIRTUAL OFFICE") || folded.contains("KANTOR VIRTUAL") || folded.hasPrefix("PO BOX") { return false }
        let words = folded.split(separator: " ")
        return words.count >= 3 && folded.contains(where: \.isNumber)
    }

    // MARK: API and pages

    struct Summary: Content { var kinds: [Count] }
    struct Count: Content { var kind: String; var count: Int; var items: [Item]? }

    static func kindParam(_ req: Request) throws -> Kind? {
        guard let raw = req.query[String.self, at: "kind"] ?? req.parameters.get("kind") else { return nil }
        guard let k = Kind(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "kind", Kind.allCases.map(\.rawValue).joined(separator: ", ")) }
        return k
    }

    static func audited(_ req: Request, _ kind: Kind, _ n: Int) async throws {
        guard try req.requirePrincipal().role != .agency, n > 0 else { return }
        try await req.audit(AuditEntry(action: "discrepancy.list", objectType: "discrepancy", objectID: kind.rawValue, purpose: "supervision", detail: "items=\(n)"))
    }

    static func api(_ req: Request) async throws -> Response {
        let res = Response()
        let officer = try req.requirePrincipal().role != .agency
        if let kind = try kindParam(req) {
            let items = try await compute(kind, req)
            try await audited(req, kind, items.count)
            try res.content.encode(Count(kind: kind.rawValue, count: items.count, items: officer ? items : nil))
        } else {
            var counts: [Count] = []
            for k in Kind.allCases { counts.append(Count(kind: k.rawValue, count: try await compute(k, req).count)) }
            try res.content.encode(Summary(kinds: counts))
        }
        return res
    }

    static func register(web: any RoutesBuilder, api r: any RoutesBuilder) {
        r.grouped(RequireRole(.agency, .officer, .supervisor)).get("discrepancies", use: api)
        let w = web.grouped(RequireRole(.agency, .officer, .supervisor))
        w.get("discrepancies", use: summaryPage)
        w.get("discrepancies", ":kind", use: kindPage)
        web.grouped(RequireRole(.officer, .supervisor)).get("discrepancies", ":kind", "csv", use: csv)
    }

    static func summaryPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let officer = try req.requirePrincipal().role != .agency
        var cards: [HTML] = []
        for k in Kind.allCases {
            let n = try await compute(k, req).count
            let label = L10n.t("disc.kind.\(k.rawValue)", lang)
            cards.append("<div class=\"card stat-card\"><p class=\"stat\" id=\"disc-\(k.rawValue)\">\(n)</p><p>\(officer && n > 0 ? "<a href=\"/discrepancies/\(k.rawValue)\">\(label)</a>" as HTML : "\(label)")</p></div>")
        }
        return Views.page(req, title: L10n.t("disc.title", lang), body: """
        <h1>\(L10n.t("disc.title", lang))</h1>
        <p class="muted">\(L10n.t("disc.intro", lang))</p>
        \(officer ? "" : "<p class=\"notice\">\(L10n.t("imp.countsOnly", lang))</p>" as HTML)
        <div class="grid">\(cards)</div>
        """)
    }

    static func kindPage(_ req: Request) async throws -> Response {
        let lang = req.language
        guard let kind = try kindParam(req) else { throw Abort(.notFound) }
        let items = try await compute(kind, req)
        let officer = try req.requirePrincipal().role != .agency
        if !officer {
            return Views.page(req, title: L10n.t("disc.title", lang), body: """
            <h1>\(L10n.t("disc.kind.\(kind.rawValue)", lang))</h1><p class="stat" id="disc-count">\(items.count)</p><p class="notice">\(L10n.t("imp.countsOnly", lang))</p>
            """)
        }
        try await audited(req, kind, items.count)
        let rows: HTML = items.prefix(1000).html { i in
            let name: HTML = i.foreignerId.map { "<a href=\"/foreigners/\($0.uuidString)\">\(i.name)</a>" as HTML }
                ?? i.sponsorId.map { "<a href=\"/sponsors/\($0.uuidString)\">\(i.name)</a>" as HTML } ?? "\(i.name)"
            let source: HTML = i.importId.map { "<a href=\"/imports/\($0.uuidString)\">\(L10n.t("imp.line", lang)) \(i.line ?? 0)</a>" as HTML } ?? ""
            return "<tr><td>\(name)</td><td>\(i.nationality)</td><td>\(i.passportNumber)</td><td>\(i.detail)</td><td>\(source)</td></tr>"
        }
        return Views.page(req, title: L10n.t("disc.kind.\(kind.rawValue)", lang), body: """
        <h1>\(L10n.t("disc.kind.\(kind.rawValue)", lang))</h1>
        <p class="no-print"><a class="button secondary" href="/discrepancies/\(kind.rawValue)/csv" id="disc-csv">\(L10n.t("disc.csv", lang))</a></p>
        <p>\(L10n.t("disc.count", lang)): <strong id="disc-count">\(items.count)</strong></p>
        <table class="responsive" id="disc-items"><thead><tr><th>name</th><th>nationality</th><th>passport_number</th><th>detail</th><th>source</th></tr></thead><tbody>\(rows)</tbody></table>
        """)
    }

    static func csvField(_ s: String) -> String {
        // Quote always; neutralise spreadsheet formulas (=, +, -, @ at the start).
        var v = s
        if let f = v.first, "=+-@".contains(f) { v = "'" + v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csv(_ req: Request) async throws -> Response {
        guard let kind = try kindParam(req) else { throw Abort(.notFound) }
        let items = try await compute(kind, req)
        try await audited(req, kind, items.count)
        var out = "kind,name,nationality,passport_number,detail,foreigner_id,sponsor_id,import_id,line\r\n"
        for i in items {
            out += [i.kind, i.name, i.nationality ?? "", i.passportNumber ?? "", i.detail, i.foreignerId?.uuidString ?? "", i.sponsorId?.uuidString ?? "",
                    i.importId?.uuidString ?? "", i.line.map(String.init) ?? ""].map(csvField).joined(separator: ",") + "\r\n"
        }
        let res = Response(status: .ok, body: .init(string: "\u{FEFF}" + out))
        res.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"sinergi-\(kind.rawValue)-\(req.application.today).csv\"")
        return res
    }
}
