import Foundation
import Vapor

/// Pages of joint operations: the list with the plan form (`/operations`) and one operation with its
/// targets, results, administrative actions (TAK), completion, report print and discussion.
enum OperationViews {
    struct Row { var op: JointOperation; var results: OperationsController.Aggregate }

    struct ListModel {
        var rows: [Row]
        /// Region names by code ("Ngoro, Kabupaten Mojokerto, Jawa Timur").
        var places: [String: String]
        var canPlan: Bool
        var agencies: [Agency]
        var jurisdiction: [String]
        var form: FormState
        var orders: [FieldOrder] = []
        var pager: HTML = ""
    }

    static func list(_ req: Request, _ m: ListModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let rows: HTML = m.rows.html { r in
            """
            <tr><td><a href="\(OperationURL.show(.id(r.op.id!)).path)">\(r.op.title)</a></td><td>\(Views.day(r.op.date, req))</td>
            <td>\(Views.place(r.op.areaCode, in: m.places))</td><td>\(L10n.t("op.status.\(r.op.status)", lang))</td>
            <td>\(r.results.checked)/\(r.results.targets)</td><td>\(r.results.violations)</td></tr>
            """
        }
        let table: HTML = m.rows.isEmpty ? "<p class=\"card muted\">\(L10n.t("coord.noOperations", lang))</p>" : """
        <table class="responsive" id="operation-list"><thead><tr><th>\(L10n.t("op.title", lang))</th><th>\(L10n.t("lph.date", lang))</th><th>\(L10n.t("op.area", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("op.checked", lang))</th><th>\(L10n.t("op.violations", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """
        var form: HTML = ""
        if m.canPlan {
            let s = m.form
            let picker = try await RegionPicker.field(req, name: "areaCode", label: L10n.t("op.area", lang), state: s, depth: .village,
                                                      within: m.jurisdiction, required: true, hint: L10n.t("coord.areaHint", lang))
            form = """
            <section class="card no-print" id="plan"><h2>\(L10n.t("op.new", lang))</h2>
            \(Form.open(req, action: OperationURL.list.path, id: "operation-form", state: s))
            \(Form.field("title", label: L10n.t("op.title", lang), state: s, required: true, attributes: "maxlength=\"300\""))
            \(Form.field("date", label: L10n.t("lph.date", lang), state: s, kind: .date, required: true))
            \(picker)
            \(CoordinationForm.agencies("agencyIds", label: L10n.t("op.agencies", lang), options: m.agencies, state: s, lang: lang))
            \(Form.field("participants", label: L10n.t("op.participants", lang), state: s, kind: .textarea(rows: 2), attributes: "maxlength=\"2000\" class=\"plain\""))
            \(Form.field("targetPassports", label: L10n.t("op.targetPassports", lang), state: s, kind: .textarea(rows: 3), hint: L10n.t("coord.targetsHint", lang), attributes: "class=\"plain\""))
            \(CoordinationForm.order(state: s, orders: m.orders, lang: lang))
            \(Form.submit(L10n.t("op.create", lang)))
            </form></section>
            """
        }
        return Views.page(req, title: L10n.t("nav.operations", lang), body: """
        <h1>\(L10n.t("nav.operations", lang))</h1>
        \(m.canPlan ? "" : "<p class=\"notice\">\(L10n.t("op.countsOnly", lang))</p>" as HTML)
        \(table)
        \(m.pager)
        \(form)
        """, status: status)
    }

    /// The forms of an operation's page, each with its own input and errors after a failure.
    struct Forms {
        /// The target whose result form failed, and that form's state.
        var resultTarget: UUID?
        var result = FormState()
        var action = FormState()
        var complete = FormState()
        var message = FormState()
        /// The action whose transition form failed, and that form's state.
        var transitionAction: UUID?
        var transition = FormState()
    }

    struct ShowModel {
        var op: JointOperation
        var dto: OperationsController.OperationDTO
        var places: [String: String]
        var agencyNames: [String]
        /// Names of the foreigners targeted (office staff only).
        var names: [UUID: String]
        /// Whether results, actions and completion may be recorded (office staff, not agency members).
        var canRecord: Bool
        /// Whether the user may decide actions (supervisors).
        var canDecide = false
        var forms: Forms
        var thread: CoordinationViews.ThreadModel
        /// The order the operation runs under, when there is one and the user may see it.
        var order: FieldOrder? = nil
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

