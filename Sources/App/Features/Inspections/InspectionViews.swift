import Foundation
import Vapor

/// Pages of company inspections: the list with the plan form (`/inspections`) and one inspection with its
/// findings, completion and report print. Sponsors see their completed inspections without internal notes.
enum InspectionViews {
    struct ListModel {
        var items: [Inspection]
        var companyNames: [UUID: String]
        /// Companies that may be inspected (office staff); nil for a sponsor, who plans nothing.
        /// The company picker (`SponsorPicker`), for those who plan inspections.
        var companies: HTML?
        var form: FormState
        var orders: [FieldOrder] = []
        var pager: HTML = ""
    }

    static func kindOptions(_ lang: Language) -> [(value: String, label: String)] {
        [("true", L10n.t("insp.announced", lang)), ("false", L10n.t("insp.unannounced", lang))]
    }

    static func list(_ req: Request, _ m: ListModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let rows: HTML = m.items.html { i in
            """
            <tr><td><a href="\(InspectionURL.show(.id(i.id!)).path)">\(m.companyNames[i.sponsorID] ?? "")</a></td><td>\(Views.day(i.date, req))</td>
            <td>\(L10n.t(i.announced ? "insp.announced" : "insp.unannounced", lang))</td><td>\(L10n.t("insp.status.\(i.status)", lang))</td>
            <td>\(i.requiredAction)\(i.actionDue.map { " (\(L10n.t("task.due", lang)) \(Views.day($0, req)))" } ?? "")</td></tr>
            """
        }
        let table: HTML = m.items.isEmpty ? "<p class=\"card muted\">\(L10n.t("coord.noInspections", lang))</p>" : """
        <table class="responsive" id="inspection-list"><thead><tr><th>\(L10n.t("insp.company", lang))</th><th>\(L10n.t("lph.date", lang))</th><th>\(L10n.t("insp.kind", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("insp.requiredAction", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """
        var form: HTML = ""
        if let companies = m.companies {
            let s = m.form
            form = """
            <section class="card no-print" id="plan"><h2>\(L10n.t("insp.new", lang))</h2>
            \(Form.open(req, action: InspectionURL.list.path, id: "inspection-form", state: s))
            \(companies)
            <div class="grid two">
            \(Form.field("date", label: L10n.t("lph.date", lang), state: s, kind: .date, required: true))
            \(Form.field("announced", label: L10n.t("insp.kind", lang), state: s, kind: .select(kindOptions(lang))))
            \(Form.field("escortName", label: L10n.t("insp.escort", lang), state: s, attributes: "maxlength=\"200\""))
            \(Form.field("escortPosition", label: L10n.t("insp.escortPosition", lang), state: s, attributes: "maxlength=\"200\""))
            </div>
            \(Form.field("entryProcedure", label: L10n.t("insp.entry", lang), state: s, attributes: "maxlength=\"1000\""))
            \(Form.field("officers", label: L10n.t("op.participants", lang), state: s, attributes: "maxlength=\"1000\""))
            \(CoordinationForm.order(state: s, orders: m.orders, lang: lang))
            \(Form.submit(L10n.t("coord.planInspection", lang)))
            </form></section>
            """
        }
        return Views.page(req, title: L10n.t("nav.inspections", lang), body: """
        <h1>\(L10n.t("nav.inspections", lang))</h1>
        \(table)
        \(m.pager)
        \(form)
        """, status: status)
    }

    /// The forms of an inspection's page, each with its own input and errors after a failure.
    struct Forms {
        var finding = FormState()
        var complete = FormState()
    }

    struct ShowModel {
        var inspection: Inspection
        var dto: InspectionsController.InspectionDTO
        var companyName: String
        var workerNames: [UUID: String]
        /// Office staff: internal notes and the forms; a sponsor: what concerns it only.
        var showInternal: Bool
        var forms: Forms
    }

