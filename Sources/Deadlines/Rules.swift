/// The office's rules as dated data, in one place: report deadlines (per office if need be), overstay fee
/// rates, the DKPTKA rate, the warning thresholds and the daily-report lateness rule. Every version has the
/// day it takes effect and its legal basis (or "office policy"). A computation asks for the rule by its
/// name and its own date, so a change from a later date never re-prices what came before it.
public enum RuleKind: String, CaseIterable, Sendable, Codable {
    case deadline
    case overstayFee = "overstay-fee"
    case dkptka
    case warning
    case dailyReport = "daily-report"

    /// The keys a kind has, each with its unit(s) and whether an office may override it.
    public var keys: [String] {
        switch self {
        case .deadline: return ReportType.allCases.map(\.rawValue)
        case .overstayFee: return ["perDay", "maxDays"]
        case .dkptka: return ["monthly"]
        case .warning: return ["permitExpiry"]
        case .dailyReport: return ["dueWorkingDays"]
        }
    }

    public func units(for key: String) -> [String] {
        switch (self, key) {
        case (.deadline, _): return ["calendar-days", "calendar-days-rolling", "working-days"]
        case (.overstayFee, "perDay"): return ["IDR"]
        case (.overstayFee, _): return ["days"]
        case (.dkptka, _): return ["USD"]
        case (.warning, _): return ["days-before"]
        case (.dailyReport, _): return ["working-days"]
        }
    }

    public var officeMayOverride: Bool { self == .deadline || self == .dailyReport }
}

/// One version of one rule.
public struct RuleVersion: Sendable, Equatable {
    public var kind: RuleKind
    public var key: String
    /// A whole number, or for the warning thresholds a list of them ("60,30,14,7,0").
    public var value: String
    public var unit: String
    public var validFrom: CalendarDay
    public var basis: String
    /// An office's own version (its code); nil for the national one.
    public var officeCode: String?

    public init(kind: RuleKind, key: String, value: String, unit: String, validFrom: CalendarDay, basis: String, officeCode: String? = nil) {
        self.kind = kind; self.key = key; self.value = value; self.unit = unit; self.validFrom = validFrom; self.basis = basis; self.officeCode = officeCode
    }

    public var number: Int? { Int(value) }
    public var numbers: [Int] { value.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    /// Why a version cannot be stored (a key the kind lacks, a unit it does not use, a value out of range);
    /// nil when it can. The day check (never in the past) is the caller's, who knows today.
    public var problem: (field: String, reason: String)? {
        guard kind.keys.contains(key) else { return ("key", kind.keys.joined(separator: ", ")) }
        guard kind.units(for: key).contains(unit) else { return ("unit", kind.units(for: key).joined(separator: ", ")) }
        if officeCode != nil && !kind.officeMayOverride { return ("officeCode", "national") }
        if kind == .warning {
            let list = numbers
            guard !list.isEmpty, list.count == value.split(separator: ",").count, list.allSatisfy({ (0...365).contains($0) }) else { return ("value", "0-365 list") }
            return nil
        }
        guard let n = number else { return ("value", "whole number") }
        let range: ClosedRange<Int>
        switch kind {
        case .deadline: range = 1...365
        case .overstayFee: range = key == "perDay" ? 1...100_000_000 : 1...3650
        case .dkptka: range = 1...100_000
        case .dailyReport: range = 0...30
        case .warning: range = 0...365
        }
        return range.contains(n) ? nil : ("value", "\(range.lowerBound)-\(range.upperBound)")
    }
}

/// All versions of all rules, asked by name and date.
public struct RuleBook: Sendable {
    public private(set) var versions: [RuleVersion]

    public init(_ versions: [RuleVersion]) {
        self.versions = versions.sorted { $0.validFrom < $1.validFrom }
    }

    /// The version in force on `day`: the office's own if it has one in force, else the national one.
    public func version(_ kind: RuleKind, _ key: String, on day: CalendarDay, office: String? = nil) -> RuleVersion? {
        let inForce = versions.filter { $0.kind == kind && $0.key == key && $0.validFrom <= day }
        if let office, let own = inForce.last(where: { $0.officeCode == office }) { return own }
        return inForce.last { $0.officeCode == nil }
    }

    // MARK: - Named rules

    /// The deadline rule for a report about an event on `day`.
    public func deadline(_ type: ReportType, on day: CalendarDay, office: String? = nil) -> DeadlineRule {
        guard let v = version(.deadline, type.rawValue, on: day, office: office), let n = v.number else {
            return DeadlineRule.defaults.first { $0.reportType == type }!
        }
        return DeadlineRule(reportType: type, amount: n, count: v.unit == "working-days" ? .workingDays : .calendarDays,
                            rollsToWorkingDay: v.unit == "calendar-days-rolling", basis: v.basis)
    }

    /// The overstay fee so far: each day after the permit's end charged at the rate in force that day, up to
    /// that day's maximum number of days; beyond it the case is one for deportation (UU 6/2011 Art. 78).
    public func overstayFee(permitEnd end: CalendarDay, today: CalendarDay) -> (days: Int, amountIDR: Int64, deportationCase: Bool) {
        guard end < today else { return (0, 0, false) }
        let days = end.days(until: today)
        var total: Int64 = 0, limit = 60
        for d in 1...days {
            let day = end.adding(days: d)
            guard let rate = version(.overstayFee, "perDay", on: day)?.number else { continue }
            limit = version(.overstayFee, "maxDays", on: day)?.number ?? limit
            if d > limit { break }
            total += Int64(rate)
        }
        if let last = version(.overstayFee, "maxDays", on: today)?.number { limit = last }
        return (days, total, days > limit)
    }

