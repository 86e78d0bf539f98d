import Fluent
import Foundation
import Matching
import Vapor

enum InspectionStatus: String, Codable, Sendable, CaseIterable { case planned, done }

/// A visit to a sponsor company: announced or not, who from the company escorted the officers and which
/// entry procedure applied (companies asked for this, seed 001), findings per foreign worker, an outcome
/// and a required action the sponsor sees in its portal. Internal notes stay with the office.
final class Inspection: Model, @unchecked Sendable {
    static let schema = "inspections"
    @ID(key: .id) var id: UUID?
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "date") var date: String
    @Field(key: "announced") var announced: Bool
    @OptionalField(key: "entry_procedure") var entryProcedure: String?
    @OptionalField(key: "escort_name") var escortName: String?
    @OptionalField(key: "escort_position") var escortPosition: String?
    @OptionalField(key: "officers") var officers: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "required_action") var requiredAction: String?
    @OptionalField(key: "action_due") var actionDue: String?
    @OptionalField(key: "internal_notes") var internalNotes: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    /// The order (surat perintah) it runs under; or why it ran before one (`FieldOrders.reasons`).
    @OptionalField(key: "order_id") var orderID: UUID?
    @OptionalField(key: "without_order") var withoutOrder: String?
    init() {}
}

final class InspectionFinding: Model, @unchecked Sendable {
    static let schema = "inspection_findings"
    @ID(key: .id) var id: UUID?
    @Field(key: "inspection_id") var inspectionID: UUID
    @Field(key: "foreigner_id") var foreignerID: UUID
    @Field(key: "finding") var finding: String
    @OptionalField(key: "public_note") var publicNote: String?
    @OptionalField(key: "internal_note") var internalNote: String?
    init() {}
}

