import Vapor

/// Pages of public reports: the citizen's form (`/lapor`), the thank-you page with the tracking code,
/// the status check (`/lapor/status`) and the officers' list (`/public-reports`).
enum PublicReportViews {
    static func form(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let picker = try await RegionPicker.field(req, name: "kelurahanCode", label: L10n.t("report.kelurahan", lang), state: state,
                                                  required: true, hint: L10n.t("report.kelurahanHint", lang))
        return Views.page(req, title: L10n.t("report.title", lang), body: """
        <section class="card narrow wide-form">
          <h1>\(L10n.t("report.title", lang))</h1>
          <p class="muted">\(L10n.t("report.intro", lang))</p>
          \(Form.open(req, action: SiteURL.lapor.path, id: "report-form", multipart: true, state: state))
            \(Form.field("description", label: L10n.t("report.description", lang), state: state, kind: .textarea(rows: 5), required: true,
                         hint: L10n.t("report.descriptionHint", lang), attributes: "maxlength=\"2000\""))
            \(picker)
            \(Form.field("seenAt", label: L10n.t("report.seenAt", lang), state: state, kind: .datetime, required: true, hint: L10n.t("report.seenAtHint", lang)))
            \(Form.field("contact", label: L10n.t("report.contact", lang), state: state, hint: L10n.t("report.contactHint", lang), attributes: "maxlength=\"200\" autocomplete=\"tel\""))
            \(Form.field("photo", label: L10n.t("report.photo", lang), state: state, kind: .file(accept: "image/jpeg,image/png"),
                         hint: FormPages.fileAgain(req, "photo")))
            <div class="hp" aria-hidden="true"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
            \(Form.submit(L10n.t("report.submit", lang)))
          </form>
          <p><a href="\(SiteURL.laporStatus.path)">\(L10n.t("report.checkStatus", lang))</a></p>
        </section>
        """, status: status)
    }

    /// `covered`: whether an office covers the report's region. Where none does yet, the citizen is told so, not that the
    /// local office has it.
    static func thanks(_ req: Request, code: String, covered: Bool = true) -> Response {
        let lang = req.language
        let uncovered: HTML = covered ? "" : "<p class=\"notice\" id=\"report-uncovered\">\(L10n.t("report.uncovered", lang))</p>"
        return Views.page(req, title: L10n.t("report.title", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("report.thanks", lang))</h1>
        \(uncovered)
        <p>\(L10n.t("report.yourCode", lang))</p><p class="stat nowrap" id="tracking-code">\(code)</p>
        <p class="no-print"><button type="button" class="secondary" data-print>\(L10n.t("action.print", lang))</button></p>
        <p><a href="\(SiteURL.laporStatus.with(["code": code]))">\(L10n.t("report.checkStatus", lang))</a></p></section>
        """, status: .created)
    }

    /// `found`: nothing asked (nil), an unknown code (.some(nil)), or the report's status and when it was received.
    /// `emptyAsked`: the form was sent without a code; said beside the field instead of showing nothing.
    static func status(_ req: Request, code: String, found: (status: String, received: Date)??, emptyAsked: Bool = false) -> Response {
        let lang = req.language
        var answer: HTML = ""
        switch found {
        case .none: break
        case .some(.none): answer = "<p class=\"alert\" id=\"report-status\" role=\"alert\">\(L10n.t("report.unknownCode", lang))</p>"
        case .some(.some(let r)):
            answer = """
            <p class="notice" id="report-status" role="status">\(L10n.t("report.status.\(r.status)", lang))<br>
            <span class="muted">\(L10n.t("report.receivedOn", lang)) \(Views.time(r.received, req))</span></p>
            """
        }
        var state = FormState(values: ["code": code])
        if emptyAsked { state.errors["code"] = L10n.format("v.required", lang, [], field: L10n.t("report.code", lang)) }
        return Views.page(req, title: L10n.t("report.checkStatus", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("report.checkStatus", lang))</h1>
        \(answer)
        \(Form.open(req, action: SiteURL.laporStatus.path, id: "status-form", method: "get"))
        \(Form.field("code", label: L10n.t("report.code", lang), state: state, hint: "LPR-XXXX-XXXX-XXXX", attributes: "autocapitalize=\"characters\""))
        \(Form.submit(L10n.t("lookup.submit", lang)))</form>
        <p><a href="\(SiteURL.lapor.path)" id="report-another">\(L10n.t("report.title", lang))</a></p>
        </section>
        """)
    }

