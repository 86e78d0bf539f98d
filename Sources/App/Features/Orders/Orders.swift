import Fluent
import Foundation
import SQLKit
import Vapor

/// A numbered order (surat perintah, Permenimipas 2/2025 Art. 30) under which field checks, company inspections and
/// joint operations run: issued by the head of office or an official he names, it states the purpose, the officers,
/// the area or targets and the days it is valid.
final class FieldOrder: Model, @unchecked Sendable {
    static let schema = "field_orders"
    @ID(key: .id) var id: UUID?
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "number") var number: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "officer_ids") var officerIDs: String          // JSON array of user ids
    @OptionalField(key: "area_code") var areaCode: String?
    @OptionalField(key: "targets") var targets: String?
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_to") var validTo: String
    @Field(key: "issued_by") var issuedBy: UUID
    @Field(key: "issued_at") var issuedAt: Date
    @Field(key: "issued_on") var issuedOn: String
    init() {}

    var officers: [UUID] { (try? JSONDecoder().decode([UUID].self, from: Data(officerIDs.utf8))) ?? [] }
    func covers(_ day: String) -> Bool { validFrom <= day && day <= validTo }
}

/// Orders, the office setting that requires them (on by default), and the link of inspections and operations to
/// theirs. A check made without a prior order (a wanted foreigner, one caught in the act) records why; its order is
/// owed the same day or the next.
struct M034_FieldOrders: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("field_orders")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id"))
            .field("number", .string, .required)
            .field("purpose", .string, .required)
            .field("officer_ids", .string, .required)
            .field("area_code", .string)
            .field("targets", .string)
            .field("valid_from", .string, .required)
            .field("valid_to", .string, .required)
            .field("issued_by", .uuid, .required)
            .field("issued_at", .datetime, .required)
            .field("issued_on", .string, .required)
            .unique(on: "number")
            .create()
        try await db.schema("offices").field("orders_required", .bool, .sql(.default(true))).update()
        for table in ["inspections", "operations"] {
            try await db.schema(table).field("order_id", .uuid).update()
            try await db.schema(table).field("without_order", .string).update()
        }
        try await (db as! any SQLDatabase).create(index: "field_orders_office_idx").on("field_orders").column("office_id").column("valid_from").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["inspections", "operations"] {
            try await db.schema(table).deleteField("without_order").update()
            try await db.schema(table).deleteField("order_id").update()
        }
        try await db.schema("offices").deleteField("orders_required").update()
        try await db.schema("field_orders").delete()
    }
}

enum FieldOrders {
    /// Why a check ran before its order: a wanted foreigner, or one caught in the act.
    static let reasons = ["wanted", "caughtInAct"]

    struct Input: Content {
        var purpose: String?
        var officerIds: [UUID]?
        var areaCode: String?
        var targets: String?
        var validFrom: String?
        var validTo: String?
        /// The check made without a prior order that this order covers.
        var inspectionId: UUID?
        var operationId: UUID?
    }

    /// `SP-SBY-2026-0007`: per office and year, in the order of issue.
    static func nextNumber(office: Office, year: String, db: any Database) async throws -> String {
        let prefix = "SP-\(office.code)-\(year)-"
        let taken = try await FieldOrder.query(on: db).filter(\.$officeID == office.id!).filter(\.$number, .custom("LIKE"), prefix + "%").all().map(\.number)
        let last = taken.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
        return prefix + String(format: "%04d", last + 1)
    }