    static func show(_ req: Request, _ m: ShowModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let op = m.op, d = m.dto
        let opID = URLParam.id(op.id!)
        let open = op.status == OperationStatus.planned.rawValue
        let ahead = OperationsController.beforeItsDay(op, req)
        var details: HTML = ""
        if m.canRecord {
            let targets = d.targets ?? []
            let resultOptions: [(value: String, label: String)] = TargetResult.allCases.map { ($0.rawValue, L10n.t("op.result.\($0.rawValue)", lang)) }
            let findingOptions: [(value: String, label: String)] = [("", "—")] + FieldFinding.allCases.map { ($0.rawValue, L10n.t("lph.finding.\($0.rawValue)", lang)) }
            let targetRows: HTML = targets.html { t in
                let who: HTML = t.foreignerId.map { "<a href=\"\(SiteURL.foreigner(.id($0)).path)\">\(m.names[$0] ?? "")</a>" as HTML } ?? "\(t.label ?? "")"
                let cell: HTML
                // Results are recorded from the operation's day: before it the form is not offered (a "Simpan" that can
                // only fail), and the target's state reads as text.
                if open && !ahead {
                    let tid = t.id.uuidString
                    let s = m.forms.resultTarget == t.id ? m.forms.result
                        : FormState(values: ["result": t.result, "finding": t.finding ?? "", "note": t.note ?? ""])
                    cell = """
                    \(Form.open(req, action: OperationURL.results(opID).path, id: "result-form-\(tid)", state: s, classes: "triage"))<input type="hidden" name="targetId" value="\(tid)">
                    \(Form.field("result", label: L10n.t("op.result", lang), state: s, kind: .select(resultOptions), id: "result-\(tid)"))
                    \(Form.field("finding", label: L10n.t("lph.finding", lang), state: s, kind: .select(findingOptions), id: "finding-\(tid)"))
                    \(Form.field("note", label: L10n.t("lph.note", lang), state: s, id: "note-\(tid)", attributes: "maxlength=\"2000\""))
                    \(Form.submit(L10n.t("op.save", lang), secondary: true))</form>
                    """
                } else {
                    cell = "\(L10n.t("op.result.\(t.result)", lang))\(t.finding.map { " · " + L10n.t("lph.finding.\($0)", lang) } ?? "")\(t.note.map { " · " + $0 } ?? "")"
                }
                return "<tr class=\"target\"><td>\(who)</td><td>\(cell)</td></tr>"
            }
            let notYet: HTML = open && ahead && !targets.isEmpty
                ? "<p class=\"muted\" id=\"results-not-yet\">\(L10n.format("op.resultsFrom", lang, [Views.day(op.date, req)]))</p>" : ""
            let targetTable: HTML = targets.isEmpty ? "<p class=\"muted\">\(L10n.t("coord.noTargets", lang))</p>" : """
            \(notYet)<table class="responsive" id="operation-targets"><thead><tr><th>\(L10n.t("op.target", lang))</th><th>\(L10n.t("op.result", lang))</th></tr></thead><tbody>\(targetRows)</tbody></table>
            """
            let actionRows: HTML = (d.actions ?? []).html { a in
                let next = a.next.filter { $0 != TAKStatus.decided.rawValue || m.canDecide }
                let failed = m.forms.transitionAction == a.id ? m.forms.transition : FormState()
                let aid = a.id.uuidString
                let step: HTML = !m.canRecord || next.isEmpty ? "" : """
                \(Form.open(req, action: OperationURL.transition(opID, .id(a.id)).path, id: "tak-step-\(aid)", state: failed, classes: "tak-step"))
                \(Form.field("to", label: L10n.t("tak.next", lang), state: failed, kind: .select([("", L10n.t("tak.chooseNext", lang))] + next.map { ($0, L10n.t("tak.to.\($0)", lang)) }), required: true, id: "to-\(aid)"))
                \(next.contains(TAKStatus.decided.rawValue) ? Form.field("decisionNumber", label: L10n.t("tak.decisionNumber", lang), state: failed, hint: L10n.t("tak.decisionHint", lang), id: "decision-\(aid)", attributes: "maxlength=\"100\"") : "")
                \(Form.field("note", label: L10n.t("lph.note", lang), state: failed, hint: next.contains(TAKStatus.cancelled.rawValue) ? L10n.t("tak.cancelHint", lang) : nil, id: "step-note-\(aid)", attributes: "maxlength=\"2000\""))
                \(Form.submit(L10n.t("tak.save", lang), id: "step-submit-\(aid)", secondary: true))
                </form>
                """
                let decided: HTML = a.decisionNumber.map { HTML("<br><span class=\"muted\">\(L10n.t("tak.decisionNumber", lang)): \($0)</span>") } ?? ""
                let article: HTML = TAKAction(rawValue: a.action)?.article.map { HTML(" <span class=\"muted\">(\(L10n.t("tak.article", lang)) \($0))</span>") }
                    ?? HTML(" <span class=\"muted\">(\(L10n.t("tak.notTAK", lang)))</span>")
                // Whom it is against: the target's name (or label), so that one of several is told apart.
                let subject = a.foreignerId.flatMap { m.names[$0] } ?? a.targetId.flatMap { tid in targets.first { $0.id == tid } }.flatMap { t in t.foreignerId.flatMap { m.names[$0] } ?? t.label }
                let against: HTML = subject.map { "<br><span class=\"muted\">\(L10n.t("op.against", lang)): \($0)</span>" as HTML } ?? ""
                return """
                <tr id="tak-\(aid)"><td>\(L10n.t("op.tak.\(a.action)", lang))\(article)\(against)</td><td>\(a.legalBasis)</td><td>\(L10n.t("op.takStatus.\(a.status)", lang))\(decided)</td>
                <td>\(Views.day(a.dueOn, req))\(a.overdue ? " · \(L10n.t("task.overdue", lang))" : "")</td><td>\(a.note ?? "")\(step)</td></tr>
                """
            }
            let actionTable: HTML = (d.actions ?? []).isEmpty ? "" : """
            <table class="responsive" id="operation-actions"><thead><tr><th>\(L10n.t("coord.takAction", lang))</th><th>\(L10n.t("op.legalBasis", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("task.due", lang))</th><th>\(L10n.t("lph.note", lang))</th></tr></thead><tbody>\(actionRows)</tbody></table>
            """
            let a = m.forms.action
            let targetOptions: [(value: String, label: String)] = [("", L10n.t("op.chooseTarget", lang))] + targets.map { t in (t.id.uuidString, t.foreignerId.flatMap { m.names[$0] } ?? t.label ?? "") }
            // Nothing chosen at first: the first choice is an entry on the ban list, which one careless tap recorded.
            let takOptions: [(value: String, label: String)] = [("", L10n.t("op.chooseAction", lang))] + TAKAction.allCases.map { ($0.rawValue, L10n.t("op.tak.\($0.rawValue)", lang)) }
            let takForm: HTML = ahead ? """
            <section class="card no-print"><h3>\(L10n.t("op.addAction", lang))</h3><p class="muted" id="actions-not-yet">\(L10n.format("op.actionsFrom", lang, [Views.day(op.date, req)]))</p></section>
            """ : """
            <section class="card no-print"><h3>\(L10n.t("op.addAction", lang))</h3>
            \(Form.open(req, action: OperationURL.actions(opID).path, id: "tak-form", state: a))
            <div class="grid two">
            \(Form.field("targetId", label: L10n.t("op.target", lang), state: a, kind: .select(targetOptions), required: true))
            \(Form.field("action", label: L10n.t("coord.takAction", lang), state: a, kind: .select(takOptions), required: true))
            \(Form.field("legalBasis", label: L10n.t("op.legalBasis", lang), state: a, required: true, hint: L10n.t("coord.legalBasisHint", lang), attributes: "maxlength=\"300\""))
            \(Form.field("dueOn", label: L10n.t("task.due", lang), state: a, kind: .date))
            </div>
            \(Form.field("note", label: L10n.t("lph.note", lang), state: a, id: "tak-note", attributes: "maxlength=\"2000\""))
            \(Form.submit(L10n.t("op.addAction", lang)))</form></section>
            """
            let c = m.forms.complete
            // Completed from the operation's day on, with a summary; targets left unchecked are said to be so, in a tick.
            let unchecked = targets.filter { $0.result == TargetResult.notChecked.rawValue }.count
            let confirmError = c.errors["uncheckedConfirmed"]
            let confirmMarks: HTML = confirmError != nil ? " aria-invalid=\"true\" aria-describedby=\"uncheckedConfirmed-error\"\(Form.focusCandidate)" : ""
            let confirm: HTML = unchecked == 0 ? "" : """
            <div class="field\(confirmError != nil ? HTML(" has-error") : "")"><p class="check-row"><input type="checkbox" class="check" id="uncheckedConfirmed" name="uncheckedConfirmed" value="1"\(c.value("uncheckedConfirmed") == "1" ? HTML(" checked") : "")\(confirmMarks)><label class="inline-label" for="uncheckedConfirmed">\(L10n.format("op.uncheckedConfirm", lang, [String(unchecked)]))</label></p>\(confirmError.map { "<p class=\"field-error\" id=\"uncheckedConfirmed-error\">\($0)</p>" as HTML } ?? "")</div>
            """
            let completeForm: HTML = !open ? "" : ahead ? """
            <section class="card no-print"><h2>\(L10n.t("op.complete", lang))</h2><p class="muted" id="complete-not-yet">\(L10n.format("op.completeFrom", lang, [Views.day(op.date, req)]))</p></section>
            """ : """
            <section class="card no-print"><h2>\(L10n.t("op.complete", lang))</h2>
            \(Form.open(req, action: OperationURL.complete(opID).path, id: "complete-form", state: c))
            \(Form.field("summary", label: L10n.t("op.summary", lang), state: c, kind: .textarea(rows: 3), required: true, attributes: "maxlength=\"4000\" class=\"plain\""))
            \(confirm)
            <p class="actions"><button type="submit" id="complete-operation">\(L10n.t("op.complete", lang))</button></p></form></section>
            """
            details = """
            <h2>\(L10n.t("op.targets", lang))</h2>
            \(targetTable)
            <h2>\(L10n.t("op.actions", lang))</h2>
            \(actionTable)
            \(takForm)
            \(completeForm)
            """
        }
        // A failure whose form is not on the page (the operation was completed meanwhile, a forged target).
        var stray: [String] = []
        let resultShown = open && !ahead && (d.targets ?? []).contains { $0.id == m.forms.resultTarget }
        if m.forms.result.hasErrors && !resultShown { stray.append(m.forms.result.summary ?? m.forms.result.errors.values.first ?? "") }
        if m.forms.complete.hasErrors && !open { stray.append(m.forms.complete.summary ?? m.forms.complete.errors.values.first ?? "") }
        let alert: HTML = stray.isEmpty ? "" : "<p class=\"alert\" role=\"alert\" id=\"operation-error\">\(stray.joined(separator: " "))</p>"
        return Views.page(req, title: op.title, body: """
        <h1>\(op.title)</h1>
        \(alert)
        <dl class="facts"><dt>\(L10n.t("lph.date", lang))</dt><dd>\(Views.day(op.date, req))</dd>
        <dt>\(L10n.t("op.area", lang))</dt><dd id="operation-area">\(Views.place(op.areaCode, in: m.places))</dd>
        <dt>\(L10n.t("op.agencies", lang))</dt><dd>\(m.agencyNames.isEmpty ? "—" : m.agencyNames.joined(separator: ", "))</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd id="operation-status">\(L10n.t("op.status.\(op.status)", lang))</dd>
        \(m.canRecord ? "<dt>\(L10n.t("op.participants", lang))</dt><dd class=\"multiline\">\((op.participants ?? "").isEmpty ? "—" : op.participants ?? "")</dd>" as HTML : "")
        \(m.order.map { o in "<dt>\(L10n.t("order.field", lang))</dt><dd id=\"operation-order\"><a href=\"\(OrderURL.show(.id(o.id!)).path)\">\(o.number)</a></dd>" as HTML }
            ?? (m.canRecord ? op.withoutOrder.map { "<dt>\(L10n.t("order.field", lang))</dt><dd id=\"operation-order\">\(L10n.t("order.reason.\($0)", lang))</dd>" as HTML } : nil) ?? "")
        \(m.canRecord && d.summary != nil ? "<dt>\(L10n.t("op.summary", lang))</dt><dd id=\"operation-summary\" class=\"multiline\">\(d.summary)</dd>" as HTML : "")</dl>
        \(aggregate(d.results, lang))
        \(CoordinationForm.printButton(L10n.t("coord.printOperation", lang)))
        \(details)
        \(CoordinationViews.thread(req, m.thread))
        <p class="no-print"><a href="\(OperationURL.list.path)">\(L10n.t("nav.operations", lang))</a></p>
        """, status: status)
    }
}
