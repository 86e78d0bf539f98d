import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// A merge of two sponsor records that are one company or person: proposed by the reconciliation of a
/// company list (`source` `import`, `sourceID` the list's row) or done by an officer at once (`officer`).
/// Nothing is deleted: the duplicate keeps its row with `merged_into` set, and every reference moves to the kept one.
final class SponsorMerge: Model, @unchecked Sendable {
    static let schema = "sponsor_merges"
    @ID(key: .id) var id: UUID?
    @Field(key: "kept_id") var keptID: UUID
    @Field(key: "merged_id") var mergedID: UUID
    @Field(key: "source") var source: String          // officer | import
    @OptionalField(key: "source_id") var sourceID: UUID?
    @Field(key: "evidence") var evidence: String      // npwp | nib | name
    @Field(key: "status") var status: String          // open | accepted | rejected
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "moved") var moved: String?   // JSON: table → rows moved
    init() {}
}

struct M030_SponsorMerges: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("sponsors").field("merged_into", .uuid).update()
        try await db.schema("sponsor_merges")
            .id()
            .field("kept_id", .uuid, .required, .references("sponsors", "id"))
            .field("merged_id", .uuid, .required, .references("sponsors", "id"))
            .field("source", .string, .required)
            .field("source_id", .uuid)
            .field("evidence", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("moved", .string)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "sponsor_merges_status_idx").on("sponsor_merges").column("status").column("created_at").run()
        try await sql.create(index: "sponsors_nib_idx").on("sponsors").column("nib").run()
        try await sql.create(index: "sponsors_npwp_idx").on("sponsors").column("npwp").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for index in ["sponsors_nib_idx", "sponsors_npwp_idx"] { try await sql.drop(index: index).run() }
        try await db.schema("sponsor_merges").delete()
        try await db.schema("sponsors").deleteField("merged_into").update()
    }
}

/// Officers keep sponsors current: create one (a company with NIB/NPWP, or an individual), correct its
/// fields, and merge two records of one sponsor. Every change is written with its history row (before,
/// after, who, when, why) and an audit event in one transaction.
enum SponsorEdits {
    /// `POST /api/v1/sponsors` and `PATCH /api/v1/sponsors/{id}`: absent fields stay as they are on a PATCH.
    struct Input: Content {
        var kind: String?
        var name: String?
        var nib: String?
        var npwp: String?
        var sector: String?
        var address: String?
        var villageCode: String?
        var email: String?
        var phone: String?
        var language: String?
        var reason: String?
    }

    struct MergeInput: Content { var duplicateId: UUID?; var reason: String? }
    struct Decision: Content { var note: String? }

    /// Every table that names a sponsor: a merge moves their rows to the kept sponsor (a test checks the
    /// list against the schema, so a new table cannot be forgotten).
    static let referencing = ["foreigners", "stay_permits", "employments", "users", "import_rows", "field_tasks", "public_reports", "operation_targets",
                              "inspections", "permit_warnings", "sponsor_reports", "rptka", "tka_assignments", "dkptka_payments", "agent_grants"]
    /// Tables where a sponsor's rows are unique by another column too: a merge whose two sponsors share such a value is refused.
    static let uniquePerSponsor: [(table: String, column: String)] = [("rptka", "number"), ("tka_assignments", "foreigner_id"),
                                                                       ("dkptka_payments", "reference"), ("sponsor_reports", "client_id")]

    // MARK: - Checks

    /// NIB (OSS business identification number): 13 digits.
    static func nib(_ s: String?) throws -> String? {
        guard let v = s?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        let digits = v.filter { !" .-".contains($0) }
        guard digits.count == 13, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { throw ValidationFailure("v.nib", field: "nib") }
        return digits
    }

    /// NPWP: 15 digits (written 01.234.567.8-901.000) or, since 2024, 16 (a NIK-based number); kept as written.
    static func npwp(_ s: String?) throws -> String? {
        guard let v = s?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        let digits = v.filter(\.isNumber)
        guard [15, 16].contains(digits.count), v.allSatisfy({ $0.isASCII && ($0.isNumber || " .-".contains($0)) }) else { throw ValidationFailure("v.npwp", field: "npwp") }
        return v
    }

