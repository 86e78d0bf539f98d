import Fluent
import Foundation
import Matching
import SQLKit

/// Keeps the summary columns of `foreigners` (current passport, permit, sponsor, residence) equal to
/// what the detail tables say. Every write that changes a passport, permit or address calls it.
/// The permit's dates are kept whatever the day (`PermitState` reads the state of any day from them); its category and
/// sponsor are those of the permit held on `today` (`PermitState.held`), which the daily job moves on
/// (`followTheDay`) when a stay begins.
enum ForeignerSummary {
    static func refresh(_ foreignerID: UUID, today: String, on db: any Database) async throws {
        guard let f = try await Foreigner.find(foreignerID, on: db) else { return }
        let passport = try await Passport.query(on: db).filter(\.$foreigner.$id == foreignerID)
            .filter(\.$isCurrent == true).sort(\.$expiresOn, .descending).first()
        let permits = try await StayPermit.query(on: db).filter(\.$foreigner.$id == foreignerID)
            .filter(\.$status == PermitStatus.active.rawValue).sort(\.$endOn, .descending).with(\.$type).all()
        let permit = permits.first
        let held = PermitState.held(permits.map { ($0.startOn, $0.endOn) }, today: today).map { permits[$0] }
        let address = try await Address.query(on: db).filter(\.$foreigner.$id == foreignerID)
            .filter(\.$isCurrent == true).sort(\.$validFrom, .descending).first()
        let keys = nameKeys(family: f.familyName, given: f.givenNames, full: f.fullName)
        f.searchName = keys.search
        // Shown as issued (letters stay letters); the OCR-folded key below is what searches use.
        f.passportNumber = passport.map { String($0.number.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }) }
        f.passportKey = passport.map { Normalize.documentID($0.number) }
        f.nameKey = keys.nameKey
        f.permitCategory = held?.type.category
        f.permitEnd = permit?.endOn
        let coverage = PermitState.coverage(permits.map { ($0.startOn, $0.endOn) })
        f.permitStart = coverage.start
        f.permitPriorStart = coverage.priorStart
        f.permitPriorEnd = coverage.priorEnd
        f.sponsorID = held?.$sponsor.id
        f.villageCode = address?.villageCode
        f.regencyCode = address.flatMap { RegionCode.regency(of: $0.villageCode) }
        try await f.save(on: db)
        try await NameTokens.replace(foreignerID, key: f.nameKey, names: "\(f.familyName) \(f.givenNames)", on: db)
    }

    /// A person's stored name keys: the folded names a list search reads (`search_name`) and the canonical tokens a
    /// look-up reads (`name_key`, spaces around each).
    static func nameKeys(family: String, given: String, full: String) -> (search: String, nameKey: String) {
        let tokens = Normalize.nameTokens("\(family) \(given) \(full)")
        return (Normalize.fold("\(family) \(given) \(full)"), " " + Array(Set(tokens)).sorted().joined(separator: " ") + " ")
    }

    /// The daily job's step, before the warning scan: the people for whom a stay began in the 31 days up to `day` (the
    /// one after a gap, or the one before it) get their category and sponsor from the permit they now hold. Each
    /// refresh is its own short transaction. Returns how many were looked at.
    static func followTheDay(_ day: String, on db: any Database) async throws -> Int {
        guard let since = Day.adding(-31, to: day) else { return 0 }
        struct Row: Decodable { var id: UUID }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT id FROM foreigners WHERE permit_prior_end IS NOT NULL
              AND ((permit_start > \(bind: since) AND permit_start <= \(bind: day)) OR (permit_prior_start > \(bind: since) AND permit_prior_start <= \(bind: day)))
            """).all(decoding: Row.self)
        for row in rows {
            try await db.transaction { try await refresh(row.id, today: day, on: $0) }
        }
        return rows.count
    }
}
