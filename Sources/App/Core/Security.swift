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
struct CSRFMiddleware: RouteMiddleware {
    static let cookieName = "sinergi_csrf"
    static let fieldName = "_csrf"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.isAPI { return try await next.respond(to: req) }
        let existing = req.cookies[Self.cookieName]?.string
        let token = (existing?.count ?? 0) >= 32 ? existing! : Tokens.random()
        req.csrfToken = token
        // A picker's step handed to its page (`FormPages`) was checked on its way in, against its own route's limit.
        if ![.GET, .HEAD, .OPTIONS].contains(req.method) && !req.isPickerStep {
            let limit = req.route?.userInfo["maxBody"] as? Int ?? req.application.config.maxBodySize
            // Refused before it is read when its length is declared, else as soon as it passes the limit; the page
            // names the limit.
            let tooLarge = AppError(status: .payloadTooLarge, messageKey: "err.413limit", logDetail: "body over \(limit) bytes",
                                    args: [ByteSize.text(req.route?.userInfo["maxBodyShown"] as? Int ?? limit)])
            if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit { throw tooLarge }
            do {
                if let body = try await req.body.collect(max: limit).get(), body.readableBytes > limit { throw tooLarge }
            } catch let e as any AbortError where e.status == .payloadTooLarge {
                throw tooLarge
            }
            let sent = req.headers.first(name: "X-CSRF-Token") ?? (try? req.content.get(String.self, at: Self.fieldName))
            guard let existing, let sent, Tokens.constantTimeEqual(existing, sent) else {
                throw AppError.csrf
            }
        }
        let res: Response
        if let page = try await FormPages.step(req) { res = page } else { res = try await next.respond(to: req) }
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

/// A size as a person reads it: whole megabytes from 1 MB, else kilobytes (1 MB = 1,048,576 bytes).
enum ByteSize {
    static func text(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(bytes / 1_048_576) MB" : "\(max(1, bytes / 1024)) KB"
    }
}

/// An error a user may see. `messageKey` is the user-facing sentence (localised, with `{1}`… filled from
/// `args`); `logDetail` goes to the log only and never to the response.
struct AppError: Error, AbortError {
    var status: HTTPResponseStatus
    var messageKey: String
    var logDetail: String
    var args: [String] = []
    /// Seconds for a `Retry-After` header (429).
    var retryAfter: Int?
    var reason: String { logDetail }

    static let csrf = AppError(status: .forbidden, messageKey: "err.csrf", logDetail: "CSRF token missing or wrong")

    /// A request that cannot be carried out in the record's present state (409), e.g. a report already reviewed.
    static func conflict(_ key: String, _ args: String...) -> AppError {
        AppError(status: .conflict, messageKey: key, logDetail: key, args: args)
    }
    static func forbidden(_ key: String, _ args: String...) -> AppError {
        AppError(status: .forbidden, messageKey: key, logDetail: key, args: args)
    }

    func message(_ lang: Language) -> String { L10n.format(messageKey, lang, args) }
}

/// The API's error body: `{"error": {"code": …, "field": …, "message": …}}` (plus a request id for 5xx).
struct APIErrorBody: Content {
    struct Detail: Content {
        var code: String; var field: String?; var message: String; var requestId: String?
        /// The same input's other failures, when a form's fields were all checked (`FieldChecks`): each names its field.
        var more: [Detail]?

        init(code: String, field: String? = nil, message: String, requestId: String? = nil, more: [Detail]? = nil) {
            self.code = code; self.field = field; self.message = message; self.requestId = requestId; self.more = more
        }

        /// A validation failure and the others it carries, in `lang`.
        init(_ e: ValidationFailure, _ lang: Language) {
            self.init(code: e.key, field: e.field, message: e.message(lang),
                      more: e.more.isEmpty ? nil : e.more.map { Detail(code: $0.key, field: $0.field, message: $0.message(lang)) })
        }
    }
    var error: Detail
}

/// Turns every error into a plain page or an `APIErrorBody` without stack traces, SQL or internals.
struct SafeErrorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let api = req.isAPI || req.url.path == "/healthz"
            let lang = api ? req.apiLanguage : req.language
            let status: HTTPResponseStatus
            var detail: APIErrorBody.Detail
            // A known path asked with a method it does not answer: 405 with the methods it does.
            if req.route == nil, (error as? any AbortError)?.status == .notFound,
               let allowed = req.application.allowedMethods?.allowed(for: req.url.path), !allowed.isEmpty {
                let key = "err.405"
                let res = api ? Response(status: .methodNotAllowed) : Views.errorPage(req, status: .methodNotAllowed, message: L10n.t(key, lang))
                if api { try? res.content.encode(APIErrorBody(error: .init(code: key, message: L10n.t(key, lang)))) }
                res.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
                return res
            }
            switch error {
            case let e as AppError:
                status = e.status
                detail = .init(code: e.messageKey, message: e.message(lang))
                req.logger.notice("\(e.status.code) \(e.logDetail)", metadata: ["path": "\(req.url.path)"])
            case let e as ValidationFailure:
                status = .unprocessableEntity
                detail = .init(e, lang)
            case let e as any AbortError:
                status = e.status
                let key = "err.\(e.status.code)"
                detail = .init(code: key, message: L10n.table[key] != nil ? L10n.t(key, lang) : e.reason)
                if e.status.code >= 500 { req.logger.error("\(e.status.code) \(e.reason)", metadata: ["path": "\(req.url.path)"]) }
            default:
                status = .internalServerError
                detail = .init(code: "err.500", message: L10n.t("err.500", lang))
                req.logger.error("unhandled error: \(String(reflecting: error))", metadata: ["path": "\(req.url.path)", "request-id": "\(req.id)"])
            }
            if status.code >= 500 { detail = .init(code: "err.500", message: L10n.t("err.500", lang), requestId: req.id) }
            let retryAfter = (error as? AppError)?.retryAfter
            if api {
                let res = Response(status: status)
                try? res.content.encode(APIErrorBody(error: detail))
                if let retryAfter { res.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
                return res
            }
            // A page no route answers ran no session middleware: the signed-in user still gets the menu, to go on from.
            if req.principal == nil, req.route == nil { await SessionAuthenticator.peek(req) }
            let page = Views.errorPage(req, status: status, message: detail.message)
            if let retryAfter { page.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
            return page
        }
    }
}
