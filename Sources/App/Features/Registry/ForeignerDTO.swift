import Fluent
import SQLKit
import Vapor

/// API shapes for foreigners. List items carry summary fields; the detail adds the history tables.
struct ForeignerItem: Content, PermitDates {
    var id: UUID
    var fullName: String
    var familyName: String
    var givenNames: String
    var sex: String
    var dateOfBirth: String?
    var nationality: String
    var passportNumber: String?
    var permitCategory: String?
    var permitEnd: String?
    /// The first day of the stay `permitEnd` ends; after today the status is `notYetValid`, unless the stay before has begun.
    var permitStart: String?
    /// The first and last day of the stay before `permitStart`, when a gap lies between (nil when none): once it has
    /// begun and until `permitStart`, the status, `daysLeft` and `daysOverstayed` are those of the permit ending
    /// `permitPriorEnd` (overstayed after it, in the gap).
    var permitPriorStart: String?
    var permitPriorEnd: String?
    var status: String
    var daysLeft: Int?
    var daysOverstayed: Int?

    init(_ f: Foreigner, today: String) {
        self.init(ForeignerDetail.Person(f), today: today)
    }

    init(_ f: ForeignerDetail.Person, today: String) {
        let state = f.permitState(today: today, departed: f.departed ?? false)
        id = f.id; fullName = f.full_name; familyName = f.family_name; givenNames = f.given_names; sex = f.sex
        dateOfBirth = f.date_of_birth; nationality = f.nationality; passportNumber = f.passport_number
        permitCategory = f.permit_category; permitEnd = f.permit_end; permitStart = f.permit_start
        permitPriorStart = f.permit_prior_start; permitPriorEnd = f.permit_prior_end; status = state.code
        switch state {
        case .valid(let d), .expiring(let d): daysLeft = d
        case .overstayed(let d): daysOverstayed = d
        case .notYetValid, .noPermit, .departed: break
        }
    }
}

struct ForeignerDetail: Content {
    struct PassportDTO: Content { var number: String; var issuingCountry: String; var issuedOn: String?; var expiresOn: String; var isCurrent: Bool }
    struct PermitDTO: Content { var number: String; var type: String; var typeLabel: String; var category: String; var startOn: String; var endOn: String; var status: String; var sponsorID: UUID?; var sponsorName: String?; var officeName: String? }
    struct AddressDTO: Content {
        var line: String; var villageCode: String; var villageName: String?; var districtCode: String
        /// The kecamatan's and the regency's (kabupaten/kota) names, so that a page names the place, not its code.
        var districtName: String?; var regencyName: String?
        var latitude: Double?; var longitude: Double?; var validFrom: String; var isCurrent: Bool
    }
    struct EmploymentDTO: Content { var sponsorID: UUID; var sponsorName: String; var position: String; var startOn: String; var endOn: String? }
    struct MovementDTO: Content { var direction: String; var crossedAt: String; var portCode: String; var travelDocument: String? }

    var foreigner: ForeignerItem
    var passports: [PassportDTO]
    var permits: [PermitDTO]
    var addresses: [AddressDTO]
    var employments: [EmploymentDTO]
    /// Border crossings, newest first (registry feed).
    var movements: [MovementDTO]
    var placeOfBirth: String?
    var personRef: String?
    var civilStatus: String?
    var spouseOfCitizen: Bool?
    /// Why the sponsor need not report about this person (UU 6/2011 Art. 63(4)), as a message key; nil when it must.
    var reportingExemption: String?

    /// The foreigners row as the detail shows it (the columns' names), read without building a model.
    struct Person: Decodable, PermitColumns {
        var id: UUID
        var full_name: String
        var family_name: String
        var given_names: String
        var sex: String
        var date_of_birth: String?
        var nationality: String
        var passport_number: String?
        var permit_category: String?
        var permit_end: String?
        var permit_start: String?
        var permit_prior_start: String?
        var permit_prior_end: String?
        var departed: Bool?
        var place_of_birth: String?
        var person_ref: String?
        var civil_status: String?
        var spouse_of_citizen: Bool?

        static let columns: SQLQueryString = """
            f.id, f.full_name, f.family_name, f.given_names, f.sex, f.date_of_birth, f.nationality, f.passport_number, f.permit_category,
            f.permit_end, f.permit_start, f.permit_prior_start, f.permit_prior_end, f.departed, f.place_of_birth, f.person_ref, f.civil_status, f.spouse_of_citizen
            """

