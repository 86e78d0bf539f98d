@testable import App
import Deadlines
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct SponsorReportTests {
    struct Report: Decodable { var id: UUID; var receiptNumber: String; var dueOn: String; var onTime: Bool; var status: String; var details: [String: String] }
    struct Obligation: Decodable { var foreignerId: UUID; var type: String; var eventOn: String; var dueOn: String; var status: String; var days: Int }

    func sponsorForeigner(_ app: Application, other: Bool = false) async throws -> Foreigner {
        let u = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
        let q = Foreigner.query(on: app.db).filter(\.$sponsorID != nil)
        if other { q.filter(\.$sponsorID != u.$sponsor.id!) } else { q.filter(\.$sponsorID == u.$sponsor.id!) }
        return try #require(try await q.sort(\.$id).first())
    }

    func post(_ app: Application, _ token: String, _ path: String, _ body: [String: String]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: bearer(token)) { req in try req.content.encode(body, as: .json) }
    }

    func village(_ app: Application) async throws -> String {
        try #require(try await Region.query(on: app.db).filter(\.$level == "village").first()?.id)
    }

    @Test func submitIsIdempotentAndComputesTheDeadline() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let f = try await sponsorForeigner(app)
            let code = try await village(app)
            let body = ["clientId": "c-1", "foreignerId": f.id!.uuidString, "type": "addressChange", "eventOn": "2026-11-20", "address": "Jl. Raya Darmo 10", "kelurahanCode": code]
            let first = try await post(app, token, "/api/v1/sponsor-reports", body)
            #expect(first.status == .created)
            let r = try first.content.decode(Report.self)
            #expect(r.dueOn == "2026-12-04" && r.onTime && r.status == "submitted" && r.receiptNumber.hasPrefix("WL-20261130-"))
            #expect(r.details == ["address": "Jl. Raya Darmo 10", "kelurahanCode": code])
            let again = try await post(app, token, "/api/v1/sponsor-reports", body)
            #expect(again.status == .ok)
            #expect(try again.content.decode(Report.self).id == r.id)
            #expect(try await SponsorReport.query(on: app.db).count() == 1)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "sponsor_report.submit").count() == 1)
            // Reported after the deadline: late.
            let late = try await post(app, token, "/api/v1/sponsor-reports", ["clientId": "c-2", "foreignerId": f.id!.uuidString, "type": "departure", "eventOn": "2026-11-01"])
            let l = try late.content.decode(Report.self)
            #expect(late.status == .created && l.dueOn == "2026-11-15" && !l.onTime)
        }
    }

    @Test func anotherSponsorsForeignerIsForbiddenAndNothingIsWritten() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let other = try await sponsorForeigner(app, other: true)
            let res = try await post(app, token, "/api/v1/sponsor-reports", ["clientId": "x", "foreignerId": other.id!.uuidString, "type": "departure", "eventOn": "2026-11-20"])
            #expect(res.status == .forbidden)
            let unknown = try await post(app, token, "/api/v1/sponsor-reports", ["clientId": "y", "foreignerId": UUID().uuidString, "type": "departure", "eventOn": "2026-11-20"])
            #expect(unknown.status == .forbidden)
            #expect(try await SponsorReport.query(on: app.db).count() == 0)
            // Nor can the sponsor read the other's foreigner or list reports beyond its own.
            let read = try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(other.id!.uuidString)", headers: bearer(token))
            #expect(read.status == .notFound)
            // Officers, agency members and admins cannot file.
            for email in ["officer@demo.sinergi.id", "agency@demo.sinergi.id", "admin@demo.sinergi.id"] {
                let t = try await apiToken(app, email)
                #expect(try await post(app, t, "/api/v1/sponsor-reports", ["clientId": "z", "foreignerId": other.id!.uuidString, "type": "departure", "eventOn": "2026-11-20"]).status == .forbidden)
            }
            #expect(try await SponsorReport.query(on: app.db).count() == 0)
        }
    }

    @Test func badInputIsNamed() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let f = try await sponsorForeigner(app).id!.uuidString
            let cases: [([String: String], String)] = [
                (["clientId": "a", "foreignerId": f, "type": "holiday", "eventOn": "2026-11-20"], #""field":"type""#),
                (["clientId": "a", "foreignerId": f, "type": "departure", "eventOn": "2026-02-30"], "eventOn"),
                (["clientId": "a", "foreignerId": f, "type": "departure", "eventOn": "2026-12-24"], "must not be in the future"),
                (["clientId": "a", "foreignerId": f, "type": "arrival", "eventOn": "2026-11-20"], "Address is required"),
                (["clientId": "a", "foreignerId": f, "type": "arrival", "eventOn": "2026-11-20", "address": "Jl. A", "kelurahanCode": "99.99"], "kelurahanCode"),
                (["clientId": "a", "foreignerId": f, "type": "civilStatusChange", "eventOn": "2026-11-20", "civilStatus": "engaged"], "civilStatus"),
                (["clientId": "a", "foreignerId": f, "type": "employerChange", "eventOn": "2026-11-20"], "newEmployer"),
                (["clientId": "a", "foreignerId": f, "type": "endOfSponsorship", "eventOn": "2026-11-20"], "reason"),
                (["foreignerId": f, "type": "departure", "eventOn": "2026-11-20"], "clientId"),
            ]
            for (body, expected) in cases {
                let res = try await post(app, token, "/api/v1/sponsor-reports", body)
                #expect(res.status == .unprocessableEntity, "\(body)")
                #expect(res.body.string.contains(expected), "\(res.body.string)")
            }
            #expect(try await SponsorReport.query(on: app.db).count() == 0)
        }
    }

    @Test func officersReviewWithinTheirJurisdictionAndTheSponsorHears() async throws {
        try await withTestApp { app in
            let sponsor = try await apiToken(app, "sponsor@demo.sinergi.id")
            let f = try await sponsorForeigner(app)
            let created = try await post(app, sponsor, "/api/v1/sponsor-reports", ["clientId": "r1", "foreignerId": f.id!.uuidString, "type": "departure", "eventOn": "2026-11-25"])
            let r = try created.content.decode(Report.self)
            let path = "/api/v1/sponsor-reports/\(r.id.uuidString)/review"
            // Another office's officer does not see it.
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            #expect(try await post(app, jaksel, path, ["decision": "accept"]).status == .notFound)
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let noReason = try await post(app, officer, path, ["decision": "return"])
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("reason"))
            let returned = try await post(app, officer, path, ["decision": "return", "reason": "Tanggal keberangkatan tidak sesuai tiket"])
            #expect(returned.status == .ok)
            #expect(try returned.content.decode(Report.self).status == "returned")
            #expect(try await post(app, officer, path, ["decision": "accept"]).status == .conflict)
            // The sponsor sees the outcome and the reason; its users are notified; an e-mail waits in the outbox.
            let seen = try await app.testing().sendRequest(.GET, "/api/v1/sponsor-reports/\(r.id.uuidString)", headers: bearer(sponsor))
            #expect(seen.body.string.contains("Tanggal keberangkatan tidak sesuai tiket"))
            let u = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == u.id!).filter(\.$kind == "sponsor_report").count() == 1)
            let mail = try #require(try await OutboxMessage.query(on: app.db).filter(\.$kind == "sponsor-report").first())
            #expect(mail.body.contains(r.receiptNumber) && mail.status == "pending")
            // Officers list it; another sponsor's user would not (scope in one place).
            let list = try await app.testing().sendRequest(.GET, "/api/v1/sponsor-reports?status=returned", headers: bearer(officer))
            #expect(list.body.string.contains(r.id.uuidString))
            let jakselList = try await app.testing().sendRequest(.GET, "/api/v1/sponsor-reports", headers: bearer(jaksel))
            #expect(!jakselList.body.string.contains(r.id.uuidString))
        }
    }

    @Test func eventsWithoutAReportAreDueThenOverdueThenCovered() async throws {
        try await withTestApp { app in
            let f = try await sponsorForeigner(app)
            let p = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$status == "active").first())
            p.startOn = "2026-10-20"
            try await p.save(on: app.db)
            let sponsor = try await apiToken(app, "sponsor@demo.sinergi.id")
            func obligations(_ token: String) async throws -> [Obligation] {
                try await app.testing().sendRequest(.GET, "/api/v1/sponsor-obligations", headers: bearer(token)).content.decode([Obligation].self)
            }
            let mine = try await obligations(sponsor).filter { $0.foreignerId == f.id }
            // Arrival within 30 days (Permenkumham 22/2023): 2026-10-20 + 30 days = 2026-11-19, eleven days ago.
            #expect(mine.contains { $0.type == "arrival" && $0.eventOn == "2026-10-20" && $0.dueOn == "2026-11-19" && $0.status == "overdue" && $0.days == 11 })
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            #expect(try await obligations(officer).contains { $0.foreignerId == f.id && $0.type == "arrival" })
            let code = try await village(app)
            _ = try await post(app, sponsor, "/api/v1/sponsor-reports", ["clientId": "arr", "foreignerId": f.id!.uuidString, "type": "arrival", "eventOn": "2026-10-22", "address": "Jl. Pemuda 1", "kelurahanCode": code])
            #expect(try await obligations(sponsor).contains { $0.foreignerId == f.id && $0.type == "arrival" } == false)
        }
    }

    /// UU 6/2011 Art. 63(4): no obligations about a spouse of an Indonesian citizen or a foreign investor; shown as exempt.
    @Test func spousesOfCitizensAndInvestorsAreExempt() async throws {
        try await withTestApp { app in
            let u = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
            let people = try await Foreigner.query(on: app.db).filter(\.$sponsorID == u.$sponsor.id!).sort(\.$id).limit(2).all()
            #expect(people.count == 2)
            for f in people {
                let p = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$status == "active").first())
                p.startOn = "2026-11-10"
                p.$type.id = "E23"          // a worker's ITAS, whatever the demo drew: nobody exempt yet
                try await p.save(on: app.db)
            }
            let sponsor = try await apiToken(app, "sponsor@demo.sinergi.id")
            func due() async throws -> Set<UUID> {
                Set(try await app.testing().sendRequest(.GET, "/api/v1/sponsor-obligations", headers: bearer(sponsor)).content.decode([Obligation].self)
                    .filter { $0.type == "arrival" }.map(\.foreignerId))
            }
            #expect(try await due().isSuperset(of: people.map { $0.id! }))
            // An officer records the marriage to a citizen (applies at once, with a reason); the other holds an investor ITAS.
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            var h = bearer(officer)
            h.contentType = .json
            let patched = try await app.testing().sendRequest(.PATCH, "/api/v1/foreigners/\(people[0].id!)", headers: h,
                                                              body: ByteBuffer(string: #"{"spouseOfCitizen": true, "reason": "Akta nikah dengan WNI"}"#))
            #expect(patched.status == .ok)
            let investor = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == people[1].id!).filter(\.$status == "active").first())
            investor.$type.id = "E28A"
            try await investor.save(on: app.db)
            #expect(try await due().isDisjoint(with: people.map { $0.id! }))
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            let portal = try await b.get("/portal").body.string
            #expect(portal.contains("suami/istri warga negara Indonesia") && portal.contains("penanam modal asing"))
            let page = try await b.get("/foreigners/\(people[1].id!)").body.string
            #expect(page.contains("Dikecualikan dari wajib lapor penjamin"))
        }
    }

    /// A company with more workers than a page or a select holds: the portal lists them a page at a time (the API in the
    /// list shape), and the report form finds a worker by passport number or name instead of offering a select cut short.
    @Test func aCompanyWithManyWorkersPagesItsListAndSearchesItsReportForm() async throws {
        try await withTestApp { app in
            let model = try await sponsorForeigner(app)
            let before = try await Foreigner.query(on: app.db).filter(\.$sponsorID == model.sponsorID).count()
            let extra = SearchPicker.listAll + 20 - before
            try await app.db.transaction { db in
                for i in 0..<extra {
                    let f = Foreigner()
                    f.familyName = "PEKERJA"; f.givenNames = "NOMOR \(i)"; f.fullName = "PEKERJA NOMOR \(i)"; f.sex = "M"; f.nationality = "CHN"
                    f.searchName = "PEKERJA NOMOR \(i)"; f.passportNumber = "EK\(String(format: "%07d", i))"; f.passportKey = f.passportNumber
                    f.permitCategory = "ITAS"; f.permitEnd = "2027-06-30"; f.sponsorID = model.sponsorID; f.regencyCode = model.regencyCode
                    try await f.create(on: db)
                }
            }
            let total = before + extra
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            let first = try await b.get("/portal").body.string
            #expect(first.contains("\(total) orang asing dijamin") && first.contains("(\(total))</h2>"))
            #expect(first.components(separatedBy: "/portal/reports/new?foreigner=").count - 1 == 50)
            #expect(first.contains("Halaman 1 dari \((total + 49) / 50)") && first.contains("rel=\"next\""))
            let last = try await b.get("/portal?page=\((total + 49) / 50)").body.string
            #expect(last.components(separatedBy: "/portal/reports/new?foreigner=").count - 1 == total - 50 * ((total - 1) / 50))
            // The dashboard's list too (it stopped at 200), and the names it shows are audited.
            let home = try await b.get("/?page=2").body.string
            #expect(home.components(separatedBy: "id=\"sponsored\"")[1].components(separatedBy: "</table>")[0].components(separatedBy: "<tr>").count - 2 == 50)
            #expect(home.contains("Halaman 2 dari \((total + 49) / 50)"))
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$objectType == "dashboard").filter(\.$objectID == "page-2").count() == 1)
            // The company's own page too (it stopped at 500).
            let profile = try await b.get("/sponsors/\(model.sponsorID!.uuidString)?page=2").body.string
            #expect(profile.contains("(\(total))</h2>") && profile.contains("Halaman 2 dari \((total + 49) / 50)"))
            #expect(profile.components(separatedBy: "id=\"sponsor-foreigners\"")[1].components(separatedBy: "</table>")[0].components(separatedBy: "<tr>").count - 2 == 50)
            // The API: the list shape, 100 a page unless asked otherwise.
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            struct Page: Decodable { var items: [SponsorReportsController.PortalForeigner]; var total: Int; var page: Int; var per: Int }
            let api = try JSONDecoder().decode(Page.self, from: Data(try await app.testing().sendRequest(.GET, "/api/v1/portal/foreigners?page=2", headers: bearer(token)).body.readableBytesView))
            #expect(api.total == total && api.page == 2 && api.per == 100 && api.items.count == min(100, total - 100))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/portal/foreigners?per=501", headers: bearer(token)).status == .unprocessableEntity)
            // The report form: a search, not a select of hundreds.
            let form = try await b.get("/portal/reports/new").body.string
            #expect(form.contains("id=\"foreignerId-q\"") && form.contains("Ada \(total) orang asing: ketik sebagian nama atau nomor paspor"))
            #expect(!form.contains("PEKERJA NOMOR 1<"))
            // Without JavaScript "Cari" posts the form back: a lone match by passport is chosen, what was typed stays.
            let wanted = try #require(try await Foreigner.query(on: app.db).filter(\.$passportNumber == "EK0000017").first())
            let found = try await b.post("/portal/reports", form: ["_picker": "foreignerId", "foreignerId_q": "EK0000017", "clientId": "m1", "note": "Catatan uji"])
            #expect(found.status == .ok && found.body.string.contains("<option value=\"\(wanted.id!.uuidString)\" selected>PEKERJA NOMOR 17 · EK0000017</option>"))
            #expect(found.body.string.contains("1 orang asing cocok, sudah dipilih") && found.body.string.contains("Catatan uji"))
            #expect(try await SponsorReport.query(on: app.db).count() == 0)
            // An agent granted chosen workers: named by passport number, not ticked in a list of hundreds.
            let users = try await b.get("/portal/users").body.string
            #expect(users.contains("name=\"foreignerPassports\"") && users.contains("menjamin \(total) orang asing") && !users.contains("name=\"foreignerIds[]\""))
            let grant = ["email": "biro@visa.co.id", "organisation": "Biro Visa", "scope": "chosen", "expiresOn": app.today]
            let unknown = try await b.post("/portal/agents", form: grant.merging(["foreignerPassports": "EK0000017\nZZ9999999"]) { $1 })
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("tidak ada di antara orang asing yang dijamin perusahaan Anda: ZZ9999999."))
            #expect(try await AgentGrant.query(on: app.db).count() == 0)
            let granted = try await b.post("/portal/agents", form: grant.merging(["foreignerPassports": "ek0000017, EK0000018\n\nEK0000019"]) { $1 })
            #expect(granted.status == .seeOther)
            let ids = try #require(try await AgentGrant.query(on: app.db).first()?.foreignerIDs)
            let chosen = try await Foreigner.query(on: app.db).filter(\.$passportNumber ~~ ["EK0000017", "EK0000018", "EK0000019"]).all().map { $0.id!.uuidString }
            #expect(chosen.count == 3 && chosen.allSatisfy { ids.uppercased().contains($0.uppercased()) })
            // By name: the seeded worker's own name finds them.
            let byName = try await b.get("/portal/reports/new?_picker=foreignerId&foreignerId_q=\(model.familyName.formEscaped)").body.string
            #expect(byName.contains("<option value=\"\(model.id!.uuidString)\""))
            // A link from the list (`?foreigner=`) keeps its person chosen without a search.
            let linked = try await b.get("/portal/reports/new?foreigner=\(wanted.id!.uuidString)").body.string
            #expect(linked.contains("<option value=\"\(wanted.id!.uuidString)\" selected>PEKERJA NOMOR 17 · EK0000017</option>"))
        }
    }

    @Test func portalPagesAndReceipt() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            let portal = try await b.get("/portal")
            #expect(portal.status == .ok && portal.body.string.contains("id=\"portal-foreigners\""))
            let f = try await sponsorForeigner(app)
            #expect(portal.body.string.contains(f.id!.uuidString))
            let form = try await b.get("/portal/reports/new?foreigner=\(f.id!.uuidString)&type=departure")
            #expect(form.status == .ok)
            let bad = try await b.post("/portal/reports", form: ["clientId": "w1", "foreignerId": f.id!.uuidString, "type": "departure", "eventOn": "2027-01-01"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("tidak boleh di masa depan"))
            let ok = try await b.post("/portal/reports", form: ["clientId": "w1", "foreignerId": f.id!.uuidString, "type": "departure", "eventOn": "2026-11-29", "destination": "Seoul"])
            #expect(ok.status == .seeOther)
            let receiptPath = try #require(ok.headers.first(name: .location))
            let receipt = try await b.get(receiptPath)
            let r = try #require(try await SponsorReport.query(on: app.db).first())
            #expect(receipt.status == .ok && receipt.body.string.contains(r.receiptNumber) && receipt.body.string.contains("Seoul"))
            // Confirmed once; the stamp as people read it (12:00 WIB on 30 November); a print button the CSP allows.
            #expect(receipt.body.string.contains("id=\"flash\"") && receipt.body.string.contains("Laporan terkirim."))
            #expect(receipt.body.string.contains("<dd id=\"submitted-at\">30 Nov 2026 12.00 WIB</dd>"))
            #expect(!receipt.body.string.contains("+0700") && !receipt.body.string.contains("onclick"))
            #expect(receipt.body.string.contains("<button type=\"button\" data-print>Cetak</button>"))
            // The receipt leads on: back to the portal, where the remaining obligations are.
            #expect(receipt.body.string.contains("href=\"/portal\" id=\"back-to-portal\">Kembali ke portal"))
            #expect(receipt.headers[.setCookie].contains { $0.hasPrefix("\(Flash.cookie)=;") && $0.contains("Max-Age=0") })
            // A forged form (no CSRF token) writes nothing.
            #expect(try await b.post("/portal/reports", form: ["clientId": "w2", "foreignerId": f.id!.uuidString, "type": "departure", "eventOn": "2026-11-29"], csrf: false).status == .forbidden)
            #expect(try await SponsorReport.query(on: app.db).count() == 1)
            // The officer reviews it on the web.
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            #expect(try await o.get("/sponsor-reports").body.string.contains(r.receiptNumber))
            // Returning needs a reason: the form says so beside the field, in Indonesian, and nothing changes.
            let noReason = try await o.post("/sponsor-reports/\(r.id!.uuidString)/review", form: ["decision": "return"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains("<p class=\"field-error\" id=\"reason-error\">Alasan: tulis alasan agar penjamin tahu"))
            #expect(try await SponsorReport.find(r.id, on: app.db)?.status == "submitted")
            #expect(try await o.post("/sponsor-reports/\(r.id!.uuidString)/review", form: ["decision": "accept"]).status == .seeOther)
            #expect(try await SponsorReport.find(r.id, on: app.db)?.status == "accepted")
            let reviewed = try await o.get(receiptPath).body.string
            #expect(reviewed.contains("Laporan diterima; penjamin diberi tahu.") && !reviewed.contains("id=\"review-form\""))
            // Agency members and admins have no portal.
            let a = Browser(app)
            try await a.login("agency@demo.sinergi.id")
            #expect(try await a.get("/portal").status == .forbidden)
            #expect(try await a.get(receiptPath).status == .forbidden)
        }
    }

    @Test func sponsorChoosesWhereAndInWhichLanguageWarningsGo() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            _ = try await b.get("/portal")
            let bad = try await b.post("/portal/contact", form: ["email": "hrd@@pt", "language": "en"])
            #expect(bad.status == .unprocessableEntity)
            // Beside the field, in Indonesian, with what was typed and chosen kept.
            #expect(bad.body.string.contains("<p class=\"field-error\" id=\"email-error\">Email bukan alamat email yang benar.</p>"))
            #expect(bad.body.string.contains("value=\"hrd@@pt\"") && bad.body.string.contains("<option value=\"en\" selected>"))
            let saved = try await b.post("/portal/contact", form: ["email": "hrd@pt-abc.co.id", "language": "en"])
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == "/portal#contact")
            #expect(try await b.get("/portal").body.string.contains("Alamat dan bahasa peringatan email disimpan."))
            let u = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
            let s = try #require(try await Sponsor.find(u.$sponsor.id, on: app.db))
            #expect(s.email == "hrd@pt-abc.co.id" && s.language == "en")
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            #expect(try await post(app, token, "/api/v1/portal/contact", ["language": "fr"]).status == .unprocessableEntity)
            #expect(try await post(app, token, "/api/v1/portal/contact", ["email": "", "language": "id"]).status == .ok)
            #expect(try await Sponsor.find(u.$sponsor.id, on: app.db)?.email == nil)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "sponsor.contact").count() == 2)
            // Both changes of the address are in the sponsor's history, by the sponsor through the portal.
            struct H: Decodable { var field: String; var old_value: String?; var new_value: String?; var source: String }
            let history = try await (app.db as! any SQLDatabase).raw("SELECT field, old_value, new_value, source FROM registry_history WHERE object_id = \(bind: s.id!) ORDER BY recorded_at, new_value IS NULL").all(decoding: H.self)
            #expect(history.map(\.field) == ["email", "email"] && history.allSatisfy { $0.source == "sponsor" })
            #expect(history[0].new_value == "hrd@pt-abc.co.id" && history[1].old_value == "hrd@pt-abc.co.id" && history[1].new_value == nil)
        }
    }

    @Test func eachTypeUsesItsRuleFromDataAndDaysAreJakartaDays() async throws {
        try await withTestApp { app in
            // Office policy changed: departures within 3 working days.
            try await RuleRecord(RuleVersion(kind: .deadline, key: "departure", value: "3", unit: "working-days", validFrom: CalendarDay("2026-06-01")!,
                                             basis: "Office policy"), at: Date(), by: nil).create(on: app.db)
            // 17:30 UTC on 30 November is 00:30 on 1 December in Jakarta.
            app.clock = AppClock(now: { Date(timeIntervalSince1970: 1_796_059_800) })
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let f = try await sponsorForeigner(app).id!.uuidString
            // Tuesday 1 Dec (today in Jakarta, not in the future): three working days → Friday 4 Dec.
            let dep = try await post(app, token, "/api/v1/sponsor-reports", ["clientId": "d", "foreignerId": f, "type": "departure", "eventOn": "2026-12-01"])
            #expect(dep.status == .created)
            #expect(try dep.content.decode(Report.self).dueOn == "2026-12-04")
            // Other types keep the shipped 14 calendar days.
            let civil = try await post(app, token, "/api/v1/sponsor-reports", ["clientId": "c", "foreignerId": f, "type": "civilStatusChange", "eventOn": "2026-12-01", "civilStatus": "birth"])
            #expect(try civil.content.decode(Report.self).dueOn == "2026-12-15")
            #expect(try await post(app, token, "/api/v1/sponsor-reports", ["clientId": "e", "foreignerId": f, "type": "departure", "eventOn": "2026-12-02"]).status == .unprocessableEntity)
        }
    }

    /// The regions above a village, as the picker submits them: `kelurahanCode_province`, `_regency`, `_district`, and the village itself.
    func pickerFields(_ village: String) -> [String: String] {
        let p = village.split(separator: ".").map(String.init)
        return ["kelurahanCode_province": p[0], "kelurahanCode_regency": p[0...1].joined(separator: "."),
                "kelurahanCode_district": p[0...2].joined(separator: "."), "kelurahanCode": village]
    }

    @Test func anInvalidReportKeepsItsInputAndSaysWhatIsWrongBesideTheField() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            let f = try await sponsorForeigner(app).id!.uuidString
            _ = try await b.get("/portal/reports/new?foreigner=\(f)&type=departure")
            let bad = try await b.post("/portal/reports", form: ["clientId": "k1", "foreignerId": f, "type": "departure", "eventOn": "2027-01-01",
                                                                 "destination": "Seoul via Incheon", "note": "Tiket terlampir"])
            let html = bad.body.string
            #expect(bad.status == .unprocessableEntity)
            #expect(html.contains("<p class=\"field-error\" id=\"eventOn-error\">Tanggal kejadian tidak boleh di masa depan.</p>"))
            #expect(html.contains("value=\"2027-01-01\"") && html.contains("value=\"Seoul via Incheon\"") && html.contains(">Tiket terlampir</textarea>"))
            #expect(html.contains("<option value=\"\(f)\" selected>") && html.contains("<option value=\"departure\" selected>"))
            #expect(html.contains("name=\"clientId\" value=\"k1\""))
            #expect(try await SponsorReport.query(on: app.db).count() == 0)
            // Nothing chosen: beside the field too, not a refusal.
            let none = try await b.post("/portal/reports", form: ["clientId": "k2", "foreignerId": "", "type": "", "eventOn": "2026-11-20"])
            #expect(none.status == .unprocessableEntity && none.body.string.contains("id=\"foreignerId-error\">Orang asing wajib diisi."))
        }
    }

    @Test func anAddressChangeIsFiledByPickingTheVillageByName() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            let f = try await sponsorForeigner(app).id!.uuidString
            // A village anywhere in Indonesia, here in another province than the office's.
            let office = try #require(try await Foreigner.find(UUID(uuidString: f), on: app.db)?.regencyCode?.prefix(2))
            let village = try #require(try await Region.query(on: app.db).filter(\.$level == "village").sort(\.$id, .descending).all()
                .first { !$0.id!.hasPrefix(office + ".") })
            let code = village.id!
            let form = try await b.get("/portal/reports/new?foreigner=\(f)&type=addressChange")
            #expect(form.body.string.contains("id=\"kelurahanCode-picker\"") && !form.body.string.contains("placeholder=\"35.78.01.1001\""))
            // Without JavaScript the picker sends the form back to fill the next list; everything typed stays.
            let base = ["clientId": "a1", "foreignerId": f, "type": "addressChange", "eventOn": "2026-11-25", "address": "Jl. Merdeka 5"]
            let next = try await b.post("/portal/reports", form: base.merging(["_picker": "kelurahanCode", "kelurahanCode_province": String(code.prefix(2))]) { $1 })
            #expect(next.status == .ok && next.body.string.contains("value=\"Jl. Merdeka 5\""))
            #expect(try await SponsorReport.query(on: app.db).count() == 0)
            #expect(next.body.string.contains("<option value=\"\(code.prefix(2))\" selected>"))
            // Only the province chosen: the picker says to choose the village, in Indonesian, and keeps the province.
            let half = try await b.post("/portal/reports", form: base.merging(["kelurahanCode_province": String(code.prefix(2))]) { $1 })
            #expect(half.status == .unprocessableEntity)
            #expect(half.body.string.contains("id=\"kelurahanCode-error\">Kelurahan/desa: pilih kelurahan/desa dari daftar."))
            #expect(half.body.string.contains("<option value=\"\(code.prefix(2))\" selected>") && half.body.string.contains("value=\"Jl. Merdeka 5\""))
            // A wrong day and a missing village are named together, each beside its field.
            let two = try await b.post("/portal/reports", form: base.merging(["eventOn": "2026-02-31", "address": ""]) { $1 })
            #expect(two.status == .unprocessableEntity)
            #expect(two.body.string.contains("id=\"eventOn-error\"") && two.body.string.contains("id=\"address-error\""))
            // All four levels: filed, with the village's name on the receipt and its code only as the name's title.
            let ok = try await b.post("/portal/reports", form: base.merging(pickerFields(code)) { $1 })
            #expect(ok.status == .seeOther)
            let r = try #require(try await SponsorReport.query(on: app.db).first())
            #expect(r.details.contains("\"kelurahanCode\":\"\(code)\"") && r.reportType == "addressChange")
            let receipt = try await b.get(try #require(ok.headers.first(name: .location))).body.string
            #expect(receipt.contains(HTML.escape(village.name)) && receipt.contains("<span class=\"place\" title=\"\(code)\">\(HTML.escape(village.name))"))
            #expect(!PageCrawlTests.visibleText(receipt).contains(code))
        }
    }
}
