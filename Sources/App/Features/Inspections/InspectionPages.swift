import Fluent
import Foundation
import Matching
import Vapor

/// Inspection pages: officers plan, record findings per worker and complete; sponsors read the outcome.
extension InspectionsController {
    static func listPage(_ req: Request) async throws -> Response { try await renderList(req, error: nil) }

    static func renderList(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let items = try await list(req)
        let sponsorIDs = Array(Set(items.map(\.sponsorID)))
        let names = Dictionary(uniqueKeysWithValues: try await Sponsor.query(on: req.db).filter(\.$id ~~ sponsorIDs).all().map { ($0.id!, $0.name) })
        let rows: HTML = items.html { i in
            "<tr><td><a href=\"/inspections/\(i.id!.uuidString)\">\(names[i.sponsorID] ?? "")</a></td><td>\(i.date)</td><td>\(L10n.t(i.announced ? "insp.announced" : "insp.unannounced", lang))</td><td>\(L10n.t("insp.status.\(i.status)", lang))</td><td>\(i.requiredAction)\(i.actionDue.map { " (\($0))" } ?? "")</td></tr>"
        }
        var form: HTML = ""
        if p.role != .sponsor {
            let companies = try await ScopePolicy.sponsors(req).filter(\.$kind == SponsorKind.company.rawValue).sort(\.$name).limit(2000).all()
            form = """
            <section class="card no-print"><h2>\(L10n.t("insp.new", lang))</h2>
            <form method="post" action="/inspections" id="inspection-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
            <label for="sponsorId">\(L10n.t("insp.company", lang))</label><select id="sponsorId" name="sponsorId">\(Views.options(companies.map { ($0.id!.uuidString, $0.name) }, selected: nil))</select>
            <div class="grid two">
            <div><label for="date">\(L10n.t("lph.date", lang))</label><input id="date" name="date" type="date" value="\(req.application.today)" required></div>
            <div><label for="announced">\(L10n.t("insp.kind", lang))</label><select id="announced" name="announced"><option value="true">\(L10n.t("insp.announced", lang))</option><option value="false">\(L10n.t("insp.unannounced", lang))</option></select></div>
            <div><label for="escortName">\(L10n.t("insp.escort", lang))</label><input id="escortName" name="escortName" maxlength="200"></div>
            <div><label for="escortPosition">\(L10n.t("insp.escortPosition", lang))</label><input id="escortPosition" name="escortPosition" maxlength="200"></div>
            </div>
            <label for="entryProcedure">\(L10n.t("insp.entry", lang))</label><input id="entryProcedure" name="entryProcedure" maxlength="1000">
            <label for="officers">\(L10n.t("op.participants", lang))</label><input id="officers" name="officers" maxlength="1000">
            <p><button type="submit">\(L10n.t("op.create", lang))</button></p></form></section>
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"inspection-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("nav.inspections", lang), body: """
        <h1>\(L10n.t("nav.inspections", lang))</h1>
        \(alert)
        \(items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"inspection-list\"><thead><tr><th>\(L10n.t("insp.company", lang))</th><th>\(L10n.t("lph.date", lang))</th><th>\(L10n.t("insp.kind", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("insp.requiredAction", lang))</th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
        \(form)
        """, status: status)
    }

    static func showPage(_ req: Request) async throws -> Response { try await render(req, error: nil) }

    static func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        let d = try await dto(i, req)
        let sponsor = try await Sponsor.find(i.sponsorID, on: req.db)
        let ids = d.findings.map(\.foreignerId)
        let people = ids.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ ids).all()
        let nameOf = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.fullName) })
        let showInternal = p.role != .sponsor
        let findings: HTML = d.findings.html { f in
            "<tr><td>\(nameOf[f.foreignerId] ?? "")</td><td>\(L10n.t("lph.finding.\(f.finding)", lang))</td><td>\(f.publicNote)</td>\(showInternal ? "<td class=\"internal\">\(f.internalNote ?? "")</td>" as HTML : "")</tr>"
        }
        let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
        var forms: HTML = ""
        if showInternal && i.status == InspectionStatus.planned.rawValue {
            let id = i.id!.uuidString
            forms = """
            <section class="card no-print"><h2>\(L10n.t("insp.addFinding", lang))</h2>
            <form method="post" action="/inspections/\(id)/findings" id="finding-form">\(csrf)
            <div class="grid two"><div><label for="passport">\(L10n.t("lph.registryPassport", lang))</label><input id="passport" name="passport" required></div>
            <div><label for="finding">\(L10n.t("lph.finding", lang))</label><select id="finding" name="finding">\(Views.options(FieldFinding.allCases.map { ($0.rawValue, L10n.t("lph.finding.\($0.rawValue)", lang)) }, selected: nil))</select></div></div>
            <label for="publicNote">\(L10n.t("insp.publicNote", lang))</label><input id="publicNote" name="publicNote" maxlength="1000">
            <label for="internalNote">\(L10n.t("insp.internalNote", lang))</label><input id="internalNote" name="internalNote" maxlength="2000">
            <p><button type="submit" class="secondary">\(L10n.t("insp.addFinding", lang))</button></p></form></section>
            <section class="card no-print"><h2>\(L10n.t("insp.complete", lang))</h2>
            <form method="post" action="/inspections/\(id)/complete" id="complete-form">\(csrf)
            <label for="outcome">\(L10n.t("insp.outcome", lang))</label><textarea id="outcome" name="outcome" rows="3" class="plain" required></textarea>
            <div class="grid two"><div><label for="requiredAction">\(L10n.t("insp.requiredAction", lang))</label><input id="requiredAction" name="requiredAction" maxlength="2000"></div>
            <div><label for="actionDue">\(L10n.t("task.due", lang))</label><input id="actionDue" name="actionDue" type="date"></div></div>
            <p><button type="submit">\(L10n.t("insp.complete", lang))</button></p></form></section>
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"inspection-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("nav.inspections", lang), body: """
        <h1>\(L10n.t("insp.title", lang)) · \(sponsor?.name)</h1>
        \(alert)
        <dl class="facts"><dt>\(L10n.t("lph.date", lang))</dt><dd>\(i.date)</dd><dt>\(L10n.t("insp.kind", lang))</dt><dd>\(L10n.t(i.announced ? "insp.announced" : "insp.unannounced", lang))</dd>
        <dt>\(L10n.t("insp.entry", lang))</dt><dd>\(i.entryProcedure)</dd><dt>\(L10n.t("insp.escort", lang))</dt><dd>\(i.escortName) \(i.escortPosition.map { "· \($0)" })</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd id="inspection-status">\(L10n.t("insp.status.\(i.status)", lang))</dd>
        \(d.outcome.map { "<dt>\(L10n.t("insp.outcome", lang))</dt><dd id=\"inspection-outcome\">\($0)</dd>" as HTML } ?? "")
        \(d.requiredAction.map { "<dt>\(L10n.t("insp.requiredAction", lang))</dt><dd id=\"inspection-action\">\($0) (\(d.actionDue ?? ""))</dd>" as HTML } ?? "")
        \(showInternal ? "<dt>\(L10n.t("insp.internalNote", lang))</dt><dd class=\"internal\">\(i.internalNotes ?? "")</dd>" as HTML : "")</dl>
        <h2>\(L10n.t("insp.findings", lang))</h2>
        <table class="responsive" id="inspection-findings"><tbody>\(findings)</tbody></table>
        \(forms)
        """, status: status)
    }

    struct CreateForm: Content { var sponsorId: UUID?; var date: String?; var announced: String?; var entryProcedure: String?; var escortName: String?; var escortPosition: String?; var officers: String? }

    static func createForm(_ req: Request) async throws -> Response {
        let f = try req.content.decode(CreateForm.self)
        do {
            let i = try await create(.init(sponsorId: f.sponsorId, date: f.date, announced: f.announced == "true", entryProcedure: f.entryProcedure,
                                           escortName: f.escortName, escortPosition: f.escortPosition, officers: f.officers), req)
            return req.redirect(to: "/inspections/\(i.id!.uuidString)")
        } catch let e as ValidationFailure {
            return try await renderList(req, error: e.message(req.language), status: .unprocessableEntity)
        }
    }

    static func findingForm(_ req: Request) async throws -> Response {
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        do { _ = try await addFinding(i, try req.content.decode(FindingInput.self), req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/inspections/\(i.id!.uuidString)")
    }

    static func completeForm(_ req: Request) async throws -> Response {
        let i = try await visible(req.parameters.get("id", as: UUID.self), req)
        do { _ = try await complete(i, try req.content.decode(CompleteInput.self), req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/inspections/\(i.id!.uuidString)")
    }
}