        init(_ f: Foreigner) {
            id = f.id!; full_name = f.fullName; family_name = f.familyName; given_names = f.givenNames; sex = f.sex
            date_of_birth = f.dateOfBirth; nationality = f.nationality; passport_number = f.passportNumber
            permit_category = f.permitCategory; permit_end = f.permitEnd; permit_start = f.permitStart
            permit_prior_start = f.permitPriorStart; permit_prior_end = f.permitPriorEnd; departed = f.departedFlag
            place_of_birth = f.placeOfBirth; person_ref = f.personRef; civil_status = f.civilStatus; spouse_of_citizen = f.spouseOfCitizen
        }
    }

    /// One person in `scope` with passports, permits, addresses, employments and latest 200 border crossings, in
    /// **one statement**: each list is built as a JSON array by the database, in the order shown. It was eleven
    /// queries through the models (the person, five tables, three eager loads, the village names), each prepared
    /// afresh and hopping threads twice: the detail read served about 600 requests/s beside 3,000 look-ups.
    /// nil when the person does not exist or lies outside `scope` (the caller answers both alike).
    /// `reading`: where the statement runs, when not on `db` (`Request.quickReads`).
    static func read(_ id: UUID, within scope: ScopePolicy.RowFilter, today: String, on db: any Database,
                     reading: (any SQLDatabase)? = nil) async throws -> ForeignerDetail? {
        let sql = reading ?? db as! any SQLDatabase
        guard let row = try await sql.raw("""
            SELECT \(Person.columns), \(lists(id, sql))
            FROM foreigners f WHERE f.id = \(bind: id) AND \(scope.qualified("f"))
            """).first() else { return nil }
        return try make(try row.decode(model: Person.self), row, today: today)
    }

    /// The detail of a person already read (and scoped) by the caller, e.g. after a change.
    static func load(_ f: Foreigner, today: String, on db: any Database) async throws -> ForeignerDetail {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.raw("SELECT \(lists(try f.requireID(), sql))").first() else { throw Abort(.notFound) }
        return try make(Person(f), row, today: today)
    }

    /// The five lists of `id` as columns of JSON text named like the detail's fields.
    private static func lists(_ id: UUID, _ sql: any SQLDatabase) -> SQLQueryString {
        let j = SQLJSONArray(sql)
        return """
            \(j.array([("number", "p.number"), ("issuingCountry", "p.issuing_country"), ("issuedOn", "p.issued_on"),
                      ("expiresOn", "p.expires_on"), ("isCurrent", j.bool("p.is_current"))],
                     from: "passports p WHERE p.foreigner_id = \(bind: id)", order: "p.expires_on DESC")) AS passports,
            \(j.array([("number", "p.number"), ("type", "p.type_code"), ("typeLabel", "t.label"), ("category", "t.category"),
                      ("startOn", "p.start_on"), ("endOn", "p.end_on"), ("status", "p.status"), ("sponsorID", "p.sponsor_id"),
                      ("sponsorName", "s.name"), ("officeName", "o.name")],
                     from: """
                         stay_permits p JOIN permit_types t ON t.code = p.type_code LEFT JOIN sponsors s ON s.id = p.sponsor_id
                         LEFT JOIN offices o ON o.id = p.office_id WHERE p.foreigner_id = \(bind: id)
                         """, order: "p.end_on DESC")) AS permits,
            \(j.array([("line", "a.line"), ("villageCode", "a.village_code"), ("villageName", "r.name"), ("districtCode", "a.district_code"),
                      ("districtName", "rd.name"), ("regencyName", "rr.name"),
                      ("latitude", "a.latitude"), ("longitude", "a.longitude"), ("validFrom", "a.valid_from"), ("isCurrent", j.bool("a.is_current"))],
                     from: """
                         addresses a LEFT JOIN regions r ON r.code = a.village_code LEFT JOIN regions rd ON rd.code = a.district_code
                         LEFT JOIN regions rr ON rr.code = substr(a.village_code, 1, 5) WHERE a.foreigner_id = \(bind: id)
                         """,
                     order: "a.valid_from DESC")) AS addresses,
            \(j.array([("sponsorID", "e.sponsor_id"), ("sponsorName", "s.name"), ("position", "e.position"), ("startOn", "e.start_on"), ("endOn", "e.end_on")],
                     from: "employments e JOIN sponsors s ON s.id = e.sponsor_id WHERE e.foreigner_id = \(bind: id)", order: "e.start_on DESC")) AS employments,
            \(j.array([("direction", "m.direction"), ("crossedAt", "m.crossed_at"), ("portCode", "m.port_code"), ("travelDocument", "m.travel_document")],
                     from: """
                         (SELECT direction, crossed_at, port_code, travel_document FROM movements WHERE foreigner_id = \(bind: id)
                          ORDER BY crossed_at DESC LIMIT 200) m
                         """, order: "m.crossed_at DESC")) AS movements
            """
    }

