import Fluent
import Foundation
import SQLKit

/// `foreigners.permit_prior_start` and `permit_prior_end`: the stay before the one `permit_start`…`permit_end` describes,
/// when a gap lies between them (`PermitState.coverage`). Someone holding a permit today whose next permit begins after
/// a gap read "not yet valid"; with these they read valid (or expiring) until the permit held ends, and not valid yet in
/// the gap. Filled for the registry already held: only people with several active permits can have a prior stay, and only
/// those who do are written. `foreigners_counts_idx` is made again with every column the status conditions read
/// (`PermitState.sqlCondition`), so the dashboard's counts and the lists' counts are still read from the index alone.
struct M044_PermitPriorStay: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column a statement: SQLite's ALTER TABLE adds one at a time.
        try await db.schema("foreigners").field("permit_prior_start", .string).update()
        try await db.schema("foreigners").field("permit_prior_end", .string).update()
        let sql = db as! any SQLDatabase
        struct Permit: Decodable { var foreigner_id: UUID; var start_on: String; var end_on: String }
        let permits = try await sql.raw("""
            SELECT foreigner_id, start_on, end_on FROM stay_permits
            WHERE status = 'active' AND foreigner_id IN (SELECT foreigner_id FROM stay_permits WHERE status = 'active' GROUP BY foreigner_id HAVING COUNT(*) > 1)
            """).all(decoding: Permit.self)
        for (id, own) in Dictionary(grouping: permits, by: \.foreigner_id) {
            let coverage = PermitState.coverage(own.map { ($0.start_on, $0.end_on) })
            guard coverage.priorEnd != nil else { continue }
            try await sql.raw("""
                UPDATE foreigners SET permit_prior_start = \(bind: coverage.priorStart), permit_prior_end = \(bind: coverage.priorEnd) WHERE id = \(bind: id)
                """).run()
        }
        try await sql.drop(index: "foreigners_counts_idx").run()
        try await Self.countsIndex(sql, ["regency_code", "permit_category", "nationality", "permit_end", "permit_start",
                                         "permit_prior_start", "permit_prior_end", "departed"])
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(index: "foreigners_counts_idx").run()
        try await Self.countsIndex(sql, ["regency_code", "permit_category", "nationality", "permit_end"])
        try await db.schema("foreigners").deleteField("permit_prior_start").update()
        try await db.schema("foreigners").deleteField("permit_prior_end").update()
    }

    static func countsIndex(_ sql: any SQLDatabase, _ columns: [String]) async throws {
        var index = sql.create(index: "foreigners_counts_idx").on("foreigners")
        for c in columns { index = index.column(c) }
        try await index.run()
    }
}
