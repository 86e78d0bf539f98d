import Fluent
import Vapor

/// `/login`, `/logout`, `/lang/:code` (web) and `POST /api/v1/auth/token` (API).
enum AuthController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.get(.login, use: loginForm)
        web.post(.login, use: login)
        web.post(.logout, use: logout)
        web.get(AuthURL.language(.key), use: switchLanguage)
        api.post("auth", "token", use: token)
    }

    struct LoginForm: Content { var email: String?; var password: String?; var next: String? }

    static func loginForm(_ req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: SiteURL.home.path) }
        return AuthViews.login(req, state: .empty, next: req.query[String.self, at: "next"])
    }

    static func login(_ req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        var state = FormState(values: ["email": email])
        let password = form.password ?? ""
        if email.isEmpty { state.errors["email"] = req.t("login.emailMissing") }
        if password.isEmpty { state.errors["password"] = req.t("login.passwordMissing") }
        if state.hasErrors {
            return AuthViews.login(req, state: state, next: form.next, status: .unprocessableEntity)
        }
        guard let user = try await Authentication.check(email: email, password: password, on: req) else {
            try await req.audit(AuditEntry(action: "auth.login_failed", objectType: "user", objectID: "-", detail: "web"))
            // Which of the two was wrong is not told; the message stands beside the e-mail, which stays typed.
            state.errors["email"] = req.t("login.failed")
            return AuthViews.login(req, state: state, next: form.next, status: .unauthorized)
        }
        if user.role == Role.integration.rawValue {
            // The feeding system's account signs in through the API only.
            state.errors["email"] = req.t("login.apiOnly")
            return AuthViews.login(req, state: state, next: form.next, status: .forbidden)
        }
        let token = try await Authentication.startSession(for: user, replacing: req.cookies[SessionCookie.name]?.string, on: req)
        let res = req.redirect(to: safeNext(form.next) ?? SiteURL.home.path, redirectType: .normal)
        res.cookies[SessionCookie.name] = SessionCookie.make(token, config: req.application.config)
        return res
    }

    static func logout(_ req: Request) async throws -> Response {
        if let token = req.cookies[SessionCookie.name]?.string {
            try await req.audited { db in
                try await SessionRecord.query(on: db).filter(\.$id == Tokens.digest(token)).delete()
                return ((), [AuditEntry(action: "auth.logout", objectType: "user", objectID: req.principal?.userID.uuidString ?? "-")])
            }
        }
        let res = Flash.redirect(req, to: .login, "logout.done")
        res.cookies[SessionCookie.name] = SessionCookie.expired(config: req.application.config)
        return res
    }

    static func switchLanguage(_ req: Request) throws -> Response {
        guard let lang = Language(rawValue: req.parameters.get("code") ?? "") else { throw Abort(.notFound) }
        let res = req.redirect(to: safeNext(req.query[String.self, at: "back"]) ?? SiteURL.home.path)
        res.cookies["lang"] = HTTPCookies.Value(string: lang.rawValue, maxAge: 60 * 60 * 24 * 365, path: "/", isSecure: req.application.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return res
    }

    /// Only same-site relative paths are followed after login or a language switch (no open redirect).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix(SiteURL.login.path) else { return nil }
        return next
    }

    struct TokenRequest: Content { var email: String; var password: String }
    struct TokenResponse: Content { var token: String; var expiresAt: String }

    static func token(_ req: Request) async throws -> Response {
        guard let body = try? req.content.decode(TokenRequest.self) else {
            throw ValidationFailure("v.body", "email, password")
        }
        guard let user = try await Authentication.check(email: body.email, password: body.password, on: req) else {
            try await req.audit(AuditEntry(action: "auth.token_failed", objectType: "user", objectID: "-", detail: "api"))
            throw AppError(status: .unauthorized, messageKey: "login.failed", logDetail: "wrong email or password")
        }
        let (token, expires) = try await Authentication.issueToken(for: user, on: req)
        let res = Response(status: .ok)
        try res.content.encode(TokenResponse(token: token, expiresAt: expires.formatted(Date.ISO8601FormatStyle())))
        return res
    }
}
