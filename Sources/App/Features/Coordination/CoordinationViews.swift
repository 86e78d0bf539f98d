import Foundation
import Vapor

/// Pages of Timpora meetings (`/meetings`, `/meetings/{id}`: agenda, minutes and decisions, attachments,
/// print of the minutes) and the discussion shown on a meeting's or an operation's page.
enum CoordinationViews {
    // MARK: discussion

    struct ThreadModel {
        var kind: CoordinationController.ThreadKind
        var id: UUID
        var messages: [CoordinationController.MessageDTO]
        var total: Int
        var page: Int
        /// Messages per page (`messagesShown` unless the link asks for fewer).
        var per: Int = messagesShown
        var state: FormState
    }

    /// Messages shown at once: the latest, with links to earlier ones.
    static let messagesShown = 50

    static func thread(_ req: Request, _ t: ThreadModel) -> HTML {
        let lang = req.language
        let items: HTML = t.messages.html { m in
            "<li><strong>\(m.author)</strong> <span class=\"muted when\">\(Views.time(m.createdAt, req))</span><br><span class=\"multiline\">\(m.body)</span></li>"
        }
        let pages = max(1, (t.total + t.per - 1) / t.per)
        let older: HTML = t.page < pages ? "<a rel=\"prev\" href=\"\(Views.pageLink(req, t.page + 1))#thread\">\(L10n.t("coord.older", lang))</a>" : ""
        let newer: HTML = t.page > 1 ? "<a rel=\"next\" href=\"\(Views.pageLink(req, t.page - 1))#thread\">\(L10n.t("coord.newer", lang))</a>" : ""
        // Pages count back from the newest; the numbers count from the first message written, as people read a thread.
        let last = t.total - (t.page - 1) * t.per, first = last - t.messages.count + 1
        let shown = first == last ? L10n.f("coord.messageOf", lang, last, t.total) : L10n.f("coord.messagesOf", lang, first, last, t.total)
        let nav: HTML = (t.total > t.per || t.page > 1) && !t.messages.isEmpty
            ? "<nav class=\"pager no-print\">\(older)<span>\(shown)</span>\(newer)</nav>" : ""
        let list: HTML = t.messages.isEmpty
            ? (t.total > 0 ? "<p class=\"muted\">\(L10n.t("coord.noOlder", lang))</p>" : "<p class=\"muted\">\(L10n.t("coord.noMessages", lang))</p>")
            : "<ul class=\"messages\">\(items)</ul>"
        return """
        <section class="card thread" id="thread"><h2>\(L10n.t("meet.thread", lang))</h2>
        \(nav)\(list)
        \(Form.open(req, action: CoordinationURL.messages(kind: .value(t.kind.rawValue), .id(t.id)).path, id: "message-form", state: t.state, classes: "no-print"))
        \(Form.field("body", label: L10n.t("meet.message", lang), state: t.state, kind: .textarea(rows: 2), required: true, attributes: "maxlength=\"4000\" class=\"plain\""))
        \(Form.submit(L10n.t("meet.send", lang), secondary: true))</form></section>
        """
    }

    // MARK: meetings

    struct ListModel {
        var meetings: [Meeting]
        var places: [String: String]
        var canSchedule: Bool
        var agencies: [Agency]
        var jurisdiction: [String]
        var form: FormState
        var pager: HTML = ""
    }

