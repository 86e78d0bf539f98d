import Fluent
import Foundation
import Vapor

/// The addresses of the registry's edit pages (see `SitePath`); `SiteURL.foreigners` is their root.
enum RegistryURL: SitePath {
    case newForeigner
    case edit(URLParam)
    case editSection(URLParam, URLParam)
    case pendingChanges, approve(URLParam), reject(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .newForeigner: return SiteURL.foreigners.segments + ["new"]
        case .edit(let id): return SiteURL.foreigner(id).segments + ["edit"]
        case .editSection(let id, let section): return SiteURL.foreigner(id).segments + ["edit", .param("section", section)]
        case .pendingChanges: return SiteURL.pendingChanges.segments
        case .approve(let id): return SiteURL.pendingChanges.segments + [.param("id", id), "approve"]
        case .reject(let id): return SiteURL.pendingChanges.segments + [.param("id", id), "reject"]
        }
    }
}

/// Officers' changes to the registry, by API and web (`RegistryEdits` does the work).
enum RegistryEditsController {
    enum Section: String, CaseIterable { case identity, passport, permit, newPermit = "new-permit", address, employment }

    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.officer, .supervisor))
        a.post("foreigners", use: createAPI)
        a.patch("foreigners", ":id", use: patchAPI)
        a.post("foreigners", ":id", "passports", use: passportAPI)
        a.post("foreigners", ":id", "permits", use: newPermitAPI)
        a.patch("foreigners", ":id", "permits", ":number", use: permitAPI)
        a.post("foreigners", ":id", "addresses", use: addressAPI)
        a.patch("foreigners", ":id", "employments", ":employment", use: employmentAPI)
        a.get("pending-changes", use: pendingAPI)
        a.post("pending-changes", ":id", "approve", use: approveAPI)
        a.post("pending-changes", ":id", "reject", use: rejectAPI)

        let w = web.grouped(RequireRole(.officer, .supervisor))
        w.get(RegistryURL.newForeigner, use: newPage)
        w.post(RegistryURL.newForeigner, use: createForm)
        w.get(RegistryURL.edit(.key), use: editPage)
        w.post(RegistryURL.editSection(.key, .key), use: editForm)
        // The region picker's step (no JavaScript) after a failed address form comes back by GET to the form's own address.
        w.get(RegistryURL.editSection(.key, .key), use: editPage)
        w.get(RegistryURL.pendingChanges, use: pendingPage)
        w.post(RegistryURL.approve(.key), use: approveForm)
        w.post(RegistryURL.reject(.key), use: rejectForm)
    }

    static func foreigner(_ req: Request) async throws -> Foreigner {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return try await ScopePolicy.foreigner(id, req)
    }

    static func detail(_ f: Foreigner, _ req: Request) async throws -> ForeignerDetail {
        try await ForeignerDetail.load(f, today: req.application.today, on: req.db)
    }

    // MARK: API

    /// 201 with the record as it now reads (what the API answers after adding a record, a passport or a permit).
    static func created(_ id: UUID, _ req: Request) async throws -> Response {
        let res = Response(status: .created)
        try res.content.encode(try await detail(try await ScopePolicy.foreigner(id, req), req))
        return res
    }

    static func createAPI(_ req: Request) async throws -> Response {
        try await created(try await RegistryEdits.create(try req.content.decode(RegistryEdits.NewForeigner.self), req).requireID(), req)
    }

    struct PendingAnswer: Content { var pendingChangeId: UUID; var foreigner: ForeignerDetail }

    static func patchAPI(_ req: Request) async throws -> Response {
        let f = try await foreigner(req)
        let outcome = try await RegistryEdits.update(f, try req.content.decode(RegistryEdits.FieldInput.self), req)
        let fresh = try await ScopePolicy.foreigner(f.id!, req)
        switch outcome {
        case .pending(let id), .partlyPending(let id):
            let res = Response(status: .accepted)
            try res.content.encode(PendingAnswer(pendingChangeId: id, foreigner: try await detail(fresh, req)))
            return res
        case .applied, .unchanged:
            let res = Response(status: .ok)
            try res.content.encode(try await detail(fresh, req))
            return res
        }
    }

    static func passportAPI(_ req: Request) async throws -> Response {
        let f = try await foreigner(req)
        try await RegistryEdits.addPassport(f, try req.content.decode(RegistryEdits.PassportInput.self), req)
        return try await created(f.requireID(), req)
    }

    static func permitAPI(_ req: Request) async throws -> ForeignerDetail {
        let f = try await foreigner(req)
        try await RegistryEdits.changePermit(f, number: req.parameters.get("number") ?? "", try req.content.decode(RegistryEdits.PermitChangeInput.self), req)
        return try await detail(try await ScopePolicy.foreigner(f.id!, req), req)
    }

    static func newPermitAPI(_ req: Request) async throws -> Response {
        let f = try await foreigner(req)
        try await RegistryEdits.addPermit(f, try req.content.decode(RegistryEdits.NewPermitInput.self), req)
        return try await created(f.requireID(), req)
    }

    static func addressAPI(_ req: Request) async throws -> Response {
        let f = try await foreigner(req)
        try await RegistryEdits.addAddress(f, try req.content.decode(RegistryEdits.AddressInput.self), req)
        let res = Response(status: .created)
        // The new address may lie outside the jurisdiction: then the record has left this office's view.
        if let fresh = try await ScopePolicy.foreigners(req).filter(\.$id == f.id!).first() { try res.content.encode(try await detail(fresh, req)) }
        return res
    }

    static func employmentAPI(_ req: Request) async throws -> ForeignerDetail {
        let f = try await foreigner(req)
        guard let e = req.parameters.get("employment", as: UUID.self) else { throw Abort(.notFound) }
        try await RegistryEdits.endEmployment(f, employment: e, try req.content.decode(RegistryEdits.EmploymentEndInput.self), req)
        return try await detail(try await ScopePolicy.foreigner(f.id!, req), req)
    }

    struct PendingDTO: Content {
        struct Change: Content { var field: String; var old: String?; var new: String? }
        var id: UUID; var foreignerId: UUID; var changes: [Change]; var reason: String; var proposedBy: UUID; var proposedAt: Date
        var status: String; var decidedBy: UUID?; var decidedAt: Date?; var decisionNote: String?
        init(_ p: PendingChange) {
            id = p.id!; foreignerId = p.foreignerID; changes = p.changeList.map { Change(field: $0.field, old: $0.old, new: $0.new) }; reason = p.reason
            proposedBy = p.proposedBy; proposedAt = p.proposedAt; status = p.status; decidedBy = p.decidedBy; decidedAt = p.decidedAt; decisionNote = p.decisionNote
        }
    }

    static func pendingAPI(_ req: Request) async throws -> ListPage<PendingDTO> {
        let paging = try Paging(req)
        let (list, total) = try await RegistryEdits.pendingPage(req, paging: paging)
        return ListPage(items: list.map(PendingDTO.init), total: total, paging)
    }

    struct Decision: Content { var note: String? }

    static func approveAPI(_ req: Request) async throws -> PendingDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return PendingDTO(try await RegistryEdits.decide(id, approve: true, note: (try? req.content.decode(Decision.self))?.note, req))
    }

    static func rejectAPI(_ req: Request) async throws -> PendingDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return PendingDTO(try await RegistryEdits.decide(id, approve: false, note: (try? req.content.decode(Decision.self))?.note, req))
    }

    // MARK: Web

    static func newPage(_ req: Request) async throws -> Response {
        var state = FormState(req)
        if state.value("validFrom").isEmpty { state.values["validFrom"] = req.application.today }
        return try await RegistryEditViews.newForeigner(req, state: state)
    }

    static func createForm(_ req: Request) async throws -> Response {
        var state = FormState(req)
        let v = state.values
        func t(_ k: String) -> String? { v[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let input = RegistryEdits.NewForeigner(
            familyName: v["familyName"], givenNames: v["givenNames"], sex: t("sex"), dateOfBirth: t("dateOfBirth"), nationality: t("nationality"), placeOfBirth: t("placeOfBirth"),
            passport: .init(number: t("passportNumber"), issuingCountry: t("issuingCountry"), issuedOn: t("issuedOn"), expiresOn: t("expiresOn")),
            permit: .init(number: t("permitNumber"), type: t("permitType"), startOn: t("startOn"), endOn: t("endOn"), sponsorId: t("sponsorId").flatMap(UUID.init(uuidString:))),
            address: .init(line: t("line"), villageCode: RegionPicker.chosen(v, name: "villageCode"), validFrom: t("validFrom")),
            employment: t("position") != nil ? .init(sponsorId: t("sponsorId").flatMap(UUID.init(uuidString:)), position: t("position"), startOn: t("startOn")) : nil,
            reason: t("reason"))
        do {
            let f = try await RegistryEdits.create(input, req)
            return Flash.redirect(req, to: SiteURL.foreigner(.id(f.id!)).with(["purpose": "verification"]), "flash.reg.created")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: RegistryEditViews.newFields)
            return try await RegistryEditViews.newForeigner(req, state: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            state.fail(message: e.message(req.language))
            return try await RegistryEditViews.newForeigner(req, state: state, status: .conflict)
        }
    }

    static func editPage(_ req: Request) async throws -> Response {
        let f = try await foreigner(req)
        var states: [Section: FormState] = [:]
        // The region picker's step (no JavaScript) comes back here with the address form as typed.
        if RegionPicker.isStep(req) { states[req.parameters.get("section").flatMap(Section.init(rawValue:)) ?? .address] = FormState(req) }
        return try await edit(req, f, states: states)
    }

    static func edit(_ req: Request, _ f: Foreigner, states: [Section: FormState], status: HTTPResponseStatus = .ok) async throws -> Response {
        let d = try await detail(f, req)
        let pending = try await RegistryEdits.pending(req, foreigner: f.id!)
        return try await RegistryEditViews.edit(req, d, foreigner: f, pending: pending, states: states, status: status)
    }

    static func editForm(_ req: Request) async throws -> Response {
        let f = try await foreigner(req)
        guard let section = req.parameters.get("section").flatMap(Section.init(rawValue:)) else { throw Abort(.notFound) }
        var state = FormState(req)
        let v = state.values
        func t(_ k: String) -> String? { v[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        do {
            switch section {
            case .identity:
                let input = RegistryEdits.FieldInput(familyName: v["familyName"], givenNames: v["givenNames"], dateOfBirth: v["dateOfBirth"], nationality: v["nationality"],
                                                     passportNumber: t("passportNumber"), sex: t("sex"), placeOfBirth: v["placeOfBirth"],
                                                     spouseOfCitizen: t("spouseOfCitizen").map { $0 == "true" }, reason: t("reason"))
                switch try await RegistryEdits.update(f, input, req, unchangedFirst: true) {
                case .pending: return Flash.redirect(req, to: SiteURL.foreigner(.id(f.id!)).with(["purpose": "verification"]), "flash.reg.pending")
                case .partlyPending: return Flash.redirect(req, to: SiteURL.foreigner(.id(f.id!)).with(["purpose": "verification"]), "flash.reg.partlyPending")
                case .applied: return Flash.redirect(req, to: SiteURL.foreigner(.id(f.id!)).with(["purpose": "verification"]), "flash.reg.saved")
                case .unchanged: return Flash.redirect(req, to: SiteURL.foreigner(.id(f.id!)).with(["purpose": "verification"]), "flash.reg.unchanged")
                }
            case .passport:
                try await RegistryEdits.addPassport(f, .init(number: t("number"), issuingCountry: t("issuingCountry"), issuedOn: t("issuedOn"), expiresOn: t("expiresOn"), reason: t("reason")), req)
            case .permit:
                guard let number = t("permitNumber") else { throw ValidationFailure("v.required", field: "permitNumber") }
                try await RegistryEdits.changePermit(f, number: number, .init(endOn: t("endOn"), status: t("status"), reason: t("reason"), shorten: t("shorten") == "true"), req)
            case .newPermit:
                try await RegistryEdits.addPermit(f, .init(number: t("permitNumber"), type: t("permitType"), startOn: t("startOn"), endOn: t("endOn"),
                                                           sponsorId: t("sponsorId").flatMap(UUID.init(uuidString:)), replaces: t("replaces"), reason: t("reason")), req)
            case .address:
                try await RegistryEdits.addAddress(f, .init(line: t("line"), villageCode: RegionPicker.chosen(v, name: "villageCode"), validFrom: t("validFrom"), reason: t("reason")), req)
                if try await ScopePolicy.foreigners(req).filter(\.$id == f.id!).first() == nil {
                    return Flash.redirect(req, to: SiteURL.foreigners, "flash.reg.movedAway")
                }
            case .employment:
                guard let e = t("employmentId").flatMap(UUID.init(uuidString:)) else { throw ValidationFailure("v.required", field: "employmentId") }
                try await RegistryEdits.endEmployment(f, employment: e, .init(endOn: t("endOn"), reason: t("reason")), req)
            }
        } catch let e as ValidationFailure {
            // The extension form's date is labelled "Berakhir (baru)": its messages say so.
            state.fail(e, lang: req.language, shownFields: RegistryEditViews.fields(section), rename: ["number": section == .passport ? "number" : "permitNumber"],
                       labels: section == .permit ? ["endOn": L10n.t("reg.newEnd", req.language)] : [:])
            return try await edit(req, f, states: [section: state], status: .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            // A number already recorded is said beside the number; other conflicts at the top of the form.
            if section == .newPermit { state.errors["permitNumber"] = e.message(req.language) } else { state.fail(message: e.message(req.language)) }
            return try await edit(req, f, states: [section: state], status: .conflict)
        } catch let e as Abort where e.status == .notFound {
            state.fail(message: L10n.t("reg.notFoundChoice", req.language))
            // The permit or employment chosen is not this person's (a forged or stale form): said beside the list too.
            if let list = RegistryEditViews.choiceField(section) { state.errors[list] = L10n.t("reg.notFoundChoice", req.language) }
            return try await edit(req, f, states: [section: state], status: .unprocessableEntity)
        }
        return Flash.redirect(req, to: SiteURL.foreigner(.id(f.id!)).with(["purpose": "verification"]), "flash.reg.saved")
    }

    static func pendingPage(_ req: Request) async throws -> Response {
        let list = try await RegistryEdits.pending(req)
        let people = try await Foreigner.query(on: req.db).filter(\.$id ~~ list.map(\.foreignerID)).all()
        let users = try await User.query(on: req.db).filter(\.$id ~~ list.map(\.proposedBy)).all()
        return RegistryEditViews.pending(req, list, names: Dictionary(people.map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a }),
                                         proposers: Dictionary(users.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a }), failed: nil)
    }

    static func decideForm(_ req: Request, approve: Bool) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        let state = FormState(req)
        do {
            let pc = try await RegistryEdits.decide(id, approve: approve, note: state.values["note"], req)
            return Flash.redirect(req, to: SiteURL.foreigner(.id(pc.foreignerID)).with(["purpose": "verification"]), approve ? "flash.reg.approved" : "flash.reg.rejected")
        } catch let e as ValidationFailure {
            return try await failedDecision(req, id: id, message: e.message(req.language))
        } catch let e as AppError where e.status == .conflict || e.status == .forbidden {
            return try await failedDecision(req, id: id, message: e.message(req.language), status: e.status)
        }
    }

    static func failedDecision(_ req: Request, id: UUID, message: String, status: HTTPResponseStatus = .unprocessableEntity) async throws -> Response {
        let list = try await RegistryEdits.pending(req)
        let people = try await Foreigner.query(on: req.db).filter(\.$id ~~ list.map(\.foreignerID)).all()
        let users = try await User.query(on: req.db).filter(\.$id ~~ list.map(\.proposedBy)).all()
        return RegistryEditViews.pending(req, list, names: Dictionary(people.map { ($0.id!, $0.fullName) }, uniquingKeysWith: { a, _ in a }),
                                         proposers: Dictionary(users.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a }),
                                         failed: (id, message), status: status)
    }

    static func approveForm(_ req: Request) async throws -> Response { try await decideForm(req, approve: true) }
    static func rejectForm(_ req: Request) async throws -> Response { try await decideForm(req, approve: false) }
}
