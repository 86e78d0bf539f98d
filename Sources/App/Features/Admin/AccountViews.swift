import Fluent
import Foundation
import Vapor

/// `/admin/users` (search, filters, paging), `/admin/users/new`, `/admin/users/{id}`, and the public
/// `/password/forgot` and `/password/{token}` pages.
enum AccountViews {
    static let fields: Set<String> = ["email", "name", "role", "officeCode", "agencyId", "sponsorId", "language"]

    static func values(_ u: User, _ db: any Database) async throws -> FormState {
        var office: String?
        if let o = u.$office.id { office = try await Office.find(o, on: db)?.code }
        return FormState(values: ["email": u.email, "name": u.displayName, "role": u.role, "officeCode": office ?? "",
                                  "agencyId": u.$agency.id?.uuidString ?? "", "sponsorId": u.$sponsor.id?.uuidString ?? "", "language": u.language])
    }

    static func roleOptions(_ lang: Language) -> [(value: String, label: String)] {
        Role.allCases.map { ($0.rawValue, AdminViews.roleName($0.rawValue, lang)) }
    }

    static func list(_ req: Request, users: [User], total: Int, paging: Paging, filters: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let offices = Dictionary(try await Office.query(on: req.db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let agencies = Dictionary(try await Agency.query(on: req.db).filter(\.$id ~~ users.compactMap { $0.$agency.id }).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sponsors = Dictionary(try await Sponsor.query(on: req.db).filter(\.$id ~~ users.compactMap { $0.$sponsor.id }).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows: HTML = users.html { u in
            let unit = u.$office.id.flatMap { offices[$0] } ?? u.$agency.id.flatMap { agencies[$0] } ?? u.$sponsor.id.flatMap { sponsors[$0] } ?? "—"
            let state: HTML = u.disabled ? "<span class=\"badge overstayed\">\(L10n.t("users.disabled", lang))</span>" : "\(L10n.t("users.active", lang))"
            return """
            <tr><td><a href="\(AdminURL.user(.id(u.id!)).path)">\(u.email)</a></td><td>\(u.displayName)</td><td>\(AdminViews.roleName(u.role, lang))</td>
            <td>\(unit)</td><td>\(state)</td><td>\(u.lastSignInAt.map { Views.time($0, req) } ?? L10n.t("users.never", lang))</td></tr>
            """
        }
        let roles = [("", L10n.t("list.all", lang))] + roleOptions(lang)
        let states = [("", L10n.t("list.all", lang)), ("active", L10n.t("users.active", lang)), ("disabled", L10n.t("users.disabled", lang))]
        let table: HTML = users.isEmpty ? Views.emptyList(req, "list.empty", page: paging.page, per: paging.per, total: total) : """
        <table class="responsive" id="user-list"><thead><tr><th>\(L10n.t("users.email", lang))</th><th>\(L10n.t("s.name", lang))</th><th>\(L10n.t("users.role", lang))</th><th>\(L10n.t("users.unit", lang))</th><th>\(L10n.t("users.state", lang))</th><th>\(L10n.t("users.lastSignIn", lang))</th></tr></thead><tbody>
        \(rows)
        </tbody></table>
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """
        return Views.page(req, title: L10n.t("nav.users", lang), body: """
        <h1>\(L10n.t("nav.users", lang))</h1>
        <p class="actions"><a class="button" id="new-user-link" href="\(AdminURL.newUser.path)">\(L10n.t("users.new", lang))</a></p>
        <div role="search">
        \(Form.open(req, action: SiteURL.adminUsers.path, id: "user-filters", method: "get", state: filters, classes: "filters"))
        \(Form.field("q", label: L10n.t("users.search", lang), state: filters, kind: .search))
        \(Form.field("role", label: L10n.t("users.role", lang), state: filters, kind: .select(roles)))
        \(Form.field("state", label: L10n.t("users.state", lang), state: filters, kind: .select(states)))
        \(Form.submit(L10n.t("list.filter", lang)))
        </form></div>
        \(table)
        """, status: status)
    }

    static func form(_ req: Request, user: User?, state s: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let offices = try await Office.query(on: req.db).sort(\.$name).all()
        let agencies = try await Agency.query(on: req.db).sort(\.$name).all()
        let sponsorField = try await SponsorPicker.field(req, name: "sponsorId", label: L10n.t("users.sponsor", lang), state: s, none: L10n.t("users.noUnit", lang),
                                                         from: Sponsor.query(on: req.db).filter(\.$mergedInto == nil), hint: L10n.t("users.sponsorHint", lang))
        let none = [("", L10n.t("users.noUnit", lang))]
        let title = user.map { "\(L10n.t("users.edit", lang)): \($0.email)" } ?? L10n.t("users.new", lang)
        let action = user.map { AdminURL.user(.id($0.id!)).path } ?? AdminURL.newUser.path
        var actions: HTML = ""
        if let u = user {
            let id = URLParam.id(u.id!)
            let toggle: HTML = u.disabled
                ? "\(Form.open(req, action: AdminURL.enable(id).path, id: "enable-form"))\(Form.submit(L10n.t("users.enable", lang), id: "enable-submit"))</form>"
                : "\(Form.open(req, action: AdminURL.disable(id).path, id: "disable-form"))<p class=\"muted\">\(L10n.t("users.disableHint", lang))</p>\(Form.submit(L10n.t("users.disable", lang), id: "disable-submit", secondary: true))</form>"
            actions = """
            <section class="card" id="account-state"><h2>\(L10n.t("users.state", lang))</h2>
            <p>\(u.disabled ? L10n.t("users.disabled", lang) : L10n.t("users.active", lang)) · \(L10n.t("users.lastSignIn", lang)): \(u.lastSignInAt.map { Views.time($0, req) } ?? L10n.t("users.never", lang))</p>
            <p><a id="account-audit" href="\(SiteURL.adminAudit.with(["actor": u.id!.uuidString]))">\(L10n.t("users.auditTrail", lang))</a></p>
            \(toggle)
            \(u.disabled ? "" : "\(Form.open(req, action: AdminURL.reset(id).path, id: "reset-form"))<p class=\"muted\">\(L10n.t("users.resetHint", lang))</p>\(Form.submit(L10n.t("users.reset", lang), id: "reset-submit", secondary: true))</form>" as HTML)
            \(SecondFactor.enabled(u) ? "\(Form.open(req, action: AdminURL.resetTwoFactor(id).path, id: "tfa-reset-form"))<p class=\"muted\">\(L10n.t("users.tfaResetHint", lang))</p>\(Form.submit(L10n.t("users.tfaReset", lang), id: "tfa-reset-submit", secondary: true))</form>" as HTML : "")
            </section>
            """
        }
        return Views.page(req, title: title, body: """
        <h1>\(title)</h1>
        \(user == nil ? HTML("<p class=\"muted\">\(L10n.t("users.newIntro", lang))</p>") : "")
        \(Form.open(req, action: action, id: "user-form", state: s))
        \(Form.field("email", label: L10n.t("users.email", lang), state: s, kind: .email, required: true, attributes: "maxlength=\"254\" autocapitalize=\"none\""))
        \(Form.field("name", label: L10n.t("s.name", lang), state: s, required: true, attributes: "maxlength=\"120\""))
        \(Form.field("role", label: L10n.t("users.role", lang), state: s, kind: .select(roleOptions(lang)), required: true, hint: L10n.t("users.roleHint", lang)))
        \(Form.field("officeCode", label: L10n.t("users.office", lang), state: s, kind: .select(none + offices.map { ($0.code, "\($0.name) (\($0.code))") }), hint: L10n.t("users.officeHint", lang)))
        \(Form.field("agencyId", label: L10n.t("users.agency", lang), state: s, kind: .select(none + agencies.map { ($0.id!.uuidString, $0.name) }), hint: L10n.t("users.agencyHint", lang)))
        \(sponsorField)
        \(Form.field("language", label: L10n.t("sponsor.language", lang), state: s, kind: .select([("id", "Bahasa Indonesia"), ("en", "English")])))
        \(Form.submit(L10n.t(user == nil ? "users.create" : "sponsor.save", lang)))
        </form>
        \(actions)
        """, status: status)
    }

    static func forgot(_ req: Request, state: FormState, sent: Bool, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let body: HTML = sent ? "<p class=\"notice\" role=\"status\" id=\"forgot-sent\">\(L10n.t("pwlink.sent", lang))</p>" : """
        <p class="muted">\(L10n.t("pwlink.forgotIntro", lang))</p>
        \(Form.open(req, action: AccountURL.forgot.path, id: "forgot-form", state: state))
        \(Form.field("email", label: L10n.t("login.email", lang), state: state, required: true, attributes: "inputmode=\"email\" autocomplete=\"username\" spellcheck=\"false\" autocapitalize=\"none\""))
        \(Form.submit(L10n.t("pwlink.send", lang)))
        </form>
        """
        return Views.page(req, title: L10n.t("pwlink.forgot", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("pwlink.forgot", lang))</h1>
        \(body)
        <p><a href="\(SiteURL.login.path)">\(L10n.t("login.title", lang))</a></p>
        </section>
        """, status: status)
    }

    static func password(_ req: Request, token: String, purpose: String, state: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("pwlink.title.\(purpose)", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("pwlink.title.\(purpose)", lang))</h1>
        \(Form.open(req, action: AccountURL.password(.value(token)).path, id: "password-form", state: state))
        \(Form.field("password", label: L10n.t("pwlink.new", lang), state: state, kind: .password, required: true, hint: L10n.t("pwlink.rules", lang), attributes: "autocomplete=\"new-password\" minlength=\"8\""))
        \(Form.field("confirm", label: L10n.t("pwlink.confirm", lang), state: state, kind: .password, required: true, attributes: "autocomplete=\"new-password\""))
        \(Form.submit(L10n.t("pwlink.save", lang)))
        </form></section>
        """, status: status)
    }
}
