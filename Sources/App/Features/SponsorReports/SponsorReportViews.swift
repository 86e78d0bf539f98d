import Deadlines
import Foundation
import Vapor

/// Pages of the sponsor portal (`/portal`), the report form, the receipt (with the officers' review)
/// and the officers' list of sponsor reports.
enum SponsorReportViews {
    typealias PortalForeigner = SponsorReportsController.PortalForeigner

    static func typeLabel(_ t: String, _ lang: Language) -> String { L10n.t("sr.type.\(t)", lang) }

    static func statusLabel(_ s: String, _ lang: Language) -> HTML {
        let cls = s == "accepted" ? "valid" : s == "returned" ? "overstayed" : "expiring"
        return "<span class=\"badge \(cls)\">\(L10n.t("sr.status.\(s)", lang))</span>"
    }

    static func timeliness(_ r: SponsorReport, _ lang: Language) -> String { L10n.t(r.onTime ? "sr.onTime" : "sr.late", lang) }

    // MARK: tables

    static func obligationsTable(_ req: Request, _ items: [SponsorReportService.Obligation], canReport: Bool) -> HTML {
        let lang = req.language
        guard !items.isEmpty else { return "<p class=\"muted\">\(L10n.t("sr.noObligations", lang))</p>" }
        let rows: HTML = items.html { o in
            let state: HTML = o.status == "overdue"
                ? "<span class=\"badge overstayed\">\(L10n.f("sr.overdue", lang, o.days))</span>"
                : "<span class=\"badge expiring\">\(L10n.f("sr.dueIn", lang, o.days))</span>"
            let action: HTML = canReport
                ? "<td><a href=\"\(SiteURL.portalNewReport.with(["foreigner": o.foreignerId.uuidString, "type": o.type, "eventOn": o.eventOn]))\">\(L10n.t("sr.report", lang))</a></td>"
                : ""
            return "<tr><td>\(o.foreignerName)</td><td>\(typeLabel(o.type, lang))</td><td>\(Views.day(o.eventOn, req))</td><td>\(Views.day(o.dueOn, req))</td><td>\(state)</td>\(action)</tr>"
        }
        let actionHead: HTML = canReport ? "<th>\(L10n.t("list.actions", lang))</th>" : ""
        return """
        <table class="responsive" id="obligations"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("sr.type", lang))</th><th>\(L10n.t("sr.eventOn", lang))</th><th>\(L10n.t("sr.dueOn", lang))</th><th>\(L10n.t("list.status", lang))</th>\(actionHead)</tr></thead><tbody>\(rows)</tbody></table>
        """
    }

    static func reportsTable(_ req: Request, _ reports: [SponsorReport], names: [UUID: String]) -> HTML {
        let lang = req.language
        guard !reports.isEmpty else { return "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" }
        let rows: HTML = reports.html { r in
            """
            <tr><td><a href="\(SiteURL.sponsorReport(.id(r.id!)).path)">\(r.receiptNumber)</a></td><td>\(names[r.foreignerID] ?? "—")</td><td>\(typeLabel(r.reportType, lang))</td><td>\(Views.day(r.eventOn, req))</td><td>\(Views.day(r.submittedOn, req)) · \(timeliness(r, lang))</td><td>\(statusLabel(r.status, lang))</td></tr>
            """
        }
        return """
        <table class="responsive" id="report-list"><thead><tr><th>\(L10n.t("sr.receipt", lang))</th><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("sr.type", lang))</th><th>\(L10n.t("sr.eventOn", lang))</th><th>\(L10n.t("sr.submitted", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """
    }

    // MARK: the portal

    struct PortalModel {
        var sponsor: Sponsor
        /// One page of the sponsor's foreigners (`paging`) of `peopleTotal`; `expiring` counts them all.
        var people: [PortalForeigner]
        var peopleTotal: Int
        var paging: Paging
        var expiring: Int
        var obligations: [SponsorReportService.Obligation]
        var reports: [SponsorReport]
        /// The names of the reports' foreigners.
        var names: [UUID: String]
        var today: String
        /// The contact form: the stored values, or what was typed with its error.
        var contact: FormState
        /// An agent's companies (grants in force), to choose the one it acts for.
        var companies: [(value: String, label: String)] = []
    }