    static func email(_ s: String?) throws -> String? {
        guard let v = try ValidationFailure.text(s, "email", max: 200) else { return nil }
        guard let e = EmailAddress(v) else { throw ValidationFailure("v.email", field: "email") }
        return e.value
    }

    static func phone(_ s: String?) throws -> String? {
        guard let v = try ValidationFailure.text(s, "phone", max: 30) else { return nil }
        guard v.filter(\.isNumber).count >= 6, v.allSatisfy({ $0.isNumber || " +-()".contains($0) }) else { throw ValidationFailure("v.phone", field: "phone") }
        return v
    }

    /// The digits of an NPWP or NIB, to compare numbers written differently.
    static func digits(_ s: String?) -> String? { s.map { $0.filter(\.isNumber) }.flatMap { $0.isEmpty ? nil : $0 } }

    /// The values an input sets (all of them on create), checked; `nil` entries are fields cleared.
    static func values(_ input: Input, current: Sponsor?, jurisdiction: [String], db: any Database) async throws -> [String: String?] {
        var v: [String: String?] = [:]
        if current == nil || input.kind != nil {
            guard let k = input.kind?.trimmingCharacters(in: .whitespaces).lowercased(), !k.isEmpty else { throw ValidationFailure("v.required", field: "kind") }
            guard SponsorKind(rawValue: k) != nil else { throw ValidationFailure("v.oneOf", field: "kind", "company, individual") }
            v["kind"] = k
        }
        if current == nil || input.name != nil {
            guard let n = try ValidationFailure.text(input.name, "name", max: 200), n.contains(where: \.isLetter) else { throw ValidationFailure("v.required", field: "name") }
            v["name"] = n
        }
        if current == nil || input.address != nil {
            v["address"] = try ValidationFailure.required(input.address, "address", max: 300)
        }
        if current == nil || input.villageCode != nil {
            let code = try await RegistryEdits.village(input.villageCode, "villageCode", db: db)
            guard let regency = RegionCode.regency(of: code), jurisdiction.contains(regency) else { throw ValidationFailure("v.regionInJurisdiction", field: "villageCode") }
            v["villageCode"] = code
        }
        if input.nib != nil { v["nib"] = try nib(input.nib) }
        if input.npwp != nil { v["npwp"] = try npwp(input.npwp) }
        if input.sector != nil { v["sector"] = try ValidationFailure.text(input.sector, "sector", max: 100) }
        if input.email != nil { v["email"] = try email(input.email) }
        if input.phone != nil { v["phone"] = try phone(input.phone) }
        if current == nil || input.language != nil {
            let l = input.language?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard l.isEmpty || ["id", "en"].contains(l) else { throw ValidationFailure("v.oneOf", field: "language", "id, en") }
            v["language"] = l.isEmpty ? (current?.language ?? "id") : l
        }
        let kind = (v["kind"] ?? nil) ?? current?.kind
        // A company is identified by its NIB or NPWP; an individual needs neither.
        if kind == "company" {
            let nibValue = v.keys.contains("nib") ? v["nib"]! : current?.nib
            let npwpValue = v.keys.contains("npwp") ? v["npwp"]! : current?.npwp
            if nibValue == nil && npwpValue == nil { throw ValidationFailure("v.companyId", field: "nib") }
        }
        return v
    }

    static func current(_ s: Sponsor, _ field: String) -> String? {
        switch field {
        case "kind": return s.kind
        case "name": return s.name
        case "nib": return s.nib
        case "npwp": return s.npwp
        case "sector": return s.sector
        case "address": return s.address
        case "villageCode": return s.villageCode
        case "email": return s.email
        case "phone": return s.phone
        case "language": return s.language
        default: return nil
        }
    }

