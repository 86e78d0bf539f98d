@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct AuthTests {
    /// Stored tokens, sessions and photo names are SHA-256 in lower-case hex (FIPS 180-2's vectors): a change of
    /// the encoder must not sign everyone out.
    @Test func digestsAreLowerCaseHexOfSHA256() {
        #expect(Tokens.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Tokens.digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ImageSanitizer.sha256(Array("abc".utf8)) == Tokens.digest("abc"))
    }

    @Test func loginRotatesSessionAndLogoutDestroysIt() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            let first = try await b.login("officer@demo.sinergi.id")
            #expect(first.status == .seeOther)
            let cookie = try #require(first.headers[.setCookie].first { $0.hasPrefix(SessionCookie.name) })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))
            let firstSession = try #require(b.cookies[SessionCookie.name])
            #expect(try await b.get("/").status == .ok)

            // Signing in again from the same browser gives a new session id and kills the old one.
            _ = try await b.post("/login", form: ["email": "officer@demo.sinergi.id", "password": TestDatabases.password])
            let second = try #require(b.cookies[SessionCookie.name])
            #expect(second != firstSession)
            let stale = Browser(app)
            stale.cookies = [SessionCookie.name: firstSession]
            #expect(try await stale.get("/").status == .seeOther)
            #expect(try await SessionRecord.find(Tokens.digest(firstSession), on: app.db) == nil)

            // Logout destroys the session on the server, not only in the browser.
            let out = try await b.post("/logout", form: [:])
            #expect(out.status == .seeOther)
            #expect(try await SessionRecord.find(Tokens.digest(second), on: app.db) == nil)
            let replay = Browser(app)
            replay.cookies = [SessionCookie.name: second]
            let res = try await replay.get("/foreigners")
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test func secureCookieOverHTTPS() async throws {
        try await withTestApp(extra: ["SINERGI_PUBLIC_URL": "https://sinergi.example.go.id"]) { app in
            let res = try await Browser(app).login("officer@demo.sinergi.id")
            #expect(res.headers[.setCookie].contains { $0.hasPrefix(SessionCookie.name) && $0.contains("Secure") })
        }
    }

    @Test func wrongPasswordIsRefusedWithAMessage() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            let res = try await b.login("officer@demo.sinergi.id", password: "not-the-password")
            #expect(res.status == .unauthorized)
            #expect(res.body.string.contains(L10n.t("login.failed", .id)))
            #expect(b.cookies[SessionCookie.name] == nil)
            let unknown = try await Browser(app).login("nobody@demo.sinergi.id")
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.get("/login")
            let forged = try await b.post("/login", form: ["email": "officer@demo.sinergi.id", "password": TestDatabases.password], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(b.cookies[SessionCookie.name] == nil)
            let wrong = try await b.post("/login", form: ["_csrf": String(repeating: "x", count: 43), "email": "officer@demo.sinergi.id", "password": TestDatabases.password], csrf: false)
            #expect(wrong.status == .forbidden)
            // Logged in, a forged logout does not end the session.
            try await b.login("officer@demo.sinergi.id")
            let session = try #require(b.cookies[SessionCookie.name])
            _ = try await b.post("/logout", form: [:], csrf: false)
            #expect(try await SessionRecord.find(Tokens.digest(session), on: app.db) != nil)
        }
    }

    @Test func openRedirectIsNotFollowed() {
        #expect(AuthController.safeNext("https://evil.example") == nil)
        #expect(AuthController.safeNext("//evil.example") == nil)
        #expect(AuthController.safeNext("/foreigners?page=2") == "/foreigners?page=2")
    }

    /// The principal is read with the token or session in one query, and a user marked disabled there — whatever
    /// became of their tokens and sessions — gets no principal on the very next request by session, and by token on
    /// SQLite. On PostgreSQL a token's principal may be kept (`PrincipalCache`): a change written straight into the
    /// database, not through a request to this server, reaches it with the change's notification, within moments.
    @Test func aUserDisabledInTheDatabaseIsRefusedOnTheNextRequest() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "supervisor@demo.sinergi.id")
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            func lookUp() async throws -> HTTPStatus {
                try await app.testing().sendRequest(.GET, "/api/v1/lookup?passport=X1234567", headers: bearer(token)).status
            }
            #expect(try await lookUp() == .ok)
            #expect(try await b.get("/lookup").status == .ok)
            try await (app.db as! any SQLDatabase).raw("UPDATE users SET disabled = \(bind: true) WHERE email = 'supervisor@demo.sinergi.id'").run()
            #expect(try await b.get("/lookup").status == .seeOther)
            if app.principalCache == nil {
                #expect(try await lookUp() == .unauthorized)
            } else {
                var refused = false
                for _ in 0..<200 where !refused {
                    refused = try await lookUp() == .unauthorized
                    if !refused { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(refused)
            }
        }
    }

    @Test func apiTokensExpire() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders()
            headers.contentType = .json
            let res = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: headers,
                body: ByteBuffer(string: #"{"email":"officer@demo.sinergi.id","password":"\#(TestDatabases.password)"}"#))
            #expect(res.status == .ok)
            struct T: Decodable { var token: String; var expiresAt: String }
            let t = try JSONDecoder().decode(T.self, from: Data(res.body.readableBytesView))
            #expect(t.expiresAt.hasPrefix("2026-11-30T13:00:00"))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners", headers: bearer(t.token)).status == .ok)
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(9 * 3600) })
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners", headers: bearer(t.token)).status == .unauthorized)
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: headers, body: ByteBuffer(string: "{\"email\":1}"))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("error"))
            let wrong = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: headers, body: ByteBuffer(string: #"{"email":"officer@demo.sinergi.id","password":"nope-nope"}"#))
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test func securityHeadersAndSafeErrors() async throws {
        try await withTestApp { app in
            let res = try await app.testing().sendRequest(.GET, "/login")
            #expect(res.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
            #expect(res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(res.headers.first(name: "Referrer-Policy") == "same-origin")
            // No inline script: the only scripts are files of our own (the policy would block any other).
            #expect(res.body.string.components(separatedBy: "<script").dropFirst().allSatisfy { $0.hasPrefix(#" src="/static/"#) })
            let missing = try await app.testing().sendRequest(.GET, "/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains(L10n.t("err.404", .id)))
            let apiMissing = try await app.testing().sendRequest(.GET, "/api/v1/foreigners/not-a-uuid", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
            #expect(apiMissing.status == .notFound)
            #expect(apiMissing.headers.contentType == .json)
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await withTestApp(extra: ["SINERGI_MAX_BODY_KB": "16"]) { app in
            let b = Browser(app)
            try await b.get("/login")
            let res = try await b.post("/login", form: ["email": String(repeating: "a", count: 40_000), "password": "x"])
            #expect(res.status == .payloadTooLarge)
            #expect(!res.body.string.contains("NIO"))
        }
    }

    @Test func englishSwitch() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            let res = try await b.get("/lang/en?back=%2Flogin")
            #expect(res.status == .seeOther)
            #expect(try await b.get("/login").body.string.contains("Sign in"))
        }
    }

    @Test func failedSignInKeepsTheEmailAndShowsTheErrorBesideIt() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            let res = try await b.login("officer@demo.sinergi.id", password: "not-the-password")
            #expect(res.status == .unauthorized)
            let html = res.body.string
            // The e-mail stays typed, the password never comes back.
            let email = try #require(html.components(separatedBy: "<input").first { $0.contains("id=\"email\"") })
            #expect(email.contains("value=\"officer@demo.sinergi.id\"") && email.contains("aria-invalid=\"true\"") && email.contains("autofocus"))
            #expect(email.contains("aria-describedby=\"email-error\""))
            #expect(!html.contains("not-the-password"))
            // The message stands right after the e-mail field, in Indonesian.
            let afterEmail = try #require(html.components(separatedBy: "id=\"email\"").last)
            let beforePassword = try #require(afterEmail.components(separatedBy: "id=\"password\"").first)
            #expect(beforePassword.contains("<p class=\"field-error\" id=\"email-error\">\(L10n.t("login.failed", .id))</p>"))
            #expect(html.contains("<label for=\"email\">") && html.contains("<label for=\"password\">"))

            // Missing password: its own message beside the password field, the e-mail still kept.
            let missing = try await b.post("/login", form: ["email": "officer@demo.sinergi.id", "password": ""])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("id=\"password-error\">\(L10n.t("login.passwordMissing", .id))</p>"))
            #expect(missing.body.string.contains("value=\"officer@demo.sinergi.id\""))
            #expect(!missing.body.string.contains("email-error"))
            #expect(b.cookies[SessionCookie.name] == nil)
        }
    }

    @Test func signOutConfirmsOnTheSignInPage() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let out = try await b.post("/logout", form: [:])
            #expect(out.headers.first(name: .location) == "/login")
            let page = try await b.get("/login")
            #expect(page.body.string.contains(L10n.t("logout.done", .id)))
            #expect(try await !b.get("/login").body.string.contains(L10n.t("logout.done", .id)))   // shown once
        }
    }
}
