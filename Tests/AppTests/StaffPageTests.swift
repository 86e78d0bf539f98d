@testable import App
import Fluent
import Foundation
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
            #expect(typed.body.string.contains("Kewarganegaraan: tulis kode negara tiga huruf, seperti AUS atau CHN."))
            // The list filter is a list: choose from it.
            let filter = try await b.get("/foreigners?nationality=12")
            #expect(filter.body.string.contains("id=\"nationality-error\">Kewarganegaraan: pilih salah satu dari daftar.</p>"))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?nationality=CHINA", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
            struct E: Decodable { struct D: Decodable { var code: String; var field: String?; var message: String }; var error: D }
            let e = try decode(E.self, api).error
            #expect(api.status == .unprocessableEntity && e.code == "v.nationality" && e.field == "nationality")
            #expect(e.message == "Nationality: give the country's three-letter code, such as AUS or CHN.")
        }
    }
}
