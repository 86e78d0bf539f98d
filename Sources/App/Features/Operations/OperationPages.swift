import Fluent
import Matching
import Foundation
import Vapor

/// `/operations`: the office's joint operations (plan, targets, results, TAK); agency members see the
/// plans for their region and the aggregate results only.
enum OperationPages {
    static func register(_ web: any RoutesBuilder) {
        let all = web.grouped(RequireRole(.officer, .supervisor, .agency))
        all.get("operations", use: list)
        all.get("operations", ":id", use: show)
        let o = web.grouped(RequireRole(.officer, .supervisor))
        o.post("operations", use: create)
        o.post("operations", ":id", "results", use: result)
        o.post("operations", ":id", "actions", use: action)
        o.post("operations", ":id", "complete", use: complete)
    }

    static func aggregate(_ a: OperationsController.Aggregate, _ lang: Language) -> HTML {
        let actions: HTML = TAKAction.allCases.filter { (a.actions[$0.rawValue] ?? 0) > 0 }.html { "\(L10n.t("op.tak.\($0.rawValue)", lang)): \(a.actions[$0.rawValue] ?? 0)<br>" }
        return """
        <div class="grid"><div class="card stat-card"><p class="stat" id="op-targets">\(a.targets)</p><p>\(L10n.t("op.targets", lang))</p></div>
        <div class="card stat-card"><p class="stat" id="op-checked">\(a.checked)</p><p>\(L10n.t("op.checked", lang))</p></div>
        <div class="card stat-card"><p class="stat" id="op-violations">\(a.violations)</p><p>\(L10n.t("op.violations", lang))</p></div>
        <div class="card stat-card"><p>\(actions.raw.isEmpty ? "–" : actions)</p><p>\(L10n.t("op.actions", lang))</p></div></div>
        """
    }

    static func list(_ req: Request) async throws -> Response { try await renderList(req, error: nil) }

