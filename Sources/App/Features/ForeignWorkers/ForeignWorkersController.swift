import Fluent
import Foundation
import Vapor

/// `/portal/tka` (company sponsors keep their RPTKA, positions, understudies and DKPTKA payments) and
/// `/sponsors/:id/tka` (officers read them with the mismatch list).
enum ForeignWorkersController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let sponsorAPI = api.grouped(RequireRole(.sponsor))
        sponsorAPI.post("rptka", use: createRPTKAAPI)
        sponsorAPI.post("tka-assignments", use: assignAPI)
        sponsorAPI.post("dkptka-payments", use: payAPI)
        sponsorAPI.get("portal", "foreign-workers", use: ownOverviewAPI)
        api.grouped(RequireRole(.officer, .supervisor)).get("sponsors", ":id", "foreign-workers", use: officerOverviewAPI)

        let sponsorWeb = web.grouped(RequireRole(.sponsor))
        sponsorWeb.get(.portalTKA, use: portalPage)
        sponsorWeb.post(TKAURL.rptka, use: rptkaForm)
        sponsorWeb.post(TKAURL.assignments, use: assignForm)
        sponsorWeb.post(TKAURL.payments, use: payForm)
        web.grouped(RequireRole(.officer, .supervisor)).get(TKAURL.sponsor(.key), use: officerPage)
    }

    struct RPTKADTO: Content {
        struct P: Content { var id: UUID; var title: String; var quota: Int }
        var id: UUID; var number: String; var validFrom: String; var validTo: String; var positions: [P]
    }

    static func createRPTKAAPI(_ req: Request) async throws -> Response {
        guard let i = try? req.content.decode(ForeignWorkerService.RPTKAInput.self) else {
            throw ValidationFailure("v.body", "number, validFrom, validTo, positions [{title, quota}]")
        }
        let r = try await ForeignWorkerService.createRPTKA(i, req)
        let positions = try await RPTKAPosition.query(on: req.db).filter(\.$rptkaID == r.id!).all()
        let res = Response(status: .created)
        try res.content.encode(RPTKADTO(id: r.id!, number: r.number, validFrom: r.validFrom, validTo: r.validTo,
                                        positions: positions.map { .init(id: $0.id!, title: $0.title, quota: $0.quota) }))
        return res
    }

    struct AssignmentDTO: Content { var foreignerId: UUID; var positionId: UUID?; var understudyName: String?; var understudyPosition: String? }

    static func assignAPI(_ req: Request) async throws -> AssignmentDTO {
        let i = (try? req.content.decode(ForeignWorkerService.AssignmentInput.self)) ?? .init()
        let a = try await ForeignWorkerService.assign(i, req)
        return AssignmentDTO(foreignerId: a.foreignerID, positionId: a.positionID, understudyName: a.understudyName, understudyPosition: a.understudyPosition)
    }

    struct PaymentDTO: Content { var id: UUID; var foreignerId: UUID; var fromMonth: String; var months: Int; var amountUsd: Int; var paidOn: String; var reference: String }

    static func payAPI(_ req: Request) async throws -> Response {
        let i = (try? req.content.decode(ForeignWorkerService.PaymentInput.self)) ?? .init()
        let (p, created) = try await ForeignWorkerService.pay(i, req)
        let res = Response(status: created ? .created : .ok)
        try res.content.encode(PaymentDTO(id: p.id!, foreignerId: p.foreignerID, fromMonth: p.fromMonth, months: p.months, amountUsd: p.amountUSD, paidOn: p.paidOn, reference: p.reference))
        return res
    }

    static func ownOverviewAPI(_ req: Request) async throws -> ForeignWorkerService.Overview {
        try await ForeignWorkerService.overview(try await ForeignWorkerService.company(req), req)
    }

    static func officerOverviewAPI(_ req: Request) async throws -> ForeignWorkerService.Overview {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return try await ForeignWorkerService.overview(try await ScopePolicy.sponsor(id, req), req)
    }

    // MARK: pages

    static func render(_ req: Request, sponsor: Sponsor, editable: Bool, forms: [ForeignWorkerViews.FormID: FormState] = [:],
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let overview = try await ForeignWorkerService.overview(sponsor, req)
        return ForeignWorkerViews.page(req, .init(sponsor: sponsor, overview: overview, editable: editable, forms: forms), status: status)
    }

    static func portalPage(_ req: Request) async throws -> Response {
        try await render(req, sponsor: try await ForeignWorkerService.company(req), editable: true)
    }

    static func officerPage(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return try await render(req, sponsor: try await ScopePolicy.sponsor(id, req), editable: false)
    }

    /// Runs one form's action with the values typed. On success: back to the page with a confirmation.
    /// A validation failure or conflict shows the page again with that form still filled in and the
    /// message beside its field (a position line's message beside the positions box).
    static func form(_ req: Request, _ id: ForeignWorkerViews.FormID, flash: String,
                     _ action: ([String: String]) async throws -> Void) async throws -> Response {
        var state = FormState(req)
        let lang = req.language
        do {
            try await action(state.values)
            return Flash.redirect(req, to: SiteURL.portalTKA, flash)
        } catch let e as ValidationFailure {
            if let f = e.field, f.hasPrefix("positions[") { state.errors["positions"] = e.message(lang) } else { state.fail(e, lang: lang, shownFields: fields[id]) }
            return try await render(req, sponsor: try await ForeignWorkerService.company(req), editable: true, forms: [id: state], status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            if id == .rptka { state.errors["number"] = e.message(lang) } else { state.fail(message: e.message(lang)) }
            return try await render(req, sponsor: try await ForeignWorkerService.company(req), editable: true, forms: [id: state], status: .conflict)
        }
    }

    static let fields: [ForeignWorkerViews.FormID: Set<String>] = [
        .rptka: ["number", "validFrom", "validTo", "positions"],
        .assign: ["foreignerId", "positionId", "understudyName", "understudyPosition"],
        .payment: ["foreignerId", "fromMonth", "months", "amountUsd", "paidOn", "reference"],
    ]

    /// A form value, nil when left empty.
    static func value(_ v: [String: String], _ key: String) -> String? {
        v[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    /// The chosen worker; nothing chosen is a form error (the service answers an unknown one with 403).
    static func chosenWorker(_ v: [String: String]) throws -> UUID {
        guard let id = value(v, "foreignerId").flatMap(UUID.init(uuidString:)) else { throw ValidationFailure("v.required", field: "foreignerId") }
        return id
    }

    static func rptkaForm(_ req: Request) async throws -> Response {
        try await form(req, .rptka, flash: "flash.tka.rptka") { v in
            var positions: [ForeignWorkerService.PositionInput] = []
            for (k, line) in (v["positions"] ?? "").split(whereSeparator: \.isNewline).enumerated() {
                let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let q = Int(parts[1]) else {
                    throw ValidationFailure("v.positionsLine", field: "positions", String(k + 1))
                }
                positions.append(.init(title: parts[0], quota: q))
            }
            _ = try await ForeignWorkerService.createRPTKA(.init(number: v["number"], validFrom: value(v, "validFrom"), validTo: value(v, "validTo"), positions: positions), req)
        }
    }

    static func assignForm(_ req: Request) async throws -> Response {
        try await form(req, .assign, flash: "flash.tka.assigned") { v in
            let worker = try chosenWorker(v)
            var position: UUID?
            if let raw = value(v, "positionId") {
                guard let id = UUID(uuidString: raw) else { throw ValidationFailure("v.ownPosition", field: "positionId") }
                position = id
            }
            _ = try await ForeignWorkerService.assign(.init(foreignerId: worker, positionId: position,
                                                            understudyName: v["understudyName"], understudyPosition: v["understudyPosition"]), req)
        }
    }

    static func payForm(_ req: Request) async throws -> Response {
        try await form(req, .payment, flash: "flash.tka.paid") { v in
            let worker = try chosenWorker(v)
            _ = try await ForeignWorkerService.pay(.init(foreignerId: worker, fromMonth: value(v, "fromMonth"), months: value(v, "months").flatMap { Int($0) },
                                                         amountUsd: value(v, "amountUsd").flatMap { Int($0) }, paidOn: value(v, "paidOn"), reference: v["reference"]), req)
        }
    }
}
