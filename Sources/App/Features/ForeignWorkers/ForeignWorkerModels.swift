import Fluent
import Foundation

final class RPTKA: Model, @unchecked Sendable {
    static let schema = "rptka"
    @ID(key: .id) var id: UUID?
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "number") var number: String
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_to") var validTo: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class RPTKAPosition: Model, @unchecked Sendable {
    static let schema = "rptka_positions"
    @ID(key: .id) var id: UUID?
    @Field(key: "rptka_id") var rptkaID: UUID
    @Field(key: "title") var title: String
    @Field(key: "quota") var quota: Int
    init() {}
}

final class TKAAssignment: Model, @unchecked Sendable {
    static let schema = "tka_assignments"
    @ID(key: .id) var id: UUID?
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "foreigner_id") var foreignerID: UUID
    @OptionalField(key: "position_id") var positionID: UUID?
    @OptionalField(key: "understudy_name") var understudyName: String?
    @OptionalField(key: "understudy_position") var understudyPosition: String?
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

final class DKPTKAPayment: Model, @unchecked Sendable {
    static let schema = "dkptka_payments"
    @ID(key: .id) var id: UUID?
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "foreigner_id") var foreignerID: UUID
    @Field(key: "from_month") var fromMonth: String
    @Field(key: "months") var months: Int
    @Field(key: "amount_usd") var amountUSD: Int
    @Field(key: "paid_on") var paidOn: String
    @Field(key: "reference") var reference: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// A calendar month written `YYYY-MM`.
struct Month: Hashable, Comparable, Sendable, CustomStringConvertible {
    let year: Int, month: Int
    init?(_ s: String) {
        let p = s.split(separator: "-")
        guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]), (1...12).contains(m), (1900...9999).contains(y) else { return nil }
        year = y; month = m
    }
    init(year: Int, month: Int) { self.year = year; self.month = month }
    /// The month a `YYYY-MM-DD` day falls in.
    init?(day: String) { self.init(String(day.prefix(7))) }
    func adding(_ n: Int) -> Month {
        let k = year * 12 + (month - 1) + n
        return Month(year: k / 12, month: k % 12 + 1)
    }
    func months(until other: Month) -> Int { (other.year * 12 + other.month) - (year * 12 + month) }
    var description: String { String(format: "%04d-%02d", year, month) }
    static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
