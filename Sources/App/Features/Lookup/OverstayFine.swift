import Deadlines
import Foundation
/// The overstay fee owed so far: each day after the permit's end date is charged at the rate valid
/// on that day, up to the rate's maximum number of days; beyond it the case is one for deportation.
struct OverstayFine: Equatable, Sendable {
    var days: Int
    var amountIDR: Int64
    var deportationCase: Bool

    /// An amount as Indonesians write it: `Rp 3.000.000`.
    static func rupiah(_ amount: Int64) -> String {
        "Rp " + amount.formatted(.number.grouping(.automatic).locale(Locale(identifier: "id_ID")))
    }

    static func compute(permitEnd: String?, today: String, rates: [OverstayFeeRate]) -> OverstayFine {
        guard let end = permitEnd.flatMap(CalendarDay.init), let now = CalendarDay(today), end < now else {
            return OverstayFine(days: 0, amountIDR: 0, deportationCase: false)
        }
        let days = end.days(until: now)
        // Each rate from the day it took effect, as a day offset from the permit's end.
        let sorted = rates.compactMap { r in CalendarDay(r.validFrom).map { (from: end.days(until: $0), rate: r) } }.sorted { $0.from < $1.from }
        var total: Int64 = 0
        var limit = sorted.last?.rate.maxDays ?? 60
        var k = -1
        for d in 1...days {
            while k + 1 < sorted.count, sorted[k + 1].from <= d { k += 1 }
            guard k >= 0 else { continue }
            let rate = sorted[k].rate
            limit = rate.maxDays
            if d > rate.maxDays { break }
            total += rate.amountIDR
        }
        return OverstayFine(days: days, amountIDR: total, deportationCase: days > limit)
    }
}
