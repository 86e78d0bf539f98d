import Fluent
import Vapor

/// `/admin/audit` (chain status and latest events) and `/admin/users`.
enum AdminController {
    static func register(web: any RoutesBuilder) {
        let g = web.grouped(RequireRole(.admin))
        g.get("admin", "audit", use: audit)
        g.get("admin", "users", use: users)
    }

    static func audit(_ req: Request) async throws -> Response {
        let lang = req.language
        let result = try await AuditLog.verify(on: req.db)
        let status: HTML
        switch result {
        case .success(let n): status = "<p class=\"notice\" id=\"chain-status\">\(L10n.t("dash.auditIntact", lang)) · \(n)</p>"
        case .failure(let b): status = "<p class=\"alert\" id=\"chain-status\">\(L10n.t("dash.auditBroken", lang)): \(b.description)</p>"
        }
        let events = try await AuditEventRecord.query(on: req.db).sort(\.$id, .descending).limit(100).all()
        return Views.page(req, title: L10n.t("nav.audit", lang), body: """
        <h1>\(L10n.t("nav.audit", lang))</h1>
        \(status)
        <table class="responsive"><thead><tr><th>#</th><th>UTC</th><th>actor</th><th>action</th><th>object</th><th>purpose</th><th>request</th></tr></thead><tbody>
        \(events.html { e in "<tr><td>\(e.id ?? 0)</td><td>\(e.occurredAt)</td><td>\(e.actorRole) \(e.actorID.prefix(8).description)</td><td>\(e.action)</td><td>\(e.objectType) \(e.objectID.prefix(8).description)</td><td>\(e.purpose)</td><td>\(e.requestID.prefix(8).description)</td></tr>" })
        </tbody></table>
        """)
    }

    static func users(_ req: Request) async throws -> Response {
        let lang = req.language
        let users = try await User.query(on: req.db).with(\.$office).with(\.$agency).with(\.$sponsor).sort(\.$email).all()
        return Views.page(req, title: L10n.t("nav.users", lang), body: """
        <h1>\(L10n.t("nav.users", lang))</h1>
        <table class="responsive"><thead><tr><th>Email</th><th>\(L10n.t("s.name", lang))</th><th>Role</th><th>\(L10n.t("dash.office", lang)) / agency / sponsor</th></tr></thead><tbody>
        \(users.html { u in "<tr><td>\(u.email)</td><td>\(u.displayName)</td><td>\(L10n.t("role.\(u.role)", lang))\(u.disabled ? " (disabled)" : "")</td><td>\(u.office?.name ?? u.agency?.name ?? u.sponsor?.name ?? "—")</td></tr>" })
        </tbody></table>
        """)
    }
}
