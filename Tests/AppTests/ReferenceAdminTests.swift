@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 16, item 1: offices with their zone and jurisdiction, agencies with type and region, permit types.
@Suite struct ReferenceAdminTests {
    static let admin = AccountTests.admin

    /// A regency no demo office holds, in East Nusa Tenggara (WITA), with one of its villages.
    static func freeRegency(_ app: Application) async throws -> (regency: String, village: String) {
        let held = Set(try await OfficeJurisdiction.query(on: app.db).all().map(\.regencyCode))
        let regency = try #require(try await Region.query(on: app.db).filter(\.$level == "regency").filter(\.$parentCode == "53").sort(\.$id).all().first { !held.contains($0.id!) }).id!
        let district = try #require(try await Region.query(on: app.db).filter(\.$parentCode == regency).sort(\.$id).first()).id!
        let village = try #require(try await Region.query(on: app.db).filter(\.$parentCode == district).sort(\.$id).first()).id!
        return (regency, village)
    }

    /// A taken office code is said beside the code on the page, not only at the top (the API answers 409).
    @Test func aTakenOfficeCodeIsSaidBesideTheCode() async throws {
        try await withTestApp { app in
            let (regency, village) = try await Self.freeRegency(app)
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            _ = try await admin.get("/admin/offices/new")
            let res = try await admin.post("/admin/offices/new", form: ["code": "sby", "name": "Kantor baru", "villageCode": village, "regency": regency])
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("id=\"code-error\">Kode kantor SBY sudah dipakai.</p>"), "\(res.body.string)")
            #expect(res.body.string.contains("value=\"Kantor baru\""))
            // With another mistake: both in the same round.
            let both = try await admin.post("/admin/offices/new", form: ["code": "SBY", "name": "Kantor baru"])
            #expect(both.body.string.contains("id=\"code-error\">Kode kantor SBY sudah dipakai.</p>") && both.body.string.contains("id=\"villageCode-error\""))
        }
    }

    @Test func anOfficeGetsItsZoneAndAJurisdictionOfItsOwn() async throws {
        try await withTestApp { app in
            let (regency, village) = try await Self.freeRegency(app)
            let res = try await AccountTests.json(app, .POST, "/api/v1/admin/offices", as: Self.admin,
                                                  #"{"code": "kpg", "name": "Kantor Imigrasi Kupang", "villageCode": "\#(village)", "jurisdiction": ["\#(regency)"]}"#)
            #expect(res.status == .created, "\(res.body.string)")
            let o = try JSONDecoder().decode(ReferenceAdminController.OfficeDTO.self, from: Data(res.body.readableBytesView))
            #expect(o.code == "KPG" && o.timeZone == "WITA" && o.jurisdiction == [regency])     // the zone follows the seat
            // A regency of another office, a district instead of a regency, a taken code: refused, nothing stored.
            #expect(try await AccountTests.json(app, .POST, "/api/v1/admin/offices", as: Self.admin,
                                                #"{"code": "X1", "name": "X", "villageCode": "\#(village)", "jurisdiction": ["35.16"]}"#).status == .conflict)
            let district = String(village.split(separator: ".").prefix(3).joined(separator: "."))
            let bad = try await AccountTests.json(app, .POST, "/api/v1/admin/offices", as: Self.admin,
                                                  #"{"code": "X2", "name": "X", "villageCode": "\#(village)", "jurisdiction": ["\#(district)"]}"#)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains(#""field":"jurisdiction""#))
            #expect(try await AccountTests.json(app, .POST, "/api/v1/admin/offices", as: Self.admin,
                                                #"{"code": "KPG", "name": "X", "villageCode": "\#(village)", "jurisdiction": ["\#(regency)"]}"#).status == .conflict)
            #expect(try await Office.query(on: app.db).filter(\.$code ~~ ["X1", "X2"]).count() == 0)
            // A zone other than the seat's is refused: every local time of the office would be an hour off.
            let wrongZone = try await AccountTests.json(app, .PATCH, "/api/v1/admin/offices/\(o.id)", as: Self.admin, #"{"timeZone": "WIT"}"#)
            #expect(wrongZone.status == .unprocessableEntity && wrongZone.body.string.contains(#""field":"timeZone""#))
            #expect(wrongZone.body.string.contains("this office lies in WITA, not WIT"))     // the API speaks English by default
            // A seat moved to Papua takes its zone; the change is audited with before and after.
            let papua = try #require(try await Region.query(on: app.db).filter(\.$level == "village").filter(\.$id >= "91.").filter(\.$id < "92").first())
            let patched = try await AccountTests.json(app, .PATCH, "/api/v1/admin/offices/\(o.id)", as: Self.admin, #"{"villageCode": "\#(papua.id!)"}"#)
            #expect(patched.status == .ok && patched.body.string.contains(#""timeZone":"WIT""#), "\(patched.body.string)")
            let event = try #require(try await AuditEventRecord.query(on: app.db).filter(\.$action == "office.update").first())
            #expect(event.detail.contains("before:") && event.detail.contains("tz=WITA") && event.detail.contains("tz=WIT "))

            // A user of the new office sees that regency's foreigners only.
            let user = try await AccountTests.json(app, .POST, "/api/v1/admin/users", as: Self.admin,
                                                   #"{"email": "petugas@kupang.imigrasi.go.id", "name": "Petugas Kupang", "role": "officer", "officeCode": "KPG"}"#)
            #expect(user.status == .created)
            let token = try await AccountTests.linkToken(app, to: "petugas@kupang.imigrasi.go.id")
            #expect(try await AccountTests.setPassword(app, token: token, "kuda-laut-biru-77").status == .seeOther)
            let b = Browser(app)
            #expect(try await b.login("petugas@kupang.imigrasi.go.id", password: "kuda-laut-biru-77").status == .seeOther)
            #expect(try await b.get("/foreigners").status == .ok)
            let someoneInSurabaya = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").first())
            #expect(try await b.get("/foreigners/\(someoneInSurabaya.id!)").status == .notFound)
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    @Test func theOfficePageAddsAndRemovesRegenciesByName() async throws {
        try await withTestApp { app in
            let (regency, _) = try await Self.freeRegency(app)
            let sby = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
            let before = try await ReferenceAdmin.jurisdiction(of: sby.id!, app.db)
            let b = Browser(app)
            try await b.login(Self.admin)
            let page = try await b.get("/admin/offices/\(sby.id!)").body.string
            #expect(page.contains("Wilayah kerja") && page.contains("Kabupaten/Kota"))
            let added = try await b.post("/admin/offices/\(sby.id!)/jurisdiction", form: ["regency_province": "53", "regency": regency])
            #expect(added.status == .seeOther)
            #expect(try await ReferenceAdmin.jurisdiction(of: sby.id!, app.db) == (before + [regency]).sorted())
            // Another office's regency: refused with the other office named, in Indonesian.
            let jks = try #require(try await Office.query(on: app.db).filter(\.$code == "JKS").first())
            let taken = try #require(try await ReferenceAdmin.jurisdiction(of: jks.id!, app.db).first)
            let refused = try await b.post("/admin/offices/\(sby.id!)/jurisdiction", form: ["regency": taken])
            #expect(refused.status == .conflict && refused.body.string.contains("sudah termasuk wilayah kerja") && refused.body.string.contains(jks.name))
            #expect(try await b.post("/admin/offices/\(sby.id!)/jurisdiction/remove", form: ["regency": regency]).status == .seeOther)
            #expect(try await ReferenceAdmin.jurisdiction(of: sby.id!, app.db) == before.sorted())
        }
    }

    @Test func agenciesAndPermitTypes() async throws {
        try await withTestApp { app in
            let res = try await AccountTests.json(app, .POST, "/api/v1/admin/agencies", as: Self.admin, #"{"name": "Polres Mojokerto", "type": "polri", "regionCode": "35.16"}"#)
            #expect(res.status == .created, "\(res.body.string)")
            let a = try JSONDecoder().decode(ReferenceAdminController.AgencyDTO.self, from: Data(res.body.readableBytesView))
            #expect(a.active && a.regionCode == "35.16")
            #expect(try await AccountTests.json(app, .POST, "/api/v1/admin/agencies", as: Self.admin, #"{"name": "X", "type": "navy", "regionCode": "35.16"}"#).status == .unprocessableEntity)
            #expect(try await AccountTests.json(app, .POST, "/api/v1/admin/agencies", as: Self.admin, #"{"name": "X", "type": "tni", "regionCode": "99.99"}"#).status == .unprocessableEntity)
            #expect(try await AccountTests.json(app, .PATCH, "/api/v1/admin/agencies/\(a.id)", as: Self.admin, #"{"active": false}"#).status == .ok)
            #expect(try await Agency.find(a.id, on: app.db)?.active == false)

            let t = try await AccountTests.json(app, .POST, "/api/v1/admin/permit-types", as: Self.admin, #"{"code": "e33g", "label": "Remote worker", "category": "itas", "maxDays": 365}"#)
            #expect(t.status == .created, "\(t.body.string)")
            #expect(try await PermitType.find("E33G", on: app.db)?.category == "ITAS")
            #expect(try await AccountTests.json(app, .POST, "/api/v1/admin/permit-types", as: Self.admin, #"{"code": "E33G", "label": "X", "category": "ITAS"}"#).status == .conflict)
            // A type in use keeps its category.
            let used = try #require(try await StayPermit.query(on: app.db).first()).$type.id
            let type = try #require(try await PermitType.find(used, on: app.db))
            let other = type.category == "ITK" ? "ITAS" : "ITK"
            #expect(try await AccountTests.json(app, .PATCH, "/api/v1/admin/permit-types/\(used)", as: Self.admin, #"{"category": "\#(other)"}"#).status == .conflict)
            #expect(try await AccountTests.json(app, .PATCH, "/api/v1/admin/permit-types/\(used)", as: Self.admin, #"{"label": "Nama baru"}"#).status == .ok)
            // Nobody else reaches these routes.
            for who in ["supervisor", "officer", "agency", "sponsor"] {
                for (m, path) in [(HTTPMethod.GET, "/api/v1/admin/offices"), (.POST, "/api/v1/admin/agencies"), (.PATCH, "/api/v1/admin/permit-types/\(used)")] {
                    #expect(try await AccountTests.json(app, m, path, as: "\(who)@demo.sinergi.id", #"{"label": "X"}"#).status == .forbidden, "\(who) \(m) \(path)")
                }
            }
            let actions = Set(try await AuditEventRecord.query(on: app.db).all().map(\.action))
            #expect(actions.isSuperset(of: ["agency.create", "agency.update", "permitType.create", "permitType.update"]))
        }
    }
}
