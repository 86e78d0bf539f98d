import Deadlines
import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// A change to the registry that a finding suggests (`proposed_changes`), never applied by itself: an officer
/// accepts it (the registry is updated, the history names the proposal and its source) or rejects it.
/// `payload`: JSON object of text values, by kind:
/// - `address`: `line`, `villageCode` (may be absent: an agency's list has free text; the officer picks it), `validFrom`;
/// - `civilStatus`: `status` (`married`, `divorced`, `deceased`), `eventOn`;
/// - `employment`: `employer` (a name), `position`, `startOn`;
/// - `permitEnd`: `eventOn` (a departure);
/// - `addressCheck`: `entryId`, `officerId`, `note` (a field finding "address mismatch": a task to check it).
final class ProposedChange: Model, @unchecked Sendable {
    static let schema = "proposed_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "foreigner_id") var foreignerID: UUID
    @Field(key: "source") var source: String
    @Field(key: "source_id") var sourceID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "payload") var payload: String
    @Field(key: "status") var status: String          // open | accepted | rejected
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "result_ref") var resultRef: String?
    init() {}

    var values: [String: String] { (try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8))) ?? [:] }
}

/// The proposals table and the civil status the registry now keeps.
struct M028_ProposedChanges: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("foreigners").field("civil_status", .string).update()
        try await db.schema("proposed_changes")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("source", .string, .required)
            .field("source_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("result_ref", .string)
            .unique(on: "source", "source_id", "kind")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "proposed_changes_status_idx").on("proposed_changes").column("status").column("created_at").run()
        try await sql.create(index: "proposed_changes_foreigner_idx").on("proposed_changes").column("foreigner_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("proposed_changes").delete()
        try await db.schema("foreigners").deleteField("civil_status").update()
    }
}

enum ProposedChanges {
    static let sources = ["sponsor-report", "import", "daily-report"]
    static let kinds = ["address", "civilStatus", "employment", "permitEnd", "addressCheck"]

    /// Records a proposal once per source, source row and kind (a repeated decision changes nothing).
    static func propose(foreigner: UUID, source: String, sourceID: UUID, kind: String, _ values: [String: String], now: Date, on db: any Database) async throws {
        if try await ProposedChange.query(on: db).filter(\.$source == source).filter(\.$sourceID == sourceID).filter(\.$kind == kind).first() != nil { return }
        let p = ProposedChange()
        p.id = UUID(); p.foreignerID = foreigner; p.source = source; p.sourceID = sourceID; p.kind = kind
        p.payload = String(decoding: try JSONEncoder().encode(values), as: UTF8.self); p.status = "open"; p.createdAt = now
        try await p.create(on: db)
    }

    // MARK: - Sources

    /// An accepted sponsor report: an address change (or arrival) proposes the new address; a marriage, divorce
    /// or death the person's civil status; an employer change the employment; a departure the permit's end.
    static func fromSponsorReport(_ r: SponsorReport, now: Date, on db: any Database) async throws {
        let d = (try? JSONDecoder().decode([String: String].self, from: Data(r.details.utf8))) ?? [:]
        let id = r.id!
        switch ReportType(rawValue: r.reportType) {
        case .arrival, .addressChange:
            guard let line = d["address"], let code = d["kelurahanCode"] else { return }
            try await propose(foreigner: r.foreignerID, source: "sponsor-report", sourceID: id, kind: "address", ["line": line, "villageCode": code, "validFrom": r.eventOn], now: now, on: db)
        case .civilStatusChange:
            let map = ["marriage": "married", "divorce": "divorced", "death": "deceased"]
            guard let s = d["civilStatus"].flatMap({ map[$0] }) else { return }     // a birth changes nothing about the person
            try await propose(foreigner: r.foreignerID, source: "sponsor-report", sourceID: id, kind: "civilStatus", ["status": s, "eventOn": r.eventOn], now: now, on: db)
        case .employerChange:
            guard let employer = d["newEmployer"] else { return }
            var v = ["employer": employer, "startOn": r.eventOn]
            if let pos = d["position"] { v["position"] = pos }
            try await propose(foreigner: r.foreignerID, source: "sponsor-report", sourceID: id, kind: "employment", v, now: now, on: db)
        case .departure:
            try await propose(foreigner: r.foreignerID, source: "sponsor-report", sourceID: id, kind: "permitEnd", ["eventOn": r.eventOn], now: now, on: db)
        case .endOfSponsorship, .none:
            return
        }
    }

