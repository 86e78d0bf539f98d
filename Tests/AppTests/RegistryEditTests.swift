@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 15, item 2: officers keep the registry current; identity fields need a second person's approval.
@Suite struct RegistryEditTests {
    static func sbyForeigner(_ app: Application) async throws -> Foreigner {
        let office = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
        let regencies = try await OfficeJurisdiction.query(on: app.db).filter(\.$office.$id == office.id!).all().map(\.regencyCode)
        return try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode ~~ regencies).filter(\.$passportNumber != nil)
            .filter(\.$permitEnd != nil).sort(\.$id).first())
    }

    static func json(_ app: Application, _ method: HTTPMethod, _ path: String, as email: String, _ body: String) async throws -> TestingHTTPResponse {
        var h = bearer(try await apiToken(app, email))
        h.contentType = .json
        return try await app.testing().sendRequest(method, path, headers: h, body: ByteBuffer(string: body))
    }

    static func secondSupervisor(_ app: Application) async throws -> String {
        let office = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
        let u = User()
        u.email = "kasi2@demo.sinergi.id"; u.role = Role.supervisor.rawValue; u.displayName = "Kasi Kedua"; u.language = "id"; u.disabled = false; u.notifyEmail = false
        u.$office.id = office.id
        u.passwordHash = try await PasswordHasher.hash(TestDatabases.password, cost: 4, on: app.threadPool)
        try await u.create(on: app.db)
        return u.email
    }

    /// PATCH: a field left out stays; `null` clears a field that may be empty, exactly as `""` does — the place of
    /// birth at once, the date of birth as a pending identity change; on a field that cannot be empty, `null` leaves it.
    @Test func nullClearsWhatAnEmptyValueClearsAndLeftOutStays() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            f.placeOfBirth = "Osaka"
            try await f.save(on: app.db)
            let path = "/api/v1/foreigners/\(f.id!)"
            let left = try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", #"{"sex": "\#(f.sex)", "reason": "Periksa"}"#)
            #expect(left.status == .ok)
            #expect(try #require(try await Foreigner.find(f.id, on: app.db)).placeOfBirth == "Osaka")
            let cleared = try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", #"{"placeOfBirth": null, "reason": "Tidak tercatat di paspor"}"#)
            #expect(cleared.status == .ok)
            #expect(try #require(try await Foreigner.find(f.id, on: app.db)).placeOfBirth == nil)
            struct P: Decodable { var pendingChangeId: UUID }
            for body in [#"{"dateOfBirth": null, "reason": "Tanggal lahir tidak diketahui"}"#, #"{"dateOfBirth": "", "reason": "Tanggal lahir tidak diketahui"}"#] {
                let res = try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", body)
                #expect(res.status == .accepted, "\(body)")
                let id = try JSONDecoder().decode(P.self, from: Data(res.body.readableBytesView)).pendingChangeId
                let change = try #require(try await PendingChange.find(id, on: app.db)).changeList
                #expect(change.count == 1 && change[0].field == "dateOfBirth" && change[0].new == nil && change[0].old == f.dateOfBirth, "\(body)")
            }
            #expect(try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", #"{"familyName": null, "reason": "x"}"#).status == .ok)
            #expect(try #require(try await Foreigner.find(f.id, on: app.db)).familyName == f.familyName)
        }
    }

    @Test func identityChangesWaitForASecondSupervisor() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            let path = "/api/v1/foreigners/\(f.id!)"
            // No reason: refused, nothing proposed.
            #expect(try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", #"{"familyName": "Koreksi"}"#).status == .unprocessableEntity)
            // The API asks for the reason even when nothing would change, as its document says (the web form says
            // "nothing changed" first).
            #expect(try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", "{}").status == .unprocessableEntity)
            let proposed = try await Self.json(app, .PATCH, path, as: "officer@demo.sinergi.id", #"{"familyName": "Koreksi", "sex": "X", "reason": "Sesuai paspor"}"#)
            #expect(proposed.status == .accepted)
            struct P: Decodable { var pendingChangeId: UUID }
            let pending = try JSONDecoder().decode(P.self, from: Data(proposed.body.readableBytesView)).pendingChangeId
            let now = try #require(try await Foreigner.find(f.id, on: app.db))
            #expect(now.familyName == f.familyName)   // the identity change takes no effect yet …
            #expect(now.sex == "X")                   // … the other field at once

            // The pending change is visible on the record's page.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/foreigners/\(f.id!)?purpose=verification").body.string
            #expect(page.contains("Menunggu persetujuan") && page.contains("KOREKSI"))
            // The address names its place: village, kecamatan and city, not only a code.
            let regency = try #require(try await Region.find(f.regencyCode, on: app.db)?.name)
            #expect(page.contains(", Kec. ") && page.contains(", \(regency)"))

            // Officers cannot decide; the supervisor who proposed cannot either; another supervisor can.
            #expect(try await Self.json(app, .POST, "/api/v1/pending-changes/\(pending)/approve", as: "officer@demo.sinergi.id", "{}").status == .forbidden)
            let own = try await Self.json(app, .PATCH, path, as: "supervisor@demo.sinergi.id", #"{"dateOfBirth": "1980-01-02", "reason": "Akta lahir"}"#)
            #expect(own.status == .accepted)
            let ownID = try JSONDecoder().decode(P.self, from: Data(own.body.readableBytesView)).pendingChangeId
            #expect(try await Self.json(app, .POST, "/api/v1/pending-changes/\(ownID)/approve", as: "supervisor@demo.sinergi.id", "{}").status == .forbidden)
            #expect(try await Self.json(app, .POST, "/api/v1/pending-changes/\(pending)/approve", as: "officer.jaksel@demo.sinergi.id", "{}").status == .notFound)
            let approved = try await Self.json(app, .POST, "/api/v1/pending-changes/\(pending)/approve", as: "supervisor@demo.sinergi.id", "{}")
            #expect(approved.status == .ok)
            #expect(try #require(try await Foreigner.find(f.id, on: app.db)).familyName == "KOREKSI")
            #expect(try await Self.json(app, .POST, "/api/v1/pending-changes/\(pending)/approve", as: "supervisor@demo.sinergi.id", "{}").status == .conflict)

            let second = try await Self.secondSupervisor(app)
            #expect(try await Self.json(app, .POST, "/api/v1/pending-changes/\(ownID)/reject", as: second, "{}").status == .unprocessableEntity)   // a reason is needed
            #expect(try await Self.json(app, .POST, "/api/v1/pending-changes/\(ownID)/reject", as: second, #"{"note": "Akta tidak terlampir"}"#).status == .ok)
            #expect(try #require(try await Foreigner.find(f.id, on: app.db)).dateOfBirth == f.dateOfBirth)

            // The history: the direct change by the officer, the approved one with both names and the reason.
            let res = try await app.testing().sendRequest(.GET, "\(path)/history", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
            struct Item: Decodable { var field: String; var old: String?; var new: String?; var by: String; var source: String; var reason: String? }
            struct Page: Decodable { var items: [Item] }
            let items = try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView)).items
            let name = try #require(items.first { $0.field == "familyName" })
            #expect(name.old == f.familyName && name.new == "KOREKSI" && name.source == "approved:\(pending.uuidString)" && name.reason == "Sesuai paspor")
            #expect(name.by.contains("Petugas Imigrasi Surabaya") && name.by.contains("Kasi Inteldakim"))
            #expect(items.contains { $0.field == "sex" && $0.new == "X" && $0.source == "officer" })
            #expect(!items.contains { $0.field == "dateOfBirth" })
            guard case .success = try await AuditLog.verify(on: app.db) else { Issue.record("audit chain broken"); return }
        }
    }

    @Test func officersCreateAndUpdateRecordsWithinTheirJurisdiction() async throws {
        try await withTestApp { app in
            let body = """
                {"familyName": "Baru", "givenNames": "Orang", "sex": "M", "dateOfBirth": "1990-05-06", "nationality": "AUS",
                 "passport": {"number": "PA1234567", "expiresOn": "2031-01-01"},
                 "address": {"line": "Jl. Raya 1", "villageCode": "35.16.05.2010", "validFrom": "2026-11-01"},
                 "permit": {"number": "2C21NEW0001", "type": "E23", "startOn": "2026-11-01", "endOn": "2027-10-31"},
                 "reason": "Tidak ada di data Imigrasi"}
                """
            for who in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id", "admin@demo.sinergi.id"] {
                #expect(try await Self.json(app, .POST, "/api/v1/foreigners", as: who, body).status == .forbidden)
            }
            let created = try await Self.json(app, .POST, "/api/v1/foreigners", as: "officer@demo.sinergi.id", body)
            #expect(created.status == .created)
            struct D: Decodable { struct F: Decodable { var id: UUID; var fullName: String; var permitCategory: String?; var passportNumber: String? }; var foreigner: F }
            let d = try JSONDecoder().decode(D.self, from: Data(created.body.readableBytesView)).foreigner
            #expect(d.fullName == "ORANG BARU" && d.permitCategory == "ITAS" && d.passportNumber == "PA1234567")
            #expect(try await Self.json(app, .POST, "/api/v1/foreigners", as: "officer@demo.sinergi.id", body).status == .conflict)   // the same passport again
            let elsewhere = body.replacingOccurrences(of: "35.16.05.2010", with: "31.74.01.1001").replacingOccurrences(of: "PA1234567", with: "PA7654321")
            let refused = try await Self.json(app, .POST, "/api/v1/foreigners", as: "officer@demo.sinergi.id", elsewhere)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("villageCode"))
            // Another office's officer does not see the new record.
            #expect(try await Self.json(app, .PATCH, "/api/v1/foreigners/\(d.id)", as: "officer.jaksel@demo.sinergi.id", #"{"sex": "F", "reason": "x"}"#).status == .notFound)

            // An extension, a new address, a renewed passport: at once, each in the history.
            let ext = try await Self.json(app, .PATCH, "/api/v1/foreigners/\(d.id)/permits/2C21NEW0001", as: "officer@demo.sinergi.id", #"{"endOn": "2028-10-31", "reason": "Perpanjangan"}"#)
            #expect(ext.status == .ok)
            #expect(try await Foreigner.find(d.id, on: app.db)?.permitEnd == "2028-10-31")
            #expect(try await Self.json(app, .POST, "/api/v1/foreigners/\(d.id)/addresses", as: "officer@demo.sinergi.id",
                                        #"{"line": "Jl. Baru 2", "villageCode": "35.16.05.2010", "validFrom": "2026-11-20", "reason": "Pindah"}"#).status == .created)
            #expect(try await Self.json(app, .POST, "/api/v1/foreigners/\(d.id)/passports", as: "officer@demo.sinergi.id",
                                        #"{"number": "PB7654321", "expiresOn": "2036-01-01", "reason": "Paspor baru"}"#).status == .created)
            let f = try #require(try await Foreigner.find(d.id, on: app.db))
            #expect(f.passportNumber == "PB7654321")
            let addresses = try await Address.query(on: app.db).filter(\.$foreigner.$id == d.id).sort(\.$validFrom).all()
            #expect(addresses.map(\.line) == ["Jl. Raya 1", "Jl. Baru 2"] && addresses.map(\.isCurrent) == [false, true])
            let cancel = try await Self.json(app, .PATCH, "/api/v1/foreigners/\(d.id)/permits/2C21NEW0001", as: "officer@demo.sinergi.id", #"{"status": "cancelled", "reason": "Dideportasi"}"#)
            #expect(cancel.status == .ok)
            #expect(try await Foreigner.find(d.id, on: app.db)?.permitEnd == nil)
            struct N: Decodable { var n: Int }
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM registry_history WHERE foreigner_id = \(bind: d.id)").first(decoding: N.self)!.n
            #expect(rows == 5)   // created, permit.endOn, address, passport, permit.status
        }
    }

    /// A permit issued under a new number (a renewal, a change of status) is recorded by API: the summary follows the
    /// permit ending last, a replaced permit is marked so, each step is in the history and on the audit trail, every wrong
    /// field is named at once, and a number already held is refused saying whose it is.
    @Test func aNewPermitIsRecordedUnderItsOwnNumber() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            let permits = try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$status == "active").sort(\.$endOn, .descending).all()
            let old = try #require(permits.first)
            // The days below are fixed (the change of status from 1 Dec 2026 takes the renewal over from its first day):
            // the renewal begins then whichever record the query returns, its permit ending the day before.
            old.endOn = "2026-11-30"
            if old.startOn > "2026-11-30" { old.startOn = "2025-12-01" }
            try await old.save(on: app.db)
            let path = "/api/v1/foreigners/\(f.id!)/permits"
            let start = try #require(Day.adding(1, to: old.endOn)), end = try #require(Day.adding(366, to: old.endOn))
            let body = #"{"number": " 2c21renew01 ", "type": "e23", "startOn": "\#(start)", "endOn": "\#(end)", "reason": "Perpanjangan ITAS"}"#
            for who in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id", "admin@demo.sinergi.id"] {
                #expect(try await Self.json(app, .POST, path, as: who, body).status == .forbidden)
            }
            #expect(try await Self.json(app, .POST, path, as: "officer.jaksel@demo.sinergi.id", body).status == .notFound)
            // Every wrong field at once: the first in `error`, the others in `error.more`; nothing is written.
            struct E: Decodable { struct D: Decodable { var field: String?; var more: [D]? }; var error: D }
            let bad = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id",
                                          #"{"number": "", "type": "NOPE", "startOn": "2027-02-30", "endOn": "2026-01-01", "replaces": "XYZ", "reason": "Perpanjangan"}"#)
            #expect(bad.status == .unprocessableEntity)
            let e = try JSONDecoder().decode(E.self, from: Data(bad.body.readableBytesView)).error
            #expect([e.field] + (e.more ?? []).map(\.field) == ["permitNumber", "permitType", "startOn", "replaces"])   // no order to check without a start
            let backwards = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id",
                                                #"{"number": "2C21X", "type": "E23", "startOn": "2027-05-01", "endOn": "2027-04-30", "reason": "Perpanjangan"}"#)
            #expect(backwards.status == .unprocessableEntity && backwards.body.string.contains("\"field\":\"endOn\""))
            #expect(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).count() == permits.count)

            let added = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", body)
            #expect(added.status == .created)
            struct D: Decodable {
                struct F: Decodable { var permitEnd: String?; var permitStart: String? }
                struct P: Decodable { var number: String; var type: String; var status: String; var startOn: String; var endOn: String }
                var foreigner: F; var permits: [P]
            }
            let d = try JSONDecoder().decode(D.self, from: Data(added.body.readableBytesView))
            let renewal = try #require(d.permits.first { $0.number == "2C21RENEW01" })   // trimmed, upper-cased
            #expect(renewal.type == "E23" && renewal.status == "active" && renewal.startOn == start && renewal.endOn == end)
            #expect(d.foreigner.permitEnd == end)
            // A renewal from the day after continues the stay: it began with the old permit.
            #expect(d.foreigner.permitStart != start)
            #expect(try await Foreigner.find(f.id, on: app.db)?.permitEnd == end)
            // The same number again: this person's own; another person's: someone else's.
            let again = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", body)
            #expect(again.status == .conflict && again.body.string.contains("already recorded for this person"))
            let other = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id != f.id!).first())
            let taken = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", body.replacingOccurrences(of: " 2c21renew01 ", with: other.number))
            #expect(taken.status == .conflict && taken.body.string.contains("already recorded for another person"))

            // A change of status cannot begin before the permit it takes over (a slip of the date): refused, nothing written.
            let early = #"{"number": "2D11KONV09", "type": "ITAP", "startOn": "2026-11-15", "endOn": "2031-11-14", "replaces": "2c21renew01", "reason": "Alih status ke ITAP"}"#
            let tooEarly = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", early)
            #expect(tooEarly.status == .unprocessableEntity && tooEarly.body.string.contains("\"field\":\"startOn\"") && tooEarly.body.string.contains("2026-12-01"),
                    "\(tooEarly.body.string)")
            #expect(try await StayPermit.query(on: app.db).filter(\.$number == "2D11KONV09").count() == 0)
            // A change of status replaces the permit it names: that one is marked replaced and no longer counts.
            let itap = #"{"number": "2D11KONV01", "type": "ITAP", "startOn": "2026-12-01", "endOn": "2031-11-30", "replaces": "2c21renew01", "reason": "Alih status ke ITAP"}"#
            #expect(try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", itap).status == .created)
            let replaced = try #require(try await StayPermit.query(on: app.db).filter(\.$number == "2C21RENEW01").first())
            #expect(replaced.status == "replaced")
            let after = try #require(try await Foreigner.find(f.id, on: app.db))
            #expect(after.permitEnd == "2031-11-30" && after.permitCategory == "ITAP")
            // A permit replaced from its first day is not extended, and the edit page no longer offers it for that.
            let extend = try await Self.json(app, .PATCH, path + "/2C21RENEW01", as: "officer@demo.sinergi.id", #"{"endOn": "2032-01-01", "reason": "Perpanjangan"}"#)
            #expect(extend.status == .unprocessableEntity && extend.body.string.contains("\"field\":\"endOn\"")
                    && extend.body.string.contains("taken over by permit 2D11KONV01"), "the message names the permit to extend instead")
            // Nor brought back beside the permit that replaced it (it may only be cancelled, should the change have been a mistake).
            let back = try await Self.json(app, .PATCH, path + "/2C21RENEW01", as: "officer@demo.sinergi.id", #"{"status": "active", "reason": "Koreksi"}"#)
            #expect(back.status == .unprocessableEntity && back.body.string.contains("\"field\":\"status\"") && back.body.string.contains("only be changed to cancelled")
                    && back.body.string.contains("permit 2D11KONV01"))
            let edit = Browser(app)
            try await edit.login("officer@demo.sinergi.id")
            let page = try await edit.get("/foreigners/\(f.id!)/edit").body.string
            let extensionSection = try #require(page.range(of: "id=\"permit\"").map { String(page[$0.lowerBound...].prefix(4000)) })
            #expect(!extensionSection.contains("value=\"2C21RENEW01\"") && extensionSection.contains("value=\"2D11KONV01\""))
            // … and says so under the list.
            #expect(extensionSection.contains("Tidak ada di daftar: 2C21RENEW01, sudah digantikan"), "\(extensionSection)")
            // Only an active permit of this person can be replaced.
            let notActive = itap.replacingOccurrences(of: "2D11KONV01", with: "2D11KONV02")
            let refused = try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", notActive)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("\"field\":\"replaces\""))

            struct H: Decodable { var field: String; var old_value: String?; var new_value: String? }
            let history = try await (app.db as! any SQLDatabase).raw("""
                SELECT field, old_value, new_value FROM registry_history WHERE foreigner_id = \(bind: f.id!) AND object_type = 'permit' ORDER BY recorded_at, field, new_value
                """).all(decoding: H.self)
            #expect(history.map(\.field) == ["permit", "permit", "permit.status"])
            #expect(history[0].new_value == "2C21RENEW01 E23 \(start)–\(end)" && history[1].old_value == "2C21RENEW01")
            #expect(history[2].old_value == "active" && history[2].new_value == "replaced")
            struct N: Decodable { var n: Int }
            let events = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'foreigner.permit.add' AND object_id = \(bind: f.id!.uuidString)")
                .first(decoding: N.self)
            #expect(events?.n == 2)

            // Taken over later, the permit replaced stays in force until the day before the new one begins: no gap.
            let later = #"{"number": "2D11KONV03", "type": "ITAP", "startOn": "2027-06-01", "endOn": "2032-05-31", "replaces": "2D11KONV01", "reason": "Alih status"}"#
            #expect(try await Self.json(app, .POST, path, as: "officer@demo.sinergi.id", later).status == .created)
            let cut = try #require(try await StayPermit.query(on: app.db).filter(\.$number == "2D11KONV01").first())
            #expect(cut.status == "active" && cut.endOn == "2027-05-31")
            let continued = try #require(try await Foreigner.find(f.id, on: app.db))
            #expect(continued.permitEnd == "2032-05-31" && continued.permitPriorEnd == nil)
            // Taken over later, it is not extended into the permit that took it over (the two would overlap).
            let overlap = try await Self.json(app, .PATCH, path + "/2D11KONV01", as: "officer@demo.sinergi.id", #"{"endOn": "2028-01-01", "reason": "Perpanjangan"}"#)
            #expect(overlap.status == .unprocessableEntity && overlap.body.string.contains("\"field\":\"endOn\"") && overlap.body.string.contains("must be before 2027-06-01: permit 2D11KONV03 is in force from that day"))
            #expect(try await StayPermit.query(on: app.db).filter(\.$number == "2D11KONV01").first()?.endOn == "2027-05-31")
            // An end before the current one is refused unless it is said to be a correction.
            let shorter = try await Self.json(app, .PATCH, path + "/2D11KONV03", as: "officer@demo.sinergi.id", #"{"endOn": "2031-05-31", "reason": "Perpanjangan"}"#)
            #expect(shorter.status == .unprocessableEntity && shorter.body.string.contains("\"field\":\"endOn\"") && shorter.body.string.contains("before the current end date (2032-05-31)")
                    && shorter.body.string.contains("sent with shorten: true"))
            // Said to be shortened with a later date: one of the two is a slip.
            let notShorter = try await Self.json(app, .PATCH, path + "/2D11KONV03", as: "officer@demo.sinergi.id", #"{"endOn": "2033-05-31", "shorten": true, "reason": "Koreksi"}"#)
            #expect(notShorter.status == .unprocessableEntity && notShorter.body.string.contains("v.permitNotShorter"))
            #expect(try await StayPermit.query(on: app.db).filter(\.$number == "2D11KONV03").first()?.endOn == "2032-05-31")
            let corrected = try await Self.json(app, .PATCH, path + "/2D11KONV03", as: "officer@demo.sinergi.id", #"{"endOn": "2031-05-31", "shorten": true, "reason": "Koreksi tanggal"}"#)
            #expect(corrected.status == .ok)
            #expect(try await StayPermit.query(on: app.db).filter(\.$number == "2D11KONV03").first()?.endOn == "2031-05-31")
            // The record's history writes the days as the pages do.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let record = try await b.get("/foreigners/\(f.id!)?purpose=verification").body.string
            #expect(record.contains("2D11KONV03 ITAP 1 Jun 2027–31 Mei 2032") && record.contains(">31 Mei 2027<"))
            #expect(!record.contains("2027-06-01"))
        }
    }

    /// The edit page's "new permit" form: begins the day after the permit ending last, keeps what was typed with the
    /// mistake beside its field in Indonesian, and once saved the record shows the new permit; an ended permit's row
    /// says it ended, not "Aktif".
    @Test func theNewPermitFormKeepsInputAndTheRecordShowsEndedPermits() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            let old = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$status == "active").sort(\.$endOn, .descending).first())
            let next = try #require(Day.adding(1, to: old.endOn))
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/foreigners/\(f.id!)/edit").body.string
            let startInput = try #require(page.range(of: "id=\"new-permit-start\"").map { page[$0.lowerBound...].prefix { $0 != ">" } })
            #expect(page.contains("id=\"new-permit-form\"") && startInput.contains("value=\"\(next)\""))
            let bad = try await b.post("/foreigners/\(f.id!)/edit/new-permit", form: ["permitNumber": "2C21FORM01", "permitType": "E23", "startOn": next,
                                                                                     "endOn": "2020-01-01", "reason": "Perpanjangan ITAS"])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("value=\"2C21FORM01\"") && html.contains("Perpanjangan ITAS"))   // what was typed stays
            #expect(html.contains("Berakhir tidak boleh sebelum"))                                    // Indonesian, beside its field
            let ok = try await b.post("/foreigners/\(f.id!)/edit/new-permit", form: ["permitNumber": "2C21FORM01", "permitType": "E23", "startOn": next,
                                                                                    "endOn": try #require(Day.adding(365, to: next)), "reason": "Perpanjangan ITAS"])
            #expect(ok.status == .seeOther)
            let record = try await b.get("/foreigners/\(f.id!)?purpose=verification").body.string
            #expect(record.contains("2C21FORM01"))
            // The same number again: said beside the number.
            let twice = try await b.post("/foreigners/\(f.id!)/edit/new-permit", form: ["permitNumber": "2C21FORM01", "permitType": "E23", "startOn": next,
                                                                                       "endOn": try #require(Day.adding(365, to: next)), "reason": "Perpanjangan ITAS"])
            #expect(twice.status == .conflict && twice.body.string.contains("id=\"new-permit-number-error\">Izin tinggal 2C21FORM01 sudah tercatat untuk orang ini."))
            // A permit whose last day has passed, still stored as active: its row says it ended.
            old.endOn = "2026-11-02"
            try await old.save(on: app.db)
            let ended = try await b.get("/foreigners/\(f.id!)?purpose=verification").body.string
            #expect(ended.contains("<td data-label=\"Status izin\">Berakhir 2 Nov 2026</td>"))
        }
    }

    @Test func theEditPagesKeepInputAndShowErrorsBesideTheField() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let edit = try await b.get("/foreigners/\(f.id!)/edit")
            #expect(edit.status == .ok && edit.body.string.contains("identity-form") && edit.body.string.contains("address-form"))
            let bad = try await b.post("/foreigners/\(f.id!)/edit/address", form: ["line": "Jl. Mangga 7", "validFrom": "2026-11-31", "reason": "Pindah rumah"])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("Jl. Mangga 7") && html.contains("Pindah rumah"))        // what was typed stays
            #expect(html.contains("villageCode-error") || html.contains("validFrom"))
            #expect(html.contains("pilih kelurahan/desa") || html.contains("wajib diisi"))  // Indonesian, beside its field
            let ok = try await b.post("/foreigners/\(f.id!)/edit/identity", form: ["familyName": "Lain", "givenNames": f.givenNames, "nationality": f.nationality,
                                                                                    "dateOfBirth": f.dateOfBirth ?? "", "passportNumber": f.passportNumber ?? "", "sex": f.sex, "reason": "Salah ketik"])
            #expect(ok.status == .seeOther)
            let list = try await b.get("/pending-changes")
            #expect(list.body.string.contains("LAIN") && list.body.string.contains("Usulan Anda sendiri"))
            let newPage = try await b.get("/foreigners/new")
            #expect(newPage.status == .ok && newPage.body.string.contains("new-foreigner"))
            // Saved with nothing changed and no reason: "nothing changed", not "give a reason".
            let same = try await b.post("/foreigners/\(f.id!)/edit/identity", form: ["familyName": f.familyName, "givenNames": f.givenNames, "nationality": f.nationality,
                                                                                      "dateOfBirth": f.dateOfBirth ?? "", "passportNumber": f.passportNumber ?? "", "sex": f.sex])
            #expect(same.status == .seeOther)
            #expect(try await b.get(same.headers.first(name: .location) ?? "").body.string.contains("Tidak ada yang berubah."))
            // A name and the sex changed together: the sex is saved at once, the name waits, and the message says both.
            let other = f.sex == "M" ? "F" : "M"
            let both = try await b.post("/foreigners/\(f.id!)/edit/identity", form: ["familyName": "Lain Lagi", "givenNames": f.givenNames, "nationality": f.nationality,
                                                                                      "dateOfBirth": f.dateOfBirth ?? "", "passportNumber": f.passportNumber ?? "", "sex": other, "reason": "Salah ketik"])
            #expect(both.status == .seeOther && both.headers.setCookie?["sinergi_flash"]?.string == "flash.reg.partlyPending")
            let after = try await Foreigner.find(f.id!, on: app.db)
            #expect(after?.sex == other && after?.familyName == f.familyName)
            // A permit change with neither a new end nor a status says to give one of them.
            // The permit in force ending last: no later permit takes it over, so only the order of its dates is in question below.
            let permit = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$status == "active")
                .sort(\.$endOn, .descending).first())
            let neither = try await b.post("/foreigners/\(f.id!)/edit/permit", form: ["permitNumber": permit.number, "reason": "Cek"])
            #expect(neither.status == .unprocessableEntity && neither.body.string.contains("Isi tanggal berakhir yang baru, atau pilih status izin."))
            // An end before the current one: refused in Indonesian beside the date, what was typed kept, nothing written; said
            // to be a correction, saved.
            let earlier = try #require(Day.adding(-30, to: permit.endOn))
            try #require(earlier > permit.startOn)
            let slip = try await b.post("/foreigners/\(f.id!)/edit/permit", form: ["permitNumber": permit.number, "endOn": earlier, "reason": "Perpanjangan"])
            let slipPage = slip.body.string
            #expect(slip.status == .unprocessableEntity && slipPage.contains("id=\"permit-end-error\">Berakhir (baru) lebih awal dari tanggal berakhir sekarang"))
            #expect(slipPage.contains("value=\"\(earlier)\"") && slipPage.contains("Perpanjangan") && slipPage.contains("id=\"permit-shorten\""))
            #expect(slipPage.contains("pilih \u{201C}Ya\u{201D} pada \u{201C}Memperpendek izin?\u{201D}") && !slipPage.contains("shorten: true"))
            let later = try await b.post("/foreigners/\(f.id!)/edit/permit", form: ["permitNumber": permit.number, "endOn": "2040-01-01", "shorten": "true", "reason": "Koreksi"])
            #expect(later.status == .unprocessableEntity && later.body.string.contains("padahal dipilih \u{201C}Ya\u{201D}"))
            #expect(try await StayPermit.find(permit.id, on: app.db)?.endOn == permit.endOn)
            let shortened = try await b.post("/foreigners/\(f.id!)/edit/permit", form: ["permitNumber": permit.number, "endOn": earlier, "shorten": "true", "reason": "Koreksi"])
            #expect(shortened.status == .seeOther)
            #expect(try await StayPermit.find(permit.id, on: app.db)?.endOn == earlier)
            // A permit that is not this person's (a forged or stale form): said beside the list, nothing written.
            let forged = try await b.post("/foreigners/\(f.id!)/edit/permit", form: ["permitNumber": "NOPE0001", "endOn": "2030-01-01", "reason": "Perpanjangan"])
            #expect(forged.status == .unprocessableEntity && forged.body.string.contains("id=\"permit-number-error\">Pilihan tidak ditemukan pada data ini."))
            // On a record that has a job, so that the list stands on the page (the test's first foreigner, chosen by a random
            // id, may have none: the message then stood at the top and this check failed now and then).
            let office = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
            let regencies = try await OfficeJurisdiction.query(on: app.db).filter(\.$office.$id == office.id!).all().map(\.regencyCode)
            let inScope = Set(try await Foreigner.query(on: app.db).filter(\.$regencyCode ~~ regencies).all().compactMap(\.id))
            let worker = try #require(try await Employment.query(on: app.db).all().map { $0.$foreigner.id }.filter { inScope.contains($0) }.sorted { $0.uuidString < $1.uuidString }.first)
            let otherJob = try await b.post("/foreigners/\(worker)/edit/employment", form: ["employmentId": UUID().uuidString, "endOn": "2026-11-01", "reason": "Berhenti"])
            #expect(otherJob.status == .unprocessableEntity && otherJob.body.string.contains("id=\"employmentId-error\">Pilihan tidak ditemukan pada data ini."))
        }
    }

    /// Namesake sponsors are told apart in the new-foreigner form's list by address and NIB; others by name alone.
    @Test func namesakeSponsorsAreToldApart() {
        func sponsor(_ name: String, _ address: String, nib: String?) -> Sponsor {
            let s = Sponsor(); s.id = UUID(); s.name = name; s.address = address; s.nib = nib; return s
        }
        let list = [sponsor("Agus Setiawan", "Jl. Darmo 1", nib: nil), sponsor("AGUS SETIAWAN", String(repeating: "Jl. Panjang ", count: 5), nib: "1234567890123"),
                    sponsor("PT Maju", "Jl. Raya 2", nib: "9999999999999")]
        let labels = SponsorPicker.options(list).map(\.label)
        #expect(labels[0] == "Agus Setiawan · Jl. Darmo 1")
        #expect(labels[1].hasPrefix("AGUS SETIAWAN · Jl. Panjang") && labels[1].contains("… · NIB 1234567890123"))
        #expect(labels[2] == "PT Maju")
    }

    /// An office with more sponsors than a list can show finds one by searching: the form keeps what was typed, the
    /// list holds the matches (the first 50 of many, said so), and a sponsor already chosen stays listed.
    @Test func aLargeOfficeFindsItsSponsorBySearching() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            let model = try #require(try await Sponsor.query(on: app.db).filter(\.$regencyCode == (f.regencyCode ?? "")).first())
            try await app.db.transaction { db in
                for i in 0..<(SearchPicker.listAll + 20) {
                    let s = Sponsor()
                    s.kind = "company"; s.name = "PT Uji Coba \(i)"; s.address = "Jl. Uji \(i)"; s.villageCode = model.villageCode
                    s.regencyCode = model.regencyCode; s.language = "id"
                    try await s.create(on: db)
                }
            }
            let wanted = try #require(try await Sponsor.query(on: app.db).filter(\.$name == "PT Uji Coba 317").first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let start = try await b.get("/foreigners/new").body.string
            #expect(start.contains("id=\"sponsorId-q\"") && start.contains("penjamin: ketik sebagian nama") && !start.contains("PT Uji Coba 1<"))
            // Without JavaScript "Cari" posts the form back; nothing typed goes into the URL and nothing is saved.
            let people = try await Foreigner.query(on: app.db).count()
            let posted = try await b.post("/foreigners/new", form: ["_picker": "sponsorId", "sponsorId_q": "uji coba 317", "familyName": "Tanaka"])
            #expect(posted.status == .ok && posted.body.string.contains("value=\"Tanaka\""))
            // The cursor lands on the results, so the page opens there and not at its top.
            #expect(posted.body.string.contains("<select id=\"sponsorId\" name=\"sponsorId\"") &&
                    posted.body.string.components(separatedBy: "<select id=\"sponsorId\"")[1].prefix { $0 != ">" }.contains("autofocus"))
            #expect(try await Foreigner.query(on: app.db).count() == people)
            // With JavaScript the page asks for the picker's own fields only (GET), and the same list comes back.
            let one = try await b.get("/foreigners/new?_picker=sponsorId&sponsorId_q=uji+coba+317&familyName=Tanaka").body.string
            // A lone match is chosen at once.
            #expect(one.contains("<option value=\"\(wanted.id!.uuidString)\" selected>PT Uji Coba 317 · Jl. Uji 317</option>") && one.contains("1 penjamin cocok, sudah dipilih"))
            #expect(one.contains("value=\"Tanaka\""))   // what was typed stays
            let many = try await b.get("/foreigners/new?_picker=sponsorId&sponsorId_q=uji").body.string
            #expect(many.contains("\(SearchPicker.shown) pertama dari \(SearchPicker.listAll + 20) yang cocok"))
            #expect(many.components(separatedBy: "PT Uji Coba").count - 1 == SearchPicker.shown)
            // An NPWP is found by its digits, however it was written.
            wanted.npwp = "99.888.777.6-555.444"
            try await wanted.save(on: app.db)
            let byNPWP = try await b.get("/foreigners/new?_picker=sponsorId&sponsorId_q=998887776555444").body.string
            #expect(byNPWP.contains("<option value=\"\(wanted.id!.uuidString)\" selected>PT Uji Coba 317 · NPWP 99.888.777.6-555.444</option>"))
            let kept = try await b.get("/foreigners/new?_picker=sponsorId&sponsorId_q=zzz&sponsorId=\(wanted.id!.uuidString)").body.string
            #expect(kept.contains("Tidak ada penjamin yang cocok dengan &quot;zzz&quot;."))
            #expect(kept.contains("<option value=\"\(wanted.id!.uuidString)\" selected>PT Uji Coba 317 · NPWP 99.888.777.6-555.444</option>"))
            // The words in any order; the one match found replaces a sponsor chosen before (a renewal's pre-filled one).
            let reordered = try await b.get("/foreigners/new?_picker=sponsorId&sponsorId_q=317+coba&sponsorId=\(model.id!.uuidString)").body.string
            #expect(reordered.contains("<option value=\"\(wanted.id!.uuidString)\" selected>") && reordered.contains("1 penjamin cocok, sudah dipilih"))
            #expect(!reordered.contains("<option value=\"\(model.id!.uuidString)\" selected>"))
            // Merging a duplicate: the other sponsor is searched for too (the list used to stop at 1,000), and the
            // search, posted back without JavaScript, merges nothing.
            let keep = try #require(try await Sponsor.query(on: app.db).filter(\.$name == "PT Uji Coba 5").first())
            let edit = try await b.get("/sponsors/\(keep.id!.uuidString)/edit").body.string
            #expect(edit.contains("id=\"duplicateId-q\"") && edit.contains("perusahaan: ketik sebagian nama, NIB atau NPWP"))
            let search = try await b.post("/sponsors/\(keep.id!.uuidString)/merge", form: ["_picker": "duplicateId", "duplicateId_q": "998887776555444", "reason": "Dua kali tercatat"])
            #expect(search.status == .ok)
            #expect(search.body.string.contains("<option value=\"\(wanted.id!.uuidString)\" selected>PT Uji Coba 317 · NPWP 99.888.777.6-555.444</option>"))
            #expect(search.body.string.contains(">Dua kali tercatat</textarea>") || search.body.string.contains("value=\"Dua kali tercatat\""))
            #expect(try await Sponsor.find(wanted.id, on: app.db)?.mergedInto == nil)
        }
    }

    /// A passport already recorded is refused saying whose it is: this person's own (a renewal typed twice) or another
    /// person's; the message takes the focus, as it stands far down the page with no field at fault.
    @Test func aPassportAlreadyRecordedSaysWhoseItIs() async throws {
        try await withTestApp { app in
            let f = try await Self.sbyForeigner(app)
            let other = try #require(try await Foreigner.query(on: app.db).filter(\.$passportNumber != nil).filter(\.$id != f.id!)
                .filter(\.$nationality == f.nationality).first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            _ = try await b.get("/foreigners/\(f.id!)/edit")
            for (number, says) in [(f.passportNumber!, "sudah tercatat untuk orang ini"), (other.passportNumber!, "sudah tercatat atas orang lain")] {
                let res = try await b.post("/foreigners/\(f.id!)/edit/passport", form: ["number": number, "issuingCountry": f.nationality,
                                                                                     "expiresOn": "2035-01-01", "reason": "Perpanjangan"])
                #expect(res.status == .conflict)
                let html = res.body.string
                #expect(html.contains("Paspor \(number) \(says).") && html.contains("Perpanjangan"), "\(says)")
                #expect(html.contains("id=\"passport-form-error\" tabindex=\"-1\" autofocus"))
            }
        }
    }
}
