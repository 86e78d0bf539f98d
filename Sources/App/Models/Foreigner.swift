import Fluent
import Foundation

/// A foreigner (Orang Asing). Dates are ISO `YYYY-MM-DD` text so they compare and round-trip exactly
/// on SQLite and PostgreSQL. The `current*` and region columns are a summary of the person's current
/// permit, passport and address, kept by `ForeignerSummary.refresh` so lists and counts need no joins.
final class Foreigner: Model, PermitDates, @unchecked Sendable {
    static let schema = "foreigners"
    @ID(key: .id) var id: UUID?
    @Field(key: "family_name") var familyName: String
    @Field(key: "given_names") var givenNames: String
    @Field(key: "full_name") var fullName: String
    @Field(key: "sex") var sex: String                 // M | F | X
    @OptionalField(key: "date_of_birth") var dateOfBirth: String?
    @Field(key: "nationality") var nationality: String // ISO 3166 alpha-3
    @OptionalField(key: "photo_ref") var photoRef: String?
    @Field(key: "search_name") var searchName: String  // upper-case, diacritics folded, for search
    // Summary of the current state:
    @OptionalField(key: "passport_number") var passportNumber: String?
    @OptionalField(key: "permit_category") var permitCategory: String?
    @OptionalField(key: "permit_end") var permitEnd: String?
    /// The first day of the stay `permit_end` ends (`PermitState.coverageStart`): after today, the permit is not valid yet.
    @OptionalField(key: "permit_start") var permitStart: String?
    /// The stay before it, when a gap lies between (`PermitState.coverage`): while in it, the person holds a permit.
    @OptionalField(key: "permit_prior_start") var permitPriorStart: String?
    @OptionalField(key: "permit_prior_end") var permitPriorEnd: String?
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "village_code") var villageCode: String?
    @OptionalField(key: "regency_code") var regencyCode: String?
    @OptionalField(key: "passport_key") var passportKey: String?   // OCR-folded (O→0, I→1), for look-ups
    @OptionalField(key: "name_key") var nameKey: String?           // " " + canonical name tokens, sorted + " "
    @OptionalField(key: "person_ref") var personRef: String?       // the immigration system's own id (registry feed)
    @OptionalField(key: "place_of_birth") var placeOfBirth: String?
    @OptionalField(key: "departed") var departedFlag: Bool?        // last border movement was "out": not in the country
    var departed: Bool { departedFlag ?? false }
    @OptionalField(key: "civil_status") var civilStatus: String?
    @OptionalField(key: "spouse_of_citizen") var spouseOfCitizen: Bool?   // UU 6/2011 Art. 63(4): the sponsor need not report   // married | divorced | deceased (from accepted proposals)
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

final class Passport: Model, @unchecked Sendable {
    static let schema = "passports"
    @ID(key: .id) var id: UUID?
    @Parent(key: "foreigner_id") var foreigner: Foreigner
    @Field(key: "number") var number: String
    @Field(key: "issuing_country") var issuingCountry: String
    @OptionalField(key: "issued_on") var issuedOn: String?
    @Field(key: "expires_on") var expiresOn: String
    @Field(key: "is_current") var isCurrent: Bool
    init() {}
}

enum PermitStatus: String, Codable, Sendable, CaseIterable { case active, expired, cancelled, replaced }

final class StayPermit: Model, @unchecked Sendable {
    static let schema = "stay_permits"
    @ID(key: .id) var id: UUID?
    @Parent(key: "foreigner_id") var foreigner: Foreigner
    @Parent(key: "type_code") var type: PermitType
    @Field(key: "number") var number: String
    @Field(key: "start_on") var startOn: String
    @Field(key: "end_on") var endOn: String
    @Field(key: "status") var status: String
    @OptionalParent(key: "sponsor_id") var sponsor: Sponsor?
    @OptionalParent(key: "office_id") var office: Office?
    init() {}
}

final class Address: Model, @unchecked Sendable {
    static let schema = "addresses"
    @ID(key: .id) var id: UUID?
    @Parent(key: "foreigner_id") var foreigner: Foreigner
    @Field(key: "line") var line: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "district_code") var districtCode: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "valid_from") var validFrom: String
    @OptionalField(key: "valid_to") var validTo: String?
    @Field(key: "is_current") var isCurrent: Bool
    init() {}
}

/// A border crossing reported by the immigration system (registry feed `movements.csv`). `crossedAt` is
/// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
final class Movement: Model, @unchecked Sendable {
    static let schema = "movements"
    @ID(key: .id) var id: UUID?
    @Parent(key: "foreigner_id") var foreigner: Foreigner
    @Field(key: "direction") var direction: String   // in | out
    @Field(key: "crossed_at") var crossedAt: String
    @Field(key: "port_code") var portCode: String
    @OptionalField(key: "travel_document") var travelDocument: String?
    @OptionalField(key: "batch_id") var batchID: UUID?
    init() {}
}

final class Employment: Model, @unchecked Sendable {
    static let schema = "employments"
    @ID(key: .id) var id: UUID?
    @Parent(key: "foreigner_id") var foreigner: Foreigner
    @Parent(key: "sponsor_id") var sponsor: Sponsor
    @Field(key: "position") var position: String
    @Field(key: "start_on") var startOn: String
    @OptionalField(key: "end_on") var endOn: String?
    init() {}
}

/// The overstay fee per day, as dated data with its legal basis (UU 6/2011 Art. 78): the rate valid on
/// each day of overstay applies, up to `maxDays`; beyond that the case is deportation and entry ban.
final class OverstayFeeRate: Model, @unchecked Sendable {
    static let schema = "overstay_fee_rates"
    @ID(key: .id) var id: UUID?
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "amount_idr") var amountIDR: Int64
    @Field(key: "max_days") var maxDays: Int
    @Field(key: "basis") var basis: String
    init() {}
    init(validFrom: String, amountIDR: Int64, maxDays: Int, basis: String) {
        self.validFrom = validFrom; self.amountIDR = amountIDR; self.maxDays = maxDays; self.basis = basis
    }

    static var defaults: [OverstayFeeRate] {
        [
            OverstayFeeRate(validFrom: "2015-01-01", amountIDR: 300_000, maxDays: 60, basis: "PP 10/2015; UU 6/2011 Art. 78(1)"),
            OverstayFeeRate(validFrom: "2019-05-03", amountIDR: 1_000_000, maxDays: 60,
                            basis: "PP 28/2019 (replaced by PP 45/2024, in force 18 Dec 2024; amount there not confirmed); UU 6/2011 Art. 78(1)"),
        ]
    }
}
