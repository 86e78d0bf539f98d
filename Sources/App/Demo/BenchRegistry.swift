import Crypto
import Fluent
import Foundation
import Matching
import SQLKit

/// Loads a synthetic registry for benchmarks from a CSV (family_name, given_names, sex, date_of_birth,
/// nationality, passport_number): one summary row per person in `foreigners` (the columns look-ups,
/// lists and reconciliation read), spread over the villages of one regency, with permit ends from
/// 60 days overstayed to a year ahead. With an `id` column, ids are stable (see `stableID`). No passports/permits detail rows: it is benchmark data.
enum BenchRegistry {
    static func load(path: String, regency: String, today: String, on db: any Database, progress: (Int) -> Void) async throws -> Int {
        let sql = db as! any SQLDatabase
        struct V: Decodable { var id: String }
        let villages = try await sql.raw("SELECT code AS id FROM regions WHERE level = 'village' AND code LIKE \(bind: regency + ".%") ORDER BY code").all(decoding: V.self).map(\.id)
        guard !villages.isEmpty else { throw CommandFailure(message: "no villages under region \(regency)") }
        let reader = try CSVReader(path: path)
        let header = try reader.header()
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw CommandFailure(message: "\(path): no column \(name)") }
            return i
        }
        let idColumn = header.firstIndex(of: "id")
        let fam = try column("family_name"), giv = try column("given_names"), sex = try column("sex"), dob = try column("date_of_birth"),
            nat = try column("nationality"), pas = try column("passport_number")
        let columns = ["id", "family_name", "given_names", "full_name", "sex", "date_of_birth", "nationality", "search_name", "passport_number",
                       "permit_category", "permit_end", "village_code", "regency_code", "passport_key", "name_key"]
        var n = 0
        while true {
            // Read and normalise up to 50,000 rows, then insert them in one transaction.
            var rows: [[SQLBind]] = []
            var tokenRows: [(UUID, [String])] = []
            while rows.count < 50_000, let r = try reader.next() {
                guard r.count == header.count else { throw CommandFailure(message: "\(path):\(reader.line): expected \(header.count) columns") }
                let family = r[fam].uppercased(), given = r[giv].uppercased()
                let full = "\(given) \(family)".trimmingCharacters(in: .whitespaces)
                let passport = r[pas].isEmpty ? nil : r[pas].uppercased()
                let tokens = Normalize.nameTokens("\(family) \(given)")
                let sexValue = ["M", "F"].contains(r[sex].uppercased()) ? r[sex].uppercased() : "X"
                let id = idColumn.map { stableID(r[$0]) } ?? UUID()
                tokenRows.append((id, NameTokens.tokens(ofKey: " " + tokens.joined(separator: " ") + " ", names: "\(family) \(given)")))
                rows.append([
                    SQLBind(id), SQLBind(family), SQLBind(given), SQLBind(full), SQLBind(sexValue), SQLBind(Normalize.date(r[dob])?.description),
                    SQLBind(r[nat].uppercased()), SQLBind(Normalize.fold("\(family) \(given) \(full)")), SQLBind(passport),
                    SQLBind(n % 7 == 0 ? "ITAP" : "ITAS"), SQLBind(Day.adding(n % 425 - 60, to: today)), SQLBind(villages[n % villages.count]), SQLBind(regency),
                    SQLBind(passport.map(Normalize.documentID)), SQLBind(" " + Array(Set(tokens)).sorted().joined(separator: " ") + " "),
                ])
                n += 1
            }
            if rows.isEmpty { break }
            let chunk = rows, tokenChunk = tokenRows
            try await db.writeTransaction { tx in
                let s = tx as! any SQLDatabase
                for start in stride(from: 0, to: chunk.count, by: 400) {
                    var insert = s.insert(into: "foreigners").columns(columns)
                    for row in chunk[start..<min(chunk.count, start + 400)] { insert = insert.values(row) }
                    try await insert.run()
                }
                try await NameTokens.insert(tokenChunk, on: s)
            }
            progress(n)
        }
        try await refreshStatistics(db)
        return n
    }

    /// The registry id of a benchmark record with CSV id `id`: the first 16 bytes of
    /// SHA-256("sinergi-bench|" + id), so the benchmark can score links without a lookup table.
    static func stableID(_ id: String) -> UUID {
        let d = Array(SHA256.hash(data: Data("sinergi-bench|\(id)".utf8)))
        return UUID(uuid: (d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]))
    }
}
