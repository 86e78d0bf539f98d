@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SMTP
import SMTPSink
import SQLKit
import Testing
import Vapor

/// A clock the test moves.
final class TestClock: Sendable {
    private let value = NIOLockedValueBox(TestDatabases.now)
    var now: Date { value.withLockedValue { $0 } }
    func advance(days: Int = 0, seconds: TimeInterval = 0) { value.withLockedValue { $0 = $0.addingTimeInterval(Double(days) * 86_400 + seconds) } }
    func install(_ app: Application) { app.clock = AppClock(now: { [self] in self.now }) }
}

/// Two sponsors with known foreigners and permit end dates; every other permit ends far away.
struct AlertFixture {
    struct Person { let foreigner: Foreigner; let permit: StayPermit }
    let a: Sponsor, b: Sponsor
    let a1: Person, a2: Person, a3: Person, b1: Person

    static func make(_ app: Application) async throws -> AlertFixture {
        let sql = app.db as! any SQLDatabase
        try await sql.raw("UPDATE stay_permits SET end_on = '2030-01-01' WHERE status = 'active'").run()
        try await sql.raw("UPDATE foreigners SET permit_end = '2030-01-01' WHERE permit_end IS NOT NULL").run()
        let sponsorUser = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
        let a = try #require(try await Sponsor.find(sponsorUser.$sponsor.id, on: app.db))
        let other = try #require(try await Foreigner.query(on: app.db).filter(\.$sponsorID != a.id!).filter(\.$sponsorID != nil).sort(\.$id).first())
        let b = try #require(try await Sponsor.find(other.sponsorID, on: app.db))
        a.email = "hrd@sponsor-a.co.id"; a.language = "id"; try await a.save(on: app.db)
        b.email = "hr@sponsor-b.co.id"; b.language = "en"; try await b.save(on: app.db)
        func person(_ s: Sponsor, _ k: Int, end: String, family: String) async throws -> Person {
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$sponsorID == s.id!).sort(\.$id).offset(k).first())
            f.familyName = family; f.fullName = "\(family) \(f.givenNames)"
            try await f.save(on: app.db)
            let p = try #require(try await StayPermit.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$status == "active").first())
            p.endOn = end
            try await p.save(on: app.db)
            try await ForeignerSummary.refresh(f.id!, today: app.today, on: app.db)
            return Person(foreigner: try #require(try await Foreigner.find(f.id, on: app.db)), permit: p)
        }
        // Today is 2026-11-30.
        return AlertFixture(
            a: a, b: b,
            a1: try await person(a, 0, end: "2026-12-30", family: "ALPHAONE"),    // 30 days left
            a2: try await person(a, 1, end: "2026-12-20", family: "ALPHATWO"),    // 20 days left
            a3: try await person(a, 2, end: "2026-11-27", family: "ALPHATHREE"),  // overstay, 3 days
            b1: try await person(b, 0, end: "2026-12-07", family: "BRAVOONE"))    // 7 days left
    }
}

@Suite(.serialized) struct AlertTests {
    func warnings(_ app: Application, day: String) async throws -> Set<String> {
        let rows = try await PermitWarning.query(on: app.db).filter(\.$foundOn == day).all()
        return Set(rows.map { "\($0.permitID.uuidString):\($0.threshold)" })
    }

    func key(_ p: AlertFixture.Person, _ t: Int) -> String { "\(p.permit.id!.uuidString):\(t)" }