    /// The DKPTKA rate (USD per worker per month) of the month starting on `firstDay`.
    public func dkptkaMonthlyUSD(on day: CalendarDay) -> Int {
        version(.dkptka, "monthly", on: day)?.number ?? 100
    }

    /// Days before a permit's end on which sponsors and officers are warned, on `day`.
    public func warningThresholds(on day: CalendarDay) -> [Int] {
        let list = version(.warning, "permitExpiry", on: day)?.numbers ?? [60, 30, 14, 7, 0]
        return Array(Set(list)).sorted(by: >)
    }

    /// The last day on which a field officer's report of `day` is on time: the end of the Nth next working day
    /// (office policy; N = 1 unless the office set another).
    public func dailyReportDue(for day: CalendarDay, office: String? = nil, calendar: HolidayCalendar = .indonesia) -> CalendarDay {
        let n = version(.dailyReport, "dueWorkingDays", on: day, office: office)?.number ?? 1
        var due = day
        var left = n
        if left == 0 { return day }
        while left > 0 {
            due = due.adding(days: 1)
            if calendar.isWorkingDay(due) { left -= 1 }
        }
        return due
    }

    /// Whether a daily report is late under the rule in force on its day.
    public func dailyReportIsLate(day: CalendarDay, submitted: CalendarDay?, today: CalendarDay, office: String? = nil, calendar: HolidayCalendar = .indonesia) -> Bool {
        let due = dailyReportDue(for: day, office: office, calendar: calendar)
        return submitted.map { $0 > due } ?? (today > due)
    }

    // MARK: - Shipped defaults

    /// The shipped bases as the office reads them (Indonesian is the language of the rules' users); the
    /// English ones of earlier versions are read as these when the rules table is first filled.
    public static let indonesianBasis: [String: String] = [
        DeadlineRule.arrivalBasis: "Permenkumham 22/2023: pemegang ITAS/ITAP melapor ke kantor imigrasi paling lambat 30 hari setelah kedatangan",
        "Office policy: UU 6/2011 Art. 63(2)-(3) (as amended by UU 6/2023) requires the report but sets no deadline":
            "Kebijakan kantor: UU 6/2011 Pasal 63 ayat (2)-(3) (diubah UU 6/2023) mewajibkan laporan tanpa menetapkan batas waktu",
        "PP 10/2015; UU 6/2011 Art. 78(1)": "PP 10/2015; UU 6/2011 Pasal 78 ayat (1)",
        "PP 28/2019 (replaced by PP 45/2024, in force 18 Dec 2024; amount there not confirmed); UU 6/2011 Art. 78(1)":
            "PP 28/2019 (diganti PP 45/2024, berlaku 18 Des 2024; besarannya di sana belum dikonfirmasi); UU 6/2011 Pasal 78 ayat (1)",
    ]

    public static func localBasis(_ basis: String) -> String { indonesianBasis[basis] ?? basis }

    /// The rules a new installation starts with (the law where it sets one, else office policy).
    public static func defaults(dkptkaUSD: Int = 100, warningDays: [Int] = [60, 30, 14, 7, 0]) -> [RuleVersion] {
        let start = CalendarDay("2000-01-01")!
        var out = DeadlineRule.defaults.map {
            RuleVersion(kind: .deadline, key: $0.reportType.rawValue, value: String($0.amount),
                        unit: $0.count == .workingDays ? "working-days" : $0.rollsToWorkingDay ? "calendar-days-rolling" : "calendar-days", validFrom: start, basis: localBasis($0.basis))
        }
        out += [
            RuleVersion(kind: .overstayFee, key: "perDay", value: "300000", unit: "IDR", validFrom: CalendarDay("2015-01-01")!, basis: localBasis("PP 10/2015; UU 6/2011 Art. 78(1)")),
            RuleVersion(kind: .overstayFee, key: "maxDays", value: "60", unit: "days", validFrom: CalendarDay("2015-01-01")!, basis: "UU 6/2011 Pasal 78 ayat (1) dan (3): lebih dari 60 hari, deportasi dan penangkalan"),
            RuleVersion(kind: .overstayFee, key: "perDay", value: "1000000", unit: "IDR", validFrom: CalendarDay("2019-05-03")!,
                        basis: localBasis("PP 28/2019 (replaced by PP 45/2024, in force 18 Dec 2024; amount there not confirmed); UU 6/2011 Art. 78(1)")),
            RuleVersion(kind: .dkptka, key: "monthly", value: String(dkptkaUSD), unit: "USD", validFrom: start, basis: "PP 34/2021; Permenaker 8/2021: USD 100 per pekerja per bulan"),
            RuleVersion(kind: .warning, key: "permitExpiry", value: warningDays.sorted(by: >).map(String.init).joined(separator: ","), unit: "days-before", validFrom: start,
                        basis: "Kebijakan kantor (seperti peringatan SISADA KERAMAS kepada penjamin)"),
            RuleVersion(kind: .dailyReport, key: "dueWorkingDays", value: "1", unit: "working-days", validFrom: start,
                        basis: "Kebijakan kantor: laporan harian paling lambat akhir hari kerja berikutnya"),
        ]
        return out
    }
}
