import Crypto
import Fluent
import Foundation
import Matching
import Vapor

/// Public reports of suspicious foreigners: `/lapor` (public form, no login), `/lapor/status`,
/// `POST /api/v1/public-reports`, `GET /api/v1/public-reports/{trackingCode}`, and `/public-reports`
/// for officers of the jurisdiction. Abuse controls without external services: a per-address rate
/// limit, size limits, a honeypot field and duplicate detection.
enum PublicReportsController {
    static let perHour = 5
    static let perDay = 20

    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.get("lapor", use: form)
        web.on(.POST, "lapor", body: .collect(maxSize: "8mb"), use: submitForm).userInfo["maxBody"] = 8 * 1_048_576
        web.grouped(RequireRole(.officer, .supervisor)).get("public-reports", ":id", "photo", use: photo)
        web.get("lapor", "status", use: statusPage)
        web.grouped(RequireRole(.officer, .supervisor)).get("public-reports", use: list)
        web.grouped(RequireRole(.officer, .supervisor)).post("public-reports", ":id", "triage", use: triageForm)
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

    /// Validates at the edge; the message names the field.
    static func validate(_ i: Input, _ req: Request) async throws -> Valid {
        let text = (i.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (10...2000).contains(text.count) else { throw ValidationFailure(message: "description must have 10 to 2000 characters") }
        let code = (i.kelurahanCode ?? "").trimmingCharacters(in: .whitespaces)
        guard RegionCode.isValid(code), let region = try await Region.find(code, on: req.db), region.level == "village" else {
            throw ValidationFailure(message: "kelurahanCode must be the code of a kelurahan/desa, e.g. 35.16.05.2010")
        }
        guard let seen = parseMoment(i.seenAt ?? "") else {
            throw ValidationFailure(message: "seenAt must be a date and time in ISO 8601, e.g. 2026-11-30T09:30:00+07:00")
        }
        let now = req.application.clock.now()
        guard seen <= now.addingTimeInterval(3600), seen >= now.addingTimeInterval(-366 * 86400) else {
            throw ValidationFailure(message: "seenAt must lie within the past year and not in the future")
        }
        if (i.latitude == nil) != (i.longitude == nil) { throw ValidationFailure(message: "latitude and longitude go together") }
        if let lat = i.latitude, let lon = i.longitude, !((-11.5...6.5).contains(lat) && (94.5...141.5).contains(lon)) {
            throw ValidationFailure(message: "latitude/longitude must lie in Indonesia")
        }
        let contact = i.contact?.trimmingCharacters(in: .whitespaces)
        guard (contact?.count ?? 0) <= 200 else { throw ValidationFailure(message: "contact may have at most 200 characters") }
        return Valid(description: text, village: code, regency: RegionCode.regency(of: code) ?? code,
                     seenAt: seen.formatted(Date.ISO8601FormatStyle()), latitude: i.latitude, longitude: i.longitude,
                     contact: contact?.isEmpty == true ? nil : contact)
    }

    /// ISO 8601 with a zone, or a local date-time (`YYYY-MM-DDTHH:MM`, as browsers send it) taken in the office zone.
    static func parseMoment(_ s: String) -> Date? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let d = try? Date(t, strategy: Date.ISO8601FormatStyle()) { return d }
        if let d = try? Date(t, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        let jakarta = TimeZone(identifier: "Asia/Jakarta")!
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = jakarta; f.dateFormat = format
            if let d = f.date(from: t) { return d }
        }
        return nil
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
            guard b64.count <= maxPhotoBytes * 4 / 3 + 4, let d = Data(base64Encoded: b64) else { throw ValidationFailure(message: "photo must be a base64 JPEG or PNG of at most 5 MB") }
            raw = Array(d)
        }
        let photo = try cleanPhoto(raw)
        let now = req.application.clock.now()
        let source = sourceHash(req, now: now)
        let lastHour = try await PublicReport.query(on: req.db).filter(\.$sourceHash == source).filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        let lastDay = try await PublicReport.query(on: req.db).filter(\.$sourceHash == source).filter(\.$createdAt > now.addingTimeInterval(-86400)).count()
        if lastHour >= perHour || lastDay >= perDay { return .throttled }
        let content = contentHash(v)
        if let same = try await PublicReport.query(on: req.db).filter(\.$contentHash == content)
            .filter(\.$createdAt > now.addingTimeInterval(-7 * 86400)).first() {
            return .duplicate(same.trackingCode)
        }
        let code = trackingCode()
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
            return ((), [AuditEntry(action: "public_report.create", objectType: "public_report", objectID: r.id!.uuidString, detail: "village=\(v.village) photo=\(photo != nil)")])
        }
        return .created(code)
    }

    /// The sender's address, hashed with the day: enough to count today's reports from one address,
    /// useless for following anyone across days.
    static func sourceHash(_ req: Request, now: Date) -> String {
        let ip = req.remoteAddress?.ipAddress ?? "unknown"
        let day = Day.string(now, in: TimeZone(identifier: "UTC")!)
        return Tokens.digest("public-report|\(day)|\(ip)")
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

    struct Created: Content { var trackingCode: String }
    struct Status: Content { var status: String }

    static func submitAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(Input.self) else {
            throw ValidationFailure(message: "body must be JSON with description, kelurahanCode, seenAt and optional latitude, longitude, contact")
        }
        let res = Response()
        switch try await accept(input, req) {
        case .created(let code), .ignored(let code):
            res.status = .created; try res.content.encode(Created(trackingCode: code))
        case .duplicate(let code):
            res.status = .ok; try res.content.encode(Created(trackingCode: code))
        case .throttled:
            throw Abort(.tooManyRequests, reason: "too many reports from this address; try again later")
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
        var detail = ""
        switch i.action ?? "" {
        case "link":
            var foreigner = i.foreignerId
            if foreigner == nil, let raw = i.passport?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let f = try await ScopePolicy.foreigners(req).filter(\.$passportKey == Normalize.documentID(raw)).first() else {
                    throw ValidationFailure(message: "passport: no foreigner with this passport in your jurisdiction")
                }
                foreigner = f.id
            }
            if let f = foreigner, (try? await ScopePolicy.foreigner(f, req)) == nil { throw ValidationFailure(message: "foreignerId is not a foreigner in your jurisdiction") }
            if let s = i.sponsorId, (try? await ScopePolicy.sponsor(s, req)) == nil { throw ValidationFailure(message: "sponsorId is not a sponsor in your jurisdiction") }
            guard foreigner != nil || i.sponsorId != nil else { throw ValidationFailure(message: "link needs a passport, foreignerId or sponsorId") }
            guard report.status != PublicReportStatus.closed.rawValue else { throw Abort(.conflict, reason: "the report is closed; reopen it first") }
            if let f = foreigner { report.foreignerID = f; detail += "foreigner=\(f) " }
            if let s = i.sponsorId { report.sponsorID = s; detail += "sponsor=\(s)" }
            report.status = PublicReportStatus.inReview.rawValue
        case "close":
            guard let outcome = try ValidationFailure.text(i.outcome, "outcome", max: 2000) else { throw ValidationFailure(message: "outcome is required to close a report: say what was found and done") }
            guard report.status != PublicReportStatus.closed.rawValue else { throw Abort(.conflict, reason: "the report is already closed") }
            report.status = PublicReportStatus.closed.rawValue; report.outcome = outcome; report.closedBy = p.userID; report.closedAt = now
        case "reopen":
            guard report.status == PublicReportStatus.closed.rawValue else { throw Abort(.conflict, reason: "the report is not closed") }
            report.status = PublicReportStatus.inReview.rawValue; report.closedAt = nil; report.closedBy = nil
        default:
            throw ValidationFailure(message: "action must be link, close or reopen")
        }
        let action = i.action ?? "", note = detail.trimmingCharacters(in: .whitespaces)
        return try await req.audited { db in
            try await report.update(on: db)
            return (report, [AuditEntry(action: "public_report.\(action)", objectType: "public_report", objectID: report.id!.uuidString, detail: note)])
        }
    }

    struct TriageDTO: Content { var trackingCode: String; var status: String; var foreignerId: UUID?; var sponsorId: UUID?; var outcome: String? }

    static func triageAPI(_ req: Request) async throws -> TriageDTO {
        let code = (req.parameters.get("code") ?? "").uppercased()
        guard let r = try await PublicReport.query(on: req.db).filter(\.$trackingCode == code).first() else { throw Abort(.notFound) }
        guard let input = try? req.content.decode(TriageInput.self) else { throw ValidationFailure(message: "body must be JSON with action (link, close, reopen)") }
        let out = try await triage(r, input, req)
        return TriageDTO(trackingCode: out.trackingCode, status: out.status, foreignerId: out.foreignerID, sponsorId: out.sponsorID, outcome: out.outcome)
    }

    static func triageForm(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let r = try await PublicReport.find(id, on: req.db) else { throw Abort(.notFound) }
        let input = try req.content.decode(TriageInput.self)
        do { _ = try await triage(r, input, req) } catch let e as ValidationFailure {
            return try await list(req, error: e.message)
        } catch let e as Abort where e.status == .conflict {
            return try await list(req, error: e.reason)
        }
        return req.redirect(to: "/public-reports")
    }

    // MARK: web

    static func form(_ req: Request) async throws -> Response { renderForm(req, error: nil, input: Input()) }

    static func renderForm(_ req: Request, error: String?, input: Input, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"report-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("report.title", lang), body: """
        <section class="card narrow wide-form">
          <h1>\(L10n.t("report.title", lang))</h1>
          <p class="muted">\(L10n.t("report.intro", lang))</p>
          \(alert)
          <form method="post" action="/lapor" id="report-form" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value="\(req.csrfToken)">
            <label for="description">\(L10n.t("report.description", lang))</label>
            <textarea id="description" name="description" rows="5" maxlength="2000" required>\(input.description)</textarea>
            <label for="kelurahanCode">\(L10n.t("report.kelurahan", lang))</label>
            <input id="kelurahanCode" name="kelurahanCode" required placeholder="35.16.05.2010" value="\(input.kelurahanCode)">
            <label for="seenAt">\(L10n.t("report.seenAt", lang))</label>
            <input id="seenAt" name="seenAt" type="datetime-local" required value="\(input.seenAt)">
            <label for="contact">\(L10n.t("report.contact", lang))</label>
            <input id="contact" name="contact" maxlength="200" value="\(input.contact)">
            <label for="photo">\(L10n.t("report.photo", lang))</label>
            <input id="photo" name="photo" type="file" accept="image/jpeg,image/png">
            <div class="hp" aria-hidden="true"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
            <p><button type="submit">\(L10n.t("report.submit", lang))</button></p>
          </form>
          <p><a href="/lapor/status">\(L10n.t("report.checkStatus", lang))</a></p>
        </section>
        """, status: status)
    }

    struct FormInput: Content {
        var description: String?, kelurahanCode: String?, seenAt: String?, contact: String?, website: String?
        var photo: File?
    }

    static func submitForm(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode(FormInput.self))
        var input = Input()
        input.description = form?.description; input.kelurahanCode = form?.kelurahanCode; input.seenAt = form?.seenAt
        input.contact = form?.contact; input.website = form?.website
        let photo = form?.photo.map { Array($0.data.readableBytesView) }
        let lang = req.language
        do {
            switch try await accept(input, req, photo: photo) {
            case .created(let code), .duplicate(let code), .ignored(let code):
                return Views.page(req, title: L10n.t("report.title", lang), body: """
                <section class="card narrow"><h1>\(L10n.t("report.thanks", lang))</h1>
                <p>\(L10n.t("report.yourCode", lang))</p><p class="stat" id="tracking-code">\(code)</p>
                <p><a href="/lapor/status?code=\(code)">\(L10n.t("report.checkStatus", lang))</a></p></section>
                """, status: .created)
            case .throttled:
                return renderForm(req, error: L10n.t("report.throttled", lang), input: input, status: .tooManyRequests)
            }
        } catch let v as ValidationFailure {
            return renderForm(req, error: v.message, input: input, status: .unprocessableEntity)
        }
    }

    static func statusPage(_ req: Request) async throws -> Response {
        let lang = req.language
        let code = (req.query[String.self, at: "code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        var answer: HTML = ""
        if !code.isEmpty {
            if let r = try await PublicReport.query(on: req.db).filter(\.$trackingCode == code).first() {
                answer = "<p class=\"notice\" id=\"report-status\">\(L10n.t("report.status.\(r.status)", lang))</p>"
            } else {
                answer = "<p class=\"alert\" id=\"report-status\">\(L10n.t("report.unknownCode", lang))</p>"
            }
        }
        return Views.page(req, title: L10n.t("report.checkStatus", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("report.checkStatus", lang))</h1>
        \(answer)
        <form method="get" action="/lapor/status"><label for="code">\(L10n.t("report.code", lang))</label>
        <input id="code" name="code" value="\(code)" autocapitalize="characters"><p><button type="submit">\(L10n.t("lookup.submit", lang))</button></p></form>
        </section>
        """)
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
    static func list(_ req: Request) async throws -> Response { try await list(req, error: nil) }

    static func list(_ req: Request, error: String?) async throws -> Response {
        let p = try req.requirePrincipal()
        let lang = req.language
        let paging = try Paging(req)
        let query = PublicReport.query(on: req.db).filter(.sql(ScopePolicy.RowFilter.regencies(p.jurisdiction).sql))
        let total = try await query.copy().count()
        let items = try await query.sort(\.$createdAt, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        let names = try await Region.query(on: req.db).filter(\.$id ~~ items.map(\.villageCode)).all()
        let nameOf = Dictionary(names.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        try await req.audited { _ in ((), [AuditEntry(action: "public_report.list", objectType: "public_report", objectID: "-", detail: "page=\(paging.page)")]) }
        let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
        let reportIDs = items.compactMap(\.id)
        let withPhoto = Set(reportIDs.isEmpty ? [] : try await PublicReportPhoto.query(on: req.db).filter(\.$reportID ~~ reportIDs).all().map(\.reportID))
        let rows: HTML = items.html { r in
            let linkedForeigner: HTML = r.foreignerID.map { "<a href=\"/foreigners/\($0.uuidString)\">\(L10n.t("task.foreigner", lang))</a> " as HTML } ?? ""
            let linkedSponsor: HTML = r.sponsorID.map { "<a href=\"/sponsors/\($0.uuidString)\">\(L10n.t("task.company", lang))</a>" as HTML } ?? ""
            let linked: HTML = "\(linkedForeigner)\(linkedSponsor)"
            let actions: HTML = r.status == PublicReportStatus.closed.rawValue
                ? "<p class=\"muted\">\(r.outcome)</p><form method=\"post\" action=\"/public-reports/\(r.id!.uuidString)/triage\" class=\"inline\">\(csrf)<input type=\"hidden\" name=\"action\" value=\"reopen\"><button type=\"submit\" class=\"secondary\">\(L10n.t("pr.reopen", lang))</button></form>"
                : """
                <form method="post" action="/public-reports/\(r.id!.uuidString)/triage" class="triage">\(csrf)<input type="hidden" name="action" value="link">
                <input name="passport" placeholder="\(L10n.t("pr.passport", lang))" aria-label="\(L10n.t("pr.passport", lang))"><button type="submit" class="secondary">\(L10n.t("pr.link", lang))</button></form>
                <form method="post" action="/public-reports/\(r.id!.uuidString)/triage" class="triage">\(csrf)<input type="hidden" name="action" value="close">
                <input name="outcome" placeholder="\(L10n.t("pr.outcome", lang))" aria-label="\(L10n.t("pr.outcome", lang))" required><button type="submit">\(L10n.t("pr.close", lang))</button></form>
                <a href="/tasks?report=\(r.trackingCode)">\(L10n.t("pr.toTask", lang))</a>
                """
            let photoLink: HTML = withPhoto.contains(r.id!) ? "<br><a href=\"/public-reports/\(r.id!.uuidString)/photo\"><img class=\"thumb\" src=\"/public-reports/\(r.id!.uuidString)/photo\" alt=\"foto\"></a>" : ""
            return "<tr id=\"pr-\(r.trackingCode)\"><td>\(r.trackingCode)</td><td>\(r.seenAt)</td><td>\(nameOf[r.villageCode] ?? "") (\(r.villageCode))</td><td>\(r.description)\(photoLink)</td><td>\(L10n.t("report.status.\(r.status)", lang)) \(linked)</td><td>\(actions)</td></tr>"
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"triage-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("nav.publicReports", lang), body: """
        <h1>\(L10n.t("nav.publicReports", lang))</h1>
        \(alert)
        \(items.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : """
        <table class="responsive" id="public-report-list"><thead><tr><th>\(L10n.t("report.code", lang))</th><th>\(L10n.t("report.seenAt", lang))</th><th>\(L10n.t("report.kelurahan", lang))</th><th>\(L10n.t("report.description", lang))</th><th>\(L10n.t("list.status", lang))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """)
        """)
    }
}
