import Fluent
import Foundation
import Vapor

/// `/meetings`, `/meetings/{id}` (agenda, minutes, decisions, thread), thread posting for meetings and
/// operations, `/notifications`.
enum CoordinationPages {
    static func register(_ web: any RoutesBuilder) {
        let all = web.grouped(RequireRole(.officer, .supervisor, .agency))
        all.get("meetings", use: list)
        all.get("meetings", ":id", use: show)
        all.post("threads", ":kind", ":id", "messages", use: post)
        all.get("meetings", ":id", "attachments", ":file", use: download)
        web.grouped(RequireRole(.officer, .supervisor)).on(.POST, "meetings", ":id", "attachments", body: .collect(maxSize: "12mb"), use: upload)
            .userInfo["maxBody"] = 12 * 1_048_576
        let o = web.grouped(RequireRole(.officer, .supervisor))
        o.post("meetings", use: create)
        o.post("meetings", ":id", "minutes", use: minutes)
    }

    static func list(_ req: Request) async throws -> Response { try await renderList(req, error: nil) }

    static func renderList(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let meetings = try await CoordinationController.list(req)
        let rows: HTML = meetings.html { m in
            "<tr><td><a href=\"/meetings/\(m.id!.uuidString)\">\(m.title)</a></td><td>\(m.scheduledAt.prefix(16).replacingOccurrences(of: "T", with: " "))</td><td>\(m.regionCode)</td><td>\(L10n.t("meet.status.\(m.status)", lang))</td></tr>"
        }
        var form: HTML = ""
        if p.role != .agency {
            let agencies = try await Agency.query(on: req.db).filter(\.$active == true).sort(\.$name).all().filter { a in p.jurisdiction.contains { RegionCode.overlaps($0, a.regionCode) } }
            form = """
            <section class="card no-print"><h2>\(L10n.t("meet.new", lang))</h2>
            <form method="post" action="/meetings" id="meeting-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
            <label for="title">\(L10n.t("op.title", lang))</label><input id="title" name="title" required maxlength="300">
            <div class="grid two"><div><label for="scheduledAt">\(L10n.t("meet.when", lang))</label><input id="scheduledAt" name="scheduledAt" type="datetime-local" required></div>
            <div><label for="regionCode">\(L10n.t("dash.region", lang))</label><input id="regionCode" name="regionCode" required placeholder="35.16"></div>
            <div><label for="place">\(L10n.t("lph.place", lang))</label><input id="place" name="place" maxlength="300"></div></div>
            <label for="agencyIds">\(L10n.t("op.agencies", lang))</label><select id="agencyIds" name="agencyIds[]" multiple size="6">\(Views.options(agencies.map { ($0.id!.uuidString, $0.name) }, selected: nil))</select>
            <label for="agenda">\(L10n.t("meet.agenda", lang))</label><textarea id="agenda" name="agenda" rows="3" class="plain"></textarea>
            <p><button type="submit">\(L10n.t("op.create", lang))</button></p></form></section>
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\" id=\"meeting-error\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("nav.meetings", lang), body: """
        <h1>\(L10n.t("nav.meetings", lang))</h1>
        \(alert)
        \(meetings.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : "<table class=\"responsive\" id=\"meeting-list\"><tbody>\(rows)</tbody></table>" as HTML)
        \(form)
        """, status: status)
    }

    struct CreateForm: Content { var title: String?; var regionCode: String?; var scheduledAt: String?; var place: String?; var agencyIds: [UUID]?; var agenda: String? }

    static func create(_ req: Request) async throws -> Response {
        let f = try req.content.decode(CreateForm.self)
        do {
            let m = try await CoordinationController.create(.init(title: f.title, regionCode: f.regionCode, scheduledAt: f.scheduledAt, place: f.place, agencyIds: f.agencyIds, agenda: f.agenda), req)
            return req.redirect(to: "/meetings/\(m.id!.uuidString)")
        } catch let e as ValidationFailure {
            return try await renderList(req, error: e.message(req.language), status: .unprocessableEntity)
        }
    }

    /// The discussion of a meeting or operation, with a form to add to it.
    static func thread(_ kind: CoordinationController.ThreadKind, _ id: UUID, _ req: Request) async throws -> HTML {
        let lang = req.language
        let t = try await CoordinationController.threadDTO(kind, id, db: req.db)
        let items: HTML = t.messages.html { m in "<li><strong>\(m.author)</strong> <span class=\"muted\">\(m.createdAt.formatted(.iso8601))</span><br>\(m.body)</li>" }
        return """
        <section class="card thread" id="thread"><h2>\(L10n.t("meet.thread", lang))</h2>
        <ul class="messages">\(items)</ul>
        <form method="post" action="/threads/\(kind.rawValue)/\(id.uuidString)/messages" class="no-print" id="message-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
        <label for="body">\(L10n.t("meet.message", lang))</label><textarea id="body" name="body" rows="2" class="plain" required maxlength="4000"></textarea>
        <p><button type="submit" class="secondary">\(L10n.t("meet.send", lang))</button></p></form></section>
        """
    }

    static func show(_ req: Request) async throws -> Response { try await render(req, error: nil) }

    static func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let m = try await CoordinationController.meeting(req.parameters.get("id", as: UUID.self), req)
        let d = try await CoordinationController.dto(m, db: req.db)
        let names = try await Agency.query(on: req.db).filter(\.$id ~~ m.agencies).all().map(\.name).sorted()
        let attachments = try await MeetingAttachment.query(on: req.db).filter(\.$meetingID == m.id!).sort(\.$createdAt).all()
        let decisions: HTML = d.decisions.html { "<tr><td>\($0.text)</td><td>\($0.owner)</td><td>\($0.dueOn)</td></tr>" }
        var minutesForm: HTML = ""
        if p.role != .agency && m.status == "scheduled" {
            let rows: HTML = (0..<3).html { k in
                "<div class=\"grid two\"><input name=\"decisions[\(k)][text]\" placeholder=\"\(L10n.t("meet.decision", lang))\"><input name=\"decisions[\(k)][owner]\" placeholder=\"\(L10n.t("meet.owner", lang))\"><input name=\"decisions[\(k)][dueOn]\" type=\"date\"></div>"
            }
            minutesForm = """
            <section class="card no-print"><h2>\(L10n.t("meet.minutes", lang))</h2>
            <form method="post" action="/meetings/\(m.id!.uuidString)/minutes" id="minutes-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
            <textarea id="minutes" name="minutes" rows="5" class="plain" required aria-label="\(L10n.t("meet.minutes", lang))"></textarea>
            <h3>\(L10n.t("meet.decisions", lang))</h3>\(rows)
            <p><button type="submit">\(L10n.t("op.save", lang))</button></p></form></section>
            """
        }
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" } ?? ""
        return Views.page(req, title: m.title, body: """
        <h1>\(m.title)</h1>
        \(alert)
        <dl class="facts"><dt>\(L10n.t("meet.when", lang))</dt><dd>\(m.scheduledAt.prefix(16).replacingOccurrences(of: "T", with: " "))</dd><dt>\(L10n.t("dash.region", lang))</dt><dd>\(m.regionCode)</dd>
        <dt>\(L10n.t("lph.place", lang))</dt><dd>\(m.place)</dd><dt>\(L10n.t("op.agencies", lang))</dt><dd>\(names.joined(separator: ", "))</dd>
        <dt>\(L10n.t("meet.agenda", lang))</dt><dd>\(m.agenda)</dd>\(m.minutes.map { "<dt>\(L10n.t("meet.minutes", lang))</dt><dd id=\"meeting-minutes\">\($0)</dd>" as HTML } ?? "")</dl>
        \(d.decisions.isEmpty ? "" : "<h2>\(L10n.t("meet.decisions", lang))</h2><table class=\"responsive\" id=\"decisions\"><tbody>\(decisions)</tbody></table>" as HTML)
        \(minutesForm)
        <h2>\(L10n.t("meet.attachments", lang))</h2>
        <ul id="attachments">\(attachments.html { "<li><a href=\"/meetings/\(m.id!.uuidString)/attachments/\($0.id!.uuidString)\">\($0.fileName)</a> <span class=\"muted\">\($0.size / 1024) KB</span></li>" })</ul>
        \(p.role == .agency ? "" : """
        <form method="post" action="/meetings/\(m.id!.uuidString)/attachments" enctype="multipart/form-data" class="no-print" id="attachment-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
        <label for="file">\(L10n.t("meet.attach", lang))</label><input id="file" name="file" type="file" accept="application/pdf,image/jpeg,image/png" required>
        <p><button type="submit" class="secondary">\(L10n.t("meet.upload", lang))</button></p></form>
        """ as HTML)
        \(try await thread(.meeting, m.id!, req))
        """, status: status)
    }

    struct UploadForm: Content { var file: File? }

    static func upload(_ req: Request) async throws -> Response {
        let m = try await CoordinationController.meeting(req.parameters.get("id", as: UUID.self), req)
        let f = try req.content.decode(UploadForm.self)
        do {
            guard let file = f.file else { throw ValidationFailure("v.fileMissing", field: "attachment") }
            _ = try await CoordinationController.attach(m, fileName: file.filename, bytes: Array(file.data.readableBytesView), req)
        } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        }
        return req.redirect(to: "/meetings/\(m.id!.uuidString)")
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
        let f = try req.content.decode(MinutesForm.self)
        do {
            let rows = (f.decisions ?? []).filter { !($0.text ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
            _ = try await CoordinationController.recordMinutes(m, .init(minutes: f.minutes, decisions: rows.map { .init(text: $0.text, owner: $0.owner, dueOn: $0.dueOn) }), req)
        } catch let e as ValidationFailure {
            return try await render(req, error: e.message(req.language), status: .unprocessableEntity)
        }
        return req.redirect(to: "/meetings/\(m.id!.uuidString)")
    }

    struct PostForm: Content { var body: String? }

    static func post(_ req: Request) async throws -> Response {
        let f = try req.content.decode(PostForm.self)
        let kind = req.parameters.get("kind"), id = req.parameters.get("id", as: UUID.self)
        let t = try await CoordinationController.thread(kind, id, req)
        do { _ = try await CoordinationController.post(req, kind: kind, id: id, body: f.body) } catch is ValidationFailure {
            return req.redirect(to: t.link + "#thread")
        }
        return req.redirect(to: t.link + "#thread")
    }
}
