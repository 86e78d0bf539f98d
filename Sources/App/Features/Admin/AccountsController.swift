import Fluent
import Foundation
import SQLKit
import Vapor

/// The public pages of a password link: `/password/forgot` and `/password/{token}`.
enum AccountURL: SitePath {
    case forgot
    case password(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .forgot: return ["password", "forgot"]
        case .password(let t): return ["password", .param("token", t)]
        }
    }
}

/// The admin's account pages under `SiteURL.adminUsers`.
enum AdminURL: SitePath {
    case newUser, user(URLParam), disable(URLParam), enable(URLParam), reset(URLParam), resetTwoFactor(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .newUser: return SiteURL.adminUsers.segments + ["new"]
        case .user(let id): return SiteURL.adminUsers.segments + [.param("id", id)]
        case .disable(let id): return SiteURL.adminUsers.segments + [.param("id", id), "disable"]
        case .enable(let id): return SiteURL.adminUsers.segments + [.param("id", id), "enable"]
        case .reset(let id): return SiteURL.adminUsers.segments + [.param("id", id), "reset"]
        case .resetTwoFactor(let id): return SiteURL.adminUsers.segments + [.param("id", id), "two-factor-reset"]
        }
    }
}

/// Accounts by API (`/api/v1/admin/users…`) and web (`/admin/users…`), and the password-link pages.
enum AccountsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.admin))
        a.get("admin", "users", use: listAPI)
        a.post("admin", "users", use: createAPI)
        a.get("admin", "users", ":id", use: detailAPI)
        a.patch("admin", "users", ":id", use: patchAPI)
        a.post("admin", "users", ":id", "disable", use: disableAPI)
        a.post("admin", "users", ":id", "enable", use: enableAPI)
        a.post("admin", "users", ":id", "password-reset", use: resetAPI)
        a.post("admin", "users", ":id", "two-factor-reset", use: resetTwoFactorAPI)

        let w = web.grouped(RequireRole(.admin))
        w.get(.adminUsers, use: listPage)
        w.get(AdminURL.newUser, use: newPage)
        w.post(AdminURL.newUser, use: createForm)
        w.get(AdminURL.user(.key), use: userPage)
        w.post(AdminURL.user(.key), use: editForm)
        w.post(AdminURL.disable(.key), use: disableForm)
        w.post(AdminURL.enable(.key), use: enableForm)
        w.post(AdminURL.reset(.key), use: resetForm)
        w.post(AdminURL.resetTwoFactor(.key), use: resetTwoFactorForm)

        web.get(AccountURL.forgot, use: forgotPage)
        web.post(AccountURL.forgot, use: forgotForm)
        web.get(AccountURL.password(.key), use: passwordPage)
        web.post(AccountURL.password(.key), use: passwordForm)
    }

    struct DTO: Content {
        var id: UUID; var email: String; var name: String; var role: String; var officeCode: String?; var agencyId: UUID?; var sponsorId: UUID?
        var language: String; var disabled: Bool; var lastSignInAt: Date?; var createdAt: Date?
        /// Whether the user signs in with a second factor.
        var secondFactor: Bool = false
    }

    static func dto(_ u: User, offices: [UUID: String]) -> DTO {
        DTO(id: u.id!, email: u.email, name: u.displayName, role: u.role, officeCode: u.$office.id.flatMap { offices[$0] }, agencyId: u.$agency.id,
            sponsorId: u.$sponsor.id, language: u.language, disabled: u.disabled, lastSignInAt: u.lastSignInAt, createdAt: u.createdAt,
            secondFactor: SecondFactor.enabled(u))
    }

    static func officeCodes(_ db: any Database) async throws -> [UUID: String] {
        Dictionary(try await Office.query(on: db).all().map { ($0.id!, $0.code) }, uniquingKeysWith: { a, _ in a })
    }

    static func user(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("id", as: UUID.self), let u = try await User.find(id, on: req.db) else { throw Abort(.notFound) }
        return u
    }

    struct Filters { var q: String; var role: Role?; var state: String }

    static func filters(_ req: Request) throws -> Filters {
        let q = try ValidationFailure.text(req.queryValue("q"), "q", max: 100) ?? ""
        let rawRole = req.queryValue("role") ?? ""
        let role = rawRole.isEmpty ? nil : Role(rawValue: rawRole)
        if !rawRole.isEmpty && role == nil { throw ValidationFailure("v.oneOf", field: "role", Role.allCases.map(\.rawValue).joined(separator: ", ")) }
        let state = req.queryValue("state") ?? ""
        guard ["", "active", "disabled"].contains(state) else { throw ValidationFailure("v.oneOf", field: "state", "active, disabled") }
        return Filters(q: q, role: role, state: state)
    }

    static func search(_ f: Filters, _ req: Request, paging: Paging) async throws -> (items: [User], total: Int) {
        let query = User.query(on: req.db)
        if !f.q.isEmpty {
            let like = "%" + f.q.lowercased().replacingOccurrences(of: "%", with: "") + "%"
            query.group(.or) { or in
                or.filter(.sql(SQLQueryString("LOWER(email) LIKE \(bind: like)")))
                or.filter(.sql(SQLQueryString("LOWER(display_name) LIKE \(bind: like)")))
            }
        }
        if let r = f.role { query.filter(\.$role == r.rawValue) }
        if f.state == "active" { query.filter(\.$disabled == false) }
        if f.state == "disabled" { query.filter(\.$disabled == true) }
        let total = try await query.copy().countRows()
        return (try await query.sort(\.$email).range(paging.offset..<(paging.offset + paging.per)).all(), total)
    }

    // MARK: API

    static func listAPI(_ req: Request) async throws -> ListPage<DTO> {
        let paging = try Paging(req)
        let r = try await search(try filters(req), req, paging: paging)
        let offices = try await officeCodes(req.db)
        return ListPage(items: r.items.map { dto($0, offices: offices) }, total: r.total, page: paging.page, per: paging.per)
    }

    static func detailAPI(_ req: Request) async throws -> DTO {
        dto(try await user(req), offices: try await officeCodes(req.db))
    }

    static func createAPI(_ req: Request) async throws -> Response {
        let u = try await Accounts.create(try req.content.decode(Accounts.Input.self), req)
        let res = Response(status: .created)
        try res.content.encode(dto(u, offices: try await officeCodes(req.db)))
        return res
    }

    static func patchAPI(_ req: Request) async throws -> DTO {
        let u = try await Accounts.update(try await user(req), try req.content.decode(Accounts.Input.self), req)
        return dto(u, offices: try await officeCodes(req.db))
    }

    static func disableAPI(_ req: Request) async throws -> DTO {
        dto(try await Accounts.setDisabled(try await user(req), true, req), offices: try await officeCodes(req.db))
    }

    static func enableAPI(_ req: Request) async throws -> DTO {
        dto(try await Accounts.setDisabled(try await user(req), false, req), offices: try await officeCodes(req.db))
    }

    static func resetAPI(_ req: Request) async throws -> Response {
        try await Accounts.sendReset(try await user(req), req)
        return Response(status: .accepted)
    }

    static func resetTwoFactorAPI(_ req: Request) async throws -> DTO {
        let u = try await user(req)
        try await Accounts.resetSecondFactor(u, req)
        return dto(try await user(req), offices: try await officeCodes(req.db))
    }

    // MARK: Web (admin)

    static func listPage(_ req: Request) async throws -> Response {
        var state = FormState(req)
        let paging = try Paging(req)
        do {
            let f = try filters(req)
            let r = try await search(f, req, paging: paging)
            return try await AccountViews.list(req, users: r.items, total: r.total, paging: paging, filters: state)
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["q", "role", "state"])
            return try await AccountViews.list(req, users: [], total: 0, paging: paging, filters: state, status: .unprocessableEntity)
        }
    }

    static func input(_ v: [String: String]) -> Accounts.Input {
        func t(_ k: String) -> String? { v[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        return Accounts.Input(email: v["email"] ?? "", name: v["name"] ?? "", role: v["role"] ?? "", officeCode: t("officeCode"),
                              agencyId: t("agencyId").flatMap(UUID.init(uuidString:)), sponsorId: t("sponsorId").flatMap(UUID.init(uuidString:)), language: t("language"))
    }

    static func newPage(_ req: Request) async throws -> Response {
        // The sponsor picker's search comes back here with the form as typed (`SponsorPicker`).
        try await AccountViews.form(req, user: nil, state: RegionPicker.isStep(req) ? FormState(req) : FormState(values: ["role": "officer", "language": "id"]))
    }

    static func createForm(_ req: Request) async throws -> Response {
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: AccountViews.fields, {
            let u = try await Accounts.create(input(state.values), req)
            return Flash.redirect(req, to: AdminURL.user(.id(u.id!)), "flash.user.created")
        }, again: { s, status in try await AccountViews.form(req, user: nil, state: s, status: status) })
    }

    static func userPage(_ req: Request) async throws -> Response {
        let u = try await user(req)
        return try await AccountViews.form(req, user: u, state: RegionPicker.isStep(req) ? FormState(req) : try await AccountViews.values(u, req.db))
    }

    static func editForm(_ req: Request) async throws -> Response {
        let u = try await user(req)
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: AccountViews.fields, {
            _ = try await Accounts.update(u, input(state.values), req)
            return Flash.redirect(req, to: AdminURL.user(.id(u.id!)), "flash.reg.saved")
        }, again: { s, status in try await AccountViews.form(req, user: u, state: s, status: status) })
    }

    static func stateChange(_ req: Request, _ work: (User) async throws -> Void, done: String) async throws -> Response {
        let u = try await user(req)
        do {
            try await work(u)
            return Flash.redirect(req, to: AdminURL.user(.id(u.id!)), done)
        } catch let e as AppError where e.status == .conflict {
            var state = try await AccountViews.values(u, req.db)
            state.fail(message: e.message(req.language))
            return try await AccountViews.form(req, user: u, state: state, status: .conflict)
        }
    }

    static func disableForm(_ req: Request) async throws -> Response {
        try await stateChange(req, { _ = try await Accounts.setDisabled($0, true, req) }, done: "flash.user.disabled")
    }

    static func enableForm(_ req: Request) async throws -> Response {
        try await stateChange(req, { _ = try await Accounts.setDisabled($0, false, req) }, done: "flash.user.enabled")
    }

    static func resetTwoFactorForm(_ req: Request) async throws -> Response {
        try await stateChange(req, { try await Accounts.resetSecondFactor($0, req) }, done: "flash.user.tfaReset")
    }

    static func resetForm(_ req: Request) async throws -> Response {
        try await stateChange(req, { try await Accounts.sendReset($0, req) }, done: "flash.user.resetSent")
    }

    // MARK: Web (password links, public)

    static let forgotLimiter = RateLimiter("forgot", limit: 10, window: 600)

    static func forgotPage(_ req: Request) async throws -> Response {
        AccountViews.forgot(req, state: .empty, sent: false)
    }

    static func forgotForm(_ req: Request) async throws -> Response {
        var state = FormState(req)
        let email = state.value("email").trimmingCharacters(in: .whitespaces)
        guard !email.isEmpty else {
            state.errors["email"] = req.t("login.emailMissing")
            return AccountViews.forgot(req, state: state, sent: false, status: .unprocessableEntity)
        }
        guard try await forgotLimiter.allow(req.clientAddress, now: req.application.clock.now(), secret: req.application.config.secretKey, db: req.db) else {
            state.fail(message: req.t("pwlink.tooMany"))
            return AccountViews.forgot(req, state: state, sent: false, status: .tooManyRequests)
        }
        try await Accounts.forgot(email, req)
        // The same answer whether or not the address has an account.
        return AccountViews.forgot(req, state: .empty, sent: true)
    }

    static func passwordPage(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let (link, _) = try await Accounts.validLink(token, req) else {
            return Views.errorPage(req, status: .gone, messageKey: "pwlink.invalid")
        }
        return AccountViews.password(req, token: token, purpose: link.purpose, state: .empty)
    }

    static func passwordForm(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let form = FormState.read(req, ["password", "confirm"])
        var state = FormState.empty
        do {
            try await Accounts.usePasswordLink(token, password: form["password"] ?? "", confirm: form["confirm"] ?? "", req)
            return Flash.redirect(req, to: .login, "flash.password.set")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["password", "confirm"])
            let purpose = try await Accounts.validLink(token, req)?.0.purpose ?? "reset"
            return AccountViews.password(req, token: token, purpose: purpose, state: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .gone {
            return Views.errorPage(req, status: .gone, messageKey: "pwlink.invalid")
        }
    }
}