    /// An accepted reconciliation match whose agency row names another address or employer than the registry.
    static func fromImportRow(_ row: ImportRow, foreigner: UUID, today: String, now: Date, on db: any Database) async throws {
        let rowID = try row.requireID()
        if let address = row.address?.trimmingCharacters(in: .whitespaces), !address.isEmpty {
            let current = try await Address.query(on: db).filter(\.$foreigner.$id == foreigner).filter(\.$isCurrent == true).first()
            if !same(current?.line, address) {
                try await propose(foreigner: foreigner, source: "import", sourceID: rowID, kind: "address", ["line": address, "validFrom": today], now: now, on: db)
            }
        }
        if let employer = row.employer?.trimmingCharacters(in: .whitespaces), !employer.isEmpty {
            let jobs = try await Employment.query(on: db).filter(\.$foreigner.$id == foreigner).filter(\.$endOn == nil).with(\.$sponsor).all()
            if !jobs.contains(where: { same($0.sponsor.name, employer) }) {
                try await propose(foreigner: foreigner, source: "import", sourceID: rowID, kind: "employment", ["employer": employer, "startOn": today], now: now, on: db)
            }
        }
    }

    /// A submitted daily report's "address mismatch" findings about a registered foreigner.
    static func fromDailyReport(_ entries: [ReportEntry], officer: UUID, now: Date, on db: any Database) async throws {
        for e in entries where e.finding == FieldFinding.addressMismatch.rawValue {
            guard let f = e.foreignerID, let id = e.id else { continue }
            var v = ["entryId": id.uuidString, "officerId": officer.uuidString, "villageCode": e.villageCode]
            if let note = e.note { v["note"] = String(note.prefix(300)) }
            try await propose(foreigner: f, source: "daily-report", sourceID: id, kind: "addressCheck", v, now: now, on: db)
        }
    }

    /// Two texts that say the same: case, accents, punctuation and spacing aside; "PT" and "Jl." alike.
    static func same(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        func key(_ s: String) -> String {
            Normalize.fold(s).map { $0.isLetter || $0.isNumber ? String($0) : " " }.joined()
                .split(separator: " ").filter { !["PT", "CV", "TBK", "JL", "JALAN"].contains($0) }.joined(separator: " ")
        }
        let x = key(a), y = key(b)
        return x == y || (!x.isEmpty && !y.isEmpty && (x.contains(y) || y.contains(x)))
    }

    // MARK: - Reading

    /// Open (or other `status`) proposals about foreigners the user may see, oldest first.
    static func list(_ req: Request, source: String?, status: String? = "open", foreigner: UUID? = nil, paging: Paging = Paging(page: 1, per: 500)) async throws -> [ProposedChange] {
        try await page(req, source: source, status: status, foreigner: foreigner, paging: paging, counted: false).items
    }

