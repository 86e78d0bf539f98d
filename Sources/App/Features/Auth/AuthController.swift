import Fluent
import Vapor

/// `/login`, `/logout`, `/lang/:code` (web) and `POST /api/v1/auth/token` (API).
enum AuthController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.get(.login, use: loginForm)
        web.post(.login, use: login)
        web.post(.logout, use: logout)
        web.get(AccountPageURL.loginCode, use: codeForm)
        web.post(AccountPageURL.loginCode, use: code)
        web.get(AuthURL.language(.key), use: switchLanguage)
        api.post("auth", "token", use: token)
    }

    struct LoginForm: Content { var email: String?; var password: String?; var next: String? }

    static func loginForm(_ req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: SiteURL.home.path) }
        return AuthViews.login(req, state: .empty, next: req.queryValue("next"))
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
        let found: User?
        do { found = try await Authentication.check(email: email, password: password, on: req) } catch let e as AppError where e.status == .tooManyRequests {
            return throttled(req, e, state) { AuthViews.login(req, state: $0, next: form.next, status: $1) }
        }
        guard let user = found else {
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
        // With a second factor the code comes next; a role that requires one and has none sets it up first.
        let next = safeNext(form.next)
        let stage: SessionStage? = SecondFactor.enabled(user) ? .code : SecondFactor.required(user.roleValue, req.application.config) ? .enrol : nil
        let target: String
        switch stage {
        case .code?: target = AccountPageURL.loginCode.path + (next.map { "?next=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? "")
        case .enrol?: target = AccountPageURL.twoFactor.path
        case nil: target = next ?? SiteURL.home.path
        }
        let token = try await Authentication.startSession(for: user, replacing: req.cookies[SessionCookie.name]?.string, stage: stage, on: req)
        let res = req.redirect(to: target, redirectType: .normal)
        res.cookies[SessionCookie.name] = SessionCookie.make(token, config: req.application.config)
        return res
    }

    /// The page again with the throttle's message on top and `Retry-After`.
    static func throttled(_ req: Request, _ e: AppError, _ state: FormState, _ page: (FormState, HTTPResponseStatus) -> Response) -> Response {
        var s = state
        s.fail(message: e.message(req.language))
        let res = page(s, .tooManyRequests)
        if let seconds = e.retryAfter { res.headers.replaceOrAdd(name: .retryAfter, value: String(seconds)) }
        return res
    }

    /// `/login/code`: the second step, for users with a second factor.
    static func codeForm(_ req: Request) async throws -> Response {
        guard req.pendingSignIn != nil else { return req.redirect(to: SiteURL.login.path) }
        return AuthViews.code(req, state: .empty, next: req.queryValue("next"))
    }

    static func code(_ req: Request) async throws -> Response {
        let values = FormState.read(req, ["code", "next"])
        let next = values["next"]
        guard let pending = req.pendingSignIn, let user = try await User.find(pending.$user.id, on: req.db), !user.disabled else {
            return Flash.redirect(req, to: .login, "login.codeExpired")
        }
        var state = FormState.empty
        let typed = (values["code"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else {
            state.errors["code"] = req.t("login.codeNeeded")
            return AuthViews.code(req, state: state, next: next, status: .unprocessableEntity)
        }
        let accepted: SecondFactor.Accepted?
        do { accepted = try await SecondFactor.attempt(user, code: typed, req) } catch let e as AppError where e.status == .tooManyRequests {
            return throttled(req, e, state) { AuthViews.code(req, state: $0, next: next, status: $1) }
        }
        guard let accepted else {
            state.errors["code"] = req.t("tfa.wrongCode")
            return AuthViews.code(req, state: state, next: next, status: .unauthorized)
        }
        let token = try await Authentication.startSession(for: user, replacing: req.cookies[SessionCookie.name]?.string,
                                                          detail: accepted == .recovery ? "web, recovery code" : "web, totp", on: req)
        // A spent recovery code leads to the page that says how many are left and makes new ones.
        let res = accepted == .recovery ? Flash.redirect(req, to: AccountPageURL.twoFactor, "tfa.recoveryUsed")
            : req.redirect(to: safeNext(next) ?? SiteURL.home.path, redirectType: .normal)
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
        let res = req.redirect(to: safeNext(req.queryValue("back")) ?? SiteURL.home.path)
        res.cookies["lang"] = HTTPCookies.Value(string: lang.rawValue, maxAge: 60 * 60 * 24 * 365, path: "/", isSecure: req.application.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return res
    }

    /// Only same-site relative paths are followed after login or a language switch (no open redirect).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix(SiteURL.login.path) else { return nil }
        return next
    }

    struct TokenRequest: Content { var email: String; var password: String; var code: String? }
    struct TokenResponse: Content { var token: String; var expiresAt: String }

    static func token(_ req: Request) async throws -> Response {
        guard let body = try? req.content.decode(TokenRequest.self) else {
            throw ValidationFailure("v.body", "email, password")
        }
        guard let user = try await Authentication.check(email: body.email, password: body.password, on: req) else {
            try await req.audit(AuditEntry(action: "auth.token_failed", objectType: "user", objectID: "-", detail: "api"))
            throw AppError(status: .unauthorized, messageKey: "login.failed", logDetail: "wrong email or password")
        }
        if SecondFactor.enabled(user) {
            // The code travels with the password: `{"email","password","code"}` (a TOTP code or a recovery code).
            guard let code = body.code?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
                throw AppError(status: .unauthorized, messageKey: "login.codeNeeded", logDetail: "second factor code missing")
            }
            guard try await SecondFactor.attempt(user, code: code, req) != nil else {
                throw AppError(status: .unauthorized, messageKey: "tfa.wrongCode", logDetail: "wrong second factor code")
            }
        } else if SecondFactor.required(user.roleValue, req.application.config) {
            throw AppError.forbidden("tfa.enrolFirst")
        }
        let (token, expires) = try await Authentication.issueToken(for: user, on: req)
        let res = Response(status: .ok)
        try res.content.encode(TokenResponse(token: token, expiresAt: expires.formatted(Date.ISO8601FormatStyle())))
        return res
    }
}
