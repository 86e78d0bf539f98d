import Foundation
import Vapor

/// `/sponsors` (a searchable list) and `/sponsors/:id` (one sponsor with the foreigners it sponsors).
enum SponsorViews {
    static func kindLabel(_ s: Sponsor, _ lang: Language) -> String { L10n.t(s.kind == "company" ? "s.company" : "s.individual", lang) }

    struct ListModel {
        var query: String
        var items: [Sponsor]
        var counts: [UUID: Int]
        var paging: Paging
        var total: Int
        var canEdit = false
        var openMerges = 0
    }

    static func list(_ req: Request, _ m: ListModel) -> Response {
        let lang = req.language
        let rows: HTML = m.items.html { s in
            "<tr><td><a href=\"\(SiteURL.sponsor(.id(s.id!)).path)\">\(s.name)</a></td><td>\(kindLabel(s, lang))</td><td>\(s.nib ?? "—")</td><td>\(s.sector ?? "—")</td><td>\(m.counts[s.id!] ?? 0)</td></tr>"
        }
        let table: HTML = m.items.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="sponsor-list"><thead><tr><th>\(L10n.t("s.name", lang))</th><th>\(L10n.t("s.kind", lang))</th><th>\(L10n.t("s.nib", lang))</th><th>\(L10n.t("s.sector", lang))</th><th>\(L10n.t("s.foreigners", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """
        let filter = FormState(values: ["q": m.query])
        let actions: HTML = m.canEdit ? """
        <p class="actions"><a class="button" href="\(SponsorURL.new.path)">\(L10n.t("sponsor.new", lang))</a>
        <a href="\(SponsorURL.merges.path)">\(L10n.t("sponsor.merges", lang)) (\(m.openMerges))</a></p>
        """ : ""
        return Views.page(req, title: L10n.t("nav.sponsors", lang), body: """
        <h1>\(L10n.t("nav.sponsors", lang))</h1>
        \(actions)
        \(Form.open(req, action: SiteURL.sponsors.path, id: "sponsor-search", method: "get", classes: "filters"))
          \(Form.field("q", label: L10n.t("s.search", lang), state: filter, kind: .search))
          <button type="submit">\(L10n.t("list.filter", lang))</button>
        </form>
        \(table)
        """)
    }

    struct DetailModel {
        var sponsor: Sponsor
        var estate: String?
        var village: String?
        /// One page (`paging`) of the `foreignersTotal` people the sponsor sponsors.
        var foreigners: [Foreigner]
        var foreignersTotal: Int
        var paging: Paging
        var today: String
        /// The link to the foreign-worker documents (the portal's page for the sponsor itself, the officers' otherwise); nil for individuals.
        var tka: String?
        var canEdit = false
        var history: [RegistryFeedController.HistoryItem] = []
        /// The names of the regions the history's values name.
        var historyPlaces: [String: String] = [:]
    }

    static func detail(_ req: Request, _ m: DetailModel) -> Response {
        let lang = req.language
        let s = m.sponsor
        let rows: HTML = m.foreigners.html { f in
            "<tr><td><a href=\"\(SiteURL.foreigner(.id(f.id!)).with(["purpose": "supervision"]))\">\(f.fullName)</a></td><td>\(RegistryText.nationality(f.nationality, lang))</td><td>\(f.permitCategory.map { RegistryText.category($0, lang) } ?? "—")</td><td>\(f.endInForce(today: m.today).map { Views.day($0, req) } ?? "—")</td><td>\(Views.statusBadge(f.permitState(today: m.today, departed: f.departed), lang))</td></tr>"
        }
        let people: HTML = m.foreigners.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="sponsor-foreigners"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(m.foreignersTotal > m.paging.per || m.paging.page > 1 ? Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.foreignersTotal) : "")
        """
        return Views.page(req, title: s.name, body: """
        <h1>\(s.name)</h1>
        \(m.canEdit ? HTML("<p class=\"actions\"><a class=\"button\" href=\"\(SponsorURL.edit(.id(s.id!)).path)\">\(L10n.t("sponsor.edit", lang))</a></p>") : "")
        \(m.tka.map { "<p><a href=\"\($0)\">\(L10n.t("tka.title", lang))</a></p>" as HTML } ?? "")
        <section class="card"><dl class="facts">
          <dt>\(L10n.t("s.kind", lang))</dt><dd>\(kindLabel(s, lang))</dd>
          <dt>\(L10n.t("s.nib", lang))</dt><dd>\(s.nib ?? "—")</dd>
          <dt>\(L10n.t("s.npwp", lang))</dt><dd>\(s.npwp ?? "—")</dd>
          <dt>\(L10n.t("s.sector", lang))</dt><dd>\(s.sector ?? "—")</dd>
          <dt>\(L10n.t("f.address", lang))</dt><dd>\(s.address)<br>\(Views.place(m.village, code: s.villageCode))</dd>
          <dt>\(L10n.t("s.estate", lang))</dt><dd>\(m.estate ?? "—")</dd>
          <dt>\(L10n.t("s.contact", lang))</dt><dd>\(s.email ?? "—") · \(s.phone ?? "—")</dd>
        </dl></section>
        <section class="card"><h2 id="foreigners">\(L10n.t("s.foreigners", lang)) (\(m.foreignersTotal))</h2>\(people)</section>
        \(m.canEdit ? HTML("<section class=\"card\" id=\"history\"><h2>\(L10n.t("f.history", lang))</h2>\(m.history.isEmpty ? HTML("<p class=\"muted\">\(L10n.t("f.none", lang))</p>") : ForeignerViews.historyTable(req, m.history, places: m.historyPlaces))</section>") : "")
        """)
    }
}
