@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Wrong input found by walking every form in a browser: each comes back on its own page with the message
/// beside its field in Indonesian and what was typed still there — never a bare error page or a false success.
@Suite struct FormFailureTests {
    @Test func filtersWithAnImpossibleDateKeepTheirPage() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let month = try await b.get("/daily-reports/summary?month=2026-13")
            #expect(month.status == .unprocessableEntity)
            #expect(month.body.string.contains("id=\"month-error\">Bulan: tulis bulan") && month.body.string.contains("value=\"2026-13\""))
            let day = try await b.get("/warnings?day=2026-02-30")
            #expect(day.status == .unprocessableEntity)
            #expect(day.body.string.contains("id=\"day-error\">Tanggal: tulis tanggal yang ada") && day.body.string.contains("value=\"2026-02-30\""))
            #expect(day.body.string.contains("id=\"run-scan\""))   // the rest of the page is still there
            let range = try await b.get("/daily-reports?from=2026-12-10&to=2026-12-01")
            #expect(range.status == .unprocessableEntity && range.body.string.contains("Sampai tidak boleh sebelum 10 Des 2026"))
            #expect(try await b.get("/daily-reports?from=2026-02-30").body.string.contains("Dari: tulis tanggal yang ada"))
        }
    }

    @Test func aFailedTriageStaysInItsRowWithWhatWasTyped() async throws {
        try await withTestApp { app in
            var h = HTTPHeaders(); h.contentType = .json
            let filed = try await app.testing().sendRequest(.POST, "/api/v1/public-reports", headers: h, body: ByteBuffer(string:
                #"{"description": "Orang asing bekerja di gudang tanpa izin", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T20:00:00+07:00"}"#))
            struct C: Decodable { var trackingCode: String }
            let code = try decode(C.self, filed).trackingCode
            let report = try #require(try await PublicReport.query(on: app.db).filter(\.$trackingCode == code).first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            _ = try await b.get("/public-reports")
            let res = try await b.post("/public-reports/\(report.id!.uuidString)/triage", form: ["action": "link", "passport": "ZZ9999999"])
            #expect(res.status == .unprocessableEntity)
            let page = res.body.string
            #expect(page.contains("id=\"passport-\(code)-error\">Nomor paspor: tidak ada orang asing dengan paspor ini"))
            #expect(page.contains("id=\"passport-\(code)\" name=\"passport\"") && page.contains("value=\"ZZ9999999\""))
        }
    }

    @Test func aReusedPaymentReferenceAndAnEmptyFindingPassportAreNamed() async throws {
        try await withTestApp { app in
            // An inspection's finding without a passport: "required", not "no such passport".
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let sponsor = try #require(try await Sponsor.query(on: app.db).filter(\.$kind == "company").filter(\.$regencyCode == "35.16").first())
            _ = try await b.get("/inspections")
            let created = try await b.post("/inspections", form: ["orderId": TestOrders.sby, "sponsorId": sponsor.id!.uuidString, "date": "2026-11-30", "announced": "true", "entryProcedure": "Lapor satpam", "escortName": "Budi"])
            #expect(created.status == .seeOther)
            let inspection = try #require(try await Inspection.query(on: app.db).first())
            let finding = try await b.post("/inspections/\(inspection.id!.uuidString)/findings", form: ["passport": "", "finding": "compliant"])
            #expect(finding.status == .unprocessableEntity && finding.body.string.contains("Nomor paspor wajib diisi."))
        }
    }
}
