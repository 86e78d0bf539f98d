import Deadlines
import Fluent
import Foundation
import Matching
import Vapor

/// Daily reports on the web: the officer's list and day page (entries, add, delete, submit), the
/// supervisor's office list with filters and approve/return, every submitted version kept and shown.
/// Handlers read input, call `DailyReportsController`, and return a view of `DailyReportViews`.
enum DailyReportPages {
    static func register(_ web: any RoutesBuilder) {
        let r = web.grouped(RequireRole(.officer, .supervisor))
        r.get(FieldWorkURL.dailyReports, use: list)
        r.get(FieldWorkURL.dailyReportsSummary, use: monthly)
        r.post(FieldWorkURL.dailyReports, use: create)
        r.get(FieldWorkURL.dailyReport(.key), use: show)
        r.get(FieldWorkURL.entries(.key), use: show)          // the region picker's "next" without JavaScript
        r.post(FieldWorkURL.entries(.key), body: .collect(maxSize: "12mb"), use: addEntry).userInfo["maxBody"] = 12 * 1_048_576
        r.get(FieldWorkURL.photo(.key, photo: .key), use: photo)
        r.post(FieldWorkURL.entriesJSON(.key), use: addEntryJSON)
        r.post(FieldWorkURL.entryDelete(.key, entry: .key), use: deleteEntry)
        r.get(FieldWorkURL.entryEdit(.key, entry: .key), use: editEntryForm)
        r.post(FieldWorkURL.entryEdit(.key, entry: .key), body: .collect(maxSize: "12mb"), use: updateEntry).userInfo["maxBody"] = 12 * 1_048_576
        r.post(FieldWorkURL.submit(.key), use: submit)
        web.grouped(RequireRole(.supervisor)).post(FieldWorkURL.decision(.key), use: decide)
        web.get(FieldWorkURL.offline, use: offline)
    }

    // MARK: list and month

    /// The place filter: a kecamatan or a kelurahan chosen in the picker (a province or kabupaten alone
    /// does not narrow an office's reports, so it filters nothing).
    static func placeFilter(_ values: [String: String]) -> String? {
        let code = RegionPicker.chosen(values, name: "place", depth: .village)
        return code.split(separator: ".").count >= 3 ? code : nil
    }

    static func list(_ req: Request) async throws -> Response {
        try await list(req, newReport: FormState(values: ["date": req.application.today]))
    }

    static func list(_ req: Request, newReport: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        var filterState = FormState(values: (try? req.query.decode([String: String].self)) ?? [:])
        var f = DailyReportsController.ListFilter()
        do { f = try DailyReportsController.filter(req) } catch let e as ValidationFailure {
            filterState.fail(e, lang: req.language)
        }
        f.place = placeFilter(filterState.values)
        let paging = try Paging(req)
        let (items, total) = filterState.hasErrors ? ([], 0) : try await DailyReportsController.list(f, paging: paging, req)
        let staff = try await ScopePolicy.staff(req).all()
        let counts = try await DailyReportsController.entryCounts(items.compactMap(\.id), db: req.db)
        let model = DailyReportViews.ListModel(
            items: items, counts: counts, names: Dictionary(uniqueKeysWithValues: staff.map { ($0.id!, $0.displayName) }),
            officers: ScopePolicy.maySupervise(p) ? staff.filter { $0.roleValue == .officer }.map { ($0.id!, $0.displayName) } : [],
            filter: filterState, newReport: newReport, paging: paging, total: total)
        return try await DailyReportViews.list(req, model, status: filterState.hasErrors && status == .ok ? .unprocessableEntity : status)
    }

    /// `/daily-reports/summary?month=YYYY-MM[&officer=]`: a printable month — per officer, reports by status,
    /// entries by activity and finding, and every entry of the month in date order.
    static func monthly(_ req: Request) async throws -> Response {
        let asked = req.queryValue("month") ?? String(req.application.today.prefix(7))
        // A month that is not one stays in the field with its message; the page shows the current month meanwhile.
        var filter = FormState(values: ["month": asked])
        var month = asked
        if !(asked.count == 7 && Day.isValid(asked + "-01")) {
            filter.fail(ValidationFailure("v.month", field: "month"), lang: req.language)
            month = String(req.application.today.prefix(7))
        }
        let first = month + "-01"
        let next = CalendarDay(first)!.adding(days: 32).description.prefix(7) + "-01"
        var f = try DailyReportsController.filter(req)
        f.from = first
        f.to = CalendarDay(String(next))!.adding(days: -1).description
        let (reports, _) = try await DailyReportsController.list(f, paging: Paging(page: 1, per: 10_000), req)
        let staff = try await ScopePolicy.staff(req).all()
        let entries = reports.isEmpty ? [] : try await ReportEntry.query(on: req.db).filter(\.$report.$id ~~ reports.compactMap(\.id)).all()
        let regions = try await RegionsController.describe(Array(Set(entries.map(\.villageCode))), db: req.db)
        return DailyReportViews.month(req, .init(month: month, reports: reports, entries: Dictionary(grouping: entries, by: { $0.$report.id }),
                                                 names: Dictionary(uniqueKeysWithValues: staff.map { ($0.id!, $0.displayName) }), regions: regions,
                                                 filter: filter), status: filter.hasErrors ? .unprocessableEntity : .ok)
    }

