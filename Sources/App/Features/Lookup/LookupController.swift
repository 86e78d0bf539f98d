import Deadlines
import Fluent
import Foundation
import Matching
import MRZ
import SQLKit
import Vapor

/// `/lookup` (phone-first page) and `GET /api/v1/lookup`: an officer in the field checks a foreigner's
/// status by passport number (O/0 and I/1 confusions tolerated), by name (romanisation variants:
/// "Chang Wei" finds ZHANG WEI) or by the pasted MRZ of a passport or ID card. Every look-up is audited
/// with its purpose.
enum LookupController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.grouped(RequireRole(.officer, .supervisor)).get(.lookup, use: page)
        api.grouped(RequireRole(.officer, .supervisor)).get("lookup", use: lookupAPI)
    }

    struct Item: Content, PermitDates {
        var id: UUID
        var fullName: String
        var passportNumber: String?
        var nationality: String
        var dateOfBirth: String?
        var sex: String
        var status: String
        var daysLeft: Int?
        var daysOverstayed: Int?
        var fineIDR: Int64
        var deportationCase: Bool
        var permitCategory: String?
        var permitEnd: String?
        /// The first day of the stay `permitEnd` ends; after today the status is `notYetValid`, unless the stay before it
        /// (`permitPriorStart`…`permitPriorEnd`, when a gap separates the two) has begun.
        var permitStart: String?
        var permitPriorStart: String?
        var permitPriorEnd: String?
        /// Set while the permit before a gap counts (held, or ended in the gap): the first day of the next one. `daysLeft`
        /// or `daysOverstayed` then count from `permitPriorEnd`.
        var nextPermitStart: String?
        var sponsorName: String?
        var sponsorPhone: String?
        var address: String?
        var openTasks: [OpenTask] = []
    }

    typealias OpenTask = TasksController.OpenTask

    enum Query {
        case passport(String), name([String]), mrz(MRZ)
        var mode: String {
            switch self {
            case .passport: "passport"
            case .name: "name"
            case .mrz: "mrz"
            }
        }
    }

    /// Reads exactly one of `passport`, `name`, `mrz`. A malformed MRZ is a 422 naming the failed check.
    static func query(_ req: Request) throws -> Query? {
        func param(_ k: String) -> String? {
            guard let v = req.queryValue(k)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return String(v.prefix(300))
        }
        let passport = param("passport"), name = param("name"), mrz = param("mrz")
        let given = [passport, name, mrz].compactMap { $0 }
        if given.isEmpty { return nil }
        guard given.count == 1 else { throw ValidationFailure("v.lookupOnlyOne") }
        if let p = passport {
            let key = Normalize.documentID(p)
            guard key.count >= 5 else { throw ValidationFailure("v.passportShort", field: "passport") }
            return .passport(key)
        }
        if let n = name {
            let tokens = Normalize.lookupTokens(n).filter { $0.count >= 2 }
            guard !tokens.isEmpty else { throw ValidationFailure("v.nameShort", field: "name") }
            return .name(tokens)
        }
        let year = Int(req.application.today.prefix(4)) ?? 2026
        do {
            return .mrz(try MRZ.parse(mrz!, currentYear: year))
        } catch let f as MRZ.Failure {
            throw ValidationFailure("v.mrz.\(f.kind.rawValue)", field: "mrz", String(f.line), "l10n:mrz.field.\(f.field ?? "")")
        }
    }

    /// A look-up is a field check unless the officer says otherwise.
    static func purpose(_ req: Request) throws -> ReadPurpose { try ReadPurpose.of(req, fallback: .fieldCheck) }

    /// The columns a look-up shows, in one query with the page. The look-up is the field's most frequent request, so it
    /// reads them with plain SQL: through the models, their reflection and the thirty aliased columns of a foreigner were
    /// most of its time; and each further query costs a statement prepared afresh and two thread hops.
    private struct Row: Decodable, PermitColumns {
        var id: UUID
        var full_name: String
        var passport_number: String?
        var nationality: String
        var date_of_birth: String?
        var sex: String
        var permit_category: String?
        var permit_end: String?
        var permit_start: String?
        var permit_prior_start: String?
        var permit_prior_end: String?
        var sponsor_name: String?
        var sponsor_phone: String?
        var departed: Bool?
        var total: Int
        /// A current address (any one of them, should a record have several).
        var address: String?
        /// Whether the foreigner has open field tasks (then they are read in a query of their own).
        var has_open_tasks: Bool
        /// The rule book's size, for its cache (`Rules.book(_:count:)`).
        var rule_count: Int
    }

    static func search(_ q: Query, _ req: Request, paging: Paging) async throws -> (items: [Item], total: Int) {
        // A whole passport number is an index look-up: read inline (`InlineSQLite`). A name, an MRZ (its name tokens)
        // or a number's beginning may match thousands: SQLiteNIO's pool, off the event loop.
        var pooled: any SQLDatabase { req.db as! any SQLDatabase }   // made only where needed (Fluent builds it afresh)
        let sql: any SQLDatabase
        if case .passport = q { sql = req.quickReads } else { sql = pooled }
        let scope = try ScopePolicy.personalFilter(try req.requirePrincipal()).sql
        let match: SQLQueryString
        switch q {
        case .passport(let key):
            // The whole number: an index look-up (counted below). Only when nothing has it exactly, numbers starting with it.
            match = "passport_key = \(bind: key)"
        case .name(let tokens):
            if let ids = try await NameTokens.candidates(tokens, limit: 2_000, on: req.db) {
                if ids.isEmpty { return ([], 0) }
                match = "id IN (\(SQLList(ids.map { SQLBind($0) })))"
            } else {
                match = "\(NameTokens.filter(tokens))"
            }
        case .mrz(let m):
            let key = Normalize.documentID(m.documentNumber)
            let tokens = Normalize.lookupTokens("\(m.surname) \(m.givenNames)").filter { $0.count >= 2 }
            if let dob = m.birthDate, !tokens.isEmpty {
                match = "(passport_key = \(bind: key) OR (date_of_birth = \(bind: dob) AND \(NameTokens.filter(tokens))))"
            } else {
                match = "passport_key = \(bind: key)"
            }
        }
        var (found, total) = try await page(sql, scope, match, paging)
        if total == 0, case .passport(let key) = q {
            let postgres = pooled.dialect.name == "postgresql"
            (found, total) = try await page(pooled, scope, SQLQueryString("\(SQLPrefix.condition("passport_key", key, postgres: postgres))"), paging)
        }
        if found.isEmpty { return ([], total) }
        let today = req.application.today
        let rules = try await Rules.book(req, count: found[0].rule_count)
        let withTasks = found.filter(\.has_open_tasks).map(\.id)
        let tasksOf = withTasks.isEmpty ? [:] : try await TasksController.openTasks(for: withTasks, db: req.db)
        let items = found.map { f -> Item in
            let departed = f.departed ?? false
            let state = f.permitState(today: today, departed: departed)
            let end = f.endInForce(today: today)
            let fine = OverstayFine.compute(permitEnd: departed ? nil : end, today: today, rules: rules)
            var item = Item(id: f.id, fullName: f.full_name, passportNumber: f.passport_number, nationality: f.nationality, dateOfBirth: f.date_of_birth,
                            sex: f.sex, status: state.code, fineIDR: fine.amountIDR, deportationCase: fine.deportationCase,
                            permitCategory: f.permit_category, permitEnd: f.permit_end, permitStart: f.permit_start,
                            permitPriorStart: f.permit_prior_start, permitPriorEnd: f.permit_prior_end,
                            sponsorName: f.sponsor_name, sponsorPhone: f.sponsor_phone, address: f.address)
            item.openTasks = tasksOf[f.id] ?? []
            if !departed && PermitState.priorStayBegun(start: f.permit_start, priorStart: f.permit_prior_start, priorEnd: f.permit_prior_end, today: today) {
                item.nextPermitStart = f.permit_start
            }
            switch state {
            case .valid(let d), .expiring(let d): item.daysLeft = d
            case .overstayed(let d): item.daysOverstayed = d
            case .notYetValid, .noPermit, .departed: break
            }
            return item
        }
        return (items, total)
    }

    /// One page of the foreigners in scope that match, and their number, in one pass: the count is a window over
    /// every match (`COUNT(*) OVER ()`), taken before the page is cut, so a common name's two thousand candidates are
    /// read once, not once for the page and again for the count. Only a page past the end needs a count of its own.
    /// The page's rows get their sponsor, current address, whether they have open tasks and the rule book's size in
    /// the same statement (outside the window, so only for the page's rows).
    private static func page(_ sql: any SQLDatabase, _ scope: any SQLExpression, _ match: SQLQueryString, _ paging: Paging) async throws -> ([Row], Int) {
        let found = try await sql.raw("""
            SELECT f.id, f.full_name, f.passport_number, f.nationality, f.date_of_birth, f.sex, f.permit_category, f.permit_end, f.permit_start,
                   f.permit_prior_start, f.permit_prior_end, f.departed, f.total, s.name AS sponsor_name, s.phone AS sponsor_phone,
                   (SELECT a.line FROM addresses a WHERE a.foreigner_id = f.id AND a.is_current = \(bind: true) LIMIT 1) AS address,
                   EXISTS (SELECT 1 FROM field_tasks t WHERE t.foreigner_id = f.id AND t.status = \(bind: TaskStatus.open.rawValue)) AS has_open_tasks,
                   \(unsafeRaw: Rules.sizeQuery) AS rule_count
            FROM (SELECT id, full_name, passport_number, nationality, date_of_birth, sex, permit_category, permit_end, permit_start,
                         permit_prior_start, permit_prior_end, sponsor_id, departed, COUNT(*) OVER () AS total
                  FROM foreigners WHERE \(scope) AND \(match)
                  ORDER BY full_name, id LIMIT \(unsafeRaw: String(paging.per)) OFFSET \(unsafeRaw: String(paging.offset))) f
            LEFT JOIN sponsors s ON s.id = f.sponsor_id
            ORDER BY f.full_name, f.id
            """).all(decoding: Row.self)
        if let first = found.first { return (found, first.total) }
        if paging.offset == 0 { return ([], 0) }
        struct N: Decodable { var n: Int }
        return ([], try await sql.raw("SELECT COUNT(*) AS n FROM foreigners WHERE \(scope) AND \(match)").first(decoding: N.self)?.n ?? 0)
    }

    /// When a whole passport number (typed, or read from an MRZ) has no record in the jurisdiction: the offices whose
    /// jurisdiction holds a record of it — their names only, nothing about the person. An officer in the field must
    /// not take "not in my registry" for "not registered": the person may be registered, lawfully, with another office.
    /// An empty list when no record has it; `[""]` when one has it in a regency no office covers.
    static func registeredElsewhere(_ q: Query, _ req: Request) async throws -> [String] {
        let key: String
        switch q {
        case .passport(let k): key = k
        case .mrz(let m): key = Normalize.documentID(m.documentNumber)
        case .name: return []
        }
        struct Row: Decodable { var name: String? }
        let rows = try await (req.db as! any SQLDatabase).raw("""
            SELECT DISTINCT o.name FROM foreigners f
            LEFT JOIN office_jurisdictions j ON j.regency_code = f.regency_code LEFT JOIN offices o ON o.id = j.office_id
            WHERE f.passport_key = \(bind: key) LIMIT 5
            """).all(decoding: Row.self)
        return rows.map { $0.name ?? "" }
    }

    /// One audit event per record shown, with the purpose; one event when nothing was found (saying whether the
    /// number is registered with another office).
    static func audit(_ q: Query, _ items: [Item], purpose: ReadPurpose, elsewhere: [String] = [], _ req: Request) async throws {
        let entries = items.isEmpty
            ? [AuditEntry(action: "foreigner.lookup", objectType: "foreigner", objectID: "-", purpose: purpose.rawValue,
                          detail: "\(q.mode) no result" + (elsewhere.isEmpty ? "" : "; registered with another office"))]
            : items.map { AuditEntry(action: "foreigner.lookup", objectType: "foreigner", objectID: $0.id.uuidString, purpose: purpose.rawValue, detail: q.mode) }
        try await req.audit(entries)
    }

    static func lookupAPI(_ req: Request) async throws -> ListPage<Item> {
        let paging = try Paging(req, defaultPer: 20)
        let purpose = try purpose(req)
        guard let q = try query(req) else { throw ValidationFailure("v.lookupOne") }
        let r = try await search(q, req, paging: paging)
        try await audit(q, r.items, purpose: purpose, req)
        return ListPage(items: r.items, total: r.total, page: paging.page, per: paging.per)
    }

    static func page(_ req: Request) async throws -> Response {
        var state = FormState(req)
        if state.values["purpose"] == nil { state.values["purpose"] = ReadPurpose.fieldCheck.rawValue }
        var results: [Item]? = nil
        var elsewhere: [String] = []
        do {
            if let q = try query(req) {
                let purpose = try purpose(req)
                let r = try await search(q, req, paging: try Paging(req, defaultPer: 20))
                if r.total == 0, ScopePolicy.mayLearnRegisteringOffice(req.principal) { elsewhere = try await registeredElsewhere(q, req) }
                try await audit(q, r.items, purpose: purpose, elsewhere: elsewhere, req)
                results = r.items
            } else if ["passport", "name", "mrz"].contains(where: { req.queryValue($0) != nil }) {
                // The form sent with every box empty: say what to fill in (a first visit has none of them).
                throw ValidationFailure("v.lookupOne")
            }
        } catch let v as ValidationFailure {
            // Beside the field at fault ("passport", "name", "mrz", "purpose"); "fill in only one" at the top.
            state.fail(v, lang: req.language, shownFields: LookupViews.fields)
        }
        return LookupViews.page(req, state: state, results: results, elsewhere: elsewhere)
    }
}
