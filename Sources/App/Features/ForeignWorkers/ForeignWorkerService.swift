import Deadlines
import Fluent
import Foundation
import Vapor

/// RPTKA, positions and understudies, DKPTKA payments, and the mismatches between them and the workers
/// a company actually employs.
enum ForeignWorkerService {
    struct PositionInput: Content { var title: String?; var quota: Int? }
    struct RPTKAInput: Content { var number: String?; var validFrom: String?; var validTo: String?; var positions: [PositionInput]? }
    struct AssignmentInput: Content { var foreignerId: UUID?; var positionId: UUID?; var understudyName: String?; var understudyPosition: String? }
    struct PaymentInput: Content { var foreignerId: UUID?; var fromMonth: String?; var months: Int?; var amountUsd: Int?; var paidOn: String?; var reference: String? }

    /// The signed-in company sponsor. Individuals have no foreign-worker documents.
    static func company(_ req: Request) async throws -> Sponsor {
        let p = try req.requirePrincipal()
        guard ScopePolicy.mayReachCompany(p) else { throw AppError.forbidden("portal.agentScope") }
        let s = try await ScopePolicy.sponsor(p.sponsorID ?? UUID(), req)
        guard s.kind == "company" else { throw AppError.forbidden("err.companyOnly") }
        return s
    }

    static func createRPTKA(_ i: RPTKAInput, _ req: Request) async throws -> RPTKA {
        let s = try await company(req)
        let t = ValidationFailure.text
        guard let number = try t(i.number, "number", 60) else { throw ValidationFailure("v.required", field: "number") }
        // Each date named beside its own field, both at once.
        var checks = FieldChecks()
        func day(_ raw: String?, _ field: String) throws -> String? {
            try checks.run { () throws -> String in
                guard let v = raw?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { throw ValidationFailure("v.required", field: field) }
                guard Day.isValid(v) else { throw ValidationFailure("v.day", field: field) }
                return v
            }
        }
        let fromChecked = try day(i.validFrom, "validFrom"), toChecked = try day(i.validTo, "validTo")
        let (from, to) = try checks.finish(fromChecked, toChecked)
        guard from <= to else { throw ValidationFailure("v.dayOrder", field: "validTo", from) }
        let positions = i.positions ?? []
        guard (1...50).contains(positions.count) else { throw ValidationFailure("v.countRange", field: "positions", "1", "50") }
        var clean: [(String, Int)] = []
        for (k, pos) in positions.enumerated() {
            guard let title = try t(pos.title, "positions[\(k)].title", 200) else { throw ValidationFailure("v.required", field: "positions[\(k)].title") }
            guard let q = pos.quota, (1...1000).contains(q) else { throw ValidationFailure("v.wholeNumberRange", field: "positions[\(k)].quota", "1", "1000") }
            clean.append((title, q))
        }
        if try await RPTKA.query(on: req.db).filter(\.$sponsorID == s.id!).filter(\.$number == number).first() != nil {
            throw AppError.conflict("err.rptkaExists", number)
        }
        let now = req.application.clock.now()
        let rows = clean
        return try await req.audited { db in
            let r = RPTKA()
            r.id = UUID(); r.sponsorID = s.id!; r.number = number; r.validFrom = from; r.validTo = to; r.createdAt = now
            try await r.create(on: db)
            for (title, quota) in rows {
                let p = RPTKAPosition()
                p.id = UUID(); p.rptkaID = r.id!; p.title = title; p.quota = quota
                try await p.create(on: db)
            }
            return (r, [AuditEntry(action: "rptka.create", objectType: "rptka", objectID: r.id!.uuidString, detail: "sponsor=\(s.id!) positions=\(rows.count)")])
        }
    }

