@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct InspectionTests {
    struct I: Decodable {
        struct F: Decodable { var foreignerId: UUID; var finding: String; var publicNote: String?; var internalNote: String? }
        var id: UUID; var status: String; var findings: [F]; var outcome: String?; var requiredAction: String?; var internalNotes: String?; var escortName: String?
    }

    func send(_ app: Application, _ m: HTTPMethod, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
        var h = bearer(token)
        if json != nil { h.contentType = .json }
        return try await app.testing().sendRequest(m, path, headers: h, body: json.map { ByteBuffer(string: $0) })
    }

    @Test func theSponsorSeesTheOutcomeNeverTheInternalNotes() async throws {
        try await withTestApp { app in
            let sponsorUser = try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first()!
            let company = try await Sponsor.find(sponsorUser.$sponsor.id, on: app.db)!
            let worker = try await Foreigner.query(on: app.db).filter(\.$sponsorID == company.id!).first()!
            let off = try await apiToken(app, "officer@demo.sinergi.id")
            let created = try await send(app, .POST, "/api/v1/inspections", off,
                #"{"orderId": "\#(TestOrders.sby)", "sponsorId": "\#(company.id!)", "date": "2026-11-30", "announced": false, "entryProcedure": "Surat tugas ditunjukkan di pos satpam", "escortName": "Ibu Sari", "escortPosition": "HRD", "officers": "Tim Inteldakim", "internalNotes": "Informasi awal dari Disnaker"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let i = try decode(I.self, created)
            #expect(try await send(app, .POST, "/api/v1/inspections/\(i.id)/findings", off,
                #"{"foreignerId": "\#(worker.id!)", "finding": "workOutsidePermit", "publicNote": "Bekerja di bagian produksi", "internalNote": "Diduga dipindah tanpa RPTKA"}"#).status == .created)
            // Not visible to the sponsor until completed.
            let sponsor = try await apiToken(app, "sponsor@demo.sinergi.id")
            #expect(try await send(app, .GET, "/api/v1/inspections/\(i.id)", sponsor).status == .notFound)
            #expect(try await send(app, .POST, "/api/v1/inspections/\(i.id)/complete", off, #"{"outcome": "Satu TKA bekerja di luar jabatan", "requiredAction": "Sesuaikan jabatan atau ajukan perubahan izin"}"#).body.string.contains("actionDue"))
            #expect(try await send(app, .POST, "/api/v1/inspections/\(i.id)/complete", off, #"{"outcome": "Satu TKA bekerja di luar jabatan", "requiredAction": "Sesuaikan jabatan atau ajukan perubahan izin", "actionDue": "2026-12-14"}"#).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/inspections/\(i.id)/findings", off, #"{"foreignerId": "\#(worker.id!)", "finding": "compliant"}"#).status == .conflict)
            let seen = try await send(app, .GET, "/api/v1/inspections/\(i.id)", sponsor)
            #expect(seen.status == .ok)
            let view = try decode(I.self, seen)
            #expect(view.outcome == "Satu TKA bekerja di luar jabatan" && view.requiredAction != nil && view.findings.first?.publicNote == "Bekerja di bagian produksi")
            #expect(view.internalNotes == nil && view.findings.first?.internalNote == nil)
            #expect(!seen.body.string.contains("Disnaker") && !seen.body.string.contains("RPTKA") && !seen.body.string.contains("Tim Inteldakim"))
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            let page = try await b.get("/inspections/\(i.id)")
            #expect(page.status == .ok && page.body.string.contains("Sesuaikan jabatan") && !page.body.string.contains("RPTKA") && !page.body.string.contains("Disnaker"))
            // The officer sees everything; other sponsors, other offices and agencies see nothing.
            #expect(try decode(I.self, try await send(app, .GET, "/api/v1/inspections/\(i.id)", off)).internalNotes == "Informasi awal dari Disnaker")
            #expect(try await send(app, .GET, "/api/v1/inspections/\(i.id)", try await apiToken(app, "officer.jaksel@demo.sinergi.id")).status == .notFound)
            #expect(try await send(app, .GET, "/api/v1/inspections", try await apiToken(app, "agency@demo.sinergi.id")).status == .forbidden)
            #expect(try await send(app, .POST, "/api/v1/inspections", sponsor, #"{"sponsorId": "\#(company.id!)", "date": "2026-11-30"}"#).status == .forbidden)
        }
    }

    @Test func webPlanFindingByPassportAndComplete() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let worker = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$sponsorID != nil).filter(\.$passportNumber != nil).first()!
            let res = try await b.post("/inspections", form: ["orderId": TestOrders.sby, "sponsorId": worker.sponsorID!.uuidString, "date": "2026-11-30", "announced": "true", "escortName": "Pak Budi", "entryProcedure": "Lapor ke resepsionis"])
            #expect(res.status == .seeOther)
            let page = res.headers.first(name: .location)!
            #expect(try await b.post(page + "/findings", form: ["passport": worker.passportNumber!, "finding": "compliant", "publicNote": "Dokumen lengkap"]).status == .seeOther)
            #expect(try await b.post(page + "/complete", form: ["outcome": "Semua TKA patuh"]).status == .seeOther)
            let done = try await b.get(page)
            #expect(done.body.string.contains("Semua TKA patuh") && done.body.string.contains(worker.fullName) && !done.body.string.contains("finding-form"))
            #expect(done.body.string.contains("Pemeriksaan selesai; perusahaan dapat melihat hasilnya.") && done.body.string.contains("data-print>Cetak laporan pemeriksaan</button>"))
            // No company chosen: the reason beside the company, in Indonesian, and the rest as typed.
            let bad = try await b.post("/inspections", form: ["orderId": TestOrders.sby, "date": "2026-11-30", "escortName": "Pak Budi"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"sponsorId-error\">Penjamin: harus perusahaan penjamin di wilayah kerja Anda.</p>") && bad.body.string.contains("value=\"Pak Budi\""))
            // A finding for an unknown passport keeps the notes typed.
            let again = try await b.post("/inspections", form: ["orderId": TestOrders.sby, "sponsorId": worker.sponsorID!.uuidString, "date": "2026-11-30"])
            let second = again.headers.first(name: .location)!
            let unknown = try await b.post(second + "/findings", form: ["passport": "ZZ0000000", "finding": "overstay", "publicNote": "Tidak ada di tempat"])
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("id=\"passport-error\">") && unknown.body.string.contains("value=\"Tidak ada di tempat\""))
        }
    }
}
