import Vapor

/// Page shell and shared view pieces. Pages are typed `HTML`; every interpolated string is escaped.
enum Views {
    static func page(_ req: Request, title: String, body: HTML, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let other: Language = lang == .id ? .en : .id
        let back = req.url.path.hasPrefix("/") ? req.url.string : "/"
        var nav: HTML = ""
        var account: HTML = ""
        if let p = req.principal {
            var links: [(String, String)] = [("/", "nav.dashboard")]
            switch p.role {
            case .officer, .supervisor:
                if p.role == .supervisor { links += [("/leader", "nav.leader")] }
                links += [("/lookup", "nav.lookup"), ("/daily-reports", "nav.dailyReports"), ("/tasks", "nav.tasks"), ("/operations", "nav.operations"), ("/meetings", "nav.meetings"), ("/inspections", "nav.inspections"), ("/foreigners", "nav.foreigners"), ("/sponsors", "nav.sponsors"), ("/sponsor-reports", "nav.sponsorReports"), ("/overstays", "nav.overstays"), ("/warnings", "nav.warnings"), ("/public-reports", "nav.publicReports"), ("/imports", "nav.imports"), ("/discrepancies", "nav.discrepancies")]
            case .sponsor: links += [("/portal", "nav.portal"), ("/foreigners", "nav.foreigners"), ("/sponsors/\(p.sponsorID?.uuidString ?? "")", "nav.sponsors"), ("/inspections", "nav.inspections")]
            case .admin: links += [("/admin/audit", "nav.audit"), ("/admin/users", "nav.users"), ("/admin/outbox", "nav.outbox")]
            case .agency: links += [("/operations", "nav.operations"), ("/meetings", "nav.meetings"), ("/imports", "nav.imports"), ("/discrepancies", "nav.discrepancies")]
            }
            links.append(("/notifications", "nav.notifications"))
            nav = links.html { link in
                let current = link.0 == "/" ? req.url.path == "/" : req.url.path.hasPrefix(link.0)
                return "<a href=\"\(link.0)\"\(current ? HTML(" aria-current=\"page\"") : "")>\(L10n.t(link.1, lang))</a>"
            }
            account = """
            <span class="who">\(p.displayName) · \(L10n.t("role.\(p.role.rawValue)", lang))</span>
            <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="\(req.csrfToken)"><button type="submit" class="link">\(L10n.t("nav.logout", lang))</button></form>
            """
        }
        let html: HTML = """
        <!doctype html>
        <html lang="\(lang.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Sinergi</title>
        <link rel="stylesheet" href="/static/app.css">
        <link rel="manifest" href="/manifest.webmanifest">
        <meta name="theme-color" content="#0b5394">
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/">Sinergi<small>\(L10n.t("app.tagline", lang))</small></a>
          <nav>\(nav)</nav>
          <div class="account">\(account)<a class="lang" href="/lang/\(other.rawValue)?back=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")">\(L10n.t("nav.language", lang))</a></div>
        </header>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
        let res = Response(status: status, body: .init(string: html.raw))
        res.headers.contentType = .html
        return res
    }

    static func errorPage(_ req: Request, status: HTTPResponseStatus, messageKey: String) -> Response {
        let lang = req.language
        return page(req, title: L10n.t("err.title", lang), body: """
        <section class="card narrow error">
          <h1>\(L10n.t("err.title", lang))</h1>
          <p>\(L10n.t(messageKey, lang))</p>
          <p class="muted">\(Int(status.code))</p>
          <p><a href="/">\(L10n.t("err.back", lang))</a></p>
        </section>
        """, status: status)
    }

    static func statusBadge(_ state: PermitState, _ lang: Language) -> HTML {
        "<span class=\"badge \(state.code)\">\(state.label(lang))</span>"
    }

    /// Previous/next links that keep the current query's other parameters.
    static func pagination(_ req: Request, page: Int, per: Int, total: Int) -> HTML {
        let pages = max(1, (total + per - 1) / per)
        func link(_ p: Int) -> String {
            var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
            items.append(URLQueryItem(name: "page", value: String(p)))
            var c = URLComponents(); c.path = req.url.path; c.queryItems = items
            return c.string ?? req.url.path
        }
        let lang = req.language
        let prev: HTML = page > 1 ? "<a rel=\"prev\" href=\"\(link(page - 1))\">\(L10n.t("list.prev", lang))</a>" : ""
        let next: HTML = page < pages ? "<a rel=\"next\" href=\"\(link(page + 1))\">\(L10n.t("list.next", lang))</a>" : ""
        return "<nav class=\"pager\">\(prev)<span>\(L10n.f("list.pageOf", lang, page, pages, total))</span>\(next)</nav>"
    }

    static func options(_ values: [(String, String)], selected: String?) -> HTML {
        values.html { v in "<option value=\"\(v.0)\"\(v.0 == selected ? HTML(" selected") : "")>\(v.1)</option>" }
    }
}

/// Paging parameters shared by web lists and API lists (`page` from 1, `per` up to 100).
struct Paging: Sendable {
    var page: Int
    var per: Int
    init(_ req: Request, defaultPer: Int = 25) throws {
        let rawPage = req.query[String.self, at: "page"]
        let rawPer = req.query[String.self, at: "per"]
        guard let page = rawPage.map({ Int($0) }) ?? 1, page >= 1, page <= 1_000_000 else {
            throw ValidationFailure(message: "page must be a whole number ≥ 1")
        }
        guard let per = rawPer.map({ Int($0) }) ?? defaultPer, (1...100).contains(per) else {
            throw ValidationFailure(message: "per must be a whole number from 1 to 100")
        }
        self.page = page
        self.per = per
    }
    init(page: Int, per: Int) { self.page = page; self.per = per }
    var offset: Int { (page - 1) * per }
}
