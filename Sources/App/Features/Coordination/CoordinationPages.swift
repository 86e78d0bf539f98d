import Fluent
import Foundation
import Vapor

/// `/meetings`, `/meetings/{id}` (agenda, minutes, decisions, attachments, thread) and posting to the
/// discussion of a meeting or an operation. Handlers read the input, ask `CoordinationController` and
/// return a `CoordinationViews` page; every action ends with a confirmation, every failure shows its
/// form again as typed with the error beside its field.
enum CoordinationPages {
    static func register(_ web: any RoutesBuilder) {
        let all = web.grouped(RequireRole(.officer, .supervisor, .agency))
        all.get(CoordinationURL.meetings, use: list)
        all.get(CoordinationURL.meeting(.key), use: show)
        all.post(CoordinationURL.messages(kind: .key, .key), use: post)
        all.get(CoordinationURL.attachment(.key, file: .key), use: download)
        all.post(CoordinationURL.decisionDone(.key, .key), use: decisionDone)
        let o = web.grouped(RequireRole(.officer, .supervisor))
        o.post(CoordinationURL.attachments(.key), body: .collect(maxSize: "12mb"), use: upload).userInfo["maxBody"] = 12 * 1_048_576
        o.post(CoordinationURL.meetings, use: create)
        o.post(CoordinationURL.minutes(.key), use: minutes)
    }

    static func decisionDone(_ req: Request) async throws -> Response {
        let m = try await CoordinationController.meeting(req.parameters.get("id", as: UUID.self), req)
        do {
            try await CoordinationController.markDone(m, req)
            return Flash.redirect(req, to: CoordinationURL.meeting(.id(m.id!)), "flash.decision.done")
        } catch let e as AppError where e.status == .conflict {
            return Flash.redirect(req, to: CoordinationURL.meeting(.id(m.id!)), "reg.decided")
        }
    }

    // MARK: discussion

    static func threadModel(_ kind: CoordinationController.ThreadKind, _ id: UUID, _ req: Request, state: FormState = FormState()) async throws -> CoordinationViews.ThreadModel {
        // A failed post shows its page again without the query: the newest messages, beside the message kept.
        // A page number from an edited or old link: a wrong one shows the newest messages, one past the end the oldest.
        let newest = Paging(page: 1, per: CoordinationViews.messagesShown)
        let paging = req.method == .GET ? (try? Paging(req, defaultPer: CoordinationViews.messagesShown, maxPer: CoordinationViews.messagesShown)) ?? newest : newest
        var t = try await CoordinationController.threadDTO(kind, id, paging, db: req.db)
        if t.messages.isEmpty && t.total > 0 {
            t = try await CoordinationController.threadDTO(kind, id, Paging(page: (t.total + paging.per - 1) / paging.per, per: paging.per), db: req.db)
        }
        return .init(kind: kind, id: id, messages: t.messages, total: t.total, page: t.page, per: t.per, state: state)
    }

    static func post(_ req: Request) async throws -> Response {
        let kind = req.parameters.get("kind"), id = req.parameters.get("id", as: UUID.self)
        let t = try await CoordinationController.thread(kind, id, req)
        let values = FormState.read(req, ["body"])
        do {
            _ = try await CoordinationController.post(req, kind: kind, id: id, body: values["body"])
            return Flash.redirect(req, to: t.link + "#thread", "flash.thread.message")
        } catch let e as ValidationFailure {
            var state = FormState(values: values)
            state.fail(e, lang: req.language, shownFields: ["body"])
            switch t.0 {
            case .meeting: return try await showPage(req, id: t.1, forms: .init(message: state), status: .unprocessableEntity)
            case .operation: return try await OperationPages.showPage(req, id: t.1, forms: .init(message: state), status: .unprocessableEntity)
            }
        }
    }

    // MARK: meetings

    /// The schedule form's text inputs (the region as the region picker sends it).
    static let scheduleFields = ["title", "scheduledAt", "place", "agenda"] + RegionPicker.inputNames("regionCode", depth: .village)

    static func list(_ req: Request) async throws -> Response {
        let state = RegionPicker.isStep(req) ? FormState(values: FormState.read(req, scheduleFields, lists: ["agencyIds"])) : FormState()
        return try await listPage(req, state: state)
    }

    static func listPage(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let (meetings, pager) = try await CoordinationController.list(req)
        let places = try await RegionsController.describe(meetings.map(\.regionCode), db: req.db)
        let canSchedule = !ScopePolicy.seesCountsOnly(p)
        let agencies = canSchedule ? try await ScopePolicy.agencies(workingWith: p, db: req.db) : []
        return try await CoordinationViews.list(req, .init(meetings: meetings, places: places, canSchedule: canSchedule, agencies: agencies,
                                                           jurisdiction: p.jurisdiction, form: state, pager: pager), status: status)
    }

