import Fluent
import Vapor

/// API shapes for foreigners. List items carry summary fields; the detail adds the history tables.
struct ForeignerItem: Content {
    var id: UUID
    var fullName: String
    var familyName: String
    var givenNames: String
    var sex: String
    var dateOfBirth: String?
    var nationality: String
    var passportNumber: String?
    var permitCategory: String?
    var permitEnd: String?
    var status: String
    var daysLeft: Int?
    var daysOverstayed: Int?

    init(_ f: Foreigner, today: String) {
        let state = PermitState(end: f.permitEnd, today: today, departed: f.departed)
        id = f.id!; fullName = f.fullName; familyName = f.familyName; givenNames = f.givenNames; sex = f.sex
        dateOfBirth = f.dateOfBirth; nationality = f.nationality; passportNumber = f.passportNumber
        permitCategory = f.permitCategory; permitEnd = f.permitEnd; status = state.code
        switch state {
        case .valid(let d), .expiring(let d): daysLeft = d
        case .overstayed(let d): daysOverstayed = d
        case .noPermit, .departed: break
        }
    }
}

struct ForeignerDetail: Content {
    struct PassportDTO: Content { var number: String; var issuingCountry: String; var issuedOn: String?; var expiresOn: String; var isCurrent: Bool }
    struct PermitDTO: Content { var number: String; var type: String; var typeLabel: String; var category: String; var startOn: String; var endOn: String; var status: String; var sponsorID: UUID?; var sponsorName: String?; var officeName: String? }
    struct AddressDTO: Content { var line: String; var villageCode: String; var villageName: String?; var districtCode: String; var latitude: Double?; var longitude: Double?; var validFrom: String; var isCurrent: Bool }
    struct EmploymentDTO: Content { var sponsorID: UUID; var sponsorName: String; var position: String; var startOn: String; var endOn: String? }
    struct MovementDTO: Content { var direction: String; var crossedAt: String; var portCode: String; var travelDocument: String? }

    var foreigner: ForeignerItem
    var passports: [PassportDTO]
    var permits: [PermitDTO]
    var addresses: [AddressDTO]
    var employments: [EmploymentDTO]
    /// Border crossings, newest first (registry feed).
    var movements: [MovementDTO]
    var placeOfBirth: String?
    var personRef: String?
    var civilStatus: String?
    var spouseOfCitizen: Bool?
    /// Why the sponsor need not report about this person (UU 6/2011 Art. 63(4)), as a message key; nil when it must.
    var reportingExemption: String?

    static func load(_ f: Foreigner, today: String, on db: any Database) async throws -> ForeignerDetail {
        let id = try f.requireID()
        let passports = try await Passport.query(on: db).filter(\.$foreigner.$id == id).sort(\.$expiresOn, .descending).all()
        let permits = try await StayPermit.query(on: db).filter(\.$foreigner.$id == id).with(\.$type).with(\.$sponsor).with(\.$office).sort(\.$endOn, .descending).all()
        let addresses = try await Address.query(on: db).filter(\.$foreigner.$id == id).sort(\.$validFrom, .descending).all()
        let employments = try await Employment.query(on: db).filter(\.$foreigner.$id == id).with(\.$sponsor).sort(\.$startOn, .descending).all()
        let movements = try await Movement.query(on: db).filter(\.$foreigner.$id == id).sort(\.$crossedAt, .descending).limit(200).all()
        let villages = try await Region.query(on: db).filter(\.$id ~~ addresses.map(\.villageCode)).all()
        let villageName = Dictionary(villages.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return ForeignerDetail(
            foreigner: ForeignerItem(f, today: today),
            passports: passports.map { .init(number: $0.number, issuingCountry: $0.issuingCountry, issuedOn: $0.issuedOn, expiresOn: $0.expiresOn, isCurrent: $0.isCurrent) },
            permits: permits.map { .init(number: $0.number, type: $0.type.id ?? "", typeLabel: $0.type.label, category: $0.type.category, startOn: $0.startOn, endOn: $0.endOn, status: $0.status, sponsorID: $0.$sponsor.id, sponsorName: $0.sponsor?.name, officeName: $0.office?.name) },
            addresses: addresses.map { .init(line: $0.line, villageCode: $0.villageCode, villageName: villageName[$0.villageCode], districtCode: $0.districtCode, latitude: $0.latitude, longitude: $0.longitude, validFrom: $0.validFrom, isCurrent: $0.isCurrent) },
            employments: employments.map { .init(sponsorID: $0.$sponsor.id, sponsorName: $0.sponsor.name, position: $0.position, startOn: $0.startOn, endOn: $0.endOn) },
            movements: movements.map { .init(direction: $0.direction, crossedAt: $0.crossedAt, portCode: $0.portCode, travelDocument: $0.travelDocument) },
            placeOfBirth: f.placeOfBirth, personRef: f.personRef, civilStatus: f.civilStatus, spouseOfCitizen: f.spouseOfCitizen,
            reportingExemption: ReportingExemption.basisKey(spouseOfCitizen: f.spouseOfCitizen, activePermitTypes: permits.filter { $0.status == PermitStatus.active.rawValue }.compactMap { $0.type.id }))
    }
}

struct ListPage<T: Content>: Content {
    var items: [T]
    var total: Int
    var page: Int
    var per: Int

    init(items: [T], total: Int, page: Int, per: Int) {
        self.items = items; self.total = total; self.page = page; self.per = per
    }

    init(items: [T], total: Int, _ paging: Paging) {
        self.init(items: items, total: total, page: paging.page, per: paging.per)
    }

    /// One page of a list that is complete and small by nature (one user's sessions, the rule versions):
    /// never of a list cut by a LIMIT, which would hide what lies beyond it.
    init(complete all: [T], _ req: Request) throws {
        let paging = try Paging(req)
        let items = paging.offset < all.count ? Array(all[paging.offset..<min(all.count, paging.offset + paging.per)]) : []
        self.init(items: items, total: all.count, paging)
    }
}
