import Foundation
import Fluent
import SQLKit

/// `foreigners.permit_start`: the first day of the stay the current permit ends (`PermitState.coverageStart`), so that
/// a permit issued ahead of an arrival reads "not yet valid" instead of "valid". Filled for the registry already held:
/// a person's one active permit gives its start in one statement; the few with several are worked out one by one.
struct M043_PermitStart: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("foreigners").field("permit_start", .string).update()
        let sql = db as! any SQLDatabase
        try await sql.raw("""
            UPDATE foreigners SET permit_start = (SELECT MIN(p.start_on) FROM stay_permits p WHERE p.foreigner_id = foreigners.id AND p.status = 'active')
            WHERE permit_end IS NOT NULL
            """).run()
        struct Several: Decodable { var foreigner_id: UUID }
        struct Permit: Decodable { var start_on: String; var end_on: String }
        let several = try await sql.raw("""
            SELECT foreigner_id FROM stay_permits WHERE status = 'active' GROUP BY foreigner_id HAVING COUNT(*) > 1
            """).all(decoding: Several.self)
        for s in several {
            let permits = try await sql.raw("SELECT start_on, end_on FROM stay_permits WHERE foreigner_id = \(bind: s.foreigner_id) AND status = 'active'")
                .all(decoding: Permit.self)
            try await sql.raw("UPDATE foreigners SET permit_start = \(bind: PermitState.coverageStart(permits.map { ($0.start_on, $0.end_on) })) WHERE id = \(bind: s.foreigner_id)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("foreigners").deleteField("permit_start").update()
    }
}
