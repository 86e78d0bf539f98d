import FluentKit
import Vapor

/// Page shell and shared view pieces. Pages are typed `HTML`; every interpolated string is escaped.
enum Views {
    static func page(_ req: Request, title: String, body: HTML, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let other: Language = lang == .id ? .en : .id
        let back = req.url.path.hasPrefix("/") ? req.url.string : "/"
        var nav: HTML = ""
        var account: HTML = ""
        if req.enrolOnly {
            account = """
            <form method="post" action="\(SiteURL.logout.path)" class="inline">\(Form.csrf(req))<button type="submit" class="link">\(L10n.t("nav.logout", lang))</button></form>
            """
        } else if let p = req.principal {
            nav = Navigation.menu(for: p, path: req.url.path, lang: lang)
            account = """
            <a href="\(SiteURL.notifications.path)" class="notif-link">\(L10n.t("nav.notifications", lang))</a>
            <a class="who" href="\(AccountPageURL.account.path)" title="\(L10n.t("account.title", lang))"><span class="who-name">\(p.displayName) · \(L10n.t("role.\(p.role.rawValue)", lang))</span><span class="who-short">\(L10n.t("account.short", lang))</span></a>
            <form method="post" action="\(SiteURL.logout.path)" class="inline">\(Form.csrf(req))<button type="submit" class="link">\(L10n.t("nav.logout", lang))</button></form>
            """
        }
        // On a phone the navigation and the account sit behind one "Menu" button (a popover: no script, opened and
        // closed by tap or keyboard, Esc or a tap outside closes it), so that the page starts right under a one-line
        // header. Wider, and in browsers without popovers, the wrapper is no box at all and the header is as it was.
        let toggle: HTML = nav.raw.isEmpty ? "" : "<button type=\"button\" class=\"menu-toggle\" popovertarget=\"site-menu\">\(L10n.t("nav.menu", lang))</button>"
        let flash: HTML = Flash.take(req).map { "<p class=\"notice flash\" role=\"status\" id=\"flash\">\($0)</p>" } ?? ""
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
        <script src="/static/ui.js" defer></script>
        </head>
        <body data-msg-unsaved="\(L10n.t("form.unsavedElsewhere", lang))" data-msg-bad-date="\(L10n.t("form.badDate", lang))" data-msg-bad-datetime="\(L10n.t("form.badDateTime", lang))">
        <a class="skip" href="#main">\(L10n.t("nav.skip", lang))</a>
        <header class="top">
          <a class="brand" href="\(SiteURL.home.path)">Sinergi<small>\(L10n.t("app.tagline", lang))</small></a>
          \(toggle)
          <div class="site-menu" id="site-menu"\(nav.raw.isEmpty ? "" : HTML(" popover"))>
          \(nav)
          <div class="account">\(account)<a class="lang" href="\(AuthURL.language(.value(other.rawValue)).path)?back=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")" lang="\(other.rawValue)">\(L10n.t("nav.language", lang))</a></div>
          </div>
        </header>
        <main id="main">
        \(flash)
        \(body)
        </main>
        </body>
        </html>
        """
        let res = Response(status: status, body: .init(string: Form.focusFirstMistake(ResponsiveTables.label(html.raw))))
        res.headers.contentType = .html
        if req.flashWasShown { Flash.clear(res) }
        return res
    }

    /// `next`: where the visitor goes on from here, where the error has one (the card of a row decided meanwhile).
    /// `title`: what happened, where it is known and no fault (a decision not saved), instead of "something went wrong".
    static func errorPage(_ req: Request, status: HTTPResponseStatus, message: String, next: (href: String, text: String)? = nil, title: String? = nil) -> Response {
        let lang = req.language
        let heading = title ?? L10n.t("err.title", lang)
        return page(req, title: heading, body: """
        <section class="card narrow error">
          <h1>\(heading)</h1>
          <p>\(message)</p>
          <p class="muted">\(Int(status.code))</p>
          \(next.map { "<p><a class=\"button\" href=\"\($0.href)\" id=\"error-next\">\($0.text)</a></p>" as HTML } ?? "")
          \(cameFrom(req).map { "<p><a href=\"\($0)\" id=\"error-previous\">\(L10n.t("err.previous", lang))</a></p>" as HTML } ?? "")
          <p><a href="\(SiteURL.home.path)">\(L10n.t("err.back", lang))</a></p>
        </section>
        """, status: status)
    }

    /// The page of this site the visitor came from (the Referer's path and query), where it is another page: an error
    /// page offers the way back to it, not only to the dashboard (a wrong link on an import's review page).
    /// This site is the request's host, or the configured public address's (behind a proxy that rewrites the host). The
    /// path is kept as it was encoded, and refused where a browser could read it as another site's (`//host`, `/\host`,
    /// a tab or line break that browsers drop).
    static func cameFrom(_ req: Request) -> String? {
        guard let referer = req.headers.first(name: .referer), let url = URLComponents(string: referer), let host = url.host else { return nil }
        let authority = (host + (url.port.map { ":\($0)" } ?? "")).lowercased()
        let ours = [req.headers.first(name: .host)?.lowercased(),
                    URLComponents(string: req.application.config.publicURL).flatMap { p in p.host.map { ($0 + (p.port.map { ":\($0)" } ?? "")).lowercased() } }]
        let path = url.percentEncodedPath
        guard ours.contains(authority), path.hasPrefix("/"), !path.hasPrefix("//"),
              !path.contains("\\"), !path.lowercased().contains("%5c"), !path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }),
              path != req.url.path else { return nil }
        // Decoded, the path must still be one of this site's: no encoded slash or control character turning it into another.
        guard let decoded = path.removingPercentEncoding, !decoded.hasPrefix("//"), !decoded.contains("\\"),
              !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return path + (url.percentEncodedQuery.map { "?\($0)" } ?? "")
    }

    static func errorPage(_ req: Request, status: HTTPResponseStatus, messageKey: String) -> Response {
        errorPage(req, status: status, message: L10n.t(messageKey, req.language))
    }

    /// A moment as people read it, in the office's time zone: "2 Des 2026 18.30 WIB" (or "2 Dec 2026 18:30 WIB").
    static func time(_ date: Date?, _ req: Request) -> String {
        guard let date else { return "" }
        return LocalTime.format(date, zone: req.displayTimeZone, lang: req.language)
    }

    /// A stored ISO 8601 moment (as the tables keep them) shown as `time(_:_:)` does; unparseable text as it is.
    static func time(_ iso: String?, _ req: Request) -> String {
        guard let iso, !iso.isEmpty else { return "" }
        guard let d = LocalTime.parseISO(iso) else { return iso }
        return time(d, req)
    }

    /// A day (`YYYY-MM-DD`) as people read it: "2 Des 2026".
    static func day(_ day: String?, _ req: Request) -> String {
        guard let day, !day.isEmpty else { return "" }
        return LocalTime.formatDay(day, lang: req.language) ?? day
    }

    /// A region (province, regency, district or village) as people know it: by its name. Its official Kemendagri code
    /// is only the title, for the officers who need it; a code without a known name is shown as it is.
    static func place(_ name: String?, code: String) -> HTML {
        guard let name, !name.isEmpty else { return "\(code)" }
        return "<span class=\"place\" title=\"\(code)\">\(name)</span>"
    }

    /// `place(_:code:)` with the name from a table of names by code (`RegionsController.describe`).
    static func place(_ code: String, in names: [String: String]) -> HTML {
        place(names[code], code: code)
    }

    static func statusBadge(_ state: PermitState, _ lang: Language) -> HTML {
        "<span class=\"badge \(state.code)\">\(state.label(lang))</span>"
    }

    /// This list's URL at page `p`, its other parameters kept.
    static func pageLink(_ req: Request, _ p: Int) -> String {
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
        items.append(URLQueryItem(name: "page", value: String(p)))
        var c = URLComponents(); c.path = req.url.path; c.queryItems = items
        return c.string ?? req.url.path
    }

    /// What an empty page of a list says: `key`'s message ("nothing matches"), or — for a page past the end of a
    /// list that has rows (an old link, a list that shrank) — that the page does not exist, with a link to the last.
    static func emptyList(_ req: Request, _ key: String, page: Int, per: Int, total: Int, classes: String = "card muted") -> HTML {
        let lang = req.language
        let pages = max(1, (total + per - 1) / per)
        guard total > 0 && page > pages else { return "<p class=\"\(classes)\">\(L10n.t(key, lang))</p>" }
        return "<p class=\"\(classes)\" id=\"past-end\">\(L10n.format("list.pastEnd", lang, ["num:\(page)", "num:\(pages)"])) <a href=\"\(pageLink(req, pages))\">\(L10n.t("list.toLast", lang))</a></p>"
    }

    /// Previous/next links that keep the current query's other parameters.
    static func pagination(_ req: Request, page: Int, per: Int, total: Int) -> HTML {
        let pages = max(1, (total + per - 1) / per)
        let lang = req.language
        let prev: HTML = page > 1 ? "<a rel=\"prev\" href=\"\(pageLink(req, page - 1))\">\(L10n.t("list.prev", lang))</a>" : ""
        let next: HTML = page < pages ? "<a rel=\"next\" href=\"\(pageLink(req, page + 1))\">\(L10n.t("list.next", lang))</a>" : ""
        return "<nav class=\"pager\">\(prev)<span>\(L10n.format(total == 1 ? "list.pageOfOne" : "list.pageOf", lang, ["num:\(page)", "num:\(pages)", "num:\(total)"]))</span>\(next)</nav>"
    }

    static func options(_ values: [(String, String)], selected: String?) -> HTML {
        values.html { v in "<option value=\"\(v.0)\"\(v.0 == selected ? HTML(" selected") : "")>\(v.1)</option>" }
    }
}

/// Paging parameters shared by web lists and API lists (`page` from 1, `per` up to 100).
extension QueryBuilder where Model.IDValue: Hashable {
    /// One page of a list shown on a page (`page` and `per` from the query, `per` rows by default) and the pager to
    /// show under it (nothing when it all fits on one page).
    func webPage(_ req: Request, per: Int = 50) async throws -> (items: [Model], pager: HTML) {
        let paging = try Paging(req, defaultPer: per)
        let (items, total) = try await pageCountingAll(paging.offset..<(paging.offset + paging.per))
        return (items, total > paging.per || paging.page > 1 ? Views.pagination(req, page: paging.page, per: paging.per, total: total) : "")
    }
}

struct Paging: Sendable {
    static let maxPage = 1_000_000
    var page: Int
    var per: Int
    init(_ req: Request, defaultPer: Int = 25, maxPer: Int = 100) throws {
        let rawPage = req.queryValue("page")
        let rawPer = req.queryValue("per")
        guard let page = rawPage.map({ Int($0) }) ?? 1, (1...Self.maxPage).contains(page) else {
            throw ValidationFailure("v.wholeNumberRange", field: "page", "1", "num:\(Self.maxPage)")
        }
        guard let per = rawPer.map({ Int($0) }) ?? defaultPer, (1...maxPer).contains(per) else {
            throw ValidationFailure("v.wholeNumberRange", field: "per", "1", "num:\(maxPer)")
        }
        self.page = page
        self.per = per
    }
    init(page: Int, per: Int) { self.page = page; self.per = per }
    var offset: Int { (page - 1) * per }
}
