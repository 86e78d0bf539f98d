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
        /// What differs, in a few words (e.g. the two employer names, the permit's end), in English.
        var detail: String
        /// The same as a message key and its values, for pages in the reader's language.
        var detailCode: String?
        var detailArgs: [String]?

        init(kind: String, importId: UUID? = nil, line: Int? = nil, name: String, nationality: String? = nil, passportNumber: String? = nil,
             foreignerId: UUID? = nil, sponsorId: UUID? = nil, note: String) {
            self.kind = kind; self.importId = importId; self.line = line; self.name = name; self.nationality = nationality
            self.passportNumber = passportNumber; self.foreignerId = foreignerId; self.sponsorId = sponsorId
            detailCode = note; detailArgs = []
            detail = L10n.format(note, .en, [])
        }

        /// The same item with the values its note names.
        func with(_ args: [String]) -> Item {
            var copy = self
            copy.detailArgs = args
            copy.detail = L10n.format(detailCode ?? "", .en, args)
            return copy
        }

        /// For pages: the note in `lang`, its days written as pages write days ("7 Sep 2026"); the API keeps ISO dates.
        func detail(_ lang: Language) -> String {
            detailCode.map { L10n.format($0, lang, LocalTime.daysInWords(detailArgs ?? [], lang: lang)) } ?? detail
        }
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


    static func compute(_ kind: Kind, _ req: Request) async throws -> [Item] {
        let p = try req.requirePrincipal()
        let sql = req.db as! any SQLDatabase
        let imps = try await imports(req)
        let personImports = imps.filter { !$0.kindValue.isCompanies }.map { $0.id! }
        let companyImports = imps.filter { $0.kindValue.isCompanies }.map { $0.id! }
        let filter = ScopePolicy.discrepancyRegistry(p)
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
        func item(_ r: Row, _ note: String, _ args: String..., foreigner: UUID? = nil, sponsor: UUID? = nil) -> Item {
            Item(kind: kind.rawValue, importId: r.import_id, line: r.line, name: r.name, nationality: r.nationality, passportNumber: r.passport_number,
                 foreignerId: foreigner, sponsorId: sponsor, note: note).with(args)
        }
        struct Reg: Decodable, PermitColumns { var id: UUID; var permit_end: String?; var permit_start: String?; var permit_prior_start: String?; var permit_prior_end: String?; var sponsor_id: UUID? }
        func registry(_ ids: [UUID]) async throws -> [UUID: Reg] {
            var out: [UUID: Reg] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                for r in try await sql.raw("SELECT id, permit_end, permit_start, permit_prior_start, permit_prior_end, sponsor_id FROM foreigners WHERE id IN (\(binds: chunk)) AND \(filter.sql)").all(decoding: Reg.self) { out[r.id] = r }
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
            return try await rows(personImports, state: .unmatched).map { item($0, "disc.note.unregistered") }
        case .noValidPermit:
            let matched = try await rows(personImports, state: .matched)
            let reg = try await registry(matched.compactMap(\.foreigner_id))
            return matched.compactMap { r in
                guard let f = r.foreigner_id, let x = reg[f] else { return nil }
                switch x.permitState(today: today, departed: false) {
                // The end that counts: in the gap between two permits, the first's (the next one's lies ahead).
                case .overstayed(let d): return item(r, "disc.note.permitEnded", x.endInForce(today: today) ?? "", String(d), foreigner: f)
                case .notYetValid(let from): return item(r, "disc.note.permitNotYet", from, foreigner: f)
                case .noPermit: return item(r, "disc.note.noPermit", foreigner: f)
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
                return item(r, registered == nil ? "disc.note.employerNoSponsor" : "disc.note.employer", employer, registered ?? "", foreigner: f, sponsor: x.sponsor_id)
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
                guard let line = lines[f] else { return item(r, "disc.note.addressNone", agencyAddress, foreigner: f) }
                return sameAddress(agencyAddress, line) ? nil : item(r, "disc.note.address", agencyAddress, line, foreigner: f)
            }
        case .companyNotSponsor:
            // Companies on a company list that matched no sponsor, and employers named on worker lists
            // that are no sponsor in the region.
            var out = try await rows(companyImports, state: .unmatched).map { item($0, "disc.note.companyNotSponsor") }
            let sponsorKeys = Set(try await sql.raw("SELECT name FROM sponsors WHERE kind = 'company' AND merged_into IS NULL AND \(filter.sql)").all(decoding: [String: String].self).compactMap { $0["name"] }.map(Reconciler.companyKey))
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
                out.append(Item(kind: kind.rawValue, importId: r.import_id, line: r.line, name: r.employer ?? key, note: "disc.note.employerOfWorkers").with([String(n)]))
            }
            return out
        case .sponsorNotListed:
            guard !companyImports.isEmpty else { return [] }
            let linked = Set(try await rows(companyImports, state: .matched).compactMap(\.sponsor_id))
            return try await sponsorsWithWorkers().filter { !linked.contains($0.id) }.map {
                Item(kind: kind.rawValue, name: $0.name, sponsorId: $0.id, note: "disc.note.sponsorNotListed").with([String($0.workers)])
            }
        case .virtualSponsor:
            return try await sponsorsWithWorkers().filter { !reachable($0.address) }.map {
                Item(kind: kind.rawValue, name: $0.name, sponsorId: $0.id, note: $0.address.isEmpty ? "disc.note.virtualNoAddress" : "disc.note.virtual").with([String($0.workers), $0.address])
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
        guard let raw = req.queryValue("kind") ?? req.parameters.get("kind"), !raw.isEmpty else { return nil }
        guard let k = Kind(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "kind", Kind.allCases.map(\.rawValue).joined(separator: ", ")) }
        return k
    }

    static func audited(_ req: Request, _ kind: Kind, _ n: Int) async throws {
        guard !ScopePolicy.seesCountsOnly(try req.requirePrincipal()), n > 0 else { return }
        try await req.audit(AuditEntry(action: "discrepancy.list", objectType: "discrepancy", objectID: kind.rawValue, purpose: "supervision", detail: "items=\(n)"))
    }

    static func api(_ req: Request) async throws -> Response {
        let res = Response()
        let officer = !ScopePolicy.seesCountsOnly(try req.requirePrincipal())
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
        // Every kind is computed over the office's whole registry and lists.
        r.grouped(RequireRole(.agency, .officer, .supervisor)).get("discrepancies", use: api).computes()
        let w = web.grouped(RequireRole(.agency, .officer, .supervisor))
        w.get(ImportsURL.discrepancies, use: summaryPage).computes()
        w.get(ImportsURL.discrepancyKind(.key), use: kindPage).computes()
        web.grouped(RequireRole(.officer, .supervisor)).get(ImportsURL.discrepancyCSV(.key), use: csv).computes()
    }

    static func summaryPage(_ req: Request) async throws -> Response {
        let officer = !ScopePolicy.seesCountsOnly(try req.requirePrincipal())
        var counts: [(Kind, Int)] = []
        for k in Kind.allCases { counts.append((k, try await compute(k, req).count)) }
        return ImportViews.discrepancySummary(req, counts: counts, officer: officer)
    }

    static func kindPage(_ req: Request) async throws -> Response {
        guard let kind = try kindParam(req) else { throw Abort(.notFound) }
        let items = try await compute(kind, req)
        guard !ScopePolicy.seesCountsOnly(try req.requirePrincipal()) else { return ImportViews.discrepancyCount(req, kind: kind, count: items.count) }
        try await audited(req, kind, items.count)
        return ImportViews.discrepancyItems(req, kind: kind, items: items)
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
