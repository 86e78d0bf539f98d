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

    struct Item: Content {
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
        var sponsorName: String?
        var sponsorPhone: String?
        var address: String?
        var openTasks: [OpenTask] = []
    }

    struct OpenTask: Content { var id: UUID; var title: String; var dueOn: String }

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
            guard let v = req.query[String.self, at: k]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return String(v.prefix(300))
        }
        let given = [param("passport"), param("name"), param("mrz")].compactMap { $0 }
        if given.isEmpty { return nil }
        guard given.count == 1 else { throw ValidationFailure("v.lookupOnlyOne") }
        if let p = param("passport") {
            let key = Normalize.documentID(p)
            guard key.count >= 5 else { throw ValidationFailure("v.passportShort", field: "passport") }
            return .passport(key)
        }
        if let n = param("name") {
            let tokens = Normalize.nameTokens(n).filter { $0.count >= 2 }
            guard !tokens.isEmpty else { throw ValidationFailure("v.nameShort", field: "name") }
            return .name(tokens)
        }
        let year = Int(req.application.today.prefix(4)) ?? 2026
        do {
            return .mrz(try MRZ.parse(param("mrz")!, currentYear: year))
        } catch let f as MRZ.Failure {
            throw ValidationFailure("v.mrz.\(f.kind.rawValue)", field: "mrz", String(f.line), "l10n:mrz.field.\(f.field ?? "")")
        }
    }

    /// A look-up is a field check unless the officer says otherwise.
    static func purpose(_ req: Request) throws -> ReadPurpose { try ReadPurpose.of(req, fallback: .fieldCheck) }

    static func search(_ q: Query, _ req: Request, paging: Paging) async throws -> (items: [Item], total: Int) {
        var base = try ScopePolicy.foreigners(req)
        switch q {
        case .passport(let key):
            // The whole number: an index look-up (counted below). Only when nothing has it exactly, numbers starting with it.
            base.filter(\.$passportKey == key)
        case .name(let tokens):
            if let ids = try await NameTokens.candidates(tokens, limit: 2_000, on: req.db) {
                if ids.isEmpty { base.filter(.sql(SQLQueryString("1 = 0"))) } else { base.filter(\.$id ~~ ids) }
            } else {
                base.filter(.sql(NameTokens.filter(tokens)))
            }
        case .mrz(let m):
            let key = Normalize.documentID(m.documentNumber)
            let tokens = Normalize.nameTokens("\(m.surname) \(m.givenNames)").filter { $0.count >= 2 }
            base.group(.or) { or in
                or.filter(\.$passportKey == key)
                if let dob = m.birthDate, !tokens.isEmpty {
                    or.group(.and) { and in
                        and.filter(\.$dateOfBirth == dob)
                        and.filter(.sql(NameTokens.filter(tokens)))
                    }
                }
            }
        }
        var total = try await base.copy().count()
        if total == 0, case .passport(let key) = q {
            base = try ScopePolicy.foreigners(req).filter(\.$passportKey =~ key)
            total = try await base.copy().count()
        }
        let found = try await base.sort(\.$fullName).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        let today = req.application.today
        let rules = try await Rules.book(req.db)
        let sponsorIDs = Set(found.compactMap(\.sponsorID))
        let sponsors = try await Sponsor.query(on: req.db).filter(\.$id ~~ sponsorIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: sponsors.map { ($0.id!, $0) })
        let addresses = try await Address.query(on: req.db).filter(\.$foreigner.$id ~~ found.compactMap(\.id)).filter(\.$isCurrent == true).all()
        let addressOf = Dictionary(addresses.map { ($0.$foreigner.id, $0.line) }, uniquingKeysWith: { a, _ in a })
        let tasks = try await TasksController.openTasks(for: found.compactMap(\.id), db: req.db)
        let items = found.map { f -> Item in
            let state = PermitState(end: f.permitEnd, today: today, departed: f.departed)
            let fine = OverstayFine.compute(permitEnd: f.departed ? nil : f.permitEnd, today: today, rules: rules)
            var item = Item(id: f.id!, fullName: f.fullName, passportNumber: f.passportNumber, nationality: f.nationality, dateOfBirth: f.dateOfBirth,
                            sex: f.sex, status: state.code, fineIDR: fine.amountIDR, deportationCase: fine.deportationCase,
                            permitCategory: f.permitCategory, permitEnd: f.permitEnd,
                            sponsorName: f.sponsorID.flatMap { byID[$0]?.name }, sponsorPhone: f.sponsorID.flatMap { byID[$0]?.phone },
                            address: addressOf[f.id!])
            item.openTasks = (tasks[f.id!] ?? []).map { OpenTask(id: $0.id!, title: $0.title, dueOn: $0.dueOn) }
            switch state {
            case .valid(let d), .expiring(let d): item.daysLeft = d
            case .overstayed(let d): item.daysOverstayed = d
            case .noPermit, .departed: break
            }
            return item
        }
        return (items, total)
    }

    /// One audit event per record shown, with the purpose; one event when nothing was found.
    static func audit(_ q: Query, _ items: [Item], purpose: ReadPurpose, _ req: Request) async throws {
        let entries = items.isEmpty
            ? [AuditEntry(action: "foreigner.lookup", objectType: "foreigner", objectID: "-", purpose: purpose.rawValue, detail: "\(q.mode) no result")]
            : items.map { AuditEntry(action: "foreigner.lookup", objectType: "foreigner", objectID: $0.id.uuidString, purpose: purpose.rawValue, detail: q.mode) }
        try await req.audited { _ in ((), entries) }
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
        do {
            if let q = try query(req) {
                let purpose = try purpose(req)
                let r = try await search(q, req, paging: try Paging(req, defaultPer: 20))
                try await audit(q, r.items, purpose: purpose, req)
                results = r.items
            }
        } catch let v as ValidationFailure {
            // Beside the field at fault ("passport", "name", "mrz", "purpose"); "fill in only one" at the top.
            state.fail(v, lang: req.language, shownFields: LookupViews.fields)
        }
        return LookupViews.page(req, state: state, results: results)
    }
}
