import Crypto
import Fluent
import Foundation
import SMTP
import SQLKit
import Vapor

/// The daily warning scan: permits that reach 60/30/14/7/0 days before their end (the thresholds are
/// configuration) and permits that ended recently without a successor (overstays). Each permit and
/// threshold is found once (a unique key), and in the same transaction each sponsor's new warnings
/// become one digest e-mail in the outbox and in-app notifications for the sponsor's users and for the
/// officers whose jurisdiction the foreigner lives in.
enum EarlyWarnings {
    struct Summary: Sendable, Equatable {
        var day: String
        var warnings = 0
        var emails = 0
        var notifications = 0
    }

    /// A permit at a threshold, as the scan finds it.
    struct Found: Decodable, Sendable {
        var permit_id: UUID
        var threshold: Int
        var end_on: String
        var foreigner_id: UUID
        var sponsor_id: UUID?
        var regency_code: String?
    }

    static func run(asOf day: String, app: Application) async throws -> Summary {
        guard Day.isValid(day) else { throw ValidationFailure(message: "as-of must be a day written YYYY-MM-DD") }
        let config = app.config, now = app.clock.now()
        let thresholds = config.warningDays.sorted()
        guard let top = thresholds.last, let lo = Day.adding(-config.overstayWindowDays, to: day), let hi = Day.adding(top, to: day) else {
            return Summary(day: day)
        }
        let db = app.db
        let sql = db as! any SQLDatabase
        try await recordStart(day, now: now, db: db)

        // The smallest threshold t with end ≤ day + t; an end before the day is an overstay.
        var caseExpr = SQLQueryString("CASE WHEN sp.end_on < \(bind: day) THEN -1")
        for t in thresholds { caseExpr = caseExpr + SQLQueryString(" WHEN sp.end_on <= \(bind: Day.adding(t, to: day)!) THEN \(unsafeRaw: String(t))") }
        caseExpr = caseExpr + SQLQueryString(" END")
        let query = SQLQueryString("""
            SELECT sp.id AS permit_id, sp.end_on AS end_on, f.id AS foreigner_id, f.sponsor_id AS sponsor_id, f.regency_code AS regency_code,
                   \(caseExpr) AS threshold
            FROM stay_permits sp JOIN foreigners f ON f.id = sp.foreigner_id AND f.permit_end = sp.end_on
            WHERE sp.status = 'active' AND sp.end_on >= \(bind: lo) AND sp.end_on <= \(bind: hi)
              AND NOT EXISTS (SELECT 1 FROM permit_warnings w WHERE w.permit_id = sp.id AND w.threshold = \(caseExpr))
            """)
        let found = try await sql.raw(query).all(decoding: Found.self)

        let summary: Summary = try await AuditLog.write(on: db, actor: .system, requestID: "alerts-\(day)", clock: app.clock) { tx in
            var s = Summary(day: day)
            let txSQL = tx as! any SQLDatabase
            var ids: [UUID: UUID] = [:]   // permit → warning id
            for chunk in found.chunked(500) {
                let insert = txSQL.insert(into: PermitWarning.schema)
                    .columns("id", "permit_id", "threshold", "foreigner_id", "sponsor_id", "regency_code", "permit_end", "found_on")
                for f in chunk {
                    let id = UUID()
                    ids[f.permit_id] = id
                    insert.values(SQLBind(id), SQLBind(f.permit_id), SQLBind(f.threshold), SQLBind(f.foreigner_id), SQLBind(f.sponsor_id),
                                  SQLBind(f.regency_code), SQLBind(f.end_on), SQLBind(day))
                }
                try await insert.ignoringConflicts(with: ["permit_id", "threshold"]).run()
            }
            s.warnings = found.count
            let bySponsor = Dictionary(grouping: found.filter { $0.sponsor_id != nil }, by: { $0.sponsor_id! })
            let sponsors = try await Sponsor.query(on: tx).filter(\.$id ~~ Array(bySponsor.keys)).all()
            for sponsor in sponsors {
                let items = bySponsor[sponsor.id!] ?? []
                let lang = Language(rawValue: sponsor.language) ?? .id
                if let email = sponsor.email, (try? MailAddress(email)) != nil {
                    let mail = try await WarningDigest.compose(sponsor: sponsor, items: items, day: day, lang: lang, config: config, db: tx)
                    let key = "warning-digest:\(sponsor.id!.uuidString):\(day):\(digestKey(items))"
                    let outbox = try await Outbox.enqueue(key: key, kind: "warning-digest", to: email, subject: mail.subject, body: mail.body, now: now, on: tx)
                    for chunk in items.compactMap({ ids[$0.permit_id] }).chunked(500) {
                        try await txSQL.update(PermitWarning.schema).set("outbox_id", to: outbox).where("id", .in, Array(chunk)).run()
                    }
                    s.emails += 1
                }
                let users = try await User.query(on: tx).filter(\.$sponsor.$id == sponsor.id!).filter(\.$disabled == false).all()
                let title = L10n.f("warn.notify.sponsor", lang, items.count)
                try await CoordinationController.notify(users.compactMap(\.id), except: nil, kind: "warning", title: title, link: "/portal", now: now, db: tx)
                s.notifications += users.count
            }
            // Officers and supervisors: one notification per office with the day's count in its jurisdiction.
            let byRegency = Dictionary(grouping: found, by: { $0.regency_code ?? "" })
            let jurisdictions = try await OfficeJurisdiction.query(on: tx).all()
            var perOffice: [UUID: (Int, Int)] = [:]
            for j in jurisdictions {
                let list = byRegency[j.regencyCode] ?? []
                guard !list.isEmpty else { continue }
                let over = list.filter { $0.threshold == PermitWarning.overstay }.count
                perOffice[j.$office.id, default: (0, 0)].0 += list.count
                perOffice[j.$office.id, default: (0, 0)].1 += over
            }
            for (office, (count, over)) in perOffice {
                let staff = try await User.query(on: tx).filter(\.$office.$id == office).filter(\.$disabled == false)
                    .filter(\.$role ~~ [Role.officer.rawValue, Role.supervisor.rawValue]).all()
                for u in staff {
                    let lang = Language(rawValue: u.language) ?? .id
                    try await CoordinationController.notify([u.id!], except: nil, kind: "warning", title: L10n.f("warn.notify.office", lang, count, over),
                                                            link: "/warnings?day=\(day)", now: now, db: tx)
                }
                s.notifications += staff.count
            }
            try await txSQL.update(AlertRun.schema).set("finished_at", to: now).set("warnings", to: s.warnings).set("emails", to: s.emails)
                .where("day", .equal, day).run()
            return (s, [AuditEntry(action: "alerts.run", objectType: "alert_run", objectID: day, detail: "warnings=\(s.warnings) emails=\(s.emails)")])
        }
        return summary
    }

    /// Notes that the day's scan started (the server's scheduler runs each day once).
    private static func recordStart(_ day: String, now: Date, db: any Database) async throws {
        try await (db as! any SQLDatabase).insert(into: AlertRun.schema).columns("day", "started_at").values(SQLBind(day), SQLBind(now))
            .ignoringConflicts(with: ["day"]).run()
    }

    /// Whether the day's scan has finished.
    static func hasRun(_ day: String, db: any Database) async throws -> Bool {
        try await AlertRun.find(day, on: db)?.finishedAt != nil
    }

    /// The same warnings always give the same digest key; new warnings later that day give another one.
    static func digestKey(_ items: [Found]) -> String {
        let text = items.map { "\($0.permit_id.uuidString):\($0.threshold)" }.sorted().joined(separator: ",")
        return SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
