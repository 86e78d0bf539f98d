@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct DailyReportTests {
    struct Report: Decodable {
        struct Entry: Decodable { var id: UUID; var clientId: UUID; var finding: String; var foreignerId: UUID? }
        struct Version: Decodable { var version: Int; var outcome: String?; var comment: String?; var entries: [Entry] }
        var id: UUID
        var status: String
        var version: Int
        var entries: [Entry]?
        var versions: [Version]?
    }

    func send(_ app: Application, _ method: HTTPMethod, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
        var h = bearer(token)
        if json != nil { h.contentType = .json }
        return try await app.testing().sendRequest(method, path, headers: h, body: json.map { ByteBuffer(string: $0) })
    }

    func entry(_ client: UUID, finding: String = "compliant", foreigner: UUID? = nil, time: String = "09:30") -> String {
        #"{"clientId": "\#(client)", "time": "\#(time)", "kelurahanCode": "35.16.05.2010", "activity": "companyVisit", "finding": "\#(finding)", "note": "Kunjungan ke PT di kawasan Ngoro"\#(foreigner.map { #", "foreignerId": "\#($0)""# } ?? "")}"#
    }

    @Test func theWholeFlowWithIdempotentEntriesVersionsAnd409() async throws {
        try await withTestApp { app in
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let supervisor = try await apiToken(app, "supervisor@demo.sinergi.id")
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").first()!
            let c1 = UUID(), c2 = UUID()
            let created = try await send(app, .POST, "/api/v1/daily-reports", officer, #"{"date": "2026-11-30", "entries": [\#(entry(c1, foreigner: f.id))]}"#)
            #expect(created.status == .created, "\(created.body.string)")
            var r = try decode(Report.self, created)
            #expect(r.status == "draft" && r.entries?.count == 1 && r.entries?[0].foreignerId == f.id)
            // The same clientId twice: one entry; the second answer is 200 with the existing entry.
            let first = try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/entries", officer, entry(c2, finding: "overstay"))
            #expect(first.status == .created)
            let again = try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/entries", officer, entry(c2, finding: "overstay"))
            #expect(again.status == .ok)
            #expect(try decode(Report.Entry.self, again).id == (try decode(Report.Entry.self, first)).id)
            #expect(try await ReportEntry.query(on: app.db).count() == 2)
            // Posting the day again adds nothing new and answers 200 with the same report.
            let sameDay = try await send(app, .POST, "/api/v1/daily-reports", officer, #"{"date": "2026-11-30", "entries": [\#(entry(c1, foreigner: f.id))]}"#)
            let sameDayReport = try decode(Report.self, sameDay)
            #expect(sameDay.status == .ok && sameDayReport.id == r.id)
            #expect(try await ReportEntry.query(on: app.db).count() == 2)

            // Submit; the supervisor returns it with a comment; the officer fixes it; the supervisor approves.
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/entries", officer, entry(UUID())).status == .conflict)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/return", supervisor, #"{}"#).status == .unprocessableEntity)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/return", supervisor, #"{"comment": "Lengkapi tindak lanjut temuan overstay"}"#).status == .ok)
            let fix = try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/entries", officer, entry(UUID(), finding: "other", time: "14:00"))
            #expect(fix.status == .created)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/approve", officer, "{}").status == .forbidden)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/approve", supervisor, "{}").status == .ok)
            r = try decode(Report.self, try await send(app, .GET, "/api/v1/daily-reports/\(r.id)", officer))
            #expect(r.status == "approved" && r.version == 2)
            #expect(r.versions?.map(\.version) == [1, 2])
            #expect(r.versions?.map(\.outcome) == ["returned", "approved"])
            #expect(r.versions?[0].entries.count == 2 && r.versions?[1].entries.count == 3)
            #expect(r.versions?[0].comment == "Lengkapi tindak lanjut temuan overstay")
            // Approved: every change is 409, and nothing changes.
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/entries", officer, entry(UUID())).status == .conflict)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .conflict)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/return", supervisor, #"{"comment": "x"}"#).status == .conflict)
            #expect(try await send(app, .DELETE, "/api/v1/daily-reports/\(r.id)/entries/\(r.entries![0].id)", officer).status == .conflict)
            #expect(try await send(app, .POST, "/api/v1/daily-reports", officer, #"{"date": "2026-11-30", "entries": [\#(entry(UUID()))]}"#).status == .conflict)
            #expect(try await ReportEntry.query(on: app.db).count() == 3)
            // Listing and filters.
            struct List: Decodable { var items: [Report]; var total: Int }
            let overstays = try decode(List.self, try await send(app, .GET, "/api/v1/daily-reports?finding=overstay&from=2026-11-01&to=2026-11-30", supervisor))
            #expect(overstays.total == 1 && overstays.items[0].id == r.id)
            #expect(try decode(List.self, try await send(app, .GET, "/api/v1/daily-reports?finding=workOutsidePermit", supervisor)).total == 0)
            #expect(try await send(app, .GET, "/api/v1/daily-reports?finding=bad", supervisor).status == .unprocessableEntity)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "daily_report.approve").count() == 1)
        }
    }

    @Test func badInputIsNamedAndNothingIsWritten() async throws {
        try await withTestApp { app in
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let cases: [(String, String)] = [
                (#"{"date": "2026-02-30", "entries": []}"#, "date"),
                (#"{"date": "2026-12-25", "entries": []}"#, "future"),
                (#"{"date": "2026-11-30", "entries": [{"clientId": "\#(UUID())", "time": "25:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant"}]}"#, "entries[0].time"),
                (#"{"date": "2026-11-30", "entries": [{"clientId": "\#(UUID())", "time": "08:00", "kelurahanCode": "35.16.05", "activity": "patrol", "finding": "compliant"}]}"#, "kelurahanCode"),
                (#"{"date": "2026-11-30", "entries": [{"clientId": "\#(UUID())", "time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "sleeping", "finding": "compliant"}]}"#, "activity"),
                (#"{"date": "2026-11-30", "entries": [{"time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant"}]}"#, "clientId"),
                (#"{"date": "2026-11-30", "entries": [{"clientId": "\#(UUID())", "time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant", "foreignerId": "\#(UUID())"}]}"#, "foreignerId"),
            ]
            for (body, word) in cases {
                let res = try await send(app, .POST, "/api/v1/daily-reports", officer, body)
                #expect(res.status == .unprocessableEntity, "\(body)")
                #expect(res.body.string.contains(word), "\(res.body.string)")
            }
            #expect(try await DailyReport.query(on: app.db).count() == 0)
            // Submitting an empty report is refused.
            let r = try decode(Report.self, try await send(app, .POST, "/api/v1/daily-reports", officer, #"{"date": "2026-11-29", "entries": []}"#))
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .unprocessableEntity)
        }
    }

    @Test func scopeEveryOtherRoleGets403Or404() async throws {
        try await withTestApp { app in
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).first()!
            let r = try decode(Report.self, try await send(app, .POST, "/api/v1/daily-reports", officer, #"{"date": "2026-11-30", "entries": [\#(entry(UUID(), foreigner: f.id))]}"#))
            _ = try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer)
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            for (m, path, body) in [(HTTPMethod.GET, "/api/v1/daily-reports/\(r.id)", nil as String?), (.POST, "/api/v1/daily-reports/\(r.id)/entries", entry(UUID())),
                                    (.POST, "/api/v1/daily-reports/\(r.id)/submit", nil)] {
                #expect(try await send(app, m, path, jaksel, body).status == .notFound)
            }
            let list = try await send(app, .GET, "/api/v1/daily-reports", jaksel)
            #expect(list.status == .ok && !list.body.string.contains(r.id.uuidString))
            // A supervisor of another office cannot approve: the Jakarta Selatan officer is not a supervisor, so make one.
            for email in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id", "admin@demo.sinergi.id"] {
                let t = try await apiToken(app, email)
                for (m, path) in [(HTTPMethod.GET, "/api/v1/daily-reports"), (.GET, "/api/v1/daily-reports/\(r.id)"), (.POST, "/api/v1/daily-reports"),
                                  (.POST, "/api/v1/daily-reports/\(r.id)/approve"), (.POST, "/api/v1/daily-reports/\(r.id)/return")] {
                    let res = try await send(app, m, path, t, m == .POST ? "{}" : nil)
                    #expect(res.status == .forbidden, "\(email) \(m) \(path)")
                    #expect(!res.body.string.contains(f.passportNumber!) && !res.body.string.contains(f.fullName))
                }
            }
            #expect(try await DailyReport.find(r.id, on: app.db)?.status == "submitted")
        }
    }

    @Test func webFlowReturnFixApproveShowsBothVersions() async throws {
        try await withTestApp { app in
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            let open = try await o.post("/daily-reports", form: ["date": "2026-11-30"])
            let page = open.headers.first(name: .location) ?? ""
            #expect(page.hasPrefix("/daily-reports/"))
            let form = try await o.get(page)
            let client = form.body.string.components(separatedBy: "name=\"clientId\" value=\"")[1].prefix(36)
            let entry = ["clientId": String(client), "time": "10:15", "kelurahanCode": "35.16.05.2010", "activity": "lodgingCheck",
                         "personName": "JOHN DOE", "personNationality": "USA", "personPassport": "X1234567", "finding": "documentViolation", "followUp": "Panggil ke kantor"]
            #expect(try await o.post(page + "/entries", form: entry).status == .seeOther)
            #expect(try await o.post(page + "/entries", form: entry).status == .seeOther)      // a double click: still one entry
            #expect(try await ReportEntry.query(on: app.db).count() == 1)
            let bad = try await o.post(page + "/entries", form: ["clientId": UUID().uuidString, "time": "10:15", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant", "passport": "NOPE00000"])
            // An unknown registry passport: refused beside its field, in Indonesian, with what was typed kept.
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<p class=\"field-error\" id=\"passport-error\">Nomor paspor: tidak ada orang asing dengan paspor ini di wilayah kerja Anda.</p>"))
            #expect(bad.body.string.contains("value=\"NOPE00000\""))
            let submitted = try await o.post(page + "/submit", form: [:])
            #expect(submitted.status == .seeOther && submitted.headers.setCookie?["sinergi_flash"]?.string == "flash.daily.submitted")
            #expect(try await o.get(page).body.string.contains("Laporan dikirim ke atasan."))
            let s = Browser(app)
            try await s.login("supervisor@demo.sinergi.id")
            #expect(try await s.get(page).body.string.contains("return-report"))
            #expect(try await s.post(page + "/decision", form: ["decision": "return", "comment": "Tambahkan alamat"]).status == .seeOther)
            let returned = try await o.get(page)
            #expect(returned.body.string.contains("Tambahkan alamat") && returned.body.string.contains("data-status=\"returned\""))
            let client2 = returned.body.string.components(separatedBy: "name=\"clientId\" value=\"")[1].prefix(36)
            #expect(try await o.post(page + "/entries", form: ["clientId": String(client2), "time": "11:00", "kelurahanCode": "35.16.05.2010", "place": "Jl. Raya Ngoro 12",
                                                            "activity": "followUp", "finding": "compliant"]).status == .seeOther)
            #expect(try await o.post(page + "/submit", form: [:]).status == .seeOther)
            #expect(try await s.post(page + "/decision", form: ["decision": "approve", "comment": ""]).status == .seeOther)
            let approved = try await s.get(page)
            #expect(approved.body.string.contains("version-1") && approved.body.string.contains("version-2") && approved.body.string.contains("data-status=\"approved\""))
            #expect(!approved.body.string.contains("entry-form"))
            let list = try await s.get("/daily-reports?finding=documentViolation")
            #expect(list.body.string.contains("href=\"\(page)\">30 Nov 2026</a>"))
            // The place filter: a kecamatan chosen in the picker finds the report, another one does not.
            let inNgoro = try await s.get("/daily-reports?place_province=35&place_regency=35.16&place_district=35.16.05&place=")
            let elsewhere = try await s.get("/daily-reports?place_province=35&place_regency=35.16&place_district=35.16.01&place=")
            #expect(inNgoro.body.string.contains("href=\"\(page)\"") && !elsewhere.body.string.contains("href=\"\(page)\""))
            let month = try await s.get("/daily-reports/summary?month=2026-11")
            #expect(month.status == .ok && month.body.string.contains("Petugas Imigrasi Surabaya") && month.body.string.contains("Pelanggaran dokumen: 1"))
            #expect(try await s.get("/daily-reports/summary?month=2026-13").status == .unprocessableEntity)
            #expect(!(try await s.get("/daily-reports/summary?month=2026-10")).body.string.contains("month-officer"))
        }
    }

    /// A time as typed on a phone's number pad is understood the way the pages write times; the API keeps HH:MM.
    @Test func aTimeTypedWithADotOrWithoutSeparatorIsTaken() {
        let typed = ["09.30": "09:30", "9.30": "09:30", "9:30": "09:30", "0930": "09:30", "930": "09:30", " 21,05 ": "21:05",
                     "9": "09:00", "23.59": "23:59", "00:00": "00:00", "7-45": "07:45"]
        for (raw, want) in typed { #expect(DailyReportPages.typedTime(raw) == want, "\(raw)") }
        for raw in ["24.00", "9.60", "12345", "9.3", "nine", "09:30:00", "", "١٠:٣٠"] { #expect(DailyReportPages.typedTime(raw) == raw, "\(raw)") }
        #expect(DailyReportPages.typedTime(nil) == nil)
    }

    /// The web entry form after an error: everything typed is still there and each message stands beside
    /// its own field, in Indonesian; nothing is stored.
    @Test func anInvalidWebEntryKeepsItsInputAndShowsTheErrorBesideItsField() async throws {
        try await withTestApp { app in
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            let page = try await o.post("/daily-reports", form: ["date": "2026-11-30"]).headers.first(name: .location) ?? ""
            let client = UUID().uuidString
            let bad = try await o.post(page + "/entries", form: ["clientId": client, "time": "25:00", "kelurahanCode_province": "35", "kelurahanCode_regency": "35.16",
                                                                 "kelurahanCode_district": "35.16.05", "kelurahanCode": "35.16.05.2010", "activity": "lodgingCheck",
                                                                 "personName": "JOHN DOE", "note": "Penginapan dekat pasar", "finding": "overstay"])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("<p class=\"field-error\" id=\"time-error\">Jam: tulis jam antara 00.00 dan 23.59, mis. 09.30.</p>"))
            #expect(html.contains("id=\"time\" name=\"time\" required aria-required=\"true\" aria-describedby=\"time-hint time-error\" aria-invalid=\"true\""))
            #expect(html.contains("value=\"25:00\"") && html.contains("value=\"JOHN DOE\"") && html.contains(">Penginapan dekat pasar</textarea>"))
            #expect(html.contains("value=\"\(client)\""))                                     // the same entry when sent again
            #expect(html.contains("<option value=\"35.16.05.2010\" selected>"))                // the village chosen stays chosen
            #expect(html.contains("<option value=\"overstay\" selected>"))
            // No village chosen: the message stands beside the picker.
            let noPlace = try await o.post(page + "/entries", form: ["clientId": client, "time": "09:00", "kelurahanCode_province": "35", "kelurahanCode_regency": "35.16",
                                                                     "kelurahanCode": "", "activity": "patrol", "finding": "compliant"])
            #expect(noPlace.status == .unprocessableEntity)
            #expect(noPlace.body.string.contains("<p class=\"field-error\" id=\"kelurahanCode-error\">Kelurahan/desa: pilih kelurahan/desa dari daftar.</p>"))
            #expect(try await ReportEntry.query(on: app.db).count() == 0)
            // Without JavaScript the picker's "next" posts the form back: everything typed kept, the villages of the
            // chosen kecamatan to choose from, nothing saved.
            let next = try await o.post(page + "/entries", form: ["_picker": "kelurahanCode", "clientId": client, "time": "09:15", "personName": "JANE", "activity": "patrol", "finding": "compliant",
                                                                  "kelurahanCode_province": "35", "kelurahanCode_regency": "35.16", "kelurahanCode_district": "35.16.05", "kelurahanCode": ""])
            #expect(next.status == .ok)
            #expect(try await ReportEntry.query(on: app.db).count() == 0)
            #expect(next.body.string.contains("value=\"09:15\"") && next.body.string.contains("value=\"JANE\"") && next.body.string.contains("value=\"\(client)\""))
            #expect(next.body.string.contains("<option value=\"35.16.05.2010\">") && next.body.string.contains("<option value=\"35.16.05\" selected>"))
            // A wrong time, no village and no finding: all three named at once.
            let three = try await o.post(page + "/entries", form: ["clientId": client, "time": "25.00", "kelurahanCode": "", "activity": "patrol", "finding": ""])
            #expect(three.status == .unprocessableEntity)
            for field in ["time", "kelurahanCode", "findingSelect"] { #expect(three.body.string.contains("id=\"\(field)-error\""), "\(field)") }
            // Corrected (the time as a phone's number pad types it): saved, with a confirmation.
            let good = try await o.post(page + "/entries", form: ["clientId": client, "time": "9.00", "kelurahanCode_province": "35", "kelurahanCode_regency": "35.16",
                                                                  "kelurahanCode_district": "35.16.05", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant"])
            #expect(good.status == .seeOther && good.headers.setCookie?["sinergi_flash"]?.string == "flash.daily.entrySaved")
            #expect(try await ReportEntry.query(on: app.db).first()?.villageCode == "35.16.05.2010")
            #expect(try await ReportEntry.query(on: app.db).first()?.time == "09:00")
        }
    }

    /// The entry form makes the officer choose the finding; "compliant" for someone the registry has past the permit
    /// is questioned unless the note says why; a second tap with the same content is refused; a saved entry brings the
    /// page back at its row; deleting asks first.
    @Test func aFindingIsChosenAndCheckedAgainstTheRegistry() async throws {
        try await withTestApp { app in
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            let page = try await o.post("/daily-reports", form: ["date": "2026-11-30"]).headers.first(name: .location) ?? ""
            let form = try await o.get(page).body.string
            #expect(form.contains("<option value=\"\" selected>— pilih temuan —</option>") && form.contains("<option value=\"\" selected>— pilih kegiatan —</option>"))
            // Nothing chosen: said in words, not as the list of internal values.
            let empty = try await o.post(page + "/entries", form: ["clientId": UUID().uuidString, "time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "", "finding": ""])
            #expect(empty.body.string.contains("<p class=\"field-error\" id=\"findingSelect-error\">Temuan: pilih salah satu dari daftar.</p>"))
            #expect(!empty.body.string.contains("compliant, documentViolation"))
            // An overstayer in the officer's area, recorded as compliant.
            let today = app.today
            let over = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).sort(\.$fullName).all().first { f in
                if case .overstayed = f.permitState(today: today, departed: f.departed) { return true } else { return false }
            })
            var entry = ["clientId": UUID().uuidString, "time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "passport": over.passportNumber ?? "", "finding": "compliant"]
            let contradicted = try await o.post(page + "/entries", form: entry)
            #expect(contradicted.status == .unprocessableEntity)
            #expect(contradicted.body.string.contains("menurut data imigrasi, pemegang paspor ini sudah melewati izin tinggalnya"))
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.lookup").filter(\.$objectID == over.id!.uuidString).count() == 1)
            #expect(try await ReportEntry.query(on: app.db).count() == 0)
            entry["note"] = "Perpanjangan sudah diajukan, tanda terima ditunjukkan"
            let saved = try await o.post(page + "/entries", form: entry)
            let stored = try #require(try await ReportEntry.query(on: app.db).first())
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == page + "#entry-\(stored.id!.uuidString)")
            // The same again under a new clientId (a second tap after the form emptied): refused, nothing added.
            entry["clientId"] = UUID().uuidString
            let twice = try await o.post(page + "/entries", form: entry)
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("kegiatan yang sama pukul 08.00"))
            #expect(try await ReportEntry.query(on: app.db).count() == 1)
            // The field app's endpoint: the same rules, and a confirmation for the page it reloads.
            entry["clientId"] = UUID().uuidString; entry["time"] = "09:00"
            let json = try await o.post(page + "/entries.json", form: entry, headers: ["X-Sinergi-Confirm": "1"])
            #expect(json.status == .created && json.headers.setCookie?["sinergi_flash"]?.string == "flash.daily.entrySaved")
            entry["clientId"] = UUID().uuidString; entry["time"] = "09:30"
            let background = try await o.post(page + "/entries.json", form: entry)    // synced from another page: no confirmation
            #expect(background.status == .created && background.headers.setCookie?["sinergi_flash"] == nil)
            let shown = try await o.get(page).body.string
            #expect(shown.contains("<tr class=\"entry\" id=\"entry-\(stored.id!.uuidString)\">"))
            #expect(shown.contains("data-confirm=\"Hapus kegiatan pukul 08.00? Kegiatan yang dihapus tidak dapat dikembalikan.\""))
        }
    }

    /// An entry of a report that can still change is corrected in place: the form comes filled with it, a mistake is
    /// named beside its field with what was typed kept, the change is saved over the entry and audited; a submitted
    /// report's entries cannot be changed.
    @Test func anEntryIsCorrectedInPlace() async throws {
        try await withTestApp { app in
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            let page = try await o.post("/daily-reports", form: ["date": "2026-11-30"]).headers.first(name: .location) ?? ""
            let entry = ["clientId": UUID().uuidString, "time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "documentViolation",
                         "personName": "JOHN DOE", "note": "Tanpa paspor"]
            #expect(try await o.post(page + "/entries", form: entry).status == .seeOther)
            let stored = try #require(try await ReportEntry.query(on: app.db).first())
            let editPath = page + "/entries/\(stored.id!.uuidString)/edit"
            #expect(try await o.get(page).body.string.contains("href=\"\(editPath)#edit-entry\">Ubah</a>"))
            let form = try await o.get(editPath).body.string
            #expect(form.contains("id=\"entry-edit-form\"") && !form.contains("id=\"entry-form\""))     // the field app leaves it alone
            #expect(form.contains("value=\"JOHN DOE\"") && form.contains(">Tanpa paspor</textarea>") && form.contains("<option value=\"35.16.05.2010\" selected>"))
            #expect(form.contains("<option value=\"documentViolation\" selected>"))
            // A mistake: beside its field, the rest kept, nothing changed.
            var changed = entry
            changed["time"] = "25:00"; changed["note"] = "Paspor ditahan majikan"
            let bad = try await o.post(editPath, form: changed)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("id=\"time-error\"") && bad.body.string.contains(">Paspor ditahan majikan</textarea>"))
            #expect(try await ReportEntry.find(stored.id, on: app.db)?.note == "Tanpa paspor")
            changed["time"] = "8.30"
            let saved = try await o.post(editPath, form: changed)
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == page + "#entry-\(stored.id!.uuidString)")
            let after = try #require(try await ReportEntry.find(stored.id, on: app.db))
            #expect(after.time == "08:30" && after.note == "Paspor ditahan majikan" && after.clientID == stored.clientID)
            #expect(try await ReportEntry.query(on: app.db).count() == 1)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "daily_report.entry_update").count() == 1)
            // Submitted: locked.
            #expect(try await o.post(page + "/submit", form: [:]).status == .seeOther)
            #expect(try await o.post(editPath, form: changed).status == .conflict)
            #expect(try await o.get(editPath).status == .conflict)
            // Another officer cannot open it.
            let other = Browser(app)
            try await other.login("officer.jaksel@demo.sinergi.id")
            #expect(try await other.get(editPath).status.code >= 400)
        }
    }

    /// The field app's endpoint: a refused entry is answered in JSON with a code, the field and the reason
    /// in the page's language, so the phone can show it as rejected and let the officer correct it.
    @Test func theFieldAppEndpointNamesTheRejectedFieldInThePagesLanguage() async throws {
        try await withTestApp { app in
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            let page = try await o.post("/daily-reports", form: ["date": "2026-11-30"]).headers.first(name: .location) ?? ""
            let client = UUID().uuidString
            var entry = ["clientId": client, "time": "08:45", "kelurahanCode": "Ngoro", "activity": "patrol", "finding": "compliant"]
            let bad = try await o.post(page + "/entries.json", form: entry)
            #expect(bad.status == .unprocessableEntity)
            struct E: Decodable { struct D: Decodable { var code: String; var field: String?; var message: String }; var error: D }
            let e = try decode(E.self, bad)
            #expect(e.error.code == "v.village" && e.error.field == "kelurahanCode" && e.error.message == "Kelurahan/desa: pilih kelurahan/desa dari daftar.")
            o.cookies["lang"] = "en"
            let english = try decode(E.self, try await o.post(page + "/entries.json", form: entry))
            #expect(english.error.message.hasPrefix("Village (kelurahanCode): choose"))
            entry["kelurahanCode"] = "35.16.05.2010"
            #expect(try await o.post(page + "/entries.json", form: entry).status == .created)
            #expect(try await o.post(page + "/entries.json", form: entry).status == .ok)            // sent again: the same entry
            #expect(try await o.post(page + "/submit", form: [:]).status == .seeOther)
            entry["clientId"] = UUID().uuidString
            let locked = try await o.post(page + "/entries.json", form: entry)
            let lockedError = try decode(E.self, locked)
            #expect(locked.status == .conflict && lockedError.error.code == "err.dailySubmitted")
        }
    }

    /// Submitting tells the office's supervisors; approving or returning tells the officer.
    @Test func submitApproveAndReturnNotifyTheRightPeople() async throws {
        try await withTestApp { app in
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let supervisor = try await apiToken(app, "supervisor@demo.sinergi.id")
            let officerID = try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()!.id!
            let supervisors = try await User.query(on: app.db).filter(\.$role == "supervisor").all()
            let office = try await User.find(officerID, on: app.db)!.$office.id!
            let ownSupervisors = Set(supervisors.filter { $0.$office.id == office }.compactMap(\.id))
            #expect(!ownSupervisors.isEmpty)
            func notes(_ kind: String) async throws -> [AppNotification] { try await AppNotification.query(on: app.db).filter(\.$kind == kind).all() }
            let r = try decode(Report.self, try await send(app, .POST, "/api/v1/daily-reports", officer, #"{"date": "2026-11-30", "entries": [\#(entry(UUID()))]}"#))
            #expect(try await notes("daily_report_submitted").isEmpty)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .ok)
            let submitted = try await notes("daily_report_submitted")
            #expect(Set(submitted.map(\.userID)) == ownSupervisors)
            #expect(submitted.allSatisfy { $0.link == "/daily-reports/\(r.id.uuidString)" && $0.title == "Petugas Imigrasi Surabaya · 30 Nov 2026" })
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .ok)    // a retried submit tells nobody again
            #expect(try await notes("daily_report_submitted").count == submitted.count)
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/return", supervisor, #"{"comment": "Lengkapi alamat"}"#).status == .ok)
            #expect(try await notes("daily_report_returned").map(\.userID) == [officerID])
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/submit", officer).status == .ok)
            // Submitted again before the supervisors opened the first notice: that notice stands for both (one unread per thing).
            #expect(try await notes("daily_report_submitted").count == submitted.count)
            #expect(try await notes("daily_report_submitted").allSatisfy { $0.readAt == nil })
            #expect(try await send(app, .POST, "/api/v1/daily-reports/\(r.id)/approve", supervisor, "{}").status == .ok)
            #expect(try await notes("daily_report_approved").map(\.userID) == [officerID])
            // The officer's notification page lists them.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/notifications")
            #expect(page.body.string.contains("Laporan harian disetujui") && page.body.string.contains("Laporan harian dikembalikan"))
        }
    }
}
