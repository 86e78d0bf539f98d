import Deadlines
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One stored version of a rule (`rules`); the logic is `RuleBook`'s (the pure Deadlines target).
final class RuleRecord: Model, @unchecked Sendable {
    static let schema = "rules"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String
    @Field(key: "unit") var unit: String
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "basis") var basis: String
    @OptionalField(key: "office_code") var officeCode: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "created_by") var createdBy: UUID?
    init() {}

    init(_ v: RuleVersion, at now: Date, by user: UUID?) {
        id = UUID(); kind = v.kind.rawValue; key = v.key; value = v.value; unit = v.unit; validFrom = v.validFrom.description
        basis = v.basis; officeCode = v.officeCode; createdAt = now; createdBy = user
    }

    var version: RuleVersion? {
        guard let k = RuleKind(rawValue: kind), let day = CalendarDay(validFrom) else { return nil }
        return RuleVersion(kind: k, key: key, value: value, unit: unit, validFrom: day, basis: basis, officeCode: officeCode)
    }
}

/// The rules table replaces three forms a rate had (a dated table of overstay fees, a plain table of report
/// deadlines, an environment variable for DKPTKA) and two literals in code (warning days, daily-report
/// lateness). It starts with the old tables' contents and `SINERGI_DKPTKA_USD` / `SINERGI_WARNING_DAYS`
/// as they were when it was created; from then on, only the admin changes a rule, from a future date.
struct M032_Rules: AsyncMigration {
    var dkptkaUSD: Int
    var warningDays: [Int]

    func prepare(on db: any Database) async throws {
        try await db.schema("rules")
            .id()
            .field("kind", .string, .required)
            .field("key", .string, .required)
            .field("value", .string, .required)
            .field("unit", .string, .required)
            .field("valid_from", .string, .required)
            .field("basis", .string, .required)
            .field("office_code", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "rules_kind_idx").on("rules").column("kind").column("key").column("valid_from").run()
        let now = Date()
        var versions = RuleBook.defaults(dkptkaUSD: dkptkaUSD, warningDays: warningDays).filter { $0.kind != .deadline && $0.kind != .overstayFee }
        let start = CalendarDay("2000-01-01")!
        // The deadlines and fee rates as the old tables held them (an office may have edited them).
        for r in try await DeadlineRuleRecord.query(on: db).all() {
            guard let rule = r.rule else { continue }
            versions.append(RuleVersion(kind: .deadline, key: rule.reportType.rawValue, value: String(rule.amount),
                                        unit: rule.count == .workingDays ? "working-days" : rule.rollsToWorkingDay ? "calendar-days-rolling" : "calendar-days",
                                        validFrom: start, basis: RuleBook.localBasis(rule.basis)))
        }
        for t in ReportType.allCases where !versions.contains(where: { $0.kind == .deadline && $0.key == t.rawValue }) {
            versions += RuleBook.defaults().filter { $0.kind == .deadline && $0.key == t.rawValue }
        }
        var lastMax: Int?
        for r in try await OverstayFeeRate.query(on: db).sort(\.$validFrom).all() {
            guard let day = CalendarDay(r.validFrom) else { continue }
            versions.append(RuleVersion(kind: .overstayFee, key: "perDay", value: String(r.amountIDR), unit: "IDR", validFrom: day, basis: RuleBook.localBasis(r.basis)))
            if r.maxDays != lastMax {
                versions.append(RuleVersion(kind: .overstayFee, key: "maxDays", value: String(r.maxDays), unit: "days", validFrom: day, basis: "UU 6/2011 Pasal 78 ayat (1) dan (3)"))
                lastMax = r.maxDays
            }
        }
        if !versions.contains(where: { $0.kind == .overstayFee }) { versions += RuleBook.defaults().filter { $0.kind == .overstayFee } }
        for v in versions { try await RuleRecord(v, at: now, by: nil).create(on: db) }
        try await db.schema("deadline_rules").delete()
        try await db.schema("overstay_fee_rates").delete()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("overstay_fee_rates")
            .id()
            .field("valid_from", .string, .required)
            .field("amount_idr", .int64, .required)
            .field("max_days", .int, .required)
            .field("basis", .string, .required)
            .create()
        for rate in OverstayFeeRate.defaults { try await rate.create(on: db) }
        try await db.schema("deadline_rules")
            .field("report_type", .string, .identifier(auto: false))
            .field("amount", .int, .required)
            .field("day_count", .string, .required)
            .field("rolls_to_working_day", .bool, .required)
            .field("basis", .string, .required)
            .create()
        for r in DeadlineRule.defaults { try await DeadlineRuleRecord(r).create(on: db) }
        try await db.schema("rules").delete()
    }
}