    struct DateForm: Content { var date: String? }

    static func create(_ req: Request) async throws -> Response {
        let form = try req.content.decode(DateForm.self)
        let p = try req.requirePrincipal()
        let date: String
        do { date = try DailyReportsController.validDate(form.date, req) } catch let e as ValidationFailure {
            var state = FormState(values: ["date": form.date ?? ""])
            state.fail(e, lang: req.language)
            return try await list(req, newReport: state, status: .unprocessableEntity)
        }
        if let existing = try await DailyReport.query(on: req.db).filter(\.$officerID == p.userID).filter(\.$date == date).first() {
            return req.redirect(to: FieldWorkURL.dailyReport(.id(existing.id!)).path)
        }
        let (r, _) = try await DailyReportsController.create(.init(date: date, entries: []), req)
        return Flash.redirect(req, to: FieldWorkURL.dailyReport(.id(r.id!)), "flash.daily.opened")
    }

    // MARK: one report

    /// The report's page; after the picker's "next" (posted back with `_picker`) the entry form comes back as typed.
    static func show(_ req: Request) async throws -> Response {
        let entry = RegionPicker.isStep(req) ? FormState(req) : .empty
        return try await render(req, entry: entry)
    }

    static func render(_ req: Request, entry: FormState = .empty, decision: FormState = .empty, error: String? = nil, editing: UUID? = nil,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        let d = try await DailyReportsController.dto(r, db: req.db)
        let all = (d.entries ?? []) + (d.versions ?? []).flatMap(\.entries)
        let fIDs = Array(Set(all.compactMap(\.foreignerId)))
        let visibleForeigners = fIDs.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ fIDs).all()
        let regions = try await RegionsController.describe(Array(Set(all.map(\.kelurahanCode))), db: req.db)
        let officer = try await User.find(r.officerID, on: req.db)
        let own = r.officerID == p.userID
        var entryState = entry
        if entryState.values["clientId"] == nil { entryState.values["clientId"] = UUID().uuidString }
        return try await DailyReportViews.show(req, .init(
            report: r, dto: d, officerName: officer?.displayName ?? "", foreigners: Dictionary(uniqueKeysWithValues: visibleForeigners.map { ($0.id!, $0.fullName) }),
            regions: regions, editable: own && r.isEditable,
            canDecide: ScopePolicy.maySupervise(p) && !own && r.statusValue == .submitted && p.officeID == r.officeID,
            jurisdiction: p.jurisdiction, entry: entryState, decision: decision, error: error, editing: editing), status: status)
    }

    /// `/offline`: what the field app shows when the network is down (no personal data; cached by the service worker).
    static func offline(_ req: Request) async throws -> Response {
        DailyReportViews.offline(req)
    }

    // MARK: entries

    struct EntryForm: Content {
        var clientId: String?
        var time: String?
        var kelurahanCode: String?
        var kelurahanCode_province: String?
        var kelurahanCode_regency: String?
        var kelurahanCode_district: String?
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

        /// The text fields as typed, to show the form again after an error.
        var values: [String: String] {
            let pairs: [(String, String?)] = [
                ("clientId", clientId), ("time", time), ("kelurahanCode", kelurahanCode), ("kelurahanCode_province", kelurahanCode_province),
                ("kelurahanCode_regency", kelurahanCode_regency), ("kelurahanCode_district", kelurahanCode_district), ("place", place),
                ("activity", activity), ("passport", passport), ("personName", personName), ("personNationality", personNationality),
                ("personPassport", personPassport), ("finding", finding), ("followUp", followUp), ("note", note),
                ("latitude", latitude), ("longitude", longitude)]
            return Dictionary(uniqueKeysWithValues: pairs.compactMap { k, v in v.map { (k, $0) } })
        }

        /// The village: the picker's choice (the offline app and the API may send the code alone in `kelurahanCode`).
        var village: String { RegionPicker.chosen(values, name: "kelurahanCode", depth: .village) }
    }

    /// The fields the entry form shows (a failure on another field is shown at the form's top).
    static let entryFields: Set<String> = ["time", "kelurahanCode", "place", "activity", "passport", "personName", "personNationality",
                                          "personPassport", "finding", "followUp", "note", "photo"]

    /// Browser coordinates from the form: both or neither, as numbers.
    static func coordinates(_ f: EntryForm) throws -> (Double?, Double?) {
        let lat = f.latitude.flatMap { $0.isEmpty ? nil : $0 }, lon = f.longitude.flatMap { $0.isEmpty ? nil : $0 }
        guard lat != nil || lon != nil else { return (nil, nil) }
        guard let a = lat.flatMap(Double.init), let b = lon.flatMap(Double.init) else { throw ValidationFailure("v.latLonPair", field: "latitude") }
        return (a, b)
    }

    /// A time as an officer types it on a phone — `09.30` (how the pages write times), `9:30`, `0930`, `930`, `9` — as
    /// `HH:MM`; anything else as typed, for the check to name. (The API takes `HH:MM` only, as documented.)
    static func typedTime(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let t = raw.trimmingCharacters(in: .whitespaces)
        let parts = t.split(omittingEmptySubsequences: false, whereSeparator: { ":.,- ".contains($0) })
        let digits = { (p: Substring) in p.allSatisfy { $0.isASCII && $0.isNumber } }
        var hour: Int?, minute: Int?
        if parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2, parts.allSatisfy(digits) {
            hour = Int(parts[0]); minute = Int(parts[1])
        } else if parts.count == 1, t.allSatisfy({ $0.isASCII && $0.isNumber }), (1...4).contains(t.count) {
            let n = Int(t)!
            (hour, minute) = t.count <= 2 ? (n, 0) : (n / 100, n % 100)
        }
        guard let h = hour, let m = minute, (0...23).contains(h), (0...59).contains(m) else { return raw }
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    /// One entry from the web form or the field app, checked; a registry passport links the foreigner.
    static func validEntry(_ f: EntryForm, _ req: Request) async throws -> DailyReportsController.ValidEntry {
        let (lat, lon) = try coordinates(f)
        let input = DailyReportsController.EntryInput(
            clientId: f.clientId.flatMap(UUID.init(uuidString:)), time: typedTime(f.time), kelurahanCode: f.village, place: f.place, latitude: lat, longitude: lon,
            activity: f.activity, foreignerId: nil, personName: f.personName, personNationality: f.personNationality, personPassport: f.personPassport,
            finding: f.finding, followUp: f.followUp, note: f.note)
        var v = try await DailyReportsController.validate(input, index: nil, req)
        if let raw = f.passport?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let found = try await ScopePolicy.foreigners(req).filter(\.$passportKey == Normalize.documentID(raw)).first() else {
                throw ValidationFailure("v.passportUnknown", field: "passport")
            }
            v.foreignerID = found.id
            // A registered passport is a look-up of the person, on the audit trail like the field check's.
            try await req.audit([AuditEntry(action: "foreigner.lookup", objectType: "foreigner", objectID: found.id!.uuidString,
                                            purpose: ReadPurpose.fieldCheck.rawValue, detail: "daily report entry")])
            // "Compliant" for someone the registry has past their permit contradicts the registry: the officer picks
            // another finding, or says in the note why (an extension not recorded yet).
            if v.finding == .compliant, v.note == nil, case .overstayed = found.permitState(today: req.application.today, departed: found.departed) {
                throw ValidationFailure("v.findingCompliantOverstay", field: "finding")
            }
        }
        return v
    }

    /// An entry the report already holds under another clientId, the same in every field (time, place, activity,
    /// person, finding, follow-up, note): sent twice by a second tap, not a second patrol. (Two taps that land at once
    /// may both pass; the report's review shows them.)
    static func refuseRepeated(_ v: DailyReportsController.ValidEntry, in report: DailyReport, _ req: Request) async throws {
        let same = try await ReportEntry.query(on: req.db).filter(\.$report.$id == report.id!).filter(\.$clientID != v.clientID)
            .filter(\.$time == v.time).filter(\.$villageCode == v.village).filter(\.$activity == v.activity.rawValue)
            .filter(\.$finding == v.finding.rawValue).all()
        let repeated = same.contains { e in
            e.foreignerID == v.foreignerID && e.personName == v.personName && e.personPassport == v.personPassport && e.place == v.place
                && e.note == v.note && e.followUp == v.followUp
        }
        if repeated { throw ValidationFailure("v.entryRepeated", field: "time", DailyReportViews.clock(v.time, req.language)) }
    }

    /// The sync endpoint of field.js: the same as the entry form, sent as JSON and answered in JSON (201 new,
    /// 200 already there). A refusal answers `{"error": {"code", "field", "message"}}` with the message in the
    /// page's language (422 invalid, with the entry's other mistakes in `more`; 409 report locked, 403 not the officer's, 404 no such report), so the
    /// phone shows the entry as rejected, with the reason, and the officer can correct it.
    static func addEntryJSON(_ req: Request) async throws -> Response {
        let lang = req.language
        func refuse(_ status: HTTPResponseStatus, _ code: String, _ message: String) throws -> Response {
            let res = Response(status: status)
            try res.content.encode(APIErrorBody(error: .init(code: code, message: message)))
            return res
        }
        do {
            let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
            guard r.officerID == (try req.requirePrincipal()).userID else { throw AppError.forbidden("err.dailyNotYours") }
            try DailyReportsController.conflictIfLocked(r)
            guard let f = try? req.content.decode(EntryForm.self) else {
                throw ValidationFailure("v.body", "clientId, time, kelurahanCode, activity, finding")
            }
            let v = try await validEntry(f, req)
            try await refuseRepeated(v, in: r, req)
            let (entry, new) = try await DailyReportsController.addEntries([v], to: r, req)[0]
            let res = Response(status: new ? .created : .ok)
            try res.content.encode(DailyReportsController.entryDTO(entry))
            // The report's page reloads at the saved entry (field.js says so); the confirmation stands in its row. A
            // sync from another page sets none, which would greet an unrelated page.
            if new, req.headers.first(name: "X-Sinergi-Confirm") == "1" { Flash.set(res, "flash.daily.entrySaved", [], req) }
            return res
        } catch let e as ValidationFailure {
            // Every mistake of the entry: the phone shows each beside its field.
            let res = Response(status: .unprocessableEntity)
            try res.content.encode(APIErrorBody(error: .init(e, lang)))
            return res
        } catch let e as AppError where e.status == .conflict || e.status == .forbidden {
            return try refuse(e.status, e.messageKey, e.message(lang))
        } catch let e as any AbortError where e.status == .notFound || e.status == .forbidden {
            return try refuse(e.status, "err.\(e.status.code)", L10n.t("err.\(e.status.code)", lang))
        }
    }

    static func addEntry(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID else { throw Abort(.forbidden) }
        let f = try req.content.decode(EntryForm.self)
        var state = FormState(values: f.values)
        do {
            try DailyReportsController.conflictIfLocked(r)
            let v = try await validEntry(f, req)
            try await refuseRepeated(v, in: r, req)
            // The photo is checked before the entry is stored, so a refused photo leaves nothing behind.
            let photo = try f.photo.map { Array($0.data.readableBytesView) }.flatMap { $0.isEmpty ? nil : $0 }
                .map { try ImageSanitizer.checked($0, maxBytes: DailyReportsController.maxPhotoBytes, field: "photo") }
            let (entry, _) = try await DailyReportsController.addEntries([v], to: r, req)[0]
            if let photo { _ = try await DailyReportsController.addPhoto(photo, report: r, entryID: entry.id!, req) }
            return Flash.redirect(req, to: FieldWorkURL.dailyReport(.id(r.id!)).path + "#entry-\(entry.id!.uuidString)", "flash.daily.entrySaved")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: entryFields)
            return try await render(req, entry: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
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

    /// An entry of the officer's own report that can still change, and the report it belongs to.
    static func ownEntry(_ req: Request) async throws -> (DailyReport, ReportEntry) {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID, let id = req.parameters.get("entry", as: UUID.self) else { throw Abort(.forbidden) }
        guard let e = try await ReportEntry.query(on: req.db).filter(\.$report.$id == r.id!).filter(\.$id == id).first() else { throw Abort(.notFound) }
        return (r, e)
    }

    /// `GET …/entries/{entry}/edit`: the entry form, filled with the entry as it stands (the region picker at its village).
    static func editEntryForm(_ req: Request) async throws -> Response {
        let (r, e) = try await ownEntry(req)
        guard r.isEditable else { return try await render(req, error: AppError.conflict("err.dailySubmitted").message(req.language), status: .conflict) }
        if RegionPicker.isStep(req) { return try await render(req, entry: FormState(req), editing: e.id) }
        var passport: String?
        if let fid = e.foreignerID { passport = try await ScopePolicy.foreigners(req).filter(\.$id == fid).first()?.passportNumber }
        let parts = e.villageCode.split(separator: ".").map(String.init)
        var values: [String: String] = ["clientId": e.clientID.uuidString, "time": DailyReportViews.clock(e.time, req.language), "kelurahanCode": e.villageCode, "activity": e.activity,
                                        "finding": e.finding]
        if parts.count == 4 {
            values["kelurahanCode_province"] = parts[0]; values["kelurahanCode_regency"] = parts[0...1].joined(separator: ".")
            values["kelurahanCode_district"] = parts[0...2].joined(separator: ".")
        }
        let optional: [(String, String?)] = [("place", e.place), ("passport", passport), ("personName", e.personName), ("personNationality", e.personNationality),
                                             ("personPassport", e.personPassport), ("followUp", e.followUp), ("note", e.note),
                                             ("latitude", e.latitude.map { String($0) }), ("longitude", e.longitude.map { String($0) })]
        for (k, v) in optional { if let v { values[k] = v } }
        return try await render(req, entry: FormState(values: values), editing: e.id)
    }

    /// `POST …/entries/{entry}/edit`: the entry corrected, checked as a new one is; back at its row.
    static func updateEntry(_ req: Request) async throws -> Response {
        let (r, e) = try await ownEntry(req)
        let f = try req.content.decode(EntryForm.self)
        var state = FormState(values: f.values)
        state.values["clientId"] = e.clientID.uuidString
        do {
            try DailyReportsController.conflictIfLocked(r)
            var form = f
            form.clientId = e.clientID.uuidString            // the entry's own: it is not a repeat of itself
            let v = try await validEntry(form, req)
            try await refuseRepeated(v, in: r, req)
            let photo = try f.photo.map { Array($0.data.readableBytesView) }.flatMap { $0.isEmpty ? nil : $0 }
                .map { try ImageSanitizer.checked($0, maxBytes: DailyReportsController.maxPhotoBytes, field: "photo") }
            try await DailyReportsController.updateEntry(r, entryID: e.id!, v, req)
            if let photo { _ = try await DailyReportsController.addPhoto(photo, report: r, entryID: e.id!, req) }
            return Flash.redirect(req, to: FieldWorkURL.dailyReport(.id(r.id!)).path + "#entry-\(e.id!.uuidString)", "flash.daily.entryUpdated")
        } catch let failure as ValidationFailure {
            state.fail(failure, lang: req.language, shownFields: entryFields)
            return try await render(req, entry: state, editing: e.id, status: .unprocessableEntity)
        } catch let failure as AppError where failure.status == .conflict {
            return try await render(req, error: failure.message(req.language), status: .conflict)
        }
    }

    static func deleteEntry(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        guard r.officerID == (try req.requirePrincipal()).userID, let entry = req.parameters.get("entry", as: UUID.self) else { throw Abort(.forbidden) }
        do { try await DailyReportsController.deleteEntry(r, entryID: entry, req) } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return Flash.redirect(req, to: FieldWorkURL.dailyReport(.id(r.id!)), "flash.daily.entryDeleted")
    }

    static func submit(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        do { _ = try await DailyReportsController.submit(r, req) } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return Flash.redirect(req, to: FieldWorkURL.dailyReport(.id(r.id!)), "flash.daily.submitted")
    }

    struct DecisionForm: Content { var decision: String?; var comment: String? }

    static func decide(_ req: Request) async throws -> Response {
        let r = try await DailyReportsController.visible(req.parameters.get("id", as: UUID.self), req)
        let f = try req.content.decode(DecisionForm.self)
        let approve = f.decision == "approve"
        var state = FormState(values: ["comment": f.comment ?? ""])
        do { _ = try await DailyReportsController.decide(r, approve: approve, comment: f.comment, req) } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["comment"])
            return try await render(req, decision: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            return try await render(req, error: e.message(req.language), status: .conflict)
        }
        return Flash.redirect(req, to: FieldWorkURL.dailyReport(.id(r.id!)), approve ? "flash.daily.approved" : "flash.daily.returned")
    }
}
