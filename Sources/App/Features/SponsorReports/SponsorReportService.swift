import Deadlines
import Fluent
import Foundation
import SQLKit
import Vapor

/// Submitting and reviewing mandatory reports; the obligations (registry events without a report yet).
enum SponsorReportService {
    struct Input: Content {
        var clientId: String?
        var foreignerId: UUID?
        var type: String?
        var eventOn: String?
        var address: String?
        var kelurahanCode: String?
        var civilStatus: String?
        var newEmployer: String?
        var position: String?
        var reason: String?
        var destination: String?
        var note: String?
    }

    static let civilStatuses = ["marriage", "divorce", "birth", "death"]

    /// The foreigner a sponsor may report on: its own only. Anything else (another sponsor's, unknown) is 403.
    static func ownForeigner(_ id: UUID?, _ p: Principal, db: any Database) async throws -> Foreigner {
        // The scope policy's filter: the company's foreigners, or an agent's granted ones.
        guard ScopePolicy.isCompany(p), let id,
              let f = try await Foreigner.query(on: db).filter(\.$id == id).filter(.sql(ScopePolicy.sponsorFilter(p).sql)).first()
        else { throw AppError.forbidden("err.notYourForeigner") }
        return f
    }

    /// A report's kind, day and the kind's details, each checked into `checks` (nil where one failed).
    static func checkFields(_ i: Input, _ req: Request, _ checks: inout FieldChecks) async throws
        -> (kind: ReportType?, day: (String, CalendarDay)?, details: [String: String]?) {
        let kind = try checks.run { () throws -> ReportType in
            guard let type = i.type.flatMap(ReportType.init(rawValue:)) else {
                throw ValidationFailure("v.oneOf", field: "type", ReportType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return type
        }
        let today = req.application.today
        let day = try checks.run { () throws -> (String, CalendarDay) in
            guard let event = i.eventOn?.trimmingCharacters(in: .whitespaces), !event.isEmpty else { throw ValidationFailure("v.required", field: "eventOn") }
            guard let eventDay = CalendarDay(event) else { throw ValidationFailure("v.day", field: "eventOn") }
            guard event <= today else { throw ValidationFailure("v.notFuture", field: "eventOn") }
            guard let oldest = Day.adding(-5 * 366, to: today), event >= oldest else { throw ValidationFailure("v.notOlderThan5y", field: "eventOn") }
            return (event, eventDay)
        }
        // Without a kind, its details cannot be checked; the kind's failure is the one named.
        let checked = try await checks.run { () async throws -> [String: String] in
            guard let kind else { return [:] }
            return try await validDetails(kind, i, db: req.db)
        }
        return (kind, day, checked)
    }

    /// Files a report. The same `clientId` again returns the first report (`created` false), nothing new.
    static func submit(_ i: Input, _ req: Request) async throws -> (SponsorReport, created: Bool) {
        let p = try req.requirePrincipal()
        let f = try await ownForeigner(i.foreignerId, p, db: req.db)
        guard let client = i.clientId?.trimmingCharacters(in: .whitespaces), !client.isEmpty, client.count <= 64 else {
            throw ValidationFailure("v.clientId", field: "clientId")
        }
        if let existing = try await SponsorReport.query(on: req.db).filter(\.$sponsorID == p.sponsorID!).filter(\.$clientID == client).first() {
            // A retry returns the first report, never one about a foreigner outside an agent's grant.
            guard ScopePolicy.mayReachForeigner(existing.foreignerID, p) else { throw AppError.forbidden("err.notYourForeigner") }
            return (existing, false)
        }
        // The kind, the day and the kind's details are all checked before answering (`FieldChecks`).
        var checks = FieldChecks()
        let fields = try await checkFields(i, req, &checks)
        let today = req.application.today
        let (type, (event, eventDay), details) = try checks.finish(fields.kind, fields.day, fields.details)
        let rules = try await Rules.book(req)
        var officeCode: String?
        if let r = f.regencyCode { officeCode = try await Rules.officeOfRegency(req.db)[r] }
        let due = Deadlines.due(after: eventDay, rule: rules.deadline(type, on: eventDay, office: officeCode))
        let onTime = CalendarDay(today)! <= due
        let now = req.application.clock.now()
        let json = String(decoding: try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]), as: UTF8.self)
        return try await req.audited { db in
            // Checked again inside the transaction: a concurrent retry of the same clientId loses the race on
            // the unique key, and the audited write's retry then finds the winner's report here.
            if let existing = try await SponsorReport.query(on: db).filter(\.$sponsorID == p.sponsorID!).filter(\.$clientID == client).first() {
                return ((existing, false), [])
            }
            let r = SponsorReport()
            r.id = UUID(); r.sponsorID = p.sponsorID!; r.foreignerID = f.id!; r.regencyCode = f.regencyCode
            r.reportType = type.rawValue; r.eventOn = event; r.dueOn = due.description; r.details = json; r.clientID = client
            r.status = SponsorReportStatus.submitted.rawValue
            r.receiptNumber = "WL-\(today.replacingOccurrences(of: "-", with: ""))-\(r.id!.uuidString.prefix(8))"
            r.submittedBy = p.userID; r.submittedAt = now; r.submittedOn = today
            try await r.create(on: db)
            return ((r, true), [AuditEntry(action: "sponsor_report.submit", objectType: "sponsor_report", objectID: r.id!.uuidString,
                                           detail: "foreigner=\(f.id!) type=\(type.rawValue) onTime=\(onTime)")])
        }
    }