    private static func make(_ f: Person, _ row: any SQLRow, today: String) throws -> ForeignerDetail {
        struct Lists: Decodable { var passports: String; var permits: String; var addresses: String; var employments: String; var movements: String }
        let lists = try row.decode(model: Lists.self)
        let json = JSONDecoder()
        func decode<T: Decodable>(_ text: String, as: T.Type) throws -> T { try json.decode(T.self, from: Data(text.utf8)) }
        let permits = try decode(lists.permits, as: [PermitDTO].self)
        return ForeignerDetail(
            foreigner: ForeignerItem(f, today: today),
            passports: try decode(lists.passports, as: [PassportDTO].self),
            permits: permits,
            addresses: try decode(lists.addresses, as: [AddressDTO].self),
            employments: try decode(lists.employments, as: [EmploymentDTO].self),
            movements: try decode(lists.movements, as: [MovementDTO].self),
            placeOfBirth: f.place_of_birth, personRef: f.person_ref, civilStatus: f.civil_status, spouseOfCitizen: f.spouse_of_citizen,
            reportingExemption: ReportingExemption.basisKey(spouseOfCitizen: f.spouse_of_citizen, activePermitTypes: permits.filter { $0.status == PermitStatus.active.rawValue }.map(\.type)))
    }
}

/// A list of rows as one JSON array text, built by the database (SQLite's `json_group_array`, PostgreSQL's `json_agg`):
/// a record's several lists come back in one statement. Keys are the Swift names of the decoding structure; the
/// values are column expressions written in code (any value from input goes in as a bind of `from`).
struct SQLJSONArray {
    let postgres: Bool
    init(_ sql: any SQLDatabase) { postgres = sql.dialect.name == "postgresql" }

    /// `[{key: value, …}, …]` over the rows of `from` in `order`; `[]` when there are none.
    func array(_ fields: [(String, SQLQueryString)], from: SQLQueryString, order: SQLQueryString) -> SQLQueryString {
        let pairs = fields.map { "\(literal: $0.0), \($0.1)" as SQLQueryString }.joined(separator: ", ")
        return postgres
            ? "COALESCE((SELECT json_agg(json_build_object(\(pairs)) ORDER BY \(order)) FROM \(from))::text, '[]')"
            : "COALESCE((SELECT json_group_array(json_object(\(pairs)) ORDER BY \(order)) FROM \(from)), '[]')"
    }

    /// A boolean column as JSON `true`/`false` (SQLite keeps booleans as 0 and 1).
    func bool(_ column: SQLQueryString) -> SQLQueryString {
        postgres ? column : "json(CASE WHEN \(column) THEN 'true' ELSE 'false' END)"
    }
}

struct ListPage<T: Content>: Content {
    var items: [T]
    var total: Int
    var page: Int
    var per: Int

    init(items: [T], total: Int, page: Int, per: Int) {
        self.items = items; self.total = total; self.page = page; self.per = per
    }

    init(items: [T], total: Int, _ paging: Paging) {
        self.init(items: items, total: total, page: paging.page, per: paging.per)
    }

    /// One page of a list that is complete and small by nature (one user's sessions, the rule versions):
    /// never of a list cut by a LIMIT, which would hide what lies beyond it.
    init(complete all: [T], _ req: Request) throws {
        let paging = try Paging(req)
        let items = paging.offset < all.count ? Array(all[paging.offset..<min(all.count, paging.offset + paging.per)]) : []
        self.init(items: items, total: all.count, paging)
    }
}
