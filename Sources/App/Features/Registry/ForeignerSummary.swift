import Fluent
import Foundation
import Matching

/// Keeps the summary columns of `foreigners` (current passport, permit, sponsor, residence) equal to
/// what the detail tables say. Every write that changes a passport, permit or address calls it.
enum ForeignerSummary {
    static func refresh(_ foreignerID: UUID, on db: any Database) async throws {
        guard let f = try await Foreigner.find(foreignerID, on: db) else { return }
        let passport = try await Passport.query(on: db).filter(\.$foreigner.$id == foreignerID)
            .filter(\.$isCurrent == true).sort(\.$expiresOn, .descending).first()
        let permits = try await StayPermit.query(on: db).filter(\.$foreigner.$id == foreignerID)
            .filter(\.$status == PermitStatus.active.rawValue).sort(\.$endOn, .descending).with(\.$type).all()
        let permit = permits.first
        let address = try await Address.query(on: db).filter(\.$foreigner.$id == foreignerID)
            .filter(\.$isCurrent == true).sort(\.$validFrom, .descending).first()
        f.searchName = Normalize.fold("\(f.familyName) \(f.givenNames) \(f.fullName)")
        // Shown as issued (letters stay letters); the OCR-folded key below is what searches use.
        f.passportNumber = passport.map { String($0.number.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }) }
        f.passportKey = passport.map { Normalize.documentID($0.number) }
        let tokens = Normalize.nameTokens("\(f.familyName) \(f.givenNames) \(f.fullName)")
        f.nameKey = " " + Array(Set(tokens)).sorted().joined(separator: " ") + " "
        f.permitCategory = permit?.type.category
        f.permitEnd = permit?.endOn
        let coverage = PermitState.coverage(permits.map { ($0.startOn, $0.endOn) })
        f.permitStart = coverage.start
        f.permitPriorStart = coverage.priorStart
        f.permitPriorEnd = coverage.priorEnd
        f.sponsorID = permit?.$sponsor.id
        f.villageCode = address?.villageCode
        f.regencyCode = address.flatMap { RegionCode.regency(of: $0.villageCode) }
        try await f.save(on: db)
        try await NameTokens.replace(foreignerID, key: f.nameKey, names: "\(f.familyName) \(f.givenNames)", on: db)
    }
}
