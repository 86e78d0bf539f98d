import Fluent
import Foundation
import SQLKit

/// The foreigner lists search names through the token index (`NameTokens.searchFilter`) instead of scanning
/// every name, and page in name order from an index instead of sorting the whole jurisdiction:
/// - every foreigner's name words as written join the canonical tokens M015 stored;
/// - an index in the lists' order (family name, given names, id).
struct M040_NameSearch: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var id: UUID; var name_key: String?; var family_name: String; var given_names: String }
        var after: UUID?
        while true {
            // Keyset pages: each page starts after the last id of the previous one.
            let page: SQLQueryString = after.map { "SELECT id, name_key, family_name, given_names FROM foreigners WHERE id > \(bind: $0) ORDER BY id LIMIT 10000" }
                ?? "SELECT id, name_key, family_name, given_names FROM foreigners ORDER BY id LIMIT 10000"
            let rows = try await sql.raw(page).all(decoding: Row.self)
            guard let last = rows.last else { break }
            let added = rows.flatMap { r in
                Set(NameTokens.tokens(ofKey: r.name_key, names: "\(r.family_name) \(r.given_names)")).subtracting(NameTokens.tokens(ofKey: r.name_key)).map { (r.id, $0) }
            }
            for start in stride(from: 0, to: added.count, by: 500) {
                var insert = sql.insert(into: "foreigner_name_tokens").columns("token", "foreigner_id")
                for (id, t) in added[start..<min(added.count, start + 500)] { insert = insert.values(SQLBind(t), SQLBind(id)) }
                try await insert.ignoringConflicts().run()
            }
            after = last.id
        }
        try await sql.create(index: "foreigners_list_idx").on("foreigners").column("family_name").column("given_names").column("id").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "foreigners_list_idx").run()
    }
}