    static func issue(_ i: Input, _ req: Request) async throws -> FieldOrder {
        let p = try req.requirePrincipal()
        guard ScopePolicy.mayIssueOrders(p), let officeID = p.officeID, let office = try await Office.find(officeID, on: req.db) else {
            throw AppError.forbidden("order.issuer")
        }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        // Not "v.required": the field label "purpose" elsewhere means the purpose of a data access.
        let purposeChecked = try checks.run { () throws -> String in
            guard let purpose = try ValidationFailure.text(i.purpose, "purpose", max: 1000) else { throw ValidationFailure("v.orderPurpose", field: "purpose") }
            return purpose
        }
        let idsChecked = try await checks.run { () async throws -> [UUID] in
            guard let ids = i.officerIds, !ids.isEmpty else { throw ValidationFailure("v.required", field: "officerIds") }
            guard ids.count <= 50 else { throw ValidationFailure("v.tooMany", field: "officerIds", "50") }
            let staff = try await User.query(on: req.db).filter(\.$id ~~ ids).filter(\.$office.$id == officeID).filter(\.$disabled == false)
                .filter(\.$role ~~ [Role.officer.rawValue, Role.supervisor.rawValue]).all()
            guard Set(staff.compactMap(\.id)) == Set(ids) else { throw ValidationFailure("v.assigneesOffice", field: "officerIds") }
            return ids
        }
        let area = (try await checks.run { () async throws -> String? in
            guard let raw = i.areaCode?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard RegionCode.isValid(raw), try await Region.find(raw, on: req.db) != nil, let regency = RegionCode.regency(of: raw), p.jurisdiction.contains(regency) else {
                throw ValidationFailure("v.regionInJurisdiction", field: "areaCode")
            }
            return raw
        }) ?? nil
        let targets = (try checks.run { try ValidationFailure.text(i.targets, "targets", max: 2000) }) ?? nil
        let areaGiven = !(i.areaCode ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        if area == nil && targets == nil && !areaGiven { _ = try checks.run { () throws -> Void in throw ValidationFailure("v.orderAreaOrTargets", field: "areaCode") } }
        let today = req.application.today
        // An order starts yesterday at the earliest (one issued after the fact for yesterday's check), or on the day of
        // the check it covers when it comes later still (an overdue order).
        var earliest = Day.adding(-1, to: today) ?? today
        if let iid = i.inspectionId, let x = try await Inspection.find(iid, on: req.db) { earliest = min(earliest, x.date) }
        if let oid = i.operationId, let x = try await JointOperation.find(oid, on: req.db) { earliest = min(earliest, x.date) }
        let fromChecked = try checks.run { () throws -> String in
            guard let from = i.validFrom?.trimmingCharacters(in: .whitespaces), from.count == 10, Day.isValid(from) else { throw ValidationFailure("v.day", field: "validFrom") }
            guard from >= earliest else { throw ValidationFailure("v.orderFrom", field: "validFrom") }
            return from
        }
        let toChecked = try checks.run { () throws -> String in
            guard let to = i.validTo?.trimmingCharacters(in: .whitespaces), to.count == 10, Day.isValid(to) else { throw ValidationFailure("v.day", field: "validTo") }
            if let from = fromChecked {
                guard to >= from else { throw ValidationFailure("v.dayOrder", field: "validTo", from) }
                guard let span = Day.between(from, to), span <= 92 else { throw ValidationFailure("v.orderSpan", field: "validTo", "92") }
            }
            return to
        }
        let (purpose, ids, from, to) = try checks.finish(purposeChecked, idsChecked, fromChecked, toChecked)
        // The check it covers: made without an order, in this office, on a day the order covers.
        var covered: (table: String, id: UUID)?
        if let iid = i.inspectionId {
            guard let x = try await Inspection.find(iid, on: req.db), x.officeID == officeID, x.orderID == nil, x.withoutOrder != nil, from <= x.date, x.date <= to else {
                throw ValidationFailure("v.orderCovers", field: "inspectionId")
            }
            covered = ("inspections", iid)
        } else if let oid = i.operationId {
            guard let x = try await JointOperation.find(oid, on: req.db), x.officeID == officeID, x.orderID == nil, x.withoutOrder != nil, from <= x.date, x.date <= to else {
                throw ValidationFailure("v.orderCovers", field: "operationId")
            }
            covered = ("operations", oid)
        }
        let now = req.application.clock.now()
        let officers = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        let link = covered, areaCode = area
        return try await req.audited { db in
            let o = FieldOrder()
            o.id = UUID(); o.officeID = officeID; o.number = try await nextNumber(office: office, year: String(today.prefix(4)), db: db)
            o.purpose = purpose; o.officerIDs = officers; o.areaCode = areaCode; o.targets = targets; o.validFrom = from; o.validTo = to
            o.issuedBy = p.userID; o.issuedAt = now; o.issuedOn = today
            try await o.create(on: db)
            if let link {
                // Covered once: a second order for the same check at the same moment finds it covered.
                struct R: Decodable { var id: UUID }
                let done = try await (db as! any SQLDatabase).raw("UPDATE \(ident: link.table) SET order_id = \(bind: o.id!) WHERE id = \(bind: link.id) AND order_id IS NULL RETURNING id").all(decoding: R.self)
                guard !done.isEmpty else { throw ValidationFailure("v.orderCovers", field: link.table == "inspections" ? "inspectionId" : "operationId") }
            }
            try await Notifier.notify(ids, except: p.userID, kind: "order", title: "\(o.number): \(String(purpose.prefix(80)))", link: OrderURL.show(.id(o.id!)).path, req: req, db: db)
            return (o, [AuditEntry(action: "order.issue", objectType: "order", objectID: o.id!.uuidString,
                                   detail: "number=\(o.number) officers=\(ids.count) from=\(from) to=\(to)\(link.map { " covers=\($0.table):\($0.id)" } ?? "")")])
        }
    }

    /// Checks a new inspection's or operation's order: one of the office that covers the day; or, without one, a
    /// reason (a wanted foreigner, one caught in the act) when the office requires orders. Returns the order id
    /// and the reason to store.
    static func check(orderID: UUID?, withoutOrder: String?, day: String, _ req: Request) async throws -> (UUID?, String?) {
        let p = try req.requirePrincipal()
        guard let officeID = p.officeID, let office = try await Office.find(officeID, on: req.db) else { throw Abort(.forbidden) }
        if let oid = orderID {
            guard let o = try await FieldOrder.find(oid, on: req.db), o.officeID == officeID else { throw ValidationFailure("v.orderUnknown", field: "orderId") }
            guard o.covers(day) else { throw ValidationFailure("v.orderDays", field: "orderId", o.number, o.validFrom, o.validTo) }
            return (oid, nil)
        }
        let trimmed = withoutOrder?.trimmingCharacters(in: .whitespaces) ?? ""
        if !trimmed.isEmpty {
            let reason = trimmed
            guard reasons.contains(reason) else { throw ValidationFailure("v.oneOf", field: "withoutOrder", reasons.joined(separator: ", ")) }
            return (nil, reason)
        }
        if office.ordersRequired ?? true { throw ValidationFailure("v.orderRequired", field: "orderId") }
        return (nil, nil)
    }

    /// Orders of the user's office the check's day falls in, newest first (for the plan forms).
    static func current(_ req: Request, day: String? = nil) async throws -> [FieldOrder] {
        let p = try req.requirePrincipal()
        guard let officeID = p.officeID else { return [] }
        let today = day ?? req.application.today
        return try await FieldOrder.query(on: req.db).filter(\.$officeID == officeID).filter(\.$validTo >= Day.adding(-31, to: today) ?? today)
            .sort(\.$issuedAt, .descending).limit(200).all()
    }

    struct Owed: Content { var kind: String; var id: UUID; var date: String; var reason: String; var dueBy: String; var overdue: Bool }

    /// Checks made without a prior order whose order is still owed (due the day after the check).
    static func owed(_ req: Request) async throws -> [Owed] {
        let p = try req.requirePrincipal()
        guard let officeID = p.officeID else { return [] }
        let today = req.application.today
        var out: [Owed] = []
        for x in try await Inspection.query(on: req.db).filter(\.$officeID == officeID).filter(\.$orderID == nil).filter(\.$withoutOrder != nil).sort(\.$date).all() {
            let due = Day.adding(1, to: x.date) ?? x.date
            out.append(Owed(kind: "inspection", id: x.id!, date: x.date, reason: x.withoutOrder ?? "", dueBy: due, overdue: due < today))
        }
        for x in try await JointOperation.query(on: req.db).filter(\.$officeID == officeID).filter(\.$orderID == nil).filter(\.$withoutOrder != nil).sort(\.$date).all() {
            let due = Day.adding(1, to: x.date) ?? x.date
            out.append(Owed(kind: "operation", id: x.id!, date: x.date, reason: x.withoutOrder ?? "", dueBy: due, overdue: due < today))
        }
        return out.sorted { $0.date < $1.date }
    }
}
