import Fluent
import FluentSQLiteDriver
import Foundation
import Matching
import SQLKit
import Vapor

/// What a registry batch did: the contract of `sinergi registry import` and `POST /api/v1/registry/batches`.
struct RegistryBatchSummary: Content, Equatable {
    struct Counts: Content, Equatable {
        var foreigners = 0, passports = 0, permits = 0, addresses = 0, sponsors = 0, employments = 0, movements = 0
    }
    var batch: UUID
    var created = Counts()
    var updated = Counts()
    var unchanged = 0
}

/// Who sends a batch and how; the history and the audit trail name them.
struct RegistryActor: Sendable {
    var id: String
    var name: String
    var role: String
    var channel: String       // cli | api
    var requestID: String
}

/// Applies one checked feed batch (`RegistryFeed.Batch`) to the registry, all or nothing, in one write
/// transaction (on SQLite the batch is compared with the registry before the write lock is taken, so the lock
/// is held only while the rows are written): rows are upserted by their natural keys, a changed field is written to the record's
/// history with the batch as its source, nothing is deleted (a newer address or passport ends the older
/// one), and the summary columns, look-up keys and name tokens of every touched person are recomputed
/// from the final state. Everything is read and written in sets (chunked `IN` lists, multi-row inserts),
/// so a million persons load in one pass.
enum RegistryBatchApplier {
    /// Thrown to roll back a dry run after the summary was computed.
    private struct DryRun: Error { let summary: RegistryBatchSummary }

    static func apply(_ batch: RegistryFeed.Batch, actor: RegistryActor, dryRun: Bool, db: any Database, clock: AppClock, today: String,
                      logger: Logger = Logger(label: "sinergi.registry")) async throws -> (summary: RegistryBatchSummary, repeated: Bool) {
        let now = clock.now()
        let sql = db as! any SQLDatabase
        let result: (summary: RegistryBatchSummary, repeated: Bool)
        let started = ContinuousClock.now
        var planned: ContinuousClock.Instant?
        if sql.dialect.name == "sqlite" {
            // SQLite has one write lock for the whole file, and every audited read of the offices needs it. The batch
            // is read and compared with the registry before the lock is taken; under the lock only the writes run,
            // after checking that no registry write was committed meanwhile (or the plan is made again, under it).
            let seen = try await revision(sql)
            let plan = try await plan(batch, on: sql, now: now, today: today)
            if plan.repeated || dryRun { return (plan.summary, plan.repeated) }
            planned = ContinuousClock.now
            result = try await write(plan, madeAt: seen, batch: batch, actor: actor, db: db, now: now, today: today)
        } else {
            // PostgreSQL locks rows, not the database: reading inside the transaction holds nobody up.
            do {
                result = try await db.transaction { tx in
                    let r = try await applyInTransaction(batch, actor: actor, tx: tx, now: now, today: today)
                    if dryRun { throw DryRun(summary: r.summary) }
                    return r
                }
            } catch let d as DryRun {
                return (d.summary, false)
            }
        }
        if !result.repeated {
            // How long the batch took before the write lock (SQLite) and under it, and its peak memory.
            let end = ContinuousClock.now
            logger.info("registry batch applied", metadata: ["rows": "\(batch.rowCount)", "planned_s": "\(planned.map { ($0 - started).seconds } ?? 0)",
                                                             "written_s": "\((end - (planned ?? started)).seconds)", "peak_mb": "\(peakMB())"])
        }
        // Planner statistics after a load that changes the tables' shape; a daily delta does not (and a full
        // ANALYZE would hold the write lock for seconds while the offices work).
        if !result.repeated, result.summary.created.total + result.summary.updated.total >= statisticsAfter {
            try await refreshStatistics(db)
        }
        return result
    }

    /// Created and updated rows from which a batch is followed by a full `ANALYZE`.
    static let statisticsAfter = 50_000

    /// Writes a plan made outside the write lock when the registry is still as it was when the plan was begun
    /// (`seen`); otherwise the plan is made again under the lock, from what is there now.
    static func write(_ plan: Plan, madeAt seen: String, batch: RegistryFeed.Batch, actor: RegistryActor, db: any Database, now: Date, today: String)
        async throws -> (summary: RegistryBatchSummary, repeated: Bool) {
        try await db.writeTransaction { tx in
            let sql = tx as! any SQLDatabase
            var current = plan
            if try await revision(sql) != seen {
                current = try await Self.plan(batch, on: sql, now: now, today: today)
                if current.repeated { return (current.summary, true) }
            }
            try await write(current, batch: batch, actor: actor, tx: tx, now: now)
            return (current.summary, false)
        }
    }

    /// The process's largest resident size so far (MB), for the log of a batch.
    static func peakMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    /// Changes whenever a registry write is committed (SQLite): rows are only ever added to these tables, and
    /// every change of a registry record adds a history row (officers' edits, accepted proposals, merges, batches).
    static func revision(_ sql: any SQLDatabase) async throws -> String {
        let tables = ["registry_history", "registry_batches", "foreigners", "passports", "stay_permits", "addresses", "employments", "sponsors", "movements"]
        struct Row: Decodable { var r: String }
        let expr = tables.map { "COALESCE((SELECT MAX(rowid) FROM \($0)), 0)" }.joined(separator: " || '.' || ")
        return try await sql.raw("SELECT \(unsafeRaw: expr) AS r").first(decoding: Row.self)?.r ?? ""
    }

    // MARK: - Loaded state

    struct PersonRow: Decodable, Sendable {
        var id: UUID
        var person_ref: String?
        var family_name: String
        var given_names: String
        var sex: String
        var date_of_birth: String?
        var nationality: String
        var place_of_birth: String?
        var passport_number: String?
        var permit_category: String?
        var permit_end: String?
        var permit_start: String?
        var permit_prior_start: String?
        var permit_prior_end: String?
        var sponsor_id: UUID?
        var village_code: String?
        var departed: Bool?
    }
    struct SponsorRow: Decodable, Sendable {
        var id: UUID; var sponsor_ref: String?; var kind: String; var name: String; var nib: String?; var npwp: String?
        var address: String; var village_code: String; var email: String?; var phone: String?
        /// A record an officer merged into another: references to its ref lead to the kept record.
        var merged_into: UUID? = nil
    }
    struct PassportRow: Decodable, Sendable {
        var id: UUID; var foreigner_id: UUID; var number: String; var issuing_country: String; var issued_on: String?; var expires_on: String; var is_current: Bool
    }
    struct PermitRow: Decodable, Sendable {
        var id: UUID; var foreigner_id: UUID; var type_code: String; var number: String; var start_on: String; var end_on: String
        var status: String; var sponsor_id: UUID?; var office_id: UUID?
    }
    struct AddressRow: Decodable, Sendable {
        var id: UUID; var foreigner_id: UUID; var line: String; var village_code: String; var valid_from: String; var valid_to: String?; var is_current: Bool
    }
    struct EmploymentRow: Decodable, Sendable {
        var id: UUID; var foreigner_id: UUID; var sponsor_id: UUID; var position: String; var start_on: String; var end_on: String?
    }
    struct MovementRow: Decodable, Sendable {
        var id: UUID; var foreigner_id: UUID; var direction: String; var crossed_at: String
    }

