import Fluent
import Matching
import Foundation
import Vapor

/// `/operations`: the office's joint operations (plan, targets, results, TAK); agency members see the
/// plans for their region and the aggregate results only. Handlers read the input, ask
/// `OperationsController` and return an `OperationViews` page; every action ends with a confirmation,
/// every failure shows the form again as typed with the error beside its field.
enum OperationPages {
    static func register(_ web: any RoutesBuilder) {
        let all = web.grouped(RequireRole(.officer, .supervisor, .agency))
        all.get(OperationURL.list, use: list)
        all.get(OperationURL.show(.key), use: show)
        let o = web.grouped(RequireRole(.officer, .supervisor))
        o.post(OperationURL.list, use: create)
        o.post(OperationURL.results(.key), use: result)
        o.post(OperationURL.actions(.key), use: action)
        o.post(OperationURL.complete(.key), use: complete)
        o.post(OperationURL.transition(.key, .key), use: transition)
    }

    /// The plan form's text inputs (the area as the region picker sends it).
    static let planFields = ["title", "date", "participants", "targetPassports", "orderId", "withoutOrder"] + RegionPicker.inputNames("areaCode", depth: .village)

    static func list(_ req: Request) async throws -> Response {
        let state = RegionPicker.isStep(req) ? FormState(values: FormState.read(req, planFields, lists: ["agencyIds"])) : FormState()
        return try await listPage(req, state: state)
    }

    static func listPage(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let (ops, pager) = try await OperationsController.list(req)
        let rows = zip(ops, try await OperationsController.dtos(ops, req)).map { OperationViews.Row(op: $0, results: $1.results) }
        let places = try await RegionsController.describe(ops.map(\.areaCode), db: req.db)
        let canPlan = !ScopePolicy.seesCountsOnly(p)
        var form = state
        if canPlan && form.values["date"] == nil { form.values["date"] = req.application.today }
        let agencies = canPlan ? try await ScopePolicy.agencies(workingWith: p, db: req.db) : []
        let orders = canPlan ? try await FieldOrders.current(req) : []
        return try await OperationViews.list(req, .init(rows: rows, places: places, canPlan: canPlan, agencies: agencies, jurisdiction: p.jurisdiction, form: form, orders: orders, pager: pager), status: status)
    }

