@testable import App
import Deadlines
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct LookupTests {
    struct Page: Decodable { var items: [LookupController.Item]; var total: Int }

    /// Gives a Surabaya-jurisdiction foreigner a known name, birth date and passport number.
    func prepare(_ app: Application, family: String, given: String, dob: String, passport: String) async throws -> Foreigner {
        let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).first())
        f.familyName = family; f.givenNames = given; f.fullName = "\(family) \(given)"; f.dateOfBirth = dob
        try await f.save(on: app.db)
        let p = try #require(try await Passport.query(on: app.db).filter(\.$foreigner.$id == f.id!).first())
        p.number = passport
        try await p.save(on: app.db)
        try await ForeignerSummary.refresh(f.id!, today: app.today, on: app.db)
        return try #require(try await Foreigner.find(f.id, on: app.db))
    }

    func lookup(_ app: Application, _ email: String, _ query: String) async throws -> (HTTPStatus, Page?, String) {
        let res = try await app.testing().sendRequest(.GET, "/api/v1/lookup?\(query)", headers: bearer(try await apiToken(app, email)))
        let page = res.status == .ok ? try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView)) : nil
        return (res.status, page, res.body.string)
    }

    /// Pages of a name several people share: each page counts every match in scope (the count is taken with the page),
    /// a page past the end is empty with the same count, and another office sees none of them.
    @Test func pagesOfASharedNameCountEveryMatch() async throws {
        try await withTestApp { app in
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).range(0..<3).all()
            for f in people {
                f.familyName = "OKAFOR"; f.givenNames = "CHIDI"; f.fullName = "OKAFOR CHIDI"
                try await f.save(on: app.db)
                try await ForeignerSummary.refresh(f.id!, today: app.today, on: app.db)
            }
            var seen: [UUID] = []
            for (page, expected) in [(1, 2), (2, 1), (3, 0)] {
                let (status, result, _) = try await lookup(app, "officer@demo.sinergi.id", "name=chidi%20okafor&per=2&page=\(page)")
                #expect(status == .ok && result?.total == 3 && result?.items.count == expected, "page \(page)")
                seen += result?.items.map(\.id) ?? []
            }
            #expect(Set(seen) == Set(people.map { $0.id! }) && seen.count == 3)
            let (_, other, _) = try await lookup(app, "officer.jaksel@demo.sinergi.id", "name=chidi%20okafor&per=2")
            #expect(other?.total == 0 && other?.items.isEmpty == true)
        }
    }

    /// What the field needs beside the status comes with the look-up: the sponsor's name and phone, and the address
    /// where the foreigner lives now — not a former one; without a sponsor, none.
    @Test func lookupCarriesTheSponsorAndTheCurrentAddress() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "NAKAMURA", given: "KEN", dob: "1979-01-02", passport: "TR5550123")
            let sponsor = try #require(try await Sponsor.query(on: app.db).sort(\.$id).first())
            sponsor.phone = "+62 31 5550 123"
            try await sponsor.save(on: app.db)
            f.sponsorID = sponsor.id
            try await f.save(on: app.db)
            let home = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).first())
            try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).delete()
            for (line, current) in [("Jl. Lama 1, Surabaya", false), ("Jl. Baru 7, Surabaya", true)] {
                let a = Address()
                a.$foreigner.id = f.id!; a.line = line; a.villageCode = home.villageCode; a.districtCode = home.districtCode
                a.validFrom = current ? "2026-01-01" : "2020-01-01"; a.validTo = current ? nil : "2025-12-31"; a.isCurrent = current
                try await a.save(on: app.db)
            }
            let (_, page, _) = try await lookup(app, "officer@demo.sinergi.id", "passport=TR5550123")
            let item = try #require(page?.items.first { $0.id == f.id })
            #expect(item.sponsorName == sponsor.name && item.sponsorPhone == "+62 31 5550 123")
            #expect(item.address == "Jl. Baru 7, Surabaya")
            // On the page the sponsor's telephone can be called from the field.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            #expect(try await b.get("/lookup?passport=TR5550123&purpose=fieldCheck").body.string.contains("<a href=\"tel:+62315550123\">+62 31 5550 123</a>"))
            f.sponsorID = nil
            try await f.save(on: app.db)
            try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).delete()
            let (_, again, _) = try await lookup(app, "officer@demo.sinergi.id", "passport=TR5550123")
            let bare = try #require(again?.items.first { $0.id == f.id })
            #expect(bare.sponsorName == nil && bare.sponsorPhone == nil && bare.address == nil)
        }
    }

    @Test func passportNumberWithOCRConfusions() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "KIM", given: "MIN JUN", dob: "1980-03-05", passport: "M10203040")
            for typed in ["M1O2O3O4O", "m 1020 3040", "MI02030", "M10203040"] {
                let (status, page, _) = try await lookup(app, "officer@demo.sinergi.id", "passport=\(typed.formEscaped)&purpose=fieldCheck")
                #expect(status == .ok)
                #expect(page?.items.contains { $0.id == f.id } == true, "\(typed)")
            }
        }
    }

    @Test func nameInAnyRomanisationOrOrder() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "ZHANG", given: "WEI", dob: "1985-07-09", passport: "E99887766")
            for typed in ["Chang Wei", "wei zhang", "CHEUNG WEI"] {
                let (_, page, _) = try await lookup(app, "officer@demo.sinergi.id", "name=\(typed.formEscaped)")
                #expect(page?.items.contains { $0.id == f.id } == true, "\(typed)")
                #expect(page?.items.allSatisfy { $0.fullName.contains("WEI") } == true)
            }
        }
    }

    @Test func mrzFindsThePassportAndNamesAFailedCheckDigit() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "ERIKSSON", given: "ANNA MARIA", dob: "1974-08-12", passport: "L898902C3")
            let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
            let (status, page, _) = try await lookup(app, "officer@demo.sinergi.id", "mrz=\(mrz.formEscaped)")
            #expect(status == .ok)
            #expect(page?.items.first?.id == f.id)
            let broken = mrz.replacingOccurrences(of: "L898902C36", with: "L898902C37")
            let (bad, _, body) = try await lookup(app, "officer@demo.sinergi.id", "mrz=\(broken.formEscaped)")
            #expect(bad == .unprocessableEntity)
            #expect(body.contains("document number") && body.contains("line 2") && body.contains(#""field":"mrz""#))
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.lookup").all()
            #expect(events.contains { $0.objectID == f.id!.uuidString && $0.purpose == "fieldCheck" && $0.detail == "mrz" })
        }
    }

    @Test func overstayFineFollowsTheDatedRates() async throws {
        try await withTestApp { app in
            let over = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16")
                .filter(\.$permitEnd < app.today).first())
            let days = try #require(Day.between(over.permitEnd!, app.today))
            let (_, page, _) = try await lookup(app, "supervisor@demo.sinergi.id", "passport=\(over.passportNumber!)")
            let item = try #require(page?.items.first { $0.id == over.id })
            #expect(item.status == "overstayed" && item.daysOverstayed == days)
            #expect(item.fineIDR == Int64(min(days, 60)) * 1_000_000)
            #expect(item.deportationCase == (days > 60))
        }
        // Rates change on their dates: days before 3 May 2019 are charged at the old rate.
        let rates = RuleBook(RuleBook.defaults())
        // Overstay days 2 May (old rate), 3, 4 and 5 May (new rate).
        let fine = OverstayFine.compute(permitEnd: "2019-05-01", today: "2019-05-05", rules: rates)
        #expect(fine == OverstayFine(days: 4, amountIDR: 300_000 + 3 * 1_000_000, deportationCase: false))
        #expect(OverstayFine.compute(permitEnd: "2026-01-01", today: "2026-04-01", rules: rates) == OverstayFine(days: 90, amountIDR: 60_000_000, deportationCase: true))
        #expect(OverstayFine.compute(permitEnd: "2026-12-01", today: "2026-11-30", rules: rates).amountIDR == 0)
    }

    @Test func onlyOfficersOfTheJurisdiction() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "KIM", given: "MIN JUN", dob: "1980-03-05", passport: "M10203040")
            for email in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id", "admin@demo.sinergi.id"] {
                let (status, _, body) = try await lookup(app, email, "passport=M10203040")
                #expect(status == .forbidden, "\(email)")
                #expect(!body.contains("M10203040") && !body.contains(f.fullName))
            }
            let (status, page, _) = try await lookup(app, "officer.jaksel@demo.sinergi.id", "passport=M10203040")
            #expect(status == .ok && page?.total == 0)
            let none = try await app.testing().sendRequest(.GET, "/api/v1/lookup?passport=M10203040")
            #expect(none.status == .unauthorized)
            for bad in ["", "passport=AB", "name=x", "passport=M1020304&name=KIM", "passport=M10203040&purpose=gossip"] {
                let (s, _, body) = try await lookup(app, "officer@demo.sinergi.id", bad)
                #expect(s == .unprocessableEntity, "\(bad)")
                #expect(body.contains("error"))
            }
        }
    }

    /// A number registered with another office: the field page says so and which office (nothing about the person),
    /// so that "not in my jurisdiction" is not read as "not registered"; a number nobody has says that instead.
    @Test func aNumberRegisteredWithAnotherOfficeSaysWhich() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "KIM", given: "MIN JUN", dob: "1980-03-05", passport: "M10203040")
            let office = try #require(try await OfficeJurisdiction.query(on: app.db).filter(\.$regencyCode == (f.regencyCode ?? "")).with(\.$office).first()).office.name
            let b = Browser(app)
            try await b.login("officer.jaksel@demo.sinergi.id")
            let elsewhere = try await b.get("/lookup?passport=m1020-3040&purpose=fieldCheck").body.string
            #expect(elsewhere.contains("id=\"lookup-elsewhere\"") && elsewhere.contains(office), "\(office)")
            #expect(!elsewhere.contains("KIM") && !elsewhere.contains(f.id!.uuidString))
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.lookup").sort(\.$id, .descending).first()
            #expect(events?.detail == "passport no result; registered with another office" && events?.purpose == "fieldCheck")
            let nobody = try await b.get("/lookup?passport=ZZ9999999").body.string
            #expect(nobody.contains("id=\"lookup-empty\"") && nobody.contains("tidak ada orang asing lain yang terdaftar dengan nomor paspor ini"))
            let byName = try await b.get("/lookup?name=nobody+atall").body.string
            #expect(byName.contains("id=\"lookup-empty\"") && !byName.contains("nomor paspor ini") && !byName.contains("lookup-elsewhere"))
            #expect(byName.contains("Tidak ada orang asing dengan nama itu") && byName.contains("cari dengan nomor paspor"))
            // The form sent empty says what to fill in; a first visit says nothing.
            #expect(try await b.get("/lookup?passport=&name=&mrz=&purpose=fieldCheck").body.string.contains("id=\"lookup-form-error\" tabindex=\"-1\" autofocus>Isi salah satu: nomor paspor, nama, atau MRZ."))
            #expect(!(try await b.get("/lookup").body.string.contains("lookup-form-error")))
            // The officer of the record's own office sees the record, not the notice.
            let own = Browser(app)
            try await own.login("officer@demo.sinergi.id")
            let found = try await own.get("/lookup?passport=M10203040").body.string
            #expect(found.contains("/foreigners/\(f.id!.uuidString)") && !found.contains("lookup-elsewhere"))
        }
    }

    @Test func phonePageShowsTheStatusAtAGlance() async throws {
        try await withTestApp { app in
            let f = try await prepare(app, family: "ZHANG", given: "WEI", dob: "1985-07-09", passport: "E99887766")
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/lookup?name=chang+wei&purpose=verification")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("/foreigners/\(f.id!.uuidString)"))
            #expect(page.body.string.contains("badge"))
            // The nationality by name with its code ("Tiongkok (CHN)"), the sex and birthday in words.
            #expect(page.body.string.contains(RegistryText.nationality(f.nationality, .id)) && RegistryText.nationality(f.nationality, .id) != f.nationality)
            #expect(page.body.string.contains(L10n.t("sex.\(f.sex)", .id) + " · 9 Jul 1985"))
            let sponsor = Browser(app)
            try await sponsor.login("sponsor@demo.sinergi.id")
            #expect(try await sponsor.get("/lookup?name=zhang").status == .forbidden)
        }
    }

    @Test func lookupErrorsStandBesideTheirFieldInIndonesian() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10"
            let bad = try await b.get("/lookup?mrz=\(mrz.formEscaped)&purpose=verification")
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            let expected = ValidationFailure("v.mrz.checkDigit", field: "mrz", "2", "l10n:mrz.field.document number").message(.id)
            #expect(expected.contains("baris 2") && expected.contains("nomor dokumen"))
            #expect(html.contains("<p class=\"field-error\" id=\"mrz-error\">\(HTML.escape(expected))</p>"))
            // Beside the MRZ box: after it, before the next field.
            let afterMRZ = try #require(html.components(separatedBy: "id=\"mrz\"").last)
            #expect(afterMRZ.components(separatedBy: "id=\"purpose\"").first?.contains("mrz-error") == true)
            // Everything typed is kept: the lines and the chosen purpose.
            #expect(html.contains("L898902C37UTO7408122F1204159ZE184226B"))
            #expect(html.contains("<option value=\"verification\" selected>"))
            #expect(!html.contains("check digit") && !html.contains("document number"))

            let short = try await b.get("/lookup?passport=AB")
            #expect(short.body.string.contains("id=\"passport-error\">\(HTML.escape(ValidationFailure("v.passportShort", field: "passport").message(.id)))</p>"))
            #expect(short.body.string.contains("value=\"AB\""))
            // Two questions at once: no single field is at fault, so the message stands at the top of the form.
            let both = try await b.get("/lookup?passport=M1020304&name=KIM")
            #expect(both.body.string.contains("id=\"lookup-form-error\" tabindex=\"-1\" autofocus>\(L10n.t("v.lookupOnlyOne", .id))</p>"))
            // Every input has its label.
            for field in ["passport", "name", "mrz", "purpose"] { #expect(html.contains("<label for=\"\(field)\">")) }
        }
    }
}
