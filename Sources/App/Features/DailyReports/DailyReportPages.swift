import Deadlines
import Fluent
import Foundation
import Matching
import Vapor

/// Daily reports on the web: the officer's list and day page (entries, add, delete, submit), the
/// supervisor's office list with filters and approve/return, every submitted version kept and shown.
enum DailyReportPages {
    static func register(_ web: any RoutesBuilder) {
        let r = web.grouped(RequireRole(.officer, .supervisor))
        r.get("daily-reports", use: list)
        r.get("daily-reports", "summary", use: monthly)
        r.post("daily-reports", use: create)
        r.get("daily-reports", ":id", use: show)
        r.on(.POST, "daily-reports", ":id", "entries", body: .collect(maxSize: "12mb"), use: addEntry).userInfo["maxBody"] = 12 * 1_048_576
        r.get("daily-reports", ":id", "photos", ":photo", use: photo)
        r.post("daily-reports", ":id", "entries.json", use: addEntryJSON)
        r.post("daily-reports", ":id", "entries", ":entry", "delete", use: deleteEntry)
        r.post("daily-reports", ":id", "submit", use: submit)
        let s = web.grouped(RequireRole(.supervisor))
        s.post("daily-reports", ":id", "decision", use: decide)
        web.get("offline", use: offline)
    }

    static func label(_ prefix: String, _ v: String, _ lang: Language) -> String { L10n.t("\(prefix).\(v)", lang) }

