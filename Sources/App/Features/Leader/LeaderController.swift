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
        s.get(FieldWorkURL.leader, use: page)
        s.get(FieldWorkURL.leaderCSV, use: csv)
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
        let raw = req.queryValue("days") ?? "30"
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
        // The lateness rule is a named rule (`RuleBook.dailyReportIsLate`): by default a day's report is due by the end
        // of the next working day; the office may set another, from a date on.
        let rules = try await Rules.book(req)
        let officeCode = try await Office.find(office, on: req.db)?.code
        for o in officers {
            let mine = Dictionary(reports.filter { $0.officerID == o.id }.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
            for d in dayList {
                if let r = mine[d] {
                    var f: [String: Int] = [:]
                    for x in byReport[r.id!] ?? [] { f[x.finding] = x.n }
                    let late = rules.dailyReportIsLate(day: CalendarDay(d)!, submitted: r.submittedAt.map { CalendarDay($0, in: zone) }, today: today,
                                                       office: officeCode, calendar: calendar)
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

    static func page(_ req: Request) async throws -> Response {
        let days = try period(req)
        return LeaderViews.page(req, try await summary(req, days: days), days: days)
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
