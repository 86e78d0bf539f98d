@testable import App
import Fluent
import Foundation
import Matching
import SMTPSink
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 15: the registry feed from the immigration system, applied all or nothing, idempotent, with history.
@Suite struct RegistryFeedTests {
    /// A batch directory holding `files` (name without .csv → content).
    static func batch(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("feed-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, content) in files { try content.write(toFile: "\(dir)/\(name).csv", atomically: true, encoding: .utf8) }
        return dir
    }

    /// The directory as a deflated .zip (Python's zipfile, an independent writer), in a folder inside the archive.
    static func zip(_ dir: String) throws -> Data {
        let out = dir + ".zip"
        // Through `Child` (posix_spawn), not Foundation's Process: see there.
        try Child.run(["python3", "-c", """
            import sys, zipfile, os
            with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
                for n in sorted(os.listdir(sys.argv[1])): z.write(os.path.join(sys.argv[1], n), 'batch/' + n)
            """, dir, out])
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    static let full: [String: String] = [
        "sponsors": """
            sponsor_ref,kind,name,nib,npwp,address,village_code,email,phone
            S-1,company,PT Feed Uji Coba,1234567890123,01.234.567.8-901.000,Jl. Raya Ngoro 1,35.16.05.2010,hr@feed.example,+62 321 555
            """,
        "foreigners": """
            person_ref,family_name,given_names,sex,date_of_birth,nationality,place_of_birth
            P-1,Feedmann,Anna Maria,F,1985-03-14,DEU,Hamburg
            P-2,Feedsson,Lars,M,,SWE,
            """,
        "passports": """
            person_ref,number,issuing_country,issued_on,expires_on
            P-1,C01X00T47,DEU,2020-01-10,2030-01-09
            P-2,SW1234567,SWE,,2029-05-01
            """,
        "permits": """
            person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code
            P-1,2C21FEED0001,E23,ITAS,2026-01-01,2027-01-01,active,S-1,SBY
            P-2,2C11FEED0002,C2,ITK,2026-09-01,2026-10-30,active,,SBY
            """,
        "addresses": """
            person_ref,line,village_code,valid_from
            P-1,Jl. Kenanga 5,35.16.05.2010,2026-01-05
            P-2,Perumahan Ngoro Indah B2,35.16.05.2010,2026-09-02
            """,
        "employments": """
            person_ref,sponsor_ref,position,start_on,end_on
            P-1,S-1,Quality engineer,2026-01-01,
            """,
        "movements": """
            person_ref,direction,crossed_at,port_code,travel_document
            P-1,in,2026-01-03T09:30:00+07:00,SUB,C01X00T47
            P-2,in,2026-09-01T10:00:00Z,SUB,SW1234567
            P-2,out,2026-10-25T21:15+07:00,SUB,SW1234567
            """,
    ]

    static func apply(_ app: Application, _ dir: String, dryRun: Bool = false) async throws -> (summary: RegistryBatchSummary, repeated: Bool) {
        let batch = try RegistryFeed.read(directory: dir)
        return try await RegistryBatchApplier.apply(batch, actor: RegistryActor(id: "test", name: "test", role: "integration", channel: "cli", requestID: "t"),
                                                    dryRun: dryRun, db: app.db, clock: app.clock, today: app.today)
    }

    static func count(_ app: Application, _ table: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: N.self)!.n
    }

    static let tables = ["foreigners", "passports", "stay_permits", "addresses", "employments", "sponsors", "movements", "registry_history", "registry_batches"]

    static func counts(_ app: Application) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in tables { out[t] = try await count(app, t) }
        return out
    }