    private static func validDetails(_ type: ReportType, _ i: Input, db: any Database) async throws -> [String: String] {
        let t = ValidationFailure.text
        var d: [String: String] = [:]
        if let note = try t(i.note, "note", 2000) { d["note"] = note }
        switch type {
        case .arrival, .addressChange:
            // The street and the village are checked together: a form missing both says so at once.
            var checks = FieldChecks()
            let line = try checks.run { () throws -> String in
                guard let line = try t(i.address, "address", 300) else { throw ValidationFailure("v.required", field: "address") }
                return line
            }
            let code = (i.kelurahanCode ?? "").trimmingCharacters(in: .whitespaces)
            _ = try await checks.run { () async throws -> Void in
                guard RegionCode.isValid(code), code.split(separator: ".").count == 4, try await Region.find(code, on: db) != nil else {
                    throw ValidationFailure("v.village", field: "kelurahanCode")
                }
            }
            d["address"] = try checks.finish(line); d["kelurahanCode"] = code
        case .civilStatusChange:
            guard let s = i.civilStatus, civilStatuses.contains(s) else {
                throw ValidationFailure("v.oneOf", field: "civilStatus", civilStatuses.joined(separator: ", "))
            }
            d["civilStatus"] = s
        case .employerChange:
            guard let e = try t(i.newEmployer, "newEmployer", 300) else { throw ValidationFailure("v.required", field: "newEmployer") }
            d["newEmployer"] = e
            if let pos = try t(i.position, "position", 200) { d["position"] = pos }
        case .endOfSponsorship:
            guard let r = try t(i.reason, "reason", 1000) else { throw ValidationFailure("v.required", field: "reason") }
            d["reason"] = r
        case .departure:
            if let dest = try t(i.destination, "destination", 200) { d["destination"] = dest }
        }
        return d
    }

