import Fluent
import Foundation
import Vapor

/// The proposals' pages: the list (`/proposed-changes?source=…`) and one proposal with its accept and reject forms.
enum ProposalURL: SitePath {
    case list, show(URLParam), accept(URLParam), reject(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .list: return SiteURL.proposedChanges.segments
        case .show(let id): return SiteURL.proposedChanges.segments + [.param("id", id)]
        case .accept(let id): return SiteURL.proposedChanges.segments + [.param("id", id), "accept"]
        case .reject(let id): return SiteURL.proposedChanges.segments + [.param("id", id), "reject"]
        }
    }
}

/// `GET /api/v1/proposed-changes?source=…`, `POST …/{id}/accept`, `POST …/{id}/reject`, and the same on the web.
enum ProposedChangesController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.officer, .supervisor))
        a.get("proposed-changes", use: listAPI)
        a.post("proposed-changes", ":id", "accept", use: acceptAPI)
        a.post("proposed-changes", ":id", "reject", use: rejectAPI)
        let w = web.grouped(RequireRole(.officer, .supervisor))
        w.get(ProposalURL.list, use: listPage)
        w.get(ProposalURL.show(.key), use: showPage)
        w.post(ProposalURL.accept(.key), use: acceptForm)
        w.post(ProposalURL.reject(.key), use: rejectForm)
        // The region picker's step (no JavaScript) after a failed accept form comes back to the form's own address.
        w.get(ProposalURL.accept(.key), use: showPage)
    }

    struct DTO: Content {
        var id: UUID; var foreignerId: UUID; var source: String; var sourceId: UUID; var kind: String; var proposed: [String: String]
        var status: String; var createdAt: Date; var decidedBy: UUID?; var decidedAt: Date?; var decisionNote: String?; var result: String?
        init(_ p: ProposedChange) {
            id = p.id!; foreignerId = p.foreignerID; source = p.source; sourceId = p.sourceID; kind = p.kind; proposed = p.values; status = p.status
            createdAt = p.createdAt; decidedBy = p.decidedBy; decidedAt = p.decidedAt; decisionNote = p.decisionNote; result = p.resultRef
        }
    }

    static func filters(_ req: Request) throws -> (source: String?, status: String?) {
        let source = req.queryValue("source").flatMap { $0.isEmpty ? nil : $0 }
        if let s = source, !ProposedChanges.sources.contains(s) { throw ValidationFailure("v.oneOf", field: "source", ProposedChanges.sources.joined(separator: ", ")) }
        return (source, try ProposalStatus.read(req))
    }

    static func listAPI(_ req: Request) async throws -> ListPage<DTO> {
        let f = try filters(req)
        let paging = try Paging(req)
        let (list, total) = try await ProposedChanges.page(req, source: f.source, status: f.status, paging: paging)
        return ListPage(items: list.map(DTO.init), total: total, paging)
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return id
    }

    static func acceptAPI(_ req: Request) async throws -> DTO {
        let input = (try? req.content.decode(ProposedChanges.Decision.self)) ?? ProposedChanges.Decision()
        return DTO(try await ProposedChanges.accept(try id(req), input, req))
    }

    static func rejectAPI(_ req: Request) async throws -> DTO {
        let input = (try? req.content.decode(ProposedChanges.Decision.self)) ?? ProposedChanges.Decision()
        return DTO(try await ProposedChanges.reject(try id(req), note: input.note, req))
    }

    // MARK: Web

    static func listPage(_ req: Request) async throws -> Response {
        var state = FormState(req)
        do {
            let f = try filters(req)
            let list = try await ProposedChanges.list(req, source: f.source, status: f.status)
            let people = try await Foreigner.query(on: req.db).filter(\.$id ~~ list.map(\.foreignerID)).all()
            let places = try await RegionsController.describe(list.compactMap { $0.values["villageCode"] }, db: req.db)
            return ProposedChangeViews.list(req, list, names: Dictionary(people.map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a }), places: places, filters: state)
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["source", "status"])
            return ProposedChangeViews.list(req, [], names: [:], places: [:], filters: state, status: .unprocessableEntity)
        }
    }

    static func showPage(_ req: Request) async throws -> Response {
        let state = RegionPicker.isStep(req) ? FormState(req) : .empty
        return try await show(req, try id(req), accept: state, reject: .empty)
    }

    static func show(_ req: Request, _ id: UUID, accept: FormState, reject: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let (pc, f) = try await ProposedChanges.visible(id, req)
        let current = try await Address.query(on: req.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first()
        let jobs = try await Employment.query(on: req.db).filter(\.$foreigner.$id == f.id!).filter(\.$endOn == nil).with(\.$sponsor).all()
        let p = try req.requirePrincipal()
        let officers = pc.kind == "addressCheck" ? try await User.query(on: req.db).filter(\.$office.$id == p.officeID).filter(\.$disabled == false)
            .filter(\.$role ~~ [Role.officer.rawValue, Role.supervisor.rawValue]).sort(\.$displayName).all() : []
        let places = try await RegionsController.describe([pc.values["villageCode"], current?.villageCode].compactMap { $0 }, db: req.db)
        return try await ProposedChangeViews.show(req, .init(proposal: pc, foreigner: f, currentAddress: current, jobs: jobs, officers: officers,
                                                             accept: accept, reject: reject, places: places), status: status)
    }

    static func acceptForm(_ req: Request) async throws -> Response {
        let id = try id(req)
        var state = FormState(req)
        let v = state.values
        func t(_ k: String) -> String? { v[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let picked = RegionPicker.chosen(v, name: "villageCode")
        let input = ProposedChanges.Decision(villageCode: picked.isEmpty ? nil : picked, line: t("line"), sponsorId: t("sponsorId").flatMap(UUID.init(uuidString:)),
                                             position: t("position"), assignee: t("assignee").flatMap(UUID.init(uuidString:)), dueOn: t("dueOn"), note: t("note"))
        do {
            let pc = try await ProposedChanges.accept(id, input, req)
            return Flash.redirect(req, to: SiteURL.foreigner(.id(pc.foreignerID)).with(["purpose": "verification"]), "flash.prop.accepted")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["villageCode", "line", "sponsorId", "position", "assignee", "dueOn", "note"])
            return try await show(req, id, accept: state, reject: .empty, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await show(req, id, accept: state, reject: .empty, status: .conflict)
        }
    }

    static func rejectForm(_ req: Request) async throws -> Response {
        let id = try id(req)
        var state = FormState(req)
        do {
            _ = try await ProposedChanges.reject(id, note: state.values["note"], req)
            return Flash.redirect(req, to: ProposalURL.list, "flash.prop.rejected")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: ["note"])
            return try await show(req, id, accept: .empty, reject: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await show(req, id, accept: .empty, reject: state, status: .conflict)
        }
    }
}

enum ProposedChangeViews {
    static func describe(_ pc: ProposedChange, _ lang: Language, _ req: Request, places: [String: String]) -> HTML {
        let v = pc.values
        switch pc.kind {
        case "address": return "\(L10n.t("prop.kind.address", lang)): <strong>\(v["line"] ?? "")</strong>\(v["villageCode"].map { " · \(Views.place($0, in: places))" as HTML } ?? "") · \(L10n.t("f.validFrom", lang)) \(Views.day(v["validFrom"], req))"
        case "civilStatus": return "\(L10n.t("prop.kind.civilStatus", lang)): <strong>\(L10n.t("civil.\(v["status"] ?? "")", lang))</strong> · \(Views.day(v["eventOn"], req))"
        case "employment": return "\(L10n.t("prop.kind.employment", lang)): <strong>\(v["employer"] ?? "")</strong>\(v["position"].map { HTML(" · \($0)") } ?? "") · \(Views.day(v["startOn"], req))"
        case "permitEnd": return "\(L10n.t("prop.kind.permitEnd", lang)): \(Views.day(v["eventOn"], req))"
        case "addressCheck": return "\(L10n.t("prop.kind.addressCheck", lang))\(v["note"].map { HTML(": \($0)") } ?? "")"
        default: return HTML(stringLiteral: pc.kind)
        }
    }

    static func list(_ req: Request, _ list: [ProposedChange], names: [UUID: String], places: [String: String], filters: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let sources = [("", L10n.t("list.all", lang))] + ProposedChanges.sources.map { ($0, L10n.t("prop.source.\($0)", lang)) }
        let statuses = ProposalStatus.choices(lang)
        let rows: HTML = list.html { pc in
            """
            <tr><td><a href="\(SiteURL.foreigner(.id(pc.foreignerID)).with(["purpose": "verification"]))">\(names[pc.foreignerID] ?? "—")</a></td><td>\(L10n.t("prop.source.\(pc.source)", lang))</td>
            <td>\(describe(pc, lang, req, places: places))</td><td>\(Views.time(pc.createdAt, req))</td>
            <td>\(pc.status == "open" ? HTML("<a href=\"\(ProposalURL.show(.id(pc.id!)).path)\">\(L10n.t("prop.review", lang))</a>") : HTML(stringLiteral: L10n.t("prop.status.\(pc.status)", lang)))</td></tr>
            """
        }
        let table: HTML = list.isEmpty ? "<p class=\"card muted\">\(L10n.t("prop.none", lang))</p>" : """
        <table class="responsive" id="proposals"><thead><tr><th>\(L10n.t("nav.foreigners", lang))</th><th>\(L10n.t("h.source", lang))</th><th>\(L10n.t("prop.change", lang))</th><th>\(L10n.t("h.when", lang))</th><th>\(L10n.t("list.actions", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """
        return Views.page(req, title: L10n.t("nav.proposedChanges", lang), body: """
        <h1>\(L10n.t("nav.proposedChanges", lang))</h1>
        <p class="muted">\(L10n.t("prop.intro", lang))</p>
        <div role="search">
        \(Form.open(req, action: ProposalURL.list.path, id: "proposal-filters", method: "get", state: filters, classes: "filters"))
        \(Form.field("source", label: L10n.t("h.source", lang), state: filters, kind: .select(sources)))
        \(Form.field("status", label: L10n.t("list.status", lang), state: filters, kind: .select(statuses)))
        \(Form.submit(L10n.t("list.filter", lang)))
        </form></div>
        \(table)
        """, status: status)
    }

    struct Model {
        var proposal: ProposedChange
        var foreigner: Foreigner
        var currentAddress: Address?
        var jobs: [Employment]
        var officers: [User]
        var accept: FormState
        var reject: FormState
        var places: [String: String] = [:]
    }

    static func show(_ req: Request, _ m: Model, status: HTTPResponseStatus) async throws -> Response {
        let lang = req.language
        let pc = m.proposal, v = pc.values
        var a = m.accept
        var current: HTML = ""
        var fields: HTML = ""
        switch pc.kind {
        case "address":
            current = "\(L10n.t("prop.now", lang)): \(m.currentAddress.map { "\($0.line) · \(Views.place($0.villageCode, in: m.places))" as HTML } ?? "—")"
            if a.values.isEmpty { a.values = ["line": v["line"] ?? "", "villageCode": v["villageCode"] ?? ""] }
            fields = """
            \(Form.field("line", label: L10n.t("f.address", lang), state: a, required: true, attributes: "maxlength=\"300\""))
            \(try await RegionPicker.field(req, name: "villageCode", label: L10n.t("f.village", lang), state: a, depth: .village, required: true,
                                               hint: L10n.t(pc.source == "import" ? "prop.villageHint" : "prop.villageCheckHint", lang)))
            """
        case "civilStatus":
            current = "\(L10n.t("prop.now", lang)): \(m.foreigner.civilStatus.map { L10n.t("civil.\($0)", lang) } ?? "—")"
        case "employment":
            current = "\(L10n.t("prop.now", lang)): \(m.jobs.isEmpty ? "—" : m.jobs.map { "\($0.position) · \($0.sponsor.name)" }.joined(separator: "; "))"
            if a.values.isEmpty { a.values = ["position": v["position"] ?? ""] }
            fields = """
            \(try await SponsorPicker.field(req, name: "sponsorId", label: L10n.t("prop.newSponsor", lang), state: a, none: L10n.t("prop.sponsorNotListed", lang),
                                           from: try ScopePolicy.sponsors(req), hint: L10n.t("prop.sponsorHint", lang)))
            \(Form.field("position", label: L10n.t("f.position", lang), state: a, attributes: "maxlength=\"120\""))
            """
        case "permitEnd":
            current = "\(L10n.t("prop.now", lang)): \(L10n.t("f.end", lang)) \(Views.day(m.foreigner.permitEnd, req))"
        case "addressCheck":
            if a.values.isEmpty { a.values = ["assignee": v["officerId"] ?? "", "dueOn": Day.adding(7, to: req.application.today) ?? ""] }
            fields = """
            \(Form.field("assignee", label: L10n.t("task.assignee", lang), state: a, kind: .select(m.officers.map { ($0.id!.uuidString, $0.displayName) }), required: true))
            \(Form.field("dueOn", label: L10n.t("task.due", lang), state: a, kind: .date, required: true))
            """
        default: break
        }
        let open = pc.status == "open"
        let forms: HTML = open ? """
        <section class="card" id="accept"><h2>\(L10n.t("prop.accept", lang))</h2>
        \(Form.open(req, action: ProposalURL.accept(.id(pc.id!)).path, id: "accept-form", state: a))
        \(fields)
        \(Form.field("note", label: L10n.t("prop.note", lang), state: a, kind: .textarea(rows: 2), id: "accept-note", attributes: "maxlength=\"500\" class=\"plain\""))
        \(Form.submit(L10n.t("prop.accept", lang)))
        </form></section>
        <section class="card" id="reject"><h2>\(L10n.t("prop.reject", lang))</h2>
        \(Form.open(req, action: ProposalURL.reject(.id(pc.id!)).path, id: "reject-form", state: m.reject))
        \(Form.field("note", label: L10n.t("prop.rejectNote", lang), state: m.reject, kind: .textarea(rows: 2), required: true, id: "reject-note", attributes: "maxlength=\"500\" class=\"plain\""))
        \(Form.submit(L10n.t("prop.reject", lang), secondary: true))
        </form></section>
        """ : "<p class=\"card\">\(L10n.t("prop.status.\(pc.status)", lang))\(pc.decisionNote.map { HTML(": \($0)") } ?? "")</p>"
        return Views.page(req, title: L10n.t("prop.title", lang), body: """
        <h1>\(L10n.t("prop.title", lang))</h1>
        <p><a href="\(ProposalURL.list.path)">← \(L10n.t("nav.proposedChanges", lang))</a></p>
        <section class="card"><h2><a href="\(SiteURL.foreigner(.id(m.foreigner.id!)).with(["purpose": "verification"]))">\(m.foreigner.fullName)</a></h2>
        <p>\(L10n.t("h.source", lang)): \(L10n.t("prop.source.\(pc.source)", lang))</p>
        <p>\(describe(pc, lang, req, places: m.places))</p>
        <p class="muted">\(current)</p>
        <p class="muted">\(L10n.t("prop.neverAutomatic", lang))</p></section>
        \(forms)
        """, status: status)
    }
}