    @Test func aBatchWithAnErrorInEachFileStoresNothingAndNamesEveryLine() async throws {
        try await withTestApp { app in
            let before = try await Self.counts(app)
            var files = Self.full
            files["sponsors"]! += "\nS-2,partnership,PT Salah,,,Jl. X,35.16.05.2010,,"
            files["foreigners"]! += "\nP-3,Wrongdate,Karl,M,1990-02-30,DEU,"
            // Names as the API takes them: a Roman numeral is no letter; 100 code points at most, a combining mark
            // counting as one.
            files["foreigners"]! += "\nP-4,\u{216B},Karl,M,1990-02-01,DEU,"
            files["foreigners"]! += "\nP-5,\(String(repeating: "e\u{301}", count: 51)),Karl,M,1990-02-01,DEU,"
            files["foreigners"]! += "\nP-6,\(String(repeating: "e\u{301}", count: 50)),Karl,M,1990-02-01,DEU,"
            files["passports"]! += "\nP-2,XY,SWE,,2029-05-01"
            files["permits"]! += "\nP-1,2C21FEED0009,E23,ITAS,2027-01-01,2026-01-01,active,S-1,SBY"
            files["addresses"]! += "\nP-1,Jl. Tanpa Desa,35.16.05,2026-02-01"
            files["employments"]! += "\nP-1,S-1,,2026-01-01,"
            files["movements"]! += "\nP-1,sideways,2026-01-03T09:30:00+07:00,SUB,"
            let dir = try Self.batch(files)
            let problems = try #require(throws: RegistryFeed.Problems.self) { try RegistryFeed.read(directory: dir) }.list
            let named = Set(problems.map { "\($0.file):\($0.line)" })
            #expect(named == ["sponsors.csv:3", "foreigners.csv:4", "foreigners.csv:5", "foreigners.csv:6", "passports.csv:4", "permits.csv:4", "addresses.csv:4", "employments.csv:3", "movements.csv:5"])
            #expect(problems.first { $0.file == "foreigners.csv" }!.description.contains("date_of_birth is not a real YYYY-MM-DD date: 1990-02-30"))
            #expect(problems.first { $0.file == "movements.csv" }!.reason(.id).contains("harus salah satu dari: in, out"))
            #expect(try await Self.counts(app) == before)

            // Rows that read well but name what does not exist: every one is named, nothing is stored.
            var refs = Self.full
            refs["passports"]! += "\nP-9,ZZ9999999,DEU,,2030-01-01"
            refs["permits"]! += "\nP-1,2C21FEED0010,E23,ITAS,2026-01-01,2027-01-01,active,S-404,SBY"
            refs["permits"]! += "\nP-1,2C21FEED0012,C2,ITAS,2026-01-01,2027-01-01,active,,SBY"
            refs["permits"]! += "\nP-1,2C21FEED0013,E23,ITAS,2026-01-01,2027-01-01,active,,XXX"
            refs["addresses"]! += "\nP-1,Jl. Mana,35.16.05.9999,2026-03-01"
            let refProblems = try await #require(throws: RegistryFeed.Problems.self) { try await Self.apply(app, try Self.batch(refs)) }.list
            #expect(refProblems.map { "\($0.file):\($0.line)" } == ["addresses.csv:4", "passports.csv:4", "permits.csv:4", "permits.csv:5", "permits.csv:6"])
            let reasons = refProblems.map(\.description).joined(separator: "\n")
            #expect(reasons.contains("passports.csv:4: person_ref P-9 is neither in foreigners.csv nor in the registry"))
            #expect(reasons.contains("permits.csv:4: sponsor_ref S-404"))
            #expect(reasons.contains("permits.csv:5: Permit type C2 belongs to category ITK"))
            #expect(reasons.contains("permits.csv:6: Office XXX is unknown"))
            #expect(reasons.contains("addresses.csv:4: Village 35.16.05.9999"))
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test func theSameBatchTwiceIsOneResultAndADeltaKeepsHistory() async throws {
        try await withTestApp { app in
            let dir = try Self.batch(Self.full)
            let dry = try await Self.apply(app, dir, dryRun: true)
            #expect(dry.summary.created.foreigners == 2)
            #expect(try await Self.count(app, "registry_batches") == 0)      // a dry run stores nothing

            let first = try await Self.apply(app, dir)
            #expect(!first.repeated)
            #expect(first.summary.created == .init(foreigners: 2, passports: 2, permits: 2, addresses: 2, sponsors: 1, employments: 1, movements: 3))
            #expect(first.summary.updated == .init())
            let after = try await Self.counts(app)
            let again = try await Self.apply(app, dir)
            #expect(again.repeated && again.summary.batch == first.summary.batch)
            #expect(again.summary.created == .init() && again.summary.updated == .init())
            #expect(try await Self.counts(app) == after)

            // The summary columns, look-up keys and name tokens are current.
            let anna = try #require(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-1").first())
            #expect(anna.fullName == "ANNA MARIA FEEDMANN" && anna.passportNumber == "C01X00T47" && anna.permitCategory == "ITAS")
            #expect(anna.permitEnd == "2027-01-01" && anna.villageCode == "35.16.05.2010" && anna.regencyCode == "35.16" && !anna.departed)
            #expect(anna.nameKey?.contains(" FEEDMANN ") == true && anna.passportKey != nil)
            #expect(try await NameTokens.candidates(["FEEDMANN"], limit: 5, on: app.db) == [anna.id!])
            let lars = try #require(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-2").first())
            #expect(lars.departed)   // last crossing: out
            let movement = try #require(try await Movement.query(on: app.db).filter(\.$foreigner.$id == lars.id!).sort(\.$crossedAt, .descending).first())
            #expect(movement.crossedAt == "2026-10-25T14:15:00Z")

            // A delta: a corrected name, an extended permit, a new address, a renewed passport, an ended job; the rest unchanged.
            let delta = try Self.batch([
                "foreigners": "person_ref,family_name,given_names,sex,date_of_birth,nationality,place_of_birth\nP-1,Feedmann-Ost,Anna Maria,F,1985-03-14,DEU,Hamburg\nP-2,Feedsson,Lars,M,,SWE,",
                "permits": "person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code\nP-1,2C21FEED0001,E23,ITAS,2026-01-01,2028-01-01,active,S-1,SBY",
                "addresses": "person_ref,line,village_code,valid_from\nP-1,Jl. Kenanga 5,35.16.05.2010,2026-01-05\nP-1,Jl. Melati 9,35.16.05.2010,2026-11-01",
                "passports": "person_ref,number,issuing_country,issued_on,expires_on\nP-1,C02Y11T58,DEU,2026-10-01,2036-09-30",
                "employments": "person_ref,sponsor_ref,position,start_on,end_on\nP-1,S-1,Quality engineer,2026-01-01,2026-11-30",
            ])
            let d = try await Self.apply(app, delta)
            #expect(d.summary.updated.foreigners == 1 && d.summary.updated.permits == 1 && d.summary.updated.employments == 1)
            #expect(d.summary.created.addresses == 1 && d.summary.created.passports == 1)
            #expect(d.summary.unchanged == 2)   // P-2 and the old address
            let updated = try #require(try await Foreigner.find(anna.id, on: app.db))
            #expect(updated.familyName == "FEEDMANN-OST" && updated.permitEnd == "2028-01-01" && updated.passportNumber == "C02Y11T58")
            let addresses = try await Address.query(on: app.db).filter(\.$foreigner.$id == anna.id!).sort(\.$validFrom).all()
            #expect(addresses.map(\.isCurrent) == [false, true] && addresses[0].validTo == "2026-11-01")   // ended, not deleted
            let passports = try await Passport.query(on: app.db).filter(\.$foreigner.$id == anna.id!).all()
            #expect(passports.count == 2 && passports.filter(\.isCurrent).map(\.number) == ["C02Y11T58"])

            // The history answers with old and new, who, when and the batch as source.
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let res = try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(anna.id!)/history", headers: bearer(token))
            #expect(res.status == .ok)
            struct Item: Decodable { var field: String; var old: String?; var new: String?; var at: String; var by: String; var source: String }
            struct Page: Decodable { var items: [Item]; var total: Int }
            let page = try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView))
            let name = try #require(page.items.first { $0.field == "familyName" })
            #expect(name.old == "FEEDMANN" && name.new == "FEEDMANN-OST" && name.source == "batch:\(d.summary.batch.uuidString)")
            #expect(page.items.contains { $0.field == "permit.endOn" && $0.old == "2027-01-01" && $0.new == "2028-01-01" })
            #expect(page.items.contains { $0.field == "address" } && page.items.contains { $0.field == "passport" })
            #expect(page.items.contains { $0.field == "employment.endOn" && $0.new == "2026-11-30" })

            // The foreigner's page shows the change and the travel history; a departed person is no overstayer.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let pageHTML = try await b.get("/foreigners/\(lars.id!)?purpose=verification").body.string
            #expect(pageHTML.contains("Riwayat perjalanan") && pageHTML.contains("Keluar") && pageHTML.contains("Sudah keluar Indonesia"))
            let annaHTML = try await b.get("/foreigners/\(anna.id!)?purpose=verification").body.string
            #expect(annaHTML.contains("FEEDMANN-OST") && annaHTML.contains("Kiriman data Imigrasi"))
            let list = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?status=overstayed&per=100&q=Feedsson", headers: bearer(token))
            #expect(!list.body.string.contains("FEEDSSON"))
            guard case .success = try await AuditLog.verify(on: app.db) else { Issue.record("audit chain broken"); return }
        }
    }