    /// A record as it will be after the batch, with whether it is new or changed.
    struct Tracked<Row: Sendable>: Sendable { var row: Row; var isNew: Bool; var changed: Bool }

    /// Everything about one person the batch touches.
    struct PersonState: Sendable {
        var person: Tracked<PersonRow>
        var namesChanged = false
        var passports: [Tracked<PassportRow>] = []
        var permits: [Tracked<PermitRow>] = []
        var addresses: [Tracked<AddressRow>] = []
        var employments: [Tracked<EmploymentRow>] = []
        var lastMovement: (at: String, direction: String)?
        var original: PersonRow?
    }

    /// Every person a batch touches, by reference, kept in one array: a dictionary of the states themselves holds
    /// 1.3–2.6 slots of their size per person, and an array made from it at the end would be a second copy.
    struct People {
        var states: [PersonState] = []
        private var index: [String: Int] = [:]

        func position(_ ref: String) -> Int? { index[ref] }

        /// Changes a state where it lies: a copy taken out and put back would copy its arrays on every append.
        mutating func modify(_ i: Int, _ body: (inout PersonState) throws -> Void) rethrows { try body(&states[i]) }

        subscript(ref: String) -> PersonState? {
            get { index[ref].map { states[$0] } }
            set {
                guard let value = newValue else { return }   // nobody is ever removed
                if let i = index[ref] { states[i] = value } else { index[ref] = states.count; states.append(value) }
            }
        }
    }

    struct HistoryRow: Sendable {
        var foreignerID: UUID?
        var objectType: String
        var objectID: UUID
        var record: String?
        var field: String
        var old: String?
        var new: String?
        var validFrom: String?
    }

    // MARK: - The transaction

    static func applyInTransaction(_ batch: RegistryFeed.Batch, actor: RegistryActor, tx: any Database, now: Date, today: String)
        async throws -> (summary: RegistryBatchSummary, repeated: Bool) {
        let plan = try await plan(batch, on: tx as! any SQLDatabase, now: now, today: today)
        if plan.repeated { return (plan.summary, true) }
        try await write(plan, batch: batch, actor: actor, tx: tx, now: now)
        return (plan.summary, false)
    }

    /// What a batch will write: every row compared with the registry, the history of every change, the summary.
    /// Reads only. Throws `RegistryFeed.Problems` naming every row that cannot be applied.
    struct Plan: Sendable {
        var repeated = false
        var summary: RegistryBatchSummary
        var history: [HistoryRow] = []
        var sponsors: [Tracked<SponsorRow>] = []
        var states: [PersonState] = []
        var summaryUpdates: [(row: PersonRow, original: PersonRow)] = []
        var newMovements: [(RegistryFeed.Movement, UUID)] = []
    }

