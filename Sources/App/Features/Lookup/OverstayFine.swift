/// The overstay fee owed so far: each day after the permit's end date is charged at the rate valid
/// on that day, up to the rate's maximum number of days; beyond it the case is one for deportation.
struct OverstayFine: Equatable, Sendable {
    var days: Int
    var amountIDR: Int64
    var deportationCase: Bool

    static func compute(permitEnd: String?, today: String, rates: [OverstayFeeRate]) -> OverstayFine {
        guard let end = permitEnd, let days = Day.between(end, today), days > 0 else {
            return OverstayFine(days: 0, amountIDR: 0, deportationCase: false)
        }
        let sorted = rates.sorted { $0.validFrom < $1.validFrom }
        var total: Int64 = 0
        var limit = sorted.last?.maxDays ?? 60
        for d in 1...days {
            guard let day = Day.adding(d, to: end), let rate = sorted.last(where: { $0.validFrom <= day }) else { continue }
            limit = rate.maxDays
            if d > rate.maxDays { break }
            total += rate.amountIDR
        }
        return OverstayFine(days: days, amountIDR: total, deportationCase: days > limit)
    }
}