    static func portal(_ req: Request, _ m: PortalModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let rows: HTML = m.people.html { f in
            """
            <tr><td><a href="\(SiteURL.foreigner(.id(f.id)).path)">\(f.fullName)</a>\(f.exemption.map { HTML("<br><span class=\"muted exempt\">\(L10n.t("exempt.label", lang)): \($0)</span>") } ?? "")</td><td>\(RegistryText.nationality(f.nationality, lang))</td><td>\(f.passportNumber ?? "—")</td><td>\(f.permitCategory.map { RegistryText.category($0, lang) } ?? "—")</td><td>\(f.endInForce(today: m.today).map { Views.day($0, req) } ?? "—")</td><td>\(Views.statusBadge(f.permitState(today: m.today, departed: f.status == "departed"), lang))</td><td><a href="\(SiteURL.portalNewReport.with(["foreigner": f.id.uuidString]))">\(L10n.t("sr.report", lang))</a></td></tr>
            """
        }
        let p = req.principal
        let accounts: HTML = p.map { ScopePolicy.mayAdministerCompany($0) } == true
            ? "<p class=\"actions\"><a class=\"button\" id=\"company-accounts\" href=\"\(SponsorAccountURL.users.path)\">\(L10n.t("portal.accounts", lang))</a></p>" : ""
        var agent: HTML = p?.agentOrg.map { org in HTML("<p class=\"notice\" id=\"acting-for\">\(L10n.t("portal.actingFor", lang).replacingOccurrences(of: "{1}", with: org).replacingOccurrences(of: "{2}", with: m.sponsor.name))</p>") } ?? ""
        if m.companies.count > 1 {
            let chosen = FormState(values: ["sponsorId": m.sponsor.id!.uuidString])
            agent = """
            \(agent)\(Form.open(req, action: SponsorAccountURL.actAs.path, id: "act-as-form", state: chosen, classes: "filters"))
            \(Form.field("sponsorId", label: L10n.t("portal.actAs", lang), state: chosen, kind: .select(m.companies)))
            \(Form.submit(L10n.t("portal.actAsButton", lang), secondary: true))</form>
            """
        }
        let tka: HTML = m.sponsor.kind == "company" ? " · <a href=\"\(SiteURL.portalTKA.path)\">\(L10n.t("tka.title", lang))</a>" : ""
        let people: HTML = m.people.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="portal-foreigners"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("sr.passport", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("list.actions", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(m.peopleTotal > m.paging.per || m.paging.page > 1 ? Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.peopleTotal) : "")
        """
        return Views.page(req, title: L10n.t("nav.portal", lang), body: """
        <h1>\(m.sponsor.name)</h1>
        \(agent)
        \(accounts)
        <p class="muted">\(L10n.f("sr.portalIntro", lang, m.peopleTotal, m.expiring)) · <a href="\(SiteURL.sponsor(.id(m.sponsor.id!)).path)">\(L10n.t("sr.profile", lang))</a>\(tka)</p>
        <p><a class="button" href="\(SiteURL.portalNewReport.path)">\(L10n.t("sr.new", lang))</a></p>
        <section class="card"><h2>\(L10n.t("sr.obligations", lang))</h2>\(obligationsTable(req, m.obligations, canReport: true))</section>
        <section class="card"><h2 id="foreigners">\(L10n.t("s.foreigners", lang)) (\(m.peopleTotal))</h2>\(people)</section>
        <section class="card"><h2>\(L10n.t("sr.recent", lang))</h2>\(reportsTable(req, m.reports, names: m.names))</section>
        \(contactCard(req, state: m.contact))
        """, status: status)
    }

    /// Where and in which language the daily warning digest goes.
    static func contactCard(_ req: Request, state: FormState) -> HTML {
        let lang = req.language
        return """
        <section class="card" id="contact"><h2>\(L10n.t("sr.contact", lang))</h2>
        \(Form.open(req, action: PortalURL.contact.path, id: "contact-form", state: state))
          \(Form.field("email", label: L10n.t("sr.contactEmail", lang), state: state, kind: .email, hint: L10n.t("sr.contactEmailHint", lang), attributes: "maxlength=\"254\" autocomplete=\"email\""))
          \(Form.field("language", label: L10n.t("sr.contactLanguage", lang), state: state, kind: .select(["id", "en"].map { (value: $0, label: L10n.t("sr.lang.\($0)", lang)) })))
          \(Form.submit(L10n.t("tka.save", lang)))
        </form></section>
        """
    }

    // MARK: the report form

    /// The fields the form shows (a failure on any other field is shown at the top of the form).
    static let formFields: Set<String> = ["foreignerId", "type", "eventOn", "address", "kelurahanCode", "civilStatus", "newEmployer",
                                          "position", "reason", "destination", "note"]

    static func reportForm(_ req: Request, people: SearchPicker, rules: [ReportType: DeadlineRule], state: FormState,
                           status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let person = try await people.field(req, name: "foreignerId", label: L10n.t("f.fullName", lang), state: state,
                                            none: L10n.t("sr.chooseForeigner", lang), required: true)
        let types = [("", L10n.t("sr.chooseType", lang))] + ReportType.allCases.map { ($0.rawValue, typeLabel($0.rawValue, lang)) }
        let civil = [("", "—")] + SponsorReportService.civilStatuses.map { ($0, L10n.t("sr.civil.\($0)", lang)) }
        let picker = try await RegionPicker.field(req, name: "kelurahanCode", label: L10n.t("sr.kelurahan", lang), state: state,
                                                  depth: .village, required: true, hint: L10n.t("sr.kelurahanHint", lang))
        let ruleRows: HTML = ReportType.allCases.html { t in
            guard let r = rules[t] else { return "" }
            return "<li>\(typeLabel(t.rawValue, lang)): \(r.amount) \(L10n.t(r.count == .workingDays ? "sr.workingDays" : "sr.calendarDays", lang))</li>"
        }
        return Views.page(req, title: L10n.t("sr.new", lang), body: """
        <h1>\(L10n.t("sr.new", lang))</h1>
        <section class="card wide-form">
        \(Form.open(req, action: PortalURL.reports.path, id: "report-form", state: state))
          <input type="hidden" name="clientId" value="\(state.value("clientId"))">
          \(person)
          \(Form.field("type", label: L10n.t("sr.type", lang), state: state, kind: .select(types.map { (value: $0.0, label: $0.1) }), required: true))
          \(Form.field("eventOn", label: L10n.t("sr.eventOn", lang), state: state, kind: .date, required: true))
          <fieldset><legend>\(L10n.t("sr.details", lang))</legend>
            <div class="for-type" data-types="arrival addressChange">
            \(Form.field("address", label: L10n.t("f.address", lang), state: state, required: true, hint: L10n.t("sr.addressHint", lang), attributes: "maxlength=\"300\""))
            \(picker)
            </div>
            <div class="for-type" data-types="civilStatusChange">
            \(Form.field("civilStatus", label: L10n.t("sr.civilStatus", lang), state: state, kind: .select(civil.map { (value: $0.0, label: $0.1) }), required: true))
            </div>
            <div class="for-type" data-types="employerChange">
            \(Form.field("newEmployer", label: L10n.t("sr.newEmployer", lang), state: state, required: true, attributes: "maxlength=\"300\""))
            \(Form.field("position", label: L10n.t("sr.position", lang), state: state, attributes: "maxlength=\"200\""))
            </div>
            <div class="for-type" data-types="endOfSponsorship">
            \(Form.field("reason", label: L10n.t("sr.reasonEnd", lang), state: state, required: true, attributes: "maxlength=\"1000\""))
            </div>
            <div class="for-type" data-types="departure">
            \(Form.field("destination", label: L10n.t("sr.destination", lang), state: state, attributes: "maxlength=\"200\""))
            </div>
            \(Form.field("note", label: L10n.t("sr.note", lang), state: state, kind: .textarea(rows: 3), attributes: "maxlength=\"2000\""))
          </fieldset>
          \(Form.submit(L10n.t("sr.submit", lang), id: "report-submit"))
        </form></section>
        <section class="card"><h2>\(L10n.t("sr.deadlines", lang))</h2><ul>\(ruleRows)</ul><p class="muted">\(basis(rules[.arrival], lang))</p></section>
        """, status: status)
    }

    /// The legal basis of the deadlines: the shipped rule's in the page's language; an office's own text as written.
    static func basis(_ rule: DeadlineRule?, _ lang: Language) -> String {
        guard let rule else { return "" }
        let shipped = DeadlineRule.defaults.first { $0.reportType == rule.reportType }?.basis
        return rule.basis == shipped ? L10n.t("sr.deadlinesBasis", lang) : rule.basis
    }

    // MARK: the receipt

    struct ReceiptModel {
        var report: SponsorReport
        var details: [String: String]
        var foreigner: Foreigner?
        var sponsor: Sponsor?
        /// The chosen village and the regions above it, by name ("Ngoro, Ngoro, Kab. Jombang, Jawa Timur").
        var place: String?
        var canReview: Bool
        var review: FormState
    }

    static func receipt(_ req: Request, _ m: ReceiptModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let r = m.report
        let details: HTML = m.details.sorted { $0.key < $1.key }.html { kv in
            let value: HTML
            switch kv.key {
            case "kelurahanCode": value = Views.place(m.place, code: kv.value)
            case "civilStatus": value = "\(L10n.t("sr.civil.\(kv.value)", lang))"
            default: value = "\(kv.value)"
            }
            return "<dt>\(L10n.t("sr.field.\(kv.key)", lang))</dt><dd>\(value)</dd>"
        }
        let review: HTML = !m.canReview ? "" : """
        <section class="card no-print"><h2>\(L10n.t("sr.reviewTitle", lang))</h2>
        \(Form.open(req, action: PortalURL.review(.id(r.id!)).path, id: "review-form", state: m.review))
          \(Form.field("reason", label: L10n.t("sr.reason", lang), state: m.review, kind: .textarea(rows: 3), hint: L10n.t("sr.reasonHint", lang), attributes: "maxlength=\"1000\""))
          <p class="actions"><button type="submit" name="decision" value="accept">\(L10n.t("sr.accept", lang))</button>
          <button type="submit" name="decision" value="return" class="secondary">\(L10n.t("sr.return", lang))</button></p>
        </form></section>
        """
        return Views.page(req, title: r.receiptNumber, body: """
        <h1>\(L10n.t("sr.receiptTitle", lang)) \(r.receiptNumber)</h1>
        <section class="card receipt"><dl class="facts">
          <dt>\(L10n.t("sr.receipt", lang))</dt><dd id="receipt-number">\(r.receiptNumber)</dd>
          <dt>\(L10n.t("sr.submitted", lang))</dt><dd id="submitted-at">\(Views.time(r.submittedAt, req))</dd>
          <dt>\(L10n.t("nav.sponsors", lang))</dt><dd>\(m.sponsor?.name ?? "—")</dd>
          <dt>\(L10n.t("f.fullName", lang))</dt><dd>\(m.foreigner?.fullName ?? "—") · \(m.foreigner?.passportNumber ?? "")</dd>
          <dt>\(L10n.t("sr.type", lang))</dt><dd>\(typeLabel(r.reportType, lang))</dd>
          <dt>\(L10n.t("sr.eventOn", lang))</dt><dd>\(Views.day(r.eventOn, req))</dd>
          <dt>\(L10n.t("sr.dueOn", lang))</dt><dd>\(Views.day(r.dueOn, req)) · <strong id="timeliness">\(timeliness(r, lang))</strong></dd>
          \(details)
          <dt>\(L10n.t("list.status", lang))</dt><dd id="report-status">\(statusLabel(r.status, lang))\(r.reviewReason.map { " — \($0)" } ?? "")</dd>
          \(r.reviewedAt.map { "<dt>\(L10n.t("sr.reviewedAt", lang))</dt><dd>\(Views.time($0, req))</dd>" as HTML } ?? "")
        </dl>
        <p class="no-print actions"><button type="button" data-print>\(L10n.t("sr.print", lang))</button>
        \(req.principal?.role == .sponsor
            ? "<a class=\"button secondary\" href=\"\(SiteURL.portal.path)\" id=\"back-to-portal\">\(L10n.t("sr.backToPortal", lang))</a>" as HTML
            : "<a class=\"button secondary\" href=\"\(SiteURL.sponsorReports.path)\" id=\"back-to-portal\">\(L10n.t("nav.sponsorReports", lang))</a>")</p></section>
        \(review)
        """, status: status)
    }

    // MARK: the officers' list

    struct OfficerListModel {
        var status: String
        var reports: [SponsorReport]
        var total: Int
        var paging: Paging
        var names: [UUID: String]
        var overdue: [SponsorReportService.Obligation]
    }

    static func officerList(_ req: Request, _ m: OfficerListModel) -> Response {
        let lang = req.language
        let statuses = SponsorReportStatus.allCases.map { (value: $0.rawValue, label: L10n.t("sr.status.\($0.rawValue)", lang)) }
        let filter = FormState(values: ["status": m.status])
        return Views.page(req, title: L10n.t("nav.sponsorReports", lang), body: """
        <h1>\(L10n.t("nav.sponsorReports", lang))</h1>
        \(Form.open(req, action: SiteURL.sponsorReports.path, id: "status-filter", method: "get", classes: "filters"))
          \(Form.field("status", label: L10n.t("list.status", lang), state: filter, kind: .select(statuses)))
          <button type="submit">\(L10n.t("list.filter", lang))</button>
        </form>
        <section class="card"><h2>\(L10n.t("sr.status.\(m.status)", lang)) (\(m.total))</h2>\(m.reports.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total, classes: "muted") : reportsTable(req, m.reports, names: m.names))\(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))</section>
        <section class="card"><h2>\(L10n.t("sr.overdueObligations", lang)) (\(m.overdue.count))</h2>\(obligationsTable(req, m.overdue, canReport: false))</section>
        """)
    }
}