    static func set(_ s: Sponsor, _ field: String, _ value: String?) {
        switch field {
        case "kind": s.kind = value ?? s.kind
        case "name": s.name = value ?? s.name
        case "nib": s.nib = value
        case "npwp": s.npwp = value
        case "sector": s.sector = value
        case "address": s.address = value ?? s.address
        case "villageCode":
            s.villageCode = value ?? s.villageCode
            s.regencyCode = RegionCode.regency(of: s.villageCode) ?? s.regencyCode
        case "email": s.email = value
        case "phone": s.phone = value
        case "language": s.language = value ?? s.language
        default: break
        }
    }

    /// Another live sponsor with the same NIB or NPWP (by digits): one company is kept once.
    static func duplicate(of values: [String: String?], except id: UUID?, db: any Database) async throws -> Sponsor? {
        for (field, column) in [("nib", "nib"), ("npwp", "npwp")] {
            guard let value = values[field] ?? nil, let d = digits(value) else { continue }
            let sql = db as! any SQLDatabase
            struct Row: Decodable { var id: UUID; var value: String? }
            let rows = try await sql.raw("SELECT id, \(ident: column) AS value FROM sponsors WHERE merged_into IS NULL AND \(ident: column) IS NOT NULL").all(decoding: Row.self)
            if let hit = rows.first(where: { $0.id != id && digits($0.value) == d }) { return try await Sponsor.find(hit.id, on: db) }
        }
        return nil
    }

    static func history(_ sponsor: UUID, name: String, _ changes: [(field: String, old: String?, new: String?)], source: String, reason: String, by p: Principal,
                        at now: Date, on db: any Database) async throws {
        try await RegistryEdits.history(changes.map { .init(foreignerID: nil, objectType: "sponsor", objectID: sponsor, record: nil, field: $0.field, old: $0.old, new: $0.new, validFrom: nil) },
                                        source: source, reason: reason, by: p, at: now, on: db)
    }

    // MARK: - Create and edit

    static func create(_ input: Input, _ req: Request) async throws -> Sponsor {
        let p = try req.requirePrincipal()
        guard ScopePolicy.isOfficeStaff(p) else { throw Abort(.forbidden) }
        let why = try RegistryEdits.reason(input.reason)
        let v = try await values(input, current: nil, jurisdiction: p.jurisdiction, db: req.db)
        if let other = try await duplicate(of: v, except: nil, db: req.db) { throw AppError.conflict("sponsor.taken", other.name) }
        let now = req.application.clock.now()
        return try await req.audited { db in
            let s = Sponsor()
            s.id = UUID()
            for (field, value) in v { set(s, field, value) }
            try await s.create(on: db)
            try await history(s.id!, name: s.name, [("created", nil, s.name)], source: "officer", reason: why, by: p, at: now, on: db)
            return (s, [AuditEntry(action: "sponsor.create", objectType: "sponsor", objectID: s.id!.uuidString, detail: s.kind)])
        }
    }

    /// Applies the changed fields; an unchanged input changes nothing and writes no history.
    @discardableResult
    static func update(_ s: Sponsor, _ input: Input, _ req: Request) async throws -> Bool {
        let p = try req.requirePrincipal()
        let why = try RegistryEdits.reason(input.reason)
        let v = try await values(input, current: s, jurisdiction: p.jurisdiction, db: req.db)
        let changes = v.keys.sorted().compactMap { field -> (field: String, old: String?, new: String?)? in
            let old = current(s, field), new = v[field] ?? nil
            return old == new ? nil : (field, old, new)
        }
        guard !changes.isEmpty else { return false }
        if let other = try await duplicate(of: v, except: s.id, db: req.db) { throw AppError.conflict("sponsor.taken", other.name) }
        let id = try s.requireID(), now = req.application.clock.now()
        return try await req.audited { db in
            guard let fresh = try await Sponsor.find(id, on: db), fresh.mergedInto == nil else { throw Abort(.notFound) }
            for c in changes { set(fresh, c.field, c.new) }
            try await fresh.save(on: db)
            try await history(id, name: fresh.name, changes, source: "officer", reason: why, by: p, at: now, on: db)
            return (true, [AuditEntry(action: "sponsor.update", objectType: "sponsor", objectID: id.uuidString, detail: "fields=\(changes.map(\.field).joined(separator: ","))")])
        }
    }