    struct ListModel {
        var items: [PublicReport]
        var places: [String: String]
        var withPhoto: Set<UUID>
        var paging: Paging
        var total: Int
        var failed: Failed?
    }

    /// A triage that failed: the report it was for, what was typed and the message.
    struct Failed {
        var code: String
        var state: FormState
    }

    static func list(_ req: Request, _ m: ListModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let rows: HTML = m.items.html { r in
            let id = r.id!
            let linkedForeigner: HTML = r.foreignerID.map { "<a href=\"\(SiteURL.foreigner(.id($0)).path)\">\(L10n.t("task.foreigner", lang))</a> " as HTML } ?? ""
            let linkedSponsor: HTML = r.sponsorID.map { "<a href=\"\(SiteURL.sponsor(.id($0)).path)\">\(L10n.t("task.company", lang))</a>" as HTML } ?? ""
            let triage = SiteURL.publicReportTriage(.id(id)).path
            let state = m.failed?.code == r.trackingCode ? m.failed!.state : .empty
            let actions: HTML = r.status == PublicReportStatus.closed.rawValue
                ? """
                  <p class="muted">\(r.outcome)</p>
                  \(Form.open(req, action: triage, id: "reopen-\(r.trackingCode)", classes: "inline"))<input type="hidden" name="action" value="reopen"><button type="submit" class="secondary">\(L10n.t("pr.reopen", lang))</button></form>
                  """
                : """
                  \(Form.open(req, action: triage, id: "link-\(r.trackingCode)", classes: "triage"))<input type="hidden" name="action" value="link">
                  \(Form.field("passport", label: L10n.t("pr.passport", lang), state: state, id: "passport-\(r.trackingCode)"))<button type="submit" class="secondary">\(L10n.t("pr.link", lang))</button></form>
                  \(Form.open(req, action: triage, id: "close-\(r.trackingCode)", classes: "triage"))<input type="hidden" name="action" value="close">
                  \(Form.field("outcome", label: L10n.t("pr.outcome", lang), state: state, required: true, id: "outcome-\(r.trackingCode)"))<button type="submit">\(L10n.t("pr.close", lang))</button></form>
                  \(ScopePolicy.maySupervise(req.principal) ? "<a href=\"\(SiteURL.tasks.with(["report": r.trackingCode]))\">\(L10n.t("pr.toTask", lang))</a>" as HTML : "")
                  """
            // The citizen left it so that staff may ask more; the form says so.
            let contact: HTML = r.contact.map { "<br><span class=\"muted\">\(L10n.t("pr.contact", lang)):</span> \($0)" } ?? ""
            let photo: HTML = m.withPhoto.contains(id)
                ? "<br><a href=\"\(SiteURL.publicReportPhoto(.id(id)).path)\"><img class=\"thumb\" src=\"\(SiteURL.publicReportPhoto(.id(id)).path)\" alt=\"\(L10n.t("report.photoOf", lang)) \(r.trackingCode)\"></a>"
                : ""
            return """
            <tr id="pr-\(r.trackingCode)"><td>\(r.trackingCode)</td><td>\(Views.time(r.seenAt, req))</td>
            <td>\(Views.place(r.villageCode, in: m.places))</td><td><span class="multiline">\(r.description)</span>\(contact)\(photo)</td>
            <td>\(L10n.t("report.status.\(r.status)", lang)) \(linkedForeigner)\(linkedSponsor)</td>
            <td>\(state.summary.map { "<p class=\"alert\" role=\"alert\" id=\"triage-error\">\($0)</p>" as HTML } ?? "")\(actions)</td></tr>
            """
        }
        let table: HTML = m.items.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="public-report-list"><thead><tr><th>\(L10n.t("report.code", lang))</th><th>\(L10n.t("report.seenAt", lang))</th><th>\(L10n.t("report.kelurahan", lang))</th><th>\(L10n.t("pr.seen", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("list.actions", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """
        return Views.page(req, title: L10n.t("nav.publicReports", lang), body: """
        <h1>\(L10n.t("nav.publicReports", lang))</h1>
        \(table)
        """, status: status)
    }
}
