@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct DatabaseTests {
    @Test func migrationsLoadOfficialRegions() async throws {
        try await withTestApp(seeded: false) { app in
            try await app.autoMigrate()
            #expect(try await Region.find("35.16", on: app.db)?.name == "Kabupaten Mojokerto")
            #expect(try await Region.find("35.16.05", on: app.db)?.name == "Ngoro")
            #expect(try await Region.find("31.74", on: app.db)?.name.contains("Jakarta Selatan") == true)
            #expect(try await Region.find("36.71", on: app.db)?.name == "Kota Tangerang")
            let villages = try await Region.query(on: app.db).filter(\.$level == "village").count()
            #expect(villages > 10_000)
            #expect(try await PermitType.find("E23", on: app.db)?.category == "ITAS")
            // Reverting and re-applying works on both databases.
            try await app.autoRevert()
            try await app.autoMigrate()
            #expect(try await Region.find("35.16", on: app.db) != nil)
        }
    }

    @Test func sqliteRunsInWALWithBusyTimeoutAndForeignKeys() async throws {
        guard await !TestDatabases.shared.isPostgres else { return }
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            let timeout = try await sql.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
            let fk = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
            #expect(mode == "wal")
            #expect(timeout == 20000)   // a registry delta holds the write lock for seconds; an audited read waits behind it
            #expect(fk == 1)
        }
    }

    /// PostgreSQL on the same machine through its Unix socket, in libpq's form (`AppConfig.postgresSocket`): the server
    /// connects without TCP (no server address) and reads the same registry.
    @Test func postgresOnThisMachineConnectsThroughItsSocket() async throws {
        guard await TestDatabases.shared.isPostgres, let socket = ProcessInfo.processInfo.environment["SINERGI_TEST_POSTGRES_SOCKET_URL"], !socket.isEmpty else { return }
        let tcp = try await TestDatabases.shared.freshDatabaseURL()
        let name = String(try #require(URLComponents(string: tcp)).path.dropFirst())
        let local = TestDatabases.replaceDatabase(in: socket, with: name)
        #expect(AppConfig.postgresSocket(local) != nil)
        struct R: Decodable { var local: Bool; var n: Int }
        let app = try await makeApp(local)
        do {
            let r = try await (app.db as! any SQLDatabase).raw("SELECT inet_server_addr() IS NULL AS local, (SELECT COUNT(*) FROM foreigners) AS n").first(decoding: R.self)
            #expect(r?.local == true && (r?.n ?? 0) > 500)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// `countRows()` counts what Fluent's `count()` counts; `pageCountingAll` gives, page after page, exactly the rows
    /// of the sorted query in its order, and every page (one past the end too) the total.
    @Test func pagesCountingAllHoldEveryRowInOrderWithTheTotal() async throws {
        try await withTestApp { app in
            func sorted() -> QueryBuilder<Foreigner> {
                Foreigner.query(on: app.db).filter(\.$permitCategory == "ITAS").sort(\.$familyName).sort(\.$givenNames).sort(\.$id)
            }
            let all = try await sorted().all().map(\.id)
            let counted = try await sorted().count()
            #expect(all.count > 20 && counted == all.count)
            #expect(try await sorted().countRows() == counted)
            #expect(try await Foreigner.query(on: app.db).countRows() == (try await Foreigner.query(on: app.db).count()))
            var seen: [UUID?] = []
            for start in stride(from: 0, through: all.count, by: 7) {
                let page = try await sorted().pageCountingAll(start..<(start + 7))
                #expect(page.total == all.count, "page from \(start)")
                #expect(page.items.allSatisfy { $0.permitCategory == "ITAS" && !$0.familyName.isEmpty })
                seen += page.items.map(\.id)
            }
            #expect(seen == all)
            let beyond = try await sorted().pageCountingAll((all.count + 70)..<(all.count + 77))
            #expect(beyond.items.isEmpty && beyond.total == all.count)
            let none = try await sorted().filter(\.$familyName == "NO SUCH NAME").pageCountingAll(0..<7)
            #expect(none.items.isEmpty && none.total == 0)
        }
    }

    /// The API's name search pages through its matches in the list's order with one total, as one large page shows them.
    @Test func aSearchedListPagesThroughItsMatches() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            struct Item: Decodable { var id: UUID }
            struct Page: Decodable { var items: [Item]; var total: Int }
            func page(_ query: String) async throws -> Page {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?q=a&\(query)", headers: bearer(token))
                #expect(res.status == .ok)
                return try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView))
            }
            let whole = try await page("per=100")
            #expect(whole.total > 10 && whole.total <= 100 && whole.items.count == whole.total)
            var seen: [UUID] = []
            for n in 1...((whole.total + 3) / 4 + 1) {
                let p = try await page("per=4&page=\(n)")
                #expect(p.total == whole.total)
                seen += p.items.map(\.id)
            }
            #expect(seen == whole.items.map(\.id))
        }
    }

    @Test func foreignKeysAreEnforced() async throws {
        try await withTestApp { app in
            let a = Address()
            a.$foreigner.id = UUID(); a.line = "x"; a.villageCode = "35.16.05.2010"; a.districtCode = "35.16.05"
            a.validFrom = "2026-01-01"; a.isCurrent = true
            await #expect(throws: (any Error).self) { try await a.create(on: app.db) }
        }
    }

    @Test func demoSeedMatchesTheArticlesAndIsIdempotent() async throws {
        try await withTestApp { app in
            let estate = try #require(try await Estate.query(on: app.db).first())
            let estateCompanies = try await Sponsor.query(on: app.db).filter(\.$estate.$id == estate.id!).count()
            #expect(estateCompanies == 143)
            let mojokerto = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").count()
            #expect(mojokerto == 600)
            let employing = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").unique().all(\.$sponsorID)
            #expect(employing.count <= 49)
            let before = try await Foreigner.query(on: app.db).count()
            let overstayed = try await Foreigner.query(on: app.db).filter(\.$permitEnd < app.today).count()
            #expect(overstayed > 0)
            let outcome = try await DemoSeeder.run(on: app.db, seed: 1, today: app.today, password: TestDatabases.password, bcryptCost: 4, pool: app.threadPool, clock: app.clock)
            #expect(outcome.created == false)
            #expect(try await Foreigner.query(on: app.db).count() == before)
            #expect(try await User.query(on: app.db).count() == DemoSeeder.accounts.count)
        }
    }

    @Test func demoSeedIsDeterministic() async throws {
        var names: [[String]] = []
        for _ in 0..<2 {
            try await withTestApp(seeded: false) { app in
                try await app.autoMigrate()
                _ = try await DemoSeeder.run(on: app.db, seed: 7, today: "2026-11-30", password: TestDatabases.password, bcryptCost: 4, pool: app.threadPool, clock: app.clock)
                names.append(try await Foreigner.query(on: app.db).sort(\.$passportNumber).all(\.$fullName))
            }
        }
        #expect(names[0] == names[1])
        #expect(names[0].count > 600)
    }
}
