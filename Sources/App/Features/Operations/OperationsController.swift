import Fluent
import Foundation
import Vapor

/// Joint Timpora operations: officers and supervisors plan them (date, kecamatan/kelurahan, agencies,
/// people, targets), record a result per target and administrative actions (TAK) with legal basis,
/// status and follow-up date. Agency members see plans in their region and aggregate results only.
enum OperationsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let all = api.grouped(RequireRole(.officer, .supervisor, .agency))
        all.get("operations", use: listAPI)
        all.get("operations", ":id", use: showAPI)
        let o = api.grouped(RequireRole(.officer, .supervisor))
        o.post("operations", use: createAPI)
        o.post("operations", ":id", "results", use: resultAPI)
        o.post("operations", ":id", "actions", use: actionAPI)
        o.post("operations", ":id", "complete", use: completeAPI)
        o.post("operations", ":id", "actions", ":actionId", "transition", use: transitionAPI)
        OperationPages.register(web)
    }

    // MARK: input

    struct TargetInput: Content { var foreignerId: UUID?; var sponsorId: UUID?; var label: String? }
    struct CreateInput: Content {
        var title: String?
        var date: String?
        var areaCode: String?
        var agencyIds: [UUID]?
        var participants: String?
        var targets: [TargetInput]?
        /// The order it runs under (required when the office requires orders), or `withoutOrder`: `wanted`, `caughtInAct`.
        var orderId: UUID?
        var withoutOrder: String?
    }
    struct ResultInput: Content { var targetId: UUID?; var result: String?; var finding: String?; var note: String? }
    struct ActionInput: Content { var targetId: UUID?; var foreignerId: UUID?; var action: String?; var legalBasis: String?; var status: String?; var dueOn: String?; var note: String? }
    struct CompleteInput: Content { var summary: String? }

    // MARK: output

    struct TargetDTO: Content { var id: UUID; var foreignerId: UUID?; var sponsorId: UUID?; var label: String?; var result: String; var finding: String?; var note: String? }
    struct ActionDTO: Content {
        var id: UUID; var targetId: UUID?; var foreignerId: UUID?; var action: String; var isTAK: Bool; var legalBasis: String; var status: String; var dueOn: String?; var note: String?
        var decisionNumber: String?; var decidedBy: UUID?; var decidedAt: Date?; var executedAt: Date?; var closedAt: Date?
        /// The states it may move to next.
        var next: [String]
        var overdue: Bool
    }
    struct Aggregate: Content {
        var targets: Int
        var checked: Int
        var compliant: Int
        var violations: Int
        var notFound: Int
        var actions: [String: Int]
    }
    struct OperationDTO: Content {
        var id: UUID
        var title: String
        var date: String
        var areaCode: String
        var agencyIds: [UUID]
        var status: String
        var results: Aggregate
        var participants: String?
        var summary: String?
        var targets: [TargetDTO]?
        var actions: [ActionDTO]?
        var orderId: UUID?
        var withoutOrder: String?
    }

    // MARK: scope

    static func visible(_ id: UUID?, _ req: Request) async throws -> JointOperation {
        // Out of scope looks like not there (`ScopePolicy.operations`).
        guard let id, let scoped = try? ScopePolicy.operations(req), let op = try await scoped.filter(\.$id == id).first() else { throw Abort(.notFound) }
        return op
    }

    static func aggregate(_ targets: [OperationTarget], _ actions: [AdministrativeAction]) -> Aggregate {
        var by: [String: Int] = [:]
        for a in actions where a.status != TAKStatus.cancelled.rawValue { by[a.action, default: 0] += 1 }
        return Aggregate(targets: targets.count, checked: targets.filter { $0.result != TargetResult.notChecked.rawValue }.count,
                         compliant: targets.filter { $0.result == TargetResult.compliant.rawValue }.count,
                         violations: targets.filter { $0.result == TargetResult.violation.rawValue }.count,
                         notFound: targets.filter { $0.result == TargetResult.notFound.rawValue }.count, actions: by)
    }

    /// The full record for the office; the plan and aggregate figures only for agency members.
    static func dto(_ op: JointOperation, _ req: Request) async throws -> OperationDTO {
        try await dtos([op], req)[0]
    }

    /// The operations as the API and pages show them, their targets and actions loaded in two queries for all.
    static func dtos(_ ops: [JointOperation], _ req: Request) async throws -> [OperationDTO] {
        let ids = ops.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let targets = Dictionary(grouping: try await OperationTarget.query(on: req.db).filter(\.$operationID ~~ ids).all(), by: \.operationID)
        let actions = Dictionary(grouping: try await AdministrativeAction.query(on: req.db).filter(\.$operationID ~~ ids).sort(\.$createdAt).all(), by: \.operationID)
        let agency = ScopePolicy.seesCountsOnly(try req.requirePrincipal())
        return ops.map { op in dto(op, targets: targets[op.id!] ?? [], actions: actions[op.id!] ?? [], agency: agency, today: req.application.today) }
    }

    static func actionDTO(_ a: AdministrativeAction, today: String) -> ActionDTO {
        let status = TAKStatus(rawValue: a.status) ?? .proposed
        return ActionDTO(id: a.id!, targetId: a.targetID, foreignerId: a.foreignerID, action: a.action, isTAK: TAKAction(rawValue: a.action)?.isTAK ?? false,
                         legalBasis: a.legalBasis, status: a.status, dueOn: a.dueOn, note: a.note, decisionNumber: a.decisionNumber, decidedBy: a.decidedBy,
                         decidedAt: a.decidedAt, executedAt: a.executedAt, closedAt: a.closedAt, next: status.next.map(\.rawValue),
                         overdue: status.isOpen && (a.dueOn.map { $0 < today } ?? false))
    }

    private static func dto(_ op: JointOperation, targets: [OperationTarget], actions: [AdministrativeAction], agency: Bool, today: String) -> OperationDTO {
        var d = OperationDTO(id: op.id!, title: op.title, date: op.date, areaCode: op.areaCode, agencyIds: op.agencies, status: op.status,
                             results: aggregate(targets, actions))
        guard !agency else { return d }
        d.participants = op.participants; d.summary = op.summary; d.orderId = op.orderID; d.withoutOrder = op.withoutOrder
        d.targets = targets.map { TargetDTO(id: $0.id!, foreignerId: $0.foreignerID, sponsorId: $0.sponsorID, label: $0.label, result: $0.result, finding: $0.finding, note: $0.note) }
        d.actions = actions.map { actionDTO($0, today: today) }
        return d
    }

    // MARK: operations

    static func create(_ i: CreateInput, _ req: Request, earlier: [ValidationFailure] = []) async throws -> JointOperation {
        let p = try req.requirePrincipal()
        guard let office = p.officeID else { throw Abort(.forbidden) }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks(earlier)
        let titleChecked = try checks.run { () throws -> String in
            guard let title = try ValidationFailure.text(i.title, "title", max: 300) else { throw ValidationFailure("v.required", field: "title") }
            return title
        }
        let date = (i.date ?? "").trimmingCharacters(in: .whitespaces)
        let dateOK = try checks.run { () throws -> Bool in
            if date.isEmpty { throw ValidationFailure("v.required", field: "date") }
            guard date.count == 10, let ahead = Day.between(req.application.today, date) else { throw ValidationFailure("v.day", field: "date") }
            guard ahead >= -366, ahead <= 366 else { throw ValidationFailure("v.dayWithinYear", field: "date") }
            return true
        } != nil
        let area = (i.areaCode ?? "").trimmingCharacters(in: .whitespaces)
        _ = try await checks.run { () async throws -> Void in
            guard RegionCode.isValid(area), let region = try await Region.find(area, on: req.db), region.level == "district" || region.level == "village",
                  let regency = RegionCode.regency(of: area), p.jurisdiction.contains(regency) else {
                throw ValidationFailure("v.areaInJurisdiction", field: "areaCode")
            }
        }
        let agencyIDs = Array(Set(i.agencyIds ?? []))
        _ = try await checks.run { () async throws -> Void in
            if !agencyIDs.isEmpty {
                let found = try await Agency.query(on: req.db).filter(\.$id ~~ agencyIDs).countRows()
                guard found == agencyIDs.count else { throw ValidationFailure("v.agencies", field: "agencyIds") }
            }
        }
        let targets = i.targets ?? []
        _ = try await checks.run { () async throws -> Void in
            guard targets.count <= 500 else { throw ValidationFailure("v.tooMany", field: "targets", "500") }
            for (k, t) in targets.enumerated() {
                if let f = t.foreignerId, (try? await ScopePolicy.foreigner(f, req)) == nil { throw ValidationFailure("v.notInScope", field: "targets[\(k)].foreignerId") }
                if let s = t.sponsorId, (try? await ScopePolicy.sponsor(s, req)) == nil { throw ValidationFailure("v.notInScope", field: "targets[\(k)].sponsorId") }
                if t.foreignerId == nil && t.sponsorId == nil && (t.label ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    throw ValidationFailure("v.targetNeedsSubject", field: "targets[\(k)]")
                }
                _ = try ValidationFailure.text(t.label, "targets[\(k)].label", max: 300)
            }
        }
        let participants = (try checks.run { try ValidationFailure.text(i.participants, "participants", max: 2000) }) ?? nil
        // The order is checked against the operation's day: only once the day is right.
        let order = dateOK ? try await checks.run { try await FieldOrders.check(orderID: i.orderId, withoutOrder: i.withoutOrder, day: date, req) } : nil
        let (title, (orderID, withoutOrder)) = try checks.finish(titleChecked, order)
        let now = req.application.clock.now()
        let agencyJSON = String(decoding: try JSONEncoder().encode(agencyIDs), as: UTF8.self)
        return try await req.audited { db in
            let op = JointOperation()
            op.id = UUID(); op.officeID = office; op.createdBy = p.userID; op.title = title; op.date = date; op.areaCode = area
            op.agencyIDs = agencyJSON; op.participants = participants; op.status = OperationStatus.planned.rawValue; op.createdAt = now
            op.orderID = orderID; op.withoutOrder = withoutOrder
            try await op.create(on: db)
            for t in targets {
                let x = OperationTarget()
                x.operationID = op.id!; x.foreignerID = t.foreignerId; x.sponsorID = t.sponsorId
                x.label = t.label?.trimmingCharacters(in: .whitespaces); x.result = TargetResult.notChecked.rawValue
                try await x.create(on: db)
            }
            return (op, [AuditEntry(action: "operation.create", objectType: "operation", objectID: op.id!.uuidString, detail: "area=\(area) targets=\(targets.count) agencies=\(agencyIDs.count)")])
        }
    }

    static func recordResult(_ op: JointOperation, _ i: ResultInput, _ req: Request) async throws -> OperationTarget {
        guard op.status != OperationStatus.cancelled.rawValue else { throw AppError.conflict("err.operationCancelled") }
        guard let tid = i.targetId, let t = try await OperationTarget.query(on: req.db).filter(\.$id == tid).filter(\.$operationID == op.id!).first() else {
            throw ValidationFailure("v.targetOfOperation", field: "targetId")
        }
        guard let result = i.result.flatMap(TargetResult.init(rawValue:)) else {
            throw ValidationFailure("v.oneOf", field: "result", TargetResult.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // What was found is recorded from the operation's day on: a "violation" before it took place is a slip.
        if result != .notChecked, beforeItsDay(op, req) { throw ValidationFailure("v.operationNotYet", field: "result", op.date) }
        let finding = try i.finding.flatMap { $0.isEmpty ? nil : $0 }.map { raw -> FieldFinding in
            guard let f = FieldFinding(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "finding", FieldFinding.allCases.map(\.rawValue).joined(separator: ", ")) }
            return f
        }
        let note = try ValidationFailure.text(i.note, "note", max: 2000)
        let p = try req.requirePrincipal()
        let now = req.application.clock.now()
        return try await req.audited { db in
            t.result = result.rawValue; t.finding = finding?.rawValue; t.note = note; t.checkedBy = p.userID; t.checkedAt = now
            try await t.update(on: db)
            return (t, [AuditEntry(action: "operation.result", objectType: "operation", objectID: op.id!.uuidString, detail: "target=\(tid) result=\(result.rawValue)")])
        }
    }

    /// Whether the operation's day is still ahead: its results, actions and completion wait for it.
    static func beforeItsDay(_ op: JointOperation, _ req: Request) -> Bool { op.date > req.application.today }

    static func recordAction(_ op: JointOperation, _ i: ActionInput, _ req: Request) async throws -> AdministrativeAction {
        // An action follows from what the operation found: from its day on, as its results.
        if beforeItsDay(op, req) { throw ValidationFailure("v.operationNotYet", field: "action", op.date) }
        guard let action = i.action.flatMap(TAKAction.init(rawValue:)) else {
            throw ValidationFailure("v.oneOf", field: "action", TAKAction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let basis = try ValidationFailure.text(i.legalBasis, "legalBasis", max: 300) else {
            throw ValidationFailure("v.legalBasis", field: "legalBasis")
        }
        // Every action starts as a proposal; it is decided, carried out and closed by its transitions.
        let rawStatus = i.status.flatMap { $0.isEmpty ? nil : $0 } ?? TAKStatus.proposed.rawValue
        guard let status = TAKStatus(rawValue: rawStatus), status == .proposed else { throw ValidationFailure("v.takStartsProposed", field: "status") }
        var foreigner = i.foreignerId
        if let tid = i.targetId {
            guard let t = try await OperationTarget.query(on: req.db).filter(\.$id == tid).filter(\.$operationID == op.id!).first() else {
                throw ValidationFailure("v.targetOfOperation", field: "targetId")
            }
            foreigner = foreigner ?? t.foreignerID
        }
        // An administrative action is taken against a person (UU 6/2011 Art. 75): a target of the operation or a registered
        // foreigner. Without one the record names no one and cannot be carried out.
        guard i.targetId != nil || foreigner != nil else { throw ValidationFailure("v.takSubject", field: "targetId") }
        if let f = foreigner, (try? await ScopePolicy.foreigner(f, req)) == nil { throw ValidationFailure("v.notInScope", field: "foreignerId") }
        let due = i.dueOn.flatMap { $0.isEmpty ? nil : $0 }
        if let d = due, !Day.isValid(d) { throw ValidationFailure("v.day", field: "dueOn") }
        let note = try ValidationFailure.text(i.note, "note", max: 2000)
        let p = try req.requirePrincipal()
        let now = req.application.clock.now()
        let subject = foreigner
        return try await req.audited { db in
            let a = AdministrativeAction()
            a.operationID = op.id; a.targetID = i.targetId; a.foreignerID = subject; a.officeID = op.officeID; a.action = action.rawValue
            a.legalBasis = basis; a.status = status.rawValue; a.dueOn = due; a.note = note; a.createdBy = p.userID; a.createdAt = now
            try await a.create(on: db)
            return (a, [AuditEntry(action: "operation.tak", objectType: "operation", objectID: op.id!.uuidString, detail: "action=\(action.rawValue) status=\(status.rawValue)")])
        }
    }

    /// `summaryRequired`, `uncheckedConfirmed`: the page asks for a summary, and for a word when targets are left unchecked
    /// (one tap closed an operation for good); the API keeps its contract (summary optional).
    static func complete(_ op: JointOperation, summary: String?, _ req: Request, summaryRequired: Bool = false, uncheckedConfirmed: Bool = true) async throws -> JointOperation {
        guard op.status == OperationStatus.planned.rawValue else { throw AppError.conflict("err.operationNotPlanned") }
        // An operation is completed from its day on, not before it took place.
        if beforeItsDay(op, req) { throw ValidationFailure("v.operationNotYetComplete", op.date) }
        var checks = FieldChecks()
        let s = try checks.run { () throws -> String? in
            let s = try ValidationFailure.text(summary, "summary", max: 4000)
            if s == nil && summaryRequired { throw ValidationFailure("v.required", field: "summary") }
            return s
        } ?? nil
        if !uncheckedConfirmed {
            let unchecked = try await OperationTarget.query(on: req.db).filter(\.$operationID == op.id!).filter(\.$result == TargetResult.notChecked.rawValue).count()
            if unchecked > 0 { _ = try checks.run { () throws -> Void in throw ValidationFailure("v.uncheckedTargets", field: "uncheckedConfirmed", String(unchecked)) } }
        }
        try checks.finish()
        return try await req.audited { db in
            op.status = OperationStatus.done.rawValue; op.summary = s
            try await op.update(on: db)
            return (op, [AuditEntry(action: "operation.complete", objectType: "operation", objectID: op.id!.uuidString)])
        }
    }

    /// One page of the operations in scope, the latest first, and its pager.
    static func list(_ req: Request) async throws -> (items: [JointOperation], pager: HTML) {
        try await ScopePolicy.operations(req).sort(\.$date, .descending).sort(\.$id).webPage(req)
    }

    // MARK: API

    static func createAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(CreateInput.self) else { throw ValidationFailure("v.body", "title, date, areaCode, agencyIds, participants, targets") }
        let op = try await create(input, req)
        let res = Response(status: .created)
        try res.content.encode(try await dto(op, req))
        return res
    }

    /// `?page=&per=` (at most 100), newest first; `total` counts every operation in scope.
    static func listAPI(_ req: Request) async throws -> ListPage<OperationDTO> {
        let paging = try Paging(req, defaultPer: 100)
        let scoped = try ScopePolicy.operations(req)
        let total = try await scoped.copy().countRows()
        let rows = try await scoped.sort(\.$date, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        return ListPage(items: try await dtos(rows, req), total: total, page: paging.page, per: paging.per)
    }

    static func showAPI(_ req: Request) async throws -> OperationDTO {
        try await dto(try await visible(req.parameters.get("id", as: UUID.self), req), req)
    }

    static func resultAPI(_ req: Request) async throws -> OperationDTO {
        let op = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard let input = try? req.content.decode(ResultInput.self) else { throw ValidationFailure("v.body", "targetId, result, finding, note") }
        _ = try await recordResult(op, input, req)
        return try await dto(op, req)
    }

    static func actionAPI(_ req: Request) async throws -> Response {
        let op = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard let input = try? req.content.decode(ActionInput.self) else { throw ValidationFailure("v.body", "action, legalBasis, targetId, foreignerId, status, dueOn, note") }
        _ = try await recordAction(op, input, req)
        let res = Response(status: .created)
        try res.content.encode(try await dto(op, req))
        return res
    }

    static func transitionAPI(_ req: Request) async throws -> ActionDTO {
        let op = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard let actionID = req.parameters.get("actionId", as: UUID.self) else { throw Abort(.notFound) }
        guard let input = try? req.content.decode(ActionLifecycle.TransitionInput.self) else { throw ValidationFailure("v.body", "to, decisionNumber, note") }
        return actionDTO(try await ActionLifecycle.transition(op, actionID: actionID, input, req), today: req.application.today)
    }

    static func completeAPI(_ req: Request) async throws -> OperationDTO {
        let op = try await visible(req.parameters.get("id", as: UUID.self), req)
        let input = try? req.content.decode(CompleteInput.self)
        return try await dto(try await complete(op, summary: input?.summary, req), req)
    }
}