    static func create(_ req: Request) async throws -> Response {
        let values = FormState.read(req, planFields, lists: ["agencyIds"])
        var state = FormState(values: values)
        do {
            // Targets by passport number, one per line; each must be a registry foreigner in scope.
            // Every unknown one is named at once, with the form's other mistakes.
            var targets: [OperationsController.TargetInput] = []
            var unknown: [String] = []
            var earlier: [ValidationFailure] = []
            let lines = (values["targetPassports"] ?? "").split(whereSeparator: \.isNewline)
            if lines.count > 500 { earlier.append(ValidationFailure("v.tooMany", field: "targetPassports", "500")) }
            let typed = lines.prefix(500).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // One query for them all, in the user's scope.
            let keys = Array(Set(typed.map(Normalize.documentID)))
            let found = keys.isEmpty ? [:] : Dictionary(try await ScopePolicy.foreigners(req).filter(\.$passportKey ~~ keys).all().compactMap { f in f.passportKey.flatMap { k in f.id.map { (k, $0) } } },
                                                        uniquingKeysWith: { a, _ in a })
            for raw in typed {
                guard let id = found[Normalize.documentID(raw)] else { unknown.append(raw); continue }
                targets.append(.init(foreignerId: id, sponsorId: nil, label: nil))
            }
            if !unknown.isEmpty { earlier.append(ValidationFailure("v.passportUnknownValue", field: "targetPassports", unknown.prefix(20).joined(separator: ", "))) }
            var agencies: [UUID] = []
            do { agencies = try CoordinationForm.ids(values, "agencyIds", failure: "v.agencies") } catch let e as ValidationFailure { earlier.append(e) }
            let area = RegionPicker.chosen(values, name: "areaCode", depth: .village)
            let op = try await OperationsController.create(.init(title: values["title"], date: values["date"], areaCode: area, agencyIds: agencies,
                                                                 participants: values["participants"], targets: targets,
                                                                 orderId: values["orderId"].flatMap(UUID.init(uuidString:)), withoutOrder: values["withoutOrder"]), req, earlier: earlier)
            return Flash.redirect(req, to: OperationURL.show(.id(op.id!)), "flash.operation.planned")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["title", "date", "areaCode", "agencyIds", "participants", "targetPassports", "orderId", "withoutOrder"],
                                  rename: ["targets": "targetPassports"])
            return try await listPage(req, state: state, status: .unprocessableEntity)
        }
    }

    static func show(_ req: Request) async throws -> Response {
        try await showPage(req, id: req.parameters.get("id", as: UUID.self), forms: .init())
    }

    /// An operation's page; `forms` carries the input and errors of a form that failed.
    static func showPage(_ req: Request, id: UUID?, forms: OperationViews.Forms, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let op = try await OperationsController.visible(id, req)
        let d = try await OperationsController.dto(op, req)
        let places = try await RegionsController.describe([op.areaCode], db: req.db)
        let agencyNames = try await Agency.query(on: req.db).filter(\.$id ~~ op.agencies).all().map(\.name).sorted()
        let ids = (d.targets ?? []).compactMap(\.foreignerId)
        let people = ids.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ ids).all()
        let names = Dictionary(people.map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        let thread = try await CoordinationPages.threadModel(.operation, op.id!, req, state: forms.message)
        // The order it runs under, for the office's staff (agency members see the plan and its counts only).
        var order: FieldOrder?
        if !ScopePolicy.seesCountsOnly(p), let oid = op.orderID { order = try await ScopePolicy.orders(req).filter(\.$id == oid).first() }
        var model = OperationViews.ShowModel(op: op, dto: d, places: places, agencyNames: agencyNames, names: names,
                                             canRecord: !ScopePolicy.seesCountsOnly(p), canDecide: ScopePolicy.mayDecideActions(p), forms: forms, thread: thread)
        model.order = order
        return OperationViews.show(req, model, status: status)
    }

    static func result(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        let v = FormState.read(req, ["targetId", "result", "finding", "note"])
        let target = v["targetId"].flatMap(UUID.init(uuidString:))
        var state = FormState(values: v)
        do {
            _ = try await OperationsController.recordResult(op, .init(targetId: target, result: v["result"], finding: v["finding"], note: v["note"]), req)
            // Back at the target's form, where the next one is (the page jumped to its top, a screen of counts away).
            return Flash.redirect(req, to: OperationURL.show(.id(op.id!)).path + "#result-form-\(target!.uuidString)", "flash.operation.result")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["result", "finding", "note"])
            return try await showPage(req, id: op.id, forms: .init(resultTarget: target, result: state), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await showPage(req, id: op.id, forms: .init(resultTarget: target, result: state), status: .conflict)
        }
    }

    static func action(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        let v = FormState.read(req, ["targetId", "action", "legalBasis", "status", "dueOn", "note"])
        var state = FormState(values: v)
        do {
            // The form's "—" sends an empty targetId, which is no target (not an invalid id).
            var target: UUID?
            if let raw = v["targetId"], !raw.isEmpty {
                guard let id = UUID(uuidString: raw) else { throw ValidationFailure("v.targetOfOperation", field: "targetId") }
                target = id
            }
            let a = try await OperationsController.recordAction(op, .init(targetId: target, foreignerId: nil, action: v["action"], legalBasis: v["legalBasis"],
                                                                          status: v["status"], dueOn: v["dueOn"], note: v["note"]), req)
            // Back at the new action's row, where its next step is.
            return Flash.redirect(req, to: OperationURL.show(.id(op.id!)).path + "#tak-\(a.id!.uuidString)", "flash.operation.action")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["targetId", "action", "legalBasis", "dueOn", "note"])
            return try await showPage(req, id: op.id, forms: .init(action: state), status: .unprocessableEntity)
        }
    }

    static func transition(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard let actionID = req.parameters.get("actionId", as: UUID.self) else { throw Abort(.notFound) }
        let v = FormState.read(req, ["to", "decisionNumber", "note"])
        var state = FormState(values: v)
        do {
            let a = try await ActionLifecycle.transition(op, actionID: actionID, .init(to: v["to"], decisionNumber: v["decisionNumber"], note: v["note"]), req)
            return Flash.redirect(req, to: OperationURL.show(.id(op.id!)).path + "#tak-\(actionID.uuidString)", "flash.tak.\(a.status)")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["to", "decisionNumber", "note"])
            return try await showPage(req, id: op.id, forms: .init(transitionAction: actionID, transition: state), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict || e.status == .forbidden {
            state.fail(message: e.message(req.language))
            return try await showPage(req, id: op.id, forms: .init(transitionAction: actionID, transition: state), status: e.status)
        }
    }

    static func complete(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        let v = FormState.read(req, ["summary", "uncheckedConfirmed"])
        var state = FormState(values: v)
        do {
            _ = try await OperationsController.complete(op, summary: v["summary"], req, summaryRequired: true, uncheckedConfirmed: v["uncheckedConfirmed"] == "1")
            return Flash.redirect(req, to: OperationURL.show(.id(op.id!)), "flash.operation.completed")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["summary", "uncheckedConfirmed"], labels: ["summary": L10n.t("op.summary", req.language)])
            return try await showPage(req, id: op.id, forms: .init(complete: state), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await showPage(req, id: op.id, forms: .init(complete: state), status: .conflict)
        }
    }
}
