import Fluent
import Foundation
import Matching
import SQLKit

/// Recomputes each foreigner's stored name keys (`search_name`, `name_key` and the token index) where the names'
/// normalisation now reads them otherwise: Cyrillic and Greek letters are written in Latin as passports write them
/// (`Normalize.transliterated`: Иванов → IVANOV), so a look-up typed either way finds the person. Only rows whose keys
/// change are written; the keys are those `ForeignerSummary.refresh` writes.
struct M046_NameKeysRefreshed: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var id: UUID; var family_name: String; var given_names: String; var full_name: String; var search_name: String?; var name_key: String? }
        var after: UUID?
        while true {
            // Keyset pages: each page starts after the last id of the previous one.
            let columns: SQLQueryString = "SELECT id, family_name, given_names, full_name, search_name, name_key FROM foreigners"
            let page: SQLQueryString = after.map { "\(columns) WHERE id > \(bind: $0) ORDER BY id LIMIT 10000" } ?? "\(columns) ORDER BY id LIMIT 10000"
            let rows = try await sql.raw(page).all(decoding: Row.self)
            guard let last = rows.last else { break }
            for r in rows {
                let keys = ForeignerSummary.nameKeys(family: r.family_name, given: r.given_names, full: r.full_name)
                guard keys.search != r.search_name || keys.nameKey != r.name_key else { continue }
                try await sql.raw("UPDATE foreigners SET search_name = \(bind: keys.search), name_key = \(bind: keys.nameKey) WHERE id = \(bind: r.id)").run()
                try await NameTokens.replace(r.id, key: keys.nameKey, names: "\(r.family_name) \(r.given_names)", on: db)
            }
            after = last.id
        }
    }

    /// The keys are derived data: taking the migration back leaves them as the current code reads names.
    func revert(on db: any Database) async throws {}
}
