import Foundation
import Vapor

/// Pages of daily reports: the list with its filters and the "open a day" form, the printable month,
/// one report (entries, the entry form, submit, the supervisor's decision, every submitted version) and
/// the field app's offline page. Markup only: the handlers in `DailyReportPages` load the data.
enum DailyReportViews {
    /// How often a report was sent to the supervisor ("belum pernah", "1 kali"): its version, in words.
    static func submissions(_ version: Int, _ lang: Language) -> String {
        version == 0 ? L10n.t("lph.notYetSubmitted", lang) : L10n.f("lph.times", lang, version)
    }

    static func label(_ prefix: String, _ v: String, _ lang: Language) -> String { L10n.t("\(prefix).\(v)", lang) }

    /// An entry's time (`HH:MM`) as the page writes times: 08.00 in Indonesian.
    static func clock(_ time: String, _ lang: Language) -> String { lang == .id ? time.replacingOccurrences(of: ":", with: ".") : time }

    static func activities(_ lang: Language) -> [(value: String, label: String)] {
        FieldActivity.allCases.map { ($0.rawValue, label("lph.activity", $0.rawValue, lang)) }
    }

    static func findings(_ lang: Language) -> [(value: String, label: String)] {
        FieldFinding.allCases.map { ($0.rawValue, label("lph.finding", $0.rawValue, lang)) }
    }

    // MARK: list

    struct ListModel {
        var items: [DailyReport]
        var counts: [UUID: Int]
        var names: [UUID: String]
        var officers: [(UUID, String)]          // the filter's choices (supervisors only)
        var filter: FormState
        var newReport: FormState
        var paging: Paging
        var total: Int
    }

