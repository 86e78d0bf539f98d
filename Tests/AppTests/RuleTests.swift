@testable import App
import Deadlines
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 16, item 3: rules as dated data in one place; a change from a later date re-prices nothing before it.
@Suite struct RuleTests {
    struct Item: Decodable { var kind: String; var key: String; var unit: String; var validFrom: String; var basis: String; var officeCode: String?; var inForce: Bool }
    struct Page: Decodable { var items: [Item]; var total: Int }

    static func post(_ app: Application, as email: String = AccountTests.admin, _ body: String) async throws -> TestingHTTPResponse {
        try await AccountTests.json(app, .POST, "/api/v1/rules", as: email, body)
    }

    @Test func theRulesAreListedByKindWithTheirBasis() async throws {
        try await withTestApp { app in
            let res = try await app.testing().sendRequest(.GET, "/api/v1/rules?kind=deadline", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
            #expect(res.status == .ok)
            let page = try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView))
            #expect(page.items.allSatisfy { $0.kind == "deadline" } && page.total == ReportType.allCases.count)
            let arrival = try #require(page.items.first { $0.key == "arrival" })
            #expect(arrival.inForce && arrival.unit == "calendar-days" && arrival.basis.contains("Permenkumham 22/2023"))
            let raw = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as? [String: Any]
            let items = raw?["items"] as? [[String: Any]] ?? []
            #expect(items.first { $0["key"] as? String == "arrival" }?["value"] as? Int == 30)
            for kind in ["overstay-fee", "dkptka", "warning", "daily-report"] {
                let r = try await app.testing().sendRequest(.GET, "/api/v1/rules?kind=\(kind)", headers: bearer(try await apiToken(app, "sponsor@demo.sinergi.id")))
                #expect(try JSONDecoder().decode(Page.self, from: Data(r.body.readableBytesView)).total > 0, "\(kind)")
            }
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/rules?kind=tax", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id"))).status == .unprocessableEntity)
        }
    }

    @Test func aNewVersionStartsTodayOrLaterAndIsChecked() async throws {
        try await withTestApp { app in
            let yesterday = Day.adding(-1, to: app.today)!, later = Day.adding(10, to: app.today)!
            let past = try await Self.post(app, #"{"kind": "dkptka", "key": "monthly", "value": 120, "validFrom": "\#(yesterday)", "basis": "PP baru"}"#)
            #expect(past.status == .unprocessableEntity && past.body.string.contains(#""field":"validFrom""#))
            for (body, field) in [(#"{"kind": "tax", "key": "x", "value": 1, "validFrom": "\#(later)", "basis": "x"}"#, "kind"),
                                  (#"{"kind": "dkptka", "key": "yearly", "value": 1, "validFrom": "\#(later)", "basis": "x"}"#, "key"),
                                  (#"{"kind": "dkptka", "key": "monthly", "value": -5, "validFrom": "\#(later)", "basis": "x"}"#, "value"),
                                  (#"{"kind": "dkptka", "key": "monthly", "value": 120, "validFrom": "\#(later)"}"#, "basis"),
                                  (#"{"kind": "dkptka", "key": "monthly", "value": 120, "validFrom": "\#(later)", "basis": "x", "officeCode": "SBY"}"#, "officeCode"),
                                  (#"{"kind": "deadline", "key": "arrival", "value": 30, "unit": "weeks", "validFrom": "\#(later)", "basis": "x"}"#, "unit")] {
                let r = try await Self.post(app, body)
                #expect(r.status == .unprocessableEntity && r.body.string.contains(#""field":"\#(field)""#), "\(body): \(r.body.string)")
            }
            // The message names the field and what is wanted, in the page's language, without the pure target's codes.
            let b = Browser(app)
            try await b.login(AccountTests.admin)
            _ = try await b.get("/admin/rules")
            let page = try await b.post("/admin/rules", form: ["rule": "dkptka:monthly", "value": "abc", "validFrom": later, "basis": "Perubahan PP"])
            #expect(page.status == .unprocessableEntity && page.body.string.contains("Nilai harus bilangan bulat") && !page.body.string.contains("whole number"))
            #expect(page.body.string.contains("value=\"abc\""))
            let ok = try await Self.post(app, #"{"kind": "warning", "key": "permitExpiry", "value": [90, 30, 7, 0], "validFrom": "\#(later)", "basis": "Kebijakan kantor"}"#)
            #expect(ok.status == .created, "\(ok.body.string)")
            #expect(ok.body.string.contains(#""value":"90,30,7,0""#) && ok.body.string.contains(#""inForce":false"#))
            #expect(try await Self.post(app, #"{"kind": "warning", "key": "permitExpiry", "value": "60,7", "validFrom": "\#(later)", "basis": "x"}"#).status == .conflict)
            for who in ["supervisor", "officer", "agency", "sponsor"] {
                #expect(try await Self.post(app, as: "\(who)@demo.sinergi.id", #"{"kind": "dkptka", "key": "monthly", "value": 1, "validFrom": "\#(later)", "basis": "x"}"#).status == .forbidden)
            }
            let event = try #require(try await AuditEventRecord.query(on: app.db).filter(\.$action == "rule.create").first())
            #expect(event.detail.contains("before: 60,30,14,7,0") && event.detail.contains("after: 90,30,7,0"))
            // Today's scan still uses today's thresholds; from the new day on, the new ones.
            let book = try await Rules.book(app.db)
            #expect(book.warningThresholds(on: CalendarDay(app.today)!) == [60, 30, 14, 7, 0])
            #expect(book.warningThresholds(on: CalendarDay(later)!) == [90, 30, 7, 0])
        }
    }

    /// A DKPTKA rate raised from a later month leaves payments for earlier months as they were.
    @Test func aLaterDKPTKARateDoesNotRepricePastPayments() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "sponsor@demo.sinergi.id")
            let t = ForeignWorkerTests()
            struct Overview: Decodable { struct W: Decodable { var foreignerId: UUID; var unpaidMonths: [String] }; struct U: Decodable { var reference: String; var expectedUsd: Int }
                var monthlyRateUsd: Int; var workers: [W]; var underpaid: [U] }
            let first = try await t.send(app, .GET, "/api/v1/portal/foreign-workers", token)
            #expect(first.status == .ok, "\(first.body.string)")
            let before = try first.content.decode(Overview.self)
            let w = try #require(before.workers.first)
            struct Pay: Encodable, Sendable { var foreignerId: UUID; var fromMonth: String; var months: Int; var amountUsd: Int; var paidOn: String; var reference: String }
            let thisMonth = String(app.today.prefix(7))
            #expect(try await t.send(app, .POST, "/api/v1/dkptka-payments", token, Pay(foreignerId: w.foreignerId, fromMonth: thisMonth, months: 1, amountUsd: 100, paidOn: app.today, reference: "NTPN-R1")).status == .created)
            // From the first of next month: USD 150.
            let next = Month(day: app.today)!.adding(1).description + "-01"
            #expect(try await Self.post(app, #"{"kind": "dkptka", "key": "monthly", "value": 150, "validFrom": "\#(next)", "basis": "Perubahan PP"}"#).status == .created)
            // A month later the rate shown is the new one, and this month's payment is still complete.
            let later = Date(timeIntervalSince1970: TestDatabases.now.timeIntervalSince1970 + 40 * 86_400)
            app.clock = AppClock(now: { later })
            let token2 = try await apiToken(app, "sponsor@demo.sinergi.id")     // the first one has expired by then
            let after = try await t.send(app, .GET, "/api/v1/portal/foreign-workers", token2).content.decode(Overview.self)
            #expect(after.monthlyRateUsd == 150)
            #expect(!after.underpaid.contains { $0.reference == "NTPN-R1" })
            // A payment of next month at the old amount is short by the new rate.
            #expect(try await t.send(app, .POST, "/api/v1/dkptka-payments", token2, Pay(foreignerId: w.foreignerId, fromMonth: String(next.prefix(7)), months: 1, amountUsd: 100, paidOn: Day.string(later, in: app.config.timeZone), reference: "NTPN-R2")).status == .created)
            let short = try await t.send(app, .GET, "/api/v1/portal/foreign-workers", token2).content.decode(Overview.self)
            #expect(short.underpaid.first { $0.reference == "NTPN-R2" }?.expectedUsd == 150)
        }
    }

    /// An overstay fee raised from a later day charges only the days from then on.
    @Test func aLaterOverstayRateChargesOnlyTheDaysFromThenOn() async throws {
        let base = RuleBook.defaults()
        let raised = RuleBook(base + [RuleVersion(kind: .overstayFee, key: "perDay", value: "2000000", unit: "IDR", validFrom: CalendarDay("2027-01-11")!, basis: "PP baru")])
        let end = CalendarDay("2027-01-01")!
        // Nine days (2–10 January) before the change, then five (11–15 January) at the new rate.
        #expect(raised.overstayFee(permitEnd: end, today: CalendarDay("2027-01-10")!).amountIDR == RuleBook(base).overstayFee(permitEnd: end, today: CalendarDay("2027-01-10")!).amountIDR)
        #expect(raised.overstayFee(permitEnd: end, today: CalendarDay("2027-01-15")!).amountIDR == 9 * 1_000_000 + 5 * 2_000_000)
        try await withTestApp { app in
            let later = Day.adding(30, to: app.today)!
            let over = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$permitEnd < app.today)
                .group(.or) { $0.filter(\.$departedFlag == false).filter(\.$departedFlag == nil) }.filter(\.$passportNumber != nil).first())
            let fine = { () async throws -> Int64 in
                let res = try await app.testing().sendRequest(.GET, "/api/v1/lookup?passport=\(over.passportNumber!)", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
                struct P: Decodable { struct I: Decodable { var id: UUID; var fineIDR: Int64? }; var items: [I] }
                return try #require(try res.content.decode(P.self).items.first { $0.id == over.id }?.fineIDR)
            }
            let before = try await fine()
            #expect(try await Self.post(app, #"{"kind": "overstay-fee", "key": "perDay", "value": 5000000, "validFrom": "\#(later)", "basis": "PP baru"}"#).status == .created)
            #expect(try await fine() == before)
        }
    }

    /// An office's own deadline applies to events in its jurisdiction from its day on.
    @Test func anOfficesOwnDeadlineAppliesFromItsDay() async throws {
        try await withTestApp { app in
            let today = CalendarDay(app.today)!
            #expect(try await Self.post(app, #"{"kind": "deadline", "key": "departure", "value": 3, "unit": "working-days", "validFrom": "\#(app.today)", "basis": "Kebijakan kantor", "officeCode": "SBY"}"#).status == .created)
            let book = try await Rules.book(app.db)
            #expect(book.deadline(.departure, on: today, office: "SBY").count == .workingDays)
            #expect(book.deadline(.departure, on: today, office: "JKS").amount == 14)
            #expect(book.deadline(.departure, on: today.adding(days: -1), office: "SBY").amount == 14)
        }
    }
}
