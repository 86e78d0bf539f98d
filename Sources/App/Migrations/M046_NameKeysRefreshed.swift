import Fluent
import Foundation
import Matching
import SQLKit

/// Recomputes the stored name keys (`search_name`, `name_key` and the token index) of foreigners whose names the
/// normalisation now reads otherwise: Cyrillic or Greek letters, written in Latin as passports write them
/// (`Normalize.transliterated`: Иванов → IVANOV), and a patronymic particle as the name's first word, kept there
/// (`AL HASHIMI`, `BIN`: a Chinese given name), so a look-up typed either way finds the person. Other rows are read
/// and left alone; the changed rows of each page of 10,000 are written in one transaction. The keys are those
/// `ForeignerSummary.refresh` writes.
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
            let changed = rows.compactMap { r -> (Row, (search: String, nameKey: String))? in
                let names = "\(r.family_name) \(r.given_names) \(r.full_name)"
                guard names.unicodeScalars.contains(where: { (0x0370...0x04FF).contains($0.value) }) || Normalize.startsWithPatronymic(names) else { return nil }
                let keys = ForeignerSummary.nameKeys(family: r.family_name, given: r.given_names, full: r.full_name)
                return keys.search != r.search_name || keys.nameKey != r.name_key ? (r, keys) : nil
            }
            if !changed.isEmpty {
                try await db.transaction { tx in
                    let sql = tx as! any SQLDatabase
                    for (r, keys) in changed {
                        try await sql.raw("UPDATE foreigners SET search_name = \(bind: keys.search), name_key = \(bind: keys.nameKey) WHERE id = \(bind: r.id)").run()
                        try await sql.raw("DELETE FROM foreigner_name_tokens WHERE foreigner_id = \(bind: r.id)").run()
                    }
                    try await NameTokens.insert(changed.map { ($0.0.id, NameTokens.tokens(ofKey: $0.1.nameKey, names: "\($0.0.family_name) \($0.0.given_names)")) }, on: sql)
                }
            }
            after = last.id
        }
    }

    /// The keys are derived data: taking the migration back leaves them as the current code reads names.
    func revert(on db: any Database) async throws {}
}