    static func list(_ req: Request) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let f = try DailyReportsController.filter(req)
        let paging = try Paging(req)
        let (items, total) = try await DailyReportsController.list(f, paging: paging, req)
        let officers = try await User.query(on: req.db).filter(\.$office.$id == (p.officeID ?? UUID())).all()
        let nameOf = Dictionary(uniqueKeysWithValues: officers.map { ($0.id!, $0.displayName) })
        let counts = try await DailyReportsController.entryCounts(items.compactMap(\.id), db: req.db)
        var rows: [HTML] = []
        for r in items {
            let n = counts[r.id!] ?? 0
            rows.append("<tr><td><a href=\"/daily-reports/\(r.id!.uuidString)\">\(r.date)</a></td><td>\(nameOf[r.officerID] ?? "")</td><td>\(n)</td><td><span class=\"badge report-\(r.status)\">\(label("lph.status", r.status, lang))</span></td><td>\(r.version)</td></tr>")
        }
        let newForm: HTML = """
        <form method="post" action="/daily-reports" class="filters card" id="new-report-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
        <div><label for="date">\(L10n.t("lph.date", lang))</label><input id="date" name="date" type="date" value="\(req.application.today)" max="\(req.application.today)" required></div>
        <button type="submit">\(L10n.t("lph.open", lang))</button></form>
        """
        let officerFilter: HTML = p.role == .supervisor ? """
        <div><label for="officer">\(L10n.t("lph.officer", lang))</label><select id="officer" name="officer"><option value="">—</option>\(Views.options(officers.filter { $0.roleValue == .officer }.map { ($0.id!.uuidString, $0.displayName) }, selected: f.officer?.uuidString))</select></div>
        """ : ""
        return Views.page(req, title: L10n.t("nav.dailyReports", lang), body: """
        <h1>\(L10n.t("nav.dailyReports", lang))</h1>
        <p class="no-print"><a href="/daily-reports/summary">\(L10n.t("lph.monthly", lang))</a></p>
        \(newForm)
        <form method="get" action="/daily-reports" class="filters">
          \(officerFilter)
          <div><label for="from">\(L10n.t("lph.from", lang))</label><input id="from" name="from" type="date" value="\(f.from)"></div>
          <div><label for="to">\(L10n.t("lph.to", lang))</label><input id="to" name="to" type="date" value="\(f.to)"></div>
          <div><label for="finding">\(L10n.t("lph.finding", lang))</label><select id="finding" name="finding"><option value="">—</option>\(Views.options(FieldFinding.allCases.map { ($0.rawValue, label("lph.finding", $0.rawValue, lang)) }, selected: f.finding?.rawValue))</select></div>
          <div><label for="status">\(L10n.t("list.status", lang))</label><select id="status" name="status"><option value="">—</option>\(Views.options(ReportStatus.allCases.map { ($0.rawValue, label("lph.status", $0.rawValue, lang)) }, selected: f.status?.rawValue))</select></div>
          <div><label for="place">\(L10n.t("lph.place", lang))</label><input id="place" name="place" value="\(f.place)" placeholder="35.16.05"></div>
          <button type="submit">\(L10n.t("list.filter", lang))</button>
        </form>
        \(rows.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : """
        <table class="responsive" id="report-list"><thead><tr><th>\(L10n.t("lph.date", lang))</th><th>\(L10n.t("lph.officer", lang))</th><th>\(L10n.t("lph.entries", lang))</th><th>\(L10n.t("list.status", lang))</th><th>\(L10n.t("lph.version", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """)
        """)
    }

    /// `/daily-reports/summary?month=YYYY-MM[&officer=]`: a printable month — per officer, reports by status,
    /// entries by activity and finding, and every entry of the month in date order.
    static func monthly(_ req: Request) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let month = req.query[String.self, at: "month"] ?? String(req.application.today.prefix(7))
        guard month.count == 7, Day.isValid(month + "-01") else { throw ValidationFailure("v.month", field: "month") }
        let first = month + "-01"
        let next = CalendarDay(first)!.adding(days: 32).description.prefix(7) + "-01"
        var f = try DailyReportsController.filter(req)
        f.from = first
        f.to = CalendarDay(String(next))!.adding(days: -1).description
        let (reports, _) = try await DailyReportsController.list(f, paging: Paging(page: 1, per: 10_000), req)
        let staff = try await User.query(on: req.db).filter(\.$office.$id == (p.officeID ?? UUID())).all()
        let nameOf = Dictionary(uniqueKeysWithValues: staff.map { ($0.id!, $0.displayName) })
        let entries = reports.isEmpty ? [] : try await ReportEntry.query(on: req.db).filter(\.$report.$id ~~ reports.compactMap(\.id)).all()
        let byReport = Dictionary(grouping: entries, by: { $0.$report.id })
        let officers = Array(Set(reports.map(\.officerID))).sorted { (nameOf[$0] ?? "") < (nameOf[$1] ?? "") }
        let sections: HTML = officers.html { o in
            let mine = reports.filter { $0.officerID == o }.sorted { $0.date < $1.date }
            let es = mine.flatMap { byReport[$0.id!] ?? [] }
            func count(_ all: [String], _ key: (ReportEntry) -> String, prefix: String) -> HTML {
                all.filter { c in es.contains { key($0) == c } }.html { c in "<li>\(L10n.t("\(prefix).\(c)", lang)): \(es.filter { key($0) == c }.count)</li>" }
            }
            let statuses: HTML = ReportStatus.allCases.filter { s in mine.contains { $0.status == s.rawValue } }.html { s in
                "<li>\(L10n.t("lph.status.\(s.rawValue)", lang)): \(mine.filter { $0.status == s.rawValue }.count)</li>"
            }
            let lines: HTML = mine.html { r in
                (byReport[r.id!] ?? []).sorted { $0.time < $1.time }.html { e in
                    "<tr><td>\(r.date) \(e.time)</td><td>\(e.villageCode)</td><td>\(L10n.t("lph.activity.\(e.activity)", lang))</td><td>\(L10n.t("lph.finding.\(e.finding)", lang))</td><td>\(e.followUp)</td></tr>"
                }
            }
            return """
            <section class="card month-officer"><h2>\(nameOf[o] ?? "")</h2>
            <div class="grid"><div><h3>\(L10n.t("leader.filed", lang)): \(mine.count)</h3><ul>\(statuses)</ul></div>
            <div><h3>\(L10n.t("lph.activity", lang))</h3><ul>\(count(FieldActivity.allCases.map(\.rawValue), { $0.activity }, prefix: "lph.activity"))</ul></div>
            <div><h3>\(L10n.t("lph.finding", lang))</h3><ul>\(count(FieldFinding.allCases.map(\.rawValue), { $0.finding }, prefix: "lph.finding"))</ul></div></div>
            <table class="responsive"><tbody>\(lines)</tbody></table></section>
            """
        }
        return Views.page(req, title: "\(L10n.t("lph.monthly", lang)) \(month)", body: """
        <h1>\(L10n.t("lph.monthly", lang)) · \(month)</h1>
        <form method="get" action="/daily-reports/summary" class="filters no-print"><div><label for="month">\(L10n.t("lph.month", lang))</label><input id="month" name="month" type="month" value="\(month)"></div>
        <button type="submit">\(L10n.t("list.filter", lang))</button></form>
        \(officers.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : sections)
        """)
    }