    /// `today`: the day whose held permit gives a person's category and sponsor (`PermitState.held`).
    static func plan(_ batch: RegistryFeed.Batch, on sql: any SQLDatabase, now: Date, today: String) async throws -> Plan {
        struct Earlier: Decodable { var id: UUID }
        if let earlier = try await sql.raw("SELECT id FROM registry_batches WHERE digest = \(bind: batch.digest)").first(decoding: Earlier.self) {
            return Plan(repeated: true, summary: RegistryBatchSummary(batch: earlier.id))
        }
        let batchID = UUID()
        var summary = RegistryBatchSummary(batch: batchID)

        var problems: [RegistryFeed.Problem] = []
        var history: [HistoryRow] = []

        // Reference data the rows name.
        struct TypeRow: Decodable { var code: String; var category: String }
        let types = Dictionary(try await sql.raw("SELECT code, category FROM permit_types").all(decoding: TypeRow.self).map { ($0.code, $0.category) }, uniquingKeysWith: { a, _ in a })
        struct OfficeRow: Decodable { var id: UUID; var code: String }
        let offices = Dictionary(try await sql.raw("SELECT id, code FROM offices").all(decoding: OfficeRow.self).map { ($0.code, $0.id) }, uniquingKeysWith: { a, _ in a })
        let villageCodes = Set(batch.sponsors.map(\.villageCode) + batch.addresses.map(\.villageCode))
        struct CodeRow: Decodable { var code: String }
        var villages = Set<String>()
        for chunk in chunks(Array(villageCodes)) {
            villages.formUnion(try await sql.raw("SELECT code FROM regions WHERE level = 'village' AND code IN (\(binds: chunk))").all(decoding: CodeRow.self).map(\.code))
        }

        // Sponsors named anywhere in the batch.
        let sponsorRefs = Set(batch.sponsors.map(\.ref) + batch.permits.compactMap(\.sponsorRef) + batch.employments.map(\.sponsorRef))
        var sponsors: [String: Tracked<SponsorRow>] = [:]
        for chunk in chunks(Array(sponsorRefs)) {
            for s in try await sql.raw("SELECT id, sponsor_ref, kind, name, nib, npwp, address, village_code, email, phone, merged_into FROM sponsors WHERE sponsor_ref IN (\(binds: chunk))").all(decoding: SponsorRow.self) {
                sponsors[s.sponsor_ref!] = Tracked(row: s, isNew: false, changed: false)
            }
        }
        for s in batch.sponsors {
            if !villages.contains(s.villageCode) { problems.append(.init(.sponsors, s.line, "feed.unknownVillage", s.villageCode)); continue }
            let wanted = SponsorRow(id: sponsors[s.ref]?.row.id ?? UUID(), sponsor_ref: s.ref, kind: s.kind, name: s.name, nib: s.nib, npwp: s.npwp,
                                    address: s.address, village_code: s.villageCode, email: s.email, phone: s.phone, merged_into: sponsors[s.ref]?.row.merged_into)
            if var existing = sponsors[s.ref] {
                let changes = diff(existing.row, wanted, [("kind", \.kind), ("name", \.name), ("address", \.address), ("villageCode", \.village_code)],
                                   [("nib", \.nib), ("npwp", \.npwp), ("email", \.email), ("phone", \.phone)])
                if changes.isEmpty { summary.unchanged += 1; continue }
                for c in changes { history.append(HistoryRow(foreignerID: nil, objectType: "sponsor", objectID: wanted.id, record: s.ref, field: c.field, old: c.old, new: c.new, validFrom: nil)) }
                existing.row = wanted; existing.changed = true
                sponsors[s.ref] = existing
                summary.updated.sponsors += 1
            } else {
                sponsors[s.ref] = Tracked(row: wanted, isNew: true, changed: true)
                summary.created.sponsors += 1
            }
        }

        // Persons named anywhere in the batch, with everything already recorded about those who exist.
        let personRefs = Set(batch.persons.map(\.ref) + batch.passports.map(\.personRef) + batch.permits.map(\.personRef)
                             + batch.addresses.map(\.personRef) + batch.employments.map(\.personRef) + batch.movements.map(\.personRef))
        var people = People()
        for chunk in chunks(Array(personRefs)) {
            let rows = try await sql.raw("""
                SELECT id, person_ref, family_name, given_names, sex, date_of_birth, nationality, place_of_birth, passport_number,
                       permit_category, permit_end, permit_start, permit_prior_start, permit_prior_end, sponsor_id, village_code, departed
                       FROM foreigners WHERE person_ref IN (\(binds: chunk))
                """).all(decoding: PersonRow.self)
            for p in rows { people[p.person_ref!] = PersonState(person: Tracked(row: p, isNew: false, changed: false), original: p) }
        }
        let existingIDs = people.states.map(\.person.row.id)
        var refByID = Dictionary(uniqueKeysWithValues: people.states.map { ($0.person.row.id, $0.person.row.person_ref!) })
        for chunk in chunks(existingIDs) {
            for r in try await sql.raw("SELECT id, foreigner_id, number, issuing_country, issued_on, expires_on, is_current FROM passports WHERE foreigner_id IN (\(binds: chunk))").all(decoding: PassportRow.self) {
                people[refByID[r.foreigner_id]!]!.passports.append(Tracked(row: r, isNew: false, changed: false))
            }
            for r in try await sql.raw("SELECT id, foreigner_id, type_code, number, start_on, end_on, status, sponsor_id, office_id FROM stay_permits WHERE foreigner_id IN (\(binds: chunk))").all(decoding: PermitRow.self) {
                people[refByID[r.foreigner_id]!]!.permits.append(Tracked(row: r, isNew: false, changed: false))
            }
            for r in try await sql.raw("SELECT id, foreigner_id, line, village_code, valid_from, valid_to, is_current FROM addresses WHERE foreigner_id IN (\(binds: chunk))").all(decoding: AddressRow.self) {
                people[refByID[r.foreigner_id]!]!.addresses.append(Tracked(row: r, isNew: false, changed: false))
            }
            for r in try await sql.raw("SELECT id, foreigner_id, sponsor_id, position, start_on, end_on FROM employments WHERE foreigner_id IN (\(binds: chunk))").all(decoding: EmploymentRow.self) {
                people[refByID[r.foreigner_id]!]!.employments.append(Tracked(row: r, isNew: false, changed: false))
            }
            for r in try await sql.raw("SELECT id, foreigner_id, direction, crossed_at FROM movements WHERE foreigner_id IN (\(binds: chunk))").all(decoding: MovementRow.self) {
                let ref = refByID[r.foreigner_id]!
                if (people[ref]!.lastMovement?.at ?? "") < r.crossed_at { people[ref]!.lastMovement = (r.crossed_at, r.direction) }
            }
        }
        // Passport and permit numbers the batch names that belong to people outside it.
        var passportOwner: [String: UUID] = [:], permitOwner: [String: UUID] = [:]
        for chunk in chunks(Array(Set(batch.passports.map(\.number)))) {
            for r in try await sql.raw("SELECT id, foreigner_id, number, issuing_country, issued_on, expires_on, is_current FROM passports WHERE number IN (\(binds: chunk))").all(decoding: PassportRow.self) {
                passportOwner["\(r.issuing_country)|\(r.number)"] = r.foreigner_id
            }
        }
        for chunk in chunks(Array(Set(batch.permits.map(\.number)))) {
            for r in try await sql.raw("SELECT id, foreigner_id, type_code, number, start_on, end_on, status, sponsor_id, office_id FROM stay_permits WHERE number IN (\(binds: chunk))").all(decoding: PermitRow.self) {
                permitOwner[r.number] = r.foreigner_id
            }
        }

        // foreigners.csv
        for p in batch.persons {
            if var state = people[p.ref] {
                var wanted = state.person.row
                wanted.family_name = p.familyName; wanted.given_names = p.givenNames; wanted.sex = p.sex
                wanted.date_of_birth = p.dateOfBirth; wanted.nationality = p.nationality; wanted.place_of_birth = p.placeOfBirth
                let changes = diff(state.person.row, wanted, [("familyName", \.family_name), ("givenNames", \.given_names), ("sex", \.sex), ("nationality", \.nationality)],
                                   [("dateOfBirth", \.date_of_birth), ("placeOfBirth", \.place_of_birth)])
                if changes.isEmpty { summary.unchanged += 1; continue }
                for c in changes { history.append(HistoryRow(foreignerID: wanted.id, objectType: "foreigner", objectID: wanted.id, record: nil, field: c.field, old: c.old, new: c.new, validFrom: nil)) }
                state.namesChanged = state.namesChanged || changes.contains { $0.field == "familyName" || $0.field == "givenNames" }
                state.person.row = wanted; state.person.changed = true
                people[p.ref] = state
                summary.updated.foreigners += 1
            } else {
                let row = PersonRow(id: UUID(), person_ref: p.ref, family_name: p.familyName, given_names: p.givenNames, sex: p.sex, date_of_birth: p.dateOfBirth,
                                    nationality: p.nationality, place_of_birth: p.placeOfBirth)
                people[p.ref] = PersonState(person: Tracked(row: row, isNew: true, changed: true), namesChanged: true)
                refByID[row.id] = p.ref
                summary.created.foreigners += 1
            }
        }

        func person(_ file: RegistryFeed.File, _ line: Int, _ ref: String) -> Int? {
            if let i = people.position(ref) { return i }
            problems.append(.init(file, line, "feed.unknownPerson", ref)); return nil
        }
        func sponsorID(_ file: RegistryFeed.File, _ line: Int, _ ref: String?) -> (ok: Bool, id: UUID?) {
            guard let ref else { return (true, nil) }
            if let s = sponsors[ref] { return (true, s.row.merged_into ?? s.row.id) }
            problems.append(.init(file, line, "feed.unknownSponsor", ref)); return (false, nil)
        }

        // passports.csv
        for p in batch.passports {
            guard let at = person(.passports, p.line, p.personRef) else { continue }
            let key = "\(p.issuingCountry)|\(p.number)"
            people.modify(at) { state in
                if let owner = passportOwner[key], owner != state.person.row.id {
                    problems.append(.init(.passports, p.line, "feed.passportOther", p.number)); return
                }
                if let i = state.passports.firstIndex(where: { $0.row.issuing_country == p.issuingCountry && $0.row.number == p.number }) {
                    var wanted = state.passports[i].row
                    wanted.issued_on = p.issuedOn; wanted.expires_on = p.expiresOn
                    let changes = diff(state.passports[i].row, wanted, [("passport.expiresOn", \.expires_on)], [("passport.issuedOn", \.issued_on)])
                    if changes.isEmpty { summary.unchanged += 1; return }
                    for c in changes { history.append(HistoryRow(foreignerID: state.person.row.id, objectType: "passport", objectID: wanted.id, record: p.number, field: c.field, old: c.old, new: c.new, validFrom: nil)) }
                    state.passports[i].row = wanted; state.passports[i].changed = true
                    summary.updated.passports += 1
                } else {
                    let row = PassportRow(id: UUID(), foreigner_id: state.person.row.id, number: p.number, issuing_country: p.issuingCountry, issued_on: p.issuedOn, expires_on: p.expiresOn, is_current: false)
                    if !state.person.isNew {
                        history.append(HistoryRow(foreignerID: row.foreigner_id, objectType: "passport", objectID: row.id, record: p.number, field: "passport", old: nil,
                                                  new: "\(p.number) (\(p.issuingCountry)) → \(p.expiresOn)", validFrom: p.issuedOn))
                    }
                    state.passports.append(Tracked(row: row, isNew: true, changed: true))
                    summary.created.passports += 1
                }
            }
        }

        // permits.csv
        for p in batch.permits {
            guard let at = person(.permits, p.line, p.personRef) else { continue }
            guard let category = types[p.type] else { problems.append(.init(.permits, p.line, "feed.unknownType", p.type)); continue }
            if category != p.category { problems.append(.init(.permits, p.line, "feed.category", p.type, category)); continue }
            let sponsor = sponsorID(.permits, p.line, p.sponsorRef)
            guard sponsor.ok else { continue }
            var officeID: UUID?
            if let code = p.officeCode {
                guard let id = offices[code] else { problems.append(.init(.permits, p.line, "feed.unknownOffice", code)); continue }
                officeID = id
            }
            people.modify(at) { state in
                if let owner = permitOwner[p.number], owner != state.person.row.id {
                    problems.append(.init(.permits, p.line, "feed.permitOther", p.number)); return
                }
                if let i = state.permits.firstIndex(where: { $0.row.number == p.number }) {
                    var wanted = state.permits[i].row
                    wanted.type_code = p.type; wanted.start_on = p.startOn; wanted.end_on = p.endOn; wanted.status = p.status
                    wanted.sponsor_id = sponsor.id; wanted.office_id = officeID
                    let changes = diff(state.permits[i].row, wanted, [("permit.type", \.type_code), ("permit.startOn", \.start_on), ("permit.endOn", \.end_on), ("permit.status", \.status)],
                                       [("permit.sponsor", \.sponsor_id?.uuidString), ("permit.office", \.office_id?.uuidString)])
                    if changes.isEmpty { summary.unchanged += 1; return }
                    for c in changes { history.append(HistoryRow(foreignerID: state.person.row.id, objectType: "permit", objectID: wanted.id, record: p.number, field: c.field, old: c.old, new: c.new, validFrom: nil)) }
                    state.permits[i].row = wanted; state.permits[i].changed = true
                    summary.updated.permits += 1
                } else {
                    let row = PermitRow(id: UUID(), foreigner_id: state.person.row.id, type_code: p.type, number: p.number, start_on: p.startOn, end_on: p.endOn,
                                        status: p.status, sponsor_id: sponsor.id, office_id: officeID)
                    if !state.person.isNew {
                        history.append(HistoryRow(foreignerID: row.foreigner_id, objectType: "permit", objectID: row.id, record: p.number, field: "permit", old: nil,
                                                  new: "\(p.number) \(p.type) \(p.startOn)–\(p.endOn) \(p.status)", validFrom: p.startOn))
                    }
                    state.permits.append(Tracked(row: row, isNew: true, changed: true))
                    summary.created.permits += 1
                }
            }
        }

        // addresses.csv: one address per person and valid-from day; the latest is current, the others end where the next begins.
        for a in batch.addresses {
            guard let at = person(.addresses, a.line, a.personRef) else { continue }
            if !villages.contains(a.villageCode) { problems.append(.init(.addresses, a.line, "feed.unknownVillage", a.villageCode)); continue }
            people.modify(at) { state in
                if let i = state.addresses.firstIndex(where: { $0.row.valid_from == a.validFrom }) {
                    var wanted = state.addresses[i].row
                    wanted.line = a.text; wanted.village_code = a.villageCode
                    let changes = diff(state.addresses[i].row, wanted, [("address.line", \.line), ("address.villageCode", \.village_code)], [])
                    if changes.isEmpty { summary.unchanged += 1; return }
                    for c in changes { history.append(HistoryRow(foreignerID: state.person.row.id, objectType: "address", objectID: wanted.id, record: a.validFrom, field: c.field, old: c.old, new: c.new, validFrom: a.validFrom)) }
                    state.addresses[i].row = wanted; state.addresses[i].changed = true
                    summary.updated.addresses += 1
                } else {
                    let row = AddressRow(id: UUID(), foreigner_id: state.person.row.id, line: a.text, village_code: a.villageCode, valid_from: a.validFrom, valid_to: nil, is_current: false)
                    if !state.person.isNew {
                        let before = state.addresses.filter { $0.row.valid_from < a.validFrom }.max { $0.row.valid_from < $1.row.valid_from }
                        history.append(HistoryRow(foreignerID: row.foreigner_id, objectType: "address", objectID: row.id, record: a.validFrom, field: "address",
                                                  old: before.map { "\($0.row.line), \($0.row.village_code)" }, new: "\(a.text), \(a.villageCode)", validFrom: a.validFrom))
                    }
                    state.addresses.append(Tracked(row: row, isNew: true, changed: true))
                    summary.created.addresses += 1
                }
            }
        }

        // employments.csv: one employment per person, sponsor and start day.
        for e in batch.employments {
            guard let at = person(.employments, e.line, e.personRef) else { continue }
            let sponsor = sponsorID(.employments, e.line, e.sponsorRef)
            guard sponsor.ok, let sponsorID = sponsor.id else { continue }
            people.modify(at) { state in
                if let i = state.employments.firstIndex(where: { $0.row.sponsor_id == sponsorID && $0.row.start_on == e.startOn }) {
                    var wanted = state.employments[i].row
                    wanted.position = e.position; wanted.end_on = e.endOn
                    let changes = diff(state.employments[i].row, wanted, [("employment.position", \.position)], [("employment.endOn", \.end_on)])
                    if changes.isEmpty { summary.unchanged += 1; return }
                    for c in changes { history.append(HistoryRow(foreignerID: state.person.row.id, objectType: "employment", objectID: wanted.id, record: e.sponsorRef, field: c.field, old: c.old, new: c.new, validFrom: nil)) }
                    state.employments[i].row = wanted; state.employments[i].changed = true
                    summary.updated.employments += 1
                } else {
                    let row = EmploymentRow(id: UUID(), foreigner_id: state.person.row.id, sponsor_id: sponsorID, position: e.position, start_on: e.startOn, end_on: e.endOn)
                    if !state.person.isNew {
                        history.append(HistoryRow(foreignerID: row.foreigner_id, objectType: "employment", objectID: row.id, record: e.sponsorRef, field: "employment", old: nil,
                                                  new: "\(e.position) · \(e.sponsorRef) \(e.startOn)–\(e.endOn ?? "")", validFrom: e.startOn))
                    }
                    state.employments.append(Tracked(row: row, isNew: true, changed: true))
                    summary.created.employments += 1
                }
            }
        }

        // movements.csv: insert-only; the latest decides whether the person is in the country.
        var newMovements: [(RegistryFeed.Movement, UUID)] = []
        var knownMovements = Set<String>()
        let movementPeople = Set(batch.movements.map(\.personRef)).compactMap { people[$0]?.person }.filter { !$0.isNew }.map(\.row.id)
        for chunk in chunks(movementPeople) {
            struct K: Decodable { var foreigner_id: UUID; var direction: String; var crossed_at: String }
            for k in try await sql.raw("SELECT foreigner_id, direction, crossed_at FROM movements WHERE foreigner_id IN (\(binds: chunk))").all(decoding: K.self) {
                knownMovements.insert("\(k.foreigner_id)|\(k.direction)|\(k.crossed_at)")
            }
        }
        for m in batch.movements {
            guard let at = person(.movements, m.line, m.personRef) else { continue }
            let id = people.states[at].person.row.id
            if knownMovements.contains("\(id)|\(m.direction)|\(m.crossedAt)") { summary.unchanged += 1; continue }
            newMovements.append((m, id))
            if (people.states[at].lastMovement?.at ?? "") < m.crossedAt { people.states[at].lastMovement = (m.crossedAt, m.direction) }
            summary.created.movements += 1
        }

        if !problems.isEmpty {
            throw RegistryFeed.Problems(list: problems.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
        }

        // Derived state of every touched person: current passport and address, summary columns.
        var summaryUpdates: [(row: PersonRow, original: PersonRow)] = []
        for i in people.states.indices {
            people.modify(i) { state in
                finishPassports(&state.passports)
                finishAddresses(&state.addresses)
                var row = state.person.row
                let passport = state.passports.filter(\.row.is_current).map(\.row).max { $0.expires_on < $1.expires_on }
                let active = state.permits.map(\.row).filter { $0.status == PermitStatus.active.rawValue }
                let permit = active.max { $0.end_on < $1.end_on }
                let held = PermitState.held(active.map { ($0.start_on, $0.end_on) }, today: today).map { active[$0] }
                let address = state.addresses.map(\.row).first(where: \.is_current)
                row.passport_number = passport.map { Self.passportDigits($0.number) }
                row.permit_category = held.flatMap { types[$0.type_code] }
                row.permit_end = permit?.end_on
                let coverage = PermitState.coverage(active.map { ($0.start_on, $0.end_on) })
                row.permit_start = coverage.start
                row.permit_prior_start = coverage.priorStart
                row.permit_prior_end = coverage.priorEnd
                row.sponsor_id = held?.sponsor_id
                row.village_code = address?.village_code
                row.departed = state.lastMovement?.direction == "out"
                let summaryChanged = state.person.isNew || state.original.map { o in
                    o.passport_number != row.passport_number || o.permit_category != row.permit_category || o.permit_end != row.permit_end || o.permit_start != row.permit_start
                        || o.permit_prior_start != row.permit_prior_start || o.permit_prior_end != row.permit_prior_end
                        || o.sponsor_id != row.sponsor_id || o.village_code != row.village_code || (o.departed ?? false) != (row.departed ?? false)
                } ?? true
                state.person.row = row
                if summaryChanged && !state.person.isNew && !state.person.changed, let original = state.original { summaryUpdates.append((row, original)) }
            }
        }
        return Plan(summary: summary, history: history, sponsors: Array(sponsors.values), states: people.states,
                    summaryUpdates: summaryUpdates, newMovements: newMovements)
    }

    /// A passport number as the summary column holds it: upper case, letters and digits only (ASCII).
    static func passportDigits(_ number: String) -> String {
        if number.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: number.utf8.compactMap { b -> UInt8? in
                switch b {
                case 0x30...0x39, 0x41...0x5A: b
                case 0x61...0x7A: b - 0x20
                default: nil
                }
            }, as: UTF8.self)
        }
        return String(number.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    /// Writes a plan, in one transaction the caller holds.
    static func write(_ plan: Plan, batch: RegistryFeed.Batch, actor: RegistryActor, tx: any Database, now: Date) async throws {
        let sql = tx as! any SQLDatabase
        // A batch writes into a dozen indexes at random places: with SQLite's default page cache (2 MB) dirty pages
        // would be spilled into the WAL before the commit and read back and written again, all under the write lock
        // (a fifth of a 10,000-row delta's time). The connection gets a larger cache for the batch, and no memory map:
        // the cache holds what is written, and every page read through the map would stay resident on top of it.
        guard sql.dialect.name == "sqlite" else { return try await writeRows(plan, batch: batch, actor: actor, tx: tx, now: now) }
        // Multi-row inserts keep a statement journal; in memory it costs no file writes.
        try await sql.raw("PRAGMA temp_store = MEMORY").run()
        try await withoutMemoryMap(sql, cacheKiB: min(524_288, 65_536 + batch.rowCount / 8)) {
            try await writeRows(plan, batch: batch, actor: actor, tx: tx, now: now)
        }
    }

    private static func writeRows(_ plan: Plan, batch: RegistryFeed.Batch, actor: RegistryActor, tx: any Database, now: Date) async throws {
        let sql = tx as! any SQLDatabase
        let summary = plan.summary, batchID = summary.batch, source = "batch:\(batchID.uuidString)"
        let sponsors = plan.sponsors, states = plan.states, summaryUpdates = plan.summaryUpdates, newMovements = plan.newMovements, history = plan.history
        let analyse = summary.created.total + summary.updated.total < statisticsAfter
        // Where the writing time goes, step by step (logged with the batch at info level).
        var laps: [(String, ContinuousClock.Instant)] = [("start", .now)]
        func lap(_ step: String) { laps.append((step, .now)) }

        // Writes, in dependency order.
        let newSponsors = sponsors.filter(\.isNew).map(\.row)
        try await insertInIDOrder(sql, analyse: analyse, "sponsors", ["id", "sponsor_ref", "kind", "name", "nib", "npwp", "address", "village_code", "regency_code", "email", "phone", "language"],
                         newSponsors) { s in [SQLBind(s.id), SQLBind(s.sponsor_ref), SQLBind(s.kind), SQLBind(s.name), SQLBind(s.nib), SQLBind(s.npwp), SQLBind(s.address),
                                                 SQLBind(s.village_code), SQLBind(RegionCode.regency(of: s.village_code) ?? ""), SQLBind(s.email), SQLBind(s.phone), SQLBind("id")] }
        for s in sponsors where s.changed && !s.isNew {
            let r = s.row
            try await sql.raw("""
                UPDATE sponsors SET kind = \(bind: r.kind), name = \(bind: r.name), nib = \(bind: r.nib), npwp = \(bind: r.npwp), address = \(bind: r.address),
                  village_code = \(bind: r.village_code), regency_code = \(bind: RegionCode.regency(of: r.village_code) ?? ""), email = \(bind: r.email), phone = \(bind: r.phone)
                WHERE id = \(bind: r.id)
                """).run()
        }
        lap("sponsors")
        let timestamp = now
        try await insertInIDOrder(sql, analyse: analyse, "foreigners", ["id", "person_ref", "family_name", "given_names", "full_name", "sex", "date_of_birth", "nationality", "place_of_birth",
                                             "search_name", "passport_number", "passport_key", "name_key", "permit_category", "permit_end", "permit_start", "permit_prior_start", "permit_prior_end", "sponsor_id",
                                             "village_code", "regency_code", "departed", "created_at", "updated_at"],
                         states.compactMap { $0.person.isNew ? $0.person.row : nil }) { personValues($0, now: timestamp) }
        // Only the columns that differ: SQLite rewrites the entry of every index that has a column in the SET list, and
        // a delta's time is its dirty pages (a permit extended changes `permit_end`, not the seven indexed summary columns).
        // (Arrays are made of what is needed, not of filtered person states: at a million persons a filtered copy of
        // the states alone is half a gigabyte.)
        for (row, original) in states.compactMap({ s in s.person.changed && !s.person.isNew ? s.original.map { (s.person.row, $0) } : nil }) + summaryUpdates {
            let set = changedColumns(row, from: original)
            if set.isEmpty { continue }
            let assignments = set.map { SQLBinaryExpression(SQLIdentifier($0.0), .equal, $0.1) }
            try await sql.raw("UPDATE foreigners SET \(SQLList(assignments)), updated_at = \(bind: timestamp) WHERE id = \(bind: row.id)").run()
        }
        lap("foreigners")
        let renamed = states.indices.filter { states[$0].namesChanged }
        let renamedExisting = renamed.compactMap { states[$0].person.isNew ? nil : states[$0].person.row.id }
        for chunk in chunks(renamedExisting) { try await sql.raw("DELETE FROM foreigner_name_tokens WHERE foreigner_id IN (\(binds: chunk))").run() }
        // All the tokens as one flat array (a million persons: 2.2 million pairs, about 70 MB), sorted once.
        var pairs: [(UUID, String)] = []
        pairs.reserveCapacity(renamed.count * 2)
        for i in renamed {
            let r = states[i].person.row
            for t in NameTokens.tokens(ofKey: keys(r).nameKey, names: "\(r.family_name) \(r.given_names)") { pairs.append((r.id, t)) }
        }
        try await buildingIndexesAfter(sql, "foreigner_name_tokens", adding: pairs.count, analyse: analyse) {
            try await NameTokens.insert(pairs: &pairs, on: sql)
        }

        lap("name_tokens")
        try await insertInIDOrder(sql, analyse: analyse, "passports", ["id", "foreigner_id", "number", "issuing_country", "issued_on", "expires_on", "is_current"],
                         states.flatMap { $0.passports.filter(\.isNew).map(\.row) }) { p in
                             [SQLBind(p.id), SQLBind(p.foreigner_id), SQLBind(p.number), SQLBind(p.issuing_country), SQLBind(p.issued_on), SQLBind(p.expires_on), SQLBind(p.is_current)] }
        for p in states.flatMap({ $0.passports.filter { $0.changed && !$0.isNew }.map(\.row) }) {
            try await sql.raw("UPDATE passports SET issued_on = \(bind: p.issued_on), expires_on = \(bind: p.expires_on), is_current = \(bind: p.is_current) WHERE id = \(bind: p.id)").run()
        }
        lap("passports")
        try await insertInIDOrder(sql, analyse: analyse, "stay_permits", ["id", "foreigner_id", "type_code", "number", "start_on", "end_on", "status", "sponsor_id", "office_id"],
                         states.flatMap { $0.permits.filter(\.isNew).map(\.row) }) { p in
                             [SQLBind(p.id), SQLBind(p.foreigner_id), SQLBind(p.type_code), SQLBind(p.number), SQLBind(p.start_on), SQLBind(p.end_on), SQLBind(p.status),
                              SQLBind(p.sponsor_id), SQLBind(p.office_id)] }
        for p in states.flatMap({ $0.permits.filter { $0.changed && !$0.isNew }.map(\.row) }) {
            try await sql.raw("""
                UPDATE stay_permits SET type_code = \(bind: p.type_code), start_on = \(bind: p.start_on), end_on = \(bind: p.end_on), status = \(bind: p.status),
                  sponsor_id = \(bind: p.sponsor_id), office_id = \(bind: p.office_id) WHERE id = \(bind: p.id)
                """).run()
        }
        lap("permits")
        try await insertInIDOrder(sql, analyse: analyse, "addresses", ["id", "foreigner_id", "line", "village_code", "district_code", "valid_from", "valid_to", "is_current"],
                         states.flatMap { $0.addresses.filter(\.isNew).map(\.row) }) { a in
                             [SQLBind(a.id), SQLBind(a.foreigner_id), SQLBind(a.line), SQLBind(a.village_code), SQLBind(RegionCode.district(of: a.village_code) ?? a.village_code),
                              SQLBind(a.valid_from), SQLBind(a.valid_to), SQLBind(a.is_current)] }
        for a in states.flatMap({ $0.addresses.filter { $0.changed && !$0.isNew }.map(\.row) }) {
            try await sql.raw("""
                UPDATE addresses SET line = \(bind: a.line), village_code = \(bind: a.village_code), district_code = \(bind: RegionCode.district(of: a.village_code) ?? a.village_code),
                  valid_to = \(bind: a.valid_to), is_current = \(bind: a.is_current) WHERE id = \(bind: a.id)
                """).run()
        }
        lap("addresses")
        try await insertInIDOrder(sql, analyse: analyse, "employments", ["id", "foreigner_id", "sponsor_id", "position", "start_on", "end_on"],
                         states.flatMap { $0.employments.filter(\.isNew).map(\.row) }) { e in
                             [SQLBind(e.id), SQLBind(e.foreigner_id), SQLBind(e.sponsor_id), SQLBind(e.position), SQLBind(e.start_on), SQLBind(e.end_on)] }
        for e in states.flatMap({ $0.employments.filter { $0.changed && !$0.isNew }.map(\.row) }) {
            try await sql.raw("UPDATE employments SET position = \(bind: e.position), end_on = \(bind: e.end_on) WHERE id = \(bind: e.id)").run()
        }
        lap("employments")
        try await buildingIndexesAfter(sql, "movements", adding: newMovements.count, analyse: analyse) {
            try await insert(sql, "movements", ["id", "foreigner_id", "direction", "crossed_at", "port_code", "travel_document", "batch_id"],
                             newMovements) { m, id in
                                 [SQLBind(UUID()), SQLBind(id), SQLBind(m.direction), SQLBind(m.crossedAt), SQLBind(m.portCode), SQLBind(m.travelDocument), SQLBind(batchID)] }
        }
        try await buildingIndexesAfter(sql, "registry_history", adding: history.count, analyse: analyse) {
            try await insertHistory(history, at: now, actorID: actor.id, actorName: actor.name, source: source, reason: nil, on: sql)
        }

        lap("movements_history")
        let summaryJSON = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        try await sql.insert(into: "registry_batches").columns("id", "digest", "received_at", "actor_id", "channel", "summary")
            .values(SQLBind(batchID), SQLBind(batch.digest), SQLBind(now), SQLBind(actor.id), SQLBind(actor.channel), SQLBind(summaryJSON)).run()
        let counts = "created=\(summary.created.total) updated=\(summary.updated.total) unchanged=\(summary.unchanged)"
        try await AuditLog.appendHoldingTransaction([AuditEntry(action: "registry.batch", objectType: "registry_batch", objectID: batchID.uuidString, detail: "\(actor.channel) \(counts)")],
                                                    actor: AuditActor(id: actor.id, role: actor.role), requestID: actor.requestID, at: now, on: tx)
        lap("batch_audit")
        Logger(label: "sinergi.registry").info("registry batch written", metadata: Dictionary(uniqueKeysWithValues: zip(laps.dropFirst(), laps).map { step, previous in
            (step.0 + "_s", Logger.MetadataValue.string(String(format: "%.1f", (step.1 - previous.1).seconds)))
        }))
    }

    // MARK: - Helpers

    /// The passport that expires last is the current one.
    static func finishPassports(_ list: inout [Tracked<PassportRow>]) {
        guard let latest = list.indices.max(by: { (list[$0].row.expires_on, list[$0].row.issued_on ?? "") < (list[$1].row.expires_on, list[$1].row.issued_on ?? "") }) else { return }
        for i in list.indices {
            let current = i == latest
            if list[i].row.is_current != current { list[i].row.is_current = current; list[i].changed = true }
        }
    }

    /// The address valid from the latest day is current; each other ends the day the next begins.
    static func finishAddresses(_ list: inout [Tracked<AddressRow>]) {
        let order = list.indices.sorted { list[$0].row.valid_from < list[$1].row.valid_from }
        for (n, i) in order.enumerated() {
            let next = n + 1 < order.count ? list[order[n + 1]].row.valid_from : nil
            let current = next == nil
            if list[i].row.is_current != current || list[i].row.valid_to != next {
                list[i].row.is_current = current; list[i].row.valid_to = next; list[i].changed = true
            }
        }
    }

    struct Change { var field: String; var old: String?; var new: String? }

    static func diff<R>(_ a: R, _ b: R, _ required: [(String, KeyPath<R, String>)], _ optional: [(String, KeyPath<R, String?>)]) -> [Change] {
        required.compactMap { name, k in a[keyPath: k] == b[keyPath: k] ? nil : Change(field: name, old: a[keyPath: k], new: b[keyPath: k]) }
            + optional.compactMap { name, k in a[keyPath: k] == b[keyPath: k] ? nil : Change(field: name, old: a[keyPath: k], new: b[keyPath: k]) }
    }

    /// The columns of `foreigners` whose values differ between `original` and `r`, derived keys included.
    static func changedColumns(_ r: PersonRow, from o: PersonRow) -> [(String, SQLBind)] {
        var out: [(String, SQLBind)] = []
        func add<T: Encodable & Equatable & Sendable>(_ column: String, _ new: T, _ old: T) { if new != old { out.append((column, SQLBind(new))) } }
        let k = keys(r), ok = keys(o)
        add("family_name", r.family_name, o.family_name); add("given_names", r.given_names, o.given_names)
        add("full_name", k.full, ok.full); add("search_name", k.search, ok.search); add("name_key", k.nameKey, ok.nameKey)
        add("sex", r.sex, o.sex); add("date_of_birth", r.date_of_birth, o.date_of_birth); add("nationality", r.nationality, o.nationality)
        add("place_of_birth", r.place_of_birth, o.place_of_birth)
        add("passport_number", r.passport_number, o.passport_number)
        add("passport_key", r.passport_number.map(Normalize.documentID), o.passport_number.map(Normalize.documentID))
        add("permit_category", r.permit_category, o.permit_category); add("permit_end", r.permit_end, o.permit_end)
        add("permit_start", r.permit_start, o.permit_start)
        add("permit_prior_start", r.permit_prior_start, o.permit_prior_start); add("permit_prior_end", r.permit_prior_end, o.permit_prior_end)
        add("sponsor_id", r.sponsor_id, o.sponsor_id); add("village_code", r.village_code, o.village_code)
        add("regency_code", r.village_code.flatMap(RegionCode.regency(of:)), o.village_code.flatMap(RegionCode.regency(of:)))
        add("departed", r.departed ?? false, o.departed ?? false)
        return out
    }

    static func keys(_ r: PersonRow) -> (full: String, search: String, nameKey: String) {
        let full = "\(r.given_names) \(r.family_name)".trimmingCharacters(in: .whitespaces)
        let keys = ForeignerSummary.nameKeys(family: r.family_name, given: r.given_names, full: full)
        return (full, keys.search, keys.nameKey)
    }

    static func personValues(_ r: PersonRow, now: Date) -> [SQLBind] {
        let k = keys(r)
        return [SQLBind(r.id), SQLBind(r.person_ref), SQLBind(r.family_name), SQLBind(r.given_names), SQLBind(k.full), SQLBind(r.sex), SQLBind(r.date_of_birth),
                SQLBind(r.nationality), SQLBind(r.place_of_birth), SQLBind(k.search), SQLBind(r.passport_number), SQLBind(r.passport_number.map(Normalize.documentID)),
                SQLBind(k.nameKey), SQLBind(r.permit_category), SQLBind(r.permit_end), SQLBind(r.permit_start),
                SQLBind(r.permit_prior_start), SQLBind(r.permit_prior_end), SQLBind(r.sponsor_id), SQLBind(r.village_code),
                SQLBind(r.village_code.flatMap(RegionCode.regency(of:))), SQLBind(r.departed ?? false), SQLBind(now), SQLBind(now)]
    }

    static func insertHistory(_ rows: [HistoryRow], at now: Date, actorID: String, actorName: String, source: String, reason: String?, on sql: any SQLDatabase) async throws {
        try await insert(sql, "registry_history", ["id", "foreigner_id", "object_type", "object_id", "record", "field", "old_value", "new_value", "valid_from",
                                                   "recorded_at", "actor_id", "actor_name", "source", "reason"],
                         rows) { h in [SQLBind(UUID()), SQLBind(h.foreignerID), SQLBind(h.objectType), SQLBind(h.objectID), SQLBind(h.record), SQLBind(h.field),
                                          SQLBind(h.old), SQLBind(h.new), SQLBind(h.validFrom), SQLBind(now), SQLBind(actorID), SQLBind(actorName), SQLBind(source), SQLBind(reason)] }
    }

    /// New rows inserted in the order of their ids as stored, so they append to the primary key's B-tree instead of
    /// landing at random places. The rows are sorted where they lie: a second array of a million rows is not made.
    static func insertInIDOrder<T: IdentifiedRow>(_ sql: any SQLDatabase, analyse: Bool = true, _ table: String, _ columns: [String], _ items: consuming [T],
                                         _ values: (T) -> [SQLBind]) async throws {
        items.sortByID()
        try await buildingIndexesAfter(sql, table, adding: items.count, analyse: analyse) {
            try await insert(sql, table, columns, items, values)
        }
    }

    /// A batch that brings a table more rows than it holds (a first load) inserts them without the table's secondary
    /// indexes and builds those again afterwards, in the same transaction: one sort per index instead of a B-tree
    /// insert at a random place per row and index. A unique index built again checks every row, as the inserts would
    /// have (and a failure rolls the whole batch back). SQLite only; a primary key's own index stays.
    /// `analyse`: the planner statistics of the indexes built again are made anew (dropping an index drops them); a
    /// batch large enough to be followed by a full `ANALYZE` (`statisticsAfter`) leaves that to it.
    static func buildingIndexesAfter(_ sql: any SQLDatabase, _ table: String, adding rows: Int, analyse: Bool = true,
                                     _ body: () async throws -> Void) async throws {
        guard sql.dialect.name == "sqlite", rows > 0 else { return try await body() }
        struct N: Decodable { var n: Int }
        // Counts no further than the batch's own rows: a table the batch does not outgrow costs no more than the batch.
        let held = try await sql.raw("SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(ident: table) LIMIT \(bind: rows))").first(decoding: N.self)?.n ?? 0
        guard held < rows else { return try await body() }
        struct Index: Decodable { var name: String; var sql: String }
        let indexes = try await sql.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: table) AND sql IS NOT NULL")
            .all(decoding: Index.self)
        for i in indexes { try await sql.raw("DROP INDEX \(ident: i.name)").run() }
        try await body()
        // The schema's own statements, as the migrations wrote them (no outside text). Their sorts spill to temporary
        // files, not to memory (the batch keeps its statement journals in memory): at a million rows, half a gigabyte.
        // (It cannot change while the connection has temporary tables open: then the sorts stay in memory.)
        struct T: Decodable { var temp_store: Int }
        let tempStore = try await sql.raw("PRAGMA temp_store").first(decoding: T.self)?.temp_store ?? 0
        try? await sql.raw("PRAGMA temp_store = FILE").run()
        do {
            for i in indexes { try await sql.raw("\(unsafeRaw: i.sql)").run() }
        } catch {
            try? await sql.raw("PRAGMA temp_store = \(unsafeRaw: String(tempStore))").run()
            throw error
        }
        try? await sql.raw("PRAGMA temp_store = \(unsafeRaw: String(tempStore))").run()
        struct N2: Decodable { var n: Int }
        if analyse, try await sql.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").first(decoding: N2.self)?.n ?? 0 > 0 {
            for i in indexes { try await sql.raw("ANALYZE \(ident: i.name)").run() }
        }
    }

    /// Multi-row inserts, as many rows per statement as keep the binds under both databases' limits.
    /// Each statement's binds are made when it is built, not all at once (a million rows × twenty columns of
    /// binds would cost more memory than the rows themselves).
    static func insert<T>(_ sql: any SQLDatabase, _ table: String, _ columns: [String], _ items: [T], _ values: (T) -> [SQLBind]) async throws {
        let per = max(1, 30_000 / columns.count)
        if let lite = sql as? any SQLiteDatabase, sql.dialect.name == "sqlite" {
            // SQLite: the statement's text once per row count, and the values handed over as SQLite values. Through
            // SQLKit each value is serialised and encoded on its own (a conformance look-up, UUIDs formatted by
            // `snprintf`): a sixth of a million-person load.
            var statements: [Int: String] = [:]
            for start in stride(from: 0, to: items.count, by: per) {
                let slice = items[start..<min(items.count, start + per)]
                var binds: [SQLiteData] = []
                binds.reserveCapacity(slice.count * columns.count)
                for item in slice { for b in values(item) { binds.append(try SQLiteValue.of(b)) } }
                let text = statements[slice.count] ?? SQLiteValue.insertStatement(table, columns, rows: slice.count)
                statements[slice.count] = text
                _ = try await lite.query(text, binds)
            }
            return
        }
        for start in stride(from: 0, to: items.count, by: per) {
            var q = sql.insert(into: table).columns(columns)
            for item in items[start..<min(items.count, start + per)] { q = q.values(values(item)) }
            try await q.run()
        }
    }

    /// Values in lists short enough for an `IN (…)`.
    static func chunks<T>(_ values: [T], size: Int = 900) -> [[T]] {
        stride(from: 0, to: values.count, by: size).map { Array(values[$0..<min(values.count, $0 + size)]) }
    }
}