    // MARK: - Merge

    /// Likely duplicates of a sponsor in the user's scope, best first (`likeness`).
    static func candidates(of s: Sponsor, _ req: Request, limit: Int = 20) async throws -> [Sponsor] {
        // Rows that may qualify: a name holding one of the first two words (a typo in one of them still finds it), or
        // the same NIB or NPWP.
        let words = Reconciler.companyKey(s.name).split(separator: " ").prefix(2).map { $0.lowercased().replacingOccurrences(of: "%", with: "") }
        let query = try ScopePolicy.sponsors(req).filter(\.$id != s.id!).filter(\.$kind == s.kind)
        query.group(.or) { or in
            for w in words where !w.isEmpty { or.filter(.sql(SQLQueryString("LOWER(name) LIKE \(bind: "%" + w + "%")"))) }
            if let n = s.nib { or.filter(\.$nib == n) }
            if let n = s.npwp { or.filter(\.$npwp == n) }
        }
        let found = try await query.sort(\.$name).limit(2_000).all()
        return found.compactMap { o in likeness(s, o).map { (o, $0) } }.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }

    /// How likely two sponsors are one, or nil when they are not likely one (a merge moves every worker, report and
    /// permit: a ★ must mean something).
    /// - The same NIB, or the same NPWP: 3 (the numbers identify a business).
    /// - Two NIBs, or two NPWPs' taxpayer parts (their first nine digits; the last six name the tax office and the
    ///   branch), that differ by more than a typo (one digit wrong, or two next to each other swapped): not one.
    /// - Otherwise the names, once legal forms, dots and commas are gone ("PT. ABC Indonesia" / "ABC INDONESIA, PT"):
    ///   the same words in any order 2; else the first words alike and every word of the shorter name alike to its
    ///   own word of the longer one (Jaro-Winkler ≥ 0.92: a typo, a letter dropped), with at most one word more —
    ///   the mean of those similarities, less 0.05 for the extra word, from 0.9 up. "SINAR MAS" and "SINAR MAJU",
    ///   or "JAYA ABADI" and "SINAR JAYA ABADI", are not one.
    static func likeness(_ a: Sponsor, _ b: Sponsor) -> Double? {
        let nib = (digits(a.nib), digits(b.nib)), npwp = (digits(a.npwp), digits(b.npwp))
        if let x = nib.0, x == nib.1 { return 3 }
        if let x = npwp.0, x == npwp.1 { return 3 }
        if let x = nib.0, let y = nib.1, !typo(x, y) { return nil }
        if let x = npwp.0, let y = npwp.1, !typo(String(x.prefix(9)), String(y.prefix(9))) { return nil }
        let wa = Reconciler.companyKey(a.name).split(separator: " ").map(String.init)
        let wb = Reconciler.companyKey(b.name).split(separator: " ").map(String.init)
        guard !wa.isEmpty, !wb.isEmpty else { return nil }
        if wa.sorted() == wb.sorted() { return 2 }
        let (short, long) = wa.count <= wb.count ? (wa, wb) : (wb, wa)
        guard long.count - short.count <= 1, Similarity.jaroWinkler(short[0], long[0]) >= 0.92 else { return nil }
        var free = Array(long.indices), total = 0.0
        for w in short {
            guard let best = free.max(by: { Similarity.jaroWinkler(w, long[$0]) < Similarity.jaroWinkler(w, long[$1]) }) else { return nil }
            let sim = Similarity.jaroWinkler(w, long[best])
            guard sim >= 0.92 else { return nil }
            total += sim
            free.removeAll { $0 == best }
        }
        let score = total / Double(short.count) - 0.05 * Double(long.count - short.count)
        return score >= 0.9 ? score : nil
    }

    /// Whether two numbers are equal or one typo apart: one digit wrong, or two neighbours swapped.
    static func typo(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        let diff = x.indices.filter { x[$0] != y[$0] }
        switch diff.count {
        case 0, 1: return true
        case 2: return diff[1] == diff[0] + 1 && x[diff[0]] == y[diff[1]] && x[diff[1]] == y[diff[0]]
        default: return false
        }
    }

