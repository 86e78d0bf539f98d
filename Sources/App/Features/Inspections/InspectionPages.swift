import Fluent
import Foundation
import Vapor

/// Inspection pages: officers plan, record findings per worker and complete; sponsors read the outcome.
/// Handlers read the input, ask the service and return an `InspectionViews` page; every action ends with
/// a confirmation, every failure shows its form again as typed with the error beside its field.
extension InspectionsController {
    static let planFields = ["sponsorId", "date", "announced", "entryProcedure", "escortName", "escortPosition", "officers", "orderId", "withoutOrder"]

    static func listPage(_ req: Request) async throws -> Response {
        // The company picker's search comes back here with the form as typed (`SponsorPicker`).
        try await renderList(req, state: RegionPicker.isStep(req) ? FormState(req) : FormState())
    }

    static func renderList(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let (items, pager) = try await list(req)
        let sponsorIDs = Array(Set(items.map(\.sponsorID)))
        let names = Dictionary(try await Sponsor.query(on: req.db).filter(\.$id ~~ sponsorIDs).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        var companies: HTML?
        var form = state
        if !ScopePolicy.isCompany(p) {
            if form.values["date"] == nil { form.values["date"] = req.application.today }
            companies = try await SponsorPicker.field(req, name: "sponsorId", label: L10n.t("insp.company", req.language), state: form, none: "—",
                                                      from: try ScopePolicy.sponsors(req).filter(\.$kind == SponsorKind.company.rawValue),
                                                      companies: true, required: true)
        }
        let orders = ScopePolicy.isCompany(p) ? [] : try await FieldOrders.current(req)
        return InspectionViews.list(req, .init(items: items, companyNames: names, companies: companies, form: form, orders: orders, pager: pager), status: status)
    }

    static func showPage(_ req: Request) async throws -> Response {
        try await render(req, id: req.parameters.get("id", as: UUID.self), forms: .init())
    }

    static func render(_ req: Request, id: UUID?, forms: InspectionViews.Forms, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let i = try await visible(id, req)
        let d = try await dto(i, req)
        let sponsor = try await Sponsor.find(i.sponsorID, on: req.db)
        let ids = d.findings.map(\.foreignerId)
        let people = ids.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ ids).all()
        let names = Dictionary(people.map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        return InspectionViews.show(req, .init(inspection: i, dto: d, companyName: sponsor?.name ?? "", workerNames: names,
                                               showInternal: !ScopePolicy.isCompany(p), forms: forms), status: status)
    }

    static func createForm(_ req: Request) async throws -> Response {
        let v = FormState.read(req, planFields)
        var state = FormState(values: v)
        do {
            // "—" (nothing chosen) and text that is no id are both "choose a company".
            let sponsor = v["sponsorId"].flatMap(UUID.init(uuidString:))
            let i = try await create(.init(sponsorId: sponsor, date: v["date"], announced: v["announced"] == "true", entryProcedure: v["entryProcedure"],
                                           escortName: v["escortName"], escortPosition: v["escortPosition"], officers: v["officers"],
                                           orderId: v["orderId"].flatMap(UUID.init(uuidString:)), withoutOrder: v["withoutOrder"]), req)
            return Flash.redirect(req, to: InspectionURL.show(.id(i.id!)), "flash.inspection.created")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: Set(planFields))
            return try await renderList(req, state: state, status: .unprocessableEntity)
        }
    }

    static func findingForm(_ req: Request) async throws -> Response {
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        let v = FormState.read(req, ["passport", "finding", "publicNote", "internalNote"])
        var state = FormState(values: v)
        do {
            _ = try await addFinding(i, .init(foreignerId: nil, passport: v["passport"], finding: v["finding"], publicNote: v["publicNote"], internalNote: v["internalNote"]), req)
            return Flash.redirect(req, to: InspectionURL.show(.id(i.id!)), "flash.inspection.finding")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["passport", "finding", "publicNote", "internalNote"])
            return try await render(req, id: i.id, forms: .init(finding: state), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await render(req, id: i.id, forms: .init(finding: state), status: .conflict)
        }
    }

    static func completeForm(_ req: Request) async throws -> Response {
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        let v = FormState.read(req, ["outcome", "requiredAction", "actionDue"])
        var state = FormState(values: v)
        do {
            _ = try await complete(i, .init(outcome: v["outcome"], requiredAction: v["requiredAction"], actionDue: v["actionDue"], internalNotes: nil), req)
            return Flash.redirect(req, to: InspectionURL.show(.id(i.id!)), "flash.inspection.completed")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["outcome", "requiredAction", "actionDue"])
            return try await render(req, id: i.id, forms: .init(complete: state), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await render(req, id: i.id, forms: .init(complete: state), status: .conflict)
        }
    }
}