    /// A batch that brings a table more rows than it holds (a first load) builds the table's indexes after its rows, in
    /// its transaction: afterwards the same indexes exist and are used; a unique index built again still refuses a
    /// duplicate, and the failure leaves the table and its indexes as they were.
    /// The feed keeps the first day of each person's stay: a renewal from the day after continues it, a permit after a
    /// gap starts a new one (not valid until that day).
    @Test func theFeedKeepsWhenEachStayBegan() async throws {
        try await withTestApp { app in
            _ = try await Self.apply(app, try Self.batch(Self.full))
            let anna = try #require(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-1").first())
            #expect(anna.permitStart == "2026-01-01")
            _ = try await Self.apply(app, try Self.batch([
                "permits": """
                    person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code
                    P-1,2C21FEED0003,E23,ITAS,2027-01-02,2029-01-01,active,S-1,SBY
                    P-2,2C11FEED0004,C2,ITK,2027-02-01,2027-03-01,active,,SBY
                    """,
            ]))
            let renewed = try #require(try await Foreigner.find(anna.id, on: app.db))
            #expect(renewed.permitEnd == "2029-01-01" && renewed.permitStart == "2026-01-01")
            #expect(PermitState(end: renewed.permitEnd, start: renewed.permitStart, today: app.today) == .valid(daysLeft: 763))
            let lars = try #require(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-2").first())
            #expect(lars.permitEnd == "2027-03-01" && lars.permitStart == "2027-02-01")
            // The stay before the gap is kept too (it ended before today: an overstay in the gap); a renewal runs it on to a
            // day after today, and the next batch writes only that: Lars holds a permit until it ends.
            #expect(lars.permitPriorStart == "2026-09-01" && lars.permitPriorEnd == "2026-10-30" && renewed.permitPriorEnd == nil)
            #expect(PermitState(end: lars.permitEnd, start: lars.permitStart, priorStart: lars.permitPriorStart, priorEnd: lars.permitPriorEnd,
                                today: app.today) == .overstayed(days: 31))
            _ = try await Self.apply(app, try Self.batch([
                "permits": """
                    person_ref,number,type,category,start_on,end_on,status,sponsor_ref,office_code
                    P-2,2C11FEED0005,C2,ITK,2026-10-31,2026-12-31,active,,SBY
                    """,
            ]))
            let extended = try #require(try await Foreigner.find(lars.id, on: app.db))
            #expect(extended.permitEnd == "2027-03-01" && extended.permitStart == "2027-02-01")
            #expect(extended.permitPriorStart == "2026-09-01" && extended.permitPriorEnd == "2026-12-31")
            #expect(PermitState(end: extended.permitEnd, start: extended.permitStart, priorStart: extended.permitPriorStart, priorEnd: extended.permitPriorEnd,
                                today: app.today) == .valid(daysLeft: 31))
        }
    }

    @Test(.enabled(if: onSQLite)) func aFirstLoadBuildsTheIndexesAfterItsRows() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "sqlite" else { return }   // PostgreSQL inserts into its indexes as usual
            struct Index: Decodable, Equatable { var name: String; var sql: String }
            func indexes() async throws -> [Index] {
                try await sql.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all(decoding: Index.self)
            }
            try await sql.raw("DELETE FROM movements").run()        // the batch's 3 crossings outnumber the table's rows
            let before = try await indexes()
            #expect(before.contains { $0.name == "movements_foreigner_idx" })
            let first = try await Self.apply(app, try Self.batch(Self.full))
            #expect(first.summary.created.movements == 3)
            #expect(try await indexes() == before)
            // The indexes are really absent while the rows go in (a table the batch outgrows), and present after.
            let during = try await app.db.transaction { tx -> [Index] in
                let t = tx as! any SQLDatabase
                var seen: [Index] = []
                try await RegistryBatchApplier.buildingIndexesAfter(t, "movements", adding: 1_000_000) {
                    seen = try await t.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'movements' AND sql IS NOT NULL").all(decoding: Index.self)
                }
                return seen
            }
            let after = try await indexes()
            #expect(during.isEmpty && after == before)
            struct Plan: Decodable { var detail: String }
            let plan = try await sql.raw("EXPLAIN QUERY PLAN SELECT * FROM movements WHERE foreigner_id = \(bind: UUID()) ORDER BY crossed_at").all(decoding: Plan.self)
            #expect(plan.contains { $0.detail.contains("movements_foreigner_idx") })

            // A duplicate key in rows loaded without the unique index: building it again fails, and nothing stays.
            let sponsors = try await Self.count(app, "sponsors")
            let failure = await #expect(throws: (any Error).self) {
                try await app.db.transaction { tx in
                    let t = tx as! any SQLDatabase
                    try await RegistryBatchApplier.buildingIndexesAfter(t, "sponsors", adding: 1_000_000) {
                        try await t.raw("CREATE TEMP TABLE dup AS SELECT * FROM sponsors WHERE sponsor_ref IS NOT NULL LIMIT 1").run()
                        try await t.raw("UPDATE dup SET id = \(bind: UUID())").run()
                        try await t.raw("INSERT INTO sponsors SELECT * FROM dup").run()
                    }
                }
            }
            #expect(String(describing: failure).contains("UNIQUE constraint failed: sponsors.sponsor_ref"))
            #expect(try await Self.count(app, "sponsors") == sponsors)
            #expect(try await indexes() == before)
        }
    }

    /// The bulk insert hands SQLite its values directly: each is stored exactly as SQLKit stores it (same type, same
    /// text), for every kind of value the batch writes, nil included.
    @Test(.enabled(if: onSQLite)) func bulkInsertsStoreValuesAsSQLKitDoes() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "sqlite" else { return }
            for _ in 0..<1000 { let u = UUID(); #expect(SQLiteValue.text(of: u) == u.uuidString) }
            #expect(RegistryBatchApplier.passportDigits("ab-12/3 x") == "AB123X" && RegistryBatchApplier.passportDigits("é-a1") == "A1")
            try await sql.raw("CREATE TABLE bind_check (k INTEGER, a, b, c, d, e, f, g, h, i)").run()
            let nothing: String? = nil, noID: UUID? = nil, someID: UUID? = UUID(), flag: Bool? = true
            let values: [SQLBind] = [SQLBind("PÉTER ŐRSÉG"), SQLBind(UUID()), SQLBind(Date(timeIntervalSince1970: 1_796_014_800.123)), SQLBind(false),
                                     SQLBind(42), SQLBind(nothing), SQLBind(noID), SQLBind(someID), SQLBind(flag)]
            try await sql.insert(into: "bind_check").columns(["k", "a", "b", "c", "d", "e", "f", "g", "h", "i"]).values([SQLBind(1)] + values).run()
            try await RegistryBatchApplier.insert(sql, "bind_check", ["k", "a", "b", "c", "d", "e", "f", "g", "h", "i"], [2]) { k in [SQLBind(k)] + values }
            struct Row: Decodable, Equatable { var a, b, c, d, e, f, g, h, i: String }
            let columns = ["a", "b", "c", "d", "e", "f", "g", "h", "i"].map { "typeof(\($0)) || ':' || quote(\($0)) AS \($0)" }.joined(separator: ", ")
            let rows = try await sql.raw("SELECT \(unsafeRaw: columns) FROM bind_check ORDER BY k").all(decoding: Row.self)
            #expect(rows.count == 2 && rows[0] == rows[1])
            #expect(rows.first?.b.hasPrefix("text:'") == true && rows.first?.c.hasPrefix("real:") == true && rows.first?.f == "null:NULL")
        }
    }

    /// The lists search names through the token index: each word typed begins a word of the name, or is another
    /// spelling of one; a passport number by its beginning.
    @Test func theListFindsAWordByItsBeginningOrAnotherSpelling() async throws {
        try await withTestApp { app in
            var files = Self.full
            files["foreigners"]! += "\nP-3,Rhee,Feedjun Min,M,1990-05-01,KOR,Seoul"
            files["passports"]! += "\nP-3,M12345678,KOR,2021-01-01,2031-01-01"
            files["permits"]! += "\nP-3,2C21FEED0003,E23,ITAS,2026-01-01,2027-01-01,active,S-1,SBY"
            files["addresses"]! += "\nP-3,Jl. Kenanga 7,35.16.05.2010,2026-01-05"
            _ = try await Self.apply(app, try Self.batch(files))
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            struct Item: Decodable { var familyName: String; var fullName: String }
            struct Page: Decodable { var items: [Item]; var total: Int }
            func search(_ q: String, full: Bool = false) async throws -> [String] {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?per=100&q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", headers: bearer(token))
                #expect(res.status == .ok)
                let page = try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView))
                #expect(page.total == page.items.count)
                return page.items.map(full ? \.fullName : \.familyName).sorted()
            }
            #expect(try await search("feed") == ["FEEDMANN", "FEEDSSON", "RHEE"])  // the beginning of a family or given name
            #expect(try await search("Anna mar") == ["FEEDMANN"])                  // every word must begin a word
            #expect(try await search("ann lars") == [])
            #expect(try await search("eedmann") == [])                             // not the middle of a word
            #expect(try await search("feedjun") == ["RHEE"])                       // a given name
            #expect(try await search("rh feedj") == ["RHEE"])                      // as written
            #expect(try await search("Lee Feedjun") == ["RHEE"])                   // another spelling of the same name (LI)
            #expect(try await search("li feedjun mi") == ["RHEE"])
            #expect(try await search("C01X00") == ["FEEDMANN"])                    // a passport number's beginning
            let particle = try await search("bin", full: true)                    // a particle alone: names as written
            #expect(!particle.isEmpty && particle.allSatisfy { Normalize.fold($0).contains("BIN") })
        }
    }

    /// On SQLite a batch is compared with the registry before the write lock is taken; a registry write committed
    /// meanwhile makes it compare again under the lock, so nothing is created twice or overwritten unseen.
    @Test(.enabled(if: onSQLite)) func aBatchPlannedBeforeAnotherWriteIsPlannedAgainUnderTheLock() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "sqlite" else { return }   // PostgreSQL compares inside its transaction (row locks)
            let actor = RegistryActor(id: "test", name: "test", role: "integration", channel: "cli", requestID: "t")
            let batch = try RegistryFeed.read(directory: try Self.batch(Self.full))
            let seen = try await RegistryBatchApplier.revision(sql)
            let plan = try await RegistryBatchApplier.plan(batch, on: sql, now: app.clock.now(), today: app.today)
            #expect(plan.summary.created.foreigners == 2 && plan.summary.created.sponsors == 1)
            #expect(try await RegistryBatchApplier.revision(sql) == seen)   // planning writes nothing

            // Meanwhile another batch (without the movements: another digest) creates the same persons and sponsor.
            var other = Self.full
            other["movements"] = nil
            let earlier = try await Self.apply(app, try Self.batch(other))
            #expect(earlier.summary.created.foreigners == 2)
            #expect(try await RegistryBatchApplier.revision(sql) != seen)

            let r = try await RegistryBatchApplier.write(plan, madeAt: seen, batch: batch, actor: actor, db: app.db, now: app.clock.now(), today: app.today)
            #expect(!r.repeated && r.summary.batch != plan.summary.batch)
            #expect(r.summary.created == .init(movements: 3))              // only what the other batch did not bring
            #expect(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-1").count() == 1)
            #expect(try await Sponsor.query(on: app.db).filter(\.$sponsorRef == "S-1").count() == 1)

            // Nothing written since the plan: it is written as made.
            let next = try RegistryFeed.read(directory: try Self.batch([
                "addresses": "person_ref,line,village_code,valid_from\nP-1,Jl. Melati 9,35.16.05.2010,2026-11-01"]))
            let seenNow = try await RegistryBatchApplier.revision(sql)
            let nextPlan = try await RegistryBatchApplier.plan(next, on: sql, now: app.clock.now(), today: app.today)
            let written = try await RegistryBatchApplier.write(nextPlan, madeAt: seenNow, batch: next, actor: actor, db: app.db, now: app.clock.now(), today: app.today)
            #expect(written.summary == nextPlan.summary && written.summary.created.addresses == 1)
            guard case .success = try await AuditLog.verify(on: app.db) else { Issue.record("audit chain broken"); return }
        }
    }

    @Test func theAPITakesAZipFromSupervisorsAndTheIntegrationRoleOnly() async throws {
        try await withTestApp { app in
            let user = User()
            user.email = "feed@dji.example"; user.role = Role.integration.rawValue; user.displayName = "SIMKIM feed"; user.language = "en"; user.disabled = false; user.notifyEmail = false
            user.passwordHash = try await PasswordHasher.hash(TestDatabases.password, cost: 4, on: app.threadPool)
            try await user.create(on: app.db)
            let zip = try Self.zip(try Self.batch(Self.full))
            func post(_ email: String, _ body: Data, type: String = "application/zip") async throws -> TestingHTTPResponse {
                var h = bearer(try await apiToken(app, email))
                h.replaceOrAdd(name: .contentType, value: type)
                return try await app.testing().sendRequest(.POST, "/api/v1/registry/batches", headers: h, body: ByteBuffer(data: body))
            }
            #expect(try await post("officer@demo.sinergi.id", zip).status == .forbidden)
            #expect(try await post("agency@demo.sinergi.id", zip).status == .forbidden)
            #expect(try await post("sponsor@demo.sinergi.id", zip).status == .forbidden)
            let created = try await post("feed@dji.example", zip)
            #expect(created.status == .created)
            let summary = try JSONDecoder().decode(RegistryBatchSummary.self, from: Data(created.body.readableBytesView))
            #expect(summary.created.foreigners == 2)
            let again = try await post("supervisor@demo.sinergi.id", zip)
            #expect(again.status == .ok)
            #expect(try JSONDecoder().decode(RegistryBatchSummary.self, from: Data(again.body.readableBytesView)).batch == summary.batch)

            var bad = Self.full
            bad["foreigners"]! += "\nP-3,,Karl,Q,1990-01-01,DE,"
            let rejected = try await post("feed@dji.example", try Self.zip(try Self.batch(bad)))
            #expect(rejected.status == .unprocessableEntity)
            struct Row: Decodable { var file: String; var line: Int; var reason: String }
            struct Body: Decodable { var invalidRows: [Row] }
            let rows = try JSONDecoder().decode(Body.self, from: Data(rejected.body.readableBytesView)).invalidRows
            #expect(rows.count == 3 && rows.allSatisfy { $0.file == "foreigners.csv" && $0.line == 4 })
            #expect(try await post("feed@dji.example", Data("not a zip".utf8)).status == .unprocessableEntity)
            #expect(try await post("feed@dji.example", zip, type: "text/csv").status == .unsupportedMediaType)

            // The integration account never reaches the web pages.
            let b = Browser(app)
            #expect(try await b.login("feed@dji.example").status == .forbidden)
            #expect(try await b.get("/").status == .seeOther)
        }
    }

    @Test func historyFollowsTheScope() async throws {
        try await withTestApp { app in
            _ = try await Self.apply(app, try Self.batch(Self.full))
            let anna = try #require(try await Foreigner.query(on: app.db).filter(\.$personRef == "P-1").first())
            for (email, status) in [("officer.jaksel@demo.sinergi.id", HTTPStatus.notFound), ("agency@demo.sinergi.id", .forbidden), ("sponsor@demo.sinergi.id", .forbidden),
                                    ("admin@demo.sinergi.id", .forbidden), ("supervisor@demo.sinergi.id", .ok)] {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(anna.id!)/history", headers: bearer(try await apiToken(app, email)))
                #expect(res.status == status, "\(email)")
                if status != .ok { #expect(!res.body.string.contains("FEEDMANN")) }
            }
        }
    }
}
