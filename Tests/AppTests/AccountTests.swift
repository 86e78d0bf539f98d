@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 16, item 1: the admin console's accounts — create with an e-mailed set-password link, edit, disable
/// and enable, reset links that work once and expire; nobody but the admin reaches it.
@Suite struct AccountTests {
    static let admin = "admin@demo.sinergi.id"

    static func json(_ app: Application, _ method: HTTPMethod, _ path: String, as email: String, _ body: String = "{}") async throws -> TestingHTTPResponse {
        try await RegistryEditTests.json(app, method, path, as: email, body)
    }

    /// The token of the last password link e-mailed to `email`, read from the outbox as the mail server would see it.
    static func linkToken(_ app: Application, to email: String) async throws -> String {
        let m = try #require(try await OutboxMessage.query(on: app.db).filter(\.$recipient == email).filter(\.$kind ~~ ["password_set", "password_reset"])
            .sort(\.$createdAt, .descending).first())
        let line = try #require(m.body.split(separator: "\n").first { $0.contains("/password/") })
        return String(line.split(separator: "/").last!)
    }

    static func setPassword(_ app: Application, token: String, _ password: String, confirm: String? = nil) async throws -> TestingHTTPResponse {
        let b = Browser(app)
        _ = try await b.get("/password/\(token)")
        return try await b.post("/password/\(token)", form: ["password": password, "confirm": confirm ?? password])
    }

    @Test func anAdminCreatesAnAccountAndTheUserChoosesThePassword() async throws {
        try await withTestApp { app in
            let res = try await Self.json(app, .POST, "/api/v1/admin/users", as: Self.admin,
                                          #"{"email": "Petugas.Baru@Imigrasi.go.id", "name": "Petugas Baru", "role": "officer", "officeCode": "SBY"}"#)
            #expect(res.status == .created, "\(res.body.string)")
            struct Created: Decodable { var id: UUID; var email: String; var officeCode: String?; var disabled: Bool }
            let created = try JSONDecoder().decode(Created.self, from: Data(res.body.readableBytesView))
            #expect(created.email == "petugas.baru@imigrasi.go.id" && created.officeCode == "SBY" && !created.disabled)
            // No password was set: the account cannot sign in yet.
            #expect(try await Browser(app).login("petugas.baru@imigrasi.go.id").status == .unauthorized)
            // The e-mail carries the link, not the password; the answer carries neither.
            let mail = try #require(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "petugas.baru@imigrasi.go.id").first())
            #expect(mail.subject.contains("kata sandi") && !res.body.string.contains("/password/"))
            let token = try await Self.linkToken(app, to: "petugas.baru@imigrasi.go.id")

            // A weak password and two different ones are refused in Indonesian; the link still works after that.
            let weak = try await Self.setPassword(app, token: token, "password")
            #expect(weak.status == .unprocessableEntity && weak.body.string.contains("terlalu umum"))
            let differ = try await Self.setPassword(app, token: token, "kuda-laut-biru-77", confirm: "kuda-laut-biru-78")
            #expect(differ.status == .unprocessableEntity && differ.body.string.contains("tidak sama"))
            let ok = try await Self.setPassword(app, token: token, "kuda-laut-biru-77")
            #expect(ok.status == .seeOther && ok.headers.first(name: .location) == "/login")
            // Used once.
            #expect(try await Self.setPassword(app, token: token, "kuda-laut-biru-99").status == .gone)
            #expect(try await Browser(app).get("/password/\(token)").status == .gone)
            let b = Browser(app)
            #expect(try await b.login("petugas.baru@imigrasi.go.id", password: "kuda-laut-biru-77").status == .seeOther)
            // The admin's list shows the last sign-in.
            let list = try await app.testing().sendRequest(.GET, "/api/v1/admin/users?q=petugas.baru", headers: bearer(try await apiToken(app, Self.admin)))
            #expect(list.body.string.contains("lastSignInAt"))

            // Invalid input names its field; a taken e-mail is a conflict.
            for (body, field) in [(#"{"email": "x@imigrasi.go.id", "name": "X", "role": "officer"}"#, "officeCode"),
                                  (#"{"email": "x@imigrasi.go.id", "name": "X", "role": "agency", "officeCode": "SBY"}"#, "agencyId"),
                                  (#"{"email": "bukan-email", "name": "X", "role": "admin"}"#, "email"),
                                  (#"{"email": "x@imigrasi.go.id", "name": "X", "role": "raja"}"#, "role"),
                                  (#"{"email": "x@imigrasi.go.id", "role": "admin"}"#, "name")] {
                let r = try await Self.json(app, .POST, "/api/v1/admin/users", as: Self.admin, body)
                #expect(r.status == .unprocessableEntity && r.body.string.contains(#""field":"\#(field)""#), "\(body): \(r.body.string)")
            }
            #expect(try await Self.json(app, .POST, "/api/v1/admin/users", as: Self.admin, #"{"email": "officer@demo.sinergi.id", "name": "X", "role": "admin"}"#).status == .conflict)
            let actions = try await AuditEventRecord.query(on: app.db).all().map(\.action)
            #expect(actions.contains("user.create") && actions.contains("user.password.set"))
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    @Test func aDisabledUsersTokenAnswers401AtOnce() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners", headers: bearer(token)).status == .ok)
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            let res = try await Self.json(app, .POST, "/api/v1/admin/users/\(officer.id!)/disable", as: Self.admin)
            #expect(res.status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners", headers: bearer(token)).status == .unauthorized)
            #expect(try await b.get("/foreigners").status == .seeOther)                    // the web session ended too
            let again = try await Browser(app).login("officer@demo.sinergi.id")
            #expect(again.status == .unauthorized && again.body.string.contains("Email atau kata sandi salah"))
            // A reset link for a disabled account is refused; after enabling, signing in works again.
            #expect(try await Self.json(app, .POST, "/api/v1/admin/users/\(officer.id!)/password-reset", as: Self.admin).status == .conflict)
            #expect(try await Self.json(app, .POST, "/api/v1/admin/users/\(officer.id!)/enable", as: Self.admin).status == .ok)
            #expect(try await Browser(app).login("officer@demo.sinergi.id").status == .seeOther)
            // The admin cannot disable or demote themself.
            let me = try #require(try await User.query(on: app.db).filter(\.$email == Self.admin).first())
            #expect(try await Self.json(app, .POST, "/api/v1/admin/users/\(me.id!)/disable", as: Self.admin).status == .conflict)
            #expect(try await Self.json(app, .PATCH, "/api/v1/admin/users/\(me.id!)", as: Self.admin, #"{"role": "officer", "officeCode": "SBY"}"#).status == .conflict)
            // A role change keeps the unit that fits: officer → supervisor stays at SBY.
            let promoted = try await Self.json(app, .PATCH, "/api/v1/admin/users/\(officer.id!)", as: Self.admin, #"{"role": "supervisor"}"#)
            #expect(promoted.status == .ok && promoted.body.string.contains(#""officeCode":"SBY""#), "\(promoted.body.string)")
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$action ~~ ["user.disable", "user.enable", "user.update"]).all()
            #expect(Set(events.map(\.action)) == ["user.disable", "user.enable", "user.update"])
            #expect(events.first { $0.action == "user.update" }?.detail.contains("before: role=officer") == true)
        }
    }

    @Test func aResetLinkWorksOnceAndExpires() async throws {
        try await withTestApp { app in
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            #expect(try await Self.json(app, .POST, "/api/v1/admin/users/\(officer.id!)/password-reset", as: Self.admin).status == .accepted)
            let first = try await Self.linkToken(app, to: officer.email)
            // An expired link: two hours and a minute later.
            let later = TestDatabases.now.addingTimeInterval(2 * 3600 + 60)
            app.clock = AppClock(now: { later })
            #expect(try await Self.setPassword(app, token: first, "kuda-laut-biru-77").status == .gone)
            // Forgot-password: the same answer for an unknown and a known address; only the known one gets mail.
            for email in ["nobody@demo.sinergi.id", "officer@demo.sinergi.id"] {
                let b = Browser(app)
                _ = try await b.get("/password/forgot")
                let r = try await b.post("/password/forgot", form: ["email": email])
                #expect(r.status == .ok && r.body.string.contains("Bila email itu terdaftar"))
            }
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "nobody@demo.sinergi.id").count() == 0)
            // A new link was sent (the expired one is older than 10 minutes); asking again at once sends no other.
            let second = try await Self.linkToken(app, to: officer.email)
            #expect(second != first)
            let mails = try await OutboxMessage.query(on: app.db).filter(\.$recipient == officer.email).count()
            let b2 = Browser(app)
            _ = try await b2.get("/password/forgot")
            _ = try await b2.post("/password/forgot", form: ["email": officer.email])
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == officer.email).count() == mails)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            #expect(try await Self.setPassword(app, token: second, "kuda-laut-biru-77").status == .seeOther)
            // … and setting a password ends the other sessions.
            #expect(try await b.get("/foreigners").status == .seeOther)
            #expect(try await Browser(app).login("officer@demo.sinergi.id", password: "kuda-laut-biru-77").status == .seeOther)
        }
    }

    @Test func nobodyButTheAdminReachesTheConsole() async throws {
        try await withTestApp { app in
            let target = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()).id!
            let routes: [(HTTPMethod, String, String)] = [
                (.GET, "/api/v1/admin/users", ""), (.POST, "/api/v1/admin/users", #"{"email": "q@imigrasi.go.id", "name": "Q", "role": "admin"}"#),
                (.GET, "/api/v1/admin/users/\(target)", ""), (.PATCH, "/api/v1/admin/users/\(target)", #"{"name": "Q"}"#),
                (.POST, "/api/v1/admin/users/\(target)/disable", ""), (.POST, "/api/v1/admin/users/\(target)/enable", ""),
                (.POST, "/api/v1/admin/users/\(target)/password-reset", ""),
            ]
            for who in ["supervisor", "officer", "agency", "sponsor"] {
                for (method, path, body) in routes {
                    let r = try await Self.json(app, method, path, as: "\(who)@demo.sinergi.id", body.isEmpty ? "{}" : body)
                    #expect(r.status == .forbidden, "\(who) \(method) \(path)")
                }
                let b = Browser(app)
                try await b.login("\(who)@demo.sinergi.id")
                for path in ["/admin/users", "/admin/users/new", "/admin/users/\(target)"] {
                    #expect(try await b.get(path).status == .forbidden, "\(who) GET \(path)")
                }
            }
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/admin/users").status == .unauthorized)
            #expect(try await User.query(on: app.db).filter(\.$email == "q@imigrasi.go.id").count() == 0)
            #expect(try await User.find(target, on: app.db)?.disabled == false)
        }
    }

    @Test func theAdminPagesCreateAndDisableWithTheFormKit() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login(Self.admin)
            _ = try await b.get("/admin/users/new")
            let bad = try await b.post("/admin/users/new", form: ["email": "kasi.baru@imigrasi.go.id", "name": "Kasi Baru", "role": "supervisor", "language": "id"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Kantor wajib diisi") && bad.body.string.contains("kasi.baru@imigrasi.go.id"))
            let ok = try await b.post("/admin/users/new", form: ["email": "kasi.baru@imigrasi.go.id", "name": "Kasi Baru", "role": "supervisor", "officeCode": "SBY", "language": "id"])
            #expect(ok.status == .seeOther)
            let u = try #require(try await User.query(on: app.db).filter(\.$email == "kasi.baru@imigrasi.go.id").first())
            let page = try await b.get("/admin/users/\(u.id!)").body.string
            #expect(page.contains("Akun dibuat") && page.contains("Belum pernah"))
            #expect(try await b.post("/admin/users/\(u.id!)/disable", form: [:]).status == .seeOther)
            #expect(try await User.find(u.id, on: app.db)?.disabled == true)
            let list = try await b.get("/admin/users?state=disabled&q=kasi.baru").body.string
            #expect(list.contains("kasi.baru@imigrasi.go.id") && list.contains("Dinonaktifkan"))
        }
    }
}
