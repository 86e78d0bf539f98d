import Fluent
import Vapor

/// The signed-in user's own account pages, and the sign-in's second step.
enum AccountPageURL: SitePath {
    case account, password, twoFactor, twoFactorDisable, twoFactorRecovery, sessions, revoke(URLParam)
    case loginCode

    var segments: [URLSegment] {
        switch self {
        case .account: return ["account"]
        case .password: return ["account", "password"]
        case .twoFactor: return ["account", "two-factor"]
        case .twoFactorDisable: return ["account", "two-factor", "disable"]
        case .twoFactorRecovery: return ["account", "two-factor", "recovery-codes"]
        case .sessions: return ["account", "sessions"]
        case .revoke(let id): return ["account", "sessions", .param("id", id), "revoke"]
        case .loginCode: return SiteURL.login.segments + ["code"]
        }
    }
}

/// `/account…` (web) and `/api/v1/account…` (API): every signed-in user, whatever the role, manages their own
/// password, second factor, sessions and tokens here.
enum AccountController {
    static let everyone: [Role] = Role.allCases

    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let w = web.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor))
        w.get(AccountPageURL.account, use: accountPage)
        w.get(AccountPageURL.password, use: passwordPage)
        w.post(AccountPageURL.password, use: passwordForm)
        w.get(AccountPageURL.twoFactor, use: twoFactorPage)
        w.post(AccountPageURL.twoFactor, use: twoFactorConfirm)
        w.post(AccountPageURL.twoFactorDisable, use: twoFactorDisable)
        w.post(AccountPageURL.twoFactorRecovery, use: twoFactorRecovery)
        w.get(AccountPageURL.sessions, use: sessionsPage)
        w.post(AccountPageURL.revoke(.key), use: revokeForm)

        let a = api.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor, .integration))
        a.get("account", use: accountAPI)
        a.post("account", "password", use: passwordAPI)
        a.get("account", "sessions", use: sessionsAPI)
        a.post("account", "sessions", ":id", "revoke", use: revokeAPI)
    }

    static func currentUser(_ req: Request) async throws -> User {
        guard let u = try await User.find(try req.requirePrincipal().userID, on: req.db) else { throw Abort(.unauthorized) }
        return u
    }

    // MARK: API

    struct AccountDTO: Content {
        var id: UUID; var email: String; var name: String; var role: String
        var secondFactor: Bool; var secondFactorRequired: Bool; var recoveryCodesLeft: Int; var passwordChangedAt: Date?
    }

    static func accountAPI(_ req: Request) async throws -> AccountDTO {
        let u = try await currentUser(req)
        return AccountDTO(id: u.id!, email: u.email, name: u.displayName, role: u.role, secondFactor: SecondFactor.enabled(u),
                          secondFactorRequired: SecondFactor.required(u.roleValue, req.application.config),
                          recoveryCodesLeft: try await SecondFactor.remainingRecoveryCodes(u.id!, on: req.db), passwordChangedAt: u.passwordChangedAt)
    }

    struct PasswordInput: Content { var currentPassword: String?; var newPassword: String? }

    static func passwordAPI(_ req: Request) async throws -> HTTPStatus {
        guard let body = try? req.content.decode(PasswordInput.self) else { throw ValidationFailure("v.body", "currentPassword, newPassword") }
        try await OwnSessions.changePassword(current: body.currentPassword ?? "", new: body.newPassword ?? "", confirm: nil, req)
        return .noContent
    }

    static func sessionsAPI(_ req: Request) async throws -> ListPage<OwnSessions.Item> {
        try ListPage(complete: try await OwnSessions.list(req), req)
    }

    static func revokeAPI(_ req: Request) async throws -> HTTPStatus {
        try await OwnSessions.revoke(req.parameters.get("id") ?? "", req)
        return .noContent
    }

    // MARK: Web

    static func accountPage(_ req: Request) async throws -> Response {
        let u = try await currentUser(req)
        return AccountSecurityViews.overview(req, user: u, recoveryLeft: try await SecondFactor.remainingRecoveryCodes(u.id!, on: req.db),
                                             sessions: try await OwnSessions.list(req).count)
    }

    static func passwordPage(_ req: Request) async throws -> Response {
        AccountSecurityViews.password(req, state: .empty)
    }

    static func passwordForm(_ req: Request) async throws -> Response {
        let v = FormState.read(req, ["currentPassword", "newPassword", "confirm"])
        // Passwords are never sent back into the form.
        return try await Form.attempt(req, .empty, fields: ["currentPassword", "newPassword", "confirm"], {
            try await OwnSessions.changePassword(current: v["currentPassword"] ?? "", new: v["newPassword"] ?? "", confirm: v["confirm"] ?? "", req)
            return Flash.redirect(req, to: AccountPageURL.account, "flash.password.changed")
        }, again: { s, status in AccountSecurityViews.password(req, state: s, status: status) })
    }

    static func twoFactorPage(_ req: Request) async throws -> Response {
        let u = try await currentUser(req)
        if SecondFactor.enabled(u) {
            return AccountSecurityViews.twoFactorOn(req, user: u, recoveryLeft: try await SecondFactor.remainingRecoveryCodes(u.id!, on: req.db), state: .empty)
        }
        let secret = try await SecondFactor.pendingSecret(for: u, key: req.application.config.secretKey, on: req.db)
        return AccountSecurityViews.enrol(req, user: u, secret: secret, state: .empty)
    }

    static func twoFactorConfirm(_ req: Request) async throws -> Response {
        let u = try await currentUser(req)
        let code = FormState.read(req, ["code"])["code"] ?? ""
        if SecondFactor.enabled(u) { return req.redirect(to: AccountPageURL.twoFactor.path) }
        let secret = try await SecondFactor.pendingSecret(for: u, key: req.application.config.secretKey, on: req.db)
        return try await Form.attempt(req, .empty, fields: ["code"], {
            let codes = try await SecondFactor.confirm(u, code: code, req)
            // A session that had to set up the second factor is now a full one.
            if let token = req.cookies[SessionCookie.name]?.string {
                try await SessionRecord.query(on: req.db).filter(\.$id == Tokens.digest(token)).set(\.$stage, to: nil).update()
            }
            return AccountSecurityViews.recoveryCodes(req, codes: codes, first: true)
        }, again: { s, status in AccountSecurityViews.enrol(req, user: u, secret: secret, state: s, status: status) })
    }

    static func twoFactorDisable(_ req: Request) async throws -> Response {
        let u = try await currentUser(req)
        let code = FormState.read(req, ["code"])["code"] ?? ""
        return try await Form.attempt(req, .empty, fields: ["code"], {
            try await SecondFactor.disable(u, code: code, req)
            return Flash.redirect(req, to: AccountPageURL.account, "flash.tfa.disabled")
        }, again: { s, status in
            AccountSecurityViews.twoFactorOn(req, user: u, recoveryLeft: try await SecondFactor.remainingRecoveryCodes(u.id!, on: req.db), state: s, status: status)
        })
    }

    static func twoFactorRecovery(_ req: Request) async throws -> Response {
        let u = try await currentUser(req)
        let code = FormState.read(req, ["code"])["code"] ?? ""
        return try await Form.attempt(req, .empty, fields: ["code"], {
            AccountSecurityViews.recoveryCodes(req, codes: try await SecondFactor.renewRecovery(u, code: code, req), first: false)
        }, again: { s, status in
            AccountSecurityViews.twoFactorOn(req, user: u, recoveryLeft: try await SecondFactor.remainingRecoveryCodes(u.id!, on: req.db), state: s, status: status)
        })
    }

    static func sessionsPage(_ req: Request) async throws -> Response {
        AccountSecurityViews.sessions(req, items: try await OwnSessions.list(req))
    }

    static func revokeForm(_ req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? ""
        let wasCurrent = OwnSessions.currentHash(req).map(OwnSessions.publicID) == id
        try await OwnSessions.revoke(id, req)
        if wasCurrent {
            let res = Flash.redirect(req, to: .login, "logout.done")
            res.cookies[SessionCookie.name] = SessionCookie.expired(config: req.application.config)
            return res
        }
        return Flash.redirect(req, to: AccountPageURL.sessions, "flash.session.revoked")
    }
}
