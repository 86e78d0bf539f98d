import Foundation

/// A foreigner's stay status on a given day, from the current permit's first and last day.
enum PermitState: Equatable, Sendable {
    case valid(daysLeft: Int)
    case expiring(daysLeft: Int)
    case overstayed(days: Int)
    /// The permit starts after today (issued ahead of an arrival): not valid yet, from `from` (`YYYY-MM-DD`).
    case notYetValid(from: String)
    case noPermit
    /// Left the country (last border crossing "out"): neither expiring nor overstayed.
    case departed

    /// Permits ending within this many days count as "expiring" on dashboards and lists.
    static let expiringWindowDays = 30

    /// `start`: the first day of the stay `end` ends (`coverageStart`); nil when not known, taken as begun.
    init(end: String?, start: String?, today: String, departed: Bool = false) {
        if departed { self = .departed; return }
        guard let end, let left = Day.between(today, end) else { self = .noPermit; return }
        if let start, start > today { self = .notYetValid(from: start); return }
        if left < 0 { self = .overstayed(days: -left) }
        else if left <= Self.expiringWindowDays { self = .expiring(daysLeft: left) }
        else { self = .valid(daysLeft: left) }
    }

    /// The first day of the stay that the active permit ending last ends: its own start, or the start of an earlier
    /// active permit it continues without a day's gap (a renewal from the day after, or overlapping). So a renewal
    /// issued in advance leaves a person valid today, and a permit issued ahead of an arrival does not make them so.
    static func coverageStart(_ permits: [(start: String, end: String)]) -> String? {
        guard let latest = permits.max(by: { $0.end < $1.end }) else { return nil }
        var start = latest.start
        var extended = true
        while extended {
            extended = false
            guard let dayBefore = Day.adding(-1, to: start) else { break }
            if let earlier = permits.filter({ $0.start < start && $0.end >= dayBefore }).min(by: { $0.start < $1.start }) {
                start = earlier.start; extended = true
            }
        }
        return start
    }

    var code: String {
        switch self {
        case .valid: "valid"
        case .expiring: "expiring"
        case .overstayed: "overstayed"
        case .notYetValid: "notYetValid"
        case .noPermit: "noPermit"
        case .departed: "departed"
        }
    }

    func label(_ lang: Language) -> String {
        switch self {
        case .valid(let d): "\(L10n.t("status.valid", lang)) · \(L10n.f("status.daysLeft", lang, d))"
        case .expiring(let d): "\(L10n.t("status.expiring", lang)) · \(L10n.f("status.daysLeft", lang, d))"
        case .overstayed(let d): "\(L10n.t("status.overstayed", lang)) · \(L10n.f("status.daysOver", lang, d))"
        case .notYetValid(let from): L10n.format("status.notYetValidFrom", lang, [LocalTime.formatDay(from, lang: lang) ?? from])
        case .noPermit: L10n.t("status.noPermit", lang)
        case .departed: L10n.t("status.departed", lang)
        }
    }
}