enum Rules {
    /// Every version of every rule, to be asked by name and date.
    static func book(_ db: any Database) async throws -> RuleBook {
        RuleBook(try await RuleRecord.query(on: db).all().compactMap(\.version))
    }

    /// The rule book for a request, from the application's cache while it is current: rules are only ever added
    /// (a new version from a date, never changed or removed), so the table's row count tells whether the cached
    /// book is still the whole table — also when another server on the same database added a rule. A count is one
    /// cheap query; the book's rows decoded as models were a twentieth of a look-up's time.
    static func book(_ req: Request) async throws -> RuleBook {
        struct N: Decodable { var n: Int }
        let count = try await (req.db as! any SQLDatabase).raw("SELECT \(unsafeRaw: sizeQuery) AS n").first(decoding: N.self)?.n ?? 0
        return try await book(req, count: count)
    }

    /// The subquery that reads the book's size, the cache's check (a caller may make it a column of its own statement).
    static let sizeQuery = "(SELECT COUNT(*) FROM rules)"

    /// The rule book when the caller has just read `sizeQuery`, e.g. as a column of its own statement (the look-up's page).
    static func book(_ req: Request, count: Int) async throws -> RuleBook {
        let cache = req.application.ruleBookCache
        if let book = cache.book(ifCount: count) { return book }
        let records = try await RuleRecord.query(on: req.db).all()
        let book = RuleBook(records.compactMap(\.version))
        cache.put(book, count: records.count)
        return book
    }

    /// The office whose jurisdiction holds each regency (for an office's own deadlines).
    static func officeOfRegency(_ db: any Database) async throws -> [String: String] {
        let offices = Dictionary(try await Office.query(on: db).all().map { ($0.id!, $0.code) }, uniquingKeysWith: { a, _ in a })
        var out: [String: String] = [:]
        for j in try await OfficeJurisdiction.query(on: db).all() { out[j.regencyCode] = offices[j.$office.id] }
        return out
    }

    /// `POST /api/v1/rules`: a number or, for the warning thresholds, a list ("60,30,14,7,0" or [60, 30, …]).
    struct Input: Content {
        var kind: String?
        var key: String?
        var value: FlexibleValue?
        var unit: String?
        var validFrom: String?
        var basis: String?
        var officeCode: String?
    }

