@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 16, item 2: sponsors run their own accounts; agents see only what was granted, until expiry or revocation.
@Suite struct SponsorAccountTests {
    static let admin = "sponsor@demo.sinergi.id"

    static func json(_ app: Application, _ m: HTTPMethod, _ path: String, token: String, _ body: String = "{}") async throws -> TestingHTTPResponse {
        var h = bearer(token)
        h.contentType = .json
        return try await app.testing().sendRequest(m, path, headers: h, body: ByteBuffer(string: body))
    }

    /// Signs an account in after it follows its e-mailed link; returns an API token.
    static func activate(_ app: Application, _ email: String) async throws -> String {
        let token = try await AccountTests.linkToken(app, to: email)
        #expect(try await AccountTests.setPassword(app, token: token, "kuda-laut-biru-77").status == .seeOther)
        let res = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: ["Content-Type": "application/json"],
                                                       body: ByteBuffer(string: #"{"email": "\#(email)", "password": "kuda-laut-biru-77"}"#))
        struct T: Decodable { var token: String }
        return try JSONDecoder().decode(T.self, from: Data(res.body.readableBytesView)).token
    }

    @Test func theCompanyAdminInvitesAndDisablesItsUsers() async throws {
        try await withTestApp { app in
            let tok = try await apiToken(app, Self.admin)
            let invited = try await Self.json(app, .POST, "/api/v1/portal/users", token: tok, #"{"email": "hrd@pt-demo.co.id", "name": "HRD PT Demo"}"#)
            #expect(invited.status == .created, "\(invited.body.string)")
            let colleague = try await Self.activate(app, "hrd@pt-demo.co.id")
            // The colleague works for the same company but administers nothing.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/foreign-workers", headers: bearer(colleague)).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/users", headers: bearer(colleague)).status == .forbidden)
            let u = try #require(try await User.query(on: app.db).filter(\.$email == "hrd@pt-demo.co.id").first())
            #expect(u.roleValue == .sponsor && u.$sponsor.id != nil && u.sponsorAdmin == false)
            #expect(try await Self.json(app, .POST, "/api/v1/portal/users/\(u.id!)/disable", token: tok).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/foreign-workers", headers: bearer(colleague)).status == .unauthorized)
            // Another company's user is not this admin's to touch.
            let other = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            #expect(try await Self.json(app, .POST, "/api/v1/portal/users/\(other.id!)/disable", token: tok).status == .notFound)
            // Officers and agencies have no company to administer.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/users", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id"))).status == .forbidden)
        }
    }

    @Test func anAgentSeesOnlyWhatWasGrantedUntilExpiryOrRevocation() async throws {
        try await withTestApp { app in
            let tok = try await apiToken(app, Self.admin)
            let sponsorUser = try #require(try await User.query(on: app.db).filter(\.$email == Self.admin).first())
            let company = try #require(sponsorUser.$sponsor.id)
            let own = try await Foreigner.query(on: app.db).filter(\.$sponsorID == company).filter(\.$passportNumber != nil).sort(\.$id).all()
            #expect(own.count >= 3)
            let granted = own[0], notGranted = own[1]
            let expires = Day.adding(30, to: app.today)!
            let res = try await Self.json(app, .POST, "/api/v1/portal/agents", token: tok,
                #"{"email": "visa@biro-visa.co.id", "organisation": "Biro Visa Nusantara", "foreignerIds": ["\#(granted.id!)"], "expiresOn": "\#(expires)"}"#)
            #expect(res.status == .created, "\(res.body.string)")
            struct G: Decodable { var id: UUID; var active: Bool }
            let grant = try JSONDecoder().decode(G.self, from: Data(res.body.readableBytesView))
            #expect(grant.active)
            let agent = try await Self.activate(app, "visa@biro-visa.co.id")

            // Only the granted foreigner, in every list and detail.
            let list = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?per=100", headers: bearer(agent))
            #expect(list.status == .ok && list.body.string.contains(granted.id!.uuidString) && !list.body.string.contains(notGranted.id!.uuidString))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(granted.id!)?purpose=service", headers: bearer(agent)).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(notGranted.id!)?purpose=service", headers: bearer(agent)).status == .notFound)
            let passports = Set(own.dropFirst().compactMap(\.passportNumber))
            for path in ["/api/v1/sponsor-obligations", "/api/v1/sponsor-reports", "/api/v1/stats"] {
                let r = try await app.testing().sendRequest(.GET, path, headers: bearer(agent))
                #expect(!passports.contains { r.body.string.contains($0) }, "\(path)")
                #expect(!r.body.string.contains(notGranted.id!.uuidString), "\(path)")
            }
            // A report about the granted foreigner is allowed, about another refused; company-wide matters are not the agent's.
            let ok = try await Self.json(app, .POST, "/api/v1/sponsor-reports", token: agent,
                #"{"clientId": "agent-1", "foreignerId": "\#(granted.id!)", "type": "departure", "eventOn": "\#(app.today)", "destination": "Seoul"}"#)
            #expect(ok.status == .created, "\(ok.body.string)")
            let refused = try await Self.json(app, .POST, "/api/v1/sponsor-reports", token: agent,
                #"{"clientId": "agent-2", "foreignerId": "\#(notGranted.id!)", "type": "departure", "eventOn": "\#(app.today)", "destination": "Seoul"}"#)
            #expect(refused.status == .forbidden || refused.status == .notFound || refused.status == .unprocessableEntity)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/foreign-workers", headers: bearer(agent)).status == .forbidden)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/users", headers: bearer(agent)).status == .forbidden)
            // Its action is audited as the agent acting for the company.
            let event = try #require(try await AuditEventRecord.query(on: app.db).filter(\.$action == "sponsor_report.submit").first())
            #expect(event.actorRole == "agent-for:\(company.uuidString)")

            // After the expiry day it sees nothing.
            let after = Date(timeIntervalSince1970: TestDatabases.now.timeIntervalSince1970 + 31 * 86_400)
            app.clock = AppClock(now: { after })
            let late = try await apiToken(app, "visa@biro-visa.co.id", password: "kuda-laut-biru-77")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(granted.id!)?purpose=service", headers: bearer(late)).status == .notFound)
            app.clock = AppClock(now: { TestDatabases.now })
            // Revoked: at once.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(granted.id!)?purpose=service", headers: bearer(agent)).status == .ok)
            #expect(try await Self.json(app, .POST, "/api/v1/portal/agents/\(grant.id)/revoke", token: tok).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(granted.id!)?purpose=service", headers: bearer(agent)).status == .notFound)
            let b = Browser(app)
            #expect(try await b.login("visa@biro-visa.co.id", password: "kuda-laut-biru-77").status == .seeOther)
            #expect(try await b.get("/portal").body.string.contains("Belum ada perusahaan yang memberi Anda akses"))
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    @Test func aWholeCompanyGrantAndThePortalPage() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login(Self.admin)
            let page = try await b.get("/portal/users")
            #expect(page.status == .ok && page.body.string.contains("Agen (biro visa, kantor hukum)"))
            let bad = try await b.post("/portal/agents", form: ["email": "law@firma.co.id", "organisation": "", "scope": "company", "expiresOn": app.today])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("law@firma.co.id"))
            let ok = try await b.post("/portal/agents", form: ["email": "law@firma.co.id", "organisation": "Firma Hukum Sejahtera", "scope": "company", "expiresOn": app.today])
            #expect(ok.status == .seeOther)
            let agent = try await Self.activate(app, "law@firma.co.id")
            // The whole company: every foreigner it sponsors, and its foreign-worker documents.
            let sponsorUser = try #require(try await User.query(on: app.db).filter(\.$email == Self.admin).first())
            let count = try await Foreigner.query(on: app.db).filter(\.$sponsorID == sponsorUser.$sponsor.id!).count()
            struct L: Decodable { var total: Int }
            let list = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?per=100", headers: bearer(agent))
            #expect(try JSONDecoder().decode(L.self, from: Data(list.body.readableBytesView)).total == count)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/foreign-workers", headers: bearer(agent)).status == .ok)
            // A sponsor user who is no agent cannot be granted; an agent is not a company admin.
            let r = try await Self.json(app, .POST, "/api/v1/portal/agents", token: try await apiToken(app, Self.admin), #"{"email": "officer@demo.sinergi.id", "expiresOn": "\#(app.today)"}"#)
            #expect(r.status == .conflict)
        }
    }
}

/// What a review of issue 16's change found, kept fixed.
@Suite struct AccountReviewTests {
    @Test func aLinkDiesWithAChangedAddressOrADisable() async throws {
        try await withTestApp { app in
            let res = try await AccountTests.json(app, .POST, "/api/v1/admin/users", as: AccountTests.admin, #"{"email": "salah.ketik@imigrasi.go.id", "name": "Petugas", "role": "officer", "officeCode": "SBY"}"#)
            struct C: Decodable { var id: UUID }
            let id = try decode(C.self, res).id
            let token = try await AccountTests.linkToken(app, to: "salah.ketik@imigrasi.go.id")
            #expect(try await AccountTests.json(app, .PATCH, "/api/v1/admin/users/\(id)", as: AccountTests.admin, #"{"email": "benar@imigrasi.go.id"}"#).status == .ok)
            #expect(try await AccountTests.setPassword(app, token: token, "kuda-laut-biru-77").status == .gone)
            // A company admin cannot enable an account the office's admin disabled.
            let hrd = try #require(try await User.query(on: app.db).filter(\.$email == SponsorAccountTests.admin).first())
            let tok = try await apiToken(app, SponsorAccountTests.admin)
            _ = try await SponsorAccountTests.json(app, .POST, "/api/v1/portal/users", token: tok, #"{"email": "staf@pt-demo.co.id", "name": "Staf"}"#)
            let staf = try #require(try await User.query(on: app.db).filter(\.$email == "staf@pt-demo.co.id").first())
            #expect(try await AccountTests.json(app, .POST, "/api/v1/admin/users/\(staf.id!)/disable", as: AccountTests.admin).status == .ok)
            #expect(try await SponsorAccountTests.json(app, .POST, "/api/v1/portal/users/\(staf.id!)/enable", token: tok).status == .conflict)
            #expect(hrd.sponsorAdmin == true)
        }
    }

    @Test func twoGrantsFromOneCompanyAddUpAndAChainOfMergesEndsAtTheKeptRecord() async throws {
        try await withTestApp { app in
            let tok = try await apiToken(app, SponsorAccountTests.admin)
            let company = try #require(try await User.query(on: app.db).filter(\.$email == SponsorAccountTests.admin).first()?.$sponsor.id)
            let own = try await Foreigner.query(on: app.db).filter(\.$sponsorID == company).sort(\.$id).limit(2).all()
            let expires = Day.adding(10, to: app.today)!
            for f in own {
                let r = try await SponsorAccountTests.json(app, .POST, "/api/v1/portal/agents", token: tok,
                    #"{"email": "dua@biro.co.id", "organisation": "Biro Dua", "foreignerIds": ["\#(f.id!)"], "expiresOn": "\#(expires)"}"#)
                #expect(r.status == .created, "\(r.body.string)")
            }
            let agent = try await SponsorAccountTests.activate(app, "dua@biro.co.id")
            for f in own { #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)?purpose=service", headers: bearer(agent)).status == .ok) }

            // C merged into B, then B into A: C's references and its feed ref end at A.
            let a = try await SponsorMaintenanceTests.created(app, name: "PT Rantai Satu", nib: "9120000000061")
            let b = try await SponsorMaintenanceTests.created(app, name: "PT Rantai Dua", nib: "9120000000062")
            let c = try await SponsorMaintenanceTests.created(app, name: "PT Rantai Tiga", nib: "9120000000063")
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(b)/merge", as: SponsorMaintenanceTests.officer, #"{"duplicateId": "\#(c)", "reason": "x"}"#).status == .ok)
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(a)/merge", as: SponsorMaintenanceTests.officer, #"{"duplicateId": "\#(b)", "reason": "x"}"#).status == .ok)
            #expect(try await Sponsor.find(c, on: app.db)?.mergedInto == a)
        }
    }
}
