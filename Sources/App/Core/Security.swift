import Vapor

/// Headers on every response: a strict Content-Security-Policy (no inline script, no third party),
/// no framing, no MIME sniffing, no referrer leaks, and no caching of pages with personal data.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        res.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.csp)
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        res.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        res.headers.replaceOrAdd(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(self)")
        if !req.url.path.hasPrefix("/static/") {
            res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return res
    }
}

/// CSRF protection for browser forms (Vapor has none built in): a signed-in-independent
/// double-submit token. Each browser gets a random token in a SameSite=Strict, HttpOnly cookie; every
/// form carries it in `_csrf` (or the `X-CSRF-Token` header); an unsafe request whose token is missing
/// or differs is refused before any handler runs. API routes are exempt because they authenticate
/// with bearer tokens only, never with cookies.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "sinergi_csrf"
    static let fieldName = "_csrf"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.isAPI { return try await next.respond(to: req) }
        let existing = req.cookies[Self.cookieName]?.string
        let token = (existing?.count ?? 0) >= 32 ? existing! : Tokens.random()
        req.csrfToken = token
        if ![.GET, .HEAD, .OPTIONS].contains(req.method) {
            let limit = req.route?.userInfo["maxBody"] as? Int ?? req.application.config.maxBodySize
            if let body = try await req.body.collect(max: limit).get(), body.readableBytes > limit {
                throw Abort(.payloadTooLarge)
            }
            let sent = req.headers.first(name: "X-CSRF-Token") ?? (try? req.content.get(String.self, at: Self.fieldName))
            guard let existing, let sent, Tokens.constantTimeEqual(existing, sent) else {
                throw AppError.csrf
            }
        }
        let res = try await next.respond(to: req)
        if existing != token {
            res.cookies[Self.cookieName] = HTTPCookies.Value(
                string: token, maxAge: 60 * 60 * 24 * 7, path: "/", isSecure: req.application.config.secureCookies,
                isHTTPOnly: true, sameSite: .strict)
        }
        return res
    }
}

extension Request {
    private struct CSRFKey: StorageKey { typealias Value = String }
    var csrfToken: String {
        get { storage[CSRFKey.self] ?? "" }
        set { storage[CSRFKey.self] = newValue }
    }
}

/// An error a user may see. `messageKey` is the user-facing sentence (localised); `logDetail` goes to
/// the log only and never to the response.
struct AppError: Error, AbortError {
    var status: HTTPResponseStatus
    var messageKey: String
    var logDetail: String
    var reason: String { logDetail }

    static let csrf = AppError(status: .forbidden, messageKey: "err.csrf", logDetail: "CSRF token missing or wrong")
}

/// Turns every error into a plain page or `{"error": …}` without stack traces, SQL or internals.
struct SafeErrorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let status: HTTPResponseStatus
            var key: String
            var apiMessage: String
            switch error {
            case let e as AppError:
                status = e.status; key = e.messageKey; apiMessage = L10n.t(e.messageKey, .en)
                req.logger.notice("\(e.status.code) \(e.logDetail)", metadata: ["path": "\(req.url.path)"])
            case let e as ValidationFailure:
                status = .unprocessableEntity; key = "err.400"; apiMessage = e.message
            case let e as any AbortError:
                status = e.status; key = "err.\(e.status.code)"
                // Our own Abort reasons are written for users; Vapor's defaults are just the status name.
                apiMessage = e.reason
                if e.status.code >= 500 { req.logger.error("\(e.status.code) \(e.reason)", metadata: ["path": "\(req.url.path)"]) }
            default:
                status = .internalServerError; key = "err.500"; apiMessage = "internal error"
                req.logger.error("unhandled error: \(String(reflecting: error))", metadata: ["path": "\(req.url.path)", "request-id": "\(req.id)"])
            }
            if L10n.table[key] == nil { key = status.code >= 500 ? "err.500" : "err.400" }
            if req.isAPI || req.url.path == "/healthz" {
                var body: [String: String] = ["error": apiMessage]
                if status.code >= 500 { body["error"] = "internal error"; body["requestId"] = req.id }
                let res = Response(status: status)
                try? res.content.encode(body)
                return res
            }
            return Views.errorPage(req, status: status, messageKey: key)
        }
    }
}

/// Invalid input from outside, with a message naming the field, row or line. Answered with 422.
struct ValidationFailure: Error, Sendable {
    var message: String

    /// An optional free-text field: trimmed, nil when empty, refused past `max` characters (the message names it).
    static func text(_ s: String?, _ field: String, max: Int) throws -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        guard t.count <= max else { throw ValidationFailure(message: "\(field) may have at most \(max) characters") }
        return t
    }
}