    static func create(_ req: Request) async throws -> Response {
        let values = FormState.read(req, scheduleFields, lists: ["agencyIds"])
        var state = FormState(values: values)
        do {
            let agencies = try CoordinationForm.ids(values, "agencyIds", failure: "v.agencies")
            let m = try await CoordinationController.create(.init(title: values["title"], regionCode: RegionPicker.chosen(values, name: "regionCode", depth: .village),
                                                                  scheduledAt: values["scheduledAt"], place: values["place"], agencyIds: agencies, agenda: values["agenda"]), req)
            return Flash.redirect(req, to: CoordinationURL.meeting(.id(m.id!)), "flash.meeting.scheduled")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["title", "scheduledAt", "regionCode", "place", "agencyIds", "agenda"])
            return try await listPage(req, state: state, status: .unprocessableEntity)
        }
    }

    static func show(_ req: Request) async throws -> Response {
        try await showPage(req, id: req.parameters.get("id", as: UUID.self), forms: .init())
    }

    /// A meeting's page; `forms` carries the input and errors of a form that failed.
    static func showPage(_ req: Request, id: UUID?, forms: CoordinationViews.Forms, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let m = try await CoordinationController.meeting(id, req)
        let d = try await CoordinationController.dto(m, db: req.db)
        let places = try await RegionsController.describe([m.regionCode], db: req.db)
        let names = try await Agency.query(on: req.db).filter(\.$id ~~ m.agencies).all().map(\.name).sorted()
        let attachments = try await MeetingAttachment.query(on: req.db).filter(\.$meetingID == m.id!).sort(\.$createdAt).all()
        let thread = try await threadModel(.meeting, m.id!, req, state: forms.message)
        return CoordinationViews.show(req, .init(meeting: m, decisions: d.decisions, places: places, agencyNames: names, attachments: attachments,
                                                 canRecord: !ScopePolicy.seesCountsOnly(p), forms: forms, thread: thread), status: status)
    }

    struct UploadForm: Content { var file: File? }

    static func upload(_ req: Request) async throws -> Response {
        let m = try await CoordinationController.meeting(req.parameters.get("id", as: UUID.self), req)
        do {
            guard let file = (try? req.content.decode(UploadForm.self))?.file else { throw ValidationFailure("v.fileMissing", field: "attachment") }
            _ = try await CoordinationController.attach(m, fileName: file.filename, bytes: Array(file.data.readableBytesView), req)
            return Flash.redirect(req, to: CoordinationURL.meeting(.id(m.id!)), "flash.meeting.attachment")
        } catch let e as ValidationFailure {
            var state = FormState()
            state.fail(e, lang: req.language, shownFields: ["file"], rename: ["attachment": "file"])
            return try await showPage(req, id: m.id, forms: .init(attachment: state), status: .unprocessableEntity)
        }
    }

    /// Attachments go to those who may see the meeting, as downloads (never rendered inline).
    static func download(_ req: Request) async throws -> Response {
        let m = try await CoordinationController.meeting(req.parameters.get("id", as: UUID.self), req)
        guard let fid = req.parameters.get("file", as: UUID.self),
              let a = try await MeetingAttachment.query(on: req.db).filter(\.$id == fid).filter(\.$meetingID == m.id!).first() else { throw Abort(.notFound) }
        let res = Response(status: .ok, body: .init(data: a.bytes))
        res.headers.replaceOrAdd(name: .contentType, value: a.contentType)
        let ascii = a.fileName.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" }.map(String.init).joined()
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(ascii.isEmpty ? "lampiran" : ascii)\"")
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return res
    }

    struct DecisionRow: Content { var text: String?; var owner: String?; var dueOn: String? }
    struct MinutesForm: Content { var minutes: String?; var decisions: [DecisionRow]? }

    static func minutes(_ req: Request) async throws -> Response {
        let m = try await CoordinationController.meeting(req.parameters.get("id", as: UUID.self), req)
        let f = try? req.content.decode(MinutesForm.self)
        let rows = f?.decisions ?? []
        // The form's own names, so that the minutes and every decision row come back as typed.
        var values: [String: String] = ["minutes": f?.minutes ?? ""]
        for (k, r) in rows.enumerated() {
            values["decisions[\(k)][text]"] = r.text ?? ""; values["decisions[\(k)][owner]"] = r.owner ?? ""; values["decisions[\(k)][dueOn]"] = r.dueOn ?? ""
        }
        var state = FormState(values: values)
        do {
            // Rows keep their positions (an empty row is skipped by the service), so an error names the row the user sees.
            _ = try await CoordinationController.recordMinutes(m, .init(minutes: f?.minutes, decisions: rows.map { .init(text: $0.text, owner: $0.owner, dueOn: $0.dueOn) }), req)
            return Flash.redirect(req, to: CoordinationURL.meeting(.id(m.id!)), "flash.meeting.minutes")
        } catch let e as ValidationFailure {
            // `decisions[2].owner` (the service's name) is the input `decisions[2][owner]`.
            var shown: Set<String> = ["minutes"]
            var renamed = e
            if let field = e.field, field.contains("].") {
                renamed.field = field.replacingOccurrences(of: "].", with: "][") + "]"
                shown.insert(renamed.field!)
            }
            let message = e.message(req.language)
            if let input = renamed.field, shown.contains(input) { state.errors[input] = message } else { state.summary = message }
            return try await showPage(req, id: m.id, forms: .init(minutes: state), status: .unprocessableEntity)
        }
    }
}
