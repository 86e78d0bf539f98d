import Fluent
import Foundation
import SQLKit
import Vapor

/// Officers: the overstay list (`/overstays`) and the day's warnings (`/warnings`); admins: outbox
/// delivery status (`/admin/outbox`). Same data as JSON under `/api/v1`.
enum AlertsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let officerWeb = web.grouped(RequireRole(.officer, .supervisor))
        officerWeb.get("overstays", use: overstaysPage)
        officerWeb.get("warnings", use: warningsPage)
        let officerAPI = api.grouped(RequireRole(.officer, .supervisor))
        officerAPI.get("overstays", use: overstaysAPI)
        officerAPI.get("warnings", use: warningsAPI)
        web.grouped(RequireRole(.admin)).get("admin", "outbox", use: outboxPage)
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
        let q = try ScopePolicy.foreigners(req).filter(\.$permitEnd < today)
        let total = try await q.copy().count()
        let list = try await q.sort(\.$permitEnd).sort(\.$fullName).range(paging.offset..<(paging.offset + paging.per)).all()
        let rates = try await OverstayFeeRate.query(on: req.db).all()
        let items = list.map { f in
            let fine = OverstayFine.compute(permitEnd: f.permitEnd, today: today, rates: rates)
            return Overstay(foreignerId: f.id!, fullName: f.fullName, nationality: f.nationality, passportNumber: f.passportNumber,
                            permitEnd: f.permitEnd ?? "", days: fine.days, feeIDR: fine.amountIDR, deportationCase: fine.deportationCase, sponsorId: f.sponsorID)
        }
        try await req.audit(AuditEntry(action: "foreigner.list", objectType: "overstays", objectID: "page-\(paging.page)", purpose: "supervision", detail: "count=\(items.count)"))
        return (items, total, paging)
    }

    struct OverstayPage: Content { var items: [Overstay]; var total: Int }

    static func overstaysAPI(_ req: Request) async throws -> OverstayPage {
        let r = try await overstays(req)
        return OverstayPage(items: r.items, total: r.total)
    }

    static func overstaysPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let r = try await overstays(req)
        let rows: HTML = r.items.html { o in
            "<tr><td><a href=\"/foreigners/\(o.foreignerId.uuidString)\">\(o.fullName)</a></td><td>\(o.nationality)</td><td>\(o.passportNumber ?? "—")</td><td>\(o.permitEnd)</td><td>\(o.days)</td><td>\(OverstayFine.rupiah(o.feeIDR))\(o.deportationCase ? HTML(" · <strong>\(L10n.t("lookup.deportation", lang))</strong>") : "")</td></tr>"
        }
        return Views.page(req, title: L10n.t("nav.overstays", lang), body: """
        <h1>\(L10n.t("nav.overstays", lang)) (\(r.total))</h1>
        <p class="muted">\(L10n.t("ov.basis", lang))</p>
        \(r.items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"overstays\"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.nationality", lang))</th><th>\(L10n.t("sr.passport", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("ov.days", lang))</th><th>\(L10n.t("lookup.fine", lang))</th></tr></thead><tbody>\(rows)</tbody></table>")
        \(Views.pagination(req, page: r.paging.page, per: r.paging.per, total: r.total))
        """)
    }

    struct Warning: Content {
        var foreignerId: UUID
        var fullName: String
        var threshold: Int
        var permitEnd: String
        var sponsorId: UUID?
        var emailed: Bool
    }

    static func warnings(_ req: Request) async throws -> (day: String, items: [Warning]) {
        let p = try req.requirePrincipal()
        let day = req.query[String.self, at: "day"] ?? req.application.today
        guard Day.isValid(day) else { throw ValidationFailure("v.day", field: "day") }
        let rows = try await PermitWarning.query(on: req.db).filter(\.$foundOn == day).filter(\.$regencyCode ~~ p.jurisdiction)
            .sort(\.$permitEnd).limit(2000).all()
        let names = try await SponsorReportsController.names(rows.map(\.foreignerID), db: req.db)
        return (day, rows.map { Warning(foreignerId: $0.foreignerID, fullName: names[$0.foreignerID] ?? "—", threshold: $0.threshold,
                                        permitEnd: $0.permitEnd, sponsorId: $0.sponsorID, emailed: $0.outboxID != nil) })
    }

    struct WarningList: Content { var day: String; var items: [Warning] }

    static func warningsAPI(_ req: Request) async throws -> WarningList {
        let w = try await warnings(req)
        return WarningList(day: w.day, items: w.items)
    }

    static func warningsPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let w = try await warnings(req)
        let rows: HTML = w.items.html { x in
            let label = x.threshold == PermitWarning.overstay ? L10n.t("status.overstayed", lang) : L10n.f("status.daysLeft", lang, x.threshold)
            return "<tr><td><a href=\"/foreigners/\(x.foreignerId.uuidString)\">\(x.fullName)</a></td><td>\(x.permitEnd)</td><td>\(label)</td><td>\(x.sponsorId.map { HTML("<a href=\"/sponsors/\($0.uuidString)\">→</a>") } ?? "—")</td><td>\(L10n.t(x.emailed ? "ov.emailed" : "ov.notEmailed", lang))</td></tr>"
        }
        return Views.page(req, title: L10n.t("nav.warnings", lang), body: """
        <h1>\(L10n.t("nav.warnings", lang)) · \(w.day)</h1>
        <form class="filters" method="get" action="/warnings"><div><label for="day">\(L10n.t("ov.day", lang))</label><input id="day" name="day" type="date" value="\(w.day)"></div><button type="submit">\(L10n.t("list.filter", lang))</button></form>
        \(w.items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"warnings\"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("f.end", lang))</th><th>\(L10n.t("ov.threshold", lang))</th><th>\(L10n.t("nav.sponsors", lang))</th><th>Email</th></tr></thead><tbody>\(rows)</tbody></table>")
        """)
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

    struct OutboxList: Content { var smtp: String?; var counts: [String: Int]; var items: [OutboxItem] }

    /// Delivery status without message bodies (they name foreigners) and with recipients masked.
    static func outbox(_ req: Request) async throws -> OutboxList {
        let status = req.query[String.self, at: "status"]
        if let status, OutboxStatus(rawValue: status) == nil { throw ValidationFailure("v.oneOf", field: "status", "pending, sending, sent, failed") }
        struct Count: Decodable { var status: String; var n: Int }
        var counts = Dictionary(uniqueKeysWithValues: OutboxStatus.allCases.map { ($0.rawValue, 0) })
        for c in try await (req.db as! any SQLDatabase).raw("SELECT status, COUNT(*) AS n FROM outbox_messages GROUP BY status").all(decoding: Count.self) {
            counts[c.status] = c.n
        }
        let q = OutboxMessage.query(on: req.db)
        if let status { q.filter(\.$status == status) }
        let items = try await q.sort(\.$createdAt, .descending).limit(200).all().map {
            OutboxItem(id: $0.id!, kind: $0.kind, recipient: Outbox.masked($0.recipient), status: $0.status, attempts: $0.attempts,
                       createdAt: $0.createdAt, nextAttemptAt: $0.nextAttemptAt, sentAt: $0.sentAt, lastError: $0.lastError)
        }
        return OutboxList(smtp: req.application.config.smtp?.redacted, counts: counts, items: items)
    }

    static func outboxAPI(_ req: Request) async throws -> OutboxList { try await outbox(req) }

    static func outboxPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let o = try await outbox(req)
        let rows: HTML = o.items.html { m in
            "<tr><td>\(m.createdAt.formatted(.iso8601))</td><td>\(m.kind)</td><td>\(m.recipient)</td><td>\(m.status)</td><td>\(m.attempts)</td><td>\(m.sentAt?.formatted(.iso8601) ?? (m.status == "pending" ? m.nextAttemptAt.formatted(.iso8601) : "—"))</td><td>\(m.lastError ?? "")</td></tr>"
        }
        let counts = OutboxStatus.allCases.map { "\($0.rawValue): \(o.counts[$0.rawValue] ?? 0)" }.joined(separator: " · ")
        return Views.page(req, title: L10n.t("nav.outbox", lang), body: """
        <h1>\(L10n.t("nav.outbox", lang))</h1>
        <p id="smtp-status">\(o.smtp.map { "SMTP: \($0)" } ?? L10n.t("ob.noSMTP", lang))</p>
        <p id="outbox-counts">\(counts)</p>
        \(o.items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"outbox\"><thead><tr><th>\(L10n.t("ob.created", lang))</th><th>\(L10n.t("ob.kind", lang))</th><th>\(L10n.t("ob.recipient", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("ob.attempts", lang))</th><th>\(L10n.t("ob.sentOrNext", lang))</th><th>\(L10n.t("ob.error", lang))</th></tr></thead><tbody>\(rows)</tbody></table>")
        """)
    }
}