    /// Moves every reference of `merged` to `kept`, fills the kept record's empty fields from the duplicate,
    /// marks the duplicate merged, and writes both histories, all in the caller's transaction. Returns the rows
    /// moved per table.
    static func merge(kept: UUID, merged: UUID, source: String, reason: String, by p: Principal, at now: Date, on db: any Database) async throws -> [String: Int] {
        guard let k = try await Sponsor.find(kept, on: db), k.mergedInto == nil, let m = try await Sponsor.find(merged, on: db), m.mergedInto == nil else {
            throw AppError.conflict("sponsor.alreadyMerged")
        }
        let sql = db as! any SQLDatabase
        struct N: Decodable { var n: Int }
        for u in uniquePerSponsor {
            let clash = try await sql.raw("""
                SELECT COUNT(*) AS n FROM \(ident: u.table) a JOIN \(ident: u.table) b ON a.\(ident: u.column) = b.\(ident: u.column)
                WHERE a.sponsor_id = \(bind: merged) AND b.sponsor_id = \(bind: kept)
                """).first(decoding: N.self)?.n ?? 0
            if clash > 0 { throw AppError.conflict("sponsor.mergeClash", L10n.t("sponsor.table.\(u.table)", .id)) }
        }
        var moved: [String: Int] = [:]
        // Records merged into the duplicate earlier follow it to the kept one (the feed follows one step).
        try await sql.raw("UPDATE sponsors SET merged_into = \(bind: kept) WHERE merged_into = \(bind: merged)").run()
        for table in referencing {
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE sponsor_id = \(bind: merged)").first(decoding: N.self)?.n ?? 0
            guard n > 0 else { continue }
            try await sql.raw("UPDATE \(ident: table) SET sponsor_id = \(bind: kept) WHERE sponsor_id = \(bind: merged)").run()
            moved[table] = n
        }
        var filled: [(field: String, old: String?, new: String?)] = []
        for field in ["nib", "npwp", "sector", "email", "phone"] where current(k, field) == nil {
            if let v = current(m, field) { set(k, field, v); filled.append((field, nil, v)) }
        }
        if k.sponsorRef == nil, let ref = m.sponsorRef {
            // The source system's key moves too, so that its next batch finds the kept record directly.
            m.sponsorRef = nil
            m.mergedInto = kept
            try await m.save(on: db)
            k.sponsorRef = ref
            filled.append(("sponsorRef", nil, ref))
        } else {
            m.mergedInto = kept
            try await m.save(on: db)
        }
        try await k.save(on: db)
        try await history(kept, name: k.name, [("mergedFrom", nil, m.name)] + filled, source: source, reason: reason, by: p, at: now, on: db)
        try await history(merged, name: m.name, [("mergedInto", nil, k.name)], source: source, reason: reason, by: p, at: now, on: db)
        return moved
    }