    static func list(_ req: Request, _ m: ListModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let today = req.application.today
        let rows: HTML = m.items.html { r in
            """
            <tr><td><a href="\(FieldWorkURL.dailyReport(.id(r.id!)).path)">\(Views.day(r.date, req))</a></td><td>\(m.names[r.officerID] ?? "")</td>
            <td>\(m.counts[r.id!] ?? 0)</td><td><span class="badge report-\(r.status)">\(label("lph.status", r.status, lang))</span></td><td>\(submissions(r.version, lang))</td></tr>
            """
        }
        let none = [(value: "", label: "—")]
        let officerFilter: HTML = m.officers.isEmpty ? "" : Form.field("officer", label: L10n.t("lph.officer", lang), state: m.filter,
                                                                       kind: .select(none + m.officers.map { ($0.0.uuidString, $0.1) }))
        let place = try await RegionPicker.field(req, name: "place", label: L10n.t("lph.place", lang), state: m.filter, depth: .village,
                                                 within: p.jurisdiction, hint: L10n.t("fw.placeFilterHint", lang))
        let table: HTML = m.items.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="report-list"><thead><tr><th>\(L10n.t("lph.date", lang))</th><th>\(L10n.t("lph.officer", lang))</th><th>\(L10n.t("lph.entries", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("lph.submitted", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """
        return Views.page(req, title: L10n.t("nav.dailyReports", lang), body: """
        <h1>\(L10n.t("nav.dailyReports", lang))</h1>
        <p class="no-print"><a href="\(FieldWorkURL.dailyReportsSummary.path)">\(L10n.t("lph.monthly", lang))</a></p>
        \(Form.open(req, action: FieldWorkURL.dailyReports.path, id: "new-report-form", state: m.newReport, classes: "filters card"))
          \(Form.field("date", label: L10n.t("lph.date", lang), state: m.newReport, kind: .date, required: true, attributes: "max=\"\(today)\""))
          \(Form.submit(L10n.t("lph.open", lang)))
        </form>
        \(Form.open(req, action: FieldWorkURL.dailyReports.path, id: "filter-form", method: "get", state: m.filter, classes: "filters"))
          \(officerFilter)
          \(Form.field("from", label: L10n.t("lph.from", lang), state: m.filter, kind: .date))
          \(Form.field("to", label: L10n.t("lph.to", lang), state: m.filter, kind: .date))
          \(Form.field("finding", label: L10n.t("lph.finding", lang), state: m.filter, kind: .select(none + findings(lang))))
          \(Form.field("status", label: L10n.t("list.status", lang), state: m.filter,
                       kind: .select(none + ReportStatus.allCases.map { ($0.rawValue, label("lph.status", $0.rawValue, lang)) })))
          \(place)
          \(Form.submit(L10n.t("list.filter", lang)))
        </form>
        \(table)
        """, status: status)
    }

    // MARK: month

    struct MonthModel {
        var month: String
        var reports: [DailyReport]
        var entries: [UUID: [ReportEntry]]
        var names: [UUID: String]
        var regions: [String: String]
        /// The month field as asked for, with its message when it was not a month.
        var filter: FormState
    }

    static func month(_ req: Request, _ m: MonthModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let officers = Array(Set(m.reports.map(\.officerID))).sorted { (m.names[$0] ?? "") < (m.names[$1] ?? "") }
        let sections: HTML = officers.html { o in
            let mine = m.reports.filter { $0.officerID == o }.sorted { $0.date < $1.date }
            let es = mine.flatMap { m.entries[$0.id!] ?? [] }
            func count(_ all: [String], _ key: (ReportEntry) -> String, prefix: String) -> HTML {
                all.filter { c in es.contains { key($0) == c } }.html { c in "<li>\(L10n.t("\(prefix).\(c)", lang)): \(es.filter { key($0) == c }.count)</li>" }
            }
            let statuses: HTML = ReportStatus.allCases.filter { s in mine.contains { $0.status == s.rawValue } }.html { s in
                "<li>\(label("lph.status", s.rawValue, lang)): \(mine.filter { $0.status == s.rawValue }.count)</li>"
            }
            let lines: HTML = mine.html { r in
                (m.entries[r.id!] ?? []).sorted { $0.time < $1.time }.html { e in
                    """
                    <tr><td>\(Views.day(r.date, req)) \(e.time)</td><td>\(Views.place(e.villageCode, in: m.regions))</td>
                    <td>\(label("lph.activity", e.activity, lang))</td><td>\(label("lph.finding", e.finding, lang))</td><td>\(e.followUp)</td></tr>
                    """
                }
            }
            return """
            <section class="card month-officer"><h2>\(m.names[o] ?? "")</h2>
            <div class="grid"><div><h3>\(L10n.t("leader.filed", lang)): \(mine.count)</h3><ul>\(statuses)</ul></div>
            <div><h3>\(L10n.t("lph.activity", lang))</h3><ul>\(count(FieldActivity.allCases.map(\.rawValue), { $0.activity }, prefix: "lph.activity"))</ul></div>
            <div><h3>\(L10n.t("lph.finding", lang))</h3><ul>\(count(FieldFinding.allCases.map(\.rawValue), { $0.finding }, prefix: "lph.finding"))</ul></div></div>
            <table class="responsive"><thead><tr><th>\(L10n.t("lph.time", lang))</th><th>\(L10n.t("lph.place", lang))</th><th>\(L10n.t("lph.activity", lang))</th><th>\(L10n.t("lph.finding", lang))</th><th>\(L10n.t("lph.followUp", lang))</th></tr></thead>
            <tbody>\(lines)</tbody></table></section>
            """
        }
        let monthName = LocalTime.formatMonth(m.month, lang: lang)
        return Views.page(req, title: "\(L10n.t("lph.monthly", lang)) \(monthName)", body: """
        <h1>\(L10n.t("lph.monthly", lang)) · \(monthName)</h1>
        \(Form.open(req, action: FieldWorkURL.dailyReportsSummary.path, id: "month-form", method: "get", state: m.filter, classes: "filters no-print"))
          \(Form.field("month", label: L10n.t("lph.month", lang), state: m.filter, kind: .month))
          \(Form.submit(L10n.t("list.filter", lang)))
        </form>
        \(officers.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : sections)
        """, status: status)
    }

    // MARK: one report

    struct ShowModel {
        var report: DailyReport
        var dto: DailyReportsController.ReportDTO
        var officerName: String
        var foreigners: [UUID: String]
        var regions: [String: String]
        var editable: Bool
        var canDecide: Bool
        var jurisdiction: [String]
        var entry: FormState
        var decision: FormState
        var error: String?
        /// The entry being corrected: the form is filled with it and saves over it.
        var editing: UUID? = nil
    }

    static func entryHead(_ lang: Language, actions: Bool) -> HTML {
        let last: HTML = actions ? "<th>\(L10n.t("list.actions", lang))</th>" : ""
        return "<tr><th>\(L10n.t("lph.time", lang))</th><th>\(L10n.t("lph.place", lang))</th><th>\(L10n.t("lph.activity", lang))</th><th>\(L10n.t("lph.person", lang))</th><th>\(L10n.t("lph.finding", lang))</th><th>\(L10n.t("lph.followUp", lang))</th>\(last)</tr>"
    }

    static func entryRows(_ req: Request, _ m: ShowModel, _ entries: [DailyReportsController.EntryDTO], actions: ((DailyReportsController.EntryDTO) -> HTML)?) -> HTML {
        let lang = req.language
        let report = m.report.id!
        return entries.html { e in
            let person: HTML = e.foreignerId.map { "<a href=\"\(SiteURL.foreigner(.id($0)).path)\">\(m.foreigners[$0] ?? L10n.t("task.foreigner", lang))</a>" as HTML }
                ?? (e.personName.map { name in
                    let text = [name, e.personNationality.map { RegistryText.nationality($0, lang) }, e.personPassport].compactMap { $0 }.joined(separator: " · ")
                    return "\(text)" as HTML
                } ?? "–")
            let photos: HTML = (e.photos ?? []).html { ph in
                let url = FieldWorkURL.photo(.id(report), photo: .id(ph)).path
                return "<a href=\"\(url)\"><img class=\"thumb\" src=\"\(url)\" alt=\"\(L10n.t("fw.photoAlt", lang)) \(e.time)\"></a>"
            }
            let last: HTML = actions.map { "<td>\($0(e))</td>" } ?? ""
            return """
            <tr class="entry" id="entry-\(e.id.uuidString)"><td>\(clock(e.time, lang))</td><td>\(Views.place(e.kelurahanCode, in: m.regions))\(e.place.map { "<br>\($0)" as HTML } ?? "")</td>
            <td>\(label("lph.activity", e.activity, lang))</td><td>\(person)</td><td><span class="badge finding-\(e.finding)">\(label("lph.finding", e.finding, lang))</span></td>
            <td><span class="multiline">\(e.followUp)</span>\(e.note.map { "<br><span class=\"muted multiline\"><strong>\(L10n.t("lph.note", lang)):</strong> \($0)</span>" as HTML } ?? "")\(photos)</td>\(last)</tr>
            """
        }
    }

    static func entryForm(_ req: Request, _ m: ShowModel) async throws -> HTML {
        let lang = req.language
        let id = m.report.id!
        let s = m.entry
        let picker = try await RegionPicker.field(req, name: "kelurahanCode", label: L10n.t("report.kelurahan", lang), state: s, depth: .village,
                                                  within: m.jurisdiction, required: true)
        // Correcting an entry: the same form under another id, which the field app leaves to the browser (it is not a new
        // entry to keep on the phone).
        let edit = m.editing
        let action = edit.map { FieldWorkURL.entryEdit(.id(id), entry: .id($0)).path } ?? FieldWorkURL.entries(.id(id)).path
        let heading = L10n.t(edit == nil ? "lph.addEntry" : "lph.editEntry", lang)
        let cancel: HTML = edit.map { "<p><a href=\"\(FieldWorkURL.dailyReport(.id(id)).path)#entry-\($0.uuidString)\" id=\"cancel-edit\">\(L10n.t("lph.cancelEdit", lang))</a></p>" as HTML } ?? ""
        return """
        <section class="card no-print" id="\(edit == nil ? "add-entry" : "edit-entry")" data-report="\(id.uuidString)"><h2>\(heading)</h2>
        \(Form.open(req, action: action, id: edit == nil ? "entry-form" : "entry-edit-form", multipart: true, state: s))
          <input type="hidden" name="clientId" value="\(s.value("clientId"))">
          <div class="grid two">
            \(Form.field("time", label: L10n.t("lph.time", lang), state: s, required: true, hint: L10n.t("fw.timeHint", lang),
                         attributes: "inputmode=\"decimal\" maxlength=\"5\" placeholder=\"09.30\" autocomplete=\"off\""))
            \(Form.field("activity", label: L10n.t("lph.activity", lang), state: s, kind: .select([("", L10n.t("lph.chooseActivity", lang))] + activities(lang)), required: true))
          </div>
          \(picker)
          \(Form.field("place", label: L10n.t("lph.address", lang), state: s, id: "placeText", attributes: "maxlength=\"300\""))
          <input type="hidden" id="latitude" name="latitude" value="\(s.value("latitude"))"><input type="hidden" id="longitude" name="longitude" value="\(s.value("longitude"))">
          <p><button type="button" class="link-button" id="use-location" hidden data-msg-denied="\(L10n.t("lph.locationDenied", lang))" data-msg-timeout="\(L10n.t("lph.locationTimeout", lang))" data-msg-unavailable="\(L10n.t("lph.locationUnavailable", lang))">\(L10n.t("lph.useLocation", lang))</button> <span id="location-text" class="muted" aria-live="polite"></span></p>
          <div class="grid two">
            \(Form.field("passport", label: L10n.t("lph.registryPassport", lang), state: s, attributes: "autocapitalize=\"characters\""))
            \(Form.field("personName", label: L10n.t("lph.personName", lang), state: s, attributes: "maxlength=\"200\""))
            \(Form.field("personNationality", label: L10n.t("lph.personNationality", lang), state: s, attributes: "maxlength=\"60\" autocapitalize=\"characters\""))
            \(Form.field("personPassport", label: L10n.t("lph.personPassport", lang), state: s, attributes: "maxlength=\"20\" autocapitalize=\"characters\""))
            \(Form.field("finding", label: L10n.t("lph.finding", lang), state: s, kind: .select([("", L10n.t("lph.chooseFinding", lang))] + findings(lang)), required: true, id: "findingSelect"))
            \(Form.field("followUp", label: L10n.t("lph.followUp", lang), state: s, attributes: "maxlength=\"500\""))
          </div>
          \(Form.field("note", label: L10n.t("lph.note", lang), state: s, kind: .textarea(rows: 3), attributes: "maxlength=\"2000\" class=\"plain\""))
          \(Form.field("photo", label: L10n.t("lph.photo", lang), state: s, kind: .file(accept: "image/jpeg,image/png"), hint: FormPages.fileAgain(req, "photo"),
                     attributes: "capture=\"environment\""))
          \(Form.submit(edit == nil ? L10n.t("lph.addEntry", lang) : L10n.t("lph.saveEntry", lang)))
        </form>\(cancel)</section>
        \(Form.open(req, action: FieldWorkURL.submit(.id(id)).path, id: "submit-form", classes: "no-print"))\(Form.submit(L10n.t("lph.submit", lang), id: "submit-report"))</form>
        """
    }

    static func decisionForm(_ req: Request, _ m: ShowModel) -> HTML {
        let lang = req.language
        return """
        <section class="card no-print" id="decision"><h2>\(L10n.t("lph.review", lang))</h2>
        \(Form.open(req, action: FieldWorkURL.decision(.id(m.report.id!)).path, id: "decision-form", state: m.decision))
          \(Form.field("comment", label: L10n.t("lph.comment", lang), state: m.decision, kind: .textarea(rows: 3), hint: L10n.t("fw.commentHint", lang),
                       attributes: "maxlength=\"2000\" class=\"plain\""))
          <p class="actions"><button type="submit" name="decision" value="approve" id="approve-report">\(L10n.t("lph.approve", lang))</button>
          <button type="submit" name="decision" value="return" class="secondary" id="return-report">\(L10n.t("lph.return", lang))</button></p>
        </form></section>
        """
    }

    static func show(_ req: Request, _ m: ShowModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let r = m.report, d = m.dto, id = r.id!
        let rows = entryRows(req, m, d.entries ?? [], actions: m.editable ? { e in
            "<a class=\"button secondary\" href=\"\(FieldWorkURL.entryEdit(.id(id), entry: .id(e.id)).path)#edit-entry\">\(L10n.t("lph.edit", lang))</a> \(Form.open(req, action: FieldWorkURL.entryDelete(.id(id), entry: .id(e.id)).path, id: "delete-\(e.id.uuidString)", classes: "inline"))<button type=\"submit\" class=\"secondary\" data-confirm=\"\(L10n.format("lph.deleteConfirm", lang, [clock(e.time, lang)]))\">\(L10n.t("lph.delete", lang))</button></form>"
        } : nil)
        let versions: HTML = (d.versions ?? []).reversed().html { v in
            """
            <details class="card version" id="version-\(v.version)"\(v.version == d.version ? HTML(" open") : "")><summary>\(L10n.t("lph.version", lang)) \(v.version) · \(Views.time(v.submittedAt, req))\(v.outcome.map { " · " + label("lph.status", $0, lang) } ?? "")</summary>
            \(v.comment.map { "<p class=\"notice\">\($0)</p>" as HTML } ?? "")
            <table class="responsive"><thead>\(entryHead(lang, actions: false))</thead><tbody>\(entryRows(req, m, v.entries, actions: nil))</tbody></table></details>
            """
        }
        let entryForm: HTML = m.editable ? try await entryForm(req, m) : ""
        let decision: HTML = m.canDecide ? decisionForm(req, m) : ""
        let alert: HTML = m.error.map { "<p class=\"alert\" role=\"alert\" id=\"report-error\">\($0)</p>" } ?? ""
        let table: HTML = (d.entries ?? []).isEmpty ? "<p class=\"card muted\" id=\"entries\">\(L10n.t("fw.noEntries", lang))</p>" : """
        <table class="responsive" id="entries"><thead>\(entryHead(lang, actions: m.editable))</thead><tbody>\(rows)</tbody></table>
        """
        return Views.page(req, title: "\(L10n.t("nav.dailyReports", lang)) \(Views.day(r.date, req))", body: """
        \(pendingBox(req))
        <h1>\(L10n.t("lph.title", lang)) · \(Views.day(r.date, req))</h1>
        <dl class="facts"><dt>\(L10n.t("lph.officer", lang))</dt><dd>\(m.officerName)</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd><span class="badge report-\(r.status)" id="report-status" data-status="\(r.status)">\(label("lph.status", r.status, lang))</span></dd>
        <dt>\(L10n.t("lph.submitted", lang))</dt><dd>\(submissions(r.version, lang))</dd></dl>
        \(r.comment.map { "<p class=\"notice\" id=\"report-comment\">\(L10n.t("lph.comment", lang)): \($0)</p>" as HTML } ?? "")
        \(alert)
        \(table)
        \(entryForm)
        \(decision)
        \(versions.raw.isEmpty ? "" : "<h2>\(L10n.t("lph.versions", lang))</h2>\(versions)" as HTML)
        <p class="no-print"><a href="\(FieldWorkURL.dailyReports.path)">\(L10n.t("nav.dailyReports", lang))</a></p>
        <script src="\(FieldApp.scriptPath)"></script>
        """, status: status)
    }

    // MARK: the field app

    /// Entries kept on this phone (filled in by field.js from IndexedDB): each waits for the network or was
    /// rejected by the server, with its reason, and can then be corrected or removed.
    static func pendingBox(_ req: Request) -> HTML {
        let lang = req.language
        var labels: [String: [String: String]] = ["activity": [:], "finding": [:]]
        for a in activities(lang) { labels["activity"]![a.value] = a.label }
        for f in findings(lang) { labels["finding"]![f.value] = f.label }
        let json = (try? JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let placeholder = "REPORT"
        return """
        <section class="notice no-print" id="pending-box" hidden aria-live="polite"
          data-send-url="\(FieldWorkURL.entriesJSON(.value(placeholder)).path)" data-report-url="\(FieldWorkURL.dailyReport(.value(placeholder)).path)"
          data-token-url="\(FieldWorkURL.offline.path)"
          data-waiting="\(L10n.t("fw.waiting", lang))" data-held="\(L10n.t("fw.held", lang))" data-rejected="\(L10n.t("fw.rejected", lang))" data-fix="\(L10n.t("fw.fix", lang))"
          data-fixing="\(L10n.t("fw.fixing", lang))" data-discard="\(L10n.t("field.discard", lang))" data-labels="\(json)">\(Form.csrf(req))
        <p>\(L10n.t("fw.onPhone", lang)): <strong id="pending-count">0</strong></p>
        <ul id="pending-list"></ul><p><button type="button" id="sync-now" class="secondary">\(L10n.t("field.sync", lang))</button></p></section>
        """
    }

    static func offline(_ req: Request) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("field.offline", lang), body: """
        <h1>\(L10n.t("field.offline", lang))</h1>
        <p class="muted">\(L10n.t("field.offlineHint", lang))</p>
        \(pendingBox(req))
        <p><a href="\(FieldWorkURL.dailyReports.path)">\(L10n.t("nav.dailyReports", lang))</a></p>
        <script src="\(FieldApp.scriptPath)"></script>
        """)
    }
}
