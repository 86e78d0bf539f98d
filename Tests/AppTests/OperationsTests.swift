@testable import App
import Deadlines
import Fluent
import Foundation
import SQLKit
import Logging
import Testing
import Vapor
import VaporTesting

/// Issue 17, items 4 and 6: 405 with Allow for a known path asked with another method; `/metrics` behind its token;
/// JSON logs.
@Suite struct OperationsTests {
    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let del = try await app.testing().sendRequest(.DELETE, "/api/v1/foreigners", headers: bearer(token))
            #expect(del.status == .methodNotAllowed && del.headers.first(name: .allow) == "GET, HEAD, POST")
            #expect(del.body.string.contains("err.405"))
            let put = try await app.testing().sendRequest(.PUT, "/api/v1/tasks/\(UUID())/done", headers: bearer(token))
            #expect(put.status == .methodNotAllowed && put.headers.first(name: .allow) == "POST")
            let both = try await app.testing().sendRequest(.DELETE, "/api/v1/admin/users/\(UUID())")
            #expect(both.status == .methodNotAllowed && both.headers.first(name: .allow) == "GET, HEAD, PATCH")
            // An unknown path stays 404; a handler's own 404 (no such record) too.
            #expect(try await app.testing().sendRequest(.DELETE, "/api/v1/nothing-here").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/tasks/\(UUID())/done", headers: bearer(token)).status == .methodNotAllowed)
            let web = try await app.testing().sendRequest(.PUT, "/login")
            #expect(web.status == .methodNotAllowed && web.headers.first(name: .allow) == "GET, HEAD, POST" && web.body.string.contains("<html"))
        }
        #expect(AllowedMethods.matches([.constant("a"), .parameter("id")], ["a", "x"]))
        #expect(!AllowedMethods.matches([.constant("a"), .parameter("id")], ["a"]))
        #expect(AllowedMethods.matches([.constant("static"), .catchall], ["static", "x", "y"]))
    }

    @Test func metricsNeedTheirToken() async throws {
        let scrape = "metrics-scrape-token-0123456789abcdef"
        try await withTestApp(extra: ["SINERGI_METRICS_TOKEN": scrape]) { app in
            _ = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(try await app.testing().sendRequest(.GET, "/metrics").status == .unauthorized)
            #expect(try await app.testing().sendRequest(.GET, "/metrics", headers: bearer("wrong-token")).status == .unauthorized)
            #expect(try await app.testing().sendRequest(.GET, "/metrics", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id"))).status == .forbidden)
            let admin = try await app.testing().sendRequest(.GET, "/metrics", headers: bearer(try await apiToken(app, "admin@demo.sinergi.id")))
            #expect(admin.status == .ok)
            let res = try await app.testing().sendRequest(.GET, "/metrics", headers: bearer(scrape))
            #expect(res.status == .ok && res.headers.contentType?.subType == "plain")
            let text = res.body.string
            #expect(text.contains(#"sinergi_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
            #expect(text.contains(#"sinergi_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1"#))
            #expect(text.contains(#"sinergi_http_requests_total{method="GET",route="/metrics",status="401"} 2"#))
            #expect(text.contains("# TYPE sinergi_outbox_messages gauge") && text.contains("sinergi_audit_events "))
            // Route patterns only: no ids or query strings.
            #expect(!text.contains("Bearer") && !text.contains("?"))
        }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["SINERGI_METRICS_TOKEN": "short"]) }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["LOG_FORMAT": "xml"]) }
        #expect(try AppConfig.fromEnvironment(["LOG_FORMAT": "json"]).jsonLogs)
    }
}

