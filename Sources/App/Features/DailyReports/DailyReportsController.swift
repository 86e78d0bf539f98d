import Fluent
import Foundation
import SQLKit
import Vapor

/// Daily supervision reports (Laporan Pengawasan Harian), API side:
/// `POST /api/v1/daily-reports`, `POST …/{id}/entries` (idempotent by clientId), `…/submit`,
/// `…/approve`, `…/return`, `GET …/{id}`, `GET /api/v1/daily-reports?officer=&from=&to=&finding=&status=`.
/// Officers file their own; a supervisor of the same office approves or returns; approved is final (409).
enum DailyReportsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.officer, .supervisor))
        a.post("daily-reports", use: createAPI)
        a.get("daily-reports", use: listAPI)
        a.get("daily-reports", ":id", use: showAPI)
        a.post("daily-reports", ":id", "entries", use: addEntryAPI)
        a.delete("daily-reports", ":id", "entries", ":entry", use: deleteEntryAPI)
        a.post("daily-reports", ":id", "submit", use: submitAPI)
        a.on(.POST, "daily-reports", ":id", "entries", ":entry", "photos", body: .collect(maxSize: "12mb"), use: addPhotoAPI)
        let s = api.grouped(RequireRole(.supervisor))
        s.post("daily-reports", ":id", "approve", use: approveAPI)
        s.post("daily-reports", ":id", "return", use: returnAPI)
        DailyReportPages.register(web)
    }

    // MARK: input

    struct EntryInput: Content {
        var clientId: UUID?
        var time: String?
        var kelurahanCode: String?
        var place: String?
        var latitude: Double?
        var longitude: Double?
        var activity: String?
        var foreignerId: UUID?
        var personName: String?
        var personNationality: String?
        var personPassport: String?
        var finding: String?
        var followUp: String?
        var note: String?
    }

    struct CreateInput: Content {
        var date: String?
        var entries: [EntryInput]?
    }

    struct ValidEntry: Sendable {
        var clientID: UUID, time: String, village: String, place: String?, latitude: Double?, longitude: Double?
        var activity: FieldActivity, foreignerID: UUID?, personName: String?, personNationality: String?, personPassport: String?
        var finding: FieldFinding, followUp: String?, note: String?
    }

    /// Validates one entry; `index` names it in messages ("entries[2].time …").
    static func validate(_ e: EntryInput, index: Int?, _ req: Request) async throws -> ValidEntry {
        let at = index.map { "entries[\($0)]." } ?? ""
        guard let client = e.clientId else { throw ValidationFailure("v.clientId", field: "\(at)clientId") }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let text = ValidationFailure.text
        let time = (e.time ?? "").trimmingCharacters(in: .whitespaces)
        _ = try checks.run { () throws -> Void in
            let hm = time.split(separator: ":").compactMap { Int($0) }
            guard time.count == 5, hm.count == 2, (0...23).contains(hm[0]), (0...59).contains(hm[1]) else {
                throw ValidationFailure("v.time", field: "\(at)time")
            }
        }
        let code = (e.kelurahanCode ?? "").trimmingCharacters(in: .whitespaces)
        _ = try await checks.run { () async throws -> Void in
            guard RegionCode.isValid(code), let region = try await Region.find(code, on: req.db), region.level == "village" else {
                throw ValidationFailure("v.village", field: "\(at)kelurahanCode")
            }
        }
        let activityChecked = try checks.run { () throws -> FieldActivity in
            guard let activity = e.activity.flatMap(FieldActivity.init(rawValue:)) else {
                throw ValidationFailure("v.oneOf", field: "\(at)activity", FieldActivity.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return activity
        }
        let findingChecked = try checks.run { () throws -> FieldFinding in
            guard let finding = e.finding.flatMap(FieldFinding.init(rawValue:)) else {
                throw ValidationFailure("v.oneOf", field: "\(at)finding", FieldFinding.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return finding
        }
        _ = try checks.run { () throws -> Void in
            if (e.latitude == nil) != (e.longitude == nil) { throw ValidationFailure("v.latLonPair", field: "\(at)latitude") }
            if let lat = e.latitude, let lon = e.longitude, !((-11.5...6.5).contains(lat) && (94.5...141.5).contains(lon)) {
                throw ValidationFailure("v.latLonIndonesia", field: "\(at)latitude")
            }
        }
        if let f = e.foreignerId {
            _ = try await checks.run { () async throws -> Void in
                guard (try? await ScopePolicy.foreigner(f, req)) != nil else { throw ValidationFailure("v.notInScope", field: "\(at)foreignerId") }
            }
        }
        let nationality = (try checks.run { () throws -> String? in
            // A code, or the country's name as the officer writes it in the field (Jepang, Tiongkok).
            guard let n = try text(e.personNationality, "\(at)personNationality", 60) else { return nil }
            guard let code = Countries.code(n) else { throw ValidationFailure("v.nationality", field: "\(at)personNationality") }
            return code
        }) ?? nil
        let passport = (try checks.run { () throws -> String? in
            let p = try text(e.personPassport, "\(at)personPassport", 20)?.uppercased().filter { !$0.isWhitespace }
            if let p, !(5...20).contains(p.count) || !p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                throw ValidationFailure("v.passportLength", field: "\(at)personPassport")
            }
            return p
        }) ?? nil
        let place = (try checks.run { try text(e.place, "\(at)place", 300) }) ?? nil
        let name = (try checks.run { try text(e.personName, "\(at)personName", 200) }) ?? nil
        let followUp = (try checks.run { try text(e.followUp, "\(at)followUp", 500) }) ?? nil
        let note = (try checks.run { try text(e.note, "\(at)note", 2000) }) ?? nil
        let (activity, finding) = try checks.finish(activityChecked, findingChecked)
        return ValidEntry(clientID: client, time: time, village: code, place: place, latitude: e.latitude, longitude: e.longitude, activity: activity,
                          foreignerID: e.foreignerId, personName: name, personNationality: nationality, personPassport: passport,
                          finding: finding, followUp: followUp, note: note)
    }

    static func validDate(_ raw: String?, _ req: Request) throws -> String {
        let d = (raw ?? "").trimmingCharacters(in: .whitespaces)
        let today = req.application.today
        guard d.count == 10, let days = Day.between(d, today) else { throw ValidationFailure("v.day", field: "date") }
        guard days >= 0 else { throw ValidationFailure("v.notFuture", field: "date") }
        guard days <= 366 else { throw ValidationFailure("v.withinPastYear", field: "date") }
        return d
    }

    // MARK: DTOs

    struct EntryDTO: Content {
        var id: UUID
        var clientId: UUID
        var time: String
        var kelurahanCode: String
        var place: String?
        var latitude: Double?
        var longitude: Double?
        var activity: String
        var foreignerId: UUID?
        var personName: String?
        var personNationality: String?
        var personPassport: String?
        var finding: String
        var followUp: String?
        var note: String?
        var photos: [UUID]?
    }

    struct VersionDTO: Content {
        var version: Int
        var submittedAt: Date
        var outcome: String?
        var comment: String?
        var decidedAt: Date?
        var entries: [EntryDTO]
    }

    struct ReportDTO: Content {
        var id: UUID
        var date: String
        var status: String
        var version: Int
        var officerId: UUID
        var officeId: UUID
        var comment: String?
        var submittedAt: Date?
        var decidedAt: Date?
        var entryCount: Int?
        var entries: [EntryDTO]?
        var versions: [VersionDTO]?
    }

    static func entryDTO(_ e: ReportEntry, photos: [UUID: [UUID]] = [:]) -> EntryDTO {
        EntryDTO(id: e.id!, clientId: e.clientID, time: e.time, kelurahanCode: e.villageCode, place: e.place, latitude: e.latitude, longitude: e.longitude,
                 activity: e.activity, foreignerId: e.foreignerID, personName: e.personName, personNationality: e.personNationality,
                 personPassport: e.personPassport, finding: e.finding, followUp: e.followUp, note: e.note, photos: photos[e.id!] ?? [])
    }

    /// Photo ids per entry of a report.
    static func photoIDs(_ reportID: UUID, db: any Database) async throws -> [UUID: [UUID]] {
        struct P: Decodable { var id: UUID; var entry_id: UUID }
        let rows = try await (db as! any SQLDatabase).raw("SELECT id, entry_id FROM report_photos WHERE report_id = \(bind: reportID) ORDER BY created_at").all(decoding: P.self)
        return Dictionary(grouping: rows, by: \.entry_id).mapValues { $0.map(\.id) }
    }

    static let maxPhotoBytes = 8 * 1_048_576

    /// Adds a checked photo (see `ImageSanitizer.checked`) to an entry of an editable report, audited. The same
    /// photo sent again for the entry (a double tap, a retried upload) is the one already stored.
    static func addPhoto(_ clean: (bytes: [UInt8], kind: ImageSanitizer.Kind), report: DailyReport, entryID: UUID, _ req: Request) async throws -> ReportPhoto {
        try conflictIfLocked(report)
        let id = report.id!
        let now = req.application.clock.now()
        let digest = ImageSanitizer.sha256(clean.bytes)
        return try await req.audited { db in
            guard let fresh = try await DailyReport.find(id, on: db) else { throw Abort(.notFound) }
            try conflictIfLocked(fresh)
            guard try await ReportEntry.query(on: db).filter(\.$report.$id == id).filter(\.$id == entryID).first() != nil else { throw Abort(.notFound) }
            if let same = try await ReportPhoto.query(on: db).filter(\.$entryID == entryID).filter(\.$sha256 == digest).first() { return (same, []) }
            guard try await ReportPhoto.query(on: db).filter(\.$entryID == entryID).countRows() < 5 else { throw ValidationFailure("v.photoLimit", field: "photo", "5") }
            let p = ReportPhoto()
            p.reportID = id; p.entryID = entryID; p.contentType = clean.kind.rawValue; p.bytes = Data(clean.bytes); p.size = clean.bytes.count
            p.sha256 = digest; p.createdAt = now
            try await p.create(on: db)
            return (p, [AuditEntry(action: "daily_report.photo", objectType: "daily_report", objectID: id.uuidString, detail: "entry=\(entryID) bytes=\(p.size)")])
        }
    }

    static func entries(_ id: UUID, db: any Database) async throws -> [ReportEntry] {
        try await ReportEntry.query(on: db).filter(\.$report.$id == id).sort(\.$time).sort(\.$createdAt).all()
    }

    /// Entries per report, in one grouped query.
    static func entryCounts(_ ids: [UUID], db: any Database) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        struct C: Decodable { var report_id: UUID; var n: Int }
        let rows = try await (db as! any SQLDatabase).raw("SELECT report_id, COUNT(*) AS n FROM daily_report_entries WHERE report_id IN (\(binds: ids)) GROUP BY report_id").all(decoding: C.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.report_id, $0.n) })
    }

    static func dto(_ r: DailyReport, db: any Database, full: Bool = true, entryCount: Int? = nil) async throws -> ReportDTO {
        var d = ReportDTO(id: r.id!, date: r.date, status: r.status, version: r.version, officerId: r.officerID, officeId: r.officeID,
                          comment: r.comment, submittedAt: r.submittedAt, decidedAt: r.decidedAt)
        if full {
            let photos = try await photoIDs(r.id!, db: db)
            d.entries = try await entries(r.id!, db: db).map { entryDTO($0, photos: photos) }
            d.versions = try await ReportVersion.query(on: db).filter(\.$report.$id == r.id!).sort(\.$version).all().map { v in
                VersionDTO(version: v.version, submittedAt: v.submittedAt, outcome: v.outcome, comment: v.comment, decidedAt: v.decidedAt,
                           entries: (try? JSONDecoder().decode([EntryDTO].self, from: Data(v.entries.utf8))) ?? [])
            }
            d.entryCount = d.entries?.count
        } else {
            d.entryCount = entryCount
        }
        return d
    }

    // MARK: operations (shared by API and web)

    /// The report if this user may see it: the officer who filed it, or a supervisor of its office. 404 otherwise.
    static func visible(_ id: UUID?, _ req: Request) async throws -> DailyReport {
        // A role or account the scope refuses outright (403 for lists) gets the same 404 as a report out of scope.
        guard let id, let scoped = try? ScopePolicy.dailyReports(req), let r = try await scoped.filter(\.$id == id).first() else { throw Abort(.notFound) }
        return r
    }

    static func conflictIfLocked(_ r: DailyReport) throws {
        switch r.statusValue {
        case .approved: throw AppError.conflict("err.dailyApproved")
        case .submitted: throw AppError.conflict("err.dailySubmitted")
        case .draft, .returned: break
        }
    }

    static func insert(_ v: ValidEntry, report: UUID, now: Date, db: any Database) async throws -> ReportEntry {
        let e = ReportEntry()
        e.$report.id = report; e.clientID = v.clientID; e.time = v.time; e.villageCode = v.village; e.place = v.place
        e.latitude = v.latitude; e.longitude = v.longitude; e.activity = v.activity.rawValue; e.foreignerID = v.foreignerID
        e.personName = v.personName; e.personNationality = v.personNationality; e.personPassport = v.personPassport
        e.finding = v.finding.rawValue; e.followUp = v.followUp; e.note = v.note; e.createdAt = now
        try await e.create(on: db)
        return e
    }

    /// Creates the day's report (or returns the existing one if still editable) with its entries;
    /// entries whose clientId is already there are skipped. Returns (report, created).
    static func create(_ input: CreateInput, _ req: Request) async throws -> (DailyReport, Bool) {
        let p = try req.requirePrincipal()
        guard let office = p.officeID else { throw Abort(.forbidden) }
        let date = try validDate(input.date, req)
        let raw = input.entries ?? []
        guard raw.count <= 200 else { throw ValidationFailure("v.tooMany", field: "entries", "200") }
        var checked: [ValidEntry] = []
        for (i, e) in raw.enumerated() { checked.append(try await validate(e, index: i, req)) }
        let valid = checked
        if Set(valid.map(\.clientID)).count != valid.count { throw ValidationFailure("v.duplicateClientId", field: "entries") }
        let now = req.application.clock.now()
        if let existing = try await DailyReport.query(on: req.db).filter(\.$officerID == p.userID).filter(\.$date == date).first() {
            try conflictIfLocked(existing)
            try await addEntries(valid, to: existing, req)
            return (existing, false)
        }
        let report = try await req.audited { db in
            let r = DailyReport()
            r.id = UUID(); r.officerID = p.userID; r.officeID = office; r.date = date; r.status = ReportStatus.draft.rawValue
            r.version = 0; r.createdAt = now; r.updatedAt = now
            try await r.create(on: db)
            for v in valid { _ = try await insert(v, report: r.id!, now: now, db: db) }
            return (r, [AuditEntry(action: "daily_report.create", objectType: "daily_report", objectID: r.id!.uuidString, detail: "date=\(date) entries=\(valid.count)")])
        }
        return (report, true)
    }

    /// Adds entries not yet present (by clientId). Returns, per input, the entry and whether it is new.
    @discardableResult
    static func addEntries(_ valid: [ValidEntry], to report: DailyReport, _ req: Request) async throws -> [(ReportEntry, Bool)] {
        let id = report.id!
        let now = req.application.clock.now()
        return try await req.audited { db in
            // Re-read inside the transaction: the supervisor may have approved it meanwhile.
            guard let fresh = try await DailyReport.find(id, on: db) else { throw Abort(.notFound) }
            try conflictIfLocked(fresh)
            var out: [(ReportEntry, Bool)] = []
            var added = 0
            for v in valid {
                if let same = try await ReportEntry.query(on: db).filter(\.$report.$id == id).filter(\.$clientID == v.clientID).first() {
                    out.append((same, false))
                } else {
                    out.append((try await insert(v, report: id, now: now, db: db), true)); added += 1
                }
            }
            if added > 0 { fresh.updatedAt = now; try await fresh.update(on: db) }
            return (out, added == 0 ? [] : [AuditEntry(action: "daily_report.entries", objectType: "daily_report", objectID: id.uuidString, detail: "added=\(added)")])
        }
    }

    /// Corrects an entry of a report that can still change (a draft, or one the supervisor returned), in place: the
    /// versions already submitted keep what was sent.
    static func updateEntry(_ report: DailyReport, entryID: UUID, _ v: ValidEntry, _ req: Request) async throws {
        try conflictIfLocked(report)
        let id = report.id!
        let now = req.application.clock.now()
        try await req.audited { db in
            guard let fresh = try await DailyReport.find(id, on: db) else { throw Abort(.notFound) }
            try conflictIfLocked(fresh)
            guard let e = try await ReportEntry.query(on: db).filter(\.$report.$id == id).filter(\.$id == entryID).first() else { throw Abort(.notFound) }
            e.time = v.time; e.villageCode = v.village; e.place = v.place; e.latitude = v.latitude; e.longitude = v.longitude
            e.activity = v.activity.rawValue; e.foreignerID = v.foreignerID; e.personName = v.personName
            e.personNationality = v.personNationality; e.personPassport = v.personPassport; e.finding = v.finding.rawValue
            e.followUp = v.followUp; e.note = v.note
            try await e.update(on: db)
            fresh.updatedAt = now
            try await fresh.update(on: db)
            return ((), [AuditEntry(action: "daily_report.entry_update", objectType: "daily_report", objectID: id.uuidString, detail: "entry=\(entryID)")])
        }
    }

    static func deleteEntry(_ report: DailyReport, entryID: UUID, _ req: Request) async throws {
        try conflictIfLocked(report)
        let id = report.id!
        try await req.audited { db in
            guard let fresh = try await DailyReport.find(id, on: db) else { throw Abort(.notFound) }
            try conflictIfLocked(fresh)
            guard let e = try await ReportEntry.query(on: db).filter(\.$report.$id == id).filter(\.$id == entryID).first() else { throw Abort(.notFound) }
            try await e.delete(on: db)
            return ((), [AuditEntry(action: "daily_report.entry_delete", objectType: "daily_report", objectID: id.uuidString, detail: "entry=\(entryID)")])
        }
    }

    /// Draft or returned → submitted; the entries as submitted become a new version; the office's
    /// supervisors are told in the same transaction.
    static func submit(_ report: DailyReport, _ req: Request) async throws -> DailyReport {
        let p = try req.requirePrincipal()
        guard report.officerID == p.userID else { throw AppError.forbidden("err.dailyNotYours") }
        if report.statusValue == .submitted { return report }   // a retried submit changes nothing
        try conflictIfLocked(report)
        let id = report.id!
        let now = req.application.clock.now()
        return try await req.audited { db in
            guard let r = try await DailyReport.find(id, on: db) else { throw Abort(.notFound) }
            try conflictIfLocked(r)
            let list = try await entries(id, db: db)
            guard !list.isEmpty else { throw ValidationFailure("v.noEntries") }
            r.version += 1; r.status = ReportStatus.submitted.rawValue; r.submittedAt = now; r.updatedAt = now; r.comment = nil
            try await r.update(on: db)
            let v = ReportVersion()
            v.$report.id = id; v.version = r.version; v.submittedAt = now
            let photos = try await photoIDs(id, db: db)
            v.entries = String(decoding: try JSONEncoder().encode(list.map { entryDTO($0, photos: photos) }), as: UTF8.self)
            try await v.create(on: db)
            // An "address mismatch" about a registered foreigner proposes an address check.
            try await ProposedChanges.fromDailyReport(list, officer: r.officerID, now: now, on: db)
            let supervisors = try await User.query(on: db).filter(\.$office.$id == r.officeID).filter(\.$role == Role.supervisor.rawValue)
                .filter(\.$disabled == false).all().compactMap(\.id)
            try await Notifier.notify(supervisors, except: p.userID, kind: "daily_report_submitted", title: try await notificationTitle(r, db: db),
                                      link: FieldWorkURL.dailyReport(.id(id)).path, req: req, db: db)
            return (r, [AuditEntry(action: "daily_report.submit", objectType: "daily_report", objectID: id.uuidString, detail: "version=\(r.version)")])
        }
    }

    /// A notice's title: whose report, for which day ("Petugas Imigrasi Surabaya · 30 Nov 2026"); the kind
    /// of notice says what happened, in each reader's language.
    static func notificationTitle(_ r: DailyReport, db: any Database) async throws -> String {
        let name = try await User.find(r.officerID, on: db)?.displayName ?? ""
        return "\(name) · \(LocalTime.formatDay(r.date, lang: .id) ?? r.date)"
    }

    /// A supervisor of the report's office approves or returns a submitted report; the officer is told.
    static func decide(_ report: DailyReport, approve: Bool, comment: String?, _ req: Request) async throws -> DailyReport {
        let p = try req.requirePrincipal()
        guard ScopePolicy.maySupervise(p), p.officeID == report.officeID else { throw Abort(.forbidden) }
        guard report.officerID != p.userID else { throw AppError.forbidden("err.dailyOwnApproval") }
        let note = try ValidationFailure.text(comment, "comment", max: 2000)
        if !approve && note == nil { throw ValidationFailure("v.returnComment", field: "comment") }
        let id = report.id!
        let now = req.application.clock.now()
        return try await req.audited { db in
            guard let r = try await DailyReport.find(id, on: db) else { throw Abort(.notFound) }
            guard r.statusValue == .submitted else {
                throw AppError.conflict(r.statusValue == .approved ? "err.dailyAlreadyApproved" : "err.dailyNotSubmitted")
            }
            r.status = (approve ? ReportStatus.approved : .returned).rawValue; r.comment = note; r.decidedBy = p.userID; r.decidedAt = now; r.updatedAt = now
            try await r.update(on: db)
            if let v = try await ReportVersion.query(on: db).filter(\.$report.$id == id).filter(\.$version == r.version).first() {
                v.outcome = r.status; v.comment = note; v.decidedBy = p.userID; v.decidedAt = now
                try await v.update(on: db)
            }
            try await Notifier.notify([r.officerID], kind: approve ? "daily_report_approved" : "daily_report_returned",
                                      title: try await notificationTitle(r, db: db), link: FieldWorkURL.dailyReport(.id(id)).path, req: req, db: db)
            return (r, [AuditEntry(action: approve ? "daily_report.approve" : "daily_report.return", objectType: "daily_report", objectID: id.uuidString, detail: "version=\(r.version)")])
        }
    }

    struct ListFilter: Sendable {
        var officer: UUID?
        var from: String?
        var to: String?
        var finding: FieldFinding?
        var status: ReportStatus?
        var place: String?
    }

    static func filter(_ req: Request) throws -> ListFilter {
        let p = try req.requirePrincipal()
        func q(_ k: String) -> String? { req.queryValue(k).flatMap { $0.isEmpty ? nil : $0 } }
        var f = ListFilter()
        if let o = q("officer") {
            if o == "me" { f.officer = p.userID } else {
                guard let id = UUID(uuidString: o) else { throw ValidationFailure("v.officer", field: "officer") }
                f.officer = id
            }
        }
        for (k, keyPath) in [("from", \ListFilter.from), ("to", \ListFilter.to)] {
            if let d = q(k) {
                guard Day.isValid(d) else { throw ValidationFailure("v.day", field: k) }
                f[keyPath: keyPath] = d
            }
        }
        if let from = f.from, let to = f.to, to < from { throw ValidationFailure("v.dayOrder", field: "to", from) }
        if let x = q("finding") {
            guard let v = FieldFinding(rawValue: x) else { throw ValidationFailure("v.oneOf", field: "finding", FieldFinding.allCases.map(\.rawValue).joined(separator: ", ")) }
            f.finding = v
        }
        if let x = q("status") {
            guard let v = ReportStatus(rawValue: x) else { throw ValidationFailure("v.oneOf", field: "status", ReportStatus.allCases.map(\.rawValue).joined(separator: ", ")) }
            f.status = v
        }
        if let x = q("place") {
            guard RegionCode.isValid(x) else { throw ValidationFailure("v.regionCode", field: "place") }
            f.place = x
        }
        return f
    }

    /// Reports this user may see, newest first, filtered.
    static func list(_ f: ListFilter, paging: Paging, _ req: Request) async throws -> ([DailyReport], Int) {
        var q = try ScopePolicy.dailyReports(req)
        if let o = f.officer { q = q.filter(\.$officerID == o) }
        if let d = f.from { q = q.filter(\.$date >= d) }
        if let d = f.to { q = q.filter(\.$date <= d) }
        if let s = f.status { q = q.filter(\.$status == s.rawValue) }
        if f.finding != nil || f.place != nil {
            var sub = ReportEntry.query(on: req.db)
            if let x = f.finding { sub = sub.filter(\.$finding == x.rawValue) }
            if let x = f.place { sub = sub.group(.or) { $0.filter(\.$villageCode == x).filter(\.$villageCode, .custom("LIKE"), x + ".%") } }
            let ids = Array(Set(try await sub.all().map { $0.$report.id }))
            q = q.filter(\.$id ~~ ids)
        }
        let total = try await q.countRows()
        let items = try await q.sort(\.$date, .descending).sort(\.$createdAt, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        return (items, total)
    }

    // MARK: API handlers

    static func respond(_ r: DailyReport, _ req: Request, status: HTTPResponseStatus) async throws -> Response {
        let res = Response(status: status)
        try res.content.encode(try await dto(r, db: req.db))
        return res
    }

    static func createAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(CreateInput.self) else {
            throw ValidationFailure("v.body", "date, entries")
        }
        let (r, created) = try await create(input, req)
        let res = try await respond(r, req, status: created ? .created : .ok)
        if created { res.headers.replaceOrAdd(name: .location, value: "/api/v1/daily-reports/\(r.id!)") }
        return res
    }

    static func addEntryAPI(_ req: Request) async throws -> Response {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID else { throw AppError.forbidden("err.dailyNotYours") }
        try conflictIfLocked(r)
        guard let input = try? req.content.decode(EntryInput.self) else { throw ValidationFailure("v.body", "clientId, time, kelurahanCode, activity, finding") }
        let v = try await validate(input, index: nil, req)
        let (entry, new) = try await addEntries([v], to: r, req)[0]
        let res = Response(status: new ? .created : .ok)
        try res.content.encode(entryDTO(entry))
        return res
    }

    static func deleteEntryAPI(_ req: Request) async throws -> HTTPStatus {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID else { throw Abort(.forbidden) }
        guard let entry = req.parameters.get("entry", as: UUID.self) else { throw Abort(.notFound) }
        try await deleteEntry(r, entryID: entry, req)
        return .noContent
    }

    struct PhotoDTO: Content { var id: UUID; var contentType: String; var size: Int }

    /// The image as the raw body, or as the multipart part `photo`.
    static func addPhotoAPI(_ req: Request) async throws -> Response {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID, let entry = req.parameters.get("entry", as: UUID.self) else { throw Abort(.forbidden) }
        guard let body = req.body.data, body.readableBytes > 0 else { throw ValidationFailure("v.fileMissing", field: "photo") }
        var bytes = Array(body.readableBytesView)
        if req.headers.contentType?.type == "multipart" {
            struct PhotoForm: Content { var photo: File? }
            guard let photo = (try? req.content.decode(PhotoForm.self))?.photo else { throw ValidationFailure("v.fileMissing", field: "photo") }
            bytes = Array(photo.data.readableBytesView)
        }
        let p = try await addPhoto(try ImageSanitizer.checked(bytes, maxBytes: maxPhotoBytes, field: "photo"), report: r, entryID: entry, req)
        let res = Response(status: .created)
        try res.content.encode(PhotoDTO(id: p.id!, contentType: p.contentType, size: p.size))
        return res
    }

    static func submitAPI(_ req: Request) async throws -> Response {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        return try await respond(try await submit(r, req), req, status: .ok)
    }

    struct CommentInput: Content { var comment: String? }

    static func approveAPI(_ req: Request) async throws -> Response {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        let c = (try? req.content.decode(CommentInput.self))?.comment
        return try await respond(try await decide(r, approve: true, comment: c, req), req, status: .ok)
    }

    static func returnAPI(_ req: Request) async throws -> Response {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        let c = (try? req.content.decode(CommentInput.self))?.comment
        return try await respond(try await decide(r, approve: false, comment: c, req), req, status: .ok)
    }

    static func showAPI(_ req: Request) async throws -> ReportDTO {
        let r = try await visible(req.parameters.get("id", as: UUID.self), req)
        return try await dto(r, db: req.db)
    }

    struct ListDTO: Content { var items: [ReportDTO]; var total: Int; var page: Int; var per: Int }

    static func listAPI(_ req: Request) async throws -> ListDTO {
        let paging = try Paging(req)
        let (items, total) = try await list(try filter(req), paging: paging, req)
        let counts = try await entryCounts(items.compactMap(\.id), db: req.db)
        var out: [ReportDTO] = []
        for r in items { out.append(try await dto(r, db: req.db, full: false, entryCount: counts[r.id!] ?? 0)) }
        return ListDTO(items: out, total: total, page: paging.page, per: paging.per)
    }
}
