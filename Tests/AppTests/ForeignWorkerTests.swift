@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct ForeignWorkerTests {
    struct Overview: Decodable {
        struct W: Decodable { var foreignerId: UUID; var positionId: UUID?; var unpaidMonths: [String] }
        struct P: Decodable { var id: UUID; var title: String; var quota: Int; var assigned: Int }
        struct U: Decodable { var reference: String; var expectedUsd: Int }
        var workers: [W]; var positions: [P]; var withoutPosition: [UUID]; var withoutUnderstudy: [UUID]; var quotaExceeded: [P]; var unpaid: [W]; var underpaid: [U]
    }
    struct Created: Decodable { struct P: Decodable { var id: UUID }; var id: UUID; var positions: [P] }

    func send(_ app: Application, _ method: HTTPMethod = .POST, _ path: String, _ token: String, _ body: (any Encodable & Sendable)? = nil) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(method, path, headers: bearer(token)) { req in
            if let body { try req.content.encode(AnyEncodable(body), as: .json) }
        }
    }
    struct AnyEncodable: Encodable { let v: any Encodable; init(_ v: any Encodable) { self.v = v }; func encode(to e: any Encoder) throws { try v.encode(to: e) } }

    @Test func positionsQuotasUnderstudiesAndPaymentsGiveTheMismatchList() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let overview = { try await send(app, .GET, "/api/v1/portal/foreign-workers", token).content.decode(Overview.self) }
            let before = try await overview()
            #expect(before.workers.count >= 2)
            #expect(Set(before.withoutPosition) == Set(before.workers.map(\.foreignerId)))
            #expect(before.unpaid.count == before.workers.count)
            let w1 = before.workers[0], w2 = before.workers[1]

            #expect(try await send(app, .POST, "/api/v1/rptka", token, ["number": "B.3/123/PK.04.01/2026", "validFrom": "2026-12-01", "validTo": "2026-01-01", "positions": "x"]).status == .unprocessableEntity)
            struct R: Encodable, Sendable { var number: String; var validFrom: String; var validTo: String; var positions: [[String: String]] }
            let bad = try await send(app, .POST, "/api/v1/rptka", token, R(number: "B.3/1", validFrom: "2026-01-01", validTo: "2027-12-31", positions: []))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("positions"))
            struct R2: Encodable, Sendable { struct P: Encodable, Sendable { var title: String; var quota: Int }; var number: String; var validFrom: String; var validTo: String; var positions: [P] }
            let created = try await send(app, .POST, "/api/v1/rptka", token, R2(number: "B.3/123/PK.04.01/2026", validFrom: "2026-01-01", validTo: "2027-12-31", positions: [.init(title: "Process Engineer", quota: 1)]))
            #expect(created.status == .created)
            let position = try created.content.decode(Created.self).positions[0].id
            #expect(try await send(app, .POST, "/api/v1/rptka", token, R2(number: "B.3/123/PK.04.01/2026", validFrom: "2026-01-01", validTo: "2027-12-31", positions: [.init(title: "X", quota: 1)])).status == .conflict)

            #expect(try await send(app, .POST, "/api/v1/tka-assignments", token, ["foreignerId": w1.foreignerId.uuidString, "positionId": position.uuidString, "understudyName": "Budi Santoso", "understudyPosition": "Staf Teknik"]).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/tka-assignments", token, ["foreignerId": w2.foreignerId.uuidString, "positionId": position.uuidString]).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/tka-assignments", token, ["foreignerId": w2.foreignerId.uuidString, "positionId": UUID().uuidString]).status == .unprocessableEntity)

            // Pay all of w1's open months at the full rate; one month of w2 at half.
            struct Pay: Encodable, Sendable { var foreignerId: UUID; var fromMonth: String; var months: Int; var amountUsd: Int; var paidOn: String; var reference: String }
            let months = w1.unpaidMonths
            let pay = Pay(foreignerId: w1.foreignerId, fromMonth: months.first!, months: months.count, amountUsd: 100 * months.count, paidOn: "2026-11-02", reference: "NTPN-0001")
            #expect(try await send(app, .POST, "/api/v1/dkptka-payments", token, pay).status == .created)
            #expect(try await send(app, .POST, "/api/v1/dkptka-payments", token, pay).status == .ok)
            // The same reference with other content is not a retry: refused, naming the reference, nothing written.
            var changed = pay; changed.amountUsd = pay.amountUsd + 1
            let refused = try await send(app, .POST, "/api/v1/dkptka-payments", token, changed)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains(#""field":"reference""#))
            #expect(try await DKPTKAPayment.query(on: app.db).count() == 1)
            #expect(try await send(app, .POST, "/api/v1/dkptka-payments", token, Pay(foreignerId: w2.foreignerId, fromMonth: "2026-11", months: 1, amountUsd: 50, paidOn: "2026-11-02", reference: "NTPN-0002")).status == .created)
            #expect(try await send(app, .POST, "/api/v1/dkptka-payments", token, Pay(foreignerId: w2.foreignerId, fromMonth: "2026-13", months: 1, amountUsd: 50, paidOn: "2026-11-02", reference: "NTPN-0003")).status == .unprocessableEntity)
            #expect(try await DKPTKAPayment.query(on: app.db).count() == 2)

            let after = try await overview()
            #expect(!after.withoutPosition.contains(w1.foreignerId) && !after.withoutPosition.contains(w2.foreignerId))
            #expect(after.withoutUnderstudy == [w2.foreignerId])
            #expect(after.quotaExceeded.map(\.id) == [position] && after.quotaExceeded[0].assigned == 2)
            #expect(!after.unpaid.contains { $0.foreignerId == w1.foreignerId })
            #expect(after.unpaid.first { $0.foreignerId == w2.foreignerId }?.unpaidMonths.contains("2026-11") == false)
            #expect(after.underpaid.map(\.reference) == ["NTPN-0002"] && after.underpaid[0].expectedUsd == 100)

            // Officers of the jurisdiction see the same; another office does not; other sponsors' workers are refused.
            let sponsorID = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first()?.$sponsor.id)
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let seen = try await send(app, .GET, "/api/v1/sponsors/\(sponsorID.uuidString)/foreign-workers", officer).content.decode(Overview.self)
            #expect(seen.withoutUnderstudy == [w2.foreignerId])
            #expect(try await send(app, .GET, "/api/v1/sponsors/\(sponsorID.uuidString)/foreign-workers", try await apiToken(app, "officer.jaksel@demo.sinergi.id")).status == .notFound)
            let other = try #require(try await Foreigner.query(on: app.db).filter(\.$sponsorID != sponsorID).filter(\.$sponsorID != nil).first())
            #expect(try await send(app, .POST, "/api/v1/tka-assignments", token, ["foreignerId": other.id!.uuidString]).status == .forbidden)
            #expect(try await send(app, .POST, "/api/v1/rptka", officer, ["number": "x"]).status == .forbidden)
        }
    }

    @Test func portalFormsNameWhatIsWrong() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("sponsor@demo.sinergi.id")
            #expect(try await b.get("/portal/tka").status == .ok)
            let bad = try await b.post("/portal/tka/rptka", form: ["number": "B.3/9", "validFrom": "2026-01-01", "validTo": "2027-01-01", "positions": "Engineer | 2\nWelder two"])
            #expect(bad.status == .unprocessableEntity)
            // The form keeps what was typed, and the message (in Indonesian) sits beside the positions box.
            let html = bad.body.string
            #expect(html.contains("<p class=\"field-error\" id=\"positions-error\">Jabatan baris 2: tulis nama jabatan"))
            #expect(html.contains("value=\"B.3/9\"") && html.contains("value=\"2026-01-01\"") && html.contains("value=\"2027-01-01\""))
            #expect(html.contains(">Engineer | 2\nWelder two</textarea>"))
            #expect(try await RPTKA.query(on: app.db).count() == 0)
            // An end before the start: beside "valid to".
            let order = try await b.post("/portal/tka/rptka", form: ["number": "B.3/9", "validFrom": "2027-01-01", "validTo": "2026-01-01", "positions": "Engineer | 2"])
            #expect(order.status == .unprocessableEntity && order.body.string.contains("id=\"validTo-error\">Berlaku sampai tidak boleh sebelum 1 Jan 2027."))
            let ok = try await b.post("/portal/tka/rptka", form: ["number": "B.3/9", "validFrom": "2026-01-01", "validTo": "2027-01-01", "positions": "Engineer | 2\nWelder | 1"])
            #expect(ok.status == .seeOther)
            let page = try await b.get("/portal/tka")
            #expect(page.body.string.contains("Welder") && page.body.string.contains("id=\"mismatches\""))
            #expect(page.body.string.contains("id=\"flash\"") && page.body.string.contains("RPTKA dicatat."))
            // The same number again: beside the number, the input kept.
            let again = try await b.post("/portal/tka/rptka", form: ["number": "B.3/9", "validFrom": "2026-01-01", "validTo": "2027-01-01", "positions": "Fitter | 1"])
            #expect(again.status == .conflict && again.body.string.contains("id=\"number-error\">RPTKA B.3/9 sudah tercatat.") && again.body.string.contains(">Fitter | 1</textarea>"))
            // The assignment and payment forms: no worker chosen, or a month that is not one, said beside the field.
            let noWorker = try await b.post("/portal/tka/assignments", form: ["foreignerId": "", "understudyName": "Budi"])
            #expect(noWorker.status == .unprocessableEntity && noWorker.body.string.contains("id=\"a-foreigner-error\">Orang asing wajib diisi.") && noWorker.body.string.contains("value=\"Budi\""))
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let worker = try #require(try await send(app, .GET, "/api/v1/portal/foreign-workers", token).content.decode(Overview.self).workers.first)
            let badMonth = try await b.post("/portal/tka/payments", form: ["foreignerId": worker.foreignerId.uuidString, "fromMonth": "2026-13", "months": "1", "amountUsd": "100", "paidOn": "2026-11-02", "reference": "NTPN-9"])
            #expect(badMonth.status == .unprocessableEntity && badMonth.body.string.contains("id=\"fromMonth-error\">") && badMonth.body.string.contains("value=\"NTPN-9\""))
            let paid = try await b.post("/portal/tka/payments", form: ["foreignerId": worker.foreignerId.uuidString, "fromMonth": "2026-11", "months": "1", "amountUsd": "100", "paidOn": "2026-11-02", "reference": "NTPN-9"])
            #expect(paid.status == .seeOther)
            #expect(try await b.get("/portal/tka").body.string.contains("Pembayaran DKPTKA dicatat."))
            let reused = try await b.post("/portal/tka/payments", form: ["foreignerId": worker.foreignerId.uuidString, "fromMonth": "2026-11", "months": "", "amountUsd": "300", "paidOn": "2026-11-02", "reference": "NTPN-9"])
            #expect(reused.status == .unprocessableEntity && reused.body.string.contains("id=\"months-error\">"))
            let reused2 = try await b.post("/portal/tka/payments", form: ["foreignerId": worker.foreignerId.uuidString, "fromMonth": "2026-11", "months": "3", "amountUsd": "300", "paidOn": "2026-11-02", "reference": "NTPN-9"])
            #expect(reused2.status == .unprocessableEntity && reused2.body.string.contains("id=\"reference-error\">") && reused2.body.string.contains("sudah tercatat untuk pembayaran lain"))
            #expect(try await b.post("/portal/tka/assignments", form: ["foreignerId": worker.foreignerId.uuidString, "understudyName": "Budi"]).status == .seeOther)
            #expect(try await b.get("/portal/tka").body.string.contains("Jabatan dan tenaga pendamping disimpan."))
        }
    }
}