    struct DateForm: Content { var date: String? }

    static func create(_ req: Request) async throws -> Response {
        let form = try req.content.decode(DateForm.self)
        let p = try req.requirePrincipal()
        let date = try DailyReportsController.validDate(form.date, req)
        if let existing = try await DailyReport.query(on: req.db).filter(\.$officerID == p.userID).filter(\.$date == date).first() {
            return req.redirect(to: "/daily-reports/\(existing.id!.uuidString)")
        }
        let (r, _) = try await DailyReportsController.create(.init(date: date, entries: []), req)
        return req.redirect(to: "/daily-reports/\(r.id!.uuidString)")
    }

    static func entryRows(_ entries: [DailyReportsController.EntryDTO], photoBase: String, names: [UUID: String], regions: [String: String], lang: Language, actions: ((DailyReportsController.EntryDTO) -> HTML)? = nil) -> HTML {
        entries.html { e in
            let person: HTML = e.foreignerId.map { "<a href=\"/foreigners/\($0.uuidString)\">\(names[$0] ?? $0.uuidString)</a>" as HTML }
                ?? (e.personName.map { "\($0) · \(e.personNationality ?? "") · \(e.personPassport ?? "")" as HTML } ?? "–")
            return """
            <tr class="entry"><td>\(e.time)</td><td>\(regions[e.kelurahanCode] ?? "") <span class="muted">\(e.kelurahanCode)</span>\(e.place.map { "<br>\($0)" as HTML } ?? "")</td>
            <td>\(label("lph.activity", e.activity, lang))</td><td>\(person)</td><td><span class="badge finding-\(e.finding)">\(label("lph.finding", e.finding, lang))</span></td>
            <td>\(e.followUp)\(e.note.map { "<br><span class=\"muted\">\($0)</span>" as HTML } ?? "")\((e.photos ?? []).html { "<a href=\"\(photoBase)/\($0.uuidString)\"><img class=\"thumb\" src=\"\(photoBase)/\($0.uuidString)\" alt=\"foto\"></a>" })</td><td>\(actions?(e) ?? "")</td></tr>
            """
        }
    }

