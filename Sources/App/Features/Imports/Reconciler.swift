import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// Reconciles an import against the registry: persons with the Matching library (Fellegi-Sunter,
/// learnt on this list and registry), companies by NPWP/NIB and normalised name. Rows a person has
/// decided (accepted/rejected) keep their decision; only the engine's verdict is refreshed.
enum Reconciler {
    /// Matched, review and unmatched: the engine's documented reconciliation settings (`ReconciliationBands`:
    /// automatic at p ≥ 0.90 when names or passport agree, review from 0.50), the same that
    /// `sinergi match --bands` measures on the benchmark sets.
    static let bands = ReconciliationBands()

    struct Verdict: Sendable {
        var rowID: UUID
        var targetID: UUID
        var probability: Double
        var explanation: [Contribution]
        var state: MatchState
        /// The line of the list's row this row was linked through (the list names the person twice, and the other row
        /// tells more: `MatchPair.head`; or the row is a copy of it); nil when linked by its own fields.
        var via: Int? = nil
    }

    /// One field's part in a score: agreement level (-1 missing, 0 disagree … highest exact) and
    /// its weight in bits (log2 of m/u).
    struct Contribution: Content, Equatable {
        var field: String
        var level: Int
        var weight: Double
        /// Whether the level is the field's top one (exact agreement).
        var exact: Bool?
    }

    static func state(_ s: ReconciliationBands.State) -> MatchState {
        switch s {
        case .matched: .matched
        case .review: .review
        case .unmatched: .unmatched
        }
    }

    /// One name field when the list has a single name column; family and given names apart when it has both. The
    /// employer is the list's against the registry's sponsor: a Timpora list is a workplace's, and a worker's name written
    /// by ear is told from a namesake's by where both work (on the Timpora set, automatic recall 0.765 → 0.843 with it,
    /// precision 0.9995 → 0.9977, review 2.35 → 2.78 % of the list: docs/performance.md, session 52).
    static func personFields(splitNames: Bool) -> [FieldSpec] {
        let names = splitNames ? [FieldSpec(column: "family_name", kind: .name), FieldSpec(column: "given_names", kind: .name)] : [FieldSpec(column: "name", kind: .name)]
        return names + [FieldSpec(column: "date_of_birth", kind: .date), FieldSpec(column: "passport_number", kind: .id),
                        FieldSpec(column: "nationality", kind: .category), FieldSpec(column: "sex", kind: .category),
                        FieldSpec(column: "employer", kind: .text)]
    }

    /// Runs the whole reconciliation of one import and stores it. `progress` gets 0…100.
    static func run(_ importID: UUID, db: any Database, progress: @escaping @Sendable (Int) async -> Void) async throws -> (matched: Int, review: Int, unmatched: Int) {
        guard let imp = try await AgencyImport.find(importID, on: db) else { throw Abort(.notFound) }
        let sql = db as! any SQLDatabase
        await progress(5)
        let verdicts: [Verdict]
        if imp.kindValue.isCompanies {
            verdicts = try await companies(imp, sql)
        } else {
            verdicts = try await persons(imp, sql, progress: progress)
        }
        try Task.checkCancellation()
        await progress(90)
        let counts = try await store(verdicts, importID: importID, db: db)
        if imp.kindValue.isCompanies {
            // Two registry sponsors that one listed company points at are proposed for a merge (never merged by themselves).
            _ = try await db.writeTransaction { tx in try await SponsorEdits.proposeFromImport(imp, now: Date(), db: tx) }
        }
        return counts
    }

