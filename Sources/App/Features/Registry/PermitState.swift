import Foundation

/// A foreigner's stay status on a given day, from the end date of the current permit.
enum PermitState: Equatable, Sendable {
    case valid(daysLeft: Int)
    case expiring(daysLeft: Int)
    case overstayed(days: Int)
    case noPermit
    /// Left the country (last border crossing "out"): neither expiring nor overstayed.
    case departed

    /// Permits ending within this many days count as "expiring" on dashboards and lists.
    static let expiringWindowDays = 30

    init(end: String?, today: String, departed: Bool = false) {
        if departed { self = .departed; return }
        guard let end, let left = Day.between(today, end) else { self = .noPermit; return }
        if left < 0 { self = .overstayed(days: -left) }
        else if left <= Self.expiringWindowDays { self = .expiring(daysLeft: left) }
        else { self = .valid(daysLeft: left) }
    }

    var code: String {
        switch self {
        case .valid: "valid"
        case .expiring: "expiring"
        case .overstayed: "overstayed"
        case .noPermit: "noPermit"
        case .departed: "departed"
        }
    }

    func label(_ lang: Language) -> String {
        switch self {
        case .valid(let d): "\(L10n.t("status.valid", lang)) · \(L10n.f("status.daysLeft", lang, d))"
        case .expiring(let d): "\(L10n.t("status.expiring", lang)) · \(L10n.f("status.daysLeft", lang, d))"
        case .overstayed(let d): "\(L10n.t("status.overstayed", lang)) · \(L10n.f("status.daysOver", lang, d))"
        case .noPermit: L10n.t("status.noPermit", lang)
        case .departed: L10n.t("status.departed", lang)
        }
    }
}
