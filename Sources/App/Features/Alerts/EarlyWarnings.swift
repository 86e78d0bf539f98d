import Deadlines
import Crypto
import Fluent
import Foundation
import SMTP
import SQLKit
import Vapor

/// The daily warning scan: permits that reach 60/30/14/7/0 days before their end (the thresholds are
/// configuration) and permits that ended recently (overstays). Each permit and threshold is found once (a
/// unique key), and in the same transaction each sponsor's new warnings become one digest e-mail in the
/// outbox and in-app notifications for the sponsor's users and for the officers whose jurisdiction the
/// foreigner lives in.
enum EarlyWarnings {
    struct Summary: Sendable, Equatable {
        var day: String
        var warnings = 0
        var emails = 0
        var notifications = 0
    }

    /// A permit at a threshold, as the scan finds it.
    struct Found: Sendable {
        var permitID: UUID
        var threshold: Int
        var end: String
        var foreignerID: UUID
        var sponsorID: UUID?
        var regencyCode: String?
    }

    /// What the scan reads about a person; a digest names the person only (no passport number, UU 27/2022).
    struct Person: Decodable, Sendable {
        var id: UUID
        var full_name: String
        var permit_end: String?
        var permit_start: String?
        var permit_prior_start: String?
        var permit_prior_end: String?
        var sponsor_id: UUID?
        var regency_code: String?

        /// Whether `permit` (ending `end`) is the one that counts for this person on `day`: the current permit, or the
        /// one before a gap once begun (its end comes before the next permit begins, so it needs warnings of its own,
        /// and an overstay in the gap is one).
        func holds(permitEnding end: String, on day: String) -> Bool {
            permit_end == end || (permit_prior_end == end
                && PermitState.priorStayBegun(start: permit_start, priorStart: permit_prior_start, priorEnd: permit_prior_end, today: day))
        }
    }

