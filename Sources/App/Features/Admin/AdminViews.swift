import AuditChain
import Vapor

/// The administrator's pages: the audit trail (`/admin/audit`) and the users (`/admin/users`).
/// Actions, object kinds, roles and purposes are shown by name in the page's language, times in the
/// office's zone ("2 Des 2026 18.30 WIB"); ids are shortened to their first eight characters.
enum AdminViews {
    /// An audit action by name ("auth.login" → "Masuk"); an action without a name is shown as written.
    static func actionName(_ action: String, _ lang: Language) -> String {
        let key = "audit.action.\(action)"
        return L10n.has(key) ? L10n.t(key, lang) : action
    }

    static func objectName(_ type: String, _ lang: Language) -> String {
        let key = "audit.object.\(type)"
        return L10n.has(key) ? L10n.t(key, lang) : type
    }

    static func roleName(_ role: String, _ lang: Language) -> String {
        let key = "role.\(role)"
        return L10n.has(key) ? L10n.t(key, lang) : role
    }

    static func purposeName(_ purpose: String, _ lang: Language) -> String {
        if purpose.isEmpty { return "—" }
        let key = "purpose.\(purpose)"
        return L10n.has(key) ? L10n.t(key, lang) : purpose
    }

    static func chainBreak(_ b: AuditBreak, _ lang: Language) -> String {
        let seq = Int(b.sequence)
        switch b.kind {
        case .contentAltered: return L10n.f("audit.break.contentAltered", lang, seq)
        case .linkBroken: return L10n.f("audit.break.linkBroken", lang, seq)
        case .missingEvents(let expected): return L10n.f("audit.break.missingEvents", lang, seq, Int(expected))
        case .truncated(let last): return L10n.f("audit.break.truncated", lang, seq, Int(last))
        }
    }

    /// What the audit page is narrowed to: one account's actions, what was done to one record, or both.
    struct AuditFilter { var actor: String?; var object: (type: String, id: String)? }

    /// `names`: accounts', offices' and agencies' names by id; anything else is shown by its shortened id.
    static func audit(_ req: Request, chain: Result<Int64, AuditBreak>, fullAt: Date? = nil, events: [AuditEventRecord], names: [String: String] = [:],
                      filter: AuditFilter? = nil, pager: HTML = "") -> Response {
        let lang = req.language
        let status: HTML
        switch chain {
        case .success(let n):
            let walked: HTML = fullAt.map { " · <span class=\"muted\">\(L10n.format("audit.fullAt", lang, [Views.time($0, req)]))</span>" } ?? ""
            status = "<p class=\"notice\" id=\"chain-status\">\(L10n.t("dash.auditIntact", lang)) · \(L10n.format("audit.eventCount", lang, ["num:\(n)"]))\(walked)</p>"
        case .failure(let b): status = "<p class=\"alert\" role=\"alert\" id=\"chain-status\">\(L10n.t("dash.auditBroken", lang)): \(chainBreak(b, lang))</p>"
        }
        let short: (String) -> String = { String($0.prefix(8)) }
        // A named account or unit reads by its name, its short id beside it; the name opens what it did or what was done to it.
        func who(_ id: String) -> HTML {
            // "anonymous" and "system" are said by the role already; an agent ("agent-for:…") is shown as written.
            guard UUID(uuidString: id) != nil else { return id == "anonymous" || id == "system" ? "" : "<span class=\"code\">\(id)</span>" }
            guard let name = names[id] else { return "<span class=\"code\">\(short(id))</span>" }
            return "<a href=\"\(SiteURL.adminAudit.with(["actor": id]))\">\(name)</a> <span class=\"code\">\(short(id))</span>"
        }
        func what(_ type: String, _ id: String) -> HTML {
            let label = objectName(type, lang)
            // A list's page ("page-2"), or no single record ("-", a list of several).
            if id.hasPrefix("page-"), let n = Int(id.dropFirst(5)) { return "\(label), \(L10n.f("audit.page", lang, n))" }
            guard UUID(uuidString: id) != nil else { return id == "-" ? "\(label)" : "\(label) <span class=\"code\">\(id)</span>" }
            let link = SiteURL.adminAudit.with(["objectType": type, "objectId": id])
            if let name = names[id] { return "\(label) <a href=\"\(link)\">\(name)</a>" }
            return "\(label) <a class=\"code\" href=\"\(link)\" title=\"\(id)\">\(short(id))</a>"
        }
        let rows: HTML = events.html { e in
            """
            <tr><td>\(Int(e.id ?? 0))</td><td>\(Views.time(e.occurredAt, req))</td>
            <td>\(roleName(e.actorRole, lang)) \(who(e.actorID))</td>
            <td>\(actionName(e.action, lang))</td>
            <td>\(what(e.objectType, e.objectID))</td>
            <td>\(purposeName(e.purpose, lang))</td><td><span class="code">\(short(e.requestID))</span></td></tr>
            """
        }
        var said: [String] = []
        if let id = filter?.actor { said.append(L10n.format("audit.filter.actor", lang, [names[id] ?? short(id)])) }
        if let o = filter?.object { said.append(L10n.format("audit.filter.object", lang, [objectName(o.type, lang), names[o.id] ?? short(o.id)])) }
        let narrowed: HTML = said.isEmpty ? "<p class=\"muted\">\(L10n.t("audit.latest", lang))</p>"
            : "<p class=\"notice\" id=\"audit-filter\">\(said.joined(separator: " ")) · <a href=\"\(SiteURL.adminAudit.path)\">\(L10n.t("audit.filter.all", lang))</a></p>"
        let table: HTML = events.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="audit-events"><thead><tr><th>\(L10n.t("audit.seq", lang))</th><th>\(L10n.t("audit.time", lang))</th><th>\(L10n.t("audit.actor", lang))</th><th>\(L10n.t("audit.action", lang))</th><th>\(L10n.t("audit.object", lang))</th><th>\(L10n.t("audit.purpose", lang))</th><th>\(L10n.t("audit.request", lang))</th></tr></thead><tbody>
        \(rows)
        </tbody></table>
        """
        return Views.page(req, title: L10n.t("nav.audit", lang), body: """
        <h1>\(L10n.t("nav.audit", lang))</h1>
        \(status)
        \(narrowed)
        \(table)
        \(pager)
        """)
    }
}
