@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 17, item 5: retention per kind (dry run, then run; the audit chain kept) and the export of everything held
/// on one person.
@Suite struct PrivacyTests {
    static func day(_ n: Double) -> Date { TestDatabases.now.addingTimeInterval(-n * 86_400) }

    /// One record of each kind past its period and one within it.
    static func plant(_ app: Application) async throws -> (oldReport: UUID, newReport: UUID) {
        let db = app.db
        let officer = try #require(try await User.query(on: db).filter(\.$email == "officer@demo.sinergi.id").first())
        let office = try #require(officer.$office.id)
        var ids: [UUID] = []
        for (age, code) in [(800.0, "RET-OLD-0001"), (100.0, "RET-NEW-0001")] {
            let r = PublicReport()
            r.id = UUID(); r.trackingCode = code; r.description = "Orang asing bekerja di gudang tanpa izin"; r.villageCode = "35.16.05.2010"; r.regencyCode = "35.16"
            r.seenAt = "2024-01-01T08:00"; r.latitude = -7.4; r.longitude = 112.4; r.contact = "warga@contoh.id"; r.status = PublicReportStatus.closed.rawValue
            r.contentHash = code; r.sourceHash = code; r.createdAt = day(age + 5); r.closedAt = day(age); r.outcome = "noFinding"
            try await r.create(on: db)
            let photo = PublicReportPhoto()
            photo.id = UUID(); photo.reportID = r.id!; photo.contentType = "image/jpeg"; photo.bytes = Data([1, 2, 3]); photo.createdAt = day(age + 5)
            try await photo.create(on: db)
            ids.append(r.id!)
            let n = AppNotification()
            n.id = UUID(); n.userID = officer.id!; n.kind = "task"; n.title = "Tugas \(code)"; n.link = "/tasks"; n.createdAt = day(age)
            try await n.create(on: db)
            let t = FieldTask()
            t.id = UUID(); t.officeID = office; t.createdBy = officer.id!; t.kind = "check"; t.title = "Cek \(code)"; t.dueOn = "2024-01-01"
            t.status = TaskStatus.done.rawValue; t.doneAt = day(age); t.createdAt = day(age + 3)
            try await t.create(on: db)
            _ = try await Outbox.enqueue(key: "ret:\(code)", kind: "test", to: "x@contoh.id", subject: "s", body: "Nama Orang Asing", now: day(age), on: db)
        }
        try await OutboxMessage.query(on: db).filter(\.$idempotencyKey ~~ ["ret:RET-OLD-0001", "ret:RET-NEW-0001"]).set(\.$status, to: "sent").update()
        try await OutboxMessage.query(on: db).filter(\.$idempotencyKey == "ret:RET-OLD-0001").set(\.$sentAt, to: day(800)).update()
        try await OutboxMessage.query(on: db).filter(\.$idempotencyKey == "ret:RET-NEW-0001").set(\.$sentAt, to: day(10)).update()
        let s = App.SessionRecord()
        s.id = Tokens.digest("expired-session"); s.$user.id = officer.id!; s.createdAt = day(3); s.expiresAt = day(2)
        try await s.create(on: db)
        return (ids[0], ids[1])
    }

