import Foundation
import SQLKit

/// A foreigner's stay status on a given day, from the summary columns: the current stay's first and last day, and the
/// stay before it when a gap separates them.
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
    /// `priorStart`…`priorEnd`: the stay before it (`coverage`), when a gap lies between the two; nil when none.
    /// While the later stay has not begun, the earlier one counts once it has begun: valid or expiring by the days left
    /// to `priorEnd`, and after it, in the gap, overstayed by the days since (UU 6/2011 Art. 78: a permit that begins
    /// later does not cover the gap; as everywhere, someone without a recorded departure is taken to be here). Before
    /// either stay begins, not valid yet.
    init(end: String?, start: String?, priorStart: String? = nil, priorEnd: String? = nil, today: String, departed: Bool = false) {
        if departed { self = .departed; return }
        guard let end, let left = Day.between(today, end) else { self = .noPermit; return }
        if let start, start > today {
            if Self.priorStayBegun(start: start, priorStart: priorStart, priorEnd: priorEnd, today: today), let priorEnd,
               let priorLeft = Day.between(today, priorEnd) {
                self = Self.byDaysLeft(priorLeft)
            } else if let priorStart, priorStart > today {
                self = .notYetValid(from: priorStart)
            } else {
                self = .notYetValid(from: start)
            }
            return
        }
        self = Self.byDaysLeft(left)
    }

    private static func byDaysLeft(_ left: Int) -> PermitState {
        if left < 0 { return .overstayed(days: -left) }
        return left <= expiringWindowDays ? .expiring(daysLeft: left) : .valid(daysLeft: left)
    }

    /// Whether the stay before the one that begins on `start` is the one that counts today: that one has not begun, and
    /// the earlier one has (a nil `priorStart` is taken as begun), ended or not. `sqlCondition` says the same in SQL.
    static func priorStayBegun(start: String?, priorStart: String?, priorEnd: String?, today: String) -> Bool {
        guard let start, start > today, priorEnd != nil else { return false }
        return (priorStart ?? today) <= today
    }

    /// The last day of the permit that counts today: `priorEnd` once the stay before the current one has begun and
    /// while the current one has not (held, or ended in the gap), else `end`.
    static func endInForce(end: String?, start: String?, priorStart: String?, priorEnd: String?, today: String) -> String? {
        priorStayBegun(start: start, priorStart: priorStart, priorEnd: priorEnd, today: today) ? priorEnd : end
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

    /// What the summary columns keep of a person's active permits: the first day of the stay the permit ending last
    /// closes (`start`, as `coverageStart`), and the stay before it, separated from it by at least a day's gap
    /// (`priorStart`…`priorEnd`: the first and last day of the latest stay that ends before `start`; nil when none).
    /// So a person holding a permit today whose next one begins after a gap reads valid until the first ends, not
    /// "not yet valid", and not valid yet in the gap, without any daily job. (Three stays apart, the earliest not yet
    /// over, is beyond what two stays tell: the earliest one is not seen.)
    static func coverage(_ permits: [(start: String, end: String)]) -> (start: String?, priorStart: String?, priorEnd: String?) {
        guard let start = coverageStart(permits) else { return (nil, nil, nil) }
        let earlier = permits.filter { $0.end < start }
        return (start, coverageStart(earlier), earlier.map(\.end).max())
    }

    /// Which of a person's active permits (`(start, end)`) they hold on `today`: the one ending last, except while the
    /// stay before a gap counts (`priorStayBegun`: begun, the next not yet), when it is the permit ending that stay. The
    /// summary's category and sponsor are this permit's, so that the sponsor answerable for the stay is the one who sees
    /// the person, and the next permit's sponsor from its first day (`ForeignerSummary.followTheDay`).
    static func held(_ permits: [(start: String, end: String)], today: String) -> Int? {
        guard let last = permits.indices.max(by: { permits[$0].end < permits[$1].end }) else { return nil }
        let c = coverage(permits)
        guard priorStayBegun(start: c.start, priorStart: c.priorStart, priorEnd: c.priorEnd, today: today), let priorEnd = c.priorEnd else { return last }
        return permits.indices.first { permits[$0].end == priorEnd } ?? last
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

extension PermitState {
    /// The rows of `foreigners` whose state on `today` has `code` (`valid`, `expiring`, `overstayed`, `notYetValid`,
    /// `departed`; anything else: `noPermit`), as a condition on the summary columns (`permit_end`, `permit_start`,
    /// `permit_prior_start`, `permit_prior_end`, `departed`) that agrees with `init` row for row. The list's status filter
    /// and the dashboard's counts both use it; every column it reads is in `foreigners_counts_idx`.
    static func sqlCondition(_ code: String, today: String) -> SQLQueryString {
        let soon = Day.adding(expiringWindowDays, to: today) ?? today
        let here: SQLQueryString = "departed IS NOT TRUE"
        // Begun: the current stay's first day is today or earlier (unknown counts as begun).
        let begun: SQLQueryString = "(permit_start IS NULL OR permit_start <= \(bind: today))"
        let prior = sqlInPriorStay(today: today), priorBegun = sqlPriorStayBegun(today: today)
        switch code {
        case "departed": return "departed IS TRUE"
        case "overstayed":
            // The current permit ended; or, before it begins, the one before it ended (the gap).
            return "(\(here) AND (permit_end < \(bind: today) OR (\(priorBegun) AND permit_prior_end < \(bind: today))))"
        case "expiring":
            return """
                (\(here) AND ((\(begun) AND permit_end >= \(bind: today) AND permit_end <= \(bind: soon)) OR (\(prior) AND permit_prior_end <= \(bind: soon))))
                """
        case "valid":
            return "(\(here) AND ((\(begun) AND permit_end > \(bind: soon)) OR (\(prior) AND permit_prior_end > \(bind: soon))))"
        case "notYetValid":
            // Not begun, and no stay before it that has begun.
            return "(\(here) AND permit_start > \(bind: today) AND (permit_prior_end IS NULL OR permit_prior_start > \(bind: today)))"
        default: return "(\(here) AND permit_end IS NULL)"
        }
    }

    /// `endInForce` as an expression on the summary columns, to sort by the end of the permit that counts today.
    static func sqlEndInForce(today: String) -> SQLQueryString {
        "CASE WHEN \(sqlPriorStayBegun(today: today)) THEN permit_prior_end ELSE permit_end END"
    }

    /// `priorStayBegun` as a condition on the summary columns.
    static func sqlPriorStayBegun(today: String) -> SQLQueryString {
        "(permit_start > \(bind: today) AND permit_prior_end IS NOT NULL AND (permit_prior_start IS NULL OR permit_prior_start <= \(bind: today)))"
    }

    /// Today lies in the stay before the one that begins on `permit_start`: begun (`sqlPriorStayBegun`) and not ended.
    static func sqlInPriorStay(today: String) -> SQLQueryString {
        "(\(sqlPriorStayBegun(today: today)) AND permit_prior_end >= \(bind: today))"
    }
}

/// The four summary dates a permit's state is read from (`foreigners.permit_end`, `permit_start`, `permit_prior_start`,
/// `permit_prior_end`), on whatever carries them: the model, a list item, a portal row.
protocol PermitDates {
    var permitEnd: String? { get }
    var permitStart: String? { get }
    var permitPriorStart: String? { get }
    var permitPriorEnd: String? { get }
}

extension PermitDates {
    func permitState(today: String, departed: Bool) -> PermitState {
        PermitState(end: permitEnd, start: permitStart, priorStart: permitPriorStart, priorEnd: permitPriorEnd, today: today, departed: departed)
    }

    /// `PermitState.endInForce`: the last day of the permit that counts today.
    func endInForce(today: String) -> String? {
        PermitState.endInForce(end: permitEnd, start: permitStart, priorStart: permitPriorStart, priorEnd: permitPriorEnd, today: today)
    }
}

/// The same four dates as a raw row of `foreigners` names them (`permit_end`, …): rows read with plain SQL (the look-up,
/// the detail read, the discrepancy lists) get `permitState` and `endInForce` by declaring conformance.
protocol PermitColumns: PermitDates {
    var permit_end: String? { get }
    var permit_start: String? { get }
    var permit_prior_start: String? { get }
    var permit_prior_end: String? { get }
}

extension PermitColumns {
    var permitEnd: String? { permit_end }
    var permitStart: String? { permit_start }
    var permitPriorStart: String? { permit_prior_start }
    var permitPriorEnd: String? { permit_prior_end }
}
