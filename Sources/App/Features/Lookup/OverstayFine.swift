import Deadlines
import Foundation
/// The overstay fee owed so far: each day after the permit's end date is charged at the rate valid
/// on that day, up to the maximum number of days; beyond it the case is one for deportation.
struct OverstayFine: Equatable, Sendable {
    var days: Int
    var amountIDR: Int64
    var deportationCase: Bool

    /// An amount as Indonesians write it: `Rp 3.000.000`.
    static func rupiah(_ amount: Int64) -> String {
        "Rp " + amount.formatted(.number.grouping(.automatic).locale(Locale(identifier: "id_ID")))
    }

    /// The fee under the rules in force on each day of the overstay (`RuleBook.overstayFee`).
    static func compute(permitEnd: String?, today: String, rules: RuleBook) -> OverstayFine {
        guard let end = permitEnd.flatMap(CalendarDay.init), let now = CalendarDay(today) else {
            return OverstayFine(days: 0, amountIDR: 0, deportationCase: false)
        }
        let f = rules.overstayFee(permitEnd: end, today: now)
        return OverstayFine(days: f.days, amountIDR: f.amountIDR, deportationCase: f.deportationCase)
    }
}
