import Fluent
import Foundation
import Matching
import SQLKit

/// An index of canonical name tokens (one row per token and foreigner), so a name look-up is an index
/// search, not a scan of every `name_key`. Filled for existing records here; kept by ForeignerSummary.
struct M015_NameTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("foreigner_name_tokens")
            .field("token", .string, .required)
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .compositeIdentifier(over: "token", "foreigner_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "foreigner_name_tokens_foreigner_idx").on("foreigner_name_tokens").column("foreigner_id").run()
        struct Row: Decodable { var id: UUID; var name_key: String? }
        var after: UUID?
        while true {
            // Keyset pages: each page starts after the last id of the previous one.
            let page: SQLQueryString = after.map { "SELECT id, name_key FROM foreigners WHERE id > \(bind: $0) ORDER BY id LIMIT 10000" }
                ?? "SELECT id, name_key FROM foreigners ORDER BY id LIMIT 10000"
            let rows = try await sql.raw(page).all(decoding: Row.self)
            guard let last = rows.last else { break }
            try await NameTokens.insert(rows.map { ($0.id, NameTokens.tokens(ofKey: $0.name_key)) }, on: sql)
            after = last.id
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("foreigner_name_tokens").delete()
    }
}

enum NameTokens {
    static func tokens(ofKey key: String?) -> [String] {
        Array(Set((key ?? "").split(separator: " ").map(String.init).filter { !$0.isEmpty }))
    }

    /// A person's tokens: the canonical spellings of the look-up (`name_key`) and the words as written (`names`),
    /// so a list search finds what is typed by the beginning of a word. A word as written never equals another
    /// spelling's canonical token (those map to it), so look-ups, which search canonical tokens, find the same.
    static func tokens(ofKey key: String?, names: String) -> [String] {
        Array(Set(tokens(ofKey: key)).union(Normalize.nameWords(names)))
    }

    static func insert(_ rows: [(UUID, [String])], on sql: any SQLDatabase) async throws {
        var pairs = rows.flatMap { r in r.1.map { (r.0, $0) } }
        try await insert(pairs: &pairs, on: sql)
    }

    /// Inserts (person, token) pairs in token order (the primary key's): consecutive inserts land on neighbouring
    /// pages of its B-tree, and a first load appends to it.
    static func insert(pairs: inout [(UUID, String)], on sql: any SQLDatabase) async throws {
        pairs.sort { $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) }
        for start in stride(from: 0, to: pairs.count, by: 500) {
            var insert = sql.insert(into: "foreigner_name_tokens").columns("token", "foreigner_id")
            for (id, t) in pairs[start..<min(pairs.count, start + 500)] { insert = insert.values(SQLBind(t), SQLBind(id)) }
            try await insert.run()
        }
    }

    static func replace(_ id: UUID, key: String?, names: String, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DELETE FROM foreigner_name_tokens WHERE foreigner_id = \(bind: id)").run()
        try await insert([(id, tokens(ofKey: key, names: names))], on: sql)
    }

    /// The ids of foreigners having every token, when there are at most `limit` of them (nil: more).
    /// A short list of ids lets both databases use the primary key instead of guessing at a plan.
    static func candidates(_ tokens: [String], limit: Int, on db: any Database) async throws -> [UUID]? {
        struct Row: Decodable { var foreigner_id: UUID }
        let parts = tokens.map { SQLQueryString("SELECT foreigner_id FROM foreigner_name_tokens WHERE token = \(bind: $0)") }
        let rows = try await (db as! any SQLDatabase).raw("\(SQLList(parts, separator: SQLRaw(" INTERSECT "))) LIMIT \(unsafeRaw: String(limit + 1))").all(decoding: Row.self)
        return rows.count > limit ? nil : rows.map(\.foreigner_id)
    }

    /// `id IN (…)`: foreigners having, for every word typed, a token that is the word's canonical spelling
    /// (LEE finds LI, YI, RHEE) or begins with the word as typed (TANA finds TANAKA), from the token index.
    /// `spellings`: other ways the word is written, each a whole token (`ForeignerSearch.umlautSpellings`).
    static func searchFilter(_ words: [(typed: String, canonical: String?, spellings: [String])], postgres: Bool) -> any SQLExpression {
        let parts = words.map { w -> SQLQueryString in
            var prefix = SQLPrefix.condition("token", w.typed, postgres: postgres)
            if !w.spellings.isEmpty { prefix = "(\(prefix) OR token IN (\(SQLList(w.spellings.map { SQLBind($0) }))))" }
            guard let canonical = w.canonical, canonical != w.typed else { return "SELECT foreigner_id FROM foreigner_name_tokens WHERE \(prefix)" }
            return "SELECT foreigner_id FROM foreigner_name_tokens WHERE token = \(bind: canonical) OR \(prefix)"
        }
        return SQLQueryString("id IN (\(SQLList(parts, separator: SQLRaw(" INTERSECT "))))")
    }

    /// `id IN (…)`: foreigners having every token.
    static func filter(_ tokens: [String]) -> any SQLExpression {
        let parts = tokens.map { SQLQueryString("SELECT foreigner_id FROM foreigner_name_tokens WHERE token = \(bind: $0)") }
        return SQLQueryString("id IN (\(SQLList(parts, separator: SQLRaw(" INTERSECT "))))")
    }
}
