import Deadlines
import Fluent
import Foundation
import SMTP
import SQLKit
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
        readAPI.get("sponsor-obligations", use: obligationsAPI).computes()   // every event of 90 days in the jurisdiction
        api.grouped(RequireRole(.officer, .supervisor)).post("sponsor-reports", ":id", "review", use: reviewAPI)

        let sponsorWeb = web.grouped(RequireRole(.sponsor))
        sponsorWeb.get(.portal, use: portalPage)
        sponsorWeb.get(.portalNewReport, use: newReportPage)
        sponsorWeb.get(PortalURL.reports, use: newReportPage)
        sponsorWeb.post(PortalURL.reports, use: submitForm)
        sponsorWeb.post(PortalURL.contact, use: contactForm)
        sponsorAPI.post("portal", "contact", use: contactAPI)
        web.grouped(RequireRole(.sponsor, .officer, .supervisor)).get(.sponsorReport(.key), use: receiptPage)
        let officerWeb = web.grouped(RequireRole(.officer, .supervisor))
        officerWeb.get(.sponsorReports, use: officerListPage).computes()   // with the jurisdiction's overdue reports
        officerWeb.post(PortalURL.review(.key), use: reviewForm)
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

    static func listAPI(_ req: Request) async throws -> ListPage<ReportDTO> {
        let status = req.queryText("status")
        if let status, SponsorReportStatus(rawValue: status) == nil { throw ValidationFailure("v.oneOf", field: "status", "submitted, accepted, returned") }
        let paging = try Paging(req)
        let (items, total) = try await SponsorReportService.list(req, status: status, foreigner: try req.queryID("foreigner"), paging: paging)
        return ListPage(items: items.map(ReportDTO.init), total: total, paging)
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

    struct PortalForeigner: Content, PermitDates {
        var id: UUID
        var fullName: String
        var nationality: String
        var passportNumber: String?
        var permitCategory: String?
        var permitEnd: String?
        /// The first day of the stay `permitEnd` ends; after today the status is `notYetValid`, unless the stay before has begun.
        var permitStart: String?
        /// The stay before `permitStart`, when a gap lies between (as `ForeignerItem`).
        var permitPriorStart: String?
        var permitPriorEnd: String?
        var status: String
        /// Days to the end of the permit held today (`permitPriorEnd` while in the stay before `permitStart`).
        var daysToExpiry: Int?
        /// UU 6/2011 Art. 63(4): the basis on which no report is due about this person (text in the caller's language).
        var exemption: String?
    }

    /// One page of the sponsor's foreigners, by permit end (the soonest first), each read audited.
    static func portalForeigners(_ req: Request, paging: Paging) async throws -> (items: [PortalForeigner], total: Int) {
        let today = req.application.today
        let (list, total) = try await ScopePolicy.foreigners(req).sort(.sql(PermitState.sqlEndInForce(today: today))).sort(\.$fullName).sort(\.$id)
            .pageCountingAll(paging.offset..<(paging.offset + paging.per))
        let investors = Set(try await StayPermit.query(on: req.db).filter(\.$foreigner.$id ~~ list.compactMap(\.id)).filter(\.$status == PermitStatus.active.rawValue)
            .filter(\.$type.$id ~~ ReportingExemption.investorPermitTypes).all().map(\.$foreigner.id))
        let lang = req.isAPI ? req.apiLanguage : req.language
        try await req.auditList("portal", ids: list.compactMap(\.id), page: paging.page, purpose: "service")
        let items = list.map { f in
            let exempt = ReportingExemption.basisKey(spouseOfCitizen: f.spouseOfCitizen, activePermitTypes: investors.contains(f.id!) ? ReportingExemption.investorPermitTypes : [])
            let state = f.permitState(today: today, departed: f.departed)
            let endInForce = f.endInForce(today: today)
            return PortalForeigner(id: f.id!, fullName: f.fullName, nationality: f.nationality, passportNumber: f.passportNumber,
                                   permitCategory: f.permitCategory, permitEnd: f.permitEnd, permitStart: f.permitStart,
                                   permitPriorStart: f.permitPriorStart, permitPriorEnd: f.permitPriorEnd, status: state.code,
                                   daysToExpiry: endInForce.flatMap { Day.between(today, $0) }, exemption: exempt.map { L10n.t($0, lang) })
        }
        return (items, total)
    }

    /// How many of the sponsor's foreigners have a permit that ends within 60 days or has ended: the permit held today,
    /// which is the one before a gap while the next has not begun (`PermitState.endInForce`).
    static func portalExpiring(_ req: Request) async throws -> Int {
        let today = req.application.today
        let soon = Day.adding(60, to: today) ?? today
        let condition: SQLQueryString = "(permit_end <= \(bind: soon) OR (\(PermitState.sqlPriorStayBegun(today: today)) AND permit_prior_end <= \(bind: soon)))"
        return try await ScopePolicy.foreigners(req).filter(.sql(condition)).count()
    }

    /// `GET /api/v1/portal/foreigners`: the list shape, 100 a page by default (`per` up to 500).
    static func portalForeignersAPI(_ req: Request) async throws -> ListPage<PortalForeigner> {
        let paging = try Paging(req, defaultPer: 100, maxPer: 500)
        let (items, total) = try await portalForeigners(req, paging: paging)
        return ListPage(items: items, total: total, paging)
    }

    /// The sponsor's foreigners to choose from on the report form: a select, or a search by name or passport number
    /// when there are many (a company with thousands of workers). Each list shown is audited.
    static func foreignerPicker(_ req: Request) throws -> SearchPicker {
        let lang = req.language
        let people = try ScopePolicy.foreigners(req)
        /// `passports`: every person with their passport number (search results: the number typed is seen); otherwise
        /// only namesakes are.
        func options(_ list: [Foreigner], passports: Bool = false) async throws -> [SearchPicker.Option] {
            try await req.auditList("portal", ids: list.compactMap(\.id), purpose: "service")
            var count: [String: Int] = [:]
            for f in list { count[f.fullName.uppercased(), default: 0] += 1 }
            return list.map { f in (f.id!.uuidString, passports || count[f.fullName.uppercased(), default: 0] > 1 ? "\(f.fullName) · \(f.passportNumber ?? "—")" : f.fullName) }
        }
        return SearchPicker(
            searchKey: "foreignerPicker.search", typeKey: "foreignerPicker.type",
            noun: L10n.t("foreignerPicker.one", lang), nouns: L10n.t("foreignerPicker.many", lang),
            total: { try await people.copy().count() },
            all: { try await options(try await people.copy().sort(\.$fullName).sort(\.$id).all()) },
            search: { q, limit in
                let (found, total) = try await ForeignerSearch(q: q).apply(to: people.copy(), today: req.application.today)
                    .sort(\.$fullName).sort(\.$id).pageCountingAll(0..<limit)
                return (total, try await options(found, passports: true))
            },
            chosen: { value in
                guard let id = UUID(uuidString: value), let f = try await people.copy().filter(\.$id == id).first() else { return nil }
                return try await options([f], passports: true).first
            })
    }

    // MARK: pages

    static func names(_ ids: [UUID], db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await Foreigner.query(on: db).filter(\.$id ~~ Set(ids)).all().map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a })
    }

    static func portalPage(_ req: Request) async throws -> Response {
        try await portalPage(req, contact: nil, status: .ok)
    }

    /// `contact`: the contact form as typed, after a failure; nil shows the stored address and language.
    static func portalPage(_ req: Request, contact: FormState?, status: HTTPResponseStatus) async throws -> Response {
        let p = try req.requirePrincipal()
        // An agent without a grant in force sees only that it has none.
        if p.agentOrg != nil && p.sponsorID == nil { return try await SponsorAccountViews.noGrant(req) }
        let sponsor = try await ScopePolicy.sponsor(p.sponsorID ?? UUID(), req)
        var companies: [(value: String, label: String)] = []
        if p.agentOrg != nil {
            let grants = try await SponsorAccounts.activeGrants(agent: p.userID, today: req.application.today, db: req.db)
            let names = Dictionary(try await Sponsor.query(on: req.db).filter(\.$id ~~ grants.map(\.sponsorID)).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
            companies = Array(Set(grants.map(\.sponsorID))).map { ($0.uuidString, names[$0] ?? "") }.sorted { $0.1 < $1.1 }
        }
        let paging = try Paging(req, defaultPer: 50)
        let (people, total) = try await portalForeigners(req, paging: paging)
        let reports = try await SponsorReportService.list(req, status: nil, foreigner: nil, paging: Paging(page: 1, per: 20)).items
        let reportNames = try await names(reports.map(\.foreignerID), db: req.db)
        try await req.auditList("portal-reports", ids: Array(reportNames.keys), purpose: "service")
        var model = SponsorReportViews.PortalModel(
            sponsor: sponsor, people: people, peopleTotal: total, paging: paging, expiring: try await portalExpiring(req),
            obligations: try await SponsorReportService.obligations(req),
            reports: reports, names: reportNames, today: req.application.today,
            contact: contact ?? FormState(values: ["email": sponsor.email ?? "", "language": sponsor.language]))
        model.companies = companies
        return SponsorReportViews.portal(req, model, status: status)
    }

    struct ContactInput: Content { var email: String?; var language: String? }

    /// A sponsor sets the address and language of its warnings (audited; the address is checked).
    static func updateContact(_ i: ContactInput, _ req: Request) async throws -> Sponsor {
        let p = try req.requirePrincipal()
        guard p.agentOrg == nil else { throw AppError.forbidden("portal.agentScope") }
        let sponsor = try await ScopePolicy.sponsor(p.sponsorID ?? UUID(), req)
        let email = i.email?.trimmingCharacters(in: .whitespaces) ?? ""
        guard email.isEmpty || EmailAddress(email) != nil else { throw ValidationFailure("v.email", field: "email") }
        guard let language = i.language, Language(rawValue: language) != nil else { throw ValidationFailure("v.oneOf", field: "language", "id, en") }
        return try await req.audited { db in
            let before = sponsor.email
            sponsor.email = email.isEmpty ? nil : email
            sponsor.language = language
            try await sponsor.save(on: db)
            if before != sponsor.email {   // in the sponsor's history like every change of a registry record
                try await RegistryEdits.history([.init(foreignerID: nil, objectType: "sponsor", objectID: sponsor.id!, record: nil, field: "email", old: before,
                                                       new: sponsor.email, validFrom: nil)], source: "sponsor", reason: nil, by: p, at: req.application.clock.now(), on: db)
            }
            return (sponsor, [AuditEntry(action: "sponsor.contact", objectType: "sponsor", objectID: sponsor.id!.uuidString, detail: "language=\(language)")])
        }
    }

    static func contactForm(_ req: Request) async throws -> Response {
        var state = FormState(req)
        do {
            _ = try await updateContact(ContactInput(email: state.values["email"], language: state.values["language"]), req)
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["email", "language"])
            return try await portalPage(req, contact: state, status: .unprocessableEntity)
        }
        return Flash.redirect(req, to: SiteURL.portal.path + "#contact", "flash.sr.contact")
    }

    struct ContactDTO: Content { var email: String?; var language: String }

    static func contactAPI(_ req: Request) async throws -> ContactDTO {
        let s = try await updateContact((try? req.content.decode(ContactInput.self)) ?? ContactInput(), req)
        return ContactDTO(email: s.email, language: s.language)
    }

    /// The form: empty, filled from a link (`?foreigner=…&type=…&eventOn=…` from the list of reports due),
    /// or as it was when the region picker sent it back to fill its next list (no JavaScript).
    static func newReportPage(_ req: Request) async throws -> Response {
        var state = FormState(req)
        if let f = state.values.removeValue(forKey: "foreigner") { state.values["foreignerId"] = f }
        if state.value("clientId").isEmpty { state.values["clientId"] = UUID().uuidString }
        return try await reportForm(req, state: state)
    }

    static func reportForm(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await SponsorReportViews.reportForm(req, people: try foreignerPicker(req), rules: try await currentDeadlines(req),
                                                state: state, status: status)
    }

    /// The national deadline of each report type in force today, as the form explains them.
    static func currentDeadlines(_ req: Request) async throws -> [ReportType: DeadlineRule] {
        let book = try await Rules.book(req), today = CalendarDay(req.application.today)!
        return Dictionary(uniqueKeysWithValues: ReportType.allCases.map { ($0, book.deadline($0, on: today)) })
    }

    static func submitForm(_ req: Request) async throws -> Response {
        var state = FormState(req)
        let v = state.values
        func text(_ k: String) -> String? { v[k].flatMap { $0.isEmpty ? nil : $0 } }
        let input = SponsorReportService.Input(
            clientId: v["clientId"], foreignerId: text("foreignerId").flatMap(UUID.init(uuidString:)), type: text("type"), eventOn: text("eventOn"),
            address: text("address"), kelurahanCode: RegionPicker.chosen(v, name: "kelurahanCode", depth: .village), civilStatus: text("civilStatus"),
            newEmployer: text("newEmployer"), position: text("position"), reason: text("reason"), destination: text("destination"), note: text("note"))
        do {
            // The service answers an unknown foreigner with 403 (another sponsor's); an empty choice is a form error,
            // named with every other mistake of the form.
            if input.foreignerId == nil {
                var checks = FieldChecks()
                _ = try checks.run { () throws -> Void in throw ValidationFailure("v.required", field: "foreignerId") }
                _ = try await SponsorReportService.checkFields(input, req, &checks)
                try checks.finish()
            }
            let (r, _) = try await SponsorReportService.submit(input, req)
            return Flash.redirect(req, to: SiteURL.sponsorReport(.id(r.id!)), "flash.sr.filed")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: SponsorReportViews.formFields)
            return try await reportForm(req, state: state, status: .unprocessableEntity)
        }
    }

    static func receiptPage(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return try await receipt(req, id: id, review: .empty, status: .ok)
    }

    static func receipt(_ req: Request, id: UUID, review: FormState, status: HTTPResponseStatus) async throws -> Response {
        let r = try await SponsorReportService.visible(id, req)
        let p = try req.requirePrincipal()
        let dto = ReportDTO(r)
        var place: String?
        if let code = dto.details["kelurahanCode"] {
            let parts = code.split(separator: ".").map(String.init)
            let codes = (1...max(1, parts.count)).map { parts.prefix($0).joined(separator: ".") }
            let regions = Dictionary(try await Region.query(on: req.db).filter(\.$id ~~ codes).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
            place = codes.reversed().compactMap { regions[$0] }.joined(separator: ", ")
        }
        let model = SponsorReportViews.ReceiptModel(
            report: r, details: dto.details, foreigner: try await Foreigner.find(r.foreignerID, on: req.db),
            sponsor: try await Sponsor.find(r.sponsorID, on: req.db), place: place,
            canReview: (ScopePolicy.isOfficeStaff(p)) && r.status == SponsorReportStatus.submitted.rawValue, review: review)
        return SponsorReportViews.receipt(req, model, status: status)
    }

    static func officerListPage(_ req: Request) async throws -> Response {
        let status = req.queryValue("status").flatMap(SponsorReportStatus.init(rawValue:))?.rawValue ?? "submitted"
        let paging = try Paging(req)
        let (reports, total) = try await SponsorReportService.list(req, status: status, foreigner: nil, paging: paging)
        let overdue = try await SponsorReportService.obligations(req).filter { $0.status == "overdue" }
        return SponsorReportViews.officerList(req, .init(status: status, reports: reports, total: total, paging: paging, names: try await names(reports.map(\.foreignerID), db: req.db), overdue: overdue))
    }

    static func reviewForm(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        var state = FormState(req)
        let decision = state.values["decision"]
        do {
            _ = try await SponsorReportService.review(id, decision: decision, reason: state.values["reason"], req)
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["reason"])
            return try await receipt(req, id: id, review: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await receipt(req, id: id, review: state, status: .conflict)
        }
        return Flash.redirect(req, to: SiteURL.sponsorReport(.id(id)), decision == "accept" ? "flash.sr.accepted" : "flash.sr.returned")
    }
}
