import Foundation

/// A foreigner's stay status on a given day, from the end date of the current permit.
enum PermitState: Equatable, Sendable {
    case valid(daysLeft: Int)
    case expiring(daysLeft: Int)
    case overstayed(days: Int)
    case noPermit

    /// Permits ending within this many days count as "expiring" on dashboards and lists.
    static let expiringWindowDays = 30

    init(end: String?, today: String) {
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
        }
    }

    func label(_ lang: Language) -> String {
        switch self {
        case .valid(let d): "\(L10n.t("status.valid", lang)) · \(L10n.f("status.daysLeft", lang, d))"
        case .expiring(let d): "\(L10n.t("status.expiring", lang)) · \(L10n.f("status.daysLeft", lang, d))"
        case .overstayed(let d): "\(L10n.t("status.overstayed", lang)) · \(L10n.f("status.daysOver", lang, d))"
        case .noPermit: L10n.t("status.noPermit", lang)
        }
    }
}

/// Upper-case, diacritic-free form of a name used for search (`Nguyễn Văn Đức` → `NGUYEN VAN DUC`).
enum NameFold {
    static func fold(_ s: String) -> String {
        let replaced = s.replacingOccurrences(of: "Đ", with: "D").replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "ß", with: "SS").replacingOccurrences(of: "Ø", with: "O").replacingOccurrences(of: "ø", with: "o")
        let folded = replaced.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).uppercased()
        var out = ""
        var lastSpace = true
        for ch in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(ch) { out.unicodeScalars.append(ch); lastSpace = false }
            else if !lastSpace { out.append(" "); lastSpace = true }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Passport numbers as typed: upper-case, no spaces or dashes.
    static func passport(_ s: String) -> String {
        String(s.uppercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(Character.init))
    }
}