    @Test func retentionDryRunCountsThenTheRunErasesOnlyWhatIsPastItsPeriod() async throws {
        try await withTestApp { app in
            let baseline = try await Retention.run(app: app, now: TestDatabases.now, dryRun: true)
            let (old, new) = try await Self.plant(app)
            let auditBefore = try await AuditEventRecord.query(on: app.db).count()
            let dry = try await Retention.run(app: app, now: TestDatabases.now, dryRun: true)
            // 800 days: the report's text (730), its photo (180), the notification (180), the task (730), the mail (90);
            // 100 days: nothing yet.
            #expect(dry.publicReportsErased == baseline.publicReportsErased + 1)
            #expect(dry.publicReportPhotos == baseline.publicReportPhotos + 1)
            #expect(dry.notifications == baseline.notifications + 1)
            #expect(dry.closedTasks == baseline.closedTasks + 1)
            #expect(dry.sentMailBodies == baseline.sentMailBodies + 1)
            #expect(dry.expiredSessions == baseline.expiredSessions + 1)
            // A dry run changes nothing, not even the audit trail.
            #expect(try await AuditEventRecord.query(on: app.db).count() == auditBefore)
            #expect(try await PublicReport.find(old, on: app.db)?.contact == "warga@contoh.id")

            let done = try await Retention.run(app: app, now: TestDatabases.now, dryRun: false)
            #expect(done == dry)
            let o = try #require(try await PublicReport.find(old, on: app.db))
            #expect(o.description == Retention.erased && o.contact == nil && o.latitude == nil && o.trackingCode == "RET-OLD-0001" && o.outcome == "noFinding")
            let n = try #require(try await PublicReport.find(new, on: app.db))
            #expect(n.description != Retention.erased && n.contact == "warga@contoh.id")
            #expect(try await PublicReportPhoto.query(on: app.db).filter(\.$reportID ~~ [old, new]).all().map(\.reportID) == [new])
            #expect(try await AppNotification.query(on: app.db).filter(\.$title == "Tugas RET-OLD-0001").count() == 0)
            #expect(try await AppNotification.query(on: app.db).filter(\.$title == "Tugas RET-NEW-0001").count() == 1)
            #expect(try await FieldTask.query(on: app.db).filter(\.$title ~~ ["Cek RET-OLD-0001", "Cek RET-NEW-0001"]).all().map(\.title) == ["Cek RET-NEW-0001"])
            let mails = try await OutboxMessage.query(on: app.db).filter(\.$idempotencyKey ~~ ["ret:RET-OLD-0001", "ret:RET-NEW-0001"]).sort(\.$idempotencyKey).all()
            #expect(mails.map(\.idempotencyKey) == ["ret:RET-NEW-0001", "ret:RET-OLD-0001"] && mails.map(\.body) == ["Nama Orang Asing", ""])
            // The audit chain is kept, gains one event naming the counts, and verifies.
            let event = try #require(try await AuditEventRecord.query(on: app.db).filter(\.$action == "retention.run").first())
            #expect(event.detail.contains("reports=\(dry.publicReportsErased)") && event.actorID == "system")
            guard case .success = try await AuditLog.verify(on: app.db) else { Issue.record("chain broken"); return }
            // Nothing is left to do.
            let again = try await Retention.run(app: app, now: TestDatabases.now, dryRun: true)
            #expect(again.publicReportsErased == 0 && again.notifications == 0 && again.closedTasks == 0 && again.sentMailBodies == 0 && again.expiredSessions == 0)
            #expect(try await Browser(app).get("/lapor/status?code=RET-OLD-0001").status == .ok)
        }
    }

    @Test func theExportHoldsEverythingOnThePersonAndWhoReadIt() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            struct F: Decodable { var foreigner_id: UUID; var number: String }
            let f = try #require(try await sql.raw("SELECT foreigner_id, number FROM passports ORDER BY number LIMIT 1").first(decoding: F.self))
            // An officer reads the record: the read is part of what the person may see.
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            _ = try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.foreigner_id)?purpose=supervision", headers: bearer(token))
            let doc = try await PersonExport.collect(f.foreigner_id, on: app.db, now: TestDatabases.now)
            #expect(doc.foreigner["id"] == .string(f.foreigner_id.uuidString))
            #expect(doc.records["passports"]?.contains { $0["number"] == .string(f.number) } == true)
            #expect(doc.records["stay_permits"]?.isEmpty == false)
            #expect(doc.records.values.allSatisfy { rows in rows.allSatisfy { $0["foreigner_id"] == .string(f.foreigner_id.uuidString) } })
            // The officer's read is among the events: who, and for what purpose.
            #expect(doc.auditEvents.contains { $0["action"] == .string("foreigner.read") && $0["purpose"] == .string("supervision") && $0["actor_role"] == .string("officer") })
            let html = PersonExport.html(doc)
            #expect(html.contains(f.number) && html.contains("<h2>passports (") && html.contains("UU 27/2022"))
            await #expect(throws: CommandFailure.self) { _ = try await PersonExport.collect(UUID(), on: app.db, now: TestDatabases.now) }
        }
    }
}
