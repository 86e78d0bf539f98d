import Deadlines
import Fluent
import SQLKit

/// Corrections to legal defaults (issue 16): the arrival report is due 30 days after arrival (Permenkumham
/// 22/2023), not 14 — changed where the office still has the shipped 14-day rule; and the registry records whether
/// a foreigner is married to an Indonesian citizen (UU 6/2011 Art. 63(4) exempts the sponsor's reporting duty).
struct M029_LegalCorrections: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("""
            UPDATE deadline_rules SET amount = 30, basis = \(bind: DeadlineRule.arrivalBasis)
            WHERE report_type = 'arrival' AND amount = 14 AND basis LIKE 'Office policy%'
            """).run()
        try await db.schema("foreigners").field("spouse_of_citizen", .bool, .sql(.default(false))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("foreigners").deleteField("spouse_of_citizen").update()
    }
}

/// UU 6/2011 Art. 63(4): the sponsor's duty to report does not apply to a foreigner married to an Indonesian
/// citizen, nor to a foreign investor. No obligations are generated for them; they are shown as exempt with the basis.
enum ReportingExemption {
    /// Permit types held by foreign investors (ITAS investor).
    static let investorPermitTypes = ["E28A"]

    /// Why the person is exempt (a message key), or nil.
    static func basisKey(spouseOfCitizen: Bool?, activePermitTypes: [String]) -> String? {
        if spouseOfCitizen == true { return "exempt.spouse" }
        if activePermitTypes.contains(where: investorPermitTypes.contains) { return "exempt.investor" }
        return nil
    }

    /// SQL: foreigner `f` is not exempt.
    static var notExemptSQL: SQLQueryString {
        SQLQueryString("f.spouse_of_citizen IS NOT TRUE AND NOT EXISTS (SELECT 1 FROM stay_permits x WHERE x.foreigner_id = f.id AND x.status = 'active' AND x.type_code IN (\(binds: investorPermitTypes)))")
    }

    static func basisKey(_ f: Foreigner, on db: any Database) async throws -> String? {
        let types = try await StayPermit.query(on: db).filter(\.$foreigner.$id == f.id!).filter(\.$status == PermitStatus.active.rawValue).all().map(\.$type.id)
        return basisKey(spouseOfCitizen: f.spouseOfCitizen, activePermitTypes: types)
    }
}