    /// Sets a worker's RPTKA position and Indonesian understudy (one record per worker, replaced).
    static func assign(_ i: AssignmentInput, _ req: Request) async throws -> TKAAssignment {
        let s = try await company(req)
        let f = try await SponsorReportService.ownForeigner(i.foreignerId, try req.requirePrincipal(), db: req.db)
        if let pid = i.positionId {
            let rptkas = try await RPTKA.query(on: req.db).filter(\.$sponsorID == s.id!).all().compactMap(\.id)
            guard try await RPTKAPosition.query(on: req.db).filter(\.$id == pid).filter(\.$rptkaID ~~ rptkas).first() != nil else {
                throw ValidationFailure("v.ownPosition", field: "positionId")
            }
        }
        let name = try ValidationFailure.text(i.understudyName, "understudyName", max: 200)
        let position = try ValidationFailure.text(i.understudyPosition, "understudyPosition", max: 200)
        let now = req.application.clock.now()
        return try await req.audited { db in
            let a = try await TKAAssignment.query(on: db).filter(\.$sponsorID == s.id!).filter(\.$foreignerID == f.id!).first() ?? {
                let n = TKAAssignment(); n.id = UUID(); n.sponsorID = s.id!; n.foreignerID = f.id!; return n
            }()
            a.positionID = i.positionId; a.understudyName = name; a.understudyPosition = position; a.updatedAt = now
            try await a.save(on: db)
            return (a, [AuditEntry(action: "tka.assign", objectType: "foreigner", objectID: f.id!.uuidString, detail: "position=\(i.positionId?.uuidString ?? "none")")])
        }
    }

    /// Records a DKPTKA payment. The same payment sent again (same reference and content) returns the first record
    /// (`created` false); the same reference with other content is refused, naming the reference.
    static func pay(_ i: PaymentInput, _ req: Request) async throws -> (DKPTKAPayment, created: Bool) {
        let s = try await company(req)
        let f = try await SponsorReportService.ownForeigner(i.foreignerId, try req.requirePrincipal(), db: req.db)
        guard let ref = try ValidationFailure.text(i.reference, "reference", max: 60) else {
            throw ValidationFailure("v.required", field: "reference")
        }
        guard let from = i.fromMonth.flatMap({ Month($0) }) else { throw ValidationFailure("v.month", field: "fromMonth") }
        guard let months = i.months, (1...60).contains(months) else { throw ValidationFailure("v.wholeNumberRange", field: "months", "1", "60") }
        guard let amount = i.amountUsd, (0...10_000_000).contains(amount) else { throw ValidationFailure("v.wholeNumberMin", field: "amountUsd", "0") }
        let today = req.application.today
        guard let paid = i.paidOn, Day.isValid(paid), paid <= today else { throw ValidationFailure("v.dayNotFuture", field: "paidOn") }
        let now = req.application.clock.now()
        @Sendable func earlier(_ db: any Database) async throws -> DKPTKAPayment? {
            guard let e = try await DKPTKAPayment.query(on: db).filter(\.$sponsorID == s.id!).filter(\.$reference == ref).first() else { return nil }
            guard e.foreignerID == f.id!, e.fromMonth == from.description, e.months == months, e.amountUSD == amount, e.paidOn == paid else {
                throw ValidationFailure("v.referenceUsed", field: "reference")
            }
            return e
        }
        if let existing = try await earlier(req.db) { return (existing, false) }
        return try await req.audited { db in
            // Again inside the transaction, for a concurrent retry of the same payment (see SponsorReportService.submit).
            if let existing = try await earlier(db) { return ((existing, false), []) }
            let p = DKPTKAPayment()
            p.id = UUID(); p.sponsorID = s.id!; p.foreignerID = f.id!; p.fromMonth = from.description; p.months = months
            p.amountUSD = amount; p.paidOn = paid; p.reference = ref; p.createdAt = now
            try await p.create(on: db)
            return ((p, true), [AuditEntry(action: "dkptka.pay", objectType: "foreigner", objectID: f.id!.uuidString, detail: "months=\(months) usd=\(amount)")])
        }
    }

    // MARK: the overview and its mismatches

    struct Worker: Content {
        var foreignerId: UUID
        var fullName: String
        var employedSince: String
        var positionId: UUID?
        var positionTitle: String?
        var understudyName: String?
        var understudyPosition: String?
        var unpaidMonths: [String]
    }
    struct Position: Content { var id: UUID; var rptkaNumber: String; var title: String; var quota: Int; var assigned: Int; var current: Bool }
    struct Underpaid: Content { var reference: String; var foreignerId: UUID; var months: Int; var amountUsd: Int; var expectedUsd: Int }
    struct Overview: Content {
        var sponsorId: UUID
        var monthlyRateUsd: Int
        var positions: [Position]
        var workers: [Worker]
        var withoutPosition: [UUID]
        var withoutUnderstudy: [UUID]
        var quotaExceeded: [Position]
        var unpaid: [Worker]
        var underpaid: [Underpaid]
    }

    /// Unpaid months are counted from the employment's start, at most 24 months back, to this month.
    static let lookbackMonths = 24

