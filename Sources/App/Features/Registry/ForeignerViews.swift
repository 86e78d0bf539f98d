import Vapor

/// The registry's pages: the foreigners list with its filters (`/foreigners`) and one foreigner's
/// record (`/foreigners/:id`). Coded values (nationality, category, status, sex) are shown as text in
/// the page's language, days as "2 Des 2026".
enum ForeignerViews {
    struct ListModel {
        var items: [Foreigner]
        var total: Int
        var paging: Paging
        var nationalities: [String]
        /// The filters as submitted, with an error beside the filter at fault.
        var filters: FormState
        var today: String
    }

    static let filterFields: Set<String> = ["q", "nationality", "category", "status"]

    static func list(_ req: Request, _ m: ListModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let rows: HTML = m.items.html { f in
            let state = f.permitState(today: m.today, departed: f.departed)
            // The end of the permit that counts today (before a gap, the earlier one's), as the status counts it.
            let end = f.endInForce(today: m.today)
            return """
            <tr>
              <td><a href="\(SiteURL.foreigner(.id(f.id!)).with(["purpose": "supervision"]))">\(f.fullName)</a></td>
              <td>\(RegistryText.nationality(f.nationality, lang))</td>
              <td>\(f.passportNumber ?? "—")</td>
              <td>\(f.permitCategory.map { RegistryText.category($0, lang) } ?? "—")</td>
              <td>\(end.map { Views.day($0, req) } ?? "—")</td>
              <td>\(Views.statusBadge(state, lang))</td>
            </tr>
            """
        }
        let table: HTML = m.items.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="foreigner-list">
          <thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("f.passportNumber", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead>
          <tbody>\(rows)</tbody>
        </table>
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """
        let all = (value: "", label: L10n.t("list.all", lang))
        let nationalities = [all] + m.nationalities.map { (value: $0, label: RegistryText.nationality($0, lang)) }
        let categories = [all] + ForeignerSearch.categories.map { (value: $0, label: RegistryText.category($0, lang)) }
        let statuses = [all] + ForeignerSearch.statuses.map { (value: $0, label: L10n.t("status.\($0)", lang)) }
        let f = m.filters
        return Views.page(req, title: L10n.t("nav.foreigners", lang), body: """
        <h1>\(L10n.t("nav.foreigners", lang))</h1>
        \(ScopePolicy.isOfficeStaff(req.principal) ? HTML("<p class=\"actions\"><a class=\"button\" id=\"new-foreigner-link\" href=\"\(RegistryURL.newForeigner.path)\">\(L10n.t("reg.newLink", lang))</a></p>") : "")
        <div role="search">
        \(Form.open(req, action: SiteURL.foreigners.path, id: "foreigner-filters", method: "get", state: f, classes: "filters"))
          \(Form.field("q", label: L10n.t("list.search", lang), state: f, kind: .search, hint: L10n.t("list.searchHint", lang), attributes: "maxlength=\"100\""))
          \(Form.field("nationality", label: L10n.t("list.nationality", lang), state: f, kind: .select(nationalities)))
          \(Form.field("category", label: L10n.t("list.category", lang), state: f, kind: .select(categories)))
          \(Form.field("status", label: L10n.t("list.status", lang), state: f, kind: .select(statuses)))
          \(Form.submit(L10n.t("list.filter", lang)))
        </form>
        </div>
        \(table)
        """, status: status)
    }

    /// Before a record opens without a purpose: the choice, nothing of the person yet.
    static func choosePurpose(_ req: Request, id: UUID) -> Response {
        let lang = req.language
        let links: HTML = ReadPurpose.allCases.html { p in
            "<li><a class=\"button\" href=\"\(SiteURL.foreigner(.id(id)).with(["purpose": p.rawValue]))\" id=\"purpose-\(p.rawValue)\">\(L10n.t("purpose.\(p.rawValue)", lang))</a></li>"
        }
        return Views.page(req, title: L10n.t("purpose.choose.title", lang), body: """
        <section class="card narrow" id="choose-purpose"><h1>\(L10n.t("purpose.choose.title", lang))</h1>
        <p>\(L10n.t("purpose.choose.intro", lang))</p>
        <ul class="actions plain">\(links)</ul>
        </section>
        """)
    }

    static func detail(_ req: Request, _ d: ForeignerDetail, history: [RegistryFeedController.HistoryItem], historyPlaces: [String: String],
                       pending: [PendingChange], canEdit: Bool, today: String) -> Response {
        let lang = req.language
        let f = d.foreigner
        let state = f.permitState(today: today, departed: f.status == "departed")
        let none: HTML = "<p class=\"muted\">\(L10n.t("f.none", lang))</p>"
        let current = L10n.t("f.current", lang)
        let day: (String?) -> String = { $0.map { Views.day($0, req) } ?? "—" }
        // The permit before a gap counts (held, or ended in the gap): the day the next one begins.
        let next: HTML = f.status != "departed" && PermitState.priorStayBegun(start: f.permitStart, priorStart: f.permitPriorStart, priorEnd: f.permitPriorEnd, today: today)
            ? "<p id=\"next-permit\">\(L10n.format("status.nextPermitFrom", lang, [day(f.permitStart)]))</p>" : ""
        let passports: HTML = d.passports.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.passportNumber", lang))</th><th>\(L10n.t("f.issuingCountry", lang))</th><th>\(L10n.t("f.expires", lang))</th></tr></thead><tbody>
        \(d.passports.html { p in "<tr><td>\(p.number)\(p.isCurrent ? HTML(" <span class=\"muted\">(\(current))</span>") : "")</td><td>\(RegistryText.nationality(p.issuingCountry, lang))</td><td>\(day(p.expiresOn))</td></tr>" })
        </tbody></table>
        """
        let permits: HTML = d.permits.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.permitType", lang))</th><th>\(L10n.t("f.permitCategory", lang))</th><th>\(L10n.t("f.permitStatus", lang))</th><th>\(L10n.t("f.permitNumber", lang))</th><th>\(L10n.t("f.start", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("f.sponsor", lang))</th><th>\(L10n.t("f.office", lang))</th></tr></thead><tbody>
        \(d.permits.html { p in
            let sponsorCell: HTML = p.sponsorID.map { "<a href=\"\(SiteURL.sponsor(.id($0)).path)\">\(p.sponsorName ?? "")</a>" } ?? "—"
            return """
            <tr><td>\(p.typeLabel) <span class="code">\(p.type)</span></td><td>\(RegistryText.category(p.category, lang))</td><td>\(RegistryText.permitStatus(p.status, startOn: p.startOn, endOn: p.endOn, today: today, lang))</td>
            <td>\(p.number)</td><td>\(day(p.startOn))</td><td>\(day(p.endOn))</td><td>\(sponsorCell)</td><td>\(p.officeName ?? "—")</td></tr>
            """
        })
        </tbody></table>
        """
        let addresses: HTML = d.addresses.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.address", lang))</th><th>\(L10n.t("f.place", lang))</th><th>\(L10n.t("f.validFrom", lang))</th></tr></thead><tbody>
        \(d.addresses.html { a in
            "<tr><td>\(a.line)\(a.isCurrent ? HTML(" <span class=\"muted\">(\(current))</span>") : "")</td><td>\(Views.place(RegistryText.place(a, lang), code: a.villageCode))</td><td>\(day(a.validFrom))</td></tr>"
        })
        </tbody></table>
        """
        let jobs: HTML = d.employments.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.sponsor", lang))</th><th>\(L10n.t("f.position", lang))</th><th>\(L10n.t("f.start", lang))</th><th>\(L10n.t("f.end", lang))</th></tr></thead><tbody>
        \(d.employments.html { e in "<tr><td>\(e.sponsorName)</td><td>\(e.position)</td><td>\(day(e.startOn))</td><td>\(day(e.endOn))</td></tr>" })
        </tbody></table>
        """
        let travel: HTML = d.movements.isEmpty ? none : """
        <table class="responsive"><thead><tr><th>\(L10n.t("f.direction", lang))</th><th>\(L10n.t("f.crossedAt", lang))</th><th>\(L10n.t("f.port", lang))</th><th>\(L10n.t("f.travelDocument", lang))</th></tr></thead><tbody>
        \(d.movements.html { m in
            "<tr><td>\(L10n.t(m.direction == "out" ? "f.departure" : "f.arrival", lang))</td><td>\(Views.time(m.crossedAt, req))</td><td>\(m.portCode)</td><td>\(m.travelDocument ?? "—")</td></tr>"
        })
        </tbody></table>
        """
        let changes: HTML = history.isEmpty ? none : historyTable(req, history, places: historyPlaces)
        return Views.page(req, title: f.fullName, body: """
        <h1>\(f.fullName) \(Views.statusBadge(state, lang))</h1>
        \(next)
        <p class="muted">\(L10n.t("f.auditNote", lang))</p>
        \(canEdit ? HTML("<p class=\"actions\"><a class=\"button\" id=\"edit-record\" href=\"\(RegistryURL.edit(.id(f.id)).path)\">\(L10n.t("reg.editLink", lang))</a></p>") : "")
        \(pending.isEmpty ? "" : HTML("""
        <section class="card notice" id="pending"><h2>\(L10n.t("reg.pendingTitle", lang))</h2>\(pending.html { "<p>\(RegistryEditViews.changeText($0, lang))</p>" })
        <p class="muted">\(L10n.t("reg.pendingNote", lang))</p></section>
        """))
        <section class="card"><dl class="facts">
          <dt>\(L10n.t("f.familyName", lang))</dt><dd>\(f.familyName)</dd>
          <dt>\(L10n.t("f.givenNames", lang))</dt><dd>\(f.givenNames)</dd>
          <dt>\(L10n.t("f.sex", lang))</dt><dd>\(RegistryText.sex(f.sex, lang))</dd>
          <dt>\(L10n.t("f.dob", lang))</dt><dd>\(day(f.dateOfBirth))</dd>
          <dt>\(L10n.t("f.nationality", lang))</dt><dd>\(RegistryText.nationality(f.nationality, lang))</dd>
          <dt>\(L10n.t("f.placeOfBirth", lang))</dt><dd>\(d.placeOfBirth ?? "—")</dd>
          <dt>\(L10n.t("f.civilStatus", lang))</dt><dd>\(d.civilStatus.map { L10n.t("civil.\($0)", lang) } ?? "—")\(d.spouseOfCitizen == true ? HTML(" · \(L10n.t("f.spouseOfCitizen", lang))") : "")</dd>
          <dt>\(L10n.t("f.reporting", lang))</dt><dd id="reporting-duty">\(d.reportingExemption.map { HTML("<strong>\(L10n.t("exempt.label", lang))</strong> · \(L10n.t($0, lang))") } ?? HTML(stringLiteral: L10n.t("exempt.notExempt", lang)))</dd>
          <dt>\(L10n.t("f.passportNumber", lang))</dt><dd>\(f.passportNumber ?? "—")</dd>
          <dt>\(L10n.t("list.category", lang))</dt><dd>\(RegistryText.category(f.permitCategory, lang))</dd>
        </dl></section>
        <section class="card"><h2>\(L10n.t("f.permits", lang))</h2>\(permits)</section>
        <section class="card"><h2>\(L10n.t("f.passport", lang))</h2>\(passports)</section>
        <section class="card"><h2>\(L10n.t("f.addresses", lang))</h2>\(addresses)</section>
        <section class="card"><h2>\(L10n.t("f.employment", lang))</h2>\(jobs)</section>
        <section class="card" id="travel"><h2>\(L10n.t("f.travel", lang))</h2>\(travel)</section>
        \(canEdit ? HTML("<section class=\"card\" id=\"history\"><h2>\(L10n.t("f.history", lang))</h2>\(changes)</section>") : "")
        """)
    }

    /// A record's change history: when, which field, before, after, who, and where the change came from with its reason.
    /// `places`: the names of the regions its values name (`RegistryText.historyRegionCodes`).
    static func historyTable(_ req: Request, _ history: [RegistryFeedController.HistoryItem], places: [String: String]) -> HTML {
        let lang = req.language
        return """
        <table class="responsive"><thead><tr><th>\(L10n.t("h.when", lang))</th><th>\(L10n.t("h.field", lang))</th><th>\(L10n.t("h.old", lang))</th><th>\(L10n.t("h.new", lang))</th><th>\(L10n.t("h.by", lang))</th><th>\(L10n.t("h.source", lang))</th></tr></thead><tbody>
        \(history.html { h in
            "<tr><td>\(Views.time(h.at, req))</td><td>\(RegistryText.historyField(h.field, lang))\(h.record.map { HTML(" <span class=\"code\">\($0)</span>") } ?? "")</td><td>\(RegistryText.historyValue(h.field, h.old, lang, places: places))</td><td>\(RegistryText.historyValue(h.field, h.new, lang, places: places))</td><td>\(h.by)</td><td>\(RegistryText.historySource(h.source, lang))\(h.reason.map { HTML("<br><span class=\"muted\">\($0)</span>") } ?? "")</td></tr>"
        })
        </tbody></table>
        """
    }
}
