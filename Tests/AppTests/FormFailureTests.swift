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
            #expect(day.body.string.contains("id=\"day-error\">Tanggal: isi dengan tanggal yang ada") && day.body.string.contains("value=\"2026-02-30\""))
            #expect(day.body.string.contains("id=\"run-scan\""))   // the rest of the page is still there
            let range = try await b.get("/daily-reports?from=2026-12-10&to=2026-12-01")
            #expect(range.status == .unprocessableEntity && range.body.string.contains("Sampai tidak boleh sebelum 10 Des 2026"))
            #expect(try await b.get("/daily-reports?from=2026-02-30").body.string.contains("Dari: isi dengan tanggal yang ada"))
        }
    }

    /// A form with several mistakes names them all at once, each beside its field (a phone walk-through needed five
    /// tries for a form with five mistakes); the API still answers with the first.
    @Test func aFormWithSeveralMistakesNamesThemAllAtOnce() async throws {
        try await withTestApp { app in
            let citizen = Browser(app)
            _ = try await citizen.get("/lapor")
            let empty = try await citizen.post("/lapor", form: ["description": "", "seenAt": ""])
            #expect(empty.status == .unprocessableEntity)
            for field in ["description", "kelurahanCode", "seenAt"] { #expect(empty.body.string.contains("id=\"\(field)-error\""), "\(field)") }
            // The message names the field as the form labels it, not by the common word "Uraian".
            #expect(empty.body.string.contains("id=\"description-error\">Apa yang Anda lihat harus berisi 10 sampai 2000"))
            // Only the field at fault when the rest is right.
            let one = try await citizen.post("/lapor", form: ["description": "Orang asing memotret area pelabuhan", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-02-31T08:30"])
            #expect(one.body.string.contains("id=\"seenAt-error\"") && !one.body.string.contains("id=\"description-error\"") && !one.body.string.contains("id=\"kelurahanCode-error\""))

            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let bad = try await b.post("/foreigners/new", form: ["familyName": String(repeating: "A", count: 101), "givenNames": "Jon", "sex": "M", "nationality": "Atlantis",
                                                                 "dateOfBirth": "2026-02-31", "passportNumber": "12", "expiresOn": "2030-01-01", "line": "", "reason": ""])
            #expect(bad.status == .unprocessableEntity)
            for field in ["familyName", "nationality", "dateOfBirth", "passportNumber", "villageCode", "line", "reason"] {
                #expect(bad.body.string.contains("id=\"\(field)-error\""), "\(field)")
            }
            #expect(bad.body.string.contains("value=\"Jon\""))      // what was typed stays
            // The focus goes to the first mistake on the page (the family name), once, not to the first in alphabetical order.
            #expect(bad.body.string.components(separatedBy: "autofocus").count == 2)
            #expect(bad.body.string.components(separatedBy: "<input").first { $0.contains("id=\"familyName\"") }?.contains("autofocus") == true)
            #expect(try await Foreigner.query(on: app.db).filter(\.$givenNames == "JON").count() == 0)
            let api = try await RegistryEditTests.json(app, .POST, "/api/v1/foreigners", as: "officer@demo.sinergi.id",
                                                       #"{"familyName": "", "sex": "X", "nationality": "Atlantis", "reason": ""}"#)
            struct E: Decodable { struct D: Decodable { var field: String?; var more: [D]? }; var error: D }
            #expect(api.status == .unprocessableEntity)
            let error = try decode(E.self, api).error
            #expect(error.field == "reason")
            // The others follow in `more`, each naming its field (the field app shows each beside its input).
            #expect(Set((error.more ?? []).compactMap(\.field)).isSuperset(of: ["familyName", "nationality", "passportNumber"]))

            // An order: a missing purpose and an impossible end day together; then one for its targets alone, with
            // only the province the picker shows already chosen, goes through.
            let s = Browser(app)
            try await s.login("supervisor@demo.sinergi.id")
            _ = try await s.get("/orders")
            let me = try #require(try await User.query(on: app.db).filter(\.$email == "supervisor@demo.sinergi.id").first()?.id)
            let order = try await s.post("/orders", form: ["purpose": "", "officerIds": me.uuidString, "targets": "PT Golden Auto Parts Indonesia",
                                                          "areaCode_province": "35", "validFrom": app.today, "validTo": "2026-02-31"])
            #expect(order.status == .unprocessableEntity)
            #expect(order.body.string.contains("id=\"purpose-error\"") && order.body.string.contains("id=\"validTo-error\""))
            #expect(!order.body.string.contains("id=\"areaCode-error\""))
            let issued = try await s.post("/orders", form: ["purpose": "Pemeriksaan perusahaan", "officerIds": me.uuidString, "targets": "PT Golden Auto Parts Indonesia",
                                                           "areaCode_province": "35", "validFrom": app.today, "validTo": app.today])
            #expect(issued.status == .seeOther, "\(issued.body.string.prefix(300))")

            // A meeting and an operation: every field at fault at once.
            _ = try await s.get("/meetings")
            let meeting = try await s.post("/meetings", form: ["title": "", "scheduledAt": "besok pagi", "agenda": "Evaluasi"])
            #expect(meeting.status == .unprocessableEntity)
            for field in ["title", "scheduledAt", "regionCode"] { #expect(meeting.body.string.contains("id=\"\(field)-error\""), "meeting \(field)") }
            #expect(meeting.body.string.contains(">Evaluasi</textarea>"))
            _ = try await s.get("/operations")
            let operation = try await s.post("/operations", form: ["title": "", "date": "2026-02-31", "participants": "Bripka Andi"])
            #expect(operation.status == .unprocessableEntity)
            for field in ["title", "date", "areaCode"] { #expect(operation.body.string.contains("id=\"\(field)-error\""), "operation \(field)") }
        }
    }

    /// The registry's edit sections, inspections, tasks and the admin's accounts, offices and agencies name every
    /// mistake at once too, each beside its field, in Indonesian.
    @Test func editAndAdminFormsNameAllTheirMistakes() async throws {
        try await withTestApp { app in
            func expectErrors(_ res: TestingHTTPResponse, _ fields: [String], _ form: String) {
                #expect(res.status == .unprocessableEntity, "\(form)")
                for field in fields { #expect(res.body.string.contains("id=\"\(field)-error\""), "\(form): \(field)") }
            }
            let f = try await RegistryEditTests.sbyForeigner(app)
            let officer = Browser(app)
            try await officer.login("officer@demo.sinergi.id")
            _ = try await officer.get("/foreigners/\(f.id!)/edit")
            let address = try await officer.post("/foreigners/\(f.id!)/edit/address", form: ["line": "", "validFrom": "2026-11-31", "reason": ""])
            expectErrors(address, ["line", "villageCode", "address-valid-from", "address-reason"], "address")
            #expect(address.body.string.contains("Alasan") && address.body.string.contains("wajib diisi"))
            let passport = try await officer.post("/foreigners/\(f.id!)/edit/passport", form: ["number": "1", "expiresOn": "", "reason": ""])
            expectErrors(passport, ["passport-number", "passport-expires", "passport-reason"], "passport")
            // The identity form: a wrong day and no reason in one try (without a change it would say "nothing changed").
            let identity = try await officer.post("/foreigners/\(f.id!)/edit/identity", form: ["familyName": f.familyName, "givenNames": f.givenNames, "nationality": f.nationality,
                                                                                              "dateOfBirth": "1990-02-31", "reason": ""])
            expectErrors(identity, ["dateOfBirth", "identity-reason"], "identity")
            // The focus marker is quoted: typed text holding its name stays as typed.
            #expect(!identity.body.string.contains("data-focus-candidate") && identity.body.string.components(separatedBy: "autofocus").count == 2)

            let supervisor = Browser(app)
            try await supervisor.login("supervisor@demo.sinergi.id")
            _ = try await supervisor.get("/inspections")
            let inspection = try await supervisor.post("/inspections", form: ["sponsorId": "", "date": "2026-02-31", "officers": "Andi"])
            expectErrors(inspection, ["sponsorId", "date"], "inspection")
            #expect(inspection.body.string.contains(">Andi<") || inspection.body.string.contains("value=\"Andi\""))
            _ = try await supervisor.get("/tasks")
            let task = try await supervisor.post("/tasks", form: ["title": "", "kind": "verifyAddress", "dueOn": "2020-01-01", "assignee": ""])
            expectErrors(task, ["title", "dueOn", "assignee"], "task")
            // An order without officers and with a wrong end: the officers' first box takes the focus (it comes first).
            _ = try await supervisor.get("/orders")
            let order = try await supervisor.post("/orders", form: ["purpose": "Pengawasan", "targets": "PT Golden Auto Parts Indonesia", "validFrom": app.today, "validTo": "2026-02-31"])
            expectErrors(order, ["officerIds", "validTo"], "order")
            let focused = order.body.string.components(separatedBy: "<input").first { $0.contains("autofocus") } ?? ""
            #expect(focused.contains("name=\"officerIds[]\"") && focused.contains("aria-invalid=\"true\""), "\(focused)")
            // A meeting typed in the wrong year is caught; a task made from a citizen's report follows it up.
            _ = try await supervisor.get("/meetings")
            let meeting = try await supervisor.post("/meetings", form: ["title": "Rapat", "regionCode": "35.16", "scheduledAt": "2020-12-05T10:00"])
            expectErrors(meeting, ["scheduledAt"], "meeting")
            #expect(try await supervisor.get("/tasks?report=LPR-AAAA-BBBB-CCCC").body.string.contains("<option value=\"followUpReport\" selected>"))

            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            _ = try await admin.get("/admin/users/new")
            let user = try await admin.post("/admin/users/new", form: ["email": "bukan-email", "name": "", "role": "officer", "officeCode": "ZZZ"])
            expectErrors(user, ["email", "name", "officeCode"], "account")
            #expect(user.body.string.contains("value=\"bukan-email\""))
            _ = try await admin.get("/admin/offices/new")
            let office = try await admin.post("/admin/offices/new", form: ["code": "x", "name": ""])
            expectErrors(office, ["code", "name", "villageCode"], "office")
            _ = try await admin.get("/admin/agencies/new")
            let agency = try await admin.post("/admin/agencies/new", form: ["name": "", "type": ""])
            expectErrors(agency, ["name", "type", "regionCode"], "agency")
            #expect(!agency.body.string.contains("Jenis laporan"))      // the agency's kind, by the form's own label
            // A tampered choice comes back as nothing chosen, never as the first choice (Administrator).
            let tampered = try await admin.post("/admin/users/new", form: ["email": "baru@contoh.id", "name": "Baru", "role": "bogus"])
            expectErrors(tampered, ["role"], "tampered role")
            let roleSelect = tampered.body.string.components(separatedBy: "<select id=\"role\"").last?.components(separatedBy: "</select>").first ?? ""
            #expect(roleSelect.contains("<option value=\"\" selected>") && !roleSelect.contains("\" selected>Administrator"))
            // Nothing was written.
            #expect(try await User.query(on: app.db).filter(\.$email == "bukan-email").count() == 0)

            // A sponsor's report with nothing chosen: the foreigner, the kind and the day at once; a list's choice is
            // asked for by name, never as the codes it allows.
            let sponsor = Browser(app)
            try await sponsor.login("sponsor@demo.sinergi.id")
            _ = try await sponsor.get("/portal/reports")
            let report = try await sponsor.post("/portal/reports", form: ["clientId": "walk-1", "foreignerId": "", "type": "bogus", "eventOn": ""])
            expectErrors(report, ["foreignerId", "type", "eventOn"], "sponsor report")
            #expect(report.body.string.contains("Tanggal kejadian wajib diisi") && report.body.string.contains("pilih salah satu dari daftar"))
            #expect(!report.body.string.contains("arrival, addressChange"))
            // An arrival without its street or its village: both named at once, not one per try.
            let sponsored = try await SponsorReportTests().sponsorForeigner(app).id!.uuidString
            let arrival = try await sponsor.post("/portal/reports", form: ["clientId": "walk-2", "foreignerId": sponsored, "type": "arrival", "eventOn": app.today,
                                                                         "address": ""])
            expectErrors(arrival, ["address", "kelurahanCode"], "arrival report")

            // A joint operation: unknown target passports all named, with the missing area.
            _ = try await supervisor.get("/operations")
            let known = try #require(f.passportNumber).lowercased()     // found however it is typed
            let operation = try await supervisor.post("/operations", form: ["title": "Operasi", "date": app.today, "targetPassports": "XX0000001\n\(known)\nXX0000002"])
            expectErrors(operation, ["targetPassports", "areaCode"], "operation")
            #expect(operation.body.string.contains("XX0000001, XX0000002.") && !operation.body.string.contains(known + ","))

            // A new foreigner whose permit ends before it starts, with another mistake elsewhere.
            let permit = try await officer.post("/foreigners/new", form: ["familyName": "", "givenNames": "Jon", "sex": "M", "nationality": "GBR", "passportNumber": "GB1234567",
                                                                         "expiresOn": "2030-01-01", "line": "Jl. Raya 1", "reason": "Baru datang",
                                                                         "permitNumber": "2C11AB0001", "permitType": "C312", "startOn": "2026-06-01", "endOn": "2026-01-01"])
            expectErrors(permit, ["familyName", "endOn"], "new foreigner")
        }
    }

    /// `FieldChecks.finish(values)` throws the first failure carrying the rest, in the order the checks ran, and hands
    /// back every value unwrapped once none failed.
    @Test func fieldChecksHandBackValuesOnlyWhenNoneFailed() throws {
        var bad = FieldChecks()
        let a = try bad.run { () throws -> String in throw ValidationFailure("v.required", field: "a") }
        let b = try bad.run { 7 }
        let c = try bad.run { () throws -> Int in throw ValidationFailure("v.day", field: "c") }
        do {
            _ = try bad.finish(a, b, c)
            Issue.record("finish passed with two failures")
        } catch let e as ValidationFailure {
            #expect(e.field == "a" && e.more.map(\.field) == ["c"])
        }
        var good = FieldChecks()
        let x = try good.run { "x" }
        let y = try good.run { (1, true) }
        let (s, (n, flag)) = try good.finish(x, y)
        #expect(s == "x" && n == 1 && flag)
        // A failure that is not a ValidationFailure goes through at once.
        var other = FieldChecks()
        #expect(throws: Abort.self) { _ = try other.run { () throws -> Int in throw Abort(.forbidden) } }
        #expect(other.failures.isEmpty)
    }

    /// Days a message names read as pages write them; other values, and what only looks like a day, stay as they are.
    @Test func daysInMessagesReadInWords() {
        #expect(LocalTime.daysInWords(["2026-09-07", "88", "2026-02", "x2026-09-07"], lang: .id) == ["7 Sep 2026", "88", "2026-02", "x2026-09-07"])
        #expect(LocalTime.daysInWords(["2027-01-01"], lang: .en) == ["1 Jan 2027"])
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
