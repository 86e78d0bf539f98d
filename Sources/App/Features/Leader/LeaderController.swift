import Deadlines
import Fluent
import Foundation
import SQLKit
import Vapor

/// `/leader` — what the office's officers did: per officer, reports filed, missing and late working
/// days, entries, findings by type, tasks open and overdue; a server-rendered SVG chart of entries and
/// non-compliant findings per day over the last 30 or 90 days; `/leader.csv` per officer and day.
/// Supervisors only, their office only.
enum LeaderController {
    static func register(web: any RoutesBuilder) {
        let s = web.grouped(RequireRole(.supervisor))
        s.get("leader", use: page)
        s.get("leader.csv", use: csv)
    }

    struct DayRow: Sendable {
        var officer: UUID
        var date: String
        var status: String?        // nil: no report that day
        var late: Bool
        var findings: [String: Int]
        var entries: Int
    }

    struct Officer: Sendable { var id: UUID; var name: String }

    struct Summary: Sendable {
        var officers: [Officer]
        var days: [String]                       // the period, oldest first
        var rows: [DayRow]                       // per officer × day with a report or a missing working day
        var openTasks: [UUID: Int]
        var overdueTasks: [UUID: Int]
    }

    static func period(_ req: Request) throws -> Int {
        let raw = req.query[String.self, at: "days"] ?? "30"
        guard let d = Int(raw), d == 30 || d == 90 else { throw ValidationFailure("v.oneOf", field: "days", "30, 90") }
        return d
    }