    static func persons(_ imp: AgencyImport, _ sql: any SQLDatabase, progress: @escaping @Sendable (Int) async -> Void) async throws -> [Verdict] {
        struct Row: Decodable { var id: UUID; var line: Int; var name: String; var family_name: String?; var given_names: String?; var date_of_birth: String?; var age: Int?; var passport_number: String?; var nationality: String?; var sex: String?; var employer: String? }
        struct Reg: Decodable { var id: UUID; var full_name: String; var family_name: String; var given_names: String; var date_of_birth: String?; var passport_number: String?; var nationality: String; var sex: String; var employer: String? }
        let listed = try await sql.raw("SELECT id, line, name, family_name, given_names, date_of_birth, age, passport_number, nationality, sex, employer FROM import_rows WHERE import_id = \(bind: imp.id!) ORDER BY line").all(decoding: Row.self)
        try Task.checkCancellation()
        // A row listed twice, the same in every field compared (a list pasted together from two sheets), is one person:
        // it is matched once and the copy takes its verdict. Matched apart, the two competed for the one registry
        // record at 0.5 each, went to review, and the copy a reviewer turned down was reported as an unregistered
        // foreigner although the person is registered.
        var firstOf: [[String]: Row] = [:]
        var copies: [(copy: UUID, of: Row)] = []
        var rows: [Row] = []
        for r in listed {
            let key = ImportParser.personKey(name: r.name, familyName: r.family_name, givenNames: r.given_names, dateOfBirth: r.date_of_birth,
                                             passportNumber: r.passport_number, nationality: r.nationality, sex: r.sex, age: r.age, employer: r.employer)
            if let first = firstOf[key] { copies.append((r.id, first)) } else { firstOf[key] = r; rows.append(r) }
        }
        await progress(15)
        let registry = try await sql.raw("SELECT id, full_name, family_name, given_names, date_of_birth, passport_number, nationality, sex, (SELECT name FROM sponsors WHERE sponsors.id = foreigners.sponsor_id) AS employer FROM foreigners WHERE \(imp.regionFilter.sql)").all(decoding: Reg.self)
        try Task.checkCancellation()
        await progress(35)
        guard !rows.isEmpty, !registry.isEmpty else { return [] }
        let split = rows.allSatisfy { $0.family_name != nil && $0.given_names != nil }
        // Ages as the list gave them, in the year it was imported: a list rerun a year later is read as it was then.
        let ageShift = Normalize.ageReferenceYear - Calendar(identifier: .gregorian).component(.year, from: imp.createdAt)
        let fields = personFields(splitNames: split)
        let left = Dataset(fields: fields), right = Dataset(fields: fields)
        let leftNames = split ? [rows.map { $0.family_name ?? "" }, rows.map { $0.given_names ?? "" }] : [rows.map(\.name)]
        let rightNames = split ? [registry.map(\.family_name), registry.map(\.given_names)] : [registry.map(\.full_name)]
        var options = MatchOptions()
        options.threshold = bands.reviewAt
        options.oneToOne = true
        options.keepContested = true    // a row several people fit goes to review, not to "unmatched"
        // A background job: leave one core to the pages (on two cores, Swift's cooperative pool has two threads).
        options.concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        left.appendBatch(ids: rows.map { $0.id.uuidString }, raw: leftNames + [
            // A row without a date of birth but with an age: the birth years the age allows (`Normalize.ageMark`), as
            // `sinergi match` reads an age column.
            rows.map { $0.date_of_birth ?? $0.age.map { Normalize.ageMark($0 + ageShift) } ?? "" }, rows.map { $0.passport_number ?? "" }, rows.map { $0.nationality ?? "" }, rows.map { $0.sex ?? "" },
            rows.map { $0.employer ?? "" },
        ], concurrency: options.concurrency)
        right.appendBatch(ids: registry.map { $0.id.uuidString }, raw: rightNames + [
            registry.map { $0.date_of_birth ?? "" }, registry.map { $0.passport_number ?? "" }, registry.map(\.nationality), registry.map(\.sex),
            registry.map { $0.employer ?? "" },
        ], concurrency: options.concurrency)
        await progress(45)
        let result = await Matcher.run(left: left, right: right, options: options)
        try Task.checkCancellation()
        await progress(80)
        let verdicts = result.pairs.map { pair in
            let parts = Matcher.explain(left: left, pair.left, right: right, pair.right, model: result.model)
            return Verdict(rowID: rows[pair.left].id, targetID: registry[pair.right].id, probability: pair.probability,
                           explanation: parts.enumerated().map { (f, c) in
                               Contribution(field: c.field, level: c.level, weight: (c.weight * 100).rounded() / 100, exact: c.level == fields[f].kind.levels - 1) },
                           state: state(bands.state(pair, left: left, right: right)),
                           // Linked through another row of the list (not through another record of the registry's).
                           via: pair.head.flatMap { Int($0.left) != pair.left ? rows[Int($0.left)].line : nil })
        }
        // A row has one verdict: where the registry names one person twice, both records ride on the row's pair, and
        // the likelier is kept.
        let byRow = Dictionary(verdicts.map { ($0.rowID, $0) }, uniquingKeysWith: { a, b in b.probability > a.probability ? b : a })
        let kept = verdicts.filter { byRow[$0.rowID]?.targetID == $0.targetID }
        return kept + copies.compactMap { copy in byRow[copy.of.id].map { v in var c = v; c.rowID = copy.copy; c.via = copy.of.line; return c } }
    }

