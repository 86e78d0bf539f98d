import Foundation
import Vapor

/// Times as people read them: "2 Des 2026 18.30 WIB" in Indonesian, "2 Dec 2026 18:30 WIB" in English,
/// in the office's zone (WIB, WITA or WIT). Inputs from forms (`YYYY-MM-DDTHH:MM`, as `datetime-local`
/// sends them) are read in the same zone. No page shows a raw ISO or UTC string.
enum LocalTime {
    static let months: [Language: [String]] = [
        .id: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
        .en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ]

    /// The Indonesian name of a zone by its offset: WIB (+7), WITA (+8), WIT (+9); else "UTC±h".
    static func abbreviation(_ zone: TimeZone, at date: Date) -> String {
        let hours = zone.secondsFromGMT(for: date) / 3600
        switch hours {
        case 7: return "WIB"
        case 8: return "WITA"
        case 9: return "WIT"
        default: return hours >= 0 ? "UTC+\(hours)" : "UTC\(hours)"
        }
    }

    static func format(_ date: Date, zone: TimeZone, lang: Language) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let sep = lang == .id ? "." : ":"
        let hm = String(format: "%02d%@%02d", c.hour ?? 0, sep, c.minute ?? 0)
        return "\(c.day ?? 1) \(months[lang]![(c.month ?? 1) - 1]) \(c.year ?? 0) \(hm) \(abbreviation(zone, at: date))"
    }

    /// "2026-12-02" → "2 Des 2026"; nil when it is not a day.
    /// A message's values for a page: each that is a whole ISO day ("2026-12-10") as pages write days ("10 Des 2026");
    /// the others as they are. The API keeps ISO dates.
    static func daysInWords(_ args: [String], lang: Language) -> [String] {
        args.map { a in a.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil ? formatDay(a, lang: lang) ?? a : a }
    }

    /// Every day written YYYY-MM-DD inside a text ("2C21X E23 2027-01-01–2027-12-31", a history's value) as the pages
    /// write days ("1 Jan 2027"); the rest as it is.
    static func daysInText(_ text: String, lang: Language) -> String {
        guard text.contains("-") else { return text }
        return text.replacing(/\b\d{4}-\d{2}-\d{2}\b/) { m in
            let day = String(m.output)
            return Day.isValid(day) ? formatDay(day, lang: lang) ?? day : day
        }
    }

    static func formatDay(_ day: String, lang: Language) -> String? {
        let parts = day.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return "\(parts[2]) \(months[lang]![parts[1] - 1]) \(parts[0])"
    }

    /// "2026-12" → "Des 2026".
    static func formatMonth(_ month: String, lang: Language) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[1]) else { return month }
        return "\(months[lang]![parts[1] - 1]) \(parts[0])"
    }

    /// ISO 8601 with a zone, with or without fractional seconds, or with a `+0700` offset.
    static func parseISO(_ s: String) -> Date? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let d = try? Date(t, strategy: Date.ISO8601FormatStyle()) { return d }
        if let d = try? Date(t, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return f.date(from: t)
    }

    /// A form's local date-time (`YYYY-MM-DDTHH:MM[:SS]`) in `zone`, or any ISO 8601 moment with a zone.
    static func parseInput(_ s: String, zone: TimeZone) -> Date? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let d = parseISO(t) { return d }
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = zone; f.dateFormat = format
            if let d = f.date(from: t) { return d }
        }
        return nil
    }

    /// The value a `datetime-local` input shows for `date` in `zone`.
    static func inputValue(_ date: Date, zone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = zone; f.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return f.string(from: date)
    }
}

extension Request {
    /// The zone times are shown and read in: the signed-in user's office's, else the configured one (WIB).
    var displayTimeZone: TimeZone {
        if let id = principal?.officeTimeZone, let z = TimeZone(identifier: id) { return z }
        return application.config.timeZone
    }
}