    static func summary(_ req: Request, days: Int) async throws -> Summary {
        let p = try req.requirePrincipal()
        guard let office = p.officeID else { throw Abort(.forbidden) }
        let today = CalendarDay(req.application.today)!
        let first = today.adding(days: -(days - 1))
        let dayList = (0..<days).map { first.adding(days: $0).description }
        let officers = try await User.query(on: req.db).filter(\.$office.$id == office).sort(\.$displayName).all()
            .filter { $0.roleValue == .officer }.map { Officer(id: $0.id!, name: $0.displayName) }
        let reports = try await DailyReport.query(on: req.db).filter(\.$officeID == office).filter(\.$date >= first.description).all()
        struct F: Decodable { var report_id: UUID; var finding: String; var n: Int }
        let ids = reports.compactMap(\.id)
        let findings = ids.isEmpty ? [] : try await (req.db as! any SQLDatabase).raw("""
            SELECT report_id, finding, COUNT(*) AS n FROM daily_report_entries WHERE report_id IN (\(binds: ids)) GROUP BY report_id, finding
            """).all(decoding: F.self)
        let byReport = Dictionary(grouping: findings, by: \.report_id)
        var rows: [DayRow] = []
        let zone = req.application.config.timeZone
        let calendar = HolidayCalendar.indonesia
        for o in officers {
            let mine = Dictionary(reports.filter { $0.officerID == o.id }.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
            for d in dayList {
                if let r = mine[d] {
                    var f: [String: Int] = [:]
                    for x in byReport[r.id!] ?? [] { f[x.finding] = x.n }
                    // Late: first submitted after the next working day ended.
                    var due = CalendarDay(d)!.adding(days: 1)
                    while !calendar.isWorkingDay(due) { due = due.adding(days: 1) }
                    let submittedDay = r.submittedAt.map { CalendarDay($0, in: zone) }
                    let late = submittedDay.map { $0 > due } ?? (today > due)
                    rows.append(DayRow(officer: o.id, date: d, status: r.status, late: late, findings: f, entries: f.values.reduce(0, +)))
                } else if calendar.isWorkingDay(CalendarDay(d)!) && d < today.description {
                    rows.append(DayRow(officer: o.id, date: d, status: nil, late: false, findings: [:], entries: 0))
                }
            }
        }
        let tasks = try await FieldTask.query(on: req.db).filter(\.$officeID == office).filter(\.$status == TaskStatus.open.rawValue).all()
        let assignees = try await TasksController.assignees(tasks.compactMap(\.id), db: req.db)
        var open: [UUID: Int] = [:], overdue: [UUID: Int] = [:]
        for t in tasks {
            for u in assignees[t.id!] ?? [] {
                open[u, default: 0] += 1
                if t.dueOn < today.description { overdue[u, default: 0] += 1 }
            }
        }
        return Summary(officers: officers, days: dayList, rows: rows, openTasks: open, overdueTasks: overdue)
    }

    /// Bars of entries per day, with the non-compliant findings drawn over them; no script, no external files.
    static func chart(_ s: Summary) -> HTML {
        let width = 720, height = 180, left = 30, bottom = 20
        var entries: [String: Int] = [:], flagged: [String: Int] = [:]
        for r in s.rows {
            entries[r.date, default: 0] += r.entries
            flagged[r.date, default: 0] += r.findings.filter { $0.key != FieldFinding.compliant.rawValue }.values.reduce(0, +)
        }
        let maxValue = max(1, entries.values.max() ?? 1)
        let step = Double(width - left) / Double(max(1, s.days.count))
        let scale = Double(height - bottom - 10) / Double(maxValue)
        var bars = ""
        for (i, d) in s.days.enumerated() {
            let x = Double(left) + Double(i) * step
            let e = Double(entries[d] ?? 0) * scale, f = Double(flagged[d] ?? 0) * scale
            let y0 = Double(height - bottom)
            bars += String(format: "<rect class=\"entries\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%@: %d</title></rect>", x, y0 - e, max(1, step - 1), e, d, entries[d] ?? 0)
            if f > 0 { bars += String(format: "<rect class=\"flagged\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x, y0 - f, max(1, step - 1), f) }
        }
        let labels = "<text x=\"\(left)\" y=\"\(height - 4)\">\(s.days.first ?? "")</text><text x=\"\(width)\" y=\"\(height - 4)\" text-anchor=\"end\">\(s.days.last ?? "")</text><text x=\"2\" y=\"14\">\(maxValue)</text>"
        return HTML(unsafeRaw: "<svg class=\"chart\" id=\"leader-chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"entries per day\"><line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" class=\"axis\"/>\(bars)\(labels)</svg>")
    }

    static func page(_ req: Request) async throws -> Response {
        let lang = req.language
        let days = try period(req)
        let s = try await summary(req, days: days)
        let rows: HTML = s.officers.html { o in
            let mine = s.rows.filter { $0.officer == o.id }
            let filed = mine.filter { $0.status != nil }
            let missing = mine.filter { $0.status == nil }.count
            let late = filed.filter(\.late).count
            var findings: [String: Int] = [:]
            for r in filed { for (k, v) in r.findings { findings[k, default: 0] += v } }
            let flagged: HTML = FieldFinding.allCases.filter { $0 != .compliant && (findings[$0.rawValue] ?? 0) > 0 }.html {
                "\(L10n.t("lph.finding.\($0.rawValue)", lang)): \(findings[$0.rawValue] ?? 0)<br>"
            }
            return """
            <tr><td><a href="/daily-reports?officer=\(o.id.uuidString)">\(o.name)</a></td><td>\(filed.count)</td><td>\(missing > 0 ? "<span class=\"badge overstayed\">\(missing)</span>" as HTML : "0")</td>
            <td>\(late)</td><td>\(filed.reduce(0) { $0 + $1.entries })</td><td>\(flagged)</td><td>\(s.openTasks[o.id] ?? 0)</td><td>\((s.overdueTasks[o.id] ?? 0) > 0 ? "<span class=\"badge overstayed\">\(s.overdueTasks[o.id] ?? 0)</span>" as HTML : "0")</td></tr>
            """
        }
        return Views.page(req, title: L10n.t("nav.leader", lang), body: """
        <h1>\(L10n.t("nav.leader", lang))</h1>
        <nav class="tabs no-print"><a href="/leader?days=30"\(days == 30 ? HTML(" aria-current=\"page\"") : "")>30 \(L10n.t("leader.days", lang))</a><a href="/leader?days=90"\(days == 90 ? HTML(" aria-current=\"page\"") : "")>90 \(L10n.t("leader.days", lang))</a>
        <a href="/leader.csv?days=\(days)" id="leader-csv">\(L10n.t("disc.csv", lang))</a></nav>
        <section class="card"><h2>\(L10n.t("leader.chart", lang))</h2>\(chart(s))</section>
        <table class="responsive" id="leader-table"><thead><tr><th>\(L10n.t("lph.officer", lang))</th><th>\(L10n.t("leader.filed", lang))</th><th>\(L10n.t("leader.missing", lang))</th>
        <th>\(L10n.t("leader.late", lang))</th><th>\(L10n.t("lph.entries", lang))</th><th>\(L10n.t("leader.findings", lang))</th><th>\(L10n.t("leader.openTasks", lang))</th><th>\(L10n.t("task.overdue", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
    }

    static func csv(_ req: Request) async throws -> Response {
        let s = try await summary(req, days: try period(req))
        let names = Dictionary(uniqueKeysWithValues: s.officers.map { ($0.id, $0.name) })
        var out = "date,officer,report_status,late,entries," + FieldFinding.allCases.map(\.rawValue).joined(separator: ",") + "\r\n"
        for r in s.rows.sorted(by: { ($0.date, names[$0.officer] ?? "") < ($1.date, names[$1.officer] ?? "") }) {
            let cells = [r.date, names[r.officer] ?? "", r.status ?? "missing", r.late ? "yes" : "no", String(r.entries)] + FieldFinding.allCases.map { String(r.findings[$0.rawValue] ?? 0) }
            out += cells.map(Discrepancies.csvField).joined(separator: ",") + "\r\n"
        }
        let res = Response(status: .ok, body: .init(string: "\u{FEFF}" + out))
        res.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"sinergi-leader-\(req.application.today).csv\"")
        return res
    }
}