/// Rows with a UUID `id`.
protocol IdentifiedRow { var id: UUID { get } }
extension RegistryBatchApplier.SponsorRow: IdentifiedRow {}
extension RegistryBatchApplier.PersonRow: IdentifiedRow {}
extension RegistryBatchApplier.PassportRow: IdentifiedRow {}
extension RegistryBatchApplier.PermitRow: IdentifiedRow {}
extension RegistryBatchApplier.AddressRow: IdentifiedRow {}
extension RegistryBatchApplier.EmploymentRow: IdentifiedRow {}

extension Array where Element: IdentifiedRow {
    /// In the order of their ids as stored (upper-case hex in byte order, dashes at fixed places: they sort as the
    /// sixteen bytes do), compared as two big-endian integers, so no text is made.
    mutating func sortByID() {
        sort { a, b in
            let x = a.id.orderKey, y = b.id.orderKey
            return x.hi != y.hi ? x.hi < y.hi : x.lo < y.lo
        }
    }
}

extension UUID {
    /// The sixteen bytes as two big-endian integers: ordered as the bytes, and as the upper-case text.
    var orderKey: (hi: UInt64, lo: UInt64) {
        withUnsafeBytes(of: uuid) { (UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
    }
}

extension RegistryBatchSummary.Counts {
    var total: Int { foreigners + passports + permits + addresses + sponsors + employments + movements }
}

extension Duration {
    /// Seconds, to the millisecond (for logs).
    var seconds: Double { ((Double(components.seconds) + Double(components.attoseconds) / 1e18) * 1000).rounded() / 1000 }
}