    @Test func exactlyTheThresholdsCrossedEachDayOnce() async throws {
        try await withTestApp { app in
            let clock = TestClock(); clock.install(app)
            let fx = try await AlertFixture.make(app)
            var s = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            #expect(try await warnings(app, day: "2026-11-30") == [key(fx.a1, 30), key(fx.a2, 30), key(fx.a3, -1), key(fx.b1, 7)])
            #expect(s.warnings == 4 && s.emails == 2)
            // Again the same day: nothing new, no new message.
            s = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            #expect(s.warnings == 0 && s.emails == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 2)
            // Six days on: only A2 reaches 14 days.
            #expect(try await EarlyWarnings.run(asOf: "2026-12-06", app: app).warnings == 1)
            #expect(try await warnings(app, day: "2026-12-06") == [key(fx.a2, 14)])
            // B1's end day: threshold 0.
            #expect(try await EarlyWarnings.run(asOf: "2026-12-07", app: app).warnings == 1)
            #expect(try await warnings(app, day: "2026-12-07") == [key(fx.b1, 0)])
            // …then a missed week: each permit gets the most urgent threshold only, B1 is an overstay.
            #expect(try await EarlyWarnings.run(asOf: "2026-12-16", app: app).warnings == 3)
            #expect(try await warnings(app, day: "2026-12-16") == [key(fx.a1, 14), key(fx.a2, 7), key(fx.b1, -1)])
            // A2's end day.
            #expect(try await EarlyWarnings.run(asOf: "2026-12-20", app: app).warnings == 1)
            #expect(try await warnings(app, day: "2026-12-20") == [key(fx.a2, 0)])
            // Overstays that began more than 60 days ago (the window) are on the officers' list, not in digests.
            #expect(try await EarlyWarnings.run(asOf: "2027-03-01", app: app).warnings == 0)
            // The scan is audited; notifications reached the sponsor's user and the officers.
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "alerts.run").count() == 7)
            let sponsorUser = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == sponsorUser.id!).filter(\.$kind == "warning").count() == 4)
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == officer.id!).filter(\.$kind == "warning").count() >= 1)
        }
    }

    /// A permit held before a gap (the next one begins later) is warned about as it nears its end: the person must
    /// leave or be without a permit. A renewal that continues it the next day is not a gap: no warning. The permit held
    /// gives the person's sponsor and category until the next one begins: a next permit under another sponsor takes the
    /// person to that sponsor on its first day (the daily job), and the warnings about the first go to its own sponsor.
    @Test func aPermitHeldBeforeAGapIsWarnedAbout() async throws {
        try await withTestApp { app in
            let clock = TestClock(); clock.install(app)
            let fx = try await AlertFixture.make(app)
            func follow(_ p: AlertFixture.Person, from start: String, to end: String, type: String? = nil, sponsor: UUID? = nil) async throws {
                let next = StayPermit()
                next.$foreigner.id = p.foreigner.id!; next.$type.id = type ?? p.permit.$type.id; next.number = "NEXT-\(start)"
                next.startOn = start; next.endOn = end; next.status = PermitStatus.active.rawValue; next.$sponsor.id = sponsor ?? p.permit.$sponsor.id
                try await next.save(on: app.db)
                try await ForeignerSummary.refresh(p.foreigner.id!, today: app.today, on: app.db)
            }
            let before = try #require(try await Foreigner.find(fx.a1.foreigner.id, on: app.db))
            try await follow(fx.a1, from: "2027-02-01", to: "2031-01-31", type: "ITAP", sponsor: fx.b.id)   // after a gap, under sponsor B
            try await follow(fx.a2, from: "2026-12-21", to: "2027-12-20")   // renewed from the next day: nothing to warn about
            let held = try #require(try await Foreigner.find(fx.a1.foreigner.id, on: app.db))
            #expect(held.sponsorID == fx.a.id && held.permitCategory == before.permitCategory && held.permitCategory != "ITAP")
            #expect(held.permitEnd == "2031-01-31")
            #expect(try await warnings(app, day: "2026-11-30").isEmpty)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            #expect(try await warnings(app, day: "2026-11-30") == [key(fx.a1, 30), key(fx.a3, -1), key(fx.b1, 7)])
            let first = try #require(try await PermitWarning.query(on: app.db).filter(\.$permitID == fx.a1.permit.id!).first())
            #expect(first.sponsorID == fx.a.id)
            // Its later thresholds follow; once it has ended, the gap is an overstay of it (the next permit does not cover
            // the gap).
            _ = try await EarlyWarnings.run(asOf: "2026-12-24", app: app)
            #expect(try await warnings(app, day: "2026-12-24").contains(key(fx.a1, 7)))
            _ = try await EarlyWarnings.run(asOf: "2026-12-31", app: app)
            #expect(try await warnings(app, day: "2026-12-31").contains(key(fx.a1, -1)))
            #expect(try await Foreigner.find(fx.a1.foreigner.id, on: app.db)?.sponsorID == fx.a.id)
            // The day the next permit begins, the daily job moves the person to its sponsor and category.
            _ = try await EarlyWarnings.run(asOf: "2027-02-01", app: app)
            let moved = try #require(try await Foreigner.find(fx.a1.foreigner.id, on: app.db))
            #expect(moved.sponsorID == fx.b.id && moved.permitCategory == "ITAP")
        }
    }

    @Test func digestsReachTheRightSponsorOverRealSMTP() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never", "SINERGI_MAIL_FROM": "noreply@sinergi.test"]) { app in
            let clock = TestClock(); clock.install(app)
            let fx = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            let round = try await app.outboxSender.deliverDue(app: app)
            #expect(round.sent == 2 && round.failed == 0)
            let got = try await sink.waitFor(2)
            #expect(got.count == 2)
            let a = try #require(got.first { $0.rcpt_tos == ["hrd@sponsor-a.co.id"] })
            let b = try #require(got.first { $0.rcpt_tos == ["hr@sponsor-b.co.id"] })
            // Each person by name with the permit's end; no passport or permit number (UU 27/2022); details behind the sign-in.
            for p in [fx.a1, fx.a2, fx.a3] {
                #expect(a.text.contains(p.foreigner.fullName) && !a.text.contains(p.foreigner.passportNumber!) && !a.text.contains(p.permit.number))
                #expect(!b.text.contains(p.foreigner.fullName) && !b.text.contains(p.foreigner.passportNumber!))
            }
            #expect(b.text.contains(fx.b1.foreigner.fullName) && !a.text.contains(fx.b1.foreigner.fullName) && !b.text.contains(fx.b1.foreigner.passportNumber!))
            #expect(!a.text.lowercased().contains("paspor") && !b.text.lowercased().contains("passport"))
            #expect(a.text.contains("berakhir 30 Des 2026") && b.text.contains("ends on 7 Dec 2026"))
            #expect(a.text.contains("Rincian (setelah masuk ke Sinergi): ") && a.text.contains("/portal"))
            #expect(a.subject.contains("3 izin tinggal") && a.subject.contains("1 overstay"))
            #expect(a.text.contains("30 hari lagi") && a.text.contains("sudah lewat 3 hari") && a.text.contains("Rp 3.000.000"))
            #expect(b.subject.hasPrefix("Sinergi: 1 stay permits need action") && b.text.contains("in 7 days") && b.text.contains("To do NOW"))
            #expect(a.mail_from == "noreply@sinergi.test" && a.headers["Auto-Submitted"] == "auto-generated")
            // Delivered once: another round and another scan send nothing.
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 0)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 0)
            try await Task.sleep(nanoseconds: 200_000_000)
            #expect(try sink.messages().count == 2)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$status == "sent").count() == 2)
        }
    }

    @Test func retriesAfterATemporaryFailureWithBackoff() async throws {
        let sink = try SMTPSink(.init(failFirst: 1))
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never"]) { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            var r = try await app.outboxSender.deliverDue(app: app)
            #expect(r.sent == 1 && r.retryLater == 1)
            let waiting = try #require(try await OutboxMessage.query(on: app.db).filter(\.$status == "pending").first())
            #expect(waiting.attempts == 1 && waiting.lastError?.contains("451") == true)
            // Not due before the backoff has passed.
            clock.advance(seconds: 30)
            #expect(try await app.outboxSender.deliverDue(app: app) == OutboxSender.Round())
            clock.advance(seconds: 31)
            r = try await app.outboxSender.deliverDue(app: app)
            #expect(r.sent == 1 && r.retryLater == 0)
            let got = try await sink.waitFor(2)
            #expect(got.count == 2 && Set(got.flatMap(\.rcpt_tos)).count == 2)
            let done = try #require(try await OutboxMessage.find(waiting.id, on: app.db))
            #expect(done.status == "sent" && done.attempts == 2 && done.lastError == nil)
        }
    }

    @Test func aPermanentRefusalIsRecordedAndNotRetried() async throws {
        let sink = try SMTPSink(.init(failFirst: 5, failCode: 550))
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never"]) { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            let r = try await app.outboxSender.deliverDue(app: app)
            #expect(r.failed == 2 && r.sent == 0)
            clock.advance(days: 1)
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 0)
            let failed = try await OutboxMessage.query(on: app.db).all()
            #expect(failed.allSatisfy { $0.status == "failed" && $0.attempts == 1 && ($0.lastError ?? "").contains("550") })
        }
    }

    @Test func aRestartMidBatchSendsEachMessageOnce() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never"]) { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            // The previous process had sent one message and claimed the other when it stopped.
            let messages = try await OutboxMessage.query(on: app.db).sort(\.$recipient).all()
            #expect(messages.count == 2)
            messages[0].status = "sent"; messages[0].sentAt = clock.now; messages[0].attempts = 1
            messages[1].status = "sending"; messages[1].claimedAt = clock.now
            for m in messages { try await m.save(on: app.db) }
            // A new sender: the claimed message is left alone while its lease runs…
            app.outboxSender = OutboxSender()
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 0)
            // …and sent once after it; the sent one never again.
            clock.advance(seconds: Outbox.lease + 1)
            let r = try await app.outboxSender.deliverDue(app: app)
            #expect(r.recovered == 1 && r.sent == 1)
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 0)
            let got = try await sink.waitFor(1)
            #expect(got.count == 1 && got[0].rcpt_tos == [messages[1].recipient])
        }
    }

    @Test func aSessionTheServerRefusesFailsNoMessage() async throws {
        // A wrong password (535) is the server refusing the session, not any message: nothing is claimed, counted or
        // failed (before, every claimed message was marked failed for good). Once the password is right, they go.
        let sink = try SMTPSink(.init(auth: ("sinergi", "benar")))
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://sinergi:salah@127.0.0.1:\(sink.port)?starttls=never"]) { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            #expect(try await app.outboxSender.deliverDue(app: app) == OutboxSender.Round())
            let waiting = try await OutboxMessage.query(on: app.db).all()
            #expect(waiting.count == 2 && waiting.allSatisfy { $0.status == "pending" && $0.attempts == 0 && $0.claimedAt == nil })
            app.config.smtp = try SMTPConfiguration(url: "smtp://sinergi:benar@127.0.0.1:\(sink.port)?starttls=never")
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 2)
            #expect(try await sink.waitFor(2).count == 2)
        }
    }

    @Test func eachMessageIsClaimedWhenItIsSentNotWhenTheRoundBegan() async throws {
        // A long round (a full outbox, a slow server) never holds a claim older than one message's transaction, so the
        // lease check of another server cannot take over a message that is being sent. Here every reading of the
        // clock is a minute later than the one before.
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never"]) { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            let start = clock.now
            app.clock = AppClock(now: { clock.advance(seconds: 60); return clock.now })
            #expect(try await app.outboxSender.deliverDue(app: app).sent == 2)
            let sent = try await OutboxMessage.query(on: app.db).sort(\.$claimedAt).all()
            let claims = sent.compactMap(\.claimedAt), sentAt = sent.compactMap(\.sentAt)
            #expect(claims.count == 2 && claims[0] > start && claims[1] > sentAt[0])
            #expect(zip(claims, sentAt).allSatisfy { $0 < $1 })
        }
    }

    @Test func aSlowSenderDoesNotResetAClaimAnotherSenderTookOver() async throws {
        // Sender A claims a message; the server is so slow that A's lease runs out and sender B (another process)
        // takes the message over. When A's attempt then fails, A records nothing: the message is B's to settle.
        let sink = try SMTPSink(.init(failFirst: 5, delayRcpt: 2))
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never"]) { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            let round = Task { try await app.outboxSender.deliverDue(app: app) }
            var claimed: OutboxMessage?
            for _ in 0..<200 where claimed == nil {
                try await Task.sleep(nanoseconds: 10_000_000)
                claimed = try await OutboxMessage.query(on: app.db).filter(\.$status == "sending").first()
            }
            let first = try #require(claimed)
            let other = UUID()
            try await (app.db as! any SQLDatabase).raw("""
                UPDATE outbox_messages SET claim_token = \(bind: other), claimed_at = \(bind: clock.now) WHERE id = \(bind: first.id!)
                """).run()
            let r = try await round.value
            #expect(r.sent == 0)
            struct Row: Decodable { var status: String; var attempts: Int; var claim_token: UUID? }
            let after = try #require(try await (app.db as! any SQLDatabase).raw("""
                SELECT status, attempts, claim_token FROM outbox_messages WHERE id = \(bind: first.id!)
                """).first(decoding: Row.self))
            #expect(after.status == "sending" && after.attempts == 0 && after.claim_token == other, "left to the sender that holds it")
            // The message A still held is recorded as a failed attempt, as before.
            let rest = try await OutboxMessage.query(on: app.db).filter(\.$id != first.id!).all()
            #expect(rest.count == 1 && rest.allSatisfy { $0.status == "pending" && $0.attempts == 1 })
        }
    }

    @Test func errorsShownToAdminsHaveAddressesMasked() {
        #expect(Outbox.scrubbed("DATA refused: 550 5.1.1 <hrd@pt-abc.co.id>: Recipient address rejected") == "DATA refused: 550 5.1.1 <h***@pt-abc.co.id>: Recipient address rejected")
        #expect(Outbox.masked("x@y.id") == "x***@y.id" && Outbox.masked("nonsense") == "***")
    }

    @Test func smallTransactionsGiveTheSameResult() async throws {
        try await withTestApp { app in
            let clock = TestClock(); clock.install(app)
            let fx = try await AlertFixture.make(app)
            let s = try await EarlyWarnings.run(asOf: "2026-11-30", app: app, batchSize: 1)
            #expect(s.warnings == 4 && s.emails == 2)
            #expect(try await warnings(app, day: "2026-11-30") == [key(fx.a1, 30), key(fx.a2, 30), key(fx.a3, -1), key(fx.b1, 7)])
            // One transaction per sponsor here (A's three warnings together, B's one), each with its digest.
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "alerts.warn").count() == 2)
            let a = try await PermitWarning.query(on: app.db).filter(\.$sponsorID == fx.a.id!).all()
            #expect(a.count == 3 && Set(a.compactMap(\.outboxID)).count == 1)
            #expect(try await AlertRun.find("2026-11-30", on: app.db)?.finishedAt != nil)
        }
    }

    @Test func aSupervisorRunsTheScanNowAndOfficersOnlyReadWhenItRuns() async throws {
        try await withTestApp { app in
            let clock = TestClock(); clock.install(app)
            let fx = try await AlertFixture.make(app)
            let officer = Browser(app)
            try await officer.login("officer@demo.sinergi.id")
            // The test server's scheduler is off: the page says so, and that cron runs the scan.
            let page = try await officer.get("/warnings")
            #expect(page.status == .ok && page.body.string.contains("dijadwalkan oleh administrator sistem") && !page.body.string.contains("SINERGI_") && page.body.string.contains("Pemindaian belum pernah dijalankan."))
            #expect(!page.body.string.contains("id=\"run-scan\""))
            // With the scheduler on, the hour from the configuration.
            app.config.schedulerEnabled = true; app.config.alertsHour = 6
            let on = try await officer.get("/warnings").body.string
            #expect(on.contains("setiap hari mulai pukul 06.00 WIB (60, 30, 14, 7 dan 0 hari sebelum berakhir"))
            app.config.schedulerEnabled = false
            // Officers may not run it.
            #expect(try await officer.post("/warnings/run", form: [:]).status == .forbidden)
            #expect(try await PermitWarning.query(on: app.db).count() == 0)

            let sup = Browser(app)
            try await sup.login("supervisor@demo.sinergi.id")
            #expect(try await sup.get("/warnings").body.string.contains("id=\"run-scan\""))
            // A forged form (no CSRF token) runs nothing.
            #expect(try await sup.post("/warnings/run", form: [:], csrf: false).status == .forbidden)
            #expect(try await PermitWarning.query(on: app.db).count() == 0)
            let ran = try await sup.post("/warnings/run", form: [:])
            #expect(ran.status == .seeOther && ran.headers.first(name: .location) == "/warnings")
            #expect(try await warnings(app, day: "2026-11-30") == [key(fx.a1, 30), key(fx.a2, 30), key(fx.a3, -1), key(fx.b1, 7)])
            #expect(try await OutboxMessage.query(on: app.db).count() == 2)
            let after = try await sup.get("/warnings").body.string
            #expect(after.contains("id=\"flash\"") && after.contains("Pemindaian peringatan hari ini selesai."))
            #expect(after.contains("Terakhir selesai 30 Nov 2026 12.00 WIB (untuk 30 Nov 2026): 4 peringatan baru, 2 email."))
            #expect(after.contains(fx.a1.foreigner.fullName) && after.contains("sudah berjalan"))
            // Again the same day: nothing found twice, nothing sent twice.
            #expect(try await sup.post("/warnings/run", form: [:]).status == .seeOther)
            #expect(try await PermitWarning.query(on: app.db).count() == 4)
            #expect(try await OutboxMessage.query(on: app.db).count() == 2)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "alerts.runNow").count() == 2)
        }
    }

    @Test func theOutboxPageNamesKindsAndStatesInTheLanguage() async throws {
        try await withTestApp { app in
            let clock = TestClock(); clock.install(app)
            _ = try await AlertFixture.make(app)
            _ = try await EarlyWarnings.run(asOf: "2026-11-30", app: app)
            let admin = Browser(app)
            try await admin.login("admin@demo.sinergi.id")
            let html = try await admin.get("/admin/outbox").body.string
            #expect(html.contains("Menunggu: 2 · Sedang dikirim: 0 · Terkirim: 0 · Gagal: 0"))
            #expect(html.contains(">Ringkasan peringatan izin tinggal</td>") && html.contains("30 Nov 2026 12.00 WIB"))
            #expect(!html.contains("warning-digest</td>") && !html.contains(">pending<") && !html.contains("2026-11-30T"))
        }
    }
}
