import Deadlines
import Fluent
import Foundation
import SMTP
import Vapor

/// The sponsor portal (`/portal`), mandatory reports (`/api/v1/sponsor-reports`, receipts, officer review)
/// and the obligations still to report.
enum SponsorReportsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let sponsorAPI = api.grouped(RequireRole(.sponsor))
        sponsorAPI.post("sponsor-reports", use: submitAPI)
        sponsorAPI.get("portal", "foreigners", use: portalForeignersAPI)
        let readAPI = api.grouped(RequireRole(.sponsor, .officer, .supervisor))
        readAPI.get("sponsor-reports", use: listAPI)
        readAPI.get("sponsor-reports", ":id", use: oneAPI)
        readAPI.get("sponsor-obligations", use: obligationsAPI)
        api.grouped(RequireRole(.officer, .supervisor)).post("sponsor-reports", ":id", "review", use: reviewAPI)

        let sponsorWeb = web.grouped(RequireRole(.sponsor))
        sponsorWeb.get("portal") { try await portalPage($0) }
        sponsorWeb.get("portal", "reports", "new", use: newReportPage)
        sponsorWeb.post("portal", "reports", use: submitForm)
        sponsorWeb.post("portal", "contact", use: contactForm)
        sponsorAPI.post("portal", "contact", use: contactAPI)
        let readWeb = web.grouped(RequireRole(.sponsor, .officer, .supervisor))
        readWeb.get("portal", "reports", ":id", use: receiptPage)
        let officerWeb = web.grouped(RequireRole(.officer, .supervisor))
        officerWeb.get("sponsor-reports", use: officerListPage)
        officerWeb.post("sponsor-reports", ":id", "review", use: reviewForm)
    }

    struct ReportDTO: Content {
        var id: UUID
        var receiptNumber: String
        var foreignerId: UUID
        var sponsorId: UUID
        var type: String
        var eventOn: String
        var dueOn: String
        var onTime: Bool
        var status: String
        var details: [String: String]
        var submittedAt: Date
        var reviewReason: String?
        var reviewedAt: Date?
        init(_ r: SponsorReport) {
            id = r.id!; receiptNumber = r.receiptNumber; foreignerId = r.foreignerID; sponsorId = r.sponsorID; type = r.reportType
            eventOn = r.eventOn; dueOn = r.dueOn; onTime = r.onTime; status = r.status; submittedAt = r.submittedAt
            reviewReason = r.reviewReason; reviewedAt = r.reviewedAt
            details = (try? JSONDecoder().decode([String: String].self, from: Data(r.details.utf8))) ?? [:]
        }
    }

    static func submitAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(SponsorReportService.Input.self) else {
            throw ValidationFailure("v.body", "clientId, foreignerId, type, eventOn")
        }
        let (r, created) = try await SponsorReportService.submit(input, req)
        let res = Response(status: created ? .created : .ok)
        try res.content.encode(ReportDTO(r))
        return res
    }

    static func listAPI(_ req: Request) async throws -> [ReportDTO] {
        let status = req.query[String.self, at: "status"]
        if let status, SponsorReportStatus(rawValue: status) == nil { throw ValidationFailure("v.oneOf", field: "status", "submitted, accepted, returned") }
        return try await SponsorReportService.list(req, status: status, foreigner: req.query[UUID.self, at: "foreigner"]).map(ReportDTO.init)
    }

    static func oneAPI(_ req: Request) async throws -> ReportDTO {
        ReportDTO(try await SponsorReportService.visible(req.parameters.get("id", as: UUID.self), req))
    }

    struct ReviewInput: Content { var decision: String?; var reason: String? }

    static func reviewAPI(_ req: Request) async throws -> ReportDTO {
        let i = (try? req.content.decode(ReviewInput.self)) ?? ReviewInput()
        return ReportDTO(try await SponsorReportService.review(req.parameters.get("id", as: UUID.self), decision: i.decision, reason: i.reason, req))
    }

    static func obligationsAPI(_ req: Request) async throws -> [SponsorReportService.Obligation] {
        try await SponsorReportService.obligations(req)
    }

    struct PortalForeigner: Content {
        var id: UUID
        var fullName: String
        var nationality: String
        var passportNumber: String?
        var permitCategory: String?
        var permitEnd: String?
        var status: String
        var daysToExpiry: Int?
    }

    static func portalForeigners(_ req: Request) async throws -> [PortalForeigner] {
        let today = req.application.today
        let list = try await ScopePolicy.foreigners(req).sort(\.$permitEnd).sort(\.$fullName).limit(2000).all()
        return list.map { f in
            let state = PermitState(end: f.permitEnd, today: today)
            return PortalForeigner(id: f.id!, fullName: f.fullName, nationality: f.nationality, passportNumber: f.passportNumber,
                                   permitCategory: f.permitCategory, permitEnd: f.permitEnd, status: state.code,
                                   daysToExpiry: f.permitEnd.flatMap { Day.between(today, $0) })
        }
    }

    static func portalForeignersAPI(_ req: Request) async throws -> [PortalForeigner] { try await portalForeigners(req) }

    // MARK: pages

    static func typeLabel(_ t: String, _ lang: Language) -> String { L10n.t("sr.type.\(t)", lang) }

    static func statusLabel(_ s: String, _ lang: Language) -> HTML {
        let cls = s == "accepted" ? "valid" : s == "returned" ? "overstayed" : "expiring"
        return "<span class=\"badge \(cls)\">\(L10n.t("sr.status.\(s)", lang))</span>"
    }

    static func obligationsTable(_ items: [SponsorReportService.Obligation], _ lang: Language, canReport: Bool) -> HTML {
        guard !items.isEmpty else { return "<p class=\"muted\">\(L10n.t("sr.noObligations", lang))</p>" }
        let rows: HTML = items.html { o in
            let state: HTML = o.status == "overdue"
                ? "<span class=\"badge overstayed\">\(L10n.f("sr.overdue", lang, o.days))</span>"
                : "<span class=\"badge expiring\">\(L10n.f("sr.dueIn", lang, o.days))</span>"
            let action: HTML = canReport ? "<a href=\"/portal/reports/new?foreigner=\(o.foreignerId.uuidString)&type=\(o.type)&eventOn=\(o.eventOn)\">\(L10n.t("sr.report", lang))</a>" : ""
            return "<tr><td>\(o.foreignerName)</td><td>\(typeLabel(o.type, lang))</td><td>\(o.eventOn)</td><td>\(o.dueOn)</td><td>\(state)</td><td>\(action)</td></tr>"
        }
        return "<table class=\"responsive\" id=\"obligations\"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("sr.type", lang))</th><th>\(L10n.t("sr.eventOn", lang))</th><th>\(L10n.t("sr.dueOn", lang))</th><th>\(L10n.t("list.status", lang))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    static func reportsTable(_ reports: [SponsorReport], names: [UUID: String], _ lang: Language) -> HTML {
        guard !reports.isEmpty else { return "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" }
        let rows: HTML = reports.html { r in
            "<tr><td><a href=\"/portal/reports/\(r.id!.uuidString)\">\(r.receiptNumber)</a></td><td>\(names[r.foreignerID] ?? "—")</td><td>\(typeLabel(r.reportType, lang))</td><td>\(r.eventOn)</td><td>\(r.submittedOn) · \(L10n.t(r.onTime ? "sr.onTime" : "sr.late", lang))</td><td>\(statusLabel(r.status, lang))</td></tr>"
        }
        return "<table class=\"responsive\" id=\"report-list\"><thead><tr><th>\(L10n.t("sr.receipt", lang))</th><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("sr.type", lang))</th><th>\(L10n.t("sr.eventOn", lang))</th><th>\(L10n.t("sr.submitted", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    static func names(_ ids: [UUID], db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await Foreigner.query(on: db).filter(\.$id ~~ Set(ids)).all().map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a })
    }

    static func portalPage(_ req: Request) async throws -> Response { try await portalPage(req, error: nil, status: .ok) }

    static func portalPage(_ req: Request, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let sponsor = try await ScopePolicy.sponsor(p.sponsorID ?? UUID(), req)
        let people = try await portalForeigners(req)
        let obligations = try await SponsorReportService.obligations(req)
        let reports = try await SponsorReportService.list(req, status: nil, foreigner: nil, limit: 20)
        let names = Dictionary(people.map { ($0.id, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        let today = req.application.today
        let rows: HTML = people.html { f in
            "<tr><td><a href=\"/foreigners/\(f.id.uuidString)\">\(f.fullName)</a></td><td>\(f.nationality)</td><td>\(f.passportNumber ?? "—")</td><td>\(f.permitCategory ?? "—")</td><td>\(f.permitEnd ?? "—")</td><td>\(Views.statusBadge(PermitState(end: f.permitEnd, today: today), lang))</td><td><a href=\"/portal/reports/new?foreigner=\(f.id.uuidString)\">\(L10n.t("sr.report", lang))</a></td></tr>"
        }
        let expiring = people.filter { ($0.daysToExpiry ?? 999) <= 60 }.count
        return Views.page(req, title: L10n.t("nav.portal", lang), body: """
        <h1>\(sponsor.name)</h1>
        <p class="muted">\(L10n.f("sr.portalIntro", lang, people.count, expiring)) · <a href="/sponsors/\(sponsor.id!.uuidString)">\(L10n.t("sr.profile", lang))</a>\(sponsor.kind == "company" ? HTML(" · <a href=\"/portal/tka\">\(L10n.t("tka.title", lang))</a>") : "")</p>
        <section class="card"><h2>\(L10n.t("sr.obligations", lang))</h2>\(obligationsTable(obligations, lang, canReport: true))</section>
        <section class="card"><h2>\(L10n.t("s.foreigners", lang)) (\(people.count))</h2>
        \(people.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"portal-foreigners\"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("sr.passport", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>")
        </section>
        <section class="card"><h2>\(L10n.t("sr.recent", lang))</h2>\(reportsTable(reports, names: names, lang))</section>
        \(contactCard(req, sponsor: sponsor, error: error))
        """, status: status)
    }

    /// Where and in which language the daily warning digest goes.
    static func contactCard(_ req: Request, sponsor: Sponsor, error: String?) -> HTML {
        let lang = req.language
        let alert: HTML = error.map { "<p class=\"alert error\" role=\"alert\">\($0)</p>" } ?? ""
        return """
        <section class="card" id="contact"><h2>\(L10n.t("sr.contact", lang))</h2>\(alert)
        <form method="post" action="/portal/contact" id="contact-form">
          <input type="hidden" name="_csrf" value="\(req.csrfToken)">
          <div><label for="email">\(L10n.t("sr.contactEmail", lang))</label><input id="email" name="email" type="email" maxlength="254" value="\(sponsor.email ?? "")"></div>
          <div><label for="language">\(L10n.t("sr.contactLanguage", lang))</label><select id="language" name="language">\(Views.options([("id", "Bahasa Indonesia"), ("en", "English")], selected: sponsor.language))</select></div>
          <button type="submit">\(L10n.t("tka.save", lang))</button>
        </form></section>
        """
    }

    struct ContactInput: Content { var email: String?; var language: String? }

    /// A sponsor sets the address and language of its warnings (audited; the address is checked).
    static func updateContact(_ i: ContactInput, _ req: Request) async throws -> Sponsor {
        let p = try req.requirePrincipal()
        let sponsor = try await ScopePolicy.sponsor(p.sponsorID ?? UUID(), req)
        let email = i.email?.trimmingCharacters(in: .whitespaces) ?? ""
        guard email.isEmpty || (try? MailAddress(email)) != nil else { throw ValidationFailure("v.email", field: "email") }
        guard let language = i.language, Language(rawValue: language) != nil else { throw ValidationFailure("v.oneOf", field: "language", "id, en") }
        return try await req.audited { db in
            sponsor.email = email.isEmpty ? nil : email
            sponsor.language = language
            try await sponsor.save(on: db)
            return (sponsor, [AuditEntry(action: "sponsor.contact", objectType: "sponsor", objectID: sponsor.id!.uuidString, detail: "language=\(language)")])
        }
    }

    static func contactForm(_ req: Request) async throws -> Response {
        let i = try req.content.decode(ContactInput.self)
        do {
            _ = try await updateContact(i, req)
        } catch let e as ValidationFailure {
            return try await portalPage(req, error: e.message(req.language), status: .unprocessableEntity)
        }
        return req.redirect(to: "/portal#contact")
    }

    struct ContactDTO: Content { var email: String?; var language: String }

    static func contactAPI(_ req: Request) async throws -> ContactDTO {
        let s = try await updateContact((try? req.content.decode(ContactInput.self)) ?? ContactInput(), req)
        return ContactDTO(email: s.email, language: s.language)
    }

    static func newReportPage(_ req: Request) async throws -> Response {
        try await reportForm(req, input: SponsorReportService.Input(
            clientId: UUID().uuidString, foreignerId: req.query[UUID.self, at: "foreigner"], type: req.query[String.self, at: "type"],
            eventOn: req.query[String.self, at: "eventOn"]), error: nil, status: .ok)
    }

    static func reportForm(_ req: Request, input i: SponsorReportService.Input, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let lang = req.language
        let people = try await portalForeigners(req)
        let foreignerOptions = Views.options(people.map { ($0.id.uuidString, "\($0.fullName) · \($0.passportNumber ?? "")") }, selected: i.foreignerId?.uuidString)
        let typeOptions = Views.options(ReportType.allCases.map { ($0.rawValue, typeLabel($0.rawValue, lang)) }, selected: i.type)
        let civil = Views.options([("", "—")] + SponsorReportService.civilStatuses.map { ($0, L10n.t("sr.civil.\($0)", lang)) }, selected: i.civilStatus)
        let rules = try await DeadlineRuleRecord.all(on: req.db)
        let ruleRows: HTML = ReportType.allCases.html { t in
            let r = rules[t]!
            return "<li>\(typeLabel(t.rawValue, lang)): \(r.amount) \(L10n.t(r.count == .workingDays ? "sr.workingDays" : "sr.calendarDays", lang))</li>"
        }
        let alert: HTML = error.map { "<p class=\"alert error\" role=\"alert\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("sr.new", lang), body: """
        <h1>\(L10n.t("sr.new", lang))</h1>
        \(alert)
        <form method="post" action="/portal/reports" class="card" id="report-form">
          <input type="hidden" name="_csrf" value="\(req.csrfToken)">
          <input type="hidden" name="clientId" value="\(i.clientId ?? UUID().uuidString)">
          <div><label for="foreignerId">\(L10n.t("f.fullName", lang))</label><select id="foreignerId" name="foreignerId" required>\(foreignerOptions)</select></div>
          <div><label for="type">\(L10n.t("sr.type", lang))</label><select id="type" name="type" required>\(typeOptions)</select></div>
          <div><label for="eventOn">\(L10n.t("sr.eventOn", lang))</label><input id="eventOn" name="eventOn" type="date" required value="\(i.eventOn ?? "")"></div>
          <fieldset><legend>\(L10n.t("sr.details", lang))</legend>
            <div><label for="address">\(L10n.t("f.address", lang))</label><input id="address" name="address" maxlength="300" value="\(i.address ?? "")"></div>
            <div><label for="kelurahanCode">\(L10n.t("sr.kelurahan", lang))</label><input id="kelurahanCode" name="kelurahanCode" placeholder="35.78.01.1001" value="\(i.kelurahanCode ?? "")"></div>
            <div><label for="civilStatus">\(L10n.t("sr.civilStatus", lang))</label><select id="civilStatus" name="civilStatus">\(civil)</select></div>
            <div><label for="newEmployer">\(L10n.t("sr.newEmployer", lang))</label><input id="newEmployer" name="newEmployer" maxlength="300" value="\(i.newEmployer ?? "")"></div>
            <div><label for="position">\(L10n.t("sr.position", lang))</label><input id="position" name="position" maxlength="200" value="\(i.position ?? "")"></div>
            <div><label for="reason">\(L10n.t("sr.reasonEnd", lang))</label><input id="reason" name="reason" maxlength="1000" value="\(i.reason ?? "")"></div>
            <div><label for="destination">\(L10n.t("sr.destination", lang))</label><input id="destination" name="destination" maxlength="200" value="\(i.destination ?? "")"></div>
            <div><label for="note">\(L10n.t("sr.note", lang))</label><textarea id="note" name="note" maxlength="2000">\(i.note ?? "")</textarea></div>
          </fieldset>
          <button type="submit">\(L10n.t("sr.submit", lang))</button>
        </form>
        <section class="card"><h2>\(L10n.t("sr.deadlines", lang))</h2><ul>\(ruleRows)</ul><p class="muted">\(rules[.arrival]!.basis)</p></section>
        """, status: status)
    }

    static func submitForm(_ req: Request) async throws -> Response {
        let input = try req.content.decode(SponsorReportService.Input.self)
        do {
            let (r, _) = try await SponsorReportService.submit(input, req)
            return req.redirect(to: "/portal/reports/\(r.id!.uuidString)")
        } catch let e as ValidationFailure {
            return try await reportForm(req, input: input, error: e.message(req.language), status: .unprocessableEntity)
        }
    }

    static func receiptPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let r = try await SponsorReportService.visible(req.parameters.get("id", as: UUID.self), req)
        let p = try req.requirePrincipal()
        let f = try await Foreigner.find(r.foreignerID, on: req.db)
        let sponsor = try await Sponsor.find(r.sponsorID, on: req.db)
        let dto = ReportDTO(r)
        let details: HTML = dto.details.sorted { $0.key < $1.key }.html { kv in "<dt>\(L10n.t("sr.field.\(kv.key)", lang))</dt><dd>\(kv.value)</dd>" }
        let review: HTML
        if (p.role == .officer || p.role == .supervisor) && r.status == SponsorReportStatus.submitted.rawValue {
            review = """
            <form method="post" action="/sponsor-reports/\(r.id!.uuidString)/review" class="card no-print" id="review-form">
              <input type="hidden" name="_csrf" value="\(req.csrfToken)">
              <div><label for="reason">\(L10n.t("sr.reason", lang))</label><textarea id="reason" name="reason" maxlength="1000"></textarea></div>
              <button type="submit" name="decision" value="accept">\(L10n.t("sr.accept", lang))</button>
              <button type="submit" name="decision" value="return" class="secondary">\(L10n.t("sr.return", lang))</button>
            </form>
            """
        } else { review = "" }
        let stamp = r.submittedAt.formatted(Date.ISO8601FormatStyle(timeZone: req.application.config.timeZone))
        return Views.page(req, title: r.receiptNumber, body: """
        <h1>\(L10n.t("sr.receiptTitle", lang)) \(r.receiptNumber)</h1>
        <section class="card receipt"><dl class="facts">
          <dt>\(L10n.t("sr.receipt", lang))</dt><dd id="receipt-number">\(r.receiptNumber)</dd>
          <dt>\(L10n.t("sr.submitted", lang))</dt><dd>\(stamp)</dd>
          <dt>\(L10n.t("nav.sponsors", lang))</dt><dd>\(sponsor?.name ?? "—")</dd>
          <dt>\(L10n.t("f.fullName", lang))</dt><dd>\(f?.fullName ?? "—") · \(f?.passportNumber ?? "")</dd>
          <dt>\(L10n.t("sr.type", lang))</dt><dd>\(typeLabel(r.reportType, lang))</dd>
          <dt>\(L10n.t("sr.eventOn", lang))</dt><dd>\(r.eventOn)</dd>
          <dt>\(L10n.t("sr.dueOn", lang))</dt><dd>\(r.dueOn) · <strong id="timeliness">\(L10n.t(r.onTime ? "sr.onTime" : "sr.late", lang))</strong></dd>
          \(details)
          <dt>\(L10n.t("list.status", lang))</dt><dd id="report-status">\(statusLabel(r.status, lang))\(r.reviewReason.map { " — \($0)" } ?? "")</dd>
        </dl>
        <p class="no-print"><button type="button" onclick="window.print()">\(L10n.t("sr.print", lang))</button></p></section>
        \(review)
        """)
    }

    static func officerListPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let status = req.query[String.self, at: "status"].flatMap(SponsorReportStatus.init(rawValue:))?.rawValue ?? "submitted"
        let reports = try await SponsorReportService.list(req, status: status, foreigner: nil)
        let obligations = try await SponsorReportService.obligations(req).filter { $0.status == "overdue" }
        let names = try await names(reports.map(\.foreignerID), db: req.db)
        let tabs: HTML = SponsorReportStatus.allCases.html { s in
            "<a href=\"/sponsor-reports?status=\(s.rawValue)\"\(s.rawValue == status ? HTML(" aria-current=\"page\"") : "")>\(L10n.t("sr.status.\(s.rawValue)", lang))</a>"
        }
        return Views.page(req, title: L10n.t("nav.sponsorReports", lang), body: """
        <h1>\(L10n.t("nav.sponsorReports", lang))</h1>
        <nav class="tabs">\(tabs)</nav>
        <section class="card">\(reportsTable(reports, names: names, lang))</section>
        <section class="card"><h2>\(L10n.t("sr.overdueObligations", lang)) (\(obligations.count))</h2>\(obligationsTable(obligations, lang, canReport: false))</section>
        """)
    }

    static func reviewForm(_ req: Request) async throws -> Response {
        let i = try req.content.decode(ReviewInput.self)
        let id = req.parameters.get("id", as: UUID.self)
        do {
            _ = try await SponsorReportService.review(id, decision: i.decision, reason: i.reason, req)
        } catch let e as ValidationFailure {
            return Views.page(req, title: L10n.t("err.title", req.language), body: "<p class=\"alert error\" role=\"alert\">\(e.message(req.language))</p><p><a href=\"/portal/reports/\(id?.uuidString ?? "")\">←</a></p>", status: .unprocessableEntity)
        }
        return req.redirect(to: "/portal/reports/\(id!.uuidString)")
    }
}
