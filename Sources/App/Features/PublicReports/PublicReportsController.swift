import Crypto
import Fluent
import Foundation
import Matching
import SMTP
import SQLKit
import Vapor

/// Public reports of suspicious foreigners: `/lapor` (public form, no login), `/lapor/status`,
/// `POST /api/v1/public-reports`, `GET /api/v1/public-reports/{trackingCode}`, and `/public-reports`
/// for officers of the jurisdiction. Abuse controls without external services: a per-address rate
/// limit, size limits, a honeypot field and duplicate detection.
enum PublicReportsController {
    static let perHour = 5
    static let perDay = 20

    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.get(.lapor, use: form)
        web.post(.lapor, body: .collect(maxSize: "8mb"), use: submitForm).userInfo["maxBody"] = 8 * 1_048_576
        web.get(.laporStatus, use: statusPage)
        let officers = web.grouped(RequireRole(.officer, .supervisor))
        officers.get(.publicReportPhoto(.key), use: photo)
        officers.get(.publicReports, use: list)
        officers.post(.publicReportTriage(.key), use: triageForm)
        api.grouped(RequireRole(.officer, .supervisor)).post("public-reports", ":code", "triage", use: triageAPI)
        api.post("public-reports", use: submitAPI)
        api.get("public-reports", ":code", use: statusAPI)
    }

    struct Input: Content {
        var description: String?
        var kelurahanCode: String?
        var seenAt: String?
        var latitude: Double?
        var longitude: Double?
        var contact: String?
        var website: String?      // honeypot: people never see it, bots fill it
        var photo: String?        // API: base64 JPEG or PNG (the web form sends a file instead)
    }

    static let maxPhotoBytes = 5 * 1_048_576

    /// Checks a photo before anything is stored; returns it without metadata.
    static func cleanPhoto(_ raw: [UInt8]?) throws -> (bytes: [UInt8], kind: ImageSanitizer.Kind)? {
        guard let raw, !raw.isEmpty else { return nil }
        return try ImageSanitizer.checked(raw, maxBytes: maxPhotoBytes, field: "photo")
    }

    struct Valid: Sendable {
        var description: String, village: String, regency: String, seenAt: String
        var latitude: Double?, longitude: Double?, contact: String?
    }

    /// An e-mail address, or anything holding a phone number (8 to 16 digits, however written: "WA 0812-3456-7890").
    static func isContact(_ c: String) -> Bool {
        if c.contains("@") { return (try? MailAddress(c)) != nil }
        return (8...16).contains(c.filter { $0.isASCII && $0.isNumber }.count)
    }

    /// Validates at the edge; each message names its field, and every field is checked (`FieldChecks`), so that the
    /// form shows all its mistakes at once.
    static func validate(_ i: Input, _ req: Request) async throws -> Valid {
        var checks = FieldChecks()
        let textChecked = try checks.run { () throws -> String in
            let text = (i.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard (10...2000).contains(text.count) else { throw ValidationFailure("v.lengthRange", field: "description", "10", "2000") }
            return text
        }
        let village = try await checks.run { () async throws -> String in
            let code = (i.kelurahanCode ?? "").trimmingCharacters(in: .whitespaces)
            guard RegionCode.isValid(code), let region = try await Region.find(code, on: req.db), region.level == "village" else {
                throw ValidationFailure("v.village", field: "kelurahanCode")
            }
            return code
        }
        // Without a village, the time is read in WIB (the zone only shifts it by an hour or two: the check still holds).
        let seenChecked = try checks.run { () throws -> Date in
            guard let seen = LocalTime.parseInput(i.seenAt ?? "", zone: RegionCode.timeZone(of: village ?? "")) else {
                throw ValidationFailure("v.moment", field: "seenAt")
            }
            let now = req.application.clock.now()
            guard seen <= now.addingTimeInterval(3600), seen >= now.addingTimeInterval(-366 * 86400) else {
                throw ValidationFailure("v.withinPastYear", field: "seenAt")
            }
            return seen
        }
        _ = try checks.run { () throws -> Void in
            if (i.latitude == nil) != (i.longitude == nil) { throw ValidationFailure("v.latLonPair", field: "latitude") }
            if let lat = i.latitude, let lon = i.longitude, !((-11.5...6.5).contains(lat) && (94.5...141.5).contains(lon)) {
                throw ValidationFailure("v.latLonIndonesia", field: "latitude")
            }
        }
        let contact = i.contact?.trimmingCharacters(in: .whitespaces)
        _ = try checks.run { () throws -> Void in
            guard (contact?.count ?? 0) <= 200 else { throw ValidationFailure("v.tooLong", field: "contact", "200") }
            // A phone number or an e-mail address: staff could not reach a citizen through anything else.
            if let c = contact, !c.isEmpty, !Self.isContact(c) { throw ValidationFailure("v.contact", field: "contact") }
        }
        let (text, code, seen) = try checks.finish(textChecked, village, seenChecked)
        return Valid(description: text, village: code, regency: RegionCode.regency(of: code) ?? code,
                     seenAt: seen.formatted(Date.ISO8601FormatStyle()), latitude: i.latitude, longitude: i.longitude,
                     contact: contact?.isEmpty == true ? nil : contact)
    }

    enum Outcome { case created(String), duplicate(String), throttled, ignored(String) }

    static func accept(_ input: Input, _ req: Request, photo rawPhoto: [UInt8]? = nil) async throws -> Outcome {
        // Honeypot: answer as if accepted, store nothing.
        if let w = input.website, !w.isEmpty {
            req.logger.notice("public report: honeypot filled, ignored")
            return .ignored(trackingCode())
        }
        let v = try await validate(input, req)
        var raw = rawPhoto
        if raw == nil, let b64 = input.photo, !b64.isEmpty {
            guard b64.count <= maxPhotoBytes * 4 / 3 + 4, let d = Data(base64Encoded: b64) else { throw ValidationFailure("v.photoBase64", field: "photo", "5") }
            raw = Array(d)
        }
        let photo = try cleanPhoto(raw)
        let now = req.application.clock.now()
        let source = sourceHash(req, now: now)
        let lastHour = try await PublicReport.query(on: req.db).filter(\.$sourceHash == source).filter(\.$createdAt > now.addingTimeInterval(-3600)).countRows()
        let lastDay = try await PublicReport.query(on: req.db).filter(\.$sourceHash == source).filter(\.$createdAt > now.addingTimeInterval(-86400)).countRows()
        if lastHour >= perHour || lastDay >= perDay { return .throttled }
        let content = contentHash(v)
        if let same = try await PublicReport.query(on: req.db).filter(\.$contentHash == content)
            .filter(\.$createdAt > now.addingTimeInterval(-7 * 86400)).first() {
            return .duplicate(same.trackingCode)
        }
        let code = trackingCode()
        // Where no office covers the regency, no officer would see the report: the administrators are told (the region's
        // name only), so that an office's jurisdiction can take it.
        let uncoveredAdmins = try await covered(v.regency, db: req.db) ? [] : try await User.query(on: req.db).filter(\.$role == Role.admin.rawValue)
            .filter(\.$disabled == false).all().compactMap(\.id)
        let regionName = uncoveredAdmins.isEmpty ? "" : (try await Region.find(v.regency, on: req.db)?.name ?? v.regency)
        try await req.audited(as: .anonymous) { db in
            let r = PublicReport()
            r.trackingCode = code; r.description = v.description; r.villageCode = v.village; r.regencyCode = v.regency
            r.seenAt = v.seenAt; r.latitude = v.latitude; r.longitude = v.longitude; r.contact = v.contact
            r.status = PublicReportStatus.received.rawValue; r.contentHash = content; r.sourceHash = source; r.createdAt = now
            try await r.create(on: db)
            if let photo {
                let p = PublicReportPhoto()
                p.reportID = r.id!; p.contentType = photo.kind.rawValue; p.bytes = Data(photo.bytes); p.createdAt = now
                try await p.create(on: db)
            }
            if !uncoveredAdmins.isEmpty {
                try await Notifier.notify(uncoveredAdmins, kind: "uncoveredReport", title: L10n.format("notify.uncoveredReport", .id, [regionName]),
                                          link: SiteURL.home.path + "#uncovered-reports", req: req, db: db)
            }
            return ((), [AuditEntry(action: "public_report.create", objectType: "public_report", objectID: r.id!.uuidString, detail: "village=\(v.village) photo=\(photo != nil)")])
        }
        return .created(code)
    }

    /// The sender's address, hashed with the day: enough to count today's reports from one address,
    /// useless for following anyone across days.
    static func sourceHash(_ req: Request, now: Date) -> String {
        let ip = req.clientAddress
        let day = Day.string(now, in: TimeZone(identifier: "UTC")!)
        return Tokens.pseudonym("public-report|\(day)|\(ip)", secret: req.application.config.secretKey)
    }

    static func contentHash(_ v: Valid) -> String {
        let folded = Normalize.fold(v.description)
        return Tokens.digest("\(folded)|\(v.village)|\(v.seenAt.prefix(10))")
    }

    /// 12 characters from an alphabet without look-alikes (no O/0, I/1/L), grouped for reading aloud.
    static func trackingCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        let raw = (0..<12).map { _ in alphabet.randomElement(using: &rng)! }
        return "LPR-" + String(raw[0..<4]) + "-" + String(raw[4..<8]) + "-" + String(raw[8..<12])
    }

    /// A tracking code as a citizen may type it — any case, without the hyphens or the `LPR` prefix, with spaces or
    /// other separators — written as the server wrote it; nil when it cannot be one.
    static func typedCode(_ raw: String) -> String? {
        var chars = Array(raw.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        if chars.count == 15, chars.starts(with: "LPR") { chars.removeFirst(3) }
        guard chars.count == 12 else { return nil }
        return "LPR-" + String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<12])
    }

    struct Created: Content { var trackingCode: String }
    struct Status: Content { var status: String }

    static func submitAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(Input.self) else {
            throw ValidationFailure("v.body", "description, kelurahanCode, seenAt, latitude, longitude, contact")
        }
        let res = Response()
        switch try await accept(input, req) {
        case .created(let code), .ignored(let code):
            res.status = .created; try res.content.encode(Created(trackingCode: code))
        case .duplicate(let code):
            res.status = .ok; try res.content.encode(Created(trackingCode: code))
        case .throttled:
            throw AppError(status: .tooManyRequests, messageKey: "report.throttled", logDetail: "public report throttled")
        }
        return res
    }

    static func statusAPI(_ req: Request) async throws -> Status {
        let code = (req.parameters.get("code") ?? "").uppercased()
        guard let r = try await PublicReport.query(on: req.db).filter(\.$trackingCode == code).first() else { throw Abort(.notFound) }
        return Status(status: r.status)
    }

    // MARK: triage (officers of the report's jurisdiction)

    struct TriageInput: Content {
        var action: String?          // link | close | reopen
        var passport: String?        // link: a registry foreigner by passport number
        var foreignerId: UUID?
        var sponsorId: UUID?
        var outcome: String?         // close: what was done
    }

    /// Links a report to a foreigner or sponsor in scope (it is then in review), or closes it with an outcome.
    static func triage(_ report: PublicReport, _ i: TriageInput, _ req: Request) async throws -> PublicReport {
        let p = try req.requirePrincipal()
        guard p.jurisdiction.contains(report.regencyCode) else { throw Abort(.notFound) }
        let now = req.application.clock.now()
        let before = report.status
        var detail = ""
        switch i.action ?? "" {
        case "link":
            var foreigner = i.foreignerId
            if foreigner == nil, let raw = i.passport?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let f = try await ScopePolicy.foreigners(req).filter(\.$passportKey == Normalize.documentID(raw)).first() else {
                    throw ValidationFailure("v.passportUnknown", field: "passport")
                }
                foreigner = f.id
            }
            if let f = foreigner, (try? await ScopePolicy.foreigner(f, req)) == nil { throw ValidationFailure("v.notInScope", field: "foreignerId") }
            if let s = i.sponsorId, (try? await ScopePolicy.sponsor(s, req)) == nil { throw ValidationFailure("v.notInScope", field: "sponsorId") }
            guard foreigner != nil || i.sponsorId != nil else { throw ValidationFailure("v.linkNeedsTarget", field: "passport") }
            guard report.status != PublicReportStatus.closed.rawValue else { throw AppError.conflict("err.publicReportClosed") }
            if let f = foreigner { report.foreignerID = f; detail += "foreigner=\(f) " }
            if let s = i.sponsorId { report.sponsorID = s; detail += "sponsor=\(s)" }
            report.status = PublicReportStatus.inReview.rawValue
        case "close":
            guard let outcome = try ValidationFailure.text(i.outcome, "outcome", max: 2000) else { throw ValidationFailure("v.closeOutcome", field: "outcome") }
            guard report.status != PublicReportStatus.closed.rawValue else { throw AppError.conflict("err.publicReportAlreadyClosed") }
            report.status = PublicReportStatus.closed.rawValue; report.outcome = outcome; report.closedBy = p.userID; report.closedAt = now
        case "reopen":
            guard report.status == PublicReportStatus.closed.rawValue else { throw AppError.conflict("err.publicReportNotClosed") }
            report.status = PublicReportStatus.inReview.rawValue; report.closedAt = nil; report.closedBy = nil
        default:
            throw ValidationFailure("v.oneOf", field: "action", "link, close, reopen")
        }
        let action = i.action ?? "", note = detail.trimmingCharacters(in: .whitespaces)
        let statusChanged = report.status != before
        let publicURL = req.application.config.publicURL
        return try await req.audited { db in
            try await report.update(on: db)
            if statusChanged { try await tellReporter(report, publicURL: publicURL, now: now, db: db) }
            return (report, [AuditEntry(action: "public_report.\(action)", objectType: "public_report", objectID: report.id!.uuidString, detail: note)])
        }
    }

    /// A citizen who left an e-mail address as contact hears when the report's status changes: the tracking
    /// code, the new status and the status page, in Indonesian and English, nothing more (the report's text and
    /// what officers found stay with the office). Through the outbox, in the change's transaction, once per status.
    static func tellReporter(_ r: PublicReport, publicURL: String, now: Date, db: any Database) async throws {
        guard let contact = r.contact?.trimmingCharacters(in: .whitespaces), (try? MailAddress(contact)) != nil else { return }
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let link = base + SiteURL.laporStatus.with(["code": r.trackingCode])
        let body = [Language.id, .en].map { lang in
            "\(L10n.t("report.mail.changed", lang)) \(r.trackingCode): \(L10n.t("report.status.\(r.status)", lang))\n\(L10n.t("report.mail.more", lang)) \(link)"
        }.joined(separator: "\n\n")
        try await Outbox.enqueue(key: "public-report:\(r.id!.uuidString):\(r.status):\(UUID().uuidString)", kind: "public-report",
                                 to: contact, subject: "Sinergi: \(L10n.t("report.mail.changed", .id)) \(r.trackingCode)", body: body, now: now, on: db)
    }

    struct TriageDTO: Content { var trackingCode: String; var status: String; var foreignerId: UUID?; var sponsorId: UUID?; var outcome: String? }

    static func triageAPI(_ req: Request) async throws -> TriageDTO {
        let code = (req.parameters.get("code") ?? "").uppercased()
        guard let r = try await PublicReport.query(on: req.db).filter(\.$trackingCode == code).first() else { throw Abort(.notFound) }
        guard let input = try? req.content.decode(TriageInput.self) else { throw ValidationFailure("v.body", "action (link, close, reopen)") }
        let out = try await triage(r, input, req)
        return TriageDTO(trackingCode: out.trackingCode, status: out.status, foreignerId: out.foreignerID, sponsorId: out.sponsorID, outcome: out.outcome)
    }

    static func triageForm(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await PublicReport.find(id, on: req.db) else { throw Abort(.notFound) }
        let input = try req.content.decode(TriageInput.self)
        // A failure comes back in the report's own row: the text typed kept, the message beside it.
        var state = FormState(values: ["passport": input.passport ?? "", "outcome": input.outcome ?? ""])
        do { _ = try await triage(r, input, req) } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: input.action == "close" ? ["outcome"] : ["passport"],
                       rename: ["foreignerId": "passport", "sponsorId": "passport"])
            return try await list(req, failed: .init(code: r.trackingCode, state: state), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await list(req, failed: .init(code: r.trackingCode, state: state), status: .conflict)
        }
        return Flash.redirect(req, to: .publicReports, "flash.triage.\(input.action ?? "")")
    }

    // MARK: web

    /// `/lapor`: the form; after "show the next choices" of the region picker it comes back with what was typed.
    static func form(_ req: Request) async throws -> Response {
        let state = RegionPicker.isStep(req) ? FormState(req) : .empty
        return try await PublicReportViews.form(req, state: state)
    }

    struct FormInput: Content {
        var description: String?, kelurahanCode: String?, seenAt: String?, contact: String?, website: String?
        var photo: File?
    }

    static func submitForm(_ req: Request) async throws -> Response {
        let form = try? req.content.decode(FormInput.self)
        let values = FormState.read(req, ["description", "seenAt", "contact"] + RegionPicker.inputNames("kelurahanCode", depth: .village))
        var input = Input()
        input.description = form?.description; input.kelurahanCode = RegionPicker.chosen(values, name: "kelurahanCode")
        input.seenAt = form?.seenAt; input.contact = form?.contact; input.website = form?.website
        let photo = form?.photo.map { Array($0.data.readableBytesView) }
        var state = FormState(values: values)
        do {
            switch try await accept(input, req, photo: photo) {
            case .created(let code), .duplicate(let code), .ignored(let code):
                let regency = RegionCode.regency(of: input.kelurahanCode ?? "") ?? ""
                return PublicReportViews.thanks(req, code: code, covered: try await covered(regency, db: req.db))
            case .throttled:
                state.fail(message: L10n.t("report.throttled", req.language))
                return try await PublicReportViews.form(req, state: state, status: .tooManyRequests)
            }
        } catch let v as ValidationFailure {
            state.fail(v, lang: req.language, labels: ["description": L10n.t("report.description", req.language).trimmingCharacters(in: ["?"]),
                                                       "seenAt": L10n.t("report.seenAt", req.language)])
            return try await PublicReportViews.form(req, state: state, status: .unprocessableEntity)
        }
    }

    static func statusPage(_ req: Request) async throws -> Response {
        let typed = (req.queryValue("code") ?? "").trimmingCharacters(in: .whitespaces)
        let code = typedCode(typed) ?? typed.uppercased()
        var status: (status: String, received: Date)??
        if !code.isEmpty, let r = try await PublicReport.query(on: req.db).filter(\.$trackingCode == code).first() {
            // Received in a region no office covers yet: it waits for one, not for a review no one can make.
            let isCovered = try await covered(r.regencyCode, db: req.db)
            let waiting = r.status == PublicReportStatus.received.rawValue && !isCovered
            status = .some((waiting ? "unassigned" : r.status, r.createdAt))
        } else if !code.isEmpty {
            status = .some(nil)
        }
        return PublicReportViews.status(req, code: code, found: status, emptyAsked: req.queryValue("code") != nil && code.isEmpty)
    }

    /// Whether an office's jurisdiction holds the regency, so that its officers see reports from there.
    static func covered(_ regency: String, db: any Database) async throws -> Bool {
        try await OfficeJurisdiction.query(on: db).filter(\.$regencyCode == regency).first() != nil
    }

    /// Reports from regencies no office covers, counted per regency (for the administrator: counts, never a report).
    static func uncovered(db: any Database) async throws -> [(regency: String, count: Int)] {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var regency_code: String; var n: Int }
        let rows = try await sql.raw("""
            SELECT regency_code, COUNT(*) AS n FROM public_reports
            WHERE regency_code NOT IN (SELECT regency_code FROM office_jurisdictions) GROUP BY regency_code ORDER BY n DESC, regency_code
            """).all(decoding: Row.self)
        return rows.map { ($0.regency_code, $0.n) }
    }

    /// A report's photo, to officers of its jurisdiction.
    static func photo(_ req: Request) async throws -> Response {
        let p = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await PublicReport.find(id, on: req.db), p.jurisdiction.contains(r.regencyCode),
              let photo = try await PublicReportPhoto.query(on: req.db).filter(\.$reportID == id).first() else { throw Abort(.notFound) }
        let res = Response(status: .ok, body: .init(data: photo.bytes))
        res.headers.replaceOrAdd(name: .contentType, value: photo.contentType)
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return res
    }

    /// Officers see reports from their jurisdiction, newest first.
    static func list(_ req: Request) async throws -> Response { try await list(req, failed: nil) }

    static func list(_ req: Request, failed: PublicReportViews.Failed?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let paging = try Paging(req)
        let query = PublicReport.query(on: req.db).filter(.sql(ScopePolicy.RowFilter.regencies(p.jurisdiction).sql))
        let total = try await query.copy().countRows()
        let items = try await query.sort(\.$createdAt, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        let places = try await RegionsController.describe(items.map(\.villageCode), db: req.db)
        try await req.audited { _ in ((), [AuditEntry(action: "public_report.list", objectType: "public_report", objectID: "-", detail: "page=\(paging.page)")]) }
        let reportIDs = items.compactMap(\.id)
        let withPhoto = Set(reportIDs.isEmpty ? [] : try await PublicReportPhoto.query(on: req.db).filter(\.$reportID ~~ reportIDs).all().map(\.reportID))
        return PublicReportViews.list(req, .init(items: items, places: places, withPhoto: withPhoto, paging: paging, total: total, failed: failed), status: status)
    }
}
