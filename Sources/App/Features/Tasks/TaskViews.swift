import Foundation
import Vapor

/// `/tasks`: the officer's queue or the office's tasks, and for supervisors the form that creates one.
enum TaskViews {
    struct PageModel {
        var tasks: [FieldTask]
        var total: Int
        var paging: Paging
        var assignees: [UUID: [UUID]]
        var names: [UUID: String]
        var me: UUID
        var officers: [(UUID, String)]?        // supervisors: whom a task can go to
        var form: FormState
        var error: String?
    }

    static func page(_ req: Request, _ m: PageModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let today = req.application.today
        let rows: HTML = m.tasks.html { t in
            let overdue = t.status == TaskStatus.open.rawValue && t.dueOn < today
            let target: HTML = t.foreignerID.map { "<a href=\"\(SiteURL.foreigner(.id($0)).path)\">\(L10n.t("task.foreigner", lang))</a>" as HTML }
                ?? t.sponsorID.map { "<a href=\"\(SiteURL.sponsor(.id($0)).path)\">\(L10n.t("task.company", lang))</a>" as HTML } ?? ""
            let mine = (m.assignees[t.id!] ?? []).contains(m.me)
            let action: HTML = mine && t.status == TaskStatus.open.rawValue
                ? "\(Form.open(req, action: FieldWorkURL.taskDone(.id(t.id!)).path, id: "done-\(t.id!.uuidString)", classes: "inline"))<button type=\"submit\" class=\"secondary\">\(L10n.t("task.markDone", lang))</button></form>"
                : ""
            return """
            <tr class="task\(overdue ? HTML(" overdue") : "")" id="task-\(t.id!.uuidString)"><td>\(t.title)<br><span class="muted">\(L10n.t("task.kind.\(t.kind)", lang))</span> \(target)</td>
            <td>\(Views.day(t.dueOn, req))\(overdue ? "<br><span class=\"badge overstayed\">\(L10n.t("task.overdue", lang))</span>" as HTML : "")</td>
            <td>\((m.assignees[t.id!] ?? []).map { m.names[$0] ?? "" }.joined(separator: ", "))</td><td>\(L10n.t("task.status.\(t.status)", lang))</td><td>\(action)</td></tr>
            """
        }
        var form: HTML = ""
        if let officers = m.officers {
            let s = m.form
            form = """
            <section class="card no-print"><h2>\(L10n.t("task.new", lang))</h2>
            \(Form.open(req, action: FieldWorkURL.tasks.path, id: "task-form", state: s))
              \(Form.field("title", label: L10n.t("task.title", lang), state: s, required: true, attributes: "maxlength=\"300\""))
              <div class="grid two">
                \(Form.field("kind", label: L10n.t("task.kindLabel", lang), state: s, kind: .select(TaskKind.allCases.map { ($0.rawValue, L10n.t("task.kind.\($0.rawValue)", lang)) }), required: true))
                \(Form.field("dueOn", label: L10n.t("task.due", lang), state: s, kind: .date, required: true, attributes: "min=\"\(today)\""))
                \(Form.field("assignee", label: L10n.t("task.assignee", lang), state: s, kind: .select(officers.map { ($0.0.uuidString, $0.1) }), required: true))
                \(Form.field("publicReportCode", label: L10n.t("report.code", lang), state: s, hint: "LPR-XXXX-XXXX-XXXX", attributes: "autocapitalize=\"characters\""))
              </div>
              \(Form.submit(L10n.t("task.create", lang)))
            </form></section>
            """
        }
        let alert: HTML = m.error.map { "<p class=\"alert\" role=\"alert\" id=\"task-error\">\($0)</p>" } ?? ""
        let table: HTML = m.tasks.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="task-list"><thead><tr><th>\(L10n.t("task.title", lang))</th><th>\(L10n.t("task.due", lang))</th><th>\(L10n.t("task.assignee", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("list.actions", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """
        return Views.page(req, title: L10n.t("nav.tasks", lang), body: """
        <h1>\(L10n.t("nav.tasks", lang))</h1>
        \(alert)
        \(table)
        \(form)
        """, status: status)
    }
}