    struct FlexibleValue: Codable, Sendable {
        var text: String
        init(_ text: String) { self.text = text }
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { text = String(i) }
            else if let list = try? c.decode([Int].self) { text = list.map(String.init).joined(separator: ",") }
            else { text = try c.decode(String.self).replacingOccurrences(of: " ", with: "") }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            if let i = Int(text) { try c.encode(i) } else { try c.encode(text) }
        }
    }

    /// Checks and stores a new version, from today or a later day; audited with the version it follows.
    static func add(_ input: Input, _ req: Request) async throws -> RuleRecord {
        let p = try req.requirePrincipal()
        guard let rawKind = input.kind, !rawKind.isEmpty else { throw ValidationFailure("v.required", field: "kind") }
        guard let kind = RuleKind(rawValue: rawKind) else { throw ValidationFailure("v.oneOf", field: "kind", RuleKind.allCases.map(\.rawValue).joined(separator: ", ")) }
        guard let key = input.key?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { throw ValidationFailure("v.required", field: "key") }
        guard let value = input.value?.text, !value.isEmpty else { throw ValidationFailure("v.required", field: "value") }
        let typedUnit = input.unit?.trimmingCharacters(in: .whitespaces) ?? ""
        let unit = typedUnit.isEmpty ? kind.units(for: key).first ?? "" : typedUnit
        let today = req.application.today
        guard let rawDay = input.validFrom?.trimmingCharacters(in: .whitespaces), !rawDay.isEmpty else { throw ValidationFailure("v.required", field: "validFrom") }
        guard let day = CalendarDay(rawDay), rawDay.count == 10 else { throw ValidationFailure("v.day", field: "validFrom") }
        // Never in the past: a computation already made keeps the rule it was made with.
        guard rawDay >= today else { throw ValidationFailure("v.notPast", field: "validFrom") }
        let basis = try ValidationFailure.required(input.basis, "basis", max: 300)
        var office: String?
        if let code = input.officeCode?.trimmingCharacters(in: .whitespaces).uppercased(), !code.isEmpty {
            guard try await Office.query(on: req.db).filter(\.$code == code).first() != nil else { throw ValidationFailure("v.unknownOffice", field: "officeCode") }
            office = code
        }
        let officeCode = office
        let v = RuleVersion(kind: kind, key: key, value: value, unit: unit, validFrom: day, basis: basis, officeCode: officeCode)
        if let problem = v.problem {
            switch problem.field {
            case "officeCode": throw ValidationFailure("v.ruleNational", field: "officeCode")
            case "value":
                // The pure target's reasons are codes: a range "1-100000", a whole number, or a list of days.
                if kind == .warning { throw ValidationFailure("v.ruleList", field: "value") }
                if problem.reason.contains("-") { throw ValidationFailure("v.ruleValue", field: "value", problem.reason.replacingOccurrences(of: "-", with: "–")) }
                throw ValidationFailure("v.ruleNumber", field: "value")
            default: throw ValidationFailure("v.oneOf", field: problem.field, problem.reason)
            }
        }
        var same = RuleRecord.query(on: req.db).filter(\.$kind == kind.rawValue).filter(\.$key == key).filter(\.$validFrom == rawDay)
        same = office.map { same.filter(\.$officeCode == $0) } ?? same.filter(\.$officeCode == nil)
        if try await same.first() != nil { throw AppError.conflict("rule.exists", rawDay) }
        let before = try await book(req.db).version(kind, key, on: day, office: office)
        let now = req.application.clock.now()
        return try await req.audited { db in
            let r = RuleRecord(v, at: now, by: p.userID)
            try await r.create(on: db)
            let old = before.map { "\($0.value) \($0.unit) from \($0.validFrom)\($0.officeCode.map { " office=\($0)" } ?? "")" } ?? "-"
            return (r, [AuditEntry(action: "rule.create", objectType: "rule", objectID: r.id!.uuidString,
                                   detail: "kind=\(kind.rawValue) key=\(key) office=\(officeCode ?? "-") before: \(old); after: \(value) \(unit) from \(rawDay)")])
        }
    }
}

/// The last rule book read and the row count it was read at (`Rules.book(_ req:)`).
final class RuleBookCache: Sendable {
    private let state = NIOLockedValueBox<(count: Int, book: RuleBook)?>(nil)
    func book(ifCount count: Int) -> RuleBook? { state.withLockedValue { $0?.count == count ? $0?.book : nil } }
    func put(_ book: RuleBook, count: Int) { state.withLockedValue { $0 = (count, book) } }
}

extension Application {
    private struct RuleBookCacheKey: StorageKey { typealias Value = RuleBookCache }
    /// Set once in `configure`, before the server starts.
    var ruleBookCache: RuleBookCache {
        get { storage[RuleBookCacheKey.self]! }
        set { storage[RuleBookCacheKey.self] = newValue }
    }
}