/// Issue 17, item 8: two servers on one database run the day's round (scan, reminders, retention) once.
@Suite struct SeveralServersTests {
    @Test func aReconciliationIsRunByTheServerThatClaimedItAndTakenOverWhenThatOneDied() async throws {
        try await withTwoServers { a, b in
        let token = try await apiToken(a, "officer@demo.sinergi.id")
        let csv = Array("name,passport_number,nationality,date_of_birth\nBIN WANG,390830166,TWN,1959-09-04\nJANE DOE,X1234567,USA,1990-01-01\n".utf8)
        let up = try decode(ImportReply.self, try await postImport(a, token: token, kind: "persons-checked", csv: csv))
        let id = try #require(up.id)
        await a.importJobs.drain()
        let sql = a.db as! any SQLDatabase
        #expect(try await AgencyImport.find(id, on: a.db)?.status == "reconciled")
        // As if server A were still at it: B, asked about the import, leaves it alone.
        try await sql.raw("UPDATE agency_imports SET status = 'reconciling', claimed_by = 'server-a', claimed_at = \(bind: TestDatabases.now) WHERE id = \(bind: id)").run()
        _ = try await b.testing().sendRequest(.GET, "/api/v1/imports/\(id)", headers: bearer(try await apiToken(b, "officer@demo.sinergi.id")))
        #expect(await !b.importJobs.isRunning(id))
        #expect(try await b.importJobs.claim(id, db: b.db, now: TestDatabases.now) == false)
        // Server A died: its claim grows old, and B takes the reconciliation over and finishes it.
        try await sql.raw("UPDATE agency_imports SET claimed_at = \(bind: TestDatabases.now.addingTimeInterval(-ImportJobs.lease - 1)) WHERE id = \(bind: id)").run()
        await b.importJobs.start(id, app: b)
        await b.importJobs.drain()
        struct Claim: Decodable { var status: String; var claimed_by: String? }
        let after = try #require(try await sql.raw("SELECT status, claimed_by FROM agency_imports WHERE id = \(bind: id)").first(decoding: Claim.self))
        #expect(after.status == "reconciled" && after.claimed_by == b.importJobs.instance)
        }
    }

