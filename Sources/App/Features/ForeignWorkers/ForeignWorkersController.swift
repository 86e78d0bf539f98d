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
        sponsorWeb.get("portal", "tka", use: portalPage)
        sponsorWeb.post("portal", "tka", "rptka", use: rptkaForm)
        sponsorWeb.post("portal", "tka", "assignments", use: assignForm)
        sponsorWeb.post("portal", "tka", "payments", use: payForm)
        web.grouped(RequireRole(.officer, .supervisor)).get("sponsors", ":id", "tka", use: officerPage)
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

    static func render(_ req: Request, sponsor: Sponsor, editable: Bool, error: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let o = try await ForeignWorkerService.overview(sponsor, req)
        let names = Dictionary(o.workers.map { ($0.foreignerId, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        let positionRows: HTML = o.positions.html { p in
            "<tr\(p.assigned > p.quota ? HTML(" class=\"flag\"") : "")><td>\(p.rptkaNumber)</td><td>\(p.title)</td><td>\(p.quota)</td><td>\(p.assigned)</td><td>\(L10n.t(p.current ? "tka.current" : "tka.expired", lang))</td></tr>"
        }
        let workerRows: HTML = o.workers.html { w in
            "<tr><td>\(w.fullName)</td><td>\(w.employedSince)</td><td>\(w.positionTitle ?? "—")</td><td>\(w.understudyName ?? "—")\(w.understudyPosition.map { " · \($0)" } ?? "")</td><td>\(w.unpaidMonths.isEmpty ? L10n.t("tka.paid", lang) : w.unpaidMonths.joined(separator: ", "))</td></tr>"
        }
        var problems: [String] = []
        for id in o.withoutPosition { problems.append(L10n.f("tka.m.noPosition", lang, names[id] ?? "—")) }
        for id in o.withoutUnderstudy { problems.append(L10n.f("tka.m.noUnderstudy", lang, names[id] ?? "—")) }
        for p in o.quotaExceeded { problems.append(L10n.f("tka.m.quota", lang, p.title, p.rptkaNumber, p.assigned, p.quota)) }
        for w in o.unpaid { problems.append(L10n.f("tka.m.unpaid", lang, w.fullName, w.unpaidMonths.count, w.unpaidMonths.count * o.monthlyRateUsd)) }
        for u in o.underpaid { problems.append(L10n.f("tka.m.underpaid", lang, u.reference, names[u.foreignerId] ?? "—", u.amountUsd, u.expectedUsd)) }
        let problemList: HTML = problems.isEmpty ? "<p class=\"muted\">\(L10n.t("tka.noMismatch", lang))</p>" : "<ul id=\"mismatches\">\(problems.html { "<li>\($0)</li>" })</ul>"
        let workerOptions = Views.options(o.workers.map { ($0.foreignerId.uuidString, $0.fullName) }, selected: nil)
        let positionOptions = Views.options([("", "—")] + o.positions.filter(\.current).map { ($0.id.uuidString, "\($0.title) (\($0.rptkaNumber))") }, selected: nil)
        let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
        let forms: HTML = !editable ? "" : """
        <section class="card"><h2>\(L10n.t("tka.addRPTKA", lang))</h2>
        <form method="post" action="/portal/tka/rptka" id="rptka-form">\(csrf)
          <div><label for="number">\(L10n.t("tka.number", lang))</label><input id="number" name="number" required maxlength="60"></div>
          <div><label for="validFrom">\(L10n.t("tka.validFrom", lang))</label><input id="validFrom" name="validFrom" type="date" required></div>
          <div><label for="validTo">\(L10n.t("tka.validTo", lang))</label><input id="validTo" name="validTo" type="date" required></div>
          <div><label for="positions">\(L10n.t("tka.positionsHelp", lang))</label><textarea id="positions" name="positions" required placeholder="Production Manager | 2"></textarea></div>
          <button type="submit">\(L10n.t("tka.save", lang))</button></form></section>
        <section class="card"><h2>\(L10n.t("tka.assign", lang))</h2>
        <form method="post" action="/portal/tka/assignments" id="assign-form">\(csrf)
          <div><label for="a-foreigner">\(L10n.t("f.fullName", lang))</label><select id="a-foreigner" name="foreignerId" required>\(workerOptions)</select></div>
          <div><label for="positionId">\(L10n.t("tka.position", lang))</label><select id="positionId" name="positionId">\(positionOptions)</select></div>
          <div><label for="understudyName">\(L10n.t("tka.understudy", lang))</label><input id="understudyName" name="understudyName" maxlength="200"></div>
          <div><label for="understudyPosition">\(L10n.t("tka.understudyPosition", lang))</label><input id="understudyPosition" name="understudyPosition" maxlength="200"></div>
          <button type="submit">\(L10n.t("tka.save", lang))</button></form></section>
        <section class="card"><h2>\(L10n.t("tka.addPayment", lang))</h2>
        <form method="post" action="/portal/tka/payments" id="payment-form">\(csrf)
          <div><label for="p-foreigner">\(L10n.t("f.fullName", lang))</label><select id="p-foreigner" name="foreignerId" required>\(workerOptions)</select></div>
          <div><label for="fromMonth">\(L10n.t("tka.fromMonth", lang))</label><input id="fromMonth" name="fromMonth" type="month" required></div>
          <div><label for="months">\(L10n.t("tka.months", lang))</label><input id="months" name="months" type="number" min="1" max="60" required></div>
          <div><label for="amountUsd">\(L10n.t("tka.amount", lang))</label><input id="amountUsd" name="amountUsd" type="number" min="0" required></div>
          <div><label for="paidOn">\(L10n.t("tka.paidOn", lang))</label><input id="paidOn" name="paidOn" type="date" required></div>
          <div><label for="reference">\(L10n.t("tka.reference", lang))</label><input id="reference" name="reference" required maxlength="60"></div>
          <button type="submit">\(L10n.t("tka.save", lang))</button></form></section>
        """
        let alert: HTML = error.map { "<p class=\"alert error\" role=\"alert\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("tka.title", lang), body: """
        <h1>\(L10n.t("tka.title", lang)) · \(sponsor.name)</h1>
        \(alert)
        <section class="card"><h2>\(L10n.t("tka.mismatches", lang))</h2>\(problemList)</section>
        <section class="card"><h2>RPTKA</h2>\(o.positions.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"positions-table\"><thead><tr><th>\(L10n.t("tka.number", lang))</th><th>\(L10n.t("tka.position", lang))</th><th>\(L10n.t("tka.quota", lang))</th><th>\(L10n.t("tka.assigned", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(positionRows)</tbody></table>")</section>
        <section class="card"><h2>\(L10n.t("tka.workers", lang)) (\(o.workers.count))</h2>\(o.workers.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"workers-table\"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("tka.since", lang))</th><th>\(L10n.t("tka.position", lang))</th><th>\(L10n.t("tka.understudy", lang))</th><th>\(L10n.f("tka.unpaidHead", lang, o.monthlyRateUsd))</th></tr></thead><tbody>\(workerRows)</tbody></table>")</section>
        \(forms)
        """, status: status)
    }

    static func portalPage(_ req: Request) async throws -> Response {
        try await render(req, sponsor: try await ForeignWorkerService.company(req), editable: true)
    }

    static func officerPage(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return try await render(req, sponsor: try await ScopePolicy.sponsor(id, req), editable: false)
    }

    /// Runs a form's action; a validation failure or conflict shows the page again with the message.
    static func form(_ req: Request, _ action: () async throws -> Void) async throws -> Response {
        do {
            try await action()
            return req.redirect(to: "/portal/tka")
        } catch let e as ValidationFailure {
            return try await render(req, sponsor: try await ForeignWorkerService.company(req), editable: true, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, sponsor: try await ForeignWorkerService.company(req), editable: true, error: e.message(req.language), status: .conflict)
        }
    }

    struct RPTKAForm: Content { var number: String?; var validFrom: String?; var validTo: String?; var positions: String? }

    static func rptkaForm(_ req: Request) async throws -> Response {
        let f = try req.content.decode(RPTKAForm.self)
        return try await form(req) {
            var positions: [ForeignWorkerService.PositionInput] = []
            for (k, line) in (f.positions ?? "").split(whereSeparator: \.isNewline).enumerated() {
                let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let q = Int(parts[1]) else {
                    throw ValidationFailure("v.positionsLine", field: "positions", String(k + 1))
                }
                positions.append(.init(title: parts[0], quota: q))
            }
            _ = try await ForeignWorkerService.createRPTKA(.init(number: f.number, validFrom: f.validFrom, validTo: f.validTo, positions: positions), req)
        }
    }

    struct AssignForm: Content { var foreignerId: UUID?; var positionId: String?; var understudyName: String?; var understudyPosition: String? }

    static func assignForm(_ req: Request) async throws -> Response {
        let f = try req.content.decode(AssignForm.self)
        return try await form(req) {
            _ = try await ForeignWorkerService.assign(.init(foreignerId: f.foreignerId, positionId: f.positionId.flatMap(UUID.init(uuidString:)),
                                                            understudyName: f.understudyName, understudyPosition: f.understudyPosition), req)
        }
    }

    struct PayForm: Content { var foreignerId: UUID?; var fromMonth: String?; var months: String?; var amountUsd: String?; var paidOn: String?; var reference: String? }

    static func payForm(_ req: Request) async throws -> Response {
        let f = try req.content.decode(PayForm.self)
        return try await form(req) {
            _ = try await ForeignWorkerService.pay(.init(foreignerId: f.foreignerId, fromMonth: f.fromMonth, months: f.months.flatMap { Int($0) },
                                                         amountUsd: f.amountUsd.flatMap { Int($0) }, paidOn: f.paidOn, reference: f.reference), req)
        }
    }
}