    static func renderList(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let ops = try await OperationsController.list(req)
        var rows: [HTML] = []
        for op in ops {
            let d = try await OperationsController.dto(op, req)
            rows.append("<tr><td><a href=\"/operations/\(op.id!.uuidString)\">\(op.title)</a></td><td>\(op.date)</td><td>\(op.areaCode)</td><td>\(L10n.t("op.status.\(op.status)", lang))</td><td>\(d.results.checked)/\(d.results.targets)</td><td>\(d.results.violations)</td></tr>")
        }
        var form: HTML = ""
        if p.role != .agency {
            let agencies = try await Agency.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
                .filter { a in p.jurisdiction.contains { RegionCode.overlaps($0, a.regionCode) } }
            let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
            form = """
            <section class="card no-print"><h2>\(L10n.t("op.new", lang))</h2>
            <form method="post" action="/operations" id="operation-form">\(csrf)
            <label for="title">\(L10n.t("op.title", lang))</label><input id="title" name="title" required maxlength="300">
            <div class="grid two">
            <div><label for="date">\(L10n.t("lph.date", lang))</label><input id="date" name="date" type="date" value="\(req.application.today)" required></div>
            <div><label for="areaCode">\(L10n.t("op.area", lang))</label><input id="areaCode" name="areaCode" required placeholder="35.16.05"></div>
            </div>
            <label for="agencyIds">\(L10n.t("op.agencies", lang))</label><select id="agencyIds" name="agencyIds[]" multiple size="6">\(Views.options(agencies.map { ($0.id!.uuidString, $0.name) }, selected: nil))</select>
            <label for="participants">\(L10n.t("op.participants", lang))</label><textarea id="participants" name="participants" rows="2" class="plain" maxlength="2000"></textarea>
            <label for="targetPassports">\(L10n.t("op.targetPassports", lang))</label><textarea id="targetPassports" name="targetPassports" rows="3" class="plain"></textarea>
            <p><button type="submit">\(L10n.t("op.create", lang))</button></p></form></section>
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"operation-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("nav.operations", lang), body: """
        <h1>\(L10n.t("nav.operations", lang))</h1>
        \(alert)
        \(p.role == .agency ? "<p class=\"notice\">\(L10n.t("imp.countsOnly", lang))</p>" as HTML : "")
        \(rows.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"operation-list\"><thead><tr><th>\(L10n.t("op.title", lang))</th><th>\(L10n.t("lph.date", lang))</th><th>\(L10n.t("op.area", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("op.checked", lang))</th><th>\(L10n.t("op.violations", lang))</th></tr></thead><tbody>\(HTML.join(rows))</tbody></table>" as HTML)
        \(form)
        """, status: status)
    }

    struct CreateForm: Content { var title: String?; var date: String?; var areaCode: String?; var agencyIds: [UUID]?; var participants: String?; var targetPassports: String? }

    static func create(_ req: Request) async throws -> Response {
        let f = try req.content.decode(CreateForm.self)
        do {
            // Targets by passport number, one per line; each must be a registry foreigner in scope.
            var targets: [OperationsController.TargetInput] = []
            for line in (f.targetPassports ?? "").split(whereSeparator: \.isNewline) {
                let raw = line.trimmingCharacters(in: .whitespaces)
                if raw.isEmpty { continue }
                guard let found = try await ScopePolicy.foreigners(req).filter(\.$passportKey == Normalize.documentID(raw)).first() else {
                    throw ValidationFailure("v.passportUnknownValue", field: "targetPassports", raw)
                }
                targets.append(.init(foreignerId: found.id, sponsorId: nil, label: nil))
            }
            let op = try await OperationsController.create(.init(title: f.title, date: f.date, areaCode: f.areaCode, agencyIds: f.agencyIds, participants: f.participants, targets: targets), req)
            return req.redirect(to: "/operations/\(op.id!.uuidString)")
        } catch let e as ValidationFailure {
            return try await renderList(req, error: e.message(req.language), status: .unprocessableEntity)
        }
    }

    static func show(_ req: Request) async throws -> Response { try await render(req, error: nil) }

    static func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        let d = try await OperationsController.dto(op, req)
        let id = op.id!.uuidString
        let region = try await Region.find(op.areaCode, on: req.db)?.name ?? ""
        let agencyNames = try await Agency.query(on: req.db).filter(\.$id ~~ op.agencies).all().map(\.name).sorted()
        var details: HTML = ""
        if p.role != .agency {
            let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
            let ids = (d.targets ?? []).compactMap(\.foreignerId)
            let people = ids.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ ids).all()
            let nameOf = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0.fullName) })
            let open = op.status == OperationStatus.planned.rawValue
            let targets: HTML = (d.targets ?? []).html { t in
                let who: HTML = t.foreignerId.map { "<a href=\"/foreigners/\($0.uuidString)\">\(nameOf[$0] ?? $0.uuidString)</a>" as HTML } ?? "\(t.label ?? "")"
                let form: HTML = open ? """
                <form method="post" action="/operations/\(id)/results" class="triage">\(csrf)<input type="hidden" name="targetId" value="\(t.id.uuidString)">
                <select name="result" aria-label="\(L10n.t("op.result", lang))">\(Views.options(TargetResult.allCases.map { ($0.rawValue, L10n.t("op.result.\($0.rawValue)", lang)) }, selected: t.result))</select>
                <select name="finding" aria-label="\(L10n.t("lph.finding", lang))"><option value="">—</option>\(Views.options(FieldFinding.allCases.map { ($0.rawValue, L10n.t("lph.finding.\($0.rawValue)", lang)) }, selected: t.finding))</select>
                <input name="note" value="\(t.note)" aria-label="\(L10n.t("lph.note", lang))"><button type="submit" class="secondary">\(L10n.t("op.save", lang))</button></form>
                """ : "\(L10n.t("op.result.\(t.result)", lang)) \(t.finding.map { L10n.t("lph.finding.\($0)", lang) } ?? "") \(t.note ?? "")"
                return "<tr class=\"target\"><td>\(who)</td><td>\(form)</td></tr>"
            }
            let actions: HTML = (d.actions ?? []).html { a in
                "<tr><td>\(L10n.t("op.tak.\(a.action)", lang))</td><td>\(a.legalBasis)</td><td>\(L10n.t("op.takStatus.\(a.status)", lang))</td><td>\(a.dueOn)\(a.overdue ? " · \(L10n.t("task.overdue", lang))" : "")</td><td>\(a.note)</td></tr>"
            }
            let targetOptions = (d.targets ?? []).map { t in (t.id.uuidString, t.foreignerId.flatMap { nameOf[$0] } ?? t.label ?? t.id.uuidString) }
            details = """
            <h2>\(L10n.t("op.targets", lang))</h2>
            <table class="responsive" id="operation-targets"><tbody>\(targets)</tbody></table>
            <h2>\(L10n.t("op.actions", lang))</h2>
            \((d.actions ?? []).isEmpty ? "" : "<table class=\"responsive\" id=\"operation-actions\"><tbody>\(actions)</tbody></table>" as HTML)
            <section class="card no-print"><form method="post" action="/operations/\(id)/actions" id="tak-form">\(csrf)
            <div class="grid two">
            <div><label for="targetId">\(L10n.t("op.target", lang))</label><select id="targetId" name="targetId"><option value="">—</option>\(Views.options(targetOptions, selected: nil))</select></div>
            <div><label for="action">\(L10n.t("op.actions", lang))</label><select id="action" name="action">\(Views.options(TAKAction.allCases.map { ($0.rawValue, L10n.t("op.tak.\($0.rawValue)", lang)) }, selected: nil))</select></div>
            <div><label for="legalBasis">\(L10n.t("op.legalBasis", lang))</label><input id="legalBasis" name="legalBasis" required placeholder="UU 6/2011 Pasal 75"></div>
            <div><label for="dueOn">\(L10n.t("task.due", lang))</label><input id="dueOn" name="dueOn" type="date"></div>
            </div><p><button type="submit">\(L10n.t("op.addAction", lang))</button></p></form></section>
            \(open ? "<form method=\"post\" action=\"/operations/\(id)/complete\" class=\"no-print\">\(csrf)<label for=\"summary\">\(L10n.t("op.summary", lang))</label><textarea id=\"summary\" name=\"summary\" rows=\"3\" class=\"plain\"></textarea><p><button type=\"submit\" id=\"complete-operation\">\(L10n.t("op.complete", lang))</button></p></form>" as HTML : "")
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"operation-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: op.title, body: """
        <h1>\(op.title)</h1>
        \(alert)
        <dl class="facts"><dt>\(L10n.t("lph.date", lang))</dt><dd>\(op.date)</dd><dt>\(L10n.t("op.area", lang))</dt><dd>\(region) (\(op.areaCode))</dd>
        <dt>\(L10n.t("op.agencies", lang))</dt><dd>\(agencyNames.joined(separator: ", "))</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd id="operation-status">\(L10n.t("op.status.\(op.status)", lang))</dd>
        \(p.role == .agency ? "" : "<dt>\(L10n.t("op.participants", lang))</dt><dd>\(op.participants)</dd>" as HTML)</dl>
        \(aggregate(d.results, lang))
        \(details)
        \(try await CoordinationPages.thread(.operation, op.id!, req))
        <p class="no-print"><a href="/operations">\(L10n.t("nav.operations", lang))</a></p>
        """, status: status)
    }

    static func result(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        let input = try req.content.decode(OperationsController.ResultInput.self)
        do { _ = try await OperationsController.recordResult(op, input, req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        }
        return req.redirect(to: "/operations/\(op.id!.uuidString)")
    }

    static func action(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        // The form's "—" sends an empty targetId, which is no target (not an invalid UUID).
        struct Form: Content { var targetId: String?; var action: String?; var legalBasis: String?; var status: String?; var dueOn: String?; var note: String? }
        let f = try req.content.decode(Form.self)
        let input = OperationsController.ActionInput(targetId: f.targetId.flatMap(UUID.init(uuidString:)), foreignerId: nil, action: f.action,
                                                     legalBasis: f.legalBasis, status: f.status, dueOn: f.dueOn, note: f.note)
        do { _ = try await OperationsController.recordAction(op, input, req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        }
        return req.redirect(to: "/operations/\(op.id!.uuidString)")
    }

    static func complete(_ req: Request) async throws -> Response {
        let op = try await OperationsController.visible(req.parameters.get("id", as: UUID.self), req)
        let input = try? req.content.decode(OperationsController.CompleteInput.self)
        do { _ = try await OperationsController.complete(op, summary: input?.summary, req) } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/operations/\(op.id!.uuidString)")
    }
}