    /// `batchSize`: about how many warnings one transaction writes (a sponsor's are never split).
    static func run(asOf day: String, app: Application, batchSize: Int = 2000) async throws -> Summary {
        guard Day.isValid(day) else { throw ValidationFailure("v.day", field: "as-of") }
        let config = app.config, now = app.clock.now()
        let thresholds = try await Rules.book(app.db).warningThresholds(on: CalendarDay(day)!).sorted()
        guard let top = thresholds.last, let lo = Day.adding(-config.overstayWindowDays, to: day), let hi = Day.adding(top, to: day) else {
            return Summary(day: day)
        }
        let db = app.db
        let sql = db as! any SQLDatabase
        try await recordStart(day, now: now, db: db)
        // People whose next stay began lately now hold its permit: their category and sponsor follow it.
        _ = try await ForeignerSummary.followTheDay(day, on: db)

        // 1. Permits in the window whose most urgent threshold (the smallest t with end ≤ day + t; an end
        //    before the day is an overstay) has no warning yet — read from the covering index alone.
        var caseExpr = SQLQueryString("CASE WHEN sp.end_on < \(bind: day) THEN -1")
        for t in thresholds { caseExpr = caseExpr + SQLQueryString(" WHEN sp.end_on <= \(bind: Day.adding(t, to: day)!) THEN \(unsafeRaw: String(t))") }
        caseExpr = caseExpr + SQLQueryString(" END")
        struct Candidate: Decodable { var permit_id: UUID; var end_on: String; var foreigner_id: UUID; var threshold: Int }
        let candidates = try await sql.raw("""
            SELECT sp.id AS permit_id, sp.end_on AS end_on, sp.foreigner_id AS foreigner_id, \(caseExpr) AS threshold
            FROM stay_permits sp
            WHERE sp.status = 'active' AND sp.end_on >= \(bind: lo) AND sp.end_on <= \(bind: hi)
              AND NOT EXISTS (SELECT 1 FROM permit_warnings w WHERE w.permit_id = sp.id AND w.threshold = \(caseExpr))
            """).all(decoding: Candidate.self)

        // 2. Only the permit a foreigner holds counts (an old one left active by mistake is not warned about): the
        //    current one, or one held before a gap until it ends; and only for someone in the country (whose last
        //    border crossing was not "out"). A warning goes to the sponsor of the permit it is about.
        var people: [UUID: Person] = [:]
        for chunk in Array(Set(candidates.map(\.foreigner_id))).chunked(500) {
            for p in try await sql.raw("""
                SELECT id, full_name, permit_end, permit_start, permit_prior_start, permit_prior_end, sponsor_id, regency_code FROM foreigners
                WHERE id IN (\(binds: Array(chunk))) AND departed IS NOT TRUE
                """).all(decoding: Person.self) { people[p.id] = p }
        }
        let held = candidates.filter { c in people[c.foreigner_id].map { $0.holds(permitEnding: c.end_on, on: day) } ?? false }
        struct PermitSponsor: Decodable { var id: UUID; var sponsor_id: UUID? }
        var sponsorOf: [UUID: UUID] = [:]
        for chunk in held.map(\.permit_id).chunked(500) {
            for r in try await sql.raw("SELECT id, sponsor_id FROM stay_permits WHERE id IN (\(binds: Array(chunk)))").all(decoding: PermitSponsor.self) {
                sponsorOf[r.id] = r.sponsor_id
            }
        }
        let found: [Found] = held.map { c in
            Found(permitID: c.permit_id, threshold: c.threshold, end: c.end_on, foreignerID: c.foreigner_id, sponsorID: sponsorOf[c.permit_id],
                  regencyCode: people[c.foreigner_id]?.regency_code)
        }

        // 3. What the digests need, loaded in batches before the transaction.
        let bySponsor = Dictionary(grouping: found.filter { $0.sponsorID != nil }, by: { $0.sponsorID! })
        var sponsors: [Sponsor] = []
        var users: [User] = []
        for chunk in Array(bySponsor.keys).chunked(500) {
            sponsors += try await Sponsor.query(on: db).filter(\.$id ~~ Array(chunk)).all()
            users += try await User.query(on: db).filter(\.$sponsor.$id ~~ Array(chunk)).filter(\.$disabled == false).all()
        }
        let mailed = sponsors.filter { s in s.email.map { (try? MailAddress($0)) != nil } ?? false }
        let rules = try await Rules.book(db)
        let usersBySponsor = Dictionary(grouping: users, by: { $0.$sponsor.id! })
        let jurisdictions = try await OfficeJurisdiction.query(on: db).all()

        // 4. Written in batches of about 2,000 warnings, each batch one short transaction holding its sponsors'
        //    warnings, their digests in the outbox, their users' notifications and an audit event, so that a
        //    first run over a large registry never holds SQLite's write lock for long. A run stopped halfway
        //    goes on where it stopped (the anti-join skips what was written).
        var batches: [[Found]] = [[]]
        for (_, items) in Dictionary(grouping: found, by: \.sponsorID) {
            if batches[batches.count - 1].count >= batchSize { batches.append([]) }
            batches[batches.count - 1] += items
        }
        let mailedIDs = Set(mailed.compactMap(\.id))
        let sponsorByID = Dictionary(sponsors.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        var summary = Summary(day: day)
        for batch in batches where !batch.isEmpty {
            let ids = Set(batch.compactMap(\.sponsorID))
            // Digests are composed before the transaction opens.
            var mails: [(sponsor: Sponsor, key: String, subject: String, body: String)] = []
            var notices: [(user: UUID, title: String, link: String)] = []
            for id in ids {
                guard let sponsor = sponsorByID[id] else { continue }
                let items = bySponsor[id] ?? []
                let lang = Language(rawValue: sponsor.language) ?? .id
                if mailedIDs.contains(id) {
                    let mail = WarningDigest.compose(sponsor: sponsor, items: items, day: day, lang: lang, config: config,
                                                     people: people, rules: rules)
                    mails.append((sponsor, "warning-digest:\(id.uuidString):\(day):\(digestKey(items))", mail.subject, mail.body))
                }
                let title = L10n.f("warn.notify.sponsor", lang, items.count)
                for u in usersBySponsor[id] ?? [] { notices.append((u.id!, title, SiteURL.portal.path)) }
            }
            let (batchMails, batchNotices) = (mails, notices)
            let emails = try await AuditLog.write(on: db, actor: .system, requestID: "alerts-\(day)", clock: app.clock) { tx in
                var outboxFor: [UUID: UUID] = [:]   // sponsor → digest message
                for m in batchMails {
                    outboxFor[m.sponsor.id!] = try await Outbox.enqueue(key: m.key, kind: "warning-digest", to: m.sponsor.email!, subject: m.subject,
                                                                        body: m.body, now: now, on: tx)
                }
                try await insertWarnings(batch, outboxFor: outboxFor, day: day, on: tx)
                try await AppNotification.insert(batchNotices, kind: "warning", now: now, on: tx)
                return (batchMails.count, [AuditEntry(action: "alerts.warn", objectType: "alert_run", objectID: day,
                                                      detail: "warnings=\(batch.count) emails=\(batchMails.count)")])
            }
            summary.warnings += batch.count
            summary.emails += emails
            summary.notifications += notices.count
        }

        // 5. Officers and supervisors: one notification per person with the day's count in the jurisdiction;
        //    the run is recorded as finished.
        let byRegency = Dictionary(grouping: found, by: { $0.regencyCode ?? "" })
        var perOffice: [UUID: (count: Int, over: Int)] = [:]
        for j in jurisdictions {
            let list = byRegency[j.regencyCode] ?? []
            guard !list.isEmpty else { continue }
            perOffice[j.$office.id, default: (0, 0)].count += list.count
            perOffice[j.$office.id, default: (0, 0)].over += list.filter { $0.threshold == PermitWarning.overstay }.count
        }
        var officeNotices: [(user: UUID, title: String, link: String)] = []
        let staff = perOffice.isEmpty ? [] : try await User.query(on: db).filter(\.$office.$id ~~ Array(perOffice.keys)).filter(\.$disabled == false)
            .filter(\.$role ~~ [Role.officer.rawValue, Role.supervisor.rawValue]).all()
        for u in staff {
            guard let office = u.$office.id, let c = perOffice[office] else { continue }
            officeNotices.append((u.id!, L10n.f("warn.notify.office", Language(rawValue: u.language) ?? .id, c.count, c.over), SiteURL.warnings.with(["day": day])))
        }
        summary.notifications += officeNotices.count
        let total = summary, finalNotices = officeNotices
        try await AuditLog.write(on: db, actor: .system, requestID: "alerts-\(day)", clock: app.clock) { tx in
            try await AppNotification.insert(finalNotices, kind: "warning", now: now, on: tx)
            try await (tx as! any SQLDatabase).update(AlertRun.schema).set("finished_at", to: now).set("warnings", to: total.warnings)
                .set("emails", to: total.emails).where("day", .equal, day).run()
            return ((), [AuditEntry(action: "alerts.run", objectType: "alert_run", objectID: day, detail: "warnings=\(total.warnings) emails=\(total.emails)")])
        }
        return summary
    }

    private static func insertWarnings(_ found: [Found], outboxFor: [UUID: UUID], day: String, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for chunk in found.chunked(500) {
            let insert = sql.insert(into: PermitWarning.schema)
                .columns("id", "permit_id", "threshold", "foreigner_id", "sponsor_id", "regency_code", "permit_end", "found_on", "outbox_id")
            for f in chunk {
                insert.values(SQLBind(UUID()), SQLBind(f.permitID), SQLBind(f.threshold), SQLBind(f.foreignerID), SQLBind(f.sponsorID),
                              SQLBind(f.regencyCode), SQLBind(f.end), SQLBind(day), SQLBind(f.sponsorID.flatMap { outboxFor[$0] }))
            }
            try await insert.ignoringConflicts(with: ["permit_id", "threshold"]).run()
        }
    }

    /// Notes that the day's scan started (the server's scheduler runs each day once).
    private static func recordStart(_ day: String, now: Date, db: any Database) async throws {
        try await (db as! any SQLDatabase).insert(into: AlertRun.schema).columns("day", "started_at").values(SQLBind(day), SQLBind(now))
            .ignoringConflicts(with: ["day"]).run()
    }

    /// How long a server may take over the day's round before another may assume it died.
    static let claimLease: TimeInterval = 30 * 60

    /// Claims the day's round (scan, reminders, retention) for this server: true for exactly one of several servers
    /// on one database — the one whose insert of the day's row wins, or, after `claimLease`, one that takes over an
    /// unfinished round whose server died. A finished day is claimed by nobody.
    static func claim(_ day: String, now: Date, db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let inserted = try await sql.insert(into: AlertRun.schema).columns("day", "started_at").values(SQLBind(day), SQLBind(now))
            .ignoringConflicts(with: ["day"]).returning("day").all()
        if !inserted.isEmpty { return true }
        let takenOver = try await sql.raw("""
            UPDATE alert_runs SET started_at = \(bind: now)
            WHERE day = \(bind: day) AND finished_at IS NULL AND started_at < \(bind: now.addingTimeInterval(-claimLease)) RETURNING day
            """).all()
        return !takenOver.isEmpty
    }

    /// Whether the day's scan has finished.
    static func hasRun(_ day: String, db: any Database) async throws -> Bool {
        try await AlertRun.find(day, on: db)?.finishedAt != nil
    }

    /// The same warnings always give the same digest key; new warnings later that day give another one.
    static func digestKey(_ items: [Found]) -> String {
        let text = items.map { "\($0.permitID.uuidString):\($0.threshold)" }.sorted().joined(separator: ",")
        return SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
