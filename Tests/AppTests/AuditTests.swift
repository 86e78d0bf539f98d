@testable import App
import AuditChain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct AuditTests {
    @Test func readsAndWritesAreRecordedAndTheChainVerifies() async throws {
        try await withTestApp { app in
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            #expect(try await b.get("/foreigners/\(f.id!)?purpose=fieldCheck").status == .ok)
            #expect(try await b.get("/foreigners/\(f.id!)?purpose=gossip").status == .unprocessableEntity)
            let token = try await apiToken(app, "supervisor@demo.sinergi.id")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)?purpose=supervision", headers: bearer(token)).status == .ok)

            let reads = try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.read").filter(\.$objectID == f.id!.uuidString).all()
            #expect(reads.count == 2)
            #expect(reads.map(\.purpose).sorted() == ["fieldCheck", "supervision"])
            #expect(reads.allSatisfy { !$0.requestID.isEmpty && $0.occurredAt.hasPrefix("2026-11-30T05:00:00") })
            let logins = try await AuditEventRecord.query(on: app.db).filter(\.$action == "auth.login").count()
            #expect(logins == 1)
            // No personal data in the trail itself.
            let all = try await AuditEventRecord.query(on: app.db).all()
            #expect(!all.contains { $0.detail.contains(f.fullName) || $0.detail.contains(f.passportNumber ?? "#") })
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(all.count)))
        }
    }

    /// Issue 17, item 2: a detail read needs a purpose; a list read writes one event naming the ids shown.
    @Test func readsNeedAPurposeAndListsNameWhatTheyShowed() async throws {
        try await withTestApp { app in
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").first())
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let missing = try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)", headers: bearer(token))
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("v.purposeRequired") && !missing.body.string.contains(f.fullName))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)?purpose=curious", headers: bearer(token)).status == .unprocessableEntity)
            // On the web, the officer chooses the purpose first; nothing of the person is shown, nothing is read.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let chooser = try await b.get("/foreigners/\(f.id!)")
            #expect(chooser.status == .ok && chooser.body.string.contains("Tujuan membuka data") && !chooser.body.string.contains(f.fullName))
            #expect(chooser.body.string.contains("/foreigners/\(f.id!.uuidString)?purpose=investigation"))
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.read").count() == 0)

            let list = try await app.testing().sendRequest(.GET, "/api/v1/foreigners?per=10&page=2", headers: bearer(token))
            struct Page: Decodable { struct Item: Decodable { var id: UUID }; var items: [Item] }
            let shown = try JSONDecoder().decode(Page.self, from: Data(list.body.readableBytesView)).items.map(\.id)
            #expect(shown.count == 10)
            let event = try #require(try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.list").filter(\.$objectType == "foreigners").first())
            #expect(event.objectID == "page-2" && event.detail == "n=10 ids=" + shown.map(\.uuidString).joined(separator: ","))
            // The web list links each name with the list's purpose, and is recorded the same way.
            let page = try await b.get("/foreigners")
            #expect(page.body.string.contains("?purpose=supervision"))
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.list").count() == 2)
        }
    }

    /// Group commit: many concurrent audited reads each get their event, in one chain that verifies.
    @Test func concurrentAuditedReadsLandInOneChain() async throws {
        try await withTestApp { app in
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").limit(40).all()
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let before = try await AuditEventRecord.query(on: app.db).count()
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for round in 0..<5 { for f in people {
                    group.addTask {
                        try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)?purpose=\(round % 2 == 0 ? "supervision" : "verification")", headers: bearer(token)).status
                    }
                } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.count == 200 && statuses.allSatisfy { $0 == .ok })
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$id > Int64(before)).sort(\.$id).all()
            #expect(events.count == 200 && Set(events.map(\.requestID)).count == 200)
            #expect(events.map { $0.id! } == Array((Int64(before) + 1)...(Int64(before) + 200)))
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(before + 200)))
        }
    }

    /// SQLite: while another connection holds the write lock (a registry batch holds it for seconds), audited reads
    /// answer at once, their events durable in the spool; once the lock is free they are chained, in order, and the
    /// chain verifies. Without the spool these reads would wait for the lock (then fail after the busy timeout).
    @Test(.enabled(if: onSQLite)) func readsWhileAnotherConnectionHoldsTheWriteLockAnswerAndAreChainedAfter() async throws {
        try await withTestApp { app in
            guard !(await TestDatabases.shared.isPostgres) else { return }   // PostgreSQL: row locks, no spool
            let spool = try #require(app.auditCommitter.spool)
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").limit(6).all()
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let before = try await AuditEventRecord.query(on: app.db).count()
            var statuses: [HTTPStatus] = []
            try await whileAnotherConnectionHoldsTheWriteLock(app) {
                for f in people {
                    statuses.append(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)?purpose=supervision", headers: bearer(token)).status)
                }
                #expect(try await AuditEventRecord.query(on: app.db).count() == before)   // not chained yet
                #expect(try await spool.waitingCount(app) == people.count)
            }
            #expect(statuses == Array(repeating: .ok, count: people.count))
            // The drainer chains them as soon as the lock is free.
            for _ in 0..<100 where try await spool.waitingCount(app) > 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try await spool.waitingCount(app) == 0)
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$id > Int64(before)).sort(\.$id).all()
            #expect(events.map(\.action) == Array(repeating: "foreigner.read", count: people.count))
            #expect(events.map(\.objectID) == people.map { $0.id!.uuidString })
            #expect(events.allSatisfy { $0.occurredAt.hasPrefix("2026-11-30T05:00:00") && $0.purpose == "supervision" })
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(before + people.count)))
        }
    }

    /// A crash after the spooled events were chained and before they were deleted from the spool leaves them there:
    /// the next drain skips them (the mark was committed with the chain) and deletes them; nothing is chained twice.
    @Test(.enabled(if: onSQLite)) func spooledEventsAreChainedExactlyOnce() async throws {
        try await withTestApp { app in
            guard !(await TestDatabases.shared.isPostgres) else { return }
            let spool = try #require(app.auditCommitter.spool)
            let spoolDB = app.db(.sqliteAuditSpool) as! any SQLDatabase
            let before = try await AuditEventRecord.query(on: app.db).count()
            let items = (0..<3).map { i in
                AuditLog.Pending(entry: AuditEntry(action: "test.event", objectType: "t", objectID: "\(i)"), actor: .system, requestID: "r\(i)", time: app.clock.now())
            }
            struct Row: Codable { var id: Int64; var occurred_at, actor_id, actor_role, action, object_type, object_id, purpose, request_id, detail: String }
            var spooled: [Row] = []
            try await whileAnotherConnectionHoldsTheWriteLock(app) {
                try await spool.commit(items, app: app)
                // Read while the lock is held: the drainer cannot chain them yet.
                spooled = try await spoolDB.raw("SELECT * FROM audit_spool ORDER BY id").all(decoding: Row.self)
            }
            #expect(spooled.map(\.object_id) == ["0", "1", "2"])
            try await spool.drain(app, wait: true)   // (or the drainer has already)
            #expect(try await spoolDB.raw("SELECT * FROM audit_spool").all().isEmpty)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$id > Int64(before)).count() == 3)

            // As if the process had died between the chain's commit and the spool's clean-up.
            for r in spooled { try await spoolDB.insert(into: "audit_spool").model(r).run() }
            #expect(try await spool.waitingCount(app) == 0)
            #expect(try await spool.drain(app, wait: true) == 0)
            #expect(try await spoolDB.raw("SELECT * FROM audit_spool").all().isEmpty)
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$id > Int64(before)).sort(\.$id).all()
            #expect(events.map(\.objectID) == ["0", "1", "2"])
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(before + 3)))
        }
    }

    /// Events left in the spool (a server stopped while another process held the write lock) are chained before a
    /// backup is copied, so the backup holds them.
    @Test(.enabled(if: onSQLite)) func aBackupHoldsTheEventsThatWaitedInTheSpool() async throws {
        try await withTestApp { app in
            guard !(await TestDatabases.shared.isPostgres) else { return }
            let spool = try #require(app.auditCommitter.spool)
            let before = try await AuditEventRecord.query(on: app.db).count()
            let spoolDB = app.db(.sqliteAuditSpool) as! any SQLDatabase
            for i in 0..<2 {
                try await spoolDB.insert(into: "audit_spool")
                    .columns("occurred_at", "actor_id", "actor_role", "action", "object_type", "object_id", "purpose", "request_id", "detail")
                    .values(["2026-11-30T05:00:00.000Z", "system", "system", "spooled.event", "t", "\(i)", "", "r\(i)", ""]).run()
            }
            #expect(try await spool.waitingCount(app) == 2)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("spool-backup-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try await Backup.make(app, to: path)
            #expect(try await spool.waitingCount(app) == 0)
            #expect(try await AuditSpool.chainWaiting(app, otherwise: "") == nil)   // nothing waits any more
            struct Row: Decodable { var object_id: String }
            let copied = try await app.db.withConnection { conn in
                let sql = conn as! any SQLDatabase
                try await sql.raw("ATTACH DATABASE \(bind: path) AS copy").run()
                let rows = try await sql.raw("SELECT object_id FROM copy.audit_events WHERE action = 'spooled.event' ORDER BY seq").all(decoding: Row.self)
                try await sql.raw("DETACH DATABASE copy").run()
                return rows
            }
            #expect(copied.map(\.object_id) == ["0", "1"])
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(before + 2)))
        }
    }

    @Test func tamperingIsDetectedAndNamed() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            for _ in 0..<3 { try await b.login("officer@demo.sinergi.id") }
            let sql = app.db as! any SQLDatabase
            let count = try await AuditEventRecord.query(on: app.db).count()
            #expect(count >= 4)
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(count)))

            try await sql.raw("UPDATE audit_events SET purpose = 'edited' WHERE seq = 2").run()
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: 2, kind: .contentAltered)))
        }
    }

    /// The admin page walks the whole chain at most every 15 minutes and only the new events between: an event
    /// altered after the last walk is found at once, one altered before it at the next full walk.
    @Test func theAdminPageChecksNewEventsBetweenFullWalks() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            func add(_ n: Int) async throws {
                for i in 0..<n { try await AuditLog.record(AuditEntry(action: "test.event", objectType: "t", objectID: "\(i)"), actor: .system, requestID: "r\(i)", on: app.db, clock: app.clock) }
            }
            try await add(3)
            let check = AuditPageCheck()
            let t0 = app.clock.now()
            let first = try await check.run(app.db, now: t0)
            let walked = Int64(try await AuditEventRecord.query(on: app.db).count())
            #expect(first.chain == .success(walked) && first.fullAt == t0)
            try await add(2)
            let second = try await check.run(app.db, now: t0.addingTimeInterval(60))
            #expect(second.chain == .success(walked + 2) && second.fullAt == t0)
            // A new event altered: found on the next view.
            try await add(1)
            try await sql.raw("UPDATE audit_events SET purpose = 'edited' WHERE seq = \(bind: walked + 3)").run()
            #expect(try await check.run(app.db, now: t0.addingTimeInterval(120)).chain == .failure(AuditBreak(sequence: walked + 3, kind: .contentAltered)))
            try await sql.raw("UPDATE audit_events SET purpose = '' WHERE seq = \(bind: walked + 3)").run()
            // An old one altered: found by the next full walk (after a break, the next view walks in full at once).
            #expect(try await check.run(app.db, now: t0.addingTimeInterval(180)).fullAt == t0.addingTimeInterval(180))
            try await sql.raw("UPDATE audit_events SET purpose = 'edited' WHERE seq = 1").run()
            let later = t0.addingTimeInterval(180 + AuditPageCheck.fullEvery)
            #expect(try await check.run(app.db, now: later).chain == .failure(AuditBreak(sequence: 1, kind: .contentAltered)))
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: 1, kind: .contentAltered)))
        }
    }

    @Test func deletionsAreDetected() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            for _ in 0..<3 { try await b.login("officer@demo.sinergi.id") }
            let sql = app.db as! any SQLDatabase
            let count = Int64(try await AuditEventRecord.query(on: app.db).count())
            try await sql.raw("DELETE FROM audit_events WHERE seq = \(bind: count)").run()
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: count - 1, kind: .truncated(expectedLast: count))))
            try await sql.raw("DELETE FROM audit_events WHERE seq = 2").run()
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: 3, kind: .missingEvents(expected: 2))))
        }
    }

    @Test func concurrentWritersKeepOneChain() async throws {
        try await withTestApp { app in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await AuditLog.record(AuditEntry(action: "test.event", objectType: "t", objectID: "\(i)"), actor: .system, requestID: "r\(i)", on: app.db, clock: app.clock)
                    }
                }
                try await group.waitForAll()
            }
            let n = try await AuditEventRecord.query(on: app.db).count()
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(n)))
        }
    }

    @Test func auditPageNamesActionsAndShowsLocalTimes() async throws {
        try await withTestApp { app in
            let officer = Browser(app)
            try await officer.login("officer@demo.sinergi.id")
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").first())
            #expect(try await officer.get("/foreigners/\(f.id!)?purpose=fieldCheck").status == .ok)
            #expect(try await officer.get("/foreigners").status == .ok)
            _ = try await Browser(app).login("officer@demo.sinergi.id", password: "not-the-password")

            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            let page = try await admin.get("/admin/audit")
            #expect(page.status == .ok)
            let html = page.body.string
            let rows = html.components(separatedBy: "<tr>").dropFirst(2)   // past the heading row
            #expect(rows.contains { $0.contains(">Masuk<") && $0.contains("Petugas Imigrasi") })
            #expect(rows.contains { $0.contains(">Data orang asing dibuka<") && $0.contains(">Pemeriksaan lapangan<") && $0.contains("Orang asing") })
            #expect(rows.contains { $0.contains(">Gagal masuk<") })
            // The test clock stands at 05:00 UTC: 12.00 WIB, the admin's configured zone.
            #expect(html.contains("30 Nov 2026 12.00 WIB"))
            // No raw action codes, ISO times or English headings.
            // A list's page by its number; an anonymous visitor by the role alone.
            #expect(html.contains(", halaman 1") && !html.contains("page-1") && !html.contains(">anonymou<"))
            for raw in [">auth.login<", ">foreigner.read<", ">fieldCheck<", "2026-11-30T", "T05:00:00", ">actor<", ">UTC<"] {
                #expect(!html.contains(raw), "\(raw)")
            }
            #expect(html.contains(">Waktu</th>") && html.contains(">Tindakan</th>") && html.contains(">Pelaku</th>"))

            // Actors by name; a name narrows the page to what that account did, from the account's page too.
            let officerID = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()?.id).uuidString
            #expect(rows.contains { $0.contains(">Petugas Imigrasi Surabaya</a>") })
            let account = try await admin.get("/admin/users/\(officerID)").body.string
            #expect(account.contains("id=\"account-audit\"") && account.contains("actor=\(officerID)"))
            let byOfficer = try await admin.get("/admin/audit?actor=\(officerID)").body.string
            #expect(byOfficer.contains("id=\"audit-filter\">Peristiwa oleh Petugas Imigrasi Surabaya"))
            let officerRows = byOfficer.components(separatedBy: "<tr>").dropFirst(2)
            #expect(!officerRows.isEmpty && officerRows.allSatisfy { $0.contains(">Petugas Imigrasi Surabaya</a>") })
            #expect(!byOfficer.contains("admin@demo") && !officerRows.contains { $0.contains(">Administrator") })
            // A record's events: the foreigner opened above, shown by id (the admin has no access to the person).
            let onRecord = try await admin.get("/admin/audit?objectType=foreigner&objectId=\(f.id!.uuidString)").body.string
            #expect(onRecord.contains("Peristiwa atas Orang asing \(f.id!.uuidString.prefix(8))"))
            #expect(onRecord.contains(">Data orang asing dibuka<") && !onRecord.contains(f.familyName))
            #expect(try await admin.get("/admin/audit?actor=nobody").body.string.contains("Tidak ada data untuk ditampilkan."))

            _ = try await admin.get("/lang/en?back=%2Fadmin%2Faudit")
            let english = try await admin.get("/admin/audit").body.string
            #expect(english.contains(">Signed in<") && english.contains("30 Nov 2026 12:00 WIB"))
        }
    }

    @Test func usersPageInIndonesian() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE users SET disabled = \(bind: true) WHERE email = 'agency@demo.sinergi.id'").run()
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            let html = try await admin.get("/admin/users").body.string
            #expect(html.contains(">Peran</th>") && html.contains(">Keadaan akun</th>"))
            let agencyRow = try #require(html.components(separatedBy: "<tr>").first { $0.contains("agency@demo.sinergi.id") })
            #expect(agencyRow.contains("Anggota Timpora") && agencyRow.contains("Dinonaktifkan"))
            #expect(!html.contains("(disabled)") && !html.contains(">Role<"))
        }
    }

    /// Every action the code writes to the trail has a name in both languages (an unnamed one would be
    /// shown to administrators as its raw code).
    @Test func everyAuditActionHasAName() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        let literal = try Regex(#"AuditEntry\(action: *([^,]+),"#)
        let quoted = try Regex(#""([a-z_]+\.[a-z_]+)""#)
        var actions: Set<String> = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for m in text.matches(of: literal) {
                let expression = String(text[m.range])
                for q in expression.matches(of: quoted) { actions.insert(String(expression[q.range].dropFirst().dropLast())) }
            }
        }
        // Actions built from a value: every value they take.
        actions.formUnion(["public_report.link", "public_report.close", "public_report.reopen", "sponsor_report.accept", "sponsor_report.return"])
        #expect(actions.count > 40)
        #expect(actions.contains("auth.login") && actions.contains("daily_report.approve"))
        for a in actions.sorted() {
            #expect(L10n.has("audit.action.\(a)"), "no name for audit action \(a)")
            #expect(AdminViews.actionName(a, .id) != a && AdminViews.actionName(a, .en) != a)
        }
        #expect(AdminViews.actionName("something.new", .id) == "something.new")
    }
}

/// Runs `body` while a transaction on another SQLite connection holds the write lock (as a registry batch does).
func whileAnotherConnectionHoldsTheWriteLock(_ app: Application, _ body: () async throws -> Void) async throws {
    let (locked, lockedNow) = AsyncStream<Void>.makeStream()
    let (release, releaseNow) = AsyncStream<Void>.makeStream()
    let holder = Task {
        do {
            try await app.db(.sqliteJobs).writeTransaction { _ in
                lockedNow.yield()
                for await _ in release { break }
            }
        } catch {
            lockedNow.finish()   // never locked: the caller goes on, and fails on `holder.value`
            throw error
        }
    }
    for await _ in locked { break }
    do { try await body() } catch {
        releaseNow.yield()
        _ = try? await holder.value
        throw error
    }
    releaseNow.yield()
    try await holder.value
}