/// `POST /api/v1/inspections`, `GET /api/v1/inspections[/{id}]`, `POST …/{id}/findings`, `POST …/{id}/complete`;
/// `/inspections` on the web. Officers and supervisors: their office's inspections of companies in their
/// jurisdiction, everything. Sponsors: their own company's completed inspections — outcome, required
/// action and the public note per worker, never the internal notes.
enum InspectionsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let all = api.grouped(RequireRole(.officer, .supervisor, .sponsor))
        all.get("inspections", use: listAPI)
        all.get("inspections", ":id", use: showAPI)
        let o = api.grouped(RequireRole(.officer, .supervisor))
        o.post("inspections", use: createAPI)
        o.post("inspections", ":id", "findings", use: findingAPI)
        o.post("inspections", ":id", "complete", use: completeAPI)
        let w = web.grouped(RequireRole(.officer, .supervisor, .sponsor))
        w.get(InspectionURL.list, use: listPage)
        w.get(InspectionURL.show(.key), use: showPage)
        let wo = web.grouped(RequireRole(.officer, .supervisor))
        wo.post(InspectionURL.list, use: createForm)
        wo.post(InspectionURL.findings(.key), use: findingForm)
        wo.post(InspectionURL.complete(.key), use: completeForm)
    }

    struct CreateInput: Content {
        var sponsorId: UUID?
        var date: String?
        var announced: Bool?
        var entryProcedure: String?
        var escortName: String?
        var escortPosition: String?
        var officers: String?
        var internalNotes: String?
        /// The order it runs under (required when the office requires orders), or `withoutOrder`: `wanted`, `caughtInAct`.
        var orderId: UUID?
        var withoutOrder: String?
    }
    struct FindingInput: Content { var foreignerId: UUID?; var passport: String?; var finding: String?; var publicNote: String?; var internalNote: String? }
    struct CompleteInput: Content { var outcome: String?; var requiredAction: String?; var actionDue: String?; var internalNotes: String? }

    struct FindingDTO: Content { var foreignerId: UUID; var finding: String; var publicNote: String?; var internalNote: String? }
    struct InspectionDTO: Content {
        var id: UUID
        var sponsorId: UUID
        var date: String
        var announced: Bool
        var entryProcedure: String?
        var escortName: String?
        var escortPosition: String?
        var status: String
        var outcome: String?
        var requiredAction: String?
        var actionDue: String?
        var findings: [FindingDTO]
        var officers: String?
        var internalNotes: String?
        var orderId: UUID?
        var withoutOrder: String?
    }

    static func visible(_ id: UUID?, _ req: Request) async throws -> Inspection {
        guard let id, let scoped = try? ScopePolicy.inspections(req), let i = try await scoped.filter(\.$id == id).first() else { throw Abort(.notFound) }
        return i
    }

    /// Officers get everything; a sponsor gets what concerns it, without the office's internal notes.
    static func dto(_ i: Inspection, _ req: Request) async throws -> InspectionDTO {
        let showInternal = !ScopePolicy.isCompany(try req.requirePrincipal())
        let findings = try await InspectionFinding.query(on: req.db).filter(\.$inspectionID == i.id!).all()
        return InspectionDTO(id: i.id!, sponsorId: i.sponsorID, date: i.date, announced: i.announced, entryProcedure: i.entryProcedure,
                             escortName: i.escortName, escortPosition: i.escortPosition, status: i.status, outcome: i.outcome,
                             requiredAction: i.requiredAction, actionDue: i.actionDue,
                             findings: findings.map { FindingDTO(foreignerId: $0.foreignerID, finding: $0.finding, publicNote: $0.publicNote, internalNote: showInternal ? $0.internalNote : nil) },
                             officers: showInternal ? i.officers : nil, internalNotes: showInternal ? i.internalNotes : nil,
                             orderId: showInternal ? i.orderID : nil, withoutOrder: showInternal ? i.withoutOrder : nil)
    }

    static func create(_ input: CreateInput, _ req: Request) async throws -> Inspection {
        let p = try req.requirePrincipal()
        guard let office = p.officeID else { throw Abort(.forbidden) }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let sponsorChecked = try await checks.run { () async throws -> UUID in
            guard let sid = input.sponsorId, let sponsor = try? await ScopePolicy.sponsor(sid, req), sponsor.kind == SponsorKind.company.rawValue else {
                throw ValidationFailure("v.companyInScope", field: "sponsorId")
            }
            return sid
        }
        let date = (input.date ?? "").trimmingCharacters(in: .whitespaces)
        let dateOK = try checks.run { () throws -> Bool in
            if date.isEmpty { throw ValidationFailure("v.required", field: "date") }
            guard date.count == 10, let d = Day.between(req.application.today, date) else { throw ValidationFailure("v.day", field: "date") }
            guard abs(d) <= 366 else { throw ValidationFailure("v.dayWithinYear", field: "date") }
            return true
        } != nil
        func t(_ s: String?, _ field: String, _ max: Int) throws -> String? {
            (try checks.run { try ValidationFailure.text(s, field, max: max) }) ?? nil
        }
        let entry = try t(input.entryProcedure, "entryProcedure", 1000), escort = try t(input.escortName, "escortName", 200), position = try t(input.escortPosition, "escortPosition", 200)
        let officers = try t(input.officers, "officers", 1000), notes = try t(input.internalNotes, "internalNotes", 4000)
        // The order is checked against the inspection's day: only once the day is right.
        let order = dateOK ? try await checks.run { try await FieldOrders.check(orderID: input.orderId, withoutOrder: input.withoutOrder, day: date, req) } : nil
        let (sid, (orderID, withoutOrder)) = try checks.finish(sponsorChecked, order)
        let now = req.application.clock.now()
        return try await req.audited { db in
            let i = Inspection()
            i.id = UUID(); i.officeID = office; i.sponsorID = sid; i.date = date; i.announced = input.announced ?? false
            i.entryProcedure = entry; i.escortName = escort; i.escortPosition = position; i.officers = officers; i.internalNotes = notes
            i.status = InspectionStatus.planned.rawValue; i.createdBy = p.userID; i.createdAt = now; i.orderID = orderID; i.withoutOrder = withoutOrder
            try await i.create(on: db)
            return (i, [AuditEntry(action: "inspection.create", objectType: "inspection", objectID: i.id!.uuidString, detail: "sponsor=\(sid) announced=\(i.announced)")])
        }
    }

    static func addFinding(_ i: Inspection, _ input: FindingInput, _ req: Request) async throws -> InspectionFinding {
        guard i.status == InspectionStatus.planned.rawValue else { throw AppError.conflict("err.inspectionCompleted") }
        var fid = input.foreignerId
        if fid == nil, let raw = input.passport?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            fid = try await ScopePolicy.foreigners(req).filter(\.$passportKey == Normalize.documentID(raw)).first()?.id
        }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let person = try await checks.run { () async throws -> (UUID, Foreigner) in
            if fid == nil, (input.passport ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationFailure("v.required", field: "passport") }
            guard let f = fid, let foreigner = try? await ScopePolicy.foreigner(f, req) else { throw ValidationFailure("v.passportUnknown", field: "passport") }
            return (f, foreigner)
        }
        let findingChecked = try checks.run { () throws -> FieldFinding in
            guard let finding = input.finding.flatMap(FieldFinding.init(rawValue:)) else {
                throw ValidationFailure("v.oneOf", field: "finding", FieldFinding.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return finding
        }
        let pub = (try checks.run { try ValidationFailure.text(input.publicNote, "publicNote", max: 1000) }) ?? nil
        let internalNote = (try checks.run { try ValidationFailure.text(input.internalNote, "internalNote", max: 2000) }) ?? nil
        let ((f, foreigner), finding) = try checks.finish(person, findingChecked)
        let works = try await Employment.query(on: req.db).filter(\.$foreigner.$id == f).filter(\.$sponsor.$id == i.sponsorID).countRows() > 0 || foreigner.sponsorID == i.sponsorID
        // Someone found at the company who is not its worker is itself a finding.
        let effective: FieldFinding = works ? finding : (finding == .compliant ? .workOutsidePermit : finding)
        return try await req.audited { db in
            let x = InspectionFinding()
            x.inspectionID = i.id!; x.foreignerID = f; x.finding = effective.rawValue; x.publicNote = pub; x.internalNote = internalNote
            try await x.create(on: db)
            return (x, [AuditEntry(action: "inspection.finding", objectType: "inspection", objectID: i.id!.uuidString, detail: "foreigner=\(f) finding=\(effective.rawValue)")])
        }
    }

    static func complete(_ i: Inspection, _ input: CompleteInput, _ req: Request) async throws -> Inspection {
        guard i.status == InspectionStatus.planned.rawValue else { throw AppError.conflict("err.inspectionCompleted") }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let outcomeChecked = try checks.run { try ValidationFailure.required(input.outcome, "outcome", max: 2000) }
        let action = (try checks.run { try ValidationFailure.text(input.requiredAction, "requiredAction", max: 2000) }) ?? nil
        let due = input.actionDue.flatMap { $0.isEmpty ? nil : $0 }
        _ = try checks.run { () throws -> Void in
            if let d = due, !Day.isValid(d) { throw ValidationFailure("v.day", field: "actionDue") }
            if action != nil && due == nil { throw ValidationFailure("v.actionDue", field: "actionDue") }
        }
        let notes = (try checks.run { try ValidationFailure.text(input.internalNotes, "internalNotes", max: 4000) }) ?? nil
        let outcome = try checks.finish(outcomeChecked)
        return try await req.audited { db in
            i.status = InspectionStatus.done.rawValue; i.outcome = outcome; i.requiredAction = action; i.actionDue = due
            if let notes { i.internalNotes = [i.internalNotes, notes].compactMap { $0 }.joined(separator: "\n") }
            try await i.update(on: db)
            return (i, [AuditEntry(action: "inspection.complete", objectType: "inspection", objectID: i.id!.uuidString)])
        }
    }

    /// One page of the inspections in scope, the latest first, and its pager.
    static func list(_ req: Request) async throws -> (items: [Inspection], pager: HTML) {
        let p = try req.requirePrincipal()
        // An agent with chosen foreigners only sees no company-wide inspections: an empty list, not an error.
        if ScopePolicy.isCompany(p) && !ScopePolicy.mayReachCompany(p) { return ([], "") }
        return try await ScopePolicy.inspections(req).sort(\.$date, .descending).sort(\.$id).webPage(req)
    }

    // MARK: API

    /// `?page=&per=` (at most 100), newest first; `total` counts every inspection in scope.
    static func listAPI(_ req: Request) async throws -> ListPage<InspectionDTO> {
        let paging = try Paging(req, defaultPer: 100)
        let p = try req.requirePrincipal()
        // An agent with chosen foreigners only sees no company-wide inspections: an empty list, not an error.
        if ScopePolicy.isCompany(p) && !ScopePolicy.mayReachCompany(p) { return ListPage(items: [], total: 0, page: paging.page, per: paging.per) }
        let scoped = try ScopePolicy.inspections(req)
        let total = try await scoped.copy().countRows()
        var out: [InspectionDTO] = []
        for i in try await scoped.sort(\.$date, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all() {
            out.append(try await dto(i, req))
        }
        return ListPage(items: out, total: total, page: paging.page, per: paging.per)
    }
    static func showAPI(_ req: Request) async throws -> InspectionDTO { try await dto(try await visible(req.parameters.get("id", as: UUID.self), req), req) }
    static func createAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(CreateInput.self) else { throw ValidationFailure("v.body", "sponsorId, date, announced, entryProcedure, escortName, escortPosition, officers, internalNotes") }
        let i = try await create(input, req)
        let res = Response(status: .created)
        try res.content.encode(try await dto(i, req))
        return res
    }
    static func findingAPI(_ req: Request) async throws -> Response {
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard let input = try? req.content.decode(FindingInput.self) else { throw ValidationFailure("v.body", "foreignerId (or passport), finding, publicNote, internalNote") }
        _ = try await addFinding(i, input, req)
        let res = Response(status: .created)
        try res.content.encode(try await dto(i, req))
        return res
    }
    static func completeAPI(_ req: Request) async throws -> InspectionDTO {
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard let input = try? req.content.decode(CompleteInput.self) else { throw ValidationFailure("v.body", "outcome, requiredAction, actionDue, internalNotes") }
        return try await dto(try await complete(i, input, req), req)
    }
}
