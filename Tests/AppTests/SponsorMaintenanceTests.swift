@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 15, item 4: officers create, edit and merge sponsors; the reconciliation of company lists proposes merges.
@Suite struct SponsorMaintenanceTests {
    static let officer = "officer@demo.sinergi.id"

    /// The API's answers carry ISO 8601 times.
    static func iso<T: Decodable>(_ type: T.Type, _ res: TestingHTTPResponse) throws -> T {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(T.self, from: Data(res.body.readableBytesView))
    }

    /// A village of Kabupaten Mojokerto (in the Surabaya office's jurisdiction and the demo agency's region).
    static func village(_ app: Application) async throws -> String {
        try #require(try await Sponsor.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).first()).villageCode
    }

    static func create(_ app: Application, _ fields: String) async throws -> TestingHTTPResponse {
        try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors", as: officer, fields)
    }

    static func created(_ app: Application, name: String, nib: String?, npwp: String? = nil) async throws -> UUID {
        let v = try await village(app)
        let nibPart = nib.map { #", "nib": "\#($0)""# } ?? ""
        let npwpPart = npwp.map { #", "npwp": "\#($0)""# } ?? ""
        let res = try await create(app, #"{"kind": "company", "name": "\#(name)", "address": "Jl. Raya Ngoro 1", "villageCode": "\#(v)", "reason": "Uji"\#(nibPart)\#(npwpPart)}"#)
        #expect(res.status == .created, "\(name): \(res.body.string)")
        return try Self.iso(SponsorEditsController.DTO.self, res).id
    }

    @Test func createAndEditAreCheckedAndKeptInTheHistory() async throws {
        try await withTestApp { app in
            let v = try await Self.village(app)
            // A company without NIB or NPWP, a bad NIB, a seat outside the jurisdiction, no reason: each refused naming its field.
            let cases: [(String, String)] = [
                (#"{"kind": "company", "name": "PT Uji", "address": "Jl. A", "villageCode": "\#(v)", "reason": "x"}"#, "nib"),
                (#"{"kind": "company", "name": "PT Uji", "nib": "12345", "address": "Jl. A", "villageCode": "\#(v)", "reason": "x"}"#, "nib"),
                (#"{"kind": "company", "name": "PT Uji", "npwp": "01.234", "address": "Jl. A", "villageCode": "\#(v)", "reason": "x"}"#, "npwp"),
                (#"{"kind": "company", "name": "PT Uji", "nib": "9120000000001", "address": "Jl. A", "villageCode": "31.74.01.1001", "reason": "x"}"#, "villageCode"),
                (#"{"kind": "firm", "name": "PT Uji", "nib": "9120000000001", "address": "Jl. A", "villageCode": "\#(v)", "reason": "x"}"#, "kind"),
                (#"{"kind": "company", "name": "PT Uji", "nib": "9120000000001", "address": "Jl. A", "villageCode": "\#(v)"}"#, "reason"),
            ]
            let before = try await Sponsor.query(on: app.db).count()
            for (body, field) in cases {
                let res = try await Self.create(app, body)
                #expect(res.status == .unprocessableEntity, "\(body)")
                #expect(res.body.string.contains(#""field":"\#(field)""#), "\(body): \(res.body.string)")
            }
            #expect(try await Sponsor.query(on: app.db).count() == before)
            // An individual needs neither number.
            let person = try await Self.create(app, #"{"kind": "individual", "name": "Budi Santoso", "address": "Jl. B", "villageCode": "\#(v)", "reason": "Penjamin keluarga"}"#)
            #expect(person.status == .created)

            let id = try await Self.created(app, name: "PT Sinar Uji Mandiri", nib: "9 120 000 000 001")
            let stored = try #require(try await Sponsor.find(id, on: app.db))
            #expect(stored.nib == "9120000000001" && stored.regencyCode == "35.16" && stored.language == "id")
            // The same NIB again is a conflict naming the existing sponsor.
            let again = try await Self.create(app, #"{"kind": "company", "name": "Sinar Uji", "nib": "9120000000001", "address": "Jl. C", "villageCode": "\#(v)", "reason": "x"}"#)
            #expect(again.status == .conflict && again.body.string.contains("PT Sinar Uji Mandiri"))

            let patch = try await RegistryEditTests.json(app, .PATCH, "/api/v1/sponsors/\(id)", as: Self.officer,
                                                         #"{"name": "PT Sinar Uji Mandiri Tbk", "email": "HRD@SINAR.CO.ID", "reason": "Akta perubahan"}"#)
            #expect(patch.status == .ok, "\(patch.body.string)")
            #expect(try await Sponsor.find(id, on: app.db)?.email == "hrd@sinar.co.id")
            let history = try await app.testing().sendRequest(.GET, "/api/v1/sponsors/\(id)/history", headers: bearer(try await apiToken(app, Self.officer)))
            let h = try Self.iso(ListPage<RegistryFeedController.HistoryItem>.self, history)
            #expect(h.items.contains { $0.field == "name" && $0.old == "PT Sinar Uji Mandiri" && $0.new == "PT Sinar Uji Mandiri Tbk" && $0.reason == "Akta perubahan" && $0.source == "officer" })
            #expect(h.items.contains { $0.field == "created" })
            // The jaksel officer cannot see or change it.
            #expect(try await RegistryEditTests.json(app, .PATCH, "/api/v1/sponsors/\(id)", as: "officer.jaksel@demo.sinergi.id", #"{"name": "X", "reason": "x"}"#).status == .notFound)
            // Agency members and sponsors cannot create.
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors", as: "agency@demo.sinergi.id", "{}").status == .forbidden)
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors", as: "sponsor@demo.sinergi.id", "{}").status == .forbidden)
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    /// A ★ beside a sponsor means "probably the same business": the same NIB or NPWP, or the same name in other
    /// words; not a name that merely starts alike, and never two different NIBs.
    @Test func likelyDuplicatesAreOneBusinessNotASimilarName() {
        func sponsor(_ name: String, nib: String? = nil, npwp: String? = nil) -> Sponsor {
            let s = Sponsor(); s.name = name; s.nib = nib; s.npwp = npwp; return s
        }
        let a = sponsor("PT. Sinar Mas Abadi", nib: "9120001234567", npwp: "01.234.567.8-601.000")
        let same: [Sponsor] = [
            sponsor("SINAR MAS ABADI, PT"),                                    // the legal form after the name
            sponsor("CV Abadi Sinar Mas"),                                     // words in another order
            sponsor("PT Sinar Mas Abadi Sejahtera"),                           // one word more
            sponsor("PT Sinar Mas"),                                           // one word fewer
            sponsor("PT Sinar Mass Abadi"),                                    // a typo
            sponsor("PT Karya Baru", nib: "9120001234567"),                    // the same NIB, whatever the name
            sponsor("PT Karya Baru", npwp: "012345678601000"),                 // the same NPWP, written without dots
            sponsor("PT Sinar Mas Abadi", npwp: "01.234.567.8-602.000"),       // another branch of the same taxpayer
            sponsor("PT Sinar Mas Abadi", nib: "9120001234576"),               // the NIB with two digits swapped
            sponsor("PT Sinar Mas Abadi", nib: "9120001234568"),               // … or one digit wrong
        ]
        let notSame: [Sponsor] = [
            sponsor("PT Sinar Maju Abadi"),                                    // one word another
            sponsor("PT Jaya Sinar Mas Abadi Sentosa"),                        // two words more
            sponsor("PT Mas Abadi"),                                           // not the same first word
            sponsor("PT Sinar Mas Abadi", nib: "9120009999999"),               // another business by its NIB
            sponsor("PT Sinar Mas Abadi", nib: "9120001239561"),               // two digits wrong
            sponsor("PT Karya Baru", nib: "9120001234568"),                    // a NIB a typo away, another name
            sponsor("PT Sinar Mas Abadi", npwp: "02.111.222.3-601.000"),       // another taxpayer
        ]
        for o in same { #expect(SponsorEdits.likeness(a, o) != nil, "\(o.name)") }
        for o in notSame { #expect(SponsorEdits.likeness(a, o) == nil, "\(o.name)") }
        #expect(SponsorEdits.likeness(sponsor("PT Sinar Mas"), sponsor("PT Sinar Maju")) == nil)
        #expect(SponsorEdits.likeness(sponsor("PT Jaya Abadi"), sponsor("PT Sinar Jaya Abadi")) == nil)
        // Numbers first, then the same words, then the closest names.
        #expect(SponsorEdits.likeness(a, same[5])! > SponsorEdits.likeness(a, same[0])!)
        #expect(SponsorEdits.likeness(a, same[0])! > SponsorEdits.likeness(a, same[4])!)
    }

    /// The merge form lists the likely duplicates first, marked ★, and only them.
    @Test func theMergeFormStarsOnlyLikelyDuplicates() async throws {
        try await withTestApp { app in
            let kept = try await Self.created(app, name: "PT Sinar Mas Abadi", nib: "9120001234567")
            _ = try await Self.created(app, name: "SINAR MAS ABADI, PT", nib: "9120001234576")
            _ = try await Self.created(app, name: "PT Karya Baru Uji", nib: nil, npwp: "01.234.567.8-601.000")
            _ = try await Self.created(app, name: "PT Sinar Maju Abadi", nib: "9120001234568")
            _ = try await Self.created(app, name: "PT Sinar Mas Abadi Uji", nib: "9120009999999")
            let k = try #require(try await Sponsor.find(kept, on: app.db))
            k.npwp = "01.234.567.8-601.000"; try await k.save(on: app.db)
            let b = Browser(app)
            try await b.login(Self.officer)
            let page = try await b.get("/sponsors/\(kept)/edit").body.string
            let starred = page.components(separatedBy: "<option").dropFirst().compactMap { chunk in
                let o = chunk.components(separatedBy: "</option>")[0]
                return o.range(of: ">★ ").map { String(o[$0.upperBound...].prefix { $0 != "<" && $0 != "·" }).trimmingCharacters(in: .whitespaces) }
            }
            #expect(Set(starred) == ["SINAR MAS ABADI, PT", "PT Karya Baru Uji"], "\(starred)")
        }
    }

    @Test func aMergeMovesEveryReferenceAndKeepsTheDuplicate() async throws {
        try await withTestApp { app in
            let kept = try await Self.created(app, name: "PT Gabung Jaya", nib: "9120000000011")
            let dup = try await Self.created(app, name: "Gabung Jaya, PT", nib: nil, npwp: "01.234.567.8-901.011")
            let sql = app.db as! any SQLDatabase
            // Give the duplicate some foreigners, permits and employments.
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).limit(3).all()
            for f in people {
                try await sql.raw("UPDATE foreigners SET sponsor_id = \(bind: dup) WHERE id = \(bind: f.id!)").run()
                try await sql.raw("UPDATE stay_permits SET sponsor_id = \(bind: dup) WHERE foreigner_id = \(bind: f.id!)").run()
                try await sql.raw("UPDATE employments SET sponsor_id = \(bind: dup) WHERE foreigner_id = \(bind: f.id!)").run()
            }
            let permits = try await StayPermit.query(on: app.db).filter(\.$sponsor.$id == dup).count()
            let tok = try await apiToken(app, Self.officer)
            // Visible to the officer: the edit page offers the duplicate as a likely one.
            let b = Browser(app)
            try await b.login(Self.officer)
            let edit = try await b.get("/sponsors/\(kept)/edit").body.string
            #expect(edit.contains("★ Gabung Jaya, PT"))

            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(kept)/merge", as: Self.officer, #"{"duplicateId": "\#(kept)", "reason": "x"}"#).status == .unprocessableEntity)
            let res = try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(kept)/merge", as: Self.officer, #"{"duplicateId": "\#(dup)", "reason": "Satu perusahaan"}"#)
            #expect(res.status == .ok, "\(res.body.string)")
            let m = try Self.iso(SponsorEditsController.MergeDTO.self, res)
            #expect(m.moved?["foreigners"] == 3 && m.moved?["stay_permits"] == permits)
            #expect(try await Foreigner.query(on: app.db).filter(\.$sponsorID == dup).count() == 0)
            #expect(try await Foreigner.query(on: app.db).filter(\.$sponsorID == kept).count() == 3)
            let d = try #require(try await Sponsor.find(dup, on: app.db))
            #expect(d.mergedInto == kept)                                       // kept, not deleted
            #expect(try await Sponsor.find(kept, on: app.db)?.npwp == "01.234.567.8-901.011")   // an empty field filled from the duplicate
            // The duplicate is gone from lists and answers; its old page leads to the kept one.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/sponsors/\(dup)", headers: bearer(tok)).status == .notFound)
            let old = try await b.get("/sponsors/\(dup)")
            #expect(old.status == .seeOther && old.headers.first(name: .location) == "/sponsors/\(kept)")
            let list = try await app.testing().sendRequest(.GET, "/api/v1/sponsors?q=Gabung", headers: bearer(tok))
            let items = try Self.iso(ListPage<SponsorEditsController.DTO>.self, list)
            #expect(items.items.map(\.id) == [kept])
            // Both histories name the merge; a second merge of the same duplicate is a conflict.
            let page = try await b.get("/sponsors/\(kept)").body.string
            #expect(page.contains("Digabung dari") && page.contains("Satu perusahaan"))
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(kept)/merge", as: Self.officer, #"{"duplicateId": "\#(dup)", "reason": "x"}"#).status == .unprocessableEntity)
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    @Test func aMergeThatWouldCollideIsRefusedWithNothingMoved() async throws {
        try await withTestApp { app in
            let a = try await Self.created(app, name: "PT Bentrok Satu", nib: "9120000000021")
            let b = try await Self.created(app, name: "PT Bentrok Dua", nib: "9120000000022")
            let sql = app.db as! any SQLDatabase
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).first())
            try await sql.raw("UPDATE foreigners SET sponsor_id = \(bind: b) WHERE id = \(bind: f.id!)").run()
            for s in [a, b] {
                try await sql.raw("""
                    INSERT INTO rptka (id, sponsor_id, number, valid_from, valid_to, created_at) VALUES (\(bind: UUID()), \(bind: s), 'RPTKA-7', '2026-01-01', '2027-01-01', \(bind: Date()))
                    """).run()
            }
            let res = try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(a)/merge", as: Self.officer, #"{"duplicateId": "\#(b)", "reason": "x"}"#)
            #expect(res.status == .conflict && res.body.string.contains("RPTKA"), "\(res.body.string)")
            #expect(try await Sponsor.find(b, on: app.db)?.mergedInto == nil)
            #expect(try await Foreigner.find(f.id, on: app.db)?.sponsorID == b)
        }
    }

    /// Every table with a `sponsor_id` column is moved by a merge.
    @Test func everyTableNamingASponsorIsMoved() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            struct T: Decodable { var table_name: String }
            let tables: [String]
            if sql.dialect.name == "sqlite" {
                struct N: Decodable { var name: String }
                var found: [String] = []
                let all = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all(decoding: N.self)
                #expect(all.count > 20)
                for t in all {
                    let cols = try await sql.raw("SELECT name FROM pragma_table_info(\(unsafeRaw: "'" + t.name + "'"))").all(decoding: N.self)
                    if cols.contains(where: { $0.name == "sponsor_id" }) { found.append(t.name) }
                }
                tables = found
            } else {
                tables = try await sql.raw("SELECT table_name FROM information_schema.columns WHERE column_name = 'sponsor_id' AND table_schema = current_schema()").all(decoding: T.self).map(\.table_name)
            }
            #expect(!tables.isEmpty)
            #expect(Set(tables) == Set(SponsorEdits.referencing), "\(Set(tables).symmetricDifference(SponsorEdits.referencing))")
        }
    }

    @Test func companyListsProposeMergesThatOfficersDecide() async throws {
        try await withTestApp { app in
            let byNumber = try await Self.created(app, name: "PT Usul Makmur Abadi", nib: nil, npwp: "02.345.678.9-012.000")
            let byName = try await Self.created(app, name: "CV Usul Makmur Abadi", nib: "9120000000031")
            let other = try await Self.created(app, name: "PT Lain Sekali", nib: "9120000000032")
            // One listed company: the NPWP of the first record, the name of the second.
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            let csv = "nama_perusahaan;npwp;alamat\nUsul Makmur Abadi;023456789012000;Ngoro\nPT Lain Sekali;;Ngoro\n"
            let res = try await postImport(app, token: agency, kind: "companies", csv: Array(csv.utf8))
            #expect(res.status == .created, "\(res.body.string)")
            _ = try await waitReconciled(app, token: agency, id: try decode(ImportReply.self, res).id!)

            let tok = try await apiToken(app, Self.officer)
            let list = try await app.testing().sendRequest(.GET, "/api/v1/sponsor-merges", headers: bearer(tok))
            let open = try Self.iso(ListPage<SponsorEditsController.MergeDTO>.self, list)
            let mine = open.items.filter { Set([$0.keptId, $0.mergedId]) == Set([byNumber, byName]) }
            #expect(mine.count == 1, "\(open.items)")
            let proposal = try #require(mine.first)
            #expect(proposal.keptId == byNumber && proposal.evidence == "name" && proposal.source == "import")   // the record found by number is kept
            #expect(!open.items.contains { $0.keptId == other || $0.mergedId == other })
            // Nothing is merged by itself.
            #expect(try await Sponsor.find(byName, on: app.db)?.mergedInto == nil)
            // Agencies and another office see nothing of it.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/sponsor-merges", headers: bearer(agency)).status == .forbidden)
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsor-merges/\(proposal.id)/accept", as: "officer.jaksel@demo.sinergi.id", "{}").status == .notFound)

            // The officer keeps the other record instead.
            let accepted = try await RegistryEditTests.json(app, .POST, "/api/v1/sponsor-merges/\(proposal.id)/accept", as: Self.officer, #"{"keep": "\#(byName)"}"#)
            #expect(accepted.status == .ok, "\(accepted.body.string)")
            #expect(try await Sponsor.find(byNumber, on: app.db)?.mergedInto == byName)
            #expect(try await Sponsor.find(byName, on: app.db)?.npwp == "02.345.678.9-012.000")
            #expect(try await RegistryEditTests.json(app, .POST, "/api/v1/sponsor-merges/\(proposal.id)/reject", as: Self.officer, "{}").status == .conflict)
            let history = try await app.testing().sendRequest(.GET, "/api/v1/sponsors/\(byName)/history", headers: bearer(tok))
            #expect(history.body.string.contains("sponsor-merge:\(proposal.id)"))
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    /// After a merge, the immigration system's next batch that names the duplicate's ref reaches the kept record.
    @Test func theFeedFollowsAMerge() async throws {
        try await withTestApp { app in
            let first = try RegistryFeedTests.batch(["sponsors": """
                sponsor_ref,kind,name,nib,npwp,address,village_code,email,phone
                S-A,company,PT Satu Rujukan,9120000000051,,Jl. Raya Ngoro 1,35.16.05.2010,,
                S-B,company,Satu Rujukan PT,9120000000052,,Jl. Raya Ngoro 1,35.16.05.2010,,
                """])
            _ = try await RegistryFeedTests.apply(app, first)
            let a = try #require(try await Sponsor.query(on: app.db).filter(\.$sponsorRef == "S-A").first()?.id)
            let b = try #require(try await Sponsor.query(on: app.db).filter(\.$sponsorRef == "S-B").first()?.id)
            let res = try await RegistryEditTests.json(app, .POST, "/api/v1/sponsors/\(a)/merge", as: Self.officer, #"{"duplicateId": "\#(b)", "reason": "Satu perusahaan"}"#)
            #expect(res.status == .ok, "\(res.body.string)")
            let delta = try RegistryFeedTests.batch([
                "foreigners": "person_ref,family_name,given_names,sex,date_of_birth,nationality,place_of_birth\nP-M,Mergetest,Ida,F,1990-01-01,DEU,\n",
                "passports": "person_ref,number,issuing_country,issued_on,expires_on\nP-M,C0MERGE01,DEU,,2031-01-01\n",
                "permits": "person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code\nP-M,2C21MERGE01,E23,ITAS,2026-01-01,2027-01-01,active,S-B,SBY\n",
                "employments": "person_ref,sponsor_ref,position,start_on,end_on\nP-M,S-B,Engineer,2026-01-01,\n",
            ])
            _ = try await RegistryFeedTests.apply(app, delta)
            let permit = try #require(try await StayPermit.query(on: app.db).filter(\.$number == "2C21MERGE01").first())
            #expect(permit.$sponsor.id == a)
            let person = try #require(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-M").first())
            #expect(try await Employment.query(on: app.db).filter(\.$foreigner.$id == person.id!).first()?.$sponsor.id == a)
        }
    }

    @Test func theWebFormsKeepWhatWasTypedAndSpeakIndonesian() async throws {
        try await withTestApp { app in
            let v = try await Self.village(app)
            let b = Browser(app)
            try await b.login(Self.officer)
            _ = try await b.get("/sponsors/new")
            let bad = try await b.post("/sponsors/new", form: ["kind": "company", "name": "PT Formulir Uji", "nib": "123", "address": "Jl. Formulir 9",
                                                         "villageCode": v, "reason": "Perusahaan baru"])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("NIB harus 13 angka") && html.contains("PT Formulir Uji") && html.contains("Jl. Formulir 9"))
            let ok = try await b.post("/sponsors/new", form: ["kind": "company", "name": "PT Formulir Uji", "nib": "9120000000041", "address": "Jl. Formulir 9",
                                                        "villageCode": v, "reason": "Perusahaan baru"])
            #expect(ok.status == .seeOther)
            let id = try #require(try await Sponsor.query(on: app.db).filter(\.$nib == "9120000000041").first()?.id)
            let page = try await b.get("/sponsors/\(id)").body.string
            #expect(page.contains("Penjamin tersimpan") && page.contains("Ubah data penjamin"))
            // A forged form (no CSRF token) changes nothing.
            let forged = try await b.post("/sponsors/\(id)/edit", form: ["kind": "company", "name": "Palsu", "nib": "9120000000041", "address": "Jl. Formulir 9", "villageCode": v, "reason": "x"], csrf: false)
            #expect(forged.status != .seeOther)
            #expect(try await Sponsor.find(id, on: app.db)?.name == "PT Formulir Uji")
        }
    }
}

extension Result where Success == Int64 {
    var isSuccess: Bool { if case .success = self { return true } else { return false } }
}
