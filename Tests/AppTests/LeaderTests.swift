@testable import App
import Deadlines
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct LeaderTests {
    @Test func perOfficerFiguresChartAndCSV() async throws {
        try await withTestApp { app in
            let off = try await apiToken(app, "officer@demo.sinergi.id")
            var h = bearer(off); h.contentType = .json
            for (date, finding) in [("2026-11-27", "overstay"), ("2026-11-20", "compliant")] {
                let body = #"{"date": "\#(date)", "entries": [{"clientId": "\#(UUID())", "time": "09:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "\#(finding)"}]}"#
                struct R: Decodable { var id: UUID }
                let r = try decode(R.self, try await app.testing().sendRequest(.POST, "/api/v1/daily-reports", headers: h, body: ByteBuffer(string: body)))
                _ = try await app.testing().sendRequest(.POST, "/api/v1/daily-reports/\(r.id)/submit", headers: h)
            }
            let s = Browser(app)
            try await s.login("supervisor@demo.sinergi.id")
            let page = try await s.get("/leader")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<svg class=\"chart\"") && html.contains("rect class=\"flagged\"") && html.contains("Overstay: 1"))
            let csv = try await s.get("/leader.csv?days=30")
            #expect(csv.status == .ok)
            let lines = csv.body.string.split(separator: "\r\n").map(String.init)
            let friday = lines.first { $0.hasPrefix("\"2026-11-27\",\"Petugas Imigrasi Surabaya\"") }
            #expect(friday?.contains("\"submitted\",\"no\",\"1\"") == true)      // Friday's report, submitted Monday: on time
            let earlier = lines.first { $0.hasPrefix("\"2026-11-20\",\"Petugas Imigrasi Surabaya\"") }
            #expect(earlier?.contains("\"submitted\",\"yes\"") == true)         // ten days later: late
            #expect(lines.contains { $0.hasPrefix("\"2026-11-26\",\"Petugas Imigrasi Surabaya\",\"missing\"") })   // a Thursday without a report
            #expect(!lines.contains { $0.hasPrefix("\"2026-11-28\"") })           // Saturday: not a working day
            #expect(try await s.get("/leader?days=7").status == .unprocessableEntity)
            // Officers, agency members and sponsors are refused.
            for email in ["officer@demo.sinergi.id", "agency@demo.sinergi.id", "sponsor@demo.sinergi.id"] {
                let b = Browser(app)
                try await b.login(email)
                #expect(try await b.get("/leader").status == .forbidden)
                #expect(try await b.get("/leader.csv").status == .forbidden)
            }
        }
    }

    /// Office policy: due by the end of the next working day; Friday's report is due on Monday.
    @Test func latenessFollowsTheOfficePolicy() {
        let friday = CalendarDay("2026-11-27")!, monday = CalendarDay("2026-11-30")!, tuesday = CalendarDay("2026-12-01")!
        let rules = RuleBook(RuleBook.defaults())
        #expect(rules.dailyReportDue(for: friday) == monday)
        #expect(!rules.dailyReportIsLate(day: friday, submitted: monday, today: tuesday))
        #expect(rules.dailyReportIsLate(day: friday, submitted: tuesday, today: tuesday))
        #expect(!rules.dailyReportIsLate(day: friday, submitted: nil, today: monday))
        #expect(rules.dailyReportIsLate(day: friday, submitted: nil, today: tuesday))
        // An office's own rule from a day on: two working days for its reports from then.
        let sby = RuleBook(RuleBook.defaults() + [RuleVersion(kind: .dailyReport, key: "dueWorkingDays", value: "2", unit: "working-days",
                                                              validFrom: monday, basis: "Office policy", officeCode: "SBY")])
        #expect(sby.dailyReportDue(for: friday, office: "SBY") == monday)              // Friday's report: the old rule
        #expect(sby.dailyReportDue(for: monday, office: "SBY") == monday.adding(days: 2))
        #expect(sby.dailyReportDue(for: monday, office: "JKS") == monday.adding(days: 1))
    }

    @Test func chartCoordinatesAreWrittenWithoutFormatStrings() {
        #expect(LeaderViews.coordinate(12.54) == "12.5" && LeaderViews.coordinate(30) == "30" && LeaderViews.coordinate(0.96) == "1")
        #expect(LeaderViews.coordinate(-0.5) == "-0.5" && LeaderViews.coordinate(7.05) == "7.1")
    }
}