    static func overview(_ s: Sponsor, _ req: Request) async throws -> Overview {
        let db = req.db
        let today = req.application.today
        let rules = try await Rules.book(db)
        let rate = rules.dkptkaMonthlyUSD(on: CalendarDay(today)!)
        let rptkas = try await RPTKA.query(on: db).filter(\.$sponsorID == s.id!).all()
        let positions = rptkas.isEmpty ? [] : try await RPTKAPosition.query(on: db).filter(\.$rptkaID ~~ rptkas.compactMap(\.id)).all()
        let employments = try await Employment.query(on: db).filter(\.$sponsor.$id == s.id!).filter(\.$startOn <= today)
            .group(.or) { $0.filter(\.$endOn == nil).filter(\.$endOn >= today) }.all()
        var since: [UUID: String] = [:]
        for e in employments { since[e.$foreigner.id] = min(since[e.$foreigner.id] ?? e.startOn, e.startOn) }
        let ids = Array(since.keys)
        let people = ids.isEmpty ? [] : try await Foreigner.query(on: db).filter(\.$id ~~ ids).all()
        let assignments = try await TKAAssignment.query(on: db).filter(\.$sponsorID == s.id!).all()
        let payments = try await DKPTKAPayment.query(on: db).filter(\.$sponsorID == s.id!).all()
        let byAssignment = Dictionary(assignments.map { ($0.foreignerID, $0) }, uniquingKeysWith: { a, _ in a })
        let rptkaOf = Dictionary(uniqueKeysWithValues: rptkas.map { ($0.id!, $0) })
        let current = Set(positions.filter { p in rptkaOf[p.rptkaID].map { $0.validFrom <= today && today <= $0.validTo } ?? false }.compactMap(\.id))
        let thisMonth = Month(day: today)!
        var workers: [Worker] = []
        for f in people.sorted(by: { $0.fullName < $1.fullName }) {
            let a = byAssignment[f.id!]
            let start = max(Month(day: since[f.id!]!) ?? thisMonth, thisMonth.adding(-(lookbackMonths - 1)))
            var covered = Set<Month>()
            for p in payments where p.foreignerID == f.id! {
                guard let m = Month(p.fromMonth) else { continue }
                for k in 0..<p.months { covered.insert(m.adding(k)) }
            }
            let unpaid = start > thisMonth ? [] : (0...start.months(until: thisMonth)).map { start.adding($0) }.filter { !covered.contains($0) }
            let pos = a?.positionID.flatMap { id in positions.first { $0.id == id } }
            workers.append(Worker(foreignerId: f.id!, fullName: f.fullName, employedSince: since[f.id!]!, positionId: pos?.id, positionTitle: pos?.title,
                                  understudyName: a?.understudyName, understudyPosition: a?.understudyPosition, unpaidMonths: unpaid.map(\.description)))
        }
        let assigned = Dictionary(grouping: workers.compactMap(\.positionId), by: { $0 }).mapValues(\.count)
        let positionRows = positions.map { p in
            Position(id: p.id!, rptkaNumber: rptkaOf[p.rptkaID]?.number ?? "", title: p.title, quota: p.quota, assigned: assigned[p.id!] ?? 0, current: current.contains(p.id!))
        }.sorted { ($0.rptkaNumber, $0.title) < ($1.rptkaNumber, $1.title) }
        // Each month at the rate of that month: a later rate change never re-prices a past payment.
        func due(_ p: DKPTKAPayment) -> Int {
            guard let first = Month(p.fromMonth) else { return p.months * rate }
            return (0..<p.months).reduce(0) { sum, k in sum + rules.dkptkaMonthlyUSD(on: CalendarDay(first.adding(k).description + "-01")!) }
        }
        let underpaid = payments.filter { $0.amountUSD < due($0) }.map {
            Underpaid(reference: $0.reference, foreignerId: $0.foreignerID, months: $0.months, amountUsd: $0.amountUSD, expectedUsd: due($0))
        }
        return Overview(
            sponsorId: s.id!, monthlyRateUsd: rate, positions: positionRows, workers: workers,
            withoutPosition: workers.filter { $0.positionId.map { !current.contains($0) } ?? true }.map(\.foreignerId),
            withoutUnderstudy: workers.filter { $0.positionId != nil && ($0.understudyName ?? "").isEmpty }.map(\.foreignerId),
            quotaExceeded: positionRows.filter { $0.assigned > $0.quota },
            unpaid: workers.filter { !$0.unpaidMonths.isEmpty },
            underpaid: underpaid)
    }
}
