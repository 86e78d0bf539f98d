@testable import App
import Fluent
import Foundation
import Matching
import SQLKit
import Testing
import Vapor
import VaporTesting

/// What a phone walk-through of the staff pages found: a header as tall as a third of the screen, region codes in the
/// text beside the names, a permit that starts later shown as valid, "ISO 3166" in messages.
@Suite struct StaffPageTests {
    /// The part of a page between two markers (`from` included), "" when either is missing.
    static func part(_ html: String, from: String, to: String) -> String {
        guard let start = html.range(of: from), let end = html.range(of: to, range: start.upperBound..<html.endIndex) else { return "" }
        return String(html[start.lowerBound..<end.lowerBound])
    }

    /// On a phone the navigation and the account sit behind one "Menu" button: a popover the button opens without any
    /// script (the stylesheet shows it only below 900 px; wider, the wrapper is no box and the header is one row).
    @Test(arguments: [Language.id, Language.en])
    func theStaffHeaderFoldsItsNavigationIntoOneMenuButton(_ lang: Language) async throws {
        try await withTestApp { app in
            for email in ["officer@demo.sinergi.id", "admin@demo.sinergi.id", "sponsor@demo.sinergi.id", "agency@demo.sinergi.id"] {
                let b = Browser(app)
                b.cookies["lang"] = lang.rawValue
                try await b.login(email)
                let html = try await b.get("/").body.string
                let header = Self.part(html, from: "<header class=\"top\">", to: "</header>")
                #expect(header.contains("<button type=\"button\" class=\"menu-toggle\" popovertarget=\"site-menu\">Menu</button>"), "\(email)")
                // The button comes before what it opens, and the menu holds the whole navigation and the account.
                let menu = Self.part(header, from: "<div class=\"site-menu\" id=\"site-menu\" popover>", to: "<a class=\"lang\"")
                #expect(header.range(of: "class=\"menu-toggle\"")!.lowerBound < header.range(of: "id=\"site-menu\"")!.lowerBound)
                #expect(menu.contains("<nav aria-label=\"\(L10n.t("nav.main", lang))\">") && menu.contains("<div class=\"account\">")
                        && menu.contains(L10n.t("nav.logout", lang)), "\(email)")
                #expect(html.components(separatedBy: "id=\"site-menu\"").count == 2, "one menu, one id")
            }
            // A page without navigation (a citizen's) has nothing to fold: no button, no popover.
            let citizen = try await Browser(app).get("/lapor").body.string
            #expect(!citizen.contains("menu-toggle") && !citizen.contains(" popover>") && citizen.contains("<div class=\"site-menu\" id=\"site-menu\">"))
        }
    }

    /// The rules the markup relies on: the wrapper is no box on wide screens (the desktop header is as it was), and on a
    /// phone the button and every link of the open menu are a finger's size (44 px), for browsers that have popovers.
    @Test func theStylesheetOpensTheMenuOnlyOnPhones() async throws {
        try await withTestApp { app in
            let css = try await app.testing().sendRequest(.GET, "/static/app.css").body.string
            let wide = css.components(separatedBy: "@media (max-width: 640px)")[0]
            #expect(wide.contains(".site-menu { display:contents; color:inherit; }") && wide.contains(".menu-toggle { display:none; }"))
            let phone = Self.part(css, from: "@supports selector(:popover-open)", to: "@media print")
            #expect(phone.contains(".menu-toggle { display:inline-flex;") && phone.contains("min-height:44px; min-width:44px;"))
            #expect(phone.contains(".site-menu[popover]:not(:popover-open) { display:none; }") && phone.contains(".site-menu[popover]:popover-open { display:flex;"))
            for target in [".site-menu[popover] ul.nav > li > a", ".site-menu[popover] details.menu ul a", ".site-menu[popover] .account a"] {
                let rule = Self.part(phone, from: target, to: "}")
                #expect(rule.contains("min-height:44px"), "\(target)")
            }
        }
    }

    /// A page that does not exist keeps the signed-in user's menu; a citizen's status page says an empty code is
    /// missing and leads back to reporting.
    @Test func errorAndStatusPagesLeadOn() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            // The officer's home page opens on what the field needs: the check, the day's report, the tasks.
            let home = try await b.get("/").body.string
            let quick = Self.part(home, from: "id=\"quick-actions\"", to: "</p>")
            #expect(quick.contains("href=\"/lookup\"") && quick.contains("href=\"/daily-reports\"") && quick.contains("href=\"/tasks\""))
            #expect(home.range(of: "quick-actions")!.lowerBound < home.range(of: "id=\"stats\"")!.lowerBound)
            let missing = try await b.get("/imports/\(UUID().uuidString)/reconciliation")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("id=\"site-menu\"") && missing.body.string.contains("href=\"/lookup\""))
            let anonymous = try await app.testing().sendRequest(.GET, "/no/such/page")
            #expect(anonymous.status == .notFound && !anonymous.body.string.contains("href=\"/lookup\""))
            let citizen = Browser(app)
            let empty = try await citizen.get("/lapor/status?code=")
            #expect(empty.body.string.contains("<p class=\"field-error\" id=\"code-error\">Kode pelacakan wajib diisi.</p>"))
            #expect(empty.body.string.contains("href=\"/lapor\" id=\"report-another\""))
            #expect(!(try await citizen.get("/lapor/status").body.string.contains("code-error")))
        }
    }

    /// A village name several provinces share finds the one an office here serves first, says when more bear the name
    /// than are shown, and reads past the words that only name a level ("kel. mojosari").
    @Test func aVillageSearchPutsTheServedRegionsFirst() async throws {
        #expect(RegionsController.searchWords("kel. Mojosari") == ["MOJOSARI"])
        #expect(RegionsController.searchWords("desa jasem, kec ngoro") == ["JASEM", "NGORO"])
        #expect(RegionsController.searchWords("kelurahan") == ["KELURAHAN"])
        try await withTestApp { app in
            struct Item: Decodable { var code: String; var name: String }
            struct Page: Decodable { var items: [Item]; var total: Int }
            func search(_ q: String) async throws -> Page {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/regions?q=\(q)&level=village&per=3")
                return try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView))
            }
            let plain = try await search("mojosari")
            #expect(plain.total > 3)                                   // Mojosari is a village in several provinces
            #expect(plain.items.first?.code.hasPrefix("35.16.") == true)   // the demo's Surabaya office serves Kabupaten Mojokerto
            #expect(plain.items.first?.name.uppercased() == "MOJOSARI")
            #expect(try await search("kel.%20mojosari").items.first?.code == plain.items.first?.code)
            // Over a whole page, among the villages called Mojosari (they come before those only in a Kecamatan Mojosari):
            // every served one before any other, each group by code.
            let res = try await app.testing().sendRequest(.GET, "/api/v1/regions?q=mojosari&level=village&per=100")
            let items = try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView)).items
            let exact = items.prefix { $0.name.uppercased() == "MOJOSARI" }
            #expect(exact.count > 3 && !items.dropFirst(exact.count).contains { $0.name.uppercased() == "MOJOSARI" })
            let codes = exact.map(\.code)
            let regencies = try await OfficeJurisdiction.query(on: app.db).all().map(\.regencyCode)   // every office's, not only Surabaya's
            func served(_ c: String) -> Bool { regencies.contains { c.hasPrefix($0 + ".") } }
            let firstOther = try #require(codes.firstIndex { !served($0) })
            #expect(firstOther > 0 && !codes[firstOther...].contains(where: served))
            #expect(Array(codes[firstOther...]) == codes[firstOther...].sorted())
        }
    }

    /// Staff know their regions by name: the dashboard's jurisdiction, a record's addresses, an operation's area and a
    /// sponsor's village read as names, each official code kept only as the name's title.
    @Test func regionsAreShownByNameWithTheirCodeOnlyAsTitle() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let home = try await b.get("/").body.string
            #expect(home.contains("<span class=\"place\" title=\"35.78\">Kota Surabaya</span>"))
            #expect(home.contains("<span class=\"place\" title=\"35.16\">Kabupaten Mojokerto</span>"))
            let text = PageCrawlTests.visibleText(home)
            #expect(!text.contains("35.78") && !text.contains("35.16") && PageCrawlTests.regionCodes(home).isEmpty)

            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$villageCode != nil).sort(\.$id).first())
            let village = try #require(f.villageCode)
            let record = try await b.get("/foreigners/\(f.id!)?purpose=supervision").body.string
            #expect(record.contains("<span class=\"place\" title=\"\(village)\">") && !PageCrawlTests.visibleText(record).contains(village))
            #expect(PageCrawlTests.regionCodes(record).isEmpty)

            let s = try #require(try await Sponsor.query(on: app.db).filter(\.$regencyCode == "35.78").sort(\.$id).first())
            let sponsor = try await b.get("/sponsors/\(s.id!)").body.string
            #expect(sponsor.contains("<span class=\"place\" title=\"\(s.villageCode)\">") && PageCrawlTests.regionCodes(sponsor).isEmpty)

            // A change of address in a record's history names the village, not its code.
            let edited = try await b.post("/foreigners/\(f.id!)/edit/address", form: ["line": "Jl. Nama Saja 3", "villageCode": "35.16.05.2010",
                                                                                   "validFrom": "2026-11-20", "reason": "Pindah"])
            #expect(edited.status == .seeOther)
            let after = try await b.get("/foreigners/\(f.id!)?purpose=supervision").body.string
            let history = Self.part(after, from: "id=\"history\"", to: "</section>")
            #expect(history.contains("Jl. Nama Saja 3, <span class=\"place\" title=\"35.16.05.2010\">"), "\(history)")
            #expect(PageCrawlTests.regionCodes(after).isEmpty, "\(PageCrawlTests.regionCodes(after))")

            // An operation's area and a meeting's region.
            let sup = Browser(app)
            try await sup.login("supervisor@demo.sinergi.id")
            let meeting = try await sup.post("/meetings", form: ["title": "Rapat wilayah", "regionCode": "35.16", "scheduledAt": "2026-12-05T10:00", "agenda": "Data"])
            let page = try #require(meeting.headers.first(name: .location))
            let shown = try await sup.get(page).body.string
            #expect(shown.contains("<dd id=\"meeting-region\"><span class=\"place\" title=\"35.16\">Kabupaten Mojokerto, Jawa Timur</span></dd>"))
            #expect(PageCrawlTests.regionCodes(try await sup.get("/meetings").body.string).isEmpty)
        }
    }

    /// The check the page crawl applies finds a code in the text and leaves titles, times, money and tax numbers alone.
    @Test func theRegionCodeCheckFindsCodesInTheText() {
        #expect(PageCrawlTests.regionCodes("<p>Kota Surabaya (35.78)</p>") == ["35.78"])
        #expect(PageCrawlTests.regionCodes("<td>Ngoro <span class=\"code\">35.16.05.2010</span></td>") == ["35.16.05.2010"])
        #expect(PageCrawlTests.regionCodes("""
            <p><span title="35.78">Kota Surabaya</span> · 2 Des 2026 18.30 WIB · Rp 60.000.000 · NPWP 01.234.567.8-901.000</p>
            """).isEmpty)
        // A region picker may say which code was chosen (it is a form, not text about a place).
        #expect(PageCrawlTests.regionCodes("<fieldset class=\"region-picker\"><p class=\"hint region-chosen\">Kode wilayah: <span class=\"code\">35.78</span></p></fieldset>").isEmpty)
    }

    /// A permit issued ahead of an arrival starts after today: the record, the lists, the field check and the API say
    /// "not yet valid" with its first day as people write days, until that day comes.
    @Test func aPermitThatStartsLaterIsNotValidYet() async throws {
        try await withTestApp { app in
            let body = """
                {"familyName": "Datang", "givenNames": "Nanti", "sex": "F", "dateOfBirth": "1991-02-03", "nationality": "AUS",
                 "passport": {"number": "PA5550001", "expiresOn": "2032-01-01"},
                 "address": {"line": "Jl. Raya 1", "villageCode": "35.16.05.2010", "validFrom": "2026-11-01"},
                 "permit": {"number": "2C21NEXT0001", "type": "E23", "startOn": "2027-01-12", "endOn": "2028-01-11"},
                 "reason": "Izin terbit sebelum kedatangan"}
                """
            var h = bearer(try await apiToken(app, "officer@demo.sinergi.id"))
            let get = h
            h.contentType = .json
            let created = try await app.testing().sendRequest(.POST, "/api/v1/foreigners", headers: h, body: ByteBuffer(string: body))
            #expect(created.status == .created)
            struct Item: Decodable { var id: UUID; var status: String; var permitStart: String?; var daysLeft: Int? }
            struct Detail: Decodable { var foreigner: Item }
            struct Page: Decodable { var items: [Item] }
            let item = try decode(Detail.self, created).foreigner
            #expect(item.status == "notYetValid" && item.permitStart == "2027-01-12" && item.daysLeft == nil)
            let read = try decode(Detail.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(item.id)?purpose=supervision", headers: get)).foreigner
            #expect(read.status == "notYetValid" && read.permitStart == "2027-01-12")
            // The status filter: among the people not valid yet, not among the valid ones.
            let notYet = try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners?status=notYetValid&per=100", headers: get))
            #expect(notYet.items.contains { $0.id == item.id } && notYet.items.allSatisfy { $0.status == "notYetValid" })
            let valid = try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners?status=valid&q=DATANG", headers: get))
            #expect(!valid.items.contains { $0.id == item.id })
            // A short permit that starts later and ends within the expiring window is not "expiring" either.
            let short = body.replacingOccurrences(of: "PA5550001", with: "PA5550002").replacingOccurrences(of: "2C21NEXT0001", with: "2C21NEXT0002")
                .replacingOccurrences(of: "\"startOn\": \"2027-01-12\", \"endOn\": \"2028-01-11\"", with: "\"startOn\": \"2026-12-10\", \"endOn\": \"2026-12-25\"")
            let soon = try decode(Detail.self, try await app.testing().sendRequest(.POST, "/api/v1/foreigners", headers: h, body: ByteBuffer(string: short))).foreigner
            #expect(soon.status == "notYetValid" && soon.permitStart == "2026-12-10")
            let expiring = try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners?status=expiring&q=DATANG", headers: get))
            #expect(!expiring.items.contains { $0.id == soon.id })
            let waiting = try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners?status=notYetValid&q=DATANG", headers: get))
            #expect(Set(waiting.items.map(\.id)) == [item.id, soon.id])
            let looked = try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/lookup?passport=PA5550001&purpose=fieldCheck", headers: get))
            #expect(looked.items.map(\.status) == ["notYetValid"] && looked.items.first?.permitStart == "2027-01-12")

            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let badge = "<span class=\"badge notYetValid\">Belum berlaku (mulai 12 Jan 2027)</span>"
            let record = try await b.get("/foreigners/\(item.id)?purpose=supervision").body.string
            #expect(record.contains("<h1>NANTI DATANG \(badge)</h1>"))
            #expect(record.contains("<td data-label=\"Status izin\">Belum berlaku (mulai 12 Jan 2027)</td>"))   // the permit's own row
            #expect(!record.contains(">Berlaku ·") && !record.contains(">Aktif</td>") && !record.contains("2027-01-12<"))
            #expect(try await b.get("/foreigners?q=datang").body.string.contains(badge))
            #expect(try await b.get("/foreigners?status=notYetValid").body.string.contains(badge))
            #expect(try await b.get("/lookup?passport=PA5550001&purpose=fieldCheck").body.string.contains(badge))
            #expect(try await b.get("/foreigners").body.string.contains("<option value=\"notYetValid\">Belum berlaku</option>"))
            b.cookies["lang"] = "en"
            let english = try await b.get("/foreigners/\(item.id)?purpose=supervision").body.string
            #expect(english.contains("<span class=\"badge notYetValid\">Not yet valid (from 12 Jan 2027)</span>"))

            // On its first day it is valid.
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(43 * 86_400) })
            #expect(app.today == "2027-01-12")
            try await b.login("officer@demo.sinergi.id")     // six weeks later the old session has ended
            let then = try await b.get("/foreigners/\(item.id)?purpose=supervision").body.string
            #expect(then.contains("<span class=\"badge valid\">Valid · 364 days left</span>") && !then.contains("notYetValid"))
        }
    }

    /// People in Mojokerto whose permits lie around today (2026-11-30), made through the API, each further permit recorded
    /// as an officer records a renewal (`POST /api/v1/foreigners/{id}/permits`): name → id.
    static func gapRegistry(_ app: Application) async throws -> [String: UUID] {
        var h = bearer(try await apiToken(app, "officer@demo.sinergi.id"))
        h.contentType = .json
        struct Created: Decodable { struct F: Decodable { var id: UUID }; var foreigner: F }
        let people: [(name: String, permits: [(String, String)], departed: Bool)] = [
            ("CELAHSATU", [("2026-03-01", "2026-12-20"), ("2027-01-15", "2028-01-14")], false),   // held now, 20 days left; the next after a gap
            ("CELAHDUA", [("2026-01-01", "2027-06-30"), ("2027-08-01", "2028-07-31")], false),    // held now, 212 days left
            ("CELAHTIGA", [("2026-06-01", "2026-11-20"), ("2026-12-15", "2027-12-14")], false),   // in the gap: overstayed 10 days
            ("NANTISAJA", [("2026-12-05", "2026-12-25")], false),                                  // not begun, ends within 30 days
            ("PERGISAJA", [("2026-01-01", "2026-12-10")], true),                                   // departed, ends within 30 days
            ("PERGILAMA", [("2026-01-01", "2026-11-01")], true),                                   // departed after the end
            ("BIASASAJA", [("2026-01-01", "2026-12-24")], false),                                  // expiring
        ]
        var ids: [String: UUID] = [:]
        for (n, p) in people.enumerated() {
            let body = """
                {"familyName": "\(p.name)", "givenNames": "Uji", "sex": "M", "dateOfBirth": "1980-05-06", "nationality": "NZL",
                 "passport": {"number": "PG777000\(n)", "expiresOn": "2033-01-01"},
                 "address": {"line": "Jl. Celah \(n)", "villageCode": "35.16.05.2010", "validFrom": "2026-01-01"},
                 "permit": {"number": "2C21GAP\(n)00", "type": "E23", "startOn": "\(p.permits[0].0)", "endOn": "\(p.permits[0].1)"},
                 "reason": "Uji celah izin"}
                """
            let created = try await app.testing().sendRequest(.POST, "/api/v1/foreigners", headers: h, body: ByteBuffer(string: body))
            #expect(created.status == .created, "\(p.name)")
            let id = try decode(Created.self, created).foreigner.id
            for (i, permit) in p.permits.dropFirst().enumerated() {
                let next = #"{"number": "2C21GAP\#(n)0\#(i + 1)", "type": "E23", "startOn": "\#(permit.0)", "endOn": "\#(permit.1)", "reason": "Perpanjangan"}"#
                let added = try await app.testing().sendRequest(.POST, "/api/v1/foreigners/\(id)/permits", headers: h, body: ByteBuffer(string: next))
                #expect(added.status == .created, "\(p.name)")
            }
            if p.departed { try await (app.db as! any SQLDatabase).raw("UPDATE foreigners SET departed = \(bind: true) WHERE id = \(bind: id)").run() }
            ids[p.name] = id
        }
        return ids
    }

    /// Someone holding a permit today whose next permit begins after a gap is valid (or expiring) by the permit held:
    /// in the API, the lists and their filters, the record; in the gap they are not valid yet. The dashboard's
    /// "expiring" and "overstayed" are the lists' filters: a permit not begun and a departed person are in neither.
    @Test func aPermitHeldBeforeAGapCountsUntilItEnds() async throws {
        try await withTestApp { app in
            let ids = try await Self.gapRegistry(app)
            let get = bearer(try await apiToken(app, "officer@demo.sinergi.id"))
            struct Item: Decodable {
                var id: UUID; var status: String; var permitEnd: String?; var permitStart: String?; var permitPriorStart: String?; var permitPriorEnd: String?
                var daysLeft: Int?
            }
            struct Detail: Decodable { var foreigner: Item }
            struct Page: Decodable { var items: [Item]; var total: Int }
            func read(_ name: String) async throws -> Item {
                try decode(Detail.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(ids[name]!)?purpose=supervision", headers: get)).foreigner
            }
            func list(_ query: String) async throws -> Page {
                try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners?\(query)", headers: get))
            }
            let one = try await read("CELAHSATU")
            #expect(one.status == "expiring" && one.daysLeft == 20)
            #expect(one.permitEnd == "2028-01-14" && one.permitStart == "2027-01-15" && one.permitPriorStart == "2026-03-01" && one.permitPriorEnd == "2026-12-20")
            let two = try await read("CELAHDUA")
            #expect(two.status == "valid" && two.daysLeft == 212 && two.permitPriorEnd == "2027-06-30")
            let three = try await read("CELAHTIGA")
            #expect(three.status == "overstayed" && three.daysLeft == nil && three.permitStart == "2026-12-15" && three.permitPriorEnd == "2026-11-20")
            let plain = try await read("BIASASAJA")
            #expect(plain.status == "expiring" && plain.permitPriorStart == nil && plain.permitPriorEnd == nil)
            // The list items say the same, and each filter holds exactly the people of its status.
            for (status, names) in [("expiring", ["CELAHSATU", "BIASASAJA"]), ("valid", ["CELAHDUA"]), ("notYetValid", ["NANTISAJA"]),
                                    ("departed", ["PERGISAJA", "PERGILAMA"]), ("overstayed", ["CELAHTIGA"])] {
                let page = try await list("status=\(status)&q=UJI&per=100")
                #expect(Set(page.items.map(\.id)) == Set(names.map { ids[$0]! }), "\(status)")
                #expect(page.items.allSatisfy { $0.status == status }, "\(status)")
            }
            // The field look-up says the same, and names the next permit's start while the earlier one is held.
            struct Found: Decodable { var status: String; var daysLeft: Int?; var permitPriorEnd: String?; var nextPermitStart: String? }
            struct Look: Decodable { var items: [Found] }
            func look(_ passport: String) async throws -> Found? {
                try decode(Look.self, try await app.testing().sendRequest(.GET, "/api/v1/lookup?passport=\(passport)&purpose=fieldCheck", headers: get)).items.first
            }
            let held = try #require(try await look("PG7770000"))
            #expect(held.status == "expiring" && held.daysLeft == 20 && held.permitPriorEnd == "2026-12-20" && held.nextPermitStart == "2027-01-15")
            let inGap = try #require(try await look("PG7770002"))
            #expect(inGap.status == "overstayed" && inGap.daysLeft == nil && inGap.nextPermitStart == "2026-12-15")
            #expect(try await look("PG7770006")?.nextPermitStart == nil)
            // The officers' overstay list has the person in the gap, with the days and fee counted from the permit that ended.
            struct Overstay: Decodable { var foreignerId: UUID; var permitEnd: String; var days: Int; var feeIDR: Int64 }
            struct Overstays: Decodable { var items: [Overstay] }
            let overstays = try decode(Overstays.self, try await app.testing().sendRequest(.GET, "/api/v1/overstays?per=100", headers: get)).items
            let gapOverstay = try #require(overstays.first { $0.foreignerId == ids["CELAHTIGA"]! })
            #expect(gapOverstay.permitEnd == "2026-11-20" && gapOverstay.days == 10 && gapOverstay.feeIDR > 0)
            // The dashboard's figures are the lists' totals.
            struct Counts: Decodable { var expiringIn30Days: Int; var overstayed: Int }
            let counts = try decode(Counts.self, try await app.testing().sendRequest(.GET, "/api/v1/stats", headers: get))
            #expect(counts.expiringIn30Days == (try await list("status=expiring&per=1")).total)
            #expect(counts.overstayed == (try await list("status=overstayed&per=1")).total)

            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let record = try await b.get("/foreigners/\(ids["CELAHSATU"]!)?purpose=supervision").body.string
            #expect(record.contains("<h1>UJI CELAHSATU <span class=\"badge expiring\">Segera berakhir · 20 hari lagi</span></h1>"))
            #expect(record.contains("<p id=\"next-permit\">Izin berikutnya berlaku mulai 15 Jan 2027</p>"))
            let gap = try await b.get("/foreigners/\(ids["CELAHTIGA"]!)?purpose=supervision").body.string
            #expect(gap.contains("<span class=\"badge overstayed\">Overstay · lewat 10 hari</span>") && gap.contains("<p id=\"next-permit\">"))
            let listed = try await b.get("/foreigners?status=valid&q=celahdua").body.string
            #expect(listed.contains("<span class=\"badge valid\">Berlaku · 212 hari lagi</span>"))
            #expect(listed.contains("30 Jun 2027") && !listed.contains("31 Jul 2028"), "the list's end is the permit held")
            let card = try await b.get("/lookup?passport=PG7770000&purpose=fieldCheck").body.string
            #expect(card.contains("Berakhir 20 Des 2026 · Izin berikutnya berlaku mulai 15 Jan 2027"), "the card counts the permit held")
            b.cookies["lang"] = "en"
            #expect(try await b.get("/foreigners/\(ids["CELAHSATU"]!)?purpose=supervision").body.string.contains("The next permit is valid from 15 Jan 2027"))

            // The sponsor's portal shows the end of the permit held, not the next one's.
            let sponsorUser = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
            try await (app.db as! any SQLDatabase).raw("UPDATE foreigners SET sponsor_id = \(bind: sponsorUser.$sponsor.id) WHERE id = \(bind: ids["CELAHSATU"]!)").run()
            let company = Browser(app)
            try await company.login("sponsor@demo.sinergi.id")
            let portal = try await company.get("/portal?per=100").body.string
            let row = try #require(portal.components(separatedBy: "<tr>").first { $0.contains("CELAHSATU") })
            #expect(row.contains("20 Des 2026") && !row.contains("14 Jan 2028"), "the portal's end is the permit held")

            // Three weeks on, the permit held has ended and the next has not begun: an overstay, until the next begins.
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(21 * 86_400) })
            #expect(app.today == "2026-12-21")
            let later = bearer(try await apiToken(app, "officer@demo.sinergi.id"))
            let then = try decode(Detail.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(ids["CELAHSATU"]!)?purpose=supervision", headers: later)).foreigner
            #expect(then.status == "overstayed")
            let waiting = try decode(Page.self, try await app.testing().sendRequest(.GET, "/api/v1/foreigners?status=overstayed&q=CELAHSATU", headers: later))
            #expect(waiting.items.map(\.id) == [ids["CELAHSATU"]!])
        }
    }

    /// The status filters (`PermitState.sqlCondition`) hold exactly the rows `PermitState` gives each status, and the
    /// dashboard's counts are their sizes, on every day around the permits' first and last days, on the whole seeded
    /// registry and the people above; the counts are read from the covering index alone.
    @Test func theStatusFiltersAgreeWithTheStatusOnEveryDay() async throws {
        try await withTestApp { app in
            let ids = try await Self.gapRegistry(app)
            let sql = app.db as! any SQLDatabase
            struct Row: Decodable {
                var id: UUID; var permit_end: String?; var permit_start: String?; var permit_prior_start: String?; var permit_prior_end: String?; var departed: Bool?
            }
            struct ID: Decodable { var id: UUID }
            let rows = try await sql.raw("SELECT id, permit_end, permit_start, permit_prior_start, permit_prior_end, departed FROM foreigners").all(decoding: Row.self)
            var days: Set<String> = [app.today]
            for r in rows where Set(ids.values).contains(r.id) {
                for d in [r.permit_start, r.permit_end, r.permit_prior_start, r.permit_prior_end].compactMap({ $0 }) {
                    for delta in [-31, -30, -1, 0, 1] { days.insert(Day.adding(delta, to: d)!) }
                }
            }
            for day in days.sorted() {
                var expected: [String: Set<UUID>] = [:]
                for r in rows {
                    let state = PermitState(end: r.permit_end, start: r.permit_start, priorStart: r.permit_prior_start, priorEnd: r.permit_prior_end,
                                            today: day, departed: r.departed ?? false)
                    expected[state.code, default: []].insert(r.id)
                }
                for code in ForeignerSearch.statuses {
                    let got = try await sql.raw("SELECT id FROM foreigners WHERE \(PermitState.sqlCondition(code, today: day))").all(decoding: ID.self)
                    #expect(Set(got.map(\.id)) == expected[code, default: []], "\(code) on \(day)")
                }
                let counts = try await ForeignerCounts.load(.all, today: day, on: app.db)
                #expect(counts.expiringIn30Days == expected["expiring", default: []].count && counts.overstayed == expected["overstayed", default: []].count, "\(day)")
            }
            guard sql.dialect.name == "sqlite" else { return }
            struct Plan: Decodable { var detail: String }
            for filter in [ScopePolicy.RowFilter.all, .regencies(["35.16", "35.78"])] {
                let counts = try await sql.raw("EXPLAIN QUERY PLAN \(ForeignerCounts.query(filter, today: app.today))").all(decoding: Plan.self)
                #expect(counts.contains { $0.detail.contains("USING COVERING INDEX foreigners_counts_idx") }, "\(counts.map(\.detail))")
            }
        }
    }

    /// The migration fills the prior stay of the registry already held as the summary's upkeep writes it, and taken back
    /// and made again leaves the same columns and the counts' index.
    @Test func theMigrationFillsThePriorStayOfTheRegistryHeld() async throws {
        try await withTestApp { app in
            let ids = try await Self.gapRegistry(app)
            let sql = app.db as! any SQLDatabase
            struct Row: Decodable, Equatable { var id: UUID; var permit_start: String?; var permit_prior_start: String?; var permit_prior_end: String? }
            let read = { try await sql.raw("SELECT id, permit_start, permit_prior_start, permit_prior_end FROM foreigners ORDER BY id").all(decoding: Row.self) }
            let written = try await read()
            #expect(written.filter { $0.permit_prior_end != nil }.count >= 3)
            // On one connection: SQLite's other pooled connections may still hold the table's columns as they were.
            try await app.db.transaction { tx in
                try await M044_PermitPriorStay().revert(on: tx)
                try await M044_PermitPriorStay().prepare(on: tx)
            }
            #expect(try await read() == written)
            #expect(try await read().first { $0.id == ids["CELAHSATU"] } == Row(id: ids["CELAHSATU"]!, permit_start: "2027-01-15", permit_prior_start: "2026-03-01", permit_prior_end: "2026-12-20"))
            let counts = try await ForeignerCounts.load(.all, today: app.today, on: app.db)
            #expect(counts.total == written.count)
        }
    }

    /// A name kept in Cyrillic gets the keys the current normalisation gives it (Иванов → IVANOV): the migration
    /// rewrites the keys stored under the earlier reading, and a search typed in either script finds the person.
    @Test func theMigrationRefreshesNameKeysReadOtherwiseNow() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).first())
            let id = try f.requireID()
            // A row the migration has no reason to read otherwise: Latin letters, no particle first (the demo registry
            // holds Malaysian names, and ids are random).
            let untouched = try #require(try await Foreigner.query(on: app.db).filter(\.$id != id).sort(\.$id).all()
                .first { !Normalize.startsWithPatronymic("\($0.familyName) \($0.givenNames) \($0.fullName)") })
            // As the earlier code stored it: the letters kept as written.
            try await sql.raw("""
                UPDATE foreigners SET family_name = 'ИВАНОВ', given_names = 'Сергей', full_name = 'Сергей ИВАНОВ',
                  search_name = 'ИВАНОВ СЕРГЕИ СЕРГЕИ ИВАНОВ', name_key = ' ИВАНОВ СЕРГЕИ ' WHERE id = \(bind: id)
                """).run()
            try await sql.raw("DELETE FROM foreigner_name_tokens WHERE foreigner_id = \(bind: id)").run()
            try await sql.raw("INSERT INTO foreigner_name_tokens (token, foreigner_id) VALUES ('ИВАНОВ', \(bind: id)), ('СЕРГЕИ', \(bind: id))").run()
            // A row in Latin letters whose keys were written otherwise is not the migration's to rewrite.
            try await sql.raw("UPDATE foreigners SET search_name = 'STALE' WHERE id = \(bind: untouched.requireID())").run()
            try await M046_NameKeysRefreshed().prepare(on: app.db)
            let after = try #require(try await Foreigner.find(id, on: app.db))
            #expect(after.searchName == "IVANOV SERGEI SERGEI IVANOV" && after.nameKey == " IVANOV SERGEI ")
            #expect(try await NameTokens.candidates(["IVANOV", "SERGEI"], limit: 5, on: app.db) == [id])
            let other = try #require(try await Foreigner.find(untouched.requireID(), on: app.db))
            #expect(other.searchName == "STALE" && other.nameKey == untouched.nameKey)
            // A family name that begins with a particle keeps it now: its keys are rewritten.
            let particle = try #require(try await Foreigner.query(on: app.db).filter(\.$id != id).filter(\.$id != other.requireID()).sort(\.$id).first())
            try await sql.raw("UPDATE foreigners SET family_name = 'AL HASHIMI', given_names = 'OMAR', full_name = 'OMAR AL HASHIMI', name_key = ' HASHIMI OMAR ' WHERE id = \(bind: particle.requireID())").run()
            try await M046_NameKeysRefreshed().prepare(on: app.db)
            #expect(try await Foreigner.find(particle.requireID(), on: app.db)?.nameKey == " AL HASHIMI OMAR ")

            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            for typed in ["Иванов", "ivanov serg"] {
                let page = try await b.get("/foreigners?q=\(typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").body.string
                #expect(page.contains("/foreigners/\(id)"), "\(typed)")
            }
        }
    }

    /// Nationality messages say what to write (a three-letter code such as AUS or CHN) or to choose from the list, and
    /// date-and-time messages give an example, never a standard's name ("ISO 3166", "ISO 8601"); the API keeps its codes.
    @Test func nationalityMessagesNeedNoStandardsName() async throws {
        for (key, entry) in L10n.all {
            for text in [entry.id, entry.en] {
                #expect(!text.contains("ISO ") && !text.contains("alpha-3"), "\(key): \(text)")
            }
        }
        #expect(L10n.t("v.moment", .en).contains("e.g. 2 Dec 2026 18:30"))
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).sort(\.$id).first())
            // Typed on the identity form: the code to write.
            let typed = try await b.post("/foreigners/\(f.id!)/edit/identity", form: ["familyName": f.familyName, "givenNames": f.givenNames, "nationality": "XX",
                                                                                   "dateOfBirth": f.dateOfBirth ?? "", "reason": "Koreksi"])
            #expect(typed.status == .unprocessableEntity)
            #expect(typed.body.string.contains("Kewarganegaraan: tulis kode negara tiga huruf (seperti AUS atau CHN) atau nama negaranya (Australia, Tiongkok)."))
            // The list filter is a list: choose from it.
            let filter = try await b.get("/foreigners?nationality=12")
            #expect(filter.body.string.contains("id=\"nationality-error\">Kewarganegaraan: pilih salah satu dari daftar.</p>"))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?nationality=CHINA", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
            struct E: Decodable { struct D: Decodable { var code: String; var field: String?; var message: String }; var error: D }
            let e = try decode(E.self, api).error
            #expect(api.status == .unprocessableEntity && e.code == "v.nationalityCode" && e.field == "nationality")
            #expect(e.message == "Nationality: give the country's three-letter code, such as AUS or CHN.")
        }
    }
}
