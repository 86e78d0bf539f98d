import Fluent
import Foundation

/// An administrative region with its official Kemendagri code (e.g. `35.16.05.2001`).
final class Region: Model, @unchecked Sendable {
    static let schema = "regions"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: String          // province | regency | district | village
    @OptionalField(key: "parent_code") var parentCode: String?
    @OptionalField(key: "postal_code") var postalCode: String?
    init() {}
}

enum RegionLevel: String, CaseIterable, Sendable {
    case province, regency, district, village
}

/// Region-code helpers: codes are dotted prefixes of their descendants.
enum RegionCode {
    static func regency(of code: String) -> String? {
        let parts = code.split(separator: ".")
        return parts.count >= 2 ? parts[0...1].joined(separator: ".") : nil
    }
    static func district(of code: String) -> String? {
        let parts = code.split(separator: ".")
        return parts.count >= 3 ? parts[0...2].joined(separator: ".") : nil
    }
    /// Whether two regions overlap: the same, or one lies inside the other (35.16 and 35.16.05.2010).
    static func overlaps(_ a: String, _ b: String) -> Bool {
        a == b || a.hasPrefix(b + ".") || b.hasPrefix(a + ".")
    }
    /// The zone local times are read and shown in for a place: WITA for Bali, Nusa Tenggara, South, East and
    /// North Kalimantan and Sulawesi; WIT for Maluku and Papua; WIB elsewhere.
    static func timeZone(of code: String) -> TimeZone {
        switch Int(code.prefix(2)) ?? 0 {
        case 51, 52, 53, 63, 64, 65, 71...76: return TimeZone(identifier: "Asia/Makassar")!
        case 81, 82, 91...99: return TimeZone(identifier: "Asia/Jayapura")!
        default: return TimeZone(identifier: "Asia/Jakarta")!
        }
    }

    static func isValid(_ code: String) -> Bool {
        let parts = code.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}

final class Office: Model, @unchecked Sendable {
    static let schema = "offices"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "village_code") var villageCode: String
    /// Field checks, inspections and operations need an order (surat perintah); on unless the admin turns it off.
    @OptionalField(key: "orders_required") var ordersRequired: Bool?
    init() {}
    init(id: UUID? = nil, code: String, name: String, timeZone: String, villageCode: String) {
        self.id = id; self.code = code; self.name = name; self.timeZone = timeZone; self.villageCode = villageCode
    }
}

/// One regency/city in an office's jurisdiction.
final class OfficeJurisdiction: Model, @unchecked Sendable {
    static let schema = "office_jurisdictions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "office_id") var office: Office
    @Field(key: "regency_code") var regencyCode: String
    init() {}
    init(officeID: UUID, regencyCode: String) { self.$office.id = officeID; self.regencyCode = regencyCode }
}

enum AgencyType: String, CaseIterable, Codable, Sendable {
    case polri, tni, kejaksaan, bin, kesbangpol, disnaker, dukcapil, satpolPP = "satpol_pp", bnn, kecamatan, other

    var label: String {
        switch self {
        case .polri: "Polri"
        case .tni: "TNI"
        case .kejaksaan: "Kejaksaan"
        case .bin: "BIN"
        case .kesbangpol: "Kesbangpol"
        case .disnaker: "Disnaker"
        case .dukcapil: "Dukcapil"
        case .satpolPP: "Satpol PP"
        case .bnn: "BNN"
        case .kecamatan: "Kecamatan"
        case .other: "Lainnya"
        }
    }
}

/// A Timpora member agency and the region it covers.
final class Agency: Model, @unchecked Sendable {
    static let schema = "agencies"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @Field(key: "region_code") var regionCode: String
    @Field(key: "active") var active: Bool
    init() {}
    init(id: UUID? = nil, name: String, type: AgencyType, regionCode: String) {
        self.id = id; self.name = name; self.type = type.rawValue; self.regionCode = regionCode; self.active = true
    }
}

/// An industrial estate or other workplace grouping several sponsor companies.
final class Estate: Model, @unchecked Sendable {
    static let schema = "estates"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "village_code") var villageCode: String
    @OptionalField(key: "area_ha") var areaHa: Double?
    init() {}
    init(id: UUID? = nil, name: String, villageCode: String, areaHa: Double?) {
        self.id = id; self.name = name; self.villageCode = villageCode; self.areaHa = areaHa
    }
}

enum SponsorKind: String, Codable, Sendable { case company, individual }

final class Sponsor: Model, @unchecked Sendable {
    static let schema = "sponsors"
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "nib") var nib: String?
    @OptionalField(key: "npwp") var npwp: String?
    @OptionalField(key: "sector") var sector: String?
    @Field(key: "address") var address: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "regency_code") var regencyCode: String
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "language") var language: String
    @OptionalParent(key: "estate_id") var estate: Estate?
    @OptionalField(key: "sponsor_ref") var sponsorRef: String?   // the immigration system's own id (registry feed)
    @OptionalField(key: "merged_into") var mergedInto: UUID?     // a duplicate merged into another record (kept, never deleted)
    init() {}
}

/// Reference table of stay-permit types (e-Visa index codes are data, not enums).
final class PermitType: Model, @unchecked Sendable {
    static let schema = "permit_types"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "label") var label: String
    @Field(key: "category") var category: String   // ITK | ITAS | ITAP | other
    @OptionalField(key: "max_days") var maxDays: Int?
    init() {}
    init(code: String, label: String, category: String, maxDays: Int?) {
        self.id = code; self.label = label; self.category = category; self.maxDays = maxDays
    }
}