    /// Accepts or returns a submitted report (officers and supervisors of the foreigner's area). The
    /// sponsor hears of the outcome in the app and by e-mail (outbox, same transaction).
    static func review(_ id: UUID?, decision: String?, reason: String?, _ req: Request) async throws -> SponsorReport {
        let r = try await visible(id, req)
        let p = try req.requirePrincipal()
        guard ScopePolicy.isOfficeStaff(p) else { throw Abort(.forbidden) }
        guard let decision, ["accept", "return"].contains(decision) else { throw ValidationFailure("v.oneOf", field: "decision", "accept, return") }
        let why = try ValidationFailure.text(reason, "reason", max: 1000)
        if decision == "return" && why == nil { throw ValidationFailure("v.returnReason", field: "reason") }
        guard r.status == SponsorReportStatus.submitted.rawValue else {
            throw AppError.conflict("err.reportAlreadyReviewed")
        }
        let now = req.application.clock.now()
        let sponsor = try await Sponsor.find(r.sponsorID, on: req.db)
        let users = try await User.query(on: req.db).filter(\.$sponsor.$id == r.sponsorID).filter(\.$disabled == false).all()
        let publicURL = req.application.config.publicURL.hasSuffix("/") ? String(req.application.config.publicURL.dropLast()) : req.application.config.publicURL
        return try await req.audited { db in
            r.status = decision == "accept" ? SponsorReportStatus.accepted.rawValue : SponsorReportStatus.returned.rawValue
            r.reviewReason = why; r.reviewedBy = p.userID; r.reviewedAt = now
            try await r.save(on: db)
            // What the accepted report says becomes a proposed change to the registry, for an officer to accept.
            if decision == "accept" { try await ProposedChanges.fromSponsorReport(r, now: now, on: db) }
            let lang = Language(rawValue: sponsor?.language ?? "id") ?? .id
            let title = L10n.f(decision == "accept" ? "sr.notify.accepted" : "sr.notify.returned", lang, r.receiptNumber)
            try await Notifier.notify(users.compactMap(\.id), kind: "sponsor_report", title: title,
                                      link: SiteURL.sponsorReport(.id(r.id!)).path, now: now, db: db, publicURL: nil)
            if let email = sponsor?.email, !email.isEmpty {
                var body = [title, ""]
                if let why { body += [L10n.t("sr.reason", lang) + ": " + why, ""] }
                body.append(L10n.f("warn.portal", lang, publicURL + SiteURL.sponsorReport(.id(r.id!)).path))
                try await Outbox.enqueue(key: "sponsor-report:\(r.id!.uuidString):\(r.status)", kind: "sponsor-report", to: email,
                                         subject: "Sinergi: " + title, body: body.joined(separator: "\n"), now: now, on: db)
            }
            return (r, [AuditEntry(action: "sponsor_report.\(decision)", objectType: "sponsor_report", objectID: r.id!.uuidString)])
        }
    }

    /// A report this user may see: the sponsor its own; officers and supervisors those in their jurisdiction. 404 otherwise.
    static func visible(_ id: UUID?, _ req: Request) async throws -> SponsorReport {
        // A role or account the scope refuses outright (403 for lists) gets the same 404 as a report out of scope.
        guard let id, let scoped = try? ScopePolicy.sponsorReports(req), let r = try await scoped.filter(\.$id == id).first() else {
            throw Abort(.notFound)
        }
        return r
    }

