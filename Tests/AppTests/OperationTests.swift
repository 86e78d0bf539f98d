@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct OperationTests {
    struct Op: Decodable {
        struct Agg: Decodable { var targets: Int; var checked: Int; var violations: Int; var actions: [String: Int] }
        struct Target: Decodable { var id: UUID; var foreignerId: UUID?; var result: String }
        struct Action: Decodable { var action: String; var status: String; var overdue: Bool }
        var id: UUID; var status: String; var results: Agg; var targets: [Target]?; var actions: [Action]?; var participants: String?
    }

    func send(_ app: Application, _ m: HTTPMethod, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
        var h = bearer(token)
        if json != nil { h.contentType = .json }
        return try await app.testing().sendRequest(m, path, headers: h, body: json.map { ByteBuffer(string: $0) })
    }

    @Test func planResultsTakAndAgencyAggregatesOnly() async throws {
        try await withTestApp { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).limit(3).all()
            let polres = try await Agency.query(on: app.db).filter(\.$name == "Polres Mojokerto").first()!
            let targets = people.map { #"{"foreignerId": "\#($0.id!)"}"# }.joined(separator: ",") + #", {"label": "Mess karyawan PT di Jl. Raya Ngoro"}"#
            let created = try await send(app, .POST, "/api/v1/operations", sup,
                #"{"orderId": "\#(TestOrders.sby)", "title": "Operasi gabungan Kawasan Ngoro", "date": "\#(app.today)", "areaCode": "35.16.05", "agencyIds": ["\#(polres.id!)"], "participants": "Tim Inteldakim 4 orang, Polres 2 orang", "targets": [\#(targets)]}"#)
            #expect(created.status == .created, "\(created.body.string)")
            var op = try decode(Op.self, created)
            #expect(op.status == "planned" && op.results.targets == 4 && op.targets?.count == 4)
            let t0 = op.targets!.first { $0.foreignerId == people[0].id }!
            let t1 = op.targets!.first { $0.foreignerId == people[1].id }!
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", sup, #"{"targetId": "\#(t0.id)", "result": "violation", "finding": "workOutsidePermit", "note": "Bekerja sebagai operator"}"#).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", sup, #"{"targetId": "\#(t1.id)", "result": "compliant"}"#).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", sup, #"{"targetId": "\#(t1.id)", "result": "maybe"}"#).status == .unprocessableEntity)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/actions", sup, #"{"targetId": "\#(t0.id)", "action": "deportation"}"#).body.string.contains("legalBasis"))
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/actions", sup, #"{"targetId": "\#(t0.id)", "action": "deportation", "legalBasis": "UU 6/2011 Pasal 75 ayat (2) huruf f", "dueOn": "2026-11-29"}"#).status == .created)
            op = try decode(Op.self, try await send(app, .POST, "/api/v1/operations/\(op.id)/complete", sup, #"{"summary": "4 sasaran, 1 pelanggaran"}"#))
            #expect(op.status == "done" && op.results.checked == 2 && op.results.violations == 1 && op.results.actions == ["deportation": 1])
            #expect(op.actions?.first?.overdue == true)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/complete", sup, "{}").status == .conflict)

            // Agency members of the region: the plan and the aggregate, never a person.
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            let seen = try await send(app, .GET, "/api/v1/operations/\(op.id)", agency)
            #expect(seen.status == .ok)
            let agencyView = try decode(Op.self, seen)
            #expect(agencyView.targets == nil && agencyView.actions == nil && agencyView.participants == nil && agencyView.results.violations == 1)
            for p in people { #expect(!seen.body.string.contains(p.id!.uuidString) && !seen.body.string.contains(p.fullName)) }
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", agency, #"{"targetId": "\#(t1.id)", "result": "compliant"}"#).status == .forbidden)
            let b = Browser(app)
            try await b.login("agency@demo.sinergi.id")
            let page = try await b.get("/operations/\(op.id)")
            #expect(page.status == .ok && page.body.string.contains("op-violations") && !page.body.string.contains(people[0].fullName))
            // Another office, another region's agency, sponsors: nothing.
            #expect(try await send(app, .GET, "/api/v1/operations/\(op.id)", try await apiToken(app, "officer.jaksel@demo.sinergi.id")).status == .notFound)
            #expect(try await send(app, .GET, "/api/v1/operations", try await apiToken(app, "sponsor@demo.sinergi.id")).status == .forbidden)
            // Bad plans are named.
            #expect(try await send(app, .POST, "/api/v1/operations", sup, #"{"title": "x", "date": "2026-12-02", "areaCode": "31.74.01"}"#).body.string.contains("areaCode"))
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "operation.tak").count() == 1)
        }
    }

    /// An operation is not finished before it takes place, nor by one tap: results and completion wait for its day, and
    /// the page asks for a summary and a tick when targets were left unchecked.
    @Test func anOperationIsCompletedOnItsDayWithASummaryAndItsUncheckedTargetsSaid() async throws {
        try await withTestApp { app in
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).limit(2).all()
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let later = try #require(Day.adding(3, to: app.today))
            let planned = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia apartemen", "date": later, "areaCode": "35.16.05",
                                                               "participants": "Tim A", "targetPassports": f.map { $0.passportNumber! }.joined(separator: "\n")])
            let page = try #require(planned.headers.first(name: .location))
            let target = try #require(try await OperationTarget.query(on: app.db).first()).id!
            // Three days ahead: no result, no completion; the page says from when.
            let early = try await b.post(page + "/results", form: ["targetId": target.uuidString, "result": "violation", "finding": "", "note": ""])
            #expect(early.status == .unprocessableEntity && early.body.string.contains("baru dapat dicatat mulai"))
            let shown = try await b.get(page).body.string
            #expect(shown.contains("id=\"complete-not-yet\"") && !shown.contains("id=\"complete-form\"") && shown.contains("id=\"results-not-yet\""))
            // The order it runs under is named, with a link.
            #expect(shown.contains("id=\"operation-order\"><a href=\"/orders/\(TestOrders.sby)\">"))
            #expect(try await b.post(page + "/complete", form: ["summary": "Selesai"]).status == .unprocessableEntity)
            #expect(shown.contains("id=\"actions-not-yet\"") && !shown.contains("id=\"tak-form\"") && !shown.contains("id=\"result-form-"))
            #expect(try await b.post(page + "/actions", form: ["targetId": target.uuidString, "action": "warning", "legalBasis": "UU 6/2011 Pasal 75"]).status == .unprocessableEntity)
            #expect(try await AdministrativeAction.query(on: app.db).count() == 0)
            #expect(try await JointOperation.query(on: app.db).first()?.status == "planned")
            // On its day: a result for one target; completing needs a summary and a word for the other, unchecked one.
            let op = try #require(try await JointOperation.query(on: app.db).first())
            op.date = app.today
            try await op.update(on: app.db)
            // Saved, the page comes back at that target's form.
            #expect(try await b.post(page + "/results", form: ["targetId": target.uuidString, "result": "compliant", "finding": "", "note": ""])
                .headers.first(name: .location) == page + "#result-form-\(target.uuidString)")
            let bare = try await b.post(page + "/complete", form: ["summary": ""])
            #expect(bare.status == .unprocessableEntity)
            #expect(bare.body.string.contains("Ringkasan hasil wajib diisi.") && bare.body.string.contains("1 sasaran belum diperiksa: catat hasilnya"))
            #expect(try await b.post(page + "/complete", form: ["summary": "1 sasaran patuh"]).status == .unprocessableEntity)
            #expect(try await b.post(page + "/complete", form: ["summary": "1 sasaran patuh", "uncheckedConfirmed": "1"]).status == .seeOther)
            #expect(try await JointOperation.query(on: app.db).first()?.status == "done")
        }
    }

    @Test func theWebPlanTakesTargetsByPassport() async throws {
        try await withTestApp { app in
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).first()!
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let res = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia penginapan", "date": app.today, "areaCode": "35.16.05", "participants": "Tim A",
                                                           "targetPassports": "\(f.passportNumber!)\n"])
            #expect(res.status == .seeOther)
            let page = try await b.get(res.headers.first(name: .location)!)
            #expect(page.body.string.contains(f.fullName) && page.body.string.contains("tak-form"))
            // A TAK against no one (the form's "— pilih sasaran —" sends an empty targetId) is refused beside the target.
            let none = try await b.post(res.headers.first(name: .location)! + "/actions", form: ["targetId": "", "action": "entryBanList", "legalBasis": "UU 6/2011 Pasal 75", "dueOn": ""])
            #expect(none.status == .unprocessableEntity && none.body.string.contains("Pilih Sasaran: tindakan administratif selalu dikenakan kepada seseorang."))
            #expect(try await AdministrativeAction.query(on: app.db).count() == 0)
            let target = try #require(try await OperationTarget.query(on: app.db).first()).id!
            let tak = try await b.post(res.headers.first(name: .location)! + "/actions", form: ["targetId": target.uuidString, "action": "warning", "legalBasis": "UU 6/2011 Pasal 75", "dueOn": ""])
            #expect(tak.status == .seeOther)
            #expect(try await AdministrativeAction.query(on: app.db).count() == 1)
            // Back at the new action's row.
            let actionID = try #require(try await AdministrativeAction.query(on: app.db).first()?.id)
            #expect(tak.headers.first(name: .location) == res.headers.first(name: .location)! + "#tak-\(actionID.uuidString)")
            // The action says whom it is against.
            #expect(try await b.get(res.headers.first(name: .location)!).body.string.contains("Terhadap: \(f.fullName)"))
            let bad = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "x", "date": "2026-12-01", "areaCode": "35.16.05", "targetPassports": "ZZ0000000"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("ZZ0000000"))
        }
    }
    /// The part of a page from the element with `id` to the end of its fieldset (the region picker).
    func fieldset(_ page: String, _ id: String) -> String {
        guard let start = page.range(of: "id=\"\(id)\"") else { return "" }
        let rest = page[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</fieldset>")?.upperBound ?? rest.endIndex)])
    }

    @Test func anInvalidPlanKeepsItsInputAndSaysWhyBesideTheFieldInIndonesian() async throws {
        try await withTestApp { app in
            let polres = try await Agency.query(on: app.db).filter(\.$name == "Polres Mojokerto").first()!
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            // No place chosen: the plan comes back as typed, the reason inside the place picker.
            let res = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia penginapan malam", "date": "2026-12-03", "participants": "Tim Inteldakim 4 orang",
                                                           "agencyIds[]": polres.id!.uuidString, "areaCode_province": "35", "areaCode_regency": "35.16"])
            #expect(res.status == .unprocessableEntity)
            let page = res.body.string
            #expect(page.contains("value=\"Razia penginapan malam\"") && page.contains("value=\"2026-12-03\"") && page.contains(">Tim Inteldakim 4 orang</textarea>"))
            #expect(page.contains("value=\"\(polres.id!.uuidString)\" checked"))
            let picker = fieldset(page, "areaCode-picker")
            #expect(picker.contains("id=\"areaCode-error\"") && picker.contains("Wilayah operasi: pilih kecamatan atau kelurahan/desa di wilayah kerja Anda."))
            #expect(picker.contains("<option value=\"35.16\" selected>"))
            #expect(!page.contains("must be") && !page.contains("areaCode must"))
            // An unknown passport: its own field says so, the other input stays.
            let bad = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia penginapan malam", "date": "2026-12-03", "areaCode": "35.16.05", "targetPassports": "ZZ0000000"])
            #expect(bad.status == .unprocessableEntity)
            let field = bad.body.string.components(separatedBy: "id=\"targetPassports\"").dropFirst().first ?? ""
            #expect(field.contains("id=\"targetPassports-error\">Paspor sasaran: tidak ditemukan di wilayah kerja Anda: ZZ0000000.</p>"))
            #expect(bad.body.string.contains("value=\"Razia penginapan malam\""))
            #expect(try await JointOperation.query(on: app.db).count() == 0)
        }
    }

    /// The list of operations is paged (it used to stop at the 500 newest): the latest first, 50 a page, with a pager.
    @Test func theListOfOperationsIsPaged() async throws {
        try await withTestApp { app in
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            let before = try await JointOperation.query(on: app.db).filter(\.$officeID == officer.$office.id!).count()
            try await app.db.transaction { db in
                for i in 0..<(60 - before) {
                    let op = JointOperation()
                    op.officeID = officer.$office.id!; op.createdBy = officer.id!; op.title = "Operasi ke-\(i)"
                    op.date = String(format: "2026-%02d-%02d", 1 + i / 28, 1 + i % 28); op.areaCode = "35.16"; op.agencyIDs = ""
                    op.status = "planned"; op.createdAt = Date(); op.withoutOrder = "caughtInAct"
                    try await op.create(on: db)
                }
            }
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            func rows(_ html: String) -> Int { html.components(separatedBy: "id=\"operation-list\"")[1].components(separatedBy: "</table>")[0].components(separatedBy: "<tr>").count - 2 }
            let first = try await b.get("/operations").body.string
            #expect(rows(first) == 50 && first.contains("Halaman 1 dari 2 · 60 data") && first.contains("rel=\"next\""))
            let second = try await b.get("/operations?page=2").body.string
            #expect(rows(second) == 10 && second.contains("Halaman 2 dari 2") && second.contains("rel=\"prev\""))
            // The latest first.
            let newest = try #require(try await JointOperation.query(on: app.db).sort(\.$date, .descending).first())
            #expect(first.contains(newest.title))
        }
    }

    @Test func theRegionPickersChoiceIsTheOperationsArea() async throws {
        try await withTestApp { app in
            let district = try await Region.find("35.16.05", on: app.db)!
            let village = try await Region.query(on: app.db).filter(\.$parentCode == "35.16.05").sort(\.$id).first()!
            let otherDistrict = try await Region.query(on: app.db).filter(\.$parentCode == "35.16").filter(\.$id != "35.16.05").first()!
            let stray = try await Region.query(on: app.db).filter(\.$parentCode == otherDistrict.id!).first()!
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            // Without JavaScript: "show the next choices" brings the form back as typed, with the villages of the kecamatan.
            let next = try await b.post("/operations", form: ["_picker": "areaCode", "orderId": TestOrders.sby, "title": "Razia pasar", "date": "2026-12-03",
                                                            "areaCode_province": "35", "areaCode_regency": "35.16", "areaCode_district": "35.16.05"])
            #expect(next.status == .ok && next.body.string.contains("value=\"Razia pasar\""))
            #expect(try await JointOperation.query(on: app.db).filter(\.$title == "Razia pasar").count() == 0)   // shown again, not planned
            #expect(fieldset(next.body.string, "areaCode-picker").contains("<option value=\"\(village.id!)\">\(village.name)</option>"))
            // A kecamatan chosen (no village): the plan's area is the kecamatan.
            let planned = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia pasar", "date": "2026-12-03", "areaCode_province": "35", "areaCode_regency": "35.16",
                                                               "areaCode_district": "35.16.05", "areaCode": ""])
            #expect(planned.status == .seeOther)
            #expect(try await JointOperation.query(on: app.db).filter(\.$title == "Razia pasar").first()?.areaCode == "35.16.05")
            // The page names the place, the code only as its title, and confirms the plan.
            let page = try await b.get(planned.headers.first(name: .location)!)
            #expect(page.body.string.contains("Rencana operasi tersimpan."))
            #expect(page.body.string.contains("<dd id=\"operation-area\"><span class=\"place\" title=\"35.16.05\">\(district.name), "))
            #expect(page.body.string.contains("<button type=\"button\" class=\"secondary\" data-print>Cetak laporan operasi</button>"))
            // A village chosen: the village; a village left over from another kecamatan is not taken.
            #expect(try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia desa", "date": "2026-12-03", "areaCode_province": "35", "areaCode_regency": "35.16",
                                                         "areaCode_district": "35.16.05", "areaCode": village.id!]).status == .seeOther)
            #expect(try await JointOperation.query(on: app.db).filter(\.$title == "Razia desa").first()?.areaCode == village.id!)
            #expect(try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Razia sisa", "date": "2026-12-03", "areaCode_province": "35", "areaCode_regency": "35.16",
                                                         "areaCode_district": "35.16.05", "areaCode": stray.id!]).status == .seeOther)
            #expect(try await JointOperation.query(on: app.db).filter(\.$title == "Razia sisa").first()?.areaCode == "35.16.05")
            // The list names the places too.
            let list = try await b.get("/operations")
            #expect(list.body.string.contains(village.name) && list.body.string.contains("3 Des 2026"))
        }
    }
}