    static func show(_ req: Request, _ m: ShowModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let i = m.inspection, d = m.dto
        let iid = URLParam.id(i.id!)
        let open = i.status == InspectionStatus.planned.rawValue
        let findingRows: HTML = d.findings.html { f in
            "<tr><td>\(m.workerNames[f.foreignerId] ?? "")</td><td>\(L10n.t("lph.finding.\(f.finding)", lang))</td><td>\(f.publicNote)</td>\(m.showInternal ? "<td class=\"internal\">\(f.internalNote ?? "")</td>" as HTML : "")</tr>"
        }
        let findings: HTML = d.findings.isEmpty ? "<p class=\"muted\">\(L10n.t("coord.noFindings", lang))</p>" : """
        <table class="responsive" id="inspection-findings"><thead><tr><th>\(L10n.t("coord.worker", lang))</th><th>\(L10n.t("lph.finding", lang))</th><th>\(L10n.t("insp.publicNote", lang))</th>\(m.showInternal ? "<th>\(L10n.t("insp.internalNote", lang))</th>" as HTML : "")</tr></thead><tbody>\(findingRows)</tbody></table>
        """
        var forms: HTML = ""
        if m.showInternal && open {
            let f = m.forms.finding, c = m.forms.complete
            let findingOptions: [(value: String, label: String)] = FieldFinding.allCases.map { ($0.rawValue, L10n.t("lph.finding.\($0.rawValue)", lang)) }
            forms = """
            <section class="card no-print"><h2>\(L10n.t("insp.addFinding", lang))</h2>
            \(Form.open(req, action: InspectionURL.findings(iid).path, id: "finding-form", state: f))
            <div class="grid two">
            \(Form.field("passport", label: L10n.t("lph.registryPassport", lang), state: f, required: true))
            \(Form.field("finding", label: L10n.t("lph.finding", lang), state: f, kind: .select(findingOptions)))
            </div>
            \(Form.field("publicNote", label: L10n.t("insp.publicNote", lang), state: f, attributes: "maxlength=\"1000\""))
            \(Form.field("internalNote", label: L10n.t("insp.internalNote", lang), state: f, attributes: "maxlength=\"2000\""))
            \(Form.submit(L10n.t("insp.addFinding", lang), secondary: true))</form></section>
            <section class="card no-print"><h2>\(L10n.t("insp.complete", lang))</h2>
            \(Form.open(req, action: InspectionURL.complete(iid).path, id: "complete-form", state: c))
            \(Form.field("outcome", label: L10n.t("insp.outcome", lang), state: c, kind: .textarea(rows: 3), required: true, attributes: "maxlength=\"2000\" class=\"plain\""))
            <div class="grid two">
            \(Form.field("requiredAction", label: L10n.t("insp.requiredAction", lang), state: c, attributes: "maxlength=\"2000\""))
            \(Form.field("actionDue", label: L10n.t("task.due", lang), state: c, kind: .date, hint: L10n.t("coord.actionDueHint", lang)))
            </div>
            \(Form.submit(L10n.t("insp.complete", lang)))</form></section>
            """
        }
        // A failure whose form is no longer on the page (the inspection was completed meanwhile).
        let stray: [String] = open ? [] : [m.forms.finding, m.forms.complete].filter(\.hasErrors).map { $0.summary ?? $0.errors.values.first ?? "" }
        let alert: HTML = stray.isEmpty ? "" : "<p class=\"alert\" role=\"alert\" id=\"inspection-error\">\(stray.joined(separator: " "))</p>"
        return Views.page(req, title: "\(L10n.t("insp.title", lang)) · \(m.companyName)", body: """
        <h1>\(L10n.t("insp.title", lang)) · \(m.companyName)</h1>
        \(alert)
        <dl class="facts"><dt>\(L10n.t("lph.date", lang))</dt><dd>\(Views.day(i.date, req))</dd><dt>\(L10n.t("insp.kind", lang))</dt><dd>\(L10n.t(i.announced ? "insp.announced" : "insp.unannounced", lang))</dd>
        <dt>\(L10n.t("insp.entry", lang))</dt><dd>\(i.entryProcedure)</dd><dt>\(L10n.t("insp.escort", lang))</dt><dd>\(i.escortName)\(i.escortPosition.map { " · \($0)" } ?? "")</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd id="inspection-status">\(L10n.t("insp.status.\(i.status)", lang))</dd>
        \(d.outcome.map { "<dt>\(L10n.t("insp.outcome", lang))</dt><dd id=\"inspection-outcome\">\($0)</dd>" as HTML } ?? "")
        \(d.requiredAction.map { "<dt>\(L10n.t("insp.requiredAction", lang))</dt><dd id=\"inspection-action\">\($0)\(d.actionDue.map { " (\(L10n.t("task.due", lang)) \(Views.day($0, req)))" } ?? "")</dd>" as HTML } ?? "")
        \(m.showInternal ? "<dt>\(L10n.t("op.participants", lang))</dt><dd>\(i.officers ?? "")</dd><dt>\(L10n.t("insp.internalNote", lang))</dt><dd class=\"internal\">\(i.internalNotes ?? "")</dd>" as HTML : "")</dl>
        \(CoordinationForm.printButton(L10n.t("coord.printInspection", lang)))
        <h2>\(L10n.t("insp.findings", lang))</h2>
        \(findings)
        \(forms)
        <p class="no-print"><a href="\(InspectionURL.list.path)">\(L10n.t("nav.inspections", lang))</a></p>
        """, status: status)
    }
}