    /// One page of them, and how many there are in all (scoped and paged in SQL).
    /// `status` nil: every status.
    static func page(_ req: Request, source: String?, status: String? = "open", foreigner: UUID? = nil, paging: Paging, counted: Bool = true) async throws -> (items: [ProposedChange], total: Int) {
        let filter = try ScopePolicy.personalFilter(try req.requirePrincipal())
        var q: SQLQueryString = "FROM proposed_changes pc JOIN foreigners f ON f.id = pc.foreigner_id WHERE \(filter.qualified("f"))"
        if let status { q = q + " AND pc.status = \(bind: status)" }
        if let source { q = q + " AND pc.source = \(bind: source)" }
        if let foreigner { q = q + " AND pc.foreigner_id = \(bind: foreigner)" }
        let sql = req.db as! any SQLDatabase
        struct Row: Decodable { var id: UUID }
        struct Count: Decodable { var n: Int }
        // Open ones oldest first (a queue); every status newest first, so that the latest (the open among them) lead.
        let newestFirst = status == nil
        let order: SQLQueryString = newestFirst ? " ORDER BY pc.created_at DESC, pc.id DESC" : " ORDER BY pc.created_at, pc.id"
        let ids = try await sql.raw("SELECT pc.id " + q + order + " LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all(decoding: Row.self).map(\.id)
        let total = counted ? try await sql.raw("SELECT COUNT(*) AS n " + q).first(decoding: Count.self)?.n ?? 0 : ids.count
        if ids.isEmpty { return ([], total) }
        let direction: DatabaseQuery.Sort.Direction = newestFirst ? .descending : .ascending
        return (try await ProposedChange.query(on: req.db).filter(\.$id ~~ ids).sort(\.$createdAt, direction).sort(\.$id, direction).all(), total)
    }

    /// One proposal about a foreigner the user may see (404 otherwise).
    static func visible(_ id: UUID, _ req: Request) async throws -> (ProposedChange, Foreigner) {
        guard let pc = try await ProposedChange.find(id, on: req.db) else { throw Abort(.notFound) }
        return (pc, try await ScopePolicy.foreigner(pc.foreignerID, req))
    }

    // MARK: - Deciding

    struct Decision: Content {
        var villageCode: String?
        var line: String?
        var sponsorId: UUID?
        var position: String?
        var assignee: UUID?
        var dueOn: String?
        var note: String?
    }

    static func reject(_ id: UUID, note: String?, _ req: Request) async throws -> ProposedChange {
        let p = try req.requirePrincipal()
        let (pc, _) = try await visible(id, req)
        guard pc.status == "open" else { throw AppError.conflict("reg.decided") }
        guard let why = try ValidationFailure.text(note, "note", max: 500) else { throw ValidationFailure("v.required", field: "note") }
        let now = req.application.clock.now()
        return try await req.audited { db in
            pc.status = "rejected"; pc.decidedBy = p.userID; pc.decidedAt = now; pc.decisionNote = why
            try await pc.save(on: db)
            return (pc, [AuditEntry(action: "proposal.reject", objectType: "proposed_change", objectID: id.uuidString, detail: "\(pc.source) \(pc.kind)")])
        }
    }

    static func accept(_ id: UUID, _ input: Decision, _ req: Request) async throws -> ProposedChange {
        let p = try req.requirePrincipal()
        let (pc, f) = try await visible(id, req)
        guard pc.status == "open" else { throw AppError.conflict("reg.decided") }
        let v = pc.values
        let note = try ValidationFailure.text(input.note, "note", max: 500)
        let why = note ?? L10n.t("prop.reason.\(pc.source)", .id)
        let source = "proposal:\(id.uuidString)"
        let fid = f.id!, now = req.application.clock.now(), today = req.application.today
        var work: @Sendable (any Database) async throws -> String?
        switch pc.kind {
        case "address":
            let village = try await RegistryEdits.village(input.villageCode ?? v["villageCode"], "villageCode", db: req.db)
            guard let line = try ValidationFailure.text(input.line ?? v["line"], "line", max: 300) else { throw ValidationFailure("v.required", field: "line") }
            let from = v["validFrom"] ?? today
            work = { db in
                try await RegistryEdits.record(address: line, village: village, validFrom: from, foreigner: fid, source: source, reason: why, by: p, at: now, today: today, on: db)
                return nil
            }
        case "civilStatus":
            let status = v["status"] ?? ""
            work = { db in
                guard let person = try await Foreigner.find(fid, on: db) else { throw Abort(.notFound) }
                let old = person.civilStatus
                person.civilStatus = status
                try await person.save(on: db)
                try await RegistryEdits.history([.init(foreignerID: fid, objectType: "foreigner", objectID: fid, record: nil, field: "civilStatus", old: old, new: status, validFrom: v["eventOn"])],
                                                source: source, reason: why, by: p, at: now, on: db)
                return nil
            }
        case "employment":
            let start = v["startOn"] ?? today
            var sponsor: Sponsor?
            if let s = input.sponsorId { sponsor = try await ScopePolicy.sponsor(s, req) }
            let position = try ValidationFailure.text(input.position ?? v["position"], "position", max: 120) ?? "—"
            let employer = v["employer"] ?? ""
            let chosen = sponsor
            work = { db in
                var rows: [RegistryBatchApplier.HistoryRow] = []
                for e in try await Employment.query(on: db).filter(\.$foreigner.$id == fid).filter(\.$endOn == nil).all() where e.$sponsor.id != chosen?.id {
                    e.endOn = max(start, e.startOn)
                    try await e.save(on: db)
                    rows.append(.init(foreignerID: fid, objectType: "employment", objectID: e.id!, record: nil, field: "employment.endOn", old: nil, new: e.endOn, validFrom: nil))
                }
                if let s = chosen {
                    let e = Employment()
                    e.$foreigner.id = fid; e.$sponsor.id = s.id!; e.position = position; e.startOn = start
                    try await e.create(on: db)
                    rows.append(.init(foreignerID: fid, objectType: "employment", objectID: e.id!, record: nil, field: "employment", old: nil, new: "\(position) · \(s.name) \(start)", validFrom: start))
                } else {
                    // The new employer is not a sponsor in the registry: the change is recorded as the history's note.
                    rows.append(.init(foreignerID: fid, objectType: "foreigner", objectID: fid, record: nil, field: "employer", old: nil, new: employer, validFrom: start))
                }
                try await RegistryEdits.history(rows, source: source, reason: why, by: p, at: now, on: db)
                return nil
            }
        case "permitEnd":
            let end = v["eventOn"] ?? today
            work = { db in
                var rows: [RegistryBatchApplier.HistoryRow] = []
                for permit in try await StayPermit.query(on: db).filter(\.$foreigner.$id == fid).filter(\.$status == PermitStatus.active.rawValue).all() {
                    rows.append(.init(foreignerID: fid, objectType: "permit", objectID: permit.id!, record: permit.number, field: "permit.status", old: permit.status, new: PermitStatus.expired.rawValue, validFrom: end))
                    if permit.endOn > end {
                        rows.append(.init(foreignerID: fid, objectType: "permit", objectID: permit.id!, record: permit.number, field: "permit.endOn", old: permit.endOn, new: end, validFrom: nil))
                        permit.endOn = end
                    }
                    permit.status = PermitStatus.expired.rawValue
                    try await permit.save(on: db)
                }
                try await ForeignerSummary.refresh(fid, today: today, on: db)
                try await RegistryEdits.history(rows, source: source, reason: why, by: p, at: now, on: db)
                return nil
            }
        case "addressCheck":
            guard let office = p.officeID else { throw Abort(.forbidden) }
            let assignee = input.assignee ?? v["officerId"].flatMap(UUID.init(uuidString:))
            guard let assignee, let officer = try await User.find(assignee, on: req.db), officer.$office.id == office,
                  officer.roleValue == .officer || officer.roleValue == .supervisor else {
                throw ValidationFailure("v.assigneesOffice", field: "assignee")
            }
            let due = (input.dueOn?.isEmpty == false ? input.dueOn : nil) ?? Day.adding(7, to: today)!
            guard due.count == 10, let days = Day.between(today, due) else { throw ValidationFailure("v.day", field: "dueOn") }
            guard days >= 0 else { throw ValidationFailure("v.notPast", field: "dueOn") }
            let title = "\(L10n.t("prop.task", .id)): \(f.fullName)"
            work = { db in
                let t = FieldTask()
                t.id = UUID(); t.officeID = office; t.createdBy = p.userID; t.kind = TaskKind.verifyAddress.rawValue; t.title = title
                t.foreignerID = fid; t.dueOn = due; t.status = TaskStatus.open.rawValue; t.createdAt = now
                try await t.create(on: db)
                let a = FieldTaskAssignee(); a.taskID = t.id!; a.userID = assignee
                try await a.create(on: db)
                try await Notifier.notify([assignee], except: p.userID, kind: "task_assigned", title: title, link: FieldWorkURL.task(t.id!), req: req, db: db)
                return "task:\(t.id!.uuidString)"
            }
        default:
            throw AppError.conflict("reg.decided")
        }
        let apply = work
        return try await req.audited { db in
            // Decided once: a second officer deciding at the same moment finds it decided.
            guard let fresh = try await ProposedChange.find(id, on: db), fresh.status == "open" else { throw AppError.conflict("reg.decided") }
            let result = try await apply(db)
            fresh.status = "accepted"; fresh.decidedBy = p.userID; fresh.decidedAt = now; fresh.decisionNote = note; fresh.resultRef = result
            try await fresh.save(on: db)
            return (fresh, [AuditEntry(action: "proposal.accept", objectType: "proposed_change", objectID: id.uuidString, detail: "\(fresh.source) \(fresh.kind) foreigner=\(fid)")])
        }
    }
}

/// The status a list of proposals (proposed changes, sponsor merges) is narrowed to: open by default, or `all`.
enum ProposalStatus {
    static let values = ["open", "accepted", "rejected", "all"]

    /// The status asked for in `status`; nil for every status.
    static func read(_ req: Request) throws -> String? {
        let status = req.queryValue("status").flatMap { $0.isEmpty ? nil : $0 } ?? "open"
        guard values.contains(status) else { throw ValidationFailure("v.oneOf", field: "status", values.joined(separator: ", ")) }
        return status == "all" ? nil : status
    }

    /// The filter's choices by name, for a list page.
    static func choices(_ lang: Language) -> [(String, String)] {
        values.map { ($0, L10n.t("prop.status.\($0)", lang)) }
    }
}
