import Foundation
import Vapor

/// `/overstays`, `/warnings` (with when the daily scan runs, and "run now" for supervisors) and `/admin/outbox`.
enum AlertViews {
    typealias Overstay = AlertsController.Overstay
    typealias Warning = AlertsController.Warning

    struct OverstayModel { var items: [Overstay]; var total: Int; var paging: Paging }

    static func overstays(_ req: Request, _ m: OverstayModel) -> Response {
        let lang = req.language
        let rows: HTML = m.items.html { o in
            let deportation: HTML = o.deportationCase ? " · <strong>\(L10n.t("lookup.deportation", lang))</strong>" : ""
            return "<tr><td><a href=\"\(SiteURL.foreigner(.id(o.foreignerId)).with(["purpose": "supervision"]))\">\(o.fullName)</a></td><td>\(RegistryText.nationality(o.nationality, lang))</td><td>\(o.passportNumber ?? "—")</td><td>\(Views.day(o.permitEnd, req))</td><td>\(o.days)</td><td>\(OverstayFine.rupiah(o.feeIDR))\(deportation)</td></tr>"
        }
        let table: HTML = m.items.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="overstays"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("sr.passport", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("ov.days", lang))</th><th>\(L10n.t("lookup.fine", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """
        return Views.page(req, title: L10n.t("nav.overstays", lang), body: """
        <h1>\(L10n.t("nav.overstays", lang)) (\(m.total))</h1>
        <p class="muted">\(L10n.t("ov.basis", lang))</p>
        \(table)
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """)
    }

    /// When the daily scan runs and when it last ran.
    struct Schedule {
        var schedulerOn: Bool
        var hour: Int
        /// Days before a permit's end at which it is warned about, most distant first.
        var thresholds: [Int]
        /// The server's zone as people name it (WIB, WITA, WIT).
        var zone: String
        var today: String
        var lastRun: AlertRun?
        var ranToday: Bool
    }

    struct WarningsModel {
        var day: String
        var items: [Warning]
        var total: Int
        var paging: Paging
        var schedule: Schedule
        var canRunNow: Bool
        /// The day field as asked for, with its message when it was not a day.
        var filter: FormState
    }

    /// "60, 30, 14, 7 dan 0" / "60, 30, 14, 7 and 0".
    static func list(_ numbers: [Int], _ lang: Language) -> String {
        let words = numbers.map(String.init)
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + (lang == .id ? " dan " : " and ") + words.last!
    }

    static func scheduleCard(_ req: Request, _ s: Schedule, canRunNow: Bool) -> HTML {
        let lang = req.language
        let hour = lang == .id ? String(format: "%02d.00", s.hour) : String(format: "%02d:00", s.hour)
        let when: String = s.schedulerOn ? L10n.f("ov.schedule.on", lang, hour, s.zone, list(s.thresholds, lang)) : L10n.t("ov.schedule.off", lang)
        var last: String
        if let r = s.lastRun, let id = r.id {
            if let finished = r.finishedAt {
                last = L10n.f("ov.lastRun", lang, Views.time(finished, req), Views.day(id, req), r.warnings ?? 0, r.emails ?? 0)
            } else {
                last = L10n.f("ov.lastRunUnfinished", lang, Views.time(r.startedAt, req), Views.day(id, req))
            }
        } else {
            last = L10n.t("ov.neverRun", lang)
        }
        if !s.ranToday && s.schedulerOn { last += " " + L10n.f("ov.todayPending", lang, hour, s.zone) }
        let button: HTML = !canRunNow ? "" : """
        \(Form.open(req, action: AlertsURL.runScan.path, id: "run-scan-form"))
          <p class="hint">\(L10n.t(s.ranToday ? "ov.runNowAgainHint" : "ov.runNowHint", lang))</p>
          \(Form.submit(L10n.t("ov.runNow", lang), id: "run-scan"))
        </form>
        """
        return """
        <section class="card" id="scan-schedule"><h2>\(L10n.t("ov.scanTitle", lang))</h2>
        <p id="scan-when">\(when)</p>
        <p id="scan-last">\(last)</p>
        \(button)
        </section>
        """
    }

    static func warnings(_ req: Request, _ m: WarningsModel, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let rows: HTML = m.items.html { x in
            let label = x.threshold == PermitWarning.overstay ? L10n.t("status.overstayed", lang) : L10n.f("status.daysLeft", lang, x.threshold)
            let sponsor: HTML = x.sponsorId.map { "<a href=\"\(SiteURL.sponsor(.id($0)).path)\">\(L10n.t("ov.sponsorLink", lang))</a>" as HTML } ?? "—"
            return "<tr><td><a href=\"\(SiteURL.foreigner(.id(x.foreignerId)).with(["purpose": "supervision"]))\">\(x.fullName)</a></td><td>\(Views.day(x.permitEnd, req))</td><td>\(label)</td><td>\(sponsor)</td><td>\(L10n.t(x.emailed ? "ov.emailed" : "ov.notEmailed", lang))</td></tr>"
        }
        let table: HTML = m.items.isEmpty ? Views.emptyList(req, "ov.noWarnings", page: m.paging.page, per: m.paging.per, total: m.total) : """
        <table class="responsive" id="warnings"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("ov.threshold", lang))</th><th>\(L10n.t("nav.sponsors", lang))</th><th>\(L10n.t("ov.email", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """
        let filter = m.filter
        return Views.page(req, title: L10n.t("nav.warnings", lang), body: """
        <h1>\(L10n.t("nav.warnings", lang)) · \(Views.day(m.day, req))</h1>
        \(scheduleCard(req, m.schedule, canRunNow: m.canRunNow))
        \(Form.open(req, action: SiteURL.warnings.path, id: "day-filter", method: "get", state: filter, classes: "filters"))
          \(Form.field("day", label: L10n.t("ov.day", lang), state: filter, kind: .date))
          <button type="submit">\(L10n.t("list.filter", lang))</button>
        </form>
        \(table)
        """, status: status)
    }

    static func outbox(_ req: Request, _ o: AlertsController.OutboxList) -> Response {
        let lang = req.language
        func kind(_ k: String) -> String { L10n.has("ob.kind.\(k)") ? L10n.t("ob.kind.\(k)", lang) : k }
        let rows: HTML = o.items.html { m in
            let when = m.sentAt.map { Views.time($0, req) } ?? (m.status == OutboxStatus.pending.rawValue ? Views.time(m.nextAttemptAt, req) : "—")
            return "<tr><td>\(Views.time(m.createdAt, req))</td><td>\(kind(m.kind))</td><td>\(m.recipient)</td><td>\(L10n.t("ob.status.\(m.status)", lang))</td><td>\(m.attempts)</td><td>\(when)</td><td>\(m.lastError ?? "—")</td></tr>"
        }
        let counts = OutboxStatus.allCases.map { "\(L10n.t("ob.status.\($0.rawValue)", lang)): \(o.counts[$0.rawValue] ?? 0)" }.joined(separator: " · ")
        let table: HTML = o.items.isEmpty ? Views.emptyList(req, "list.empty", page: o.page, per: o.per, total: o.total) : """
        <table class="responsive" id="outbox"><thead><tr><th>\(L10n.t("ob.created", lang))</th><th>\(L10n.t("ob.kind", lang))</th><th>\(L10n.t("ob.recipient", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("ob.attempts", lang))</th><th>\(L10n.t("ob.sentOrNext", lang))</th><th>\(L10n.t("ob.error", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: o.page, per: o.per, total: o.total))
        """
        return Views.page(req, title: L10n.t("nav.outbox", lang), body: """
        <h1>\(L10n.t("nav.outbox", lang))</h1>
        <p id="smtp-status">\(o.smtp.map { L10n.f("ob.smtp", lang, $0) } ?? L10n.t("ob.noSMTP", lang))</p>
        <p id="outbox-counts">\(counts)</p>
        \(table)
        """)
    }
}