    static func encode(_ moved: [String: Int]) -> String {
        String(decoding: (try? JSONEncoder().encode(moved)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// An officer merges a duplicate into this sponsor at once (both in the office's jurisdiction).
    static func mergeNow(into s: Sponsor, _ input: MergeInput, _ req: Request) async throws -> SponsorMerge {
        let p = try req.requirePrincipal()
        let why = try RegistryEdits.reason(input.reason)
        guard let dupID = input.duplicateId else { throw ValidationFailure("v.chooseOne", field: "duplicateId") }
        guard dupID != s.id else { throw ValidationFailure("v.mergeSelf", field: "duplicateId") }
        guard let dup = try await ScopePolicy.sponsors(req).filter(\.$id == dupID).first() else { throw ValidationFailure("v.sponsorUnknown", field: "duplicateId") }
        guard dup.kind == s.kind else { throw ValidationFailure("v.mergeKind", field: "duplicateId") }
        let kept = try s.requireID(), now = req.application.clock.now()
        return try await req.audited { db in
            let moved = try await merge(kept: kept, merged: dupID, source: "officer", reason: why, by: p, at: now, on: db)
            let record = SponsorMerge()
            record.id = UUID(); record.keptID = kept; record.mergedID = dupID; record.source = "officer"; record.evidence = "officer"
            record.status = "accepted"; record.createdAt = now; record.decidedBy = p.userID; record.decidedAt = now; record.decisionNote = why; record.moved = encode(moved)
            try await record.create(on: db)
            // Proposals about the duplicate are settled by this merge.
            try await (db as! any SQLDatabase).raw("""
                UPDATE sponsor_merges SET status = 'rejected', decided_by = \(bind: p.userID), decided_at = \(bind: now), decision_note = 'merged'
                WHERE status = 'open' AND (kept_id = \(bind: dupID) OR merged_id = \(bind: dupID))
                """).run()
            return (record, [AuditEntry(action: "sponsor.merge", objectType: "sponsor", objectID: kept.uuidString, detail: "merged=\(dupID) source=officer")])
        }
    }

    // MARK: - Proposals from the reconciliation

    /// After a company list is reconciled: a row whose NPWP, NIB or name points at two live sponsors of the
    /// region shows that they are one company. Each such pair becomes an open proposal (never merged by itself);
    /// the record identified by number is kept, else the one with more foreigners.
    static func proposeFromImport(_ imp: AgencyImport, now: Date, db: any Database) async throws -> Int {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var id: UUID; var name: String; var npwp: String?; var nib: String? }
        struct Spo: Decodable { var id: UUID; var name: String; var npwp: String?; var nib: String?; var workers: Int }
        let rows = try await sql.raw("SELECT id, name, npwp, nib FROM import_rows WHERE import_id = \(bind: imp.id!)").all(decoding: Row.self)
        let sponsors = try await sql.raw("""
            SELECT s.id, s.name, s.npwp, s.nib, (SELECT COUNT(*) FROM foreigners f WHERE f.sponsor_id = s.id) AS workers
            FROM sponsors s WHERE s.kind = 'company' AND s.merged_into IS NULL AND \(imp.regionFilter.qualified("s"))
            """).all(decoding: Spo.self)
        var byNPWP: [String: [Int]] = [:], byNIB: [String: [Int]] = [:], byKey: [String: [Int]] = [:]
        for (i, s) in sponsors.enumerated() {
            if let d = digits(s.npwp) { byNPWP[d, default: []].append(i) }
            if let d = digits(s.nib) { byNIB[d, default: []].append(i) }
            byKey[Reconciler.companyKey(s.name), default: []].append(i)
        }
        let existing = Set(try await SponsorMerge.query(on: db).filter(\.$status == "open").all().map { [$0.keptID, $0.mergedID].sorted { $0.uuidString < $1.uuidString } })
        var seen = existing, created = 0
        for r in rows {
            let byNumber = (digits(r.npwp).flatMap { byNPWP[$0] } ?? []) + (digits(r.nib).flatMap { byNIB[$0] } ?? [])
            let byName = byKey[Reconciler.companyKey(r.name)] ?? []
            let all = Array(Set(byNumber + byName))
            guard all.count >= 2 else { continue }
            let kept = all.max { a, b in
                let na = byNumber.contains(a) ? 1 : 0, nb = byNumber.contains(b) ? 1 : 0
                return na != nb ? na < nb : sponsors[a].workers != sponsors[b].workers ? sponsors[a].workers < sponsors[b].workers : sponsors[a].id.uuidString > sponsors[b].id.uuidString
            }!
            for other in all where other != kept {
                let pair = [sponsors[kept].id, sponsors[other].id].sorted { $0.uuidString < $1.uuidString }
                guard !seen.contains(pair) else { continue }
                seen.insert(pair)
                let m = SponsorMerge()
                m.id = UUID(); m.keptID = sponsors[kept].id; m.mergedID = sponsors[other].id; m.source = "import"; m.sourceID = r.id
                m.evidence = byNumber.contains(other) ? (digits(r.npwp).flatMap { byNPWP[$0] }?.contains(other) == true ? "npwp" : "nib") : "name"
                m.status = "open"; m.createdAt = now
                try await m.create(on: db)
                created += 1
            }
        }
        return created
    }

    /// Merge proposals of the reconciliation, by status (nil: every status), in the user's scope, newest first (list shape).
    static func proposals(_ req: Request, status: String?, paging: Paging) async throws -> (items: [SponsorMerge], total: Int) {
        let query = try ScopePolicy.sponsorMerges(req).filter(\.$source == "import")
        if let status { query.filter(\.$status == status) }
        let total = try await query.copy().countRows()
        return (try await query.sort(\.$createdAt, .descending).range(paging.offset..<(paging.offset + paging.per)).all(), total)
    }

    static func visibleProposal(_ id: UUID, _ req: Request) async throws -> SponsorMerge {
        guard let m = try await ScopePolicy.sponsorMerges(req).filter(\.$id == id).filter(\.$source == "import").first() else { throw Abort(.notFound) }
        return m
    }

    /// Accepts a proposal: the merge happens now, named after the proposal; `keep` may swap which record stays.
    static func accept(_ id: UUID, keep: UUID?, note: String?, _ req: Request) async throws -> SponsorMerge {
        let p = try req.requirePrincipal()
        let m = try await visibleProposal(id, req)
        guard m.status == "open" else { throw AppError.conflict("reg.decided") }
        guard try await ScopePolicy.sponsors(req).filter(\.$id == m.mergedID).first() != nil else { throw AppError.conflict("sponsor.alreadyMerged") }
        if let keep, keep != m.keptID && keep != m.mergedID { throw ValidationFailure("v.oneOf", field: "keep", "\(m.keptID), \(m.mergedID)") }
        let why = try ValidationFailure.text(note, "note", max: 500) ?? L10n.t("sponsor.merge.reason.import", .id)
        let (kept, merged) = keep == m.mergedID ? (m.mergedID, m.keptID) : (m.keptID, m.mergedID)
        let now = req.application.clock.now()
        return try await req.audited { db in
            guard let fresh = try await SponsorMerge.find(id, on: db), fresh.status == "open" else { throw AppError.conflict("reg.decided") }
            let moved = try await merge(kept: kept, merged: merged, source: "sponsor-merge:\(id.uuidString)", reason: why, by: p, at: now, on: db)
            fresh.keptID = kept; fresh.mergedID = merged
            fresh.status = "accepted"; fresh.decidedBy = p.userID; fresh.decidedAt = now; fresh.decisionNote = note; fresh.moved = encode(moved)
            try await fresh.save(on: db)
            try await (db as! any SQLDatabase).raw("""
                UPDATE sponsor_merges SET status = 'rejected', decided_by = \(bind: p.userID), decided_at = \(bind: now), decision_note = 'merged'
                WHERE status = 'open' AND (kept_id = \(bind: merged) OR merged_id = \(bind: merged))
                """).run()
            return (fresh, [AuditEntry(action: "sponsor.merge", objectType: "sponsor", objectID: kept.uuidString, detail: "merged=\(merged) source=import proposal=\(id)")])
        }
    }

    static func reject(_ id: UUID, note: String?, _ req: Request) async throws -> SponsorMerge {
        let p = try req.requirePrincipal()
        _ = try await visibleProposal(id, req)
        let text = try ValidationFailure.text(note, "note", max: 500)
        let now = req.application.clock.now()
        return try await req.audited { db in
            guard let fresh = try await SponsorMerge.find(id, on: db), fresh.status == "open" else { throw AppError.conflict("reg.decided") }
            fresh.status = "rejected"; fresh.decidedBy = p.userID; fresh.decidedAt = now; fresh.decisionNote = text
            try await fresh.save(on: db)
            return (fresh, [AuditEntry(action: "sponsor.merge.reject", objectType: "sponsor_merge", objectID: id.uuidString, detail: "kept=\(fresh.keptID) merged=\(fresh.mergedID)")])
        }
    }
}