    /// "PT. ABC Indonesia", "ABC INDONESIA, PT" and "Pt Abc Indonesia Tbk" have one key: folded words
    /// without legal forms.
    static func companyKey(_ name: String) -> String {
        let legal: Set<String> = ["PT", "CV", "TBK", "PERSERO", "UD", "FA", "FIRMA", "PERUM", "KOPERASI", "YAYASAN", "LTD", "CO", "INC", "LIMITED", "CORP"]
        return Normalize.fold(name.replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: ",", with: " "))
            .split(separator: " ").map(String.init).filter { !legal.contains($0) }.joined(separator: " ")
    }

    static func companies(_ imp: AgencyImport, _ sql: any SQLDatabase) async throws -> [Verdict] {
        struct Row: Decodable { var id: UUID; var name: String; var npwp: String?; var nib: String? }
        struct Spo: Decodable { var id: UUID; var name: String; var npwp: String?; var nib: String? }
        let rows = try await sql.raw("SELECT id, name, npwp, nib FROM import_rows WHERE import_id = \(bind: imp.id!)").all(decoding: Row.self)
        let sponsors = try await sql.raw("SELECT id, name, npwp, nib FROM sponsors WHERE kind = 'company' AND merged_into IS NULL AND \(imp.regionFilter.sql)").all(decoding: Spo.self)
        func digits(_ s: String?) -> String? { s.map { $0.filter(\.isNumber) }.flatMap { $0.isEmpty ? nil : $0 } }
        var byNPWP: [String: Int] = [:], byNIB: [String: Int] = [:], byKey: [String: Int] = [:], byToken: [String: [Int]] = [:]
        let keys = sponsors.map { companyKey($0.name) }
        for (k, s) in sponsors.enumerated() {
            if let n = digits(s.npwp) { byNPWP[n] = k }
            if let n = digits(s.nib) { byNIB[n] = k }
            byKey[keys[k]] = k
            if let first = keys[k].split(separator: " ").first { byToken[String(first), default: []].append(k) }
        }
        var out: [Verdict] = []
        for r in rows {
            let key = companyKey(r.name)
            var parts: [Contribution] = []
            var best: (Int, Double)?
            if let n = digits(r.npwp), let k = byNPWP[n] { best = (k, 1.0); parts.append(Contribution(field: "npwp", level: 1, weight: 20, exact: true)) }
            else if let n = digits(r.nib), let k = byNIB[n] { best = (k, 1.0); parts.append(Contribution(field: "nib", level: 1, weight: 20, exact: true)) }
            if best == nil, let k = byKey[key] { best = (k, 0.97) }
            if best == nil, let first = key.split(separator: " ").first {
                for k in byToken[String(first)] ?? [] {
                    let s = Similarity.jaroWinkler(key, keys[k])
                    if s >= 0.85 && s > (best?.1 ?? 0) { best = (k, s) }
                }
                // A name alike but not the same: within the review band (`reviewAt` to just under `acceptAt`), by how alike.
                if let b = best { best = (b.0, min(bands.acceptAt - 0.01, bands.reviewAt + (b.1 - 0.85) / 0.15 * (bands.acceptAt - 0.01 - bands.reviewAt))) }
            }
            guard let (k, p) = best else { continue }
            let nameScore = Similarity.jaroWinkler(key, keys[k])
            parts.append(Contribution(field: "name", level: key == keys[k] ? 2 : nameScore >= 0.85 ? 1 : 0, weight: ((nameScore * 10).rounded() / 10), exact: key == keys[k]))
            out.append(Verdict(rowID: r.id, targetID: sponsors[k].id, probability: p, explanation: parts,
                               state: state(bands.state(probability: p, namesOrDocumentAgree: true))))
        }
        return out
    }

    /// Stores verdicts in short transactions (about 2,000 rows each), so that SQLite's write lock is never
    /// held long enough to make a user's write wait past the busy timeout: undecided rows are reset first,
    /// then get their new verdict; decided rows are left alone. Each transaction first checks that the import
    /// is still being reconciled, so nothing more is written once it is cancelled; the import becomes
    /// "reconciled" only after the last one, and a resumed run starts again from the reset.
    static func store(_ verdicts: [Verdict], importID: UUID, db: any Database) async throws -> (matched: Int, review: Int, unmatched: Int) {
        let companies = try await AgencyImport.find(importID, on: db)?.kindValue.isCompanies ?? false
        let target = companies ? "sponsor_id" : "foreigner_id"
        let encoder = JSONEncoder()
        @Sendable func stillReconciling(_ tx: any Database) async throws {
            guard let imp = try await AgencyImport.find(importID, on: tx), imp.statusValue == .reconciling else { throw CancellationError() }
        }
        try await db.writeTransaction { tx in
            try await stillReconciling(tx)
            try await (tx as! any SQLDatabase).raw("UPDATE import_rows SET foreigner_id = NULL, sponsor_id = NULL, probability = NULL, explanation = NULL, linked_via = NULL, engine_foreigner_id = NULL, held = FALSE, match_state = 'unmatched' WHERE import_id = \(bind: importID) AND decision IS NULL").run()
        }
        for start in stride(from: 0, to: verdicts.count, by: 2_000) {
            let chunk = verdicts[start..<min(verdicts.count, start + 2_000)].map { v in
                (v, String(decoding: (try? encoder.encode(v.explanation)) ?? Data("[]".utf8), as: UTF8.self))
            }
            try await db.writeTransaction { tx in
                try await stillReconciling(tx)
                let sql = tx as! any SQLDatabase
                for (v, json) in chunk {
                    try await sql.raw("UPDATE import_rows SET \(ident: target) = \(bind: v.targetID), engine_foreigner_id = \(bind: companies ? nil : v.targetID), probability = \(bind: v.probability), explanation = \(bind: json), linked_via = \(bind: v.via), match_state = \(bind: v.state.rawValue) WHERE id = \(bind: v.rowID) AND decision IS NULL").run()
                }
            }
        }
        try await db.writeTransaction { tx in
            try await stillReconciling(tx)
            try await hold(importID, db: tx)
        }
        return try await counts(importID, db: db)
    }

    /// Holds for review the engine's matches (not its rows already in review) made through a row an officer has turned
    /// down or linked to another person than the one the match is of, and lets the others stand again
    /// (`import_rows.held`); the engine's verdict is not touched. A copy's first row may itself be matched through
    /// another (`Reconciler.persons`): a row whose row is held is held too, so each call runs twice, the second time
    /// over the rows matched through those the first one set.
    /// After a decision on `line`: the rows matched through it and their copies; returns how many of them are held and
    /// undecided.
    static func hold(_ importID: UUID, through line: Int, db: any Database) async throws -> Int {
        let direct: SQLQueryString = "r.import_id = \(bind: importID) AND r.linked_via = \(bind: line)"
        let copies: SQLQueryString = "r.import_id = \(bind: importID) AND r.linked_via IN (SELECT d.line FROM import_rows d WHERE d.import_id = \(bind: importID) AND d.linked_via = \(bind: line))"
        try await hold(where: direct, db: db)
        try await hold(where: copies, db: db)
        struct N: Decodable { var n: Int }
        return try await (db as! any SQLDatabase).raw("""
            SELECT COUNT(*) AS n FROM import_rows AS r WHERE r.held AND r.decision IS NULL AND ((\(direct)) OR (\(copies)))
            """).first(decoding: N.self)?.n ?? 0
    }

    /// After a run: every row of the import (only those whose hold changes are written).
    static func hold(_ importID: UUID, db: any Database) async throws {
        for _ in 0..<2 { try await hold(where: "r.import_id = \(bind: importID)", db: db) }
    }

    /// Every import's rows (the migration that brought the hold in: rows decided on before it).
    static func holdAll(db: any Database) async throws {
        for _ in 0..<2 { try await hold(where: "r.import_id IS NOT NULL", db: db) }
    }

    private static func hold(where rows: SQLQueryString, db: any Database) async throws {
        // A correlated EXISTS on the list's own rows (indexed by import and line); SQLite and PostgreSQL alike. The
        // person a row's match is of is the engine's (`engine_foreigner_id`; before it was kept, the row's own).
        let engines: SQLQueryString = "COALESCE(r.engine_foreigner_id, r.foreigner_id)"
        let doubted: SQLQueryString = """
            EXISTS (SELECT 1 FROM import_rows h WHERE h.import_id = r.import_id AND h.line = r.linked_via
                    AND (h.decision = 'rejected'
                         OR (h.decision = 'accepted' AND h.foreigner_id IS NOT NULL AND \(engines) IS NOT NULL AND h.foreigner_id <> \(engines))
                         OR (h.decision IS NULL AND h.held)))
            """
        try await (db as! any SQLDatabase).raw("""
            UPDATE import_rows AS r SET held = (r.match_state = 'matched' AND \(doubted))
            WHERE \(rows) AND r.linked_via IS NOT NULL AND r.held <> (r.match_state = 'matched' AND \(doubted))
            """).run()
    }

    static func counts(_ importID: UUID, db: any Database) async throws -> (matched: Int, review: Int, unmatched: Int) {
        struct C: Decodable { var state: String; var n: Int }
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw("""
            SELECT \(ImportRow.effectiveStateSQL) AS state,
                   COUNT(*) AS n FROM import_rows WHERE import_id = \(bind: importID) GROUP BY 1
            """).all(decoding: C.self)
        var m = 0, r = 0, u = 0
        for c in rows { switch c.state { case "matched": m += c.n; case "review": r += c.n; default: u += c.n } }
        return (m, r, u)
    }
}
