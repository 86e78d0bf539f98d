import Vapor

enum NotificationViews {
    static func page(_ req: Request, list: NotificationsController.NotificationList, byEmail: Bool, hasEmail: Bool) -> Response {
        let lang = req.language
        let rows: HTML = list.items.html { n in
            """
            <li class="\(n.read ? "read" : "unread")">\(Form.open(req, action: SiteURL.notificationOpen(.id(n.id)).path, id: "open-\(n.id.uuidString)", classes: "inline"))<button type="submit" class="link-button">\(L10n.t("notify.kind.\(n.kind)", lang)): \(n.title)</button></form>
            <span class="muted">\(Views.time(n.createdAt, req))</span></li>
            """
        }
        let items: HTML = list.items.isEmpty
            ? Views.emptyList(req, "notify.none", page: list.page, per: list.per, total: list.total)
            : "<ul class=\"card notifications\" id=\"notification-list\">\(rows)</ul>\(Views.pagination(req, page: list.page, per: list.per, total: list.total))"
        return Views.page(req, title: L10n.t("nav.notifications", lang), body: """
        <h1>\(L10n.t("nav.notifications", lang)) <span class="badge" id="unread-count" aria-label="\(L10n.t("notify.unread", lang))">\(list.unread)</span></h1>
        \(items)
        <section class="card">
          <h2>\(L10n.t("notify.settings", lang))</h2>
          \(Form.open(req, action: SiteURL.notificationPreferences.path, id: "notify-preferences"))
            <p class="check-row"><input type="checkbox" id="notifyEmail" name="notifyEmail" class="check"\(byEmail ? HTML(" checked") : "")>
            <label for="notifyEmail" class="inline-label">\(L10n.t("notify.byEmail", lang))</label></p>
            \(hasEmail ? "" : "<p class=\"hint\">\(L10n.t("notify.noAddress", lang))</p>" as HTML)
            \(Form.submit(L10n.t("action.save", lang), secondary: true))
          </form>
        </section>
        """)
    }
}
