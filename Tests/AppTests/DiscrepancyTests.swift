@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct DiscrepancyTests {
    struct CountReply: Decodable { var kind: String; var count: Int; var items: [Discrepancies.Item]? }
    struct SummaryReply: Decodable { struct K: Decodable { var kind: String; var count: Int }; var kinds: [K] }

    func line(_ f: Foreigner, employer: String, address: String) -> String {
        "\(f.fullName);\(f.nationality);\(f.dateOfBirth ?? "");\(f.passportNumber ?? "");\(f.sex);\(employer);\(address)"
    }

    @Test func theReportsFindWhatOneAgencyKnowsAndTheRegistryDoesNot() async throws {
        try await withTestApp { app in
            let today = app.today
            let inMojokerto = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$sponsorID != nil).sort(\.$fullName).all()
            let overstayed = inMojokerto.first { ($0.permitEnd ?? "9999") < today && $0.passportNumber != nil }!
            let valid = inMojokerto.first { ($0.permitEnd ?? "") > today && $0.passportNumber != nil }!
            let sponsor = try await Sponsor.find(valid.sponsorID, on: app.db)!
            let validAddress = try await Address.query(on: app.db).filter(\.$foreigner.$id == valid.id!).filter(\.$isCurrent == true).first()!
            let overstayedSponsor = try await Sponsor.find(overstayed.sponsorID, on: app.db)!
            let oAddress = try await Address.query(on: app.db).filter(\.$foreigner.$id == overstayed.id!).filter(\.$isCurrent == true).first()!
            let csv = ["name;nationality;date_of_birth;passport_number;sex;employer;address",
                       line(overstayed, employer: overstayedSponsor.name, address: oAddress.line),
                       line(valid, employer: "PT Sinar Jaya Abadi Makmur", address: "Jl. Kenjeran 700, Surabaya"),
                       "OBADIAH STANE;USA;1970-05-05;Z99887766;M;PT Hantu Nusantara;Jl. Raya 1 Ngoro",
                       "Rustam Nazarbayev;KAZ;1981-06-07;N11223344;M;PT Hantu Nusantara;Jl. Raya 1 Ngoro"].joined(separator: "\n") + "\n"
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            let res = try await postImport(app, token: agency, kind: "foreign-workers", csv: Array(csv.utf8))
            #expect(res.status == .created, "\(res.body.string)")
            let id = try decode(ImportReply.self, res).id!
            _ = try await waitReconciled(app, token: agency, id: id)
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).sort(\.$line).all()
            #expect(rows[0].foreignerID == overstayed.id && rows[0].effectiveState == .matched)
            #expect(rows[1].foreignerID == valid.id && rows[1].effectiveState == .matched)
            #expect(rows[2].effectiveState == .unmatched && rows[3].effectiveState == .unmatched)

            // A company list naming one sponsor with workers, and a company nobody registered.
            let companies = "nama_perusahaan,alamat\n\"\(Reconciler.companyKey(sponsor.name)), PT\",Ngoro\nPT Bayangan Sejahtera,Ngoro\n"
            let c = try await postImport(app, token: agency, kind: "companies", csv: Array(companies.utf8))
            _ = try await waitReconciled(app, token: agency, id: try decode(ImportReply.self, c).id!)
            let sql = app.db as! any SQLDatabase
            let virtual = try await Sponsor.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$id != sponsor.id!).filter(\.$kind == "company").sort(\.$name).all()
                .first { s in inMojokerto.contains { $0.sponsorID == s.id } }!
            try await sql.raw("UPDATE sponsors SET address = 'Virtual Office Menara 88' WHERE id = \(bind: virtual.id!)").run()

            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            func get(_ kind: String, _ token: String) async throws -> (TestingHTTPResponse, CountReply) {
                let r = try await app.testing().sendRequest(.GET, "/api/v1/discrepancies?kind=\(kind)", headers: bearer(token))
                #expect(r.status == .ok)
                return (r, try decode(CountReply.self, r))
            }
            let unregistered = try await get("unregistered", officer).1
            #expect(Set(unregistered.items!.map(\.name)) == ["OBADIAH STANE", "Rustam Nazarbayev"])
            let noPermit = try await get("no-valid-permit", officer).1
            #expect(noPermit.items!.map(\.foreignerId) == [overstayed.id])
            let employer = try await get("employer-mismatch", officer).1
            #expect(employer.items!.map(\.foreignerId) == [valid.id])
            let address = try await get("address-mismatch", officer).1
            #expect(address.items!.map(\.foreignerId) == [valid.id])
            #expect(validAddress.line != "Jl. Kenjeran 700, Surabaya")
            let notSponsor = try await get("company-not-sponsor", officer).1
            #expect(Set(notSponsor.items!.map { Reconciler.companyKey($0.name) }) == ["BAYANGAN SEJAHTERA", "HANTU NUSANTARA", "SINAR JAYA ABADI MAKMUR"])
            let notListed = try await get("sponsor-not-listed", officer).1
            let employing = Set(inMojokerto.compactMap(\.sponsorID))
            let notListedIDs = Set(notListed.items!.compactMap(\.sponsorId))
            #expect(notListedIDs.isSuperset(of: employing.subtracting([sponsor.id!])) && !notListedIDs.contains(sponsor.id!))
            let virtualReply = try await get("virtual-sponsor", officer).1
            #expect(virtualReply.items!.map(\.sponsorId) == [virtual.id])

            // Agency members: the same counts, no items, no names.
            let (raw, counts) = try await get("unregistered", agency)
            #expect(counts.count == 2 && counts.items == nil && !raw.body.string.contains("OBADIAH"))
            let summary = try decode(SummaryReply.self, try await app.testing().sendRequest(.GET, "/api/v1/discrepancies", headers: bearer(agency)))
            #expect(summary.kinds.first { $0.kind == "no-valid-permit" }?.count == 1)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/discrepancies?kind=nonsense", headers: bearer(officer)).status == .unprocessableEntity)
            // Jakarta Selatan sees none of it; sponsors are refused.
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            #expect(try await get("unregistered", jaksel).1.count == 0)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/discrepancies", headers: bearer(try await apiToken(app, "sponsor@demo.sinergi.id"))).status == .forbidden)

            // Web: CSV for officers (formula-safe), counts only for the agency.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let csvRes = try await b.get("/discrepancies/unregistered/csv")
            #expect(csvRes.status == .ok && csvRes.body.string.contains("\"OBADIAH STANE\""))
            let a = Browser(app)
            try await a.login("agency@demo.sinergi.id")
            #expect(try await a.get("/discrepancies/unregistered/csv").status == .forbidden)
            let page = try await a.get("/discrepancies/unregistered")
            #expect(page.status == .ok && !page.body.string.contains("OBADIAH"))

            // A listed worker whose permit only starts later holds no valid permit today either; the page says from when.
            try await sql.raw("UPDATE foreigners SET permit_start = '2027-01-12' WHERE id = \(bind: valid.id!)").run()
            let later = try await get("no-valid-permit", officer).1
            #expect(Set(later.items!.compactMap(\.foreignerId)) == [overstayed.id!, valid.id!])
            #expect(later.items!.first { $0.foreignerId == valid.id }?.detail == "stay permit valid only from 2027-01-12")
            #expect(try await b.get("/discrepancies/no-valid-permit").body.string.contains("izin tinggal baru berlaku mulai 12 Jan 2027"))
            // In the gap between two permits the first one's end is the one that ended, not the next one's.
            try await sql.raw("UPDATE foreigners SET permit_prior_start = '2026-01-01', permit_prior_end = '2026-11-20' WHERE id = \(bind: valid.id!)").run()
            let gap = try await get("no-valid-permit", officer).1
            #expect(gap.items!.first { $0.foreignerId == valid.id }?.detail == "permit ended 2026-11-20 (10 days ago)")
        }
    }

    @Test func addressAndCompanyComparisons() {
        #expect(Discrepancies.sameAddress("Jl. Raya Ngoro No. 12, Ngoro", "JALAN RAYA NGORO 12 NGORO"))
        #expect(!Discrepancies.sameAddress("Jl. Kenjeran 700, Surabaya", "Jl. Raya Ngoro No. 12, Ngoro"))
        #expect(Discrepancies.sameCompany("PT. ABC Indonesia", "ABC INDONESIA, PT"))
        #expect(!Discrepancies.sameCompany("PT Sinar Jaya", "PT Bumi Lestari"))
        #expect(!Discrepancies.reachable("Virtual Office Menara 88"))
        #expect(!Discrepancies.reachable("Ngoro"))
        #expect(Discrepancies.reachable("Jl. Raya Ngoro No. 12"))
        #expect(Discrepancies.csvField("=HYPERLINK(1)") == "\"'=HYPERLINK(1)\"")
    }
}