    static func list(_ req: Request, _ m: ListModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let rows: HTML = m.meetings.html { x in
            """
            <tr><td><a href="\(CoordinationURL.meeting(.id(x.id!)).path)">\(x.title)</a></td><td>\(Views.time(x.scheduledAt, req))</td>
            <td>\(Views.place(x.regionCode, in: m.places))</td><td>\(L10n.t("meet.status.\(x.status)", lang))</td></tr>
            """
        }
        let table: HTML = m.meetings.isEmpty ? "<p class=\"card muted\">\(L10n.t("coord.noMeetings", lang))</p>" : """
        <table class="responsive" id="meeting-list"><thead><tr><th>\(L10n.t("coord.meeting", lang))</th><th>\(L10n.t("meet.when", lang))</th><th>\(L10n.t("dash.region", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """
        var form: HTML = ""
        if m.canSchedule {
            let s = m.form
            let picker = try await RegionPicker.field(req, name: "regionCode", label: L10n.t("dash.region", lang), state: s, depth: .village,
                                                      within: m.jurisdiction, required: true, hint: L10n.t("coord.regionHint", lang))
            form = """
            <section class="card no-print" id="schedule"><h2>\(L10n.t("meet.new", lang))</h2>
            \(Form.open(req, action: CoordinationURL.meetings.path, id: "meeting-form", state: s))
            \(Form.field("title", label: L10n.t("coord.meeting", lang), state: s, required: true, attributes: "maxlength=\"300\""))
            \(Form.field("scheduledAt", label: L10n.t("meet.when", lang), state: s, kind: .datetime, required: true, hint: L10n.t("coord.whenHint", lang)))
            \(picker)
            \(Form.field("place", label: L10n.t("lph.place", lang), state: s, attributes: "maxlength=\"300\""))
            \(CoordinationForm.agencies("agencyIds", label: L10n.t("op.agencies", lang), options: m.agencies, state: s, lang: lang))
            \(Form.field("agenda", label: L10n.t("meet.agenda", lang), state: s, kind: .textarea(rows: 4), hint: L10n.t("coord.agendaHint", lang), attributes: "class=\"plain\""))
            \(Form.submit(L10n.t("coord.schedule", lang)))
            </form></section>
            """
        }
        return Views.page(req, title: L10n.t("nav.meetings", lang), body: """
        <h1>\(L10n.t("nav.meetings", lang))</h1>
        \(table)
        \(m.pager)
        \(form)
        """, status: status)
    }

    /// The forms of a meeting's page, each with its own input and errors after a failure.
    struct Forms {
        var minutes = FormState()
        var attachment = FormState()
        var message = FormState()
    }

    struct ShowModel {
        var meeting: Meeting
        var decisions: [CoordinationController.DecisionDTO]
        var places: [String: String]
        var agencyNames: [String]
        var attachments: [MeetingAttachment]
        /// Office staff record minutes and upload files; agency members read and discuss.
        var canRecord: Bool
        var forms: Forms
        var thread: ThreadModel
    }

    /// How many decision rows the minutes form offers (more when more were sent).
    static func decisionRows(_ s: FormState) -> Int {
        max(3, (0..<50).last { s.values["decisions[\($0)][text]"] != nil }.map { $0 + 1 } ?? 0)
    }

