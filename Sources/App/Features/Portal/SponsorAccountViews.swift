import Fluent
import Foundation
import Vapor

/// `/portal/users`: the company's users (invite, disable, enable) and its agents' grants (grant, revoke); the
/// page an agent sees while no grant is in force.
enum SponsorAccountViews {
    static func page(_ req: Request, invite i: FormState, grant g: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let users = try await SponsorAccounts.users(req)
        let grants = try await SponsorAccountsController.grantDTOs(try await SponsorAccounts.grants(req), req)
        // A company with many workers names the chosen ones by passport number; a few are ticked by name.
        let sponsored = try await ScopePolicy.foreigners(req).countRows()
        let people = sponsored > SearchPicker.listAll ? [] : try await ScopePolicy.foreigners(req).sort(\.$fullName).all()
        let me = try req.requirePrincipal().userID
        let userRows: HTML = users.html { u in
            let id = URLParam.id(u.id!)
            let action: HTML = u.id == me ? "" : u.disabled
                ? "\(Form.open(req, action: SponsorAccountURL.enable(id).path, id: "enable-\(u.id!.uuidString)", classes: "inline"))\(Form.submit(L10n.t("users.enable", lang), id: "enable-submit-\(u.id!.uuidString)", secondary: true))</form>"
                : "\(Form.open(req, action: SponsorAccountURL.disable(id).path, id: "disable-\(u.id!.uuidString)", classes: "inline"))\(Form.submit(L10n.t("users.disable", lang), id: "disable-submit-\(u.id!.uuidString)", secondary: true))</form>"
            return """
            <tr><td>\(u.email)</td><td>\(u.displayName)\((u.sponsorAdmin ?? false) ? HTML(" <span class=\"muted\">(\(L10n.t("portal.admin", lang)))</span>") : "")</td>
            <td>\(u.disabled ? L10n.t("users.disabled", lang) : L10n.t("users.active", lang))</td><td>\(u.lastSignInAt.map { Views.time($0, req) } ?? L10n.t("users.never", lang))</td><td>\(action)</td></tr>
            """
        }
        let grantRows: HTML = grants.html { x in
            let scope = x.foreignerIds.map { L10n.f("portal.scopeChosen", lang, $0.count) } ?? L10n.t("portal.scopeCompany", lang)
            let state = x.revokedAt != nil ? L10n.t("portal.revoked", lang) : x.active ? L10n.t("users.active", lang) : L10n.t("portal.expired", lang)
            let revoke: HTML = x.revokedAt == nil && x.active
                ? "\(Form.open(req, action: SponsorAccountURL.revoke(.id(x.id)).path, id: "revoke-\(x.id.uuidString)", classes: "inline"))\(Form.submit(L10n.t("portal.revoke", lang), id: "revoke-submit-\(x.id.uuidString)", secondary: true))</form>" : ""
            return "<tr><td>\(x.organisation)<br><span class=\"muted\">\(x.agentEmail)</span></td><td>\(scope)</td><td>\(Views.day(x.expiresOn, req))</td><td>\(state)</td><td>\(revoke)</td></tr>"
        }
        let scopes = [("company", L10n.t("portal.scopeCompany", lang)), ("chosen", L10n.t("portal.scopeChosenOnly", lang))]
        return Views.page(req, title: L10n.t("portal.accounts", lang), body: """
        <h1>\(L10n.t("portal.accounts", lang))</h1>
        <section class="card" id="company-users"><h2>\(L10n.t("portal.users", lang))</h2>
        <table class="responsive"><thead><tr><th>\(L10n.t("users.email", lang))</th><th>\(L10n.t("s.name", lang))</th><th>\(L10n.t("users.state", lang))</th><th>\(L10n.t("users.lastSignIn", lang))</th><th>\(L10n.t("list.actions", lang))</th></tr></thead><tbody>\(userRows)</tbody></table>
        <h3>\(L10n.t("portal.invite", lang))</h3>
        \(Form.open(req, action: SponsorAccountURL.users.path, id: "invite-form", state: i))
        \(Form.field("email", label: L10n.t("users.email", lang), state: i, kind: .email, required: true, hint: L10n.t("portal.inviteHint", lang), attributes: "maxlength=\"254\" autocapitalize=\"none\""))
        \(Form.field("name", label: L10n.t("s.name", lang), state: i, required: true, attributes: "maxlength=\"120\""))
        \(Form.submit(L10n.t("portal.inviteButton", lang)))
        </form></section>
        <section class="card" id="agents"><h2>\(L10n.t("portal.agents", lang))</h2>
        <p class="muted">\(L10n.t("portal.agentsIntro", lang))</p>
        \(grants.isEmpty ? HTML("<p class=\"muted\">\(L10n.t("list.empty", lang))</p>") : HTML("<table class=\"responsive\"><thead><tr><th>\(L10n.t("portal.agent", lang))</th><th>\(L10n.t("portal.scope", lang))</th><th>\(L10n.t("portal.expiresOn", lang))</th><th>\(L10n.t("users.state", lang))</th><th>\(L10n.t("list.actions", lang))</th></tr></thead><tbody>\(grantRows)</tbody></table>"))
        <h3>\(L10n.t("portal.grant", lang))</h3>
        \(Form.open(req, action: SponsorAccountURL.agents.path, id: "grant-form", state: g))
        \(Form.field("email", label: L10n.t("portal.agentEmail", lang), state: g, kind: .email, required: true, id: "agent-email", attributes: "maxlength=\"254\" autocapitalize=\"none\""))
        \(Form.field("organisation", label: L10n.t("portal.organisation", lang), state: g, hint: L10n.t("portal.organisationHint", lang), attributes: "maxlength=\"200\""))
        \(Form.field("scope", label: L10n.t("portal.scope", lang), state: g, kind: .select(scopes), required: true))
        \(sponsored > SearchPicker.listAll
            ? Form.field("foreignerPassports", label: L10n.t("portal.chosenPassports", lang), state: g, kind: .textarea(rows: 6),
                         hint: L10n.format("portal.chosenPassportsHint", lang, [String(sponsored)]), attributes: "autocapitalize=\"characters\" spellcheck=\"false\"")
            : CoordinationForm.choices("foreignerIds", label: L10n.t("portal.chosenForeigners", lang), options: people.map { ($0.id!.uuidString, $0.fullName) }, state: g, empty: L10n.t("list.empty", lang)))
        \(Form.field("expiresOn", label: L10n.t("portal.expiresOn", lang), state: g, kind: .date, required: true, hint: L10n.t("portal.expiresHint", lang)))
        \(Form.submit(L10n.t("portal.grantButton", lang)))
        </form></section>
        """, status: status)
    }

    /// An agent whose grants have all expired or been revoked (or who has none yet).
    static func noGrant(_ req: Request) async throws -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("nav.portal", lang), body: """
        <h1>\(L10n.t("nav.portal", lang))</h1>
        <p class="card" id="no-grant">\(L10n.t("portal.noGrant", lang))</p>
        """)
    }
}
