import Foundation
import Vapor

/// `/leader`: per officer, reports filed, missing and late working days, entries, non-compliant findings,
/// open and overdue tasks, and a chart of entries per day drawn as SVG by the escaping `HTML` type.
enum LeaderViews {
    /// A coordinate with one decimal, as SVG reads it ("12.5"); no `String(format:)`, no locale.
    static func coordinate(_ d: Double) -> String {
        let tenths = Int((d * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths < 0 && tenths > -10 ? "-" : "")\(tenths / 10).\(abs(tenths % 10))"
    }

    /// Bars of entries per day, with the non-compliant findings drawn over them; no script, no external files.
    static func chart(_ req: Request, _ s: LeaderController.Summary) -> HTML {
        let lang = req.language
        let width = 720, height = 180, left = 30, bottom = 20
        var entries: [String: Int] = [:], flagged: [String: Int] = [:]
        for r in s.rows {
            entries[r.date, default: 0] += r.entries
            flagged[r.date, default: 0] += r.findings.filter { $0.key != FieldFinding.compliant.rawValue }.values.reduce(0, +)
        }
        let maxValue = max(1, entries.values.max() ?? 1)
        let step = Double(width - left) / Double(max(1, s.days.count))
        let scale = Double(height - bottom - 10) / Double(maxValue)
        let base = Double(height - bottom)
        let barWidth = coordinate(max(1, step - 1))
        let bars: HTML = s.days.enumerated().html { i, d in
            let x = coordinate(Double(left) + Double(i) * step)
            let n = entries[d] ?? 0, f = flagged[d] ?? 0
            let e = Double(n) * scale, fh = Double(f) * scale
            let over: HTML = f > 0 ? "<rect class=\"flagged\" x=\"\(x)\" y=\"\(coordinate(base - fh))\" width=\"\(barWidth)\" height=\"\(coordinate(fh))\"/>" : ""
            return "<rect class=\"entries\" x=\"\(x)\" y=\"\(coordinate(base - e))\" width=\"\(barWidth)\" height=\"\(coordinate(e))\"><title>\(Views.day(d, req)): \(n) \(L10n.t("fw.chartDay", lang))</title></rect>\(over)"
        }
        return """
        <div class="chart-scroll"><svg class="chart" id="leader-chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(L10n.t("fw.chartLabel", lang))"><line x1="\(left)" y1="\(height - bottom)" x2="\(width)" y2="\(height - bottom)" class="axis"/>\(bars)<text x="\(left)" y="\(height - 4)">\(Views.day(s.days.first, req))</text><text x="\(width)" y="\(height - 4)" text-anchor="end">\(Views.day(s.days.last, req))</text><text x="2" y="14">\(maxValue)</text></svg></div>
        """
    }

    static func page(_ req: Request, _ s: LeaderController.Summary, days: Int) -> Response {
        let lang = req.language
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
            let overdue = s.overdueTasks[o.id] ?? 0
            return """
            <tr><td><a href="\(FieldWorkURL.dailyReports.with(["officer": o.id.uuidString]))">\(o.name)</a></td><td>\(filed.count)</td><td>\(missing > 0 ? "<span class=\"badge overstayed\">\(missing)</span>" as HTML : "0")</td>
            <td>\(late)</td><td>\(filed.reduce(0) { $0 + $1.entries })</td><td>\(flagged)</td><td>\(s.openTasks[o.id] ?? 0)</td><td>\(overdue > 0 ? "<span class=\"badge overstayed\">\(overdue)</span>" as HTML : "0")</td></tr>
            """
        }
        func tab(_ n: Int) -> HTML {
            "<a href=\"\(FieldWorkURL.leader.with(["days": String(n)]))\"\(days == n ? HTML(" aria-current=\"page\"") : "")>\(n) \(L10n.t("leader.days", lang))</a>"
        }
        return Views.page(req, title: L10n.t("nav.leader", lang), body: """
        <h1>\(L10n.t("nav.leader", lang))</h1>
        <nav class="tabs no-print">\(tab(30))\(tab(90))
        <a href="\(FieldWorkURL.leaderCSV.with(["days": String(days)]))" id="leader-csv">\(L10n.t("disc.csv", lang))</a></nav>
        <section class="card"><h2>\(L10n.t("leader.chart", lang))</h2>\(chart(req, s))</section>
        <table class="responsive" id="leader-table"><thead><tr><th>\(L10n.t("lph.officer", lang))</th><th>\(L10n.t("leader.filed", lang))</th><th>\(L10n.t("leader.missing", lang))</th>
        <th>\(L10n.t("leader.late", lang))</th><th>\(L10n.t("lph.entries", lang))</th><th>\(L10n.t("leader.findings", lang))</th><th>\(L10n.t("leader.openTasks", lang))</th><th>\(L10n.t("task.overdue", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
    }
}