    /// Each server keeps the rule book it read last; a rule another server adds is in force on this one at its next request.
    @Test func aRuleAddedOnOneServerIsReadOnTheOtherAtOnce() async throws {
        try await withTwoServers { a, b in
        let later = Day.adding(10, to: a.today)!
        let onA = Request(application: a, on: a.eventLoopGroup.next())
        #expect(try await Rules.book(onA).warningThresholds(on: CalendarDay(later)!) == [60, 30, 14, 7, 0])
        #expect(try await Rules.book(onA).warningThresholds(on: CalendarDay(later)!) == [60, 30, 14, 7, 0])
        let added = try await RuleTests.post(b, #"{"kind": "warning", "key": "permitExpiry", "value": [90, 30], "validFrom": "\#(later)", "basis": "Kebijakan kantor"}"#)
        #expect(added.status == .created, "\(added.body.string)")
        #expect(try await Rules.book(onA).warningThresholds(on: CalendarDay(later)!) == [90, 30])
        #expect(try await Rules.book(onA).warningThresholds(on: CalendarDay(a.today)!) == [60, 30, 14, 7, 0])
        }
    }

    @Test func twoServersRunTheDailyRoundOnce() async throws {
        try await withTwoServers { a, b in
        async let x: Void = AlertsScheduler.tick(a)
        async let y: Void = AlertsScheduler.tick(b)
        _ = await (x, y)
        let runs = try await AlertRun.query(on: a.db).all()
        #expect(runs.count == 1 && runs.first?.finishedAt != nil)
        #expect(try await AuditEventRecord.query(on: a.db).filter(\.$action == "retention.run").count() == 1)
        let warnings = try await PermitWarning.query(on: a.db).count()
        #expect(warnings > 0)
        // Ticking again on either changes nothing.
        await AlertsScheduler.tick(b)
        #expect(try await PermitWarning.query(on: a.db).count() == warnings)
        #expect(try await AuditEventRecord.query(on: a.db).filter(\.$action == "retention.run").count() == 1)
        // A round whose server died is taken over once its lease has passed, and only then.
        let sql = a.db as! any SQLDatabase
        try await sql.raw("INSERT INTO alert_runs (day, started_at) VALUES ('2026-12-01', \(bind: TestDatabases.now))").run()
        #expect(try await !EarlyWarnings.claim("2026-12-01", now: TestDatabases.now.addingTimeInterval(600), db: b.db))
        #expect(try await EarlyWarnings.claim("2026-12-01", now: TestDatabases.now.addingTimeInterval(EarlyWarnings.claimLease + 1), db: b.db))
        #expect(try await !EarlyWarnings.claim("2026-12-01", now: TestDatabases.now.addingTimeInterval(EarlyWarnings.claimLease + 2), db: a.db))
        }
    }
}

/// Issue 17, item 1: an agency's operations and meetings are scoped in SQL before the LIMIT — many newer rows
/// elsewhere in the country no longer hide its own.
@Suite struct ScopedListTests {
    @Test func anAgencySeesItsOwnBehindManyNewerOnesElsewhere() async throws {
        try await withTestApp { app in
            let agency = try #require(try await User.query(on: app.db).filter(\.$email == "agency@demo.sinergi.id").with(\.$agency).first())
            let region = try #require(agency.agency?.regionCode)
            let sby = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
            let jakselOfficer = try #require(try await User.query(on: app.db).filter(\.$email == "officer.jaksel@demo.sinergi.id").first())
            let jaksel = try #require(try await Office.find(jakselOfficer.$office.id, on: app.db))
            let author = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            func op(_ office: Office, area: String, date: String, title: String) -> JointOperation {
                let o = JointOperation()
                o.id = UUID(); o.officeID = office.id!; o.createdBy = author.id!; o.title = title; o.date = date; o.areaCode = area
                o.agencyIDs = "[]"; o.status = "planned"; o.createdAt = TestDatabases.now; o.withoutOrder = "test"
                return o
            }
            try await op(sby, area: region, date: "2026-01-05", title: "Operasi wilayah kami").create(on: app.db)
            // A region that neither contains nor lies in the agency's.
            let elsewhere = region.hasPrefix("35") ? "36.71" : "35.15"
            try await op(sby, area: elsewhere, date: "2026-01-06", title: "Operasi wilayah lain").create(on: app.db)
            for i in 0..<520 { try await op(jaksel, area: "31.74", date: "2026-11-\(String(format: "%02d", 1 + i % 28))", title: "Operasi Jakarta \(i)").create(on: app.db) }
            let token = try await apiToken(app, "agency@demo.sinergi.id")
            let body = try await app.testing().sendRequest(.GET, "/api/v1/operations", headers: bearer(token)).body.string
            #expect(body.contains("Operasi wilayah kami") && !body.contains("Operasi Jakarta") && !body.contains("Operasi wilayah lain"))
            // Lists are paged with the list shape; the total counts every one in scope.
            struct Page: Decodable { var items: [Item]; var total: Int; var page: Int; var per: Int; struct Item: Decodable { var title: String } }
            let jt = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            let first = try JSONDecoder().decode(Page.self, from: Data(try await app.testing().sendRequest(.GET, "/api/v1/operations?per=100", headers: bearer(jt)).body.readableBytesView))
            #expect(first.total >= 520 && first.items.count == 100 && first.page == 1 && first.per == 100)
            let lastPage = (first.total + 99) / 100
            let last = try JSONDecoder().decode(Page.self, from: Data(try await app.testing().sendRequest(.GET, "/api/v1/operations?per=100&page=\(lastPage)", headers: bearer(jt)).body.readableBytesView))
            #expect(last.items.count == first.total - (lastPage - 1) * 100)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/operations?per=500", headers: bearer(jt)).status == .unprocessableEntity)
            for path in ["/api/v1/meetings?per=5", "/api/v1/inspections?per=5"] {
                let res = try await app.testing().sendRequest(.GET, path, headers: bearer(jt))
                #expect(res.status == .ok && res.body.string.contains("\"per\":5"))
            }
        }
    }
}
