import Deadlines
import Fluent
import Foundation
import SQLKit
import Vapor

/// Officers: the overstay list (`/overstays`) and the day's warnings (`/warnings`); admins: outbox
/// delivery status (`/admin/outbox`). Same data as JSON under `/api/v1`.
enum AlertsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let officerWeb = web.grouped(RequireRole(.officer, .supervisor))
        officerWeb.get(.overstays, use: overstaysPage)
        officerWeb.get(.warnings, use: warningsPage)
        web.grouped(RequireRole(.supervisor)).post(AlertsURL.runScan, use: runScan)
        let officerAPI = api.grouped(RequireRole(.officer, .supervisor))
        officerAPI.get("overstays", use: overstaysAPI)
        officerAPI.get("warnings", use: warningsAPI)
        web.grouped(RequireRole(.admin)).get(.adminOutbox, use: outboxPage)
        api.grouped(RequireRole(.admin)).get("outbox", use: outboxAPI)
    }

    struct Overstay: Content {
        var foreignerId: UUID
        var fullName: String
        var nationality: String
        var passportNumber: String?
        var permitEnd: String
        var days: Int
        var feeIDR: Int64
        var deportationCase: Bool
        var sponsorId: UUID?
    }

    /// Foreigners in the jurisdiction whose current permit has ended, longest first, with the fee so far.
    static func overstays(_ req: Request) async throws -> (items: [Overstay], total: Int, paging: Paging) {
        let paging = try Paging(req, defaultPer: 50)
        let today = req.application.today
        // Someone whose last border crossing was "out" has left: not an overstayer.
        // Also someone in the gap before a later permit, whose earlier one has ended (`PermitState`).
        let q = try ScopePolicy.foreigners(req).filter(.sql(embed: PermitState.sqlCondition("overstayed", today: today)))
        let total = try await q.copy().countRows()
        let list = try await q.sort(.sql(PermitState.sqlEndInForce(today: today))).sort(\.$fullName).range(paging.offset..<(paging.offset + paging.per)).all()
        let rules = try await Rules.book(req)
        let items = list.map { f in
            let end = f.endInForce(today: today)
            let fine = OverstayFine.compute(permitEnd: end, today: today, rules: rules)
            return Overstay(foreignerId: f.id!, fullName: f.fullName, nationality: f.nationality, passportNumber: f.passportNumber,
                            permitEnd: end ?? "", days: fine.days, feeIDR: fine.amountIDR, deportationCase: fine.deportationCase, sponsorId: f.sponsorID)
        }
        try await req.auditList("overstays", ids: items.map(\.foreignerId), page: paging.page)
        return (items, total, paging)
    }

    static func overstaysAPI(_ req: Request) async throws -> ListPage<Overstay> {
        let r = try await overstays(req)
        return ListPage(items: r.items, total: r.total, r.paging)
    }

    static func overstaysPage(_ req: Request) async throws -> Response {
        let r = try await overstays(req)
        return AlertViews.overstays(req, .init(items: r.items, total: r.total, paging: r.paging))
    }

    struct Warning: Content {
        var foreignerId: UUID
        var fullName: String
        var threshold: Int
        var permitEnd: String
        var sponsorId: UUID?
        var emailed: Bool
    }

    /// One page of a day's warnings in the user's jurisdiction (`ScopePolicy.warnings`), soonest permit end first.
    static func warnings(_ req: Request, day asked: String? = nil) async throws -> (day: String, items: [Warning], total: Int, paging: Paging) {
        let day = asked ?? req.queryValue("day").flatMap { $0.isEmpty ? nil : $0 } ?? req.application.today
        guard Day.isValid(day) else { throw ValidationFailure("v.day", field: "day") }
        let paging = try Paging(req)
        let q = try ScopePolicy.warnings(req).filter(\.$foundOn == day)
        let total = try await q.copy().countRows()
        let rows = try await q.sort(\.$permitEnd).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        let names = try await SponsorReportsController.names(rows.map(\.foreignerID), db: req.db)
        try await req.auditList("warnings", ids: rows.map(\.foreignerID), page: paging.page)
        return (day, rows.map { Warning(foreignerId: $0.foreignerID, fullName: names[$0.foreignerID] ?? "—", threshold: $0.threshold,
                                        permitEnd: $0.permitEnd, sponsorId: $0.sponsorID, emailed: $0.outboxID != nil) }, total, paging)
    }

    struct WarningList: Content { var day: String; var items: [Warning]; var total: Int; var page: Int; var per: Int }

    static func warningsAPI(_ req: Request) async throws -> WarningList {
        let w = try await warnings(req)
        return WarningList(day: w.day, items: w.items, total: w.total, page: w.paging.page, per: w.paging.per)
    }

    /// A day that is not one stays in the field with its message beside it; the page shows today's meanwhile.
    static func warningsPage(_ req: Request) async throws -> Response {
        let asked = req.queryValue("day") ?? req.application.today
        var filter = FormState(values: ["day": asked])
        if !Day.isValid(asked) { filter.fail(ValidationFailure("v.day", field: "day"), lang: req.language) }
        let w = try await warnings(req, day: filter.hasErrors ? req.application.today : asked)
        let p = try req.requirePrincipal()
        return AlertViews.warnings(req, .init(day: w.day, items: w.items, total: w.total, paging: w.paging, schedule: try await schedule(req), canRunNow: ScopePolicy.maySupervise(p), filter: filter),
                                   status: filter.hasErrors ? .unprocessableEntity : .ok)
    }

    /// When the server's scheduler runs the scan (or that cron does), and the latest run.
    static func schedule(_ req: Request) async throws -> AlertViews.Schedule {
        let config = req.application.config
        let today = req.application.today
        let last = try await AlertRun.query(on: req.db).sort(\.$id, .descending).first()
        return AlertViews.Schedule(schedulerOn: config.schedulerEnabled, hour: config.alertsHour, thresholds: try await Rules.book(req).warningThresholds(on: CalendarDay(today)!),
                                   zone: LocalTime.abbreviation(config.timeZone, at: req.application.clock.now()), today: today,
                                   lastRun: last, ranToday: try await EarlyWarnings.hasRun(today, db: req.db))
    }

    /// A supervisor runs today's scan now: the scheduler's own scan for the same day, so warnings already
    /// found (per permit and threshold) and digests already written (per content) are not sent again.
    static func runScan(_ req: Request) async throws -> Response {
        let day = req.application.today
        let s = try await EarlyWarnings.run(asOf: day, app: req.application)
        try await req.audit(AuditEntry(action: "alerts.runNow", objectType: "alert_run", objectID: day, detail: "warnings=\(s.warnings) emails=\(s.emails)"))
        return Flash.redirect(req, to: SiteURL.warnings, "flash.alerts.ran")
    }

    struct OutboxItem: Content {
        var id: UUID
        var kind: String
        var recipient: String
        var status: String
        var attempts: Int
        var createdAt: Date
        var nextAttemptAt: Date
        var sentAt: Date?
        var lastError: String?
    }

    struct OutboxList: Content { var smtp: String?; var counts: [String: Int]; var items: [OutboxItem]; var total: Int; var page: Int; var per: Int }

    /// Delivery status without message bodies (they name foreigners) and with recipients masked.
    static func outbox(_ req: Request) async throws -> OutboxList {
        let status = req.queryText("status")
        if let status, OutboxStatus(rawValue: status) == nil { throw ValidationFailure("v.oneOf", field: "status", "pending, sending, sent, failed") }
        struct Count: Decodable { var status: String; var n: Int }
        var counts = Dictionary(uniqueKeysWithValues: OutboxStatus.allCases.map { ($0.rawValue, 0) })
        for c in try await (req.db as! any SQLDatabase).raw("SELECT status, COUNT(*) AS n FROM outbox_messages GROUP BY status").all(decoding: Count.self) {
            counts[c.status] = c.n
        }
        let paging = try Paging(req)
        let q = OutboxMessage.query(on: req.db)
        if let status { q.filter(\.$status == status) }
        let total = try await q.copy().countRows()
        let items = try await q.sort(\.$createdAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all().map {
            OutboxItem(id: $0.id!, kind: $0.kind, recipient: Outbox.masked($0.recipient), status: $0.status, attempts: $0.attempts,
                       createdAt: $0.createdAt, nextAttemptAt: $0.nextAttemptAt, sentAt: $0.sentAt, lastError: $0.lastError)
        }
        return OutboxList(smtp: req.application.config.smtp?.redacted, counts: counts, items: items, total: total, page: paging.page, per: paging.per)
    }

    static func outboxAPI(_ req: Request) async throws -> OutboxList { try await outbox(req) }

    static func outboxPage(_ req: Request) async throws -> Response {
        AlertViews.outbox(req, try await outbox(req))
    }
}
