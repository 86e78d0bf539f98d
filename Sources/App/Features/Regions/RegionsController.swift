import Fluent
import SQLKit
import Vapor

/// `GET /api/v1/regions?q=…&level=…&parent=…&within=…`: administrative regions by name or code, for the
/// region picker. It answers without a login (the public report form needs it), limited per address.
/// Each item carries its path ("Ngoro · Kabupaten Mojokerto · Jawa Timur") so a name can be told apart
/// from its namesakes elsewhere.
enum RegionsController {
    static let limiter = RateLimiter("regions", limit: 120, window: 60)

    static func register(api: any RoutesBuilder) {
        api.grouped(RateLimitMiddleware(limiter: limiter)).get("regions", use: list)
    }

    struct Item: Content {
        var code: String
        var name: String
        var level: String
        var parentCode: String?
        var postalCode: String?
        /// The names of its district, regency and province, nearest first.
        var path: String
    }

    static func list(_ req: Request) async throws -> ListPage<Item> {
        let paging = try Paging(req, defaultPer: 50, maxPer: 200)
        var filter = Search()
        if let level = req.queryValue("level"), !level.isEmpty {
            filter.level = try ValidationFailure.oneOf(level, RegionLevel.self, field: "level")
        }
        if let parent = req.queryValue("parent"), !parent.isEmpty {
            guard RegionCode.isValid(parent) else { throw ValidationFailure("v.regionCode", field: "parent") }
            filter.parent = parent
        }
        if let within = req.queryValue("within"), !within.isEmpty {
            let codes = within.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard codes.count <= 50, codes.allSatisfy(RegionCode.isValid) else { throw ValidationFailure("v.regionCode", field: "within") }
            filter.within = codes
        }
        if let q = req.queryValue("q")?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            guard q.count <= 100 else { throw ValidationFailure("v.tooLong", field: "q", "100") }
            filter.q = q
        }
        let (items, total) = try await search(filter, paging: paging, db: req.db)
        return ListPage(items: items, total: total, page: paging.page, per: paging.per)
    }

    struct Search: Sendable {
        var q: String?
        var level: RegionLevel?
        var parent: String?
        var within: [String]?
    }

    /// Regions matching every word of `q` in their own name or an ancestor's ("ngoro mojokerto"), or a
    /// code prefix; exact names first, then names that start with the words, then the rest, by code.
    static func search(_ f: Search, paging: Paging, db: any Database) async throws -> ([Item], Int) {
        let sql = db as! any SQLDatabase
        var conditions: [SQLQueryString] = []
        if let level = f.level { conditions.append("r.level = \(bind: level.rawValue)") }
        if let parent = f.parent { conditions.append("r.parent_code = \(bind: parent)") }
        if let within = f.within {
            var any: [SQLQueryString] = []
            for code in within { any.append("(r.code = \(bind: code) OR r.code LIKE \(bind: code + ".%"))") }
            conditions.append("(" + any.joined(separator: " OR ") + ")")
        }
        var order: SQLQueryString = "r.code"
        if let q = f.q {
            if q.allSatisfy({ $0.isNumber || $0 == "." }) {
                conditions.append("r.code LIKE \(bind: q + "%")")
            } else {
                let words = searchWords(q)
                // `search_text` holds the name and the names above it (M026), upper-cased.
                for w in words { conditions.append("r.search_text LIKE \(bind: "%" + w + "%")") }
                let whole = words.joined(separator: " ")
                let first = words.first ?? ""
                // Exact names first, then names that begin with the words; among them, regions an office in Sinergi
                // serves before the rest: of the 15 villages called Mojosari, the one a user of this installation
                // means is most likely in a regency it covers.
                order = """
                    CASE WHEN UPPER(r.name) = \(bind: whole) THEN 0 WHEN UPPER(r.name) LIKE \(bind: first + "%") THEN 1 ELSE 2 END,
                    CASE WHEN EXISTS (SELECT 1 FROM office_jurisdictions j WHERE r.code = j.regency_code OR r.code LIKE j.regency_code || '.%')
                         THEN 0 ELSE 1 END,
                    r.code
                    """
            }
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        struct Row: Decodable { var code: String; var name: String; var level: String; var parent_code: String?; var postal_code: String?; var n: Int? }
        struct N: Decodable { var n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM regions r \(whereClause)").first(decoding: N.self)?.n ?? 0
        let rows = try await sql.raw("SELECT r.code, r.name, r.level, r.parent_code, r.postal_code FROM regions r \(whereClause) ORDER BY \(order) LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all(decoding: Row.self)
        let names = try await ancestorNames(rows.map(\.code), db: db)
        let items = rows.map { r in
            Item(code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, postalCode: r.postal_code,
                 path: ancestors(of: r.code).reversed().compactMap { names[$0] }.joined(separator: " · "))
        }
        return (items, total)
    }

    /// The words of a search, upper-cased, without LIKE's wildcards and without the words that say a level rather
    /// than name a place ("kel. mojosari", "desa jasem", "kec ngoro"), unless nothing else is left.
    static func searchWords(_ q: String) -> [String] {
        let words = q.uppercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
            .map { $0.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") }.filter { !$0.isEmpty }
        let levelWords: Set<String> = ["KEL", "KELURAHAN", "DESA", "DS", "KEC", "KECAMATAN", "KAB", "KABUPATEN", "PROV", "PROVINSI"]
        let named = words.filter { !levelWords.contains($0) }
        return named.isEmpty ? words : named
    }

    /// The codes of a region's province, regency and district (those above it), outermost first.
    static func ancestors(of code: String) -> [String] {
        let parts = code.split(separator: ".")
        guard parts.count > 1 else { return [] }
        return (1..<parts.count).map { parts[0..<$0].joined(separator: ".") }
    }

    static func ancestorNames(_ codes: [String], db: any Database) async throws -> [String: String] {
        let wanted = Set(codes.flatMap(ancestors(of:)))
        guard !wanted.isEmpty else { return [:] }
        let rows = try await Region.query(on: db).filter(\.$id ~~ Array(wanted)).all()
        return Dictionary(rows.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// "Ngoro, Kabupaten Mojokerto, Jawa Timur": a region by name with the names above it, for pages.
    static func describe(_ codes: [String], db: any Database) async throws -> [String: String] {
        try await named(codes, db: db).mapValues { ([$0.name] + $0.above.prefix(2)).joined(separator: ", ") }
    }

    /// A region's name and the names of the regions above it, nearest first (Ngoro; Kabupaten Mojokerto, Jawa Timur).
    struct Named: Sendable, Equatable {
        var name: String
        var above: [String]
    }

    static func named(_ codes: [String], db: any Database) async throws -> [String: Named] {
        let unique = Array(Set(codes.filter { !$0.isEmpty }))
        guard !unique.isEmpty else { return [:] }
        let own = try await Region.query(on: db).filter(\.$id ~~ unique).all()
        let above = try await ancestorNames(unique, db: db)
        var out: [String: Named] = [:]
        for r in own { out[r.id!] = Named(name: r.name, above: ancestors(of: r.id!).reversed().compactMap { above[$0] }) }
        return out
    }
}