    /// One page of the reports this user may see (`ScopePolicy.sponsorReports`), newest first, and how many there are.
    static func list(_ req: Request, status: String?, foreigner: UUID?, paging: Paging) async throws -> (items: [SponsorReport], total: Int) {
        let q = try ScopePolicy.sponsorReports(req)
        if let status { q.filter(\.$status == status) }
        if let foreigner { q.filter(\.$foreignerID == foreigner) }
        let total = try await q.copy().countRows()
        return (try await q.sort(\.$submittedAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all(), total)
    }

    // MARK: obligations

    struct Obligation: Content, Equatable {
        var foreignerId: UUID
        var foreignerName: String
        var type: String
        var eventOn: String
        var dueOn: String
        var status: String       // due | overdue
        var days: Int            // days left, or days overdue
    }

    /// Events in the last `lookbackDays` the registry knows of and no report covers yet: a new permit
    /// (arrival report) and an ended employment (end-of-sponsorship report).
    static let lookbackDays = 90

    static func obligations(_ req: Request, foreigner: UUID? = nil) async throws -> [Obligation] {
        let p = try req.requirePrincipal()
        let filter = try ScopePolicy.personalFilter(p)
        let today = req.application.today
        guard let from = Day.adding(-lookbackDays, to: today), let todayDay = CalendarDay(today) else { return [] }
        let sql = req.db as! any SQLDatabase
        struct Event: Decodable { var foreigner_id: UUID; var full_name: String; var event_on: String; var kind: String; var regency_code: String? }
        let one = foreigner.map { SQLQueryString(" AND f.id = \(bind: $0)") } ?? SQLQueryString("")
        let events = try await sql.raw("""
            SELECT f.id AS foreigner_id, f.full_name AS full_name, sp.start_on AS event_on, 'arrival' AS kind, f.regency_code AS regency_code
            FROM stay_permits sp JOIN foreigners f ON f.id = sp.foreigner_id
            WHERE sp.status = 'active' AND sp.start_on >= \(bind: from) AND sp.start_on <= \(bind: today) AND \(filter.qualified("f"))\(one)
              AND \(ReportingExemption.notExemptSQL)
            UNION ALL
            SELECT f.id, f.full_name, e.end_on, 'endOfSponsorship', f.regency_code
            FROM employments e JOIN foreigners f ON f.id = e.foreigner_id
            WHERE e.end_on IS NOT NULL AND e.end_on >= \(bind: from) AND e.end_on <= \(bind: today) AND \(filter.qualified("f"))\(one)
              AND \(ReportingExemption.notExemptSQL)
            """).all(decoding: Event.self)
        guard !events.isEmpty else { return [] }
        // Each person's reports, read in slices (a bind per person; a jurisdiction's 90 days can hold tens of thousands).
        var reportsOf: [UUID: [SponsorReport]] = [:]
        let people = Array(Set(events.map(\.foreigner_id)))
        for start in stride(from: 0, to: people.count, by: 5_000) {
            for r in try await SponsorReport.query(on: req.db).filter(\.$foreignerID ~~ Array(people[start..<min(start + 5_000, people.count)]))
                .filter(\.$status != SponsorReportStatus.returned.rawValue).all() {
                reportsOf[r.foreignerID, default: []].append(r)
            }
        }
        let rules = try await Rules.book(req)
        let officeOf = try await Rules.officeOfRegency(req.db)
        var out: [Obligation] = []
        for e in events {
            guard let type = ReportType(rawValue: e.kind), let eventDay = CalendarDay(e.event_on), let earliest = Day.adding(-30, to: e.event_on) else { continue }
            // A report of the kind about the same person dated from 30 days before the event covers it
            // (the sponsor may report the real arrival or last working day, not the registry's date).
            let covering: Set<String> = type == .endOfSponsorship ? [ReportType.endOfSponsorship.rawValue, ReportType.departure.rawValue] : [type.rawValue]
            if reportsOf[e.foreigner_id, default: []].contains(where: { covering.contains($0.reportType) && $0.eventOn >= earliest }) { continue }
            // The rule in force on the event's day, the office's own where it has one.
            let due = Deadlines.due(after: eventDay, rule: rules.deadline(type, on: eventDay, office: e.regency_code.flatMap { officeOf[$0] }))
            switch Deadlines.status(due: due, reportedOn: nil, today: todayDay) {
            case .due(let left):
                out.append(Obligation(foreignerId: e.foreigner_id, foreignerName: e.full_name, type: type.rawValue, eventOn: e.event_on, dueOn: due.description, status: "due", days: left))
            case .overdue(let days):
                out.append(Obligation(foreignerId: e.foreigner_id, foreignerName: e.full_name, type: type.rawValue, eventOn: e.event_on, dueOn: due.description, status: "overdue", days: days))
            default: break
            }
        }
        return out.sorted { ($0.dueOn, $0.foreignerName) < ($1.dueOn, $1.foreignerName) }
    }
}
