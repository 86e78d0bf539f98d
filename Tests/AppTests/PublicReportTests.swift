@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct PublicReportTests {
    func post(_ app: Application, _ json: String) async throws -> TestingHTTPResponse {
        var h = HTTPHeaders()
        h.contentType = .json
        return try await app.testing().sendRequest(.POST, "/api/v1/public-reports", headers: h, body: ByteBuffer(string: json))
    }

    func body(_ description: String, village: String = "35.16.05.2010", seen: String = "2026-11-29T21:15:00+07:00", extra: String = "") -> String {
        #"{"description": "\#(description)", "kelurahanCode": "\#(village)", "seenAt": "\#(seen)"\#(extra)}"#
    }

    struct Code: Decodable { var trackingCode: String }

    @Test func aReportGetsATrackingCodeAndItsStatusOnly() async throws {
        try await withTestApp { app in
            let res = try await post(app, body("Dua orang asing bekerja di gudang tanpa seragam perusahaan", extra: #", "latitude": -7.55, "longitude": 112.6, "contact": "0812 0000 1111""#))
            #expect(res.status == .created)
            let code = try JSONDecoder().decode(Code.self, from: Data(res.body.readableBytesView)).trackingCode
            #expect(code.hasPrefix("LPR-") && code.count == 18)
            let status = try await app.testing().sendRequest(.GET, "/api/v1/public-reports/\(code)")
            #expect(status.status == .ok)
            #expect(status.body.string == #"{"status":"received"}"#)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/public-reports/LPR-XXXX-XXXX-XXXX").status == .notFound)
            let stored = try #require(try await PublicReport.query(on: app.db).first())
            #expect(stored.regencyCode == "35.16" && stored.seenAt == "2026-11-29T14:15:00Z" && stored.contact == "0812 0000 1111")
            // A contact is a phone number or an e-mail address; anything else is named.
            for good in ["0812 0000 1111", "+62 812-0000-1111", "(031) 555 1234", "WA 0812 3456 7890", "warga@contoh.id"] { #expect(PublicReportsController.isContact(good), "\(good)") }
            for bad in ["bukan-kontak ###", "1234", "warga@", "rumah pak RT"] { #expect(!PublicReportsController.isContact(bad), "\(bad)") }
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "public_report.create").count() == 1)
        }
    }

    @Test(arguments: [
        (#"{"description": "short", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T21:15:00+07:00"}"#, "description"),
        (#"{"description": "Orang asing mencurigakan di pasar", "kelurahanCode": "35.16.05", "seenAt": "2026-11-29T21:15:00+07:00"}"#, "kelurahanCode"),
        (#"{"description": "Orang asing mencurigakan di pasar", "kelurahanCode": "35.16.05.2010", "seenAt": "kemarin"}"#, "seenAt"),
        (#"{"description": "Orang asing mencurigakan di pasar", "kelurahanCode": "35.16.05.2010", "seenAt": "2027-06-01T10:00:00Z"}"#, "seenAt"),
        (#"{"description": "Orang asing mencurigakan di pasar", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T21:15:00+07:00", "latitude": 51.5, "longitude": 0.1}"#, "latitude"),
        ("not json", "body"),
    ])
    func badInputIsNamedAndNothingIsStored(json: String, field: String) async throws {
        try await withTestApp { app in
            let res = try await post(app, json)
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains(field))
            #expect(try await PublicReport.query(on: app.db).count() == 0)
        }
    }

    @Test func honeypotDuplicatesAndFloods() async throws {
        try await withTestApp { app in
            let bot = try await post(app, body("Iklan obat murah sekali klik di sini", extra: #", "website": "http://spam.example""#))
            #expect(bot.status == .created)
            #expect(try await PublicReport.query(on: app.db).count() == 0)

            let first = try await post(app, body("Pekerja asing di pabrik plastik malam hari"))
            let again = try await post(app, body("pekerja asing di pabrik plastik, malam hari!"))
            #expect(first.status == .created && again.status == .ok)
            let a = try JSONDecoder().decode(Code.self, from: Data(first.body.readableBytesView)).trackingCode
            let b = try JSONDecoder().decode(Code.self, from: Data(again.body.readableBytesView)).trackingCode
            #expect(a == b)

            var statuses: [UInt] = []
            for k in 0..<8 { statuses.append(try await post(app, body("Laporan nomor \(k) tentang orang asing di kawasan")).status.code) }
            #expect(statuses.prefix(4).allSatisfy { $0 == 201 })
            #expect(statuses.suffix(4).allSatisfy { $0 == 429 })
            #expect(try await PublicReport.query(on: app.db).count() == PublicReportsController.perHour)
        }
    }

    /// A report from a region no office serves yet: the citizen is told so, not that the local office has it; its status
    /// says it waits for an office; the administrator sees how many, by regency, and no report; once an office covers the
    /// regency its officers see it and the status is the usual one.
    @Test func aReportFromARegionNoOfficeServesIsSaidSoAndCountedForTheAdministrator() async throws {
        try await withTestApp { app in
            let (regency, village) = try await ReferenceAdminTests.freeRegency(app)
            let citizen = Browser(app)
            _ = try await citizen.get("/lapor")
            let sent = try await citizen.post("/lapor", form: ["description": "Orang asing bekerja di kebun tanpa izin", "kelurahanCode": village, "seenAt": "2026-11-29T08:30"])
            #expect(sent.status == .created && sent.body.string.contains("id=\"report-uncovered\""))
            let code = try #require(sent.body.string.firstMatch(of: /LPR-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/)).output
            #expect(try await citizen.get("/lapor/status?code=\(code)").body.string.contains(L10n.t("report.status.unassigned", .id)))
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            let home = try await admin.get("/").body.string
            let card = try #require(home.components(separatedBy: "id=\"uncovered-reports\"").last)
            #expect(card.contains("title=\"\(regency)\"") && card.contains("\">1</td>") && !home.contains("bekerja di kebun"))
            // The administrators are told, in a notice that names the region and nothing of the report.
            let adminID = try #require(try await User.query(on: app.db).filter(\.$email == "admin@demo.sinergi.id").first()?.id)
            let notice = try #require(try await AppNotification.query(on: app.db).filter(\.$userID == adminID).filter(\.$kind == "uncoveredReport").first())
            let regionName = try #require(try await Region.find(regency, on: app.db)?.name)
            #expect(notice.title.contains(regionName) && !notice.title.contains("kebun") && notice.link == "/#uncovered-reports")
            // An office takes the regency: its officers see the report, the status reads as usual, the card is gone.
            let office = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
            try await OfficeJurisdiction(officeID: office.id!, regencyCode: regency).create(on: app.db)
            #expect(try await citizen.get("/lapor/status?code=\(code)").body.string.contains(L10n.t("report.status.received", .id)))
            #expect(!(try await admin.get("/").body.string.contains("id=\"uncovered-reports\"")))
            // A report from a covered village says nothing of the kind.
            let covered = try await citizen.post("/lapor", form: ["description": "Orang asing memotret area pelabuhan", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T09:30"])
            #expect(covered.status == .created && !covered.body.string.contains("report-uncovered"))
        }
    }

    @Test func publicFormAndOfficerList() async throws {
        try await withTestApp { app in
            let citizen = Browser(app)
            #expect(try await citizen.get("/lapor").status == .ok)
            let sent = try await citizen.post("/lapor", form: ["description": "Orang asing memotret area pelabuhan berulang kali", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-30T08:30",
                                                              "contact": "0812 3456 7890"])
            #expect(sent.status == .created)
            let code = try #require(sent.body.string.firstMatch(of: /LPR-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/)).output
            #expect(try await citizen.get("/lapor/status?code=\(code)").body.string.contains(L10n.t("report.status.received", .id)))
            // As a citizen may type it: small letters, without hyphens or the prefix, with spaces.
            let bare = String(code.dropFirst(4)).replacingOccurrences(of: "-", with: "")
            for typed in [bare.lowercased(), "LPR" + bare, String(code).replacingOccurrences(of: "-", with: " ").lowercased(), String(code.dropFirst(4))] {
                let page = try await citizen.get("/lapor/status?code=\(typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").body.string
                #expect(page.contains(L10n.t("report.status.received", .id)), "\(typed)")
            }
            #expect(try await citizen.get("/lapor/status?code=\(bare.dropLast())").body.string.contains(L10n.t("report.unknownCode", .id)))
            // The sign-in page, where a citizen who only knows the address lands, leads to the form and the status.
            let signIn = try await citizen.get("/login").body.string
            #expect(signIn.contains("href=\"/lapor\" id=\"report-link\"") && signIn.contains("href=\"/lapor/status\" id=\"status-link\""))
            let forged = try await citizen.post("/lapor", form: ["description": "x"], csrf: false)
            #expect(forged.status == .forbidden)

            let officer = Browser(app)
            try await officer.login("officer@demo.sinergi.id")
            let list = try await officer.get("/public-reports")
            #expect(list.status == .ok && list.body.string.contains(String(code)))
            // The contact the citizen left reaches the staff who may ask more.
            #expect(list.body.string.contains("Kontak pelapor:</span> 0812 3456 7890"))
            let other = Browser(app)
            try await other.login("officer.jaksel@demo.sinergi.id")
            #expect(!(try await other.get("/public-reports")).body.string.contains(String(code)))
            let agency = Browser(app)
            try await agency.login("agency@demo.sinergi.id")
            #expect(try await agency.get("/public-reports").status == .forbidden)
        }
    }
}

@Suite struct PublicReportTriageTests {
    @Test func officersLinkAndCloseAndTheReporterSeesOnlyTheStatus() async throws {
        try await withTestApp { app in
            var h = HTTPHeaders(); h.contentType = .json
            let filed = try await app.testing().sendRequest(.POST, "/api/v1/public-reports", headers: h, body: ByteBuffer(string:
                #"{"description": "Orang asing menginap di rumah kos tanpa lapor RT", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T20:00:00+07:00", "contact": "warga@contoh.id"}"#))
            struct C: Decodable { var trackingCode: String }
            let code = try decode(C.self, filed).trackingCode
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).first()!
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            func triage(_ token: String, _ json: String) async throws -> TestingHTTPResponse {
                var h = bearer(token); h.contentType = .json
                return try await app.testing().sendRequest(.POST, "/api/v1/public-reports/\(code)/triage", headers: h, body: ByteBuffer(string: json))
            }
            let linked = try await triage(officer, #"{"action": "link", "passport": "\#(f.passportNumber!)"}"#)
            #expect(linked.status == .ok && linked.body.string.contains(f.id!.uuidString) && linked.body.string.contains("inReview"))
            #expect(try await triage(officer, #"{"action": "close"}"#).status == .unprocessableEntity)
            #expect(try await triage(officer, #"{"action": "close", "outcome": "Diperiksa: ITAS berlaku, alamat sudah dilaporkan"}"#).status == .ok)
            #expect(try await triage(officer, #"{"action": "close", "outcome": "again"}"#).status == .conflict)
            let status = try await app.testing().sendRequest(.GET, "/api/v1/public-reports/\(code)")
            #expect(status.body.string == #"{"status":"closed"}"#)
            // Another office: as if it did not exist; agency members and sponsors: refused.
            #expect(try await triage(try await apiToken(app, "officer.jaksel@demo.sinergi.id"), #"{"action": "reopen"}"#).status == .notFound)
            for email in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id"] {
                #expect(try await triage(try await apiToken(app, email), #"{"action": "reopen"}"#).status == .forbidden)
            }
            #expect(try await triage(officer, #"{"action": "reopen"}"#).status == .ok)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "public_report.close").count() == 1)
            // The reporter, who left an e-mail address, heard of each change of status (in review, closed, reopened
            // into review): the code and the status, not the report's text or the officers' outcome.
            let mails = try await OutboxMessage.query(on: app.db).filter(\.$recipient == "warga@contoh.id").all()
            #expect(mails.count == 3)
            #expect(mails.allSatisfy { $0.body.contains(code) && !$0.body.contains("rumah kos") && !$0.body.contains("ITAS berlaku") })
            #expect(mails.contains { $0.body.contains("Ditutup") || $0.body.contains(L10n.t("report.status.closed", .id)) })
            // The web list offers the actions.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/public-reports")
            #expect(page.body.string.contains("pr-\(code)") && page.body.string.contains("name=\"outcome\""))
        }
    }
}

@Suite struct PublicReportPhotoTests {
    @Test func anOptionalPhotoIsStrippedAndOnlyOfficersOfTheRegionSeeIt() async throws {
        try await withTestApp { app in
            var h = HTTPHeaders(); h.contentType = .json
            let photo = Data(TestImages.jpegWithGPS).base64EncodedString()
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/public-reports", headers: h, body: ByteBuffer(string:
                #"{"description": "Orang asing bekerja di kebun tanpa izin", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T08:00:00+07:00", "photo": "\#(Data("GIF89a....".utf8).base64EncodedString())"}"#))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("photo"))
            #expect(try await PublicReport.query(on: app.db).count() == 0)
            let ok = try await app.testing().sendRequest(.POST, "/api/v1/public-reports", headers: h, body: ByteBuffer(string:
                #"{"description": "Orang asing bekerja di kebun tanpa izin", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T08:00:00+07:00", "photo": "\#(photo)"}"#))
            #expect(ok.status == .created)
            let stored = try await PublicReportPhoto.query(on: app.db).all()
            #expect(stored.count == 1 && !String(decoding: stored[0].bytes, as: UTF8.self).contains("GPSLatitude"))
            let report = try await PublicReport.query(on: app.db).first()!
            let officer = Browser(app)
            try await officer.login("officer@demo.sinergi.id")
            #expect(try await officer.get("/public-reports/\(report.id!)/photo").status == .ok)
            #expect(try await officer.get("/public-reports").body.string.contains("/public-reports/\(report.id!)/photo"))
            let other = Browser(app)
            try await other.login("officer.jaksel@demo.sinergi.id")
            #expect(try await other.get("/public-reports/\(report.id!)/photo").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/public-reports/\(report.id!)/photo").status != .ok)
        }
    }
}