    static func show(_ req: Request, _ m: ShowModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let x = m.meeting
        let mid = URLParam.id(x.id!)
        let decisions: HTML = m.decisions.html { d in
            let done: HTML = d.status == "done" ? HTML(stringLiteral: "\(L10n.t("meet.done", lang)) · \(Views.time(d.doneAt, req))") : """
            \(L10n.t("meet.open", lang))\(Form.open(req, action: CoordinationURL.decisionDone(mid, .id(d.id)).path, id: "done-\(d.id.uuidString)", classes: "inline"))\(Form.submit(L10n.t("meet.markDone", lang), id: "done-submit-\(d.id.uuidString)", secondary: true))</form>
            """
            return "<tr><td>\(d.text)</td><td>\(d.owner)</td><td>\(Views.day(d.dueOn, req))</td><td>\(done)</td></tr>"
        }
        let decisionTable: HTML = m.decisions.isEmpty ? "" : """
        <h2>\(L10n.t("meet.decisions", lang))</h2>
        <table class="responsive" id="decisions"><thead><tr><th>\(L10n.t("meet.decision", lang))</th><th>\(L10n.t("meet.owner", lang))</th><th>\(L10n.t("task.due", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(decisions)</tbody></table>
        """
        var minutesForm: HTML = ""
        if m.canRecord && x.status == "scheduled" {
            let s = m.forms.minutes
            let rows: HTML = (0..<decisionRows(s)).html { k in
                """
                <fieldset class="decision"><legend>\(L10n.t("meet.decision", lang)) \(k + 1)</legend><div class="grid two">
                \(Form.field("decisions[\(k)][text]", label: L10n.t("meet.decision", lang), state: s, id: "decision-\(k)-text", attributes: "maxlength=\"1000\""))
                \(Form.field("decisions[\(k)][owner]", label: L10n.t("meet.owner", lang), state: s, id: "decision-\(k)-owner", attributes: "maxlength=\"200\""))
                \(Form.field("decisions[\(k)][dueOn]", label: L10n.t("task.due", lang), state: s, kind: .date, id: "decision-\(k)-dueOn"))
                </div></fieldset>
                """
            }
            minutesForm = """
            <section class="card no-print"><h2>\(L10n.t("meet.minutes", lang))</h2>
            \(Form.open(req, action: CoordinationURL.minutes(mid).path, id: "minutes-form", state: s))
            \(Form.field("minutes", label: L10n.t("meet.minutes", lang), state: s, kind: .textarea(rows: 5), required: true, attributes: "maxlength=\"20000\" class=\"plain\""))
            <h3>\(L10n.t("meet.decisions", lang))</h3>
            <p class="hint">\(L10n.t("coord.decisionsHint", lang))</p>
            \(rows)
            \(Form.submit(L10n.t("coord.saveMinutes", lang)))</form></section>
            """
        }
        let files: HTML = m.attachments.html {
            "<li><a href=\"\(CoordinationURL.attachment(mid, file: .id($0.id!)).path)\">\($0.fileName)</a> <span class=\"muted\">\(max(1, $0.size / 1024)) KB</span></li>"
        }
        let a = m.forms.attachment
        let upload: HTML = m.canRecord ? """
        \(Form.open(req, action: CoordinationURL.attachments(mid).path, id: "attachment-form", multipart: true, state: a, classes: "no-print"))
        \(Form.field("file", label: L10n.t("meet.attach", lang), state: a, kind: .file(accept: "application/pdf,image/jpeg,image/png"), required: true))
        \(Form.submit(L10n.t("meet.upload", lang), secondary: true))</form>
        """ : ""
        return Views.page(req, title: x.title, body: """
        <h1>\(x.title)</h1>
        <dl class="facts"><dt>\(L10n.t("meet.when", lang))</dt><dd id="meeting-when">\(Views.time(x.scheduledAt, req))</dd>
        <dt>\(L10n.t("dash.region", lang))</dt><dd id="meeting-region">\(Views.place(x.regionCode, in: m.places))</dd>
        <dt>\(L10n.t("lph.place", lang))</dt><dd>\(x.place)</dd><dt>\(L10n.t("op.agencies", lang))</dt><dd>\(m.agencyNames.joined(separator: ", "))</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd id="meeting-status">\(L10n.t("meet.status.\(x.status)", lang))</dd>
        <dt>\(L10n.t("meet.agenda", lang))</dt><dd class="multiline">\(x.agenda)</dd>\(x.minutes.map { "<dt>\(L10n.t("meet.minutes", lang))</dt><dd id=\"meeting-minutes\" class=\"multiline\">\($0)</dd>" as HTML } ?? "")</dl>
        \(decisionTable)
        \(x.minutes != nil ? CoordinationForm.printButton(L10n.t("coord.printMinutes", lang)) : "")
        \(minutesForm)
        <h2>\(L10n.t("meet.attachments", lang))</h2>
        \(m.attachments.isEmpty ? "<p class=\"muted\">\(L10n.t("coord.noAttachments", lang))</p>" as HTML : "<ul id=\"attachments\">\(files)</ul>" as HTML)
        \(upload)
        \(thread(req, m.thread))
        <p class="no-print"><a href="\(CoordinationURL.meetings.path)">\(L10n.t("nav.meetings", lang))</a></p>
        """, status: status)
    }
}