    static func show(_ req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    static func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        let d = try await DailyReportsController.dto(r, db: req.db)
        let id = r.id!.uuidString
        let all = (d.entries ?? []) + (d.versions ?? []).flatMap(\.entries)
        let fIDs = Array(Set(all.compactMap(\.foreignerId)))
        let visibleForeigners = fIDs.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ fIDs).all()
        let names = Dictionary(uniqueKeysWithValues: visibleForeigners.map { ($0.id!, $0.fullName) })
        let codes = Array(Set(all.map(\.kelurahanCode)))
        let regions = Dictionary(uniqueKeysWithValues: try await Region.query(on: req.db).filter(\.$id ~~ codes).all().map { ($0.id!, $0.name) })
        let officer = try await User.find(r.officerID, on: req.db)
        let own = r.officerID == p.userID
        let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
        let editable = own && r.isEditable
        let rows = entryRows(d.entries ?? [], photoBase: "/daily-reports/\(id)/photos", names: names, regions: regions, lang: lang, actions: editable ? { e in
            "<form method=\"post\" action=\"/daily-reports/\(id)/entries/\(e.id.uuidString)/delete\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">\(L10n.t("lph.delete", lang))</button></form>"
        } : nil)
        let head: HTML = "<tr><th>\(L10n.t("lph.time", lang))</th><th>\(L10n.t("lph.place", lang))</th><th>\(L10n.t("lph.activity", lang))</th><th>\(L10n.t("lph.person", lang))</th><th>\(L10n.t("lph.finding", lang))</th><th>\(L10n.t("lph.followUp", lang))</th><th></th></tr>"
        var actions: HTML = ""
        if editable {
            actions = """
            <section class="card no-print" id="add-entry"><h2>\(L10n.t("lph.addEntry", lang))</h2>
            <form method="post" action="/daily-reports/\(id)/entries" id="entry-form" enctype="multipart/form-data" data-report="\(id)">\(csrf)
              <input type="hidden" name="clientId" value="\(UUID().uuidString)">
              <div class="grid two">
                <div><label for="time">\(L10n.t("lph.time", lang))</label><input id="time" name="time" type="time" required></div>
                <div><label for="kelurahanCode">\(L10n.t("report.kelurahan", lang))</label><input id="kelurahanCode" name="kelurahanCode" required placeholder="35.16.05.2010"></div>
                <div><label for="placeText">\(L10n.t("lph.address", lang))</label><input id="placeText" name="place" maxlength="300">
                  <input type="hidden" id="latitude" name="latitude"><input type="hidden" id="longitude" name="longitude">
                  <button type="button" class="link-button" id="use-location" hidden>\(L10n.t("lph.useLocation", lang))</button> <span id="location-text" class="muted"></span></div>
                <div><label for="activity">\(L10n.t("lph.activity", lang))</label><select id="activity" name="activity">\(Views.options(FieldActivity.allCases.map { ($0.rawValue, label("lph.activity", $0.rawValue, lang)) }, selected: nil))</select></div>
                <div><label for="passport">\(L10n.t("lph.registryPassport", lang))</label><input id="passport" name="passport" autocapitalize="characters"></div>
                <div><label for="personName">\(L10n.t("lph.personName", lang))</label><input id="personName" name="personName" maxlength="200"></div>
                <div><label for="personNationality">\(L10n.t("lph.personNationality", lang))</label><input id="personNationality" name="personNationality" maxlength="3" autocapitalize="characters"></div>
                <div><label for="personPassport">\(L10n.t("lph.personPassport", lang))</label><input id="personPassport" name="personPassport" maxlength="20" autocapitalize="characters"></div>
                <div><label for="findingSelect">\(L10n.t("lph.finding", lang))</label><select id="findingSelect" name="finding">\(Views.options(FieldFinding.allCases.map { ($0.rawValue, label("lph.finding", $0.rawValue, lang)) }, selected: nil))</select></div>
                <div><label for="followUp">\(L10n.t("lph.followUp", lang))</label><input id="followUp" name="followUp" maxlength="500"></div>
              </div>
              <label for="note">\(L10n.t("lph.note", lang))</label><textarea id="note" name="note" rows="3" maxlength="2000" class="plain"></textarea>
              <label for="photo">\(L10n.t("lph.photo", lang))</label><input id="photo" name="photo" type="file" accept="image/jpeg,image/png" capture="environment">
              <p><button type="submit">\(L10n.t("lph.addEntry", lang))</button></p>
            </form></section>
            <form method="post" action="/daily-reports/\(id)/submit" class="no-print">\(csrf)<button type="submit" id="submit-report">\(L10n.t("lph.submit", lang))</button></form>
            """
        }
        if p.role == .supervisor && !own && r.statusValue == .submitted && p.officeID == r.officeID {
            actions = """
            \(actions)<section class="card no-print" id="decision"><h2>\(L10n.t("lph.review", lang))</h2>
            <form method="post" action="/daily-reports/\(id)/decision">\(csrf)
            <label for="comment">\(L10n.t("lph.comment", lang))</label><textarea id="comment" name="comment" rows="3" maxlength="2000" class="plain"></textarea>
            <p><button type="submit" name="decision" value="approve" id="approve-report">\(L10n.t("lph.approve", lang))</button>
            <button type="submit" name="decision" value="return" class="secondary" id="return-report">\(L10n.t("lph.return", lang))</button></p></form></section>
            """
        }
        let versions: HTML = (d.versions ?? []).reversed().html { v in
            """
            <details class="card version" id="version-\(v.version)"\(v.version == d.version ? HTML(" open") : "")><summary>\(L10n.t("lph.version", lang)) \(v.version) · \(v.submittedAt.formatted(.iso8601))\(v.outcome.map { " · " + label("lph.status", $0, lang) } ?? "")</summary>
            \(v.comment.map { "<p class=\"notice\">\($0)</p>" as HTML } ?? "")
            <table class="responsive"><thead>\(head)</thead><tbody>\(entryRows(v.entries, photoBase: "/daily-reports/\(id)/photos", names: names, regions: regions, lang: lang))</tbody></table></details>
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"report-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: "\(L10n.t("nav.dailyReports", lang)) \(r.date)", body: """
        \(pendingBox(req, lang))
        <h1>\(L10n.t("lph.title", lang)) · \(r.date)</h1>
        <dl class="facts"><dt>\(L10n.t("lph.officer", lang))</dt><dd>\(officer?.displayName)</dd>
        <dt>\(L10n.t("list.status", lang))</dt><dd><span class="badge report-\(r.status)" id="report-status" data-status="\(r.status)">\(label("lph.status", r.status, lang))</span></dd>
        <dt>\(L10n.t("lph.version", lang))</dt><dd>\(r.version)</dd></dl>
        \(r.comment.map { "<p class=\"notice\" id=\"report-comment\">\(L10n.t("lph.comment", lang)): \($0)</p>" as HTML } ?? "")
        \(alert)
        <table class="responsive" id="entries"><thead>\(head)</thead><tbody>\(rows)</tbody></table>
        \(actions)
        \(versions.raw.isEmpty ? "" : "<h2>\(L10n.t("lph.versions", lang))</h2>\(versions)" as HTML)
        <p class="no-print"><a href="/daily-reports">\(L10n.t("nav.dailyReports", lang))</a></p>
        <script src="/static/field.js"></script>
        """, status: status)
    }

    /// Entries waiting on this phone (filled in by field.js from IndexedDB).
    static func pendingBox(_ req: Request, _ lang: Language) -> HTML {
        """
        <section class="notice no-print" id="pending-box" hidden data-discard="\(L10n.t("field.discard", lang))"><input type="hidden" name="_csrf" value="\(req.csrfToken)"><p>\(L10n.t("field.pending", lang)): <strong id="pending-count">0</strong></p>
        <ul id="pending-list"></ul><p><button type="button" id="sync-now" class="secondary">\(L10n.t("field.sync", lang))</button></p></section>
        """
    }

    /// `/offline`: what the field app shows when the network is down (no personal data; cached by the service worker).
    static func offline(_ req: Request) async throws -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("field.offline", lang), body: """
        <h1>\(L10n.t("field.offline", lang))</h1>
        <p class="muted">\(L10n.t("field.offlineHint", lang))</p>
        \(pendingBox(req, lang))
        <p><a href="/daily-reports">\(L10n.t("nav.dailyReports", lang))</a></p>
        <script src="/static/field.js"></script>
        """)
    }

    /// The sync endpoint of field.js: the same as the entry form, answered in JSON (201 new, 200 already
    /// there, 409 report locked, 422 invalid), with the session cookie and the CSRF header.
    static func addEntryJSON(_ req: Request) async throws -> Response {
        func json(_ status: HTTPResponseStatus, _ body: some Content) throws -> Response {
            let res = Response(status: status)
            try res.content.encode(body)
            return res
        }
        struct Failure: Content { var error: String }
        do {
            let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
            guard r.officerID == (try req.requirePrincipal()).userID else { return try json(.forbidden, Failure(error: "not your report")) }
            try DailyReportsController.conflictIfLocked(r)
            let f = try req.content.decode(EntryForm.self)
            let (lat, lon) = try coordinates(f)
            let input = DailyReportsController.EntryInput(
                clientId: f.clientId.flatMap(UUID.init(uuidString:)), time: f.time, kelurahanCode: f.kelurahanCode, place: f.place, latitude: lat, longitude: lon, activity: f.activity,
                foreignerId: nil, personName: f.personName, personNationality: f.personNationality, personPassport: f.personPassport,
                finding: f.finding, followUp: f.followUp, note: f.note)
            var v = try await DailyReportsController.validate(input, index: nil, req)
            if let raw = f.passport?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let found = try await ScopePolicy.foreigners(req).filter(\.$passportKey == Normalize.documentID(raw)).first() else {
                    throw ValidationFailure("v.passportUnknown", field: "personPassport")
                }
                v.foreignerID = found.id
            }
            let (entry, new) = try await DailyReportsController.addEntries([v], to: r, req)[0]
            return try json(new ? .created : .ok, DailyReportsController.entryDTO(entry))
        } catch let e as ValidationFailure {
            return try json(.unprocessableEntity, Failure(error: e.message(req.language)))
        } catch let e as AppError where e.status == .conflict || e.status == .forbidden {
            return try json(e.status, Failure(error: e.message(req.language)))
        }
    }

    struct EntryForm: Content {
        var clientId: String?
        var time: String?
        var kelurahanCode: String?
        var place: String?
        var activity: String?
        var passport: String?
        var personName: String?
        var personNationality: String?
        var personPassport: String?
        var finding: String?
        var followUp: String?
        var note: String?
        var latitude: String?
        var longitude: String?
        var photo: File?
    }

    /// Browser coordinates from the form: both or neither, as numbers.
    static func coordinates(_ f: EntryForm) throws -> (Double?, Double?) {
        let lat = f.latitude.flatMap { $0.isEmpty ? nil : $0 }, lon = f.longitude.flatMap { $0.isEmpty ? nil : $0 }
        guard lat != nil || lon != nil else { return (nil, nil) }
        guard let a = lat.flatMap(Double.init), let b = lon.flatMap(Double.init) else { throw ValidationFailure("v.latLonPair", field: "latitude") }
        return (a, b)
    }

    static func addEntry(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID else { throw Abort(.forbidden) }
        let f = try req.content.decode(EntryForm.self)
        do {
            try DailyReportsController.conflictIfLocked(r)
            var foreigner: UUID?
            if let raw = f.passport?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                let key = Normalize.documentID(raw)
                guard let found = try await ScopePolicy.foreigners(req).filter(\.$passportKey == key).first() else {
                    throw ValidationFailure("v.passportUnknown", field: "personPassport")
                }
                foreigner = found.id
            }
            let (lat, lon) = try coordinates(f)
            let input = DailyReportsController.EntryInput(
                clientId: f.clientId.flatMap(UUID.init(uuidString:)), time: f.time, kelurahanCode: f.kelurahanCode, place: f.place, latitude: lat, longitude: lon, activity: f.activity,
                foreignerId: foreigner, personName: f.personName, personNationality: f.personNationality, personPassport: f.personPassport,
                finding: f.finding, followUp: f.followUp, note: f.note)
            let v = try await DailyReportsController.validate(input, index: nil, req)
            // The photo is checked before the entry is stored, so a refused photo leaves nothing behind.
            let photo = try f.photo.map { Array($0.data.readableBytesView) }.flatMap { $0.isEmpty ? nil : $0 }
                .map { try ImageSanitizer.checked($0, maxBytes: DailyReportsController.maxPhotoBytes, field: L10n.t("lph.photo", req.language)) }
            let (entry, _) = try await DailyReportsController.addEntries([v], to: r, req)[0]
            if let photo { _ = try await DailyReportsController.addPhoto(photo, report: r, entryID: entry.id!, req) }
        } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/daily-reports/\(r.id!.uuidString)")
    }

    /// A photo, to the officer who filed the report and supervisors of its office only.
    static func photo(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard let pid = req.parameters.get("photo", as: UUID.self),
              let p = try await ReportPhoto.query(on: req.db).filter(\.$id == pid).filter(\.$reportID == r.id!).first() else { throw Abort(.notFound) }
        let res = Response(status: .ok, body: .init(data: p.bytes))
        res.headers.replaceOrAdd(name: .contentType, value: p.contentType)
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return res
    }

    static func deleteEntry(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID, let entry = req.parameters.get("entry", as: UUID.self) else { throw Abort(.forbidden) }
        do { try await DailyReportsController.deleteEntry(r, entryID: entry, req) } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/daily-reports/\(r.id!.uuidString)")
    }

    static func submit(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        do { _ = try await DailyReportsController.submit(r, req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/daily-reports/\(r.id!.uuidString)")
    }

    struct DecisionForm: Content { var decision: String?; var comment: String? }

    static func decide(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        let f = try req.content.decode(DecisionForm.self)
        do { _ = try await DailyReportsController.decide(r, approve: f.decision == "approve", comment: f.comment, req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return req.redirect(to: "/daily-reports/\(r.id!.uuidString)")
    }
}
