@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Every role against every route of the Foundation issue, and the promise that agency members and
/// sponsors never receive personal data outside their scope.
@Suite struct ScopeTests {
    struct Fixture {
        var own: UUID            // sponsored by the demo sponsor, in Surabaya's jurisdiction
        var otherSBY: UUID       // in Surabaya's jurisdiction, another sponsor
        var jaksel: UUID         // in Jakarta Selatan
        var demoSponsor: UUID
        var jakselSponsor: UUID

        init(_ app: Application) async throws {
            let sponsorUser = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
            demoSponsor = try #require(sponsorUser.$sponsor.id)
            own = try #require(try await Foreigner.query(on: app.db).filter(\.$sponsorID == demoSponsor).first()?.id)
            otherSBY = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$sponsorID != demoSponsor).first()?.id)
            let j = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "31.74").first())
            jaksel = j.id!
            jakselSponsor = try #require(j.sponsorID)
        }
    }

    enum Who: String, CaseIterable { case anonymous, admin, supervisor, officer, agency, sponsor }

    static func email(_ who: Who) -> String? { who == .anonymous ? nil : "\(who.rawValue)@demo.sinergi.id" }

    @Test func webRoutesByRole() async throws {
        try await withTestApp { app in
            let f = try await Fixture(app)
            let routes: [(String, [Who: UInt])] = [
                ("/", [.anonymous: 303, .admin: 200, .supervisor: 200, .officer: 200, .agency: 200, .sponsor: 200]),
                ("/foreigners", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/foreigners/\(f.own)", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/foreigners/\(f.otherSBY)", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 404]),
                ("/foreigners/\(f.jaksel)", [.anonymous: 303, .admin: 403, .supervisor: 404, .officer: 404, .agency: 403, .sponsor: 404]),
                ("/sponsors", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/sponsors/\(f.demoSponsor)", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/sponsors/\(f.jakselSponsor)", [.anonymous: 303, .admin: 403, .supervisor: 404, .officer: 404, .agency: 403, .sponsor: 404]),
                ("/sponsors/new", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 403]),
                ("/sponsors/\(f.demoSponsor)/edit", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 403]),
                ("/sponsors/\(f.jakselSponsor)/edit", [.anonymous: 303, .admin: 403, .supervisor: 404, .officer: 404, .agency: 403, .sponsor: 403]),
                ("/sponsor-merges", [.anonymous: 303, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 403]),
                ("/admin/audit", [.anonymous: 303, .admin: 200, .supervisor: 403, .officer: 403, .agency: 403, .sponsor: 403]),
                ("/admin/users", [.anonymous: 303, .admin: 200, .supervisor: 403, .officer: 403, .agency: 403, .sponsor: 403]),
            ]
            for who in Who.allCases {
                let b = Browser(app)
                if let email = Self.email(who) { #expect(try await b.login(email).status == .seeOther) }
                for (path, expected) in routes {
                    let res = try await b.get(path)
                    #expect(res.status.code == expected[who]!, "\(who) GET \(path)")
                }
            }
        }
    }

    @Test func apiRoutesByRole() async throws {
        try await withTestApp { app in
            let f = try await Fixture(app)
            let routes: [(String, [Who: UInt])] = [
                ("/api/v1/foreigners", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/api/v1/foreigners/\(f.own)?purpose=supervision", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/api/v1/foreigners/\(f.otherSBY)?purpose=supervision", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 404]),
                ("/api/v1/foreigners/\(f.jaksel)?purpose=supervision", [.anonymous: 401, .admin: 403, .supervisor: 404, .officer: 404, .agency: 403, .sponsor: 404]),
                ("/api/v1/sponsors", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/api/v1/sponsors/\(f.demoSponsor)", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 200]),
                ("/api/v1/sponsors/\(f.jakselSponsor)", [.anonymous: 401, .admin: 403, .supervisor: 404, .officer: 404, .agency: 403, .sponsor: 404]),
                ("/api/v1/sponsors/\(f.demoSponsor)/history", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 403]),
                ("/api/v1/sponsors/\(f.jakselSponsor)/history", [.anonymous: 401, .admin: 403, .supervisor: 404, .officer: 404, .agency: 403, .sponsor: 403]),
                ("/api/v1/sponsor-merges", [.anonymous: 401, .admin: 403, .supervisor: 200, .officer: 200, .agency: 403, .sponsor: 403]),
                ("/api/v1/stats", [.anonymous: 401, .admin: 200, .supervisor: 200, .officer: 200, .agency: 200, .sponsor: 200]),
                ("/api/v1/regions?q=Ngoro", [.anonymous: 200, .admin: 200, .supervisor: 200, .officer: 200, .agency: 200, .sponsor: 200]),
                ("/api/v1/openapi.json", [.anonymous: 200, .admin: 200, .supervisor: 200, .officer: 200, .agency: 200, .sponsor: 200]),
                ("/healthz", [.anonymous: 200, .admin: 200, .supervisor: 200, .officer: 200, .agency: 200, .sponsor: 200]),
            ]
            for who in Who.allCases {
                var headers = HTTPHeaders()
                if let email = Self.email(who) { headers = bearer(try await apiToken(app, email)) }
                for (path, expected) in routes {
                    let res = try await app.testing().sendRequest(.GET, path, headers: headers)
                    #expect(res.status.code == expected[who]!, "\(who) GET \(path)")
                }
            }
            // A forged or unknown token is refused, not treated as anonymous.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/regions", headers: bearer("forged")).status == .unauthorized)
        }
    }

    @Test func agencyAndSponsorNeverReceiveOthersPersonalData() async throws {
        try await withTestApp { app in
            let f = try await Fixture(app)
            let all = try await Foreigner.query(on: app.db).all()
            let passports = try await Passport.query(on: app.db).all()
            let ownIDs = Set(all.filter { $0.sponsorID == f.demoSponsor }.map(\.id!))
            let ownNames = Set(all.filter { ownIDs.contains($0.id!) }.map(\.fullName))
            let paths = ["/", "/foreigners", "/foreigners?q=a", "/foreigners?status=overstayed", "/sponsors", "/sponsors/\(f.demoSponsor)",
                         "/foreigners/\(f.own)", "/foreigners/\(f.otherSBY)", "/foreigners/\(f.jaksel)", "/admin/audit"]
            let apiPaths = ["/api/v1/foreigners", "/api/v1/foreigners?per=100", "/api/v1/foreigners?per=100&page=2", "/api/v1/stats",
                            "/api/v1/foreigners/\(f.own)", "/api/v1/foreigners/\(f.otherSBY)", "/api/v1/foreigners/\(f.jaksel)"]
            for who in [Who.agency, .sponsor] {
                let b = Browser(app)
                try await b.login(Self.email(who)!)
                var bodies: [String] = []
                for p in paths { bodies.append(try await b.get(p).body.string) }
                let headers = bearer(try await apiToken(app, Self.email(who)!))
                for p in apiPaths { bodies.append(try await app.testing().sendRequest(.GET, p, headers: headers).body.string) }
                let text = bodies.joined(separator: "\n")
                let forbiddenPassports = passports.filter { who == .agency || !ownIDs.contains($0.$foreigner.id) }.map(\.number)
                let forbiddenNames = all.filter { who == .agency || !ownIDs.contains($0.id!) }.map(\.fullName).filter { !ownNames.contains($0) && $0.count >= 8 }
                #expect(!forbiddenPassports.isEmpty && !forbiddenNames.isEmpty)
                for n in forbiddenPassports { #expect(!text.contains(n), "\(who) received passport number \(n)") }
                for n in forbiddenNames { #expect(!text.contains(HTML.escape(n)) && !text.contains(n), "\(who) received name \(n)") }
                if who == .sponsor {
                    // …but it does see its own foreigners.
                    #expect(text.contains(try #require(passports.first { $0.$foreigner.id == f.own }).number))
                }
            }
        }
    }

    @Test func countsFollowTheScope() async throws {
        try await withTestApp { app in
            struct Counts: Decodable { var total: Int; var overstayed: Int; var expiringIn30Days: Int }
            func counts(_ email: String) async throws -> Counts {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/stats", headers: bearer(try await apiToken(app, email)))
                return try JSONDecoder().decode(Counts.self, from: Data(res.body.readableBytesView))
            }
            let all = try await Foreigner.query(on: app.db).count()
            #expect(try await counts("admin@demo.sinergi.id").total == all)
            #expect(try await counts("agency@demo.sinergi.id").total == 600)  // Disnaker Kabupaten Mojokerto: the estate's workers
            let sby = try await Foreigner.query(on: app.db).filter(\.$regencyCode ~~ ["35.78", "35.15", "35.16", "35.76", "35.25", "35.24", "35.23", "35.22"]).count()
            #expect(try await counts("officer@demo.sinergi.id").total == sby)
            #expect(try await counts("officer.jaksel@demo.sinergi.id").total == 30)
            let sponsor = try await counts("sponsor@demo.sinergi.id")
            #expect(sponsor.total >= 12)
            #expect(sponsor.overstayed >= 3)
            #expect(sponsor.expiringIn30Days >= 3)
        }
    }

    @Test func searchFiltersAndPagination() async throws {
        try await withTestApp { app in
            let headers = bearer(try await apiToken(app, "officer@demo.sinergi.id"))
            struct Page: Decodable { var items: [ForeignerItem]; var total: Int; var page: Int; var per: Int }
            func page(_ q: String) async throws -> Page {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?\(q)", headers: headers)
                #expect(res.status == .ok, "\(q)")
                return try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView))
            }
            let first = try await page("per=10")
            #expect(first.items.count == 10 && first.per == 10 && first.page == 1 && first.total > 600)
            let second = try await page("per=10&page=2")
            #expect(Set(first.items.map(\.id)).isDisjoint(with: second.items.map(\.id)))
            let over = try await page("status=overstayed&per=100")
            #expect(over.total > 0 && over.items.allSatisfy { $0.status == "overstayed" && ($0.daysOverstayed ?? 0) > 0 })
            // The most urgent first: the permits that ended first, and among expiring ones those that end soonest.
            let ends = over.items.compactMap(\.permitEnd)
            #expect(ends.count == over.items.count && ends == ends.sorted())
            let expiring = try await page("status=expiring&per=100").items.compactMap(\.permitEnd)
            #expect(!expiring.isEmpty && expiring == expiring.sorted())
            let kor = try await page("nationality=KOR&per=100")
            #expect(kor.total > 0 && kor.items.allSatisfy { $0.nationality == "KOR" })
            let target = first.items[0]
            let byPassport = try await page("q=\(target.passportNumber!.lowercased())")
            #expect(byPassport.items.contains { $0.id == target.id })
            let byName = try await page("q=\(target.familyName.formEscaped)")
            #expect(byName.items.contains { $0.id == target.id })
            for bad in ["page=0", "per=1000", "status=gone", "nationality=CHINA", "category=XYZ"] {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?\(bad)", headers: headers)
                #expect(res.status == .unprocessableEntity, "\(bad)")
                #expect(res.body.string.contains("error"))
            }
        }
    }

    /// Every role of the demo, and an agent of the demo company granted one foreigner.
    static func principals(_ app: Application, agentFor foreigner: UUID) async throws -> [(String, Principal)] {
        var out: [(String, Principal)] = []
        for name in ["officer", "supervisor", "agency", "officer.jaksel", "sponsor", "admin"] {
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "\(name)@demo.sinergi.id").first())
            out.append((name, try #require(try await Principal.load(userID: user.id!, on: app.db, today: "2026-11-30"))))
        }
        var agent = try #require(out.first { $0.0 == "sponsor" }).1
        agent.agentForeigners = [foreigner]; agent.agentOrg = "Biro Jasa Contoh"; agent.isSponsorAdmin = false
        out.append(("agent", agent))
        return out
    }

    /// One entity's table: for every principal, the scoped query lists exactly the rows the row rule allows (roles
    /// without access get 403 and the rule allows nothing), and the table tells the roles apart.
    static func scopedQueryFollowsTheRule<M: Model>(_ app: Application, _ entity: String, principals: [(String, Principal)],
                                                    query: (Request) throws -> QueryBuilder<M>, rule: (M, Principal) -> Bool) async throws where M.IDValue == UUID {
        let all = try await M.query(on: app.db).all()
        var seen = Set<Set<UUID>>()
        for (name, p) in principals {
            let req = Request(application: app, on: app.eventLoopGroup.next())
            req.principal = p
            let expected = Set(all.filter { rule($0, p) }.map { $0.id! })
            guard let q = try? query(req) else {
                #expect(expected.isEmpty, "\(entity) × \(name): refused, yet the rule allows rows")
                continue
            }
            let listed = try await q.all().map { $0.id! }
            #expect(listed.count == Set(listed).count, "\(entity) × \(name): a row listed twice")
            #expect(Set(listed) == expected, "\(entity) × \(name)")
            seen.insert(expected)
        }
        #expect(seen.count >= 3, "\(entity): the fixture tells the roles apart")
    }

    /// Daily reports: the officer who filed one, and supervisors of its office. Nobody else.
    static func mayOpen(_ r: DailyReport, _ p: Principal) -> Bool {
        switch p.role {
        case .officer: return r.officerID == p.userID
        case .supervisor: return r.officeID == p.officeID || r.officerID == p.userID
        case .agency, .sponsor, .admin, .integration: return false
        }
    }

    /// Mandatory reports: the sponsor that filed one (an agent: about the foreigners its grant names); officers and
    /// supervisors whose jurisdiction held the foreigner's residence when it was filed.
    static func mayOpen(_ r: SponsorReport, _ p: Principal) -> Bool {
        switch p.role {
        case .sponsor: return r.sponsorID == p.sponsorID && (p.agentForeigners.map { $0.contains(r.foreignerID) } ?? true)
        case .officer, .supervisor: return r.regencyCode.map(p.jurisdiction.contains) ?? false
        case .agency, .admin, .integration: return false
        }
    }

    @Test func scopedListsSelectExactlyTheRowsTheRuleAllows() async throws {
        // One table per entity × role: the SQL through which agency imports, daily reports and mandatory reports are
        // listed, paged and opened one by one must select exactly the rows the rule, written out row by row, allows
        // (for imports `ScopePolicy.canSee`, which the discrepancy counts use on imports already loaded; for the
        // reports the rule as the domain states it, below).
        try await withTestApp { app in
            let f = try await Fixture(app)
            let principals = try await Self.principals(app, agentFor: f.own)
            let creator = try #require(try await User.query(on: app.db).first()?.id)

            // Agency imports: every form of stored scope × an office or an agency as owner.
            let offices: [UUID?] = [nil] + (try await Office.query(on: app.db).all()).map(\.id)
            let agencies: [UUID?] = [nil] + (try await Agency.query(on: app.db).all()).map(\.id)
            let scopes = ["prefix:35", "prefix:35.16", "prefix:35.16.01", "prefix:35.16.01.2001", "prefix:35.78", "prefix:31", "prefix:31.74",
                          "regencies:35.78,35.16", "regencies:35.16", "regencies:31.74", "regencies:35.15,31.74", "regencies:", "other"]
            var n = 0
            for scope in scopes {
                for office in offices {
                    for agency in agencies where (office == nil) != (agency == nil) {
                        n += 1
                        let imp = AgencyImport()
                        imp.kind = ImportKind.personsChecked.rawValue; imp.ownerKey = "scope-test-\(n)"; imp.scope = scope
                        imp.$agency.id = agency; imp.$office.id = office
                        imp.fileName = "t\(n).csv"; imp.fileHash = "hash-\(n)"; imp.rowCount = 0; imp.setAsideRows = 0
                        imp.status = ImportStatus.reconciled.rawValue; imp.progress = 100; imp.createdBy = creator; imp.createdAt = TestDatabases.now
                        try await imp.create(on: app.db)
                    }
                }
            }
            try await Self.scopedQueryFollowsTheRule(app, "imports", principals: principals, query: ScopePolicy.imports, rule: ScopePolicy.canSee)

            // Daily reports: two days of each office person's, one of them filed in another office's name.
            let staff = principals.map(\.1).filter(ScopePolicy.isOfficeStaff)
            for (k, p) in staff.enumerated() {
                for day in ["2026-11-27", "2026-11-28"] {
                    let r = DailyReport()
                    r.officerID = p.userID; r.date = day; r.status = ReportStatus.submitted.rawValue; r.version = 1
                    r.officeID = (day == "2026-11-28" && k == 0) ? try #require(staff.last?.officeID) : try #require(p.officeID)
                    r.createdAt = TestDatabases.now; r.updatedAt = TestDatabases.now
                    try await r.create(on: app.db)
                }
            }
            try await Self.scopedQueryFollowsTheRule(app, "daily reports", principals: principals, query: ScopePolicy.dailyReports, rule: Self.mayOpen)

            // Mandatory reports: about the demo company's foreigner, another Surabaya sponsor's, and one in Jakarta.
            let ownForeigner = try #require(try await Foreigner.find(f.own, on: app.db))
            let second = try #require(try await Foreigner.query(on: app.db).filter(\.$sponsorID == f.demoSponsor).filter(\.$id != f.own).first())
            let other = try #require(try await Foreigner.find(f.otherSBY, on: app.db))
            let jaksel = try #require(try await Foreigner.find(f.jaksel, on: app.db))
            for (k, person) in [ownForeigner, second, other, jaksel].enumerated() {
                let r = SponsorReport()
                r.sponsorID = try #require(person.sponsorID); r.foreignerID = person.id!; r.regencyCode = person.regencyCode
                r.reportType = "departure"; r.eventOn = "2026-11-20"; r.dueOn = "2026-11-27"; r.details = "{}"; r.clientID = "scope-\(k)"
                r.status = SponsorReportStatus.submitted.rawValue; r.receiptNumber = "SCOPE-\(k)"; r.submittedBy = creator
                r.submittedAt = TestDatabases.now; r.submittedOn = "2026-11-21"
                try await r.create(on: app.db)
            }
            try await Self.scopedQueryFollowsTheRule(app, "mandatory reports", principals: principals, query: ScopePolicy.sponsorReports, rule: Self.mayOpen)
        }
    }

    @Test func openAPIDocumentMatchesTheRoutes() async throws {
        try await withTestApp { app in
            let res = try await app.testing().sendRequest(.GET, "/api/v1/openapi.json")
            let doc = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as! [String: Any]
            #expect(doc["openapi"] as? String == "3.0.3")
            let paths = doc["paths"] as! [String: [String: Any]]
            let documented = Set(paths.flatMap { path, item in item.keys.filter(OpenAPIDocument.methods.contains).map { "\($0.uppercased()) \(path)" } })
            let registered = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { c -> String in
                    if case .parameter(let p) = c { return "{\(p)}" }
                    return c.description
                }.joined(separator: "/")
                return path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics" ? "\(route.method.rawValue) \(path)" : nil
            })
            #expect(documented.subtracting(registered).sorted() == [], "documented, not served")
            #expect(registered.subtracting(documented).sorted() == [], "served, not documented")
            // The answers every operation of a kind gives are there: a signed-in list, a record by id, a body.
            let list = paths["/api/v1/foreigners"]!["get"] as! [String: Any]
            let listResponses = list["responses"] as! [String: Any]
            #expect(["200", "401", "403", "422"].allSatisfy { listResponses[$0] != nil })
            let listParameters = (list["parameters"] as! [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(listParameters.contains("page") && listParameters.contains("per"))
            let patch = (paths["/api/v1/foreigners/{id}"]!["patch"] as! [String: Any])["responses"] as! [String: Any]
            #expect(["400", "401", "403", "404", "413", "415", "422"].allSatisfy { patch[$0] != nil })
            let health = (paths["/healthz"]!["get"] as! [String: Any])["responses"] as! [String: Any]
            #expect(health["401"] == nil, "a public route has no 401")
            // Filters the server checks against a Swift enum declare exactly that enum's values (and "" for "not given").
            func values(_ path: String, _ name: String) -> Set<String> {
                let parameters = (paths[path]!["get"] as! [String: Any])["parameters"] as! [[String: Any]]
                let schema = parameters.first { $0["name"] as? String == name }?["schema"] as? [String: Any]
                return Set((schema?["enum"] as? [String] ?? []).filter { !$0.isEmpty })
            }
            #expect(values("/api/v1/daily-reports", "finding") == Set(FieldFinding.allCases.map(\.rawValue)))
            #expect(values("/api/v1/daily-reports", "status") == Set(ReportStatus.allCases.map(\.rawValue)))
            #expect(values("/api/v1/tasks", "status") == Set(TaskStatus.allCases.map(\.rawValue)))
        }
    }
}
