import Fluent
import Foundation
import Vapor

/// The addresses of the sponsors' edit pages and of the merge proposals (see `SitePath`).
enum SponsorURL: SitePath {
    case new
    case edit(URLParam)
    case merge(URLParam)
    case merges, accept(URLParam), reject(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .new: return SiteURL.sponsors.segments + ["new"]
        case .edit(let id): return SiteURL.sponsor(id).segments + ["edit"]
        case .merge(let id): return SiteURL.sponsor(id).segments + ["merge"]
        case .merges: return ["sponsor-merges"]
        case .accept(let id): return ["sponsor-merges", .param("id", id), "accept"]
        case .reject(let id): return ["sponsor-merges", .param("id", id), "reject"]
        }
    }
}

/// Officers maintain sponsors by API and web (`SponsorEdits` does the work): create, edit, merge a
/// duplicate, and decide the merges the reconciliation of company lists proposes.
enum SponsorEditsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let read = api.grouped(RequireRole(.officer, .supervisor, .sponsor))
        read.get("sponsors", use: listAPI)
        read.get("sponsors", ":id", use: detailAPI)
        let a = api.grouped(RequireRole(.officer, .supervisor))
        a.post("sponsors", use: createAPI)
        a.patch("sponsors", ":id", use: patchAPI)
        a.get("sponsors", ":id", "history", use: historyAPI)
        a.post("sponsors", ":id", "merge", use: mergeAPI)
        a.get("sponsor-merges", use: mergesAPI)
        a.post("sponsor-merges", ":id", "accept", use: acceptAPI)
        a.post("sponsor-merges", ":id", "reject", use: rejectAPI)

        let w = web.grouped(RequireRole(.officer, .supervisor))
        w.get(SponsorURL.new, use: newPage)
        w.post(SponsorURL.new, use: createForm)
        w.get(SponsorURL.edit(.key), use: editPage)
        w.post(SponsorURL.edit(.key), use: editForm)
        w.post(SponsorURL.merge(.key), use: mergeForm)
        w.get(SponsorURL.merge(.key), use: editPage)          // the duplicate's search without JavaScript (`FormPages`)
        w.get(SponsorURL.merges, use: mergesPage)
        w.post(SponsorURL.accept(.key), use: acceptForm)
        w.post(SponsorURL.reject(.key), use: rejectForm)
    }

    struct DTO: Content {
        var id: UUID; var kind: String; var name: String; var nib: String?; var npwp: String?; var sector: String?
        var address: String; var villageCode: String; var regencyCode: String; var email: String?; var phone: String?; var language: String
        var sponsorRef: String?; var foreigners: Int
        init(_ s: Sponsor, foreigners: Int) {
            id = s.id!; kind = s.kind; name = s.name; nib = s.nib; npwp = s.npwp; sector = s.sector; address = s.address; villageCode = s.villageCode
            regencyCode = s.regencyCode; email = s.email; phone = s.phone; language = s.language; sponsorRef = s.sponsorRef; self.foreigners = foreigners
        }
    }

    struct MergeDTO: Content {
        var id: UUID; var keptId: UUID; var mergedId: UUID; var source: String; var sourceId: UUID?; var evidence: String; var status: String
        var createdAt: Date; var decidedBy: UUID?; var decidedAt: Date?; var decisionNote: String?; var moved: [String: Int]?
        init(_ m: SponsorMerge) {
            id = m.id!; keptId = m.keptID; mergedId = m.mergedID; source = m.source; sourceId = m.sourceID; evidence = m.evidence; status = m.status
            createdAt = m.createdAt; decidedBy = m.decidedBy; decidedAt = m.decidedAt; decisionNote = m.decisionNote
            moved = m.moved.flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.utf8)) }
        }
    }

    static func sponsor(_ req: Request) async throws -> Sponsor {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return try await ScopePolicy.sponsor(id, req)
    }

    static func dto(_ s: Sponsor, _ req: Request) async throws -> DTO {
        DTO(s, foreigners: try await SponsorsController.workerCounts([s.id!], req)[s.id!] ?? 0)
    }

    // MARK: API

    static func listAPI(_ req: Request) async throws -> ListPage<DTO> {
        let paging = try Paging(req)
        let q = try ValidationFailure.text(req.queryValue("q"), "q", max: 100) ?? ""
        let query = try SponsorsController.search(q, req)
        let total = try await query.copy().countRows()
        let items = try await query.sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        let counts = try await SponsorsController.workerCounts(items.compactMap(\.id), req)
        try await req.audit(AuditEntry(action: "sponsor.list", objectType: "sponsor", objectID: "list", detail: "ids=\(items.compactMap { $0.id?.uuidString }.joined(separator: ","))"))
        return ListPage(items: items.map { DTO($0, foreigners: counts[$0.id!] ?? 0) }, total: total, page: paging.page, per: paging.per)
    }

    static func detailAPI(_ req: Request) async throws -> DTO {
        let s = try await sponsor(req)
        try await req.audit(AuditEntry(action: "sponsor.read", objectType: "sponsor", objectID: s.id!.uuidString, detail: "api"))
        return try await dto(s, req)
    }

    static func createAPI(_ req: Request) async throws -> Response {
        let s = try await SponsorEdits.create(try req.content.decode(SponsorEdits.Input.self), req)
        let res = Response(status: .created)
        try res.content.encode(try await dto(s, req))
        return res
    }

    static func patchAPI(_ req: Request) async throws -> Response {
        let s = try await sponsor(req)
        try await SponsorEdits.update(s, try req.content.decode(SponsorEdits.Input.self), req)
        let res = Response(status: .ok)
        // A new seat outside the jurisdiction takes the sponsor out of this office's view.
        if let fresh = try await ScopePolicy.sponsors(req).filter(\.$id == s.id!).first() { try res.content.encode(try await dto(fresh, req)) }
        return res
    }

    static func historyAPI(_ req: Request) async throws -> ListPage<RegistryFeedController.HistoryItem> {
        let s = try await sponsor(req)
        let paging = try Paging(req)
        let r = try await RegistryFeedController.historyItems(s.id!, of: .sponsor, paging: paging, db: req.db)
        return ListPage(items: r.items, total: r.total, page: paging.page, per: paging.per)
    }

    static func mergeAPI(_ req: Request) async throws -> MergeDTO {
        let s = try await sponsor(req)
        return MergeDTO(try await SponsorEdits.mergeNow(into: s, try req.content.decode(SponsorEdits.MergeInput.self), req))
    }

    static func mergesAPI(_ req: Request) async throws -> ListPage<MergeDTO> {
        let paging = try Paging(req)
        let r = try await SponsorEdits.proposals(req, status: try ProposalStatus.read(req), paging: paging)
        return ListPage(items: r.items.map(MergeDTO.init), total: r.total, page: paging.page, per: paging.per)
    }

    struct AcceptInput: Content { var keep: UUID?; var note: String? }

    static func mergeID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return id
    }

    static func acceptAPI(_ req: Request) async throws -> MergeDTO {
        let input = (try? req.content.decode(AcceptInput.self)) ?? AcceptInput()
        return MergeDTO(try await SponsorEdits.accept(try mergeID(req), keep: input.keep, note: input.note, req))
    }

    static func rejectAPI(_ req: Request) async throws -> MergeDTO {
        let input = (try? req.content.decode(SponsorEdits.Decision.self)) ?? SponsorEdits.Decision()
        return MergeDTO(try await SponsorEdits.reject(try mergeID(req), note: input.note, req))
    }

    // MARK: Web

    static func input(_ v: [String: String]) -> SponsorEdits.Input {
        SponsorEdits.Input(kind: v["kind"], name: v["name"], nib: v["nib"] ?? "", npwp: v["npwp"] ?? "", sector: v["sector"] ?? "", address: v["address"],
                           villageCode: RegionPicker.chosen(v, name: "villageCode"), email: v["email"] ?? "", phone: v["phone"] ?? "", language: v["language"],
                           reason: v["reason"])
    }

    static func newPage(_ req: Request) async throws -> Response {
        var state = FormState(req)
        if state.value("kind").isEmpty { state.values["kind"] = "company" }
        return try await SponsorEditViews.form(req, sponsor: nil, state: state)
    }

    static func createForm(_ req: Request) async throws -> Response {
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: SponsorEditViews.fields, {
            let s = try await SponsorEdits.create(input(state.values), req)
            return Flash.redirect(req, to: SiteURL.sponsor(.id(s.id!)), "flash.sponsor.created")
        }, again: { s, status in try await SponsorEditViews.form(req, sponsor: nil, state: s, status: status) })
    }

    static func editPage(_ req: Request) async throws -> Response {
        let s = try await sponsor(req)
        // A picker's step comes back here with the form that asked for it as typed.
        let step = RegionPicker.step(req)
        if step == "duplicateId" { return try await SponsorEditViews.form(req, sponsor: s, state: SponsorEditViews.values(s), merge: FormState(req)) }
        return try await SponsorEditViews.form(req, sponsor: s, state: step != nil ? FormState(req) : SponsorEditViews.values(s))
    }

    static func editForm(_ req: Request) async throws -> Response {
        let s = try await sponsor(req)
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: SponsorEditViews.fields, {
            let changed = try await SponsorEdits.update(s, input(state.values), req)
            if try await ScopePolicy.sponsors(req).filter(\.$id == s.id!).first() == nil { return Flash.redirect(req, to: SiteURL.sponsors, "flash.sponsor.movedAway") }
            return Flash.redirect(req, to: SiteURL.sponsor(.id(s.id!)), changed ? "flash.reg.saved" : "flash.reg.unchanged")
        }, again: { st, status in try await SponsorEditViews.form(req, sponsor: s, state: st, status: status) })
    }

    static func mergeForm(_ req: Request) async throws -> Response {
        let s = try await sponsor(req)
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: ["duplicateId", "reason"], {
            let input = SponsorEdits.MergeInput(duplicateId: state.values["duplicateId"].flatMap(UUID.init(uuidString:)), reason: state.values["reason"])
            _ = try await SponsorEdits.mergeNow(into: s, input, req)
            return Flash.redirect(req, to: SiteURL.sponsor(.id(s.id!)), "flash.sponsor.merged")
        }, again: { st, status in try await SponsorEditViews.form(req, sponsor: s, state: SponsorEditViews.values(s), merge: st, status: status) })
    }

    static func mergesPage(_ req: Request) async throws -> Response {
        try await merges(req, failed: nil)
    }

    static func merges(_ req: Request, failed: (UUID, FormState)?, status: HTTPResponseStatus = .ok) async throws -> Response {
        var filters = FormState(req)
        let paging = try Paging(req)
        let which: String?
        do { which = try ProposalStatus.read(req) } catch let e as ValidationFailure {
            filters.fail(e, lang: req.language, shownFields: ["status"])
            return try await SponsorEditViews.merges(req, .init(items: [], total: 0, paging: paging, sponsors: [:], counts: [:], filters: filters, failed: nil),
                                                     status: .unprocessableEntity)
        }
        let r = try await SponsorEdits.proposals(req, status: which, paging: paging)
        let ids = r.items.flatMap { [$0.keptID, $0.mergedID] }
        let sponsors = try await Sponsor.query(on: req.db).filter(\.$id ~~ ids).all()
        let counts = try await SponsorsController.workerCounts(ids, req)
        return try await SponsorEditViews.merges(req, .init(items: r.items, total: r.total, paging: paging,
                                                           sponsors: Dictionary(sponsors.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a }),
                                                           counts: counts, filters: filters, failed: failed), status: status)
    }

    static func acceptForm(_ req: Request) async throws -> Response {
        let id = try mergeID(req)
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: ["keep", "note"], {
            let m = try await SponsorEdits.accept(id, keep: state.values["keep"].flatMap(UUID.init(uuidString:)), note: state.values["note"], req)
            return Flash.redirect(req, to: SiteURL.sponsor(.id(m.keptID)), "flash.sponsor.merged")
        }, again: { st, status in try await merges(req, failed: (id, st), status: status) })
    }

    static func rejectForm(_ req: Request) async throws -> Response {
        let id = try mergeID(req)
        let state = FormState(req)
        return try await Form.attempt(req, state, fields: ["note"], {
            _ = try await SponsorEdits.reject(id, note: state.values["note"], req)
            return Flash.redirect(req, to: SponsorURL.merges, "flash.sponsor.mergeRejected")
        }, again: { st, status in try await merges(req, failed: (id, st), status: status) })
    }
}
