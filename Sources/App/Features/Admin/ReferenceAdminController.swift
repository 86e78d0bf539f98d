import Fluent
import Foundation
import Vapor

/// The admin's reference-data pages under `SiteURL.adminOffices`, `.adminAgencies` and `.adminPermitTypes`.
enum ReferenceURL: SitePath {
    case newOffice, office(URLParam), addRegency(URLParam), removeRegency(URLParam)
    case newAgency, agency(URLParam)
    case newPermitType, permitType(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .newOffice: return SiteURL.adminOffices.segments + ["new"]
        case .office(let id): return SiteURL.adminOffices.segments + [.param("id", id)]
        case .addRegency(let id): return SiteURL.adminOffices.segments + [.param("id", id), "jurisdiction"]
        case .removeRegency(let id): return SiteURL.adminOffices.segments + [.param("id", id), "jurisdiction", "remove"]
        case .newAgency: return SiteURL.adminAgencies.segments + ["new"]
        case .agency(let id): return SiteURL.adminAgencies.segments + [.param("id", id)]
        case .newPermitType: return SiteURL.adminPermitTypes.segments + ["new"]
        case .permitType(let code): return SiteURL.adminPermitTypes.segments + [.param("code", code)]
        }
    }
}

/// Offices, agencies and permit types by API (`/api/v1/admin/…`) and web (`/admin/…`); `ReferenceAdmin` does the work.
enum ReferenceAdminController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.admin))
        a.get("admin", "offices", use: officesAPI)
        a.post("admin", "offices", use: createOfficeAPI)
        a.patch("admin", "offices", ":id", use: patchOfficeAPI)
        a.get("admin", "agencies", use: agenciesAPI)
        a.post("admin", "agencies", use: createAgencyAPI)
        a.patch("admin", "agencies", ":id", use: patchAgencyAPI)
        a.get("admin", "permit-types", use: permitTypesAPI)
        a.post("admin", "permit-types", use: createPermitTypeAPI)
        a.patch("admin", "permit-types", ":code", use: patchPermitTypeAPI)

        let w = web.grouped(RequireRole(.admin))
        w.get(.adminOffices, use: officesPage)
        w.get(ReferenceURL.newOffice, use: newOfficePage)
        w.post(ReferenceURL.newOffice, use: createOfficeForm)
        w.get(ReferenceURL.office(.key), use: officePage)
        w.post(ReferenceURL.office(.key), use: editOfficeForm)
        w.get(ReferenceURL.addRegency(.key), use: officePage)       // the region picker's step (no JavaScript)
        w.post(ReferenceURL.addRegency(.key), use: addRegencyForm)
        w.post(ReferenceURL.removeRegency(.key), use: removeRegencyForm)
        w.get(.adminAgencies, use: agenciesPage)
        w.get(ReferenceURL.newAgency, use: newAgencyPage)
        w.post(ReferenceURL.newAgency, use: createAgencyForm)
        w.get(ReferenceURL.agency(.key), use: agencyPage)
        w.post(ReferenceURL.agency(.key), use: editAgencyForm)
        w.get(.adminPermitTypes, use: permitTypesPage)
        w.get(ReferenceURL.newPermitType, use: newPermitTypePage)
        w.post(ReferenceURL.newPermitType, use: createPermitTypeForm)
        w.get(ReferenceURL.permitType(.key), use: permitTypePage)
        w.post(ReferenceURL.permitType(.key), use: editPermitTypeForm)
    }

    struct OfficeDTO: Content {
        var id: UUID; var code: String; var name: String; var timeZone: String; var villageCode: String; var jurisdiction: [String]; var ordersRequired: Bool
    }
    struct AgencyDTO: Content { var id: UUID; var name: String; var type: String; var regionCode: String; var active: Bool }
    struct PermitTypeDTO: Content { var code: String; var label: String; var category: String; var maxDays: Int? }

    static func officeDTO(_ o: Office, _ db: any Database) async throws -> OfficeDTO {
        OfficeDTO(id: o.id!, code: o.code, name: o.name, timeZone: ReferenceAdmin.zoneName(o.timeZone), villageCode: o.villageCode,
                  jurisdiction: try await ReferenceAdmin.jurisdiction(of: o.id!, db), ordersRequired: o.ordersRequired ?? true)
    }
    static func agencyDTO(_ a: Agency) -> AgencyDTO { AgencyDTO(id: a.id!, name: a.name, type: a.type, regionCode: a.regionCode, active: a.active) }
    static func permitTypeDTO(_ t: PermitType) -> PermitTypeDTO { PermitTypeDTO(code: t.id!, label: t.label, category: t.category, maxDays: t.maxDays) }

    static func created<T: Content>(_ value: T) throws -> Response {
        let res = Response(status: .created)
        try res.content.encode(value)
        return res
    }

    static func office(_ req: Request) async throws -> Office {
        guard let id = req.parameters.get("id", as: UUID.self), let o = try await Office.find(id, on: req.db) else { throw Abort(.notFound) }
        return o
    }
    static func agency(_ req: Request) async throws -> Agency {
        guard let id = req.parameters.get("id", as: UUID.self), let a = try await Agency.find(id, on: req.db) else { throw Abort(.notFound) }
        return a
    }
    static func permitType(_ req: Request) async throws -> PermitType {
        guard let code = req.parameters.get("code"), let t = try await PermitType.find(code, on: req.db) else { throw Abort(.notFound) }
        return t
    }

    // MARK: API

    static func officesAPI(_ req: Request) async throws -> ListPage<OfficeDTO> {
        var items: [OfficeDTO] = []
        for o in try await Office.query(on: req.db).sort(\.$code).all() { items.append(try await officeDTO(o, req.db)) }
        return try ListPage(complete: items, req)
    }
    static func createOfficeAPI(_ req: Request) async throws -> Response {
        do {
            return try created(try await officeDTO(try await ReferenceAdmin.createOffice(try req.content.decode(ReferenceAdmin.OfficeInput.self), req), req.db))
        } catch let e as ValidationFailure where e.key == "office.codeTaken" && e.more.isEmpty {
            throw AppError.conflict("office.codeTaken", e.args.first ?? "")   // the API's contract: a taken code is a conflict
        }
    }
    static func patchOfficeAPI(_ req: Request) async throws -> OfficeDTO {
        try await officeDTO(try await ReferenceAdmin.updateOffice(try await office(req), try req.content.decode(ReferenceAdmin.OfficeInput.self), req), req.db)
    }
    static func agenciesAPI(_ req: Request) async throws -> ListPage<AgencyDTO> {
        let items = try await Agency.query(on: req.db).sort(\.$name).all().map(agencyDTO)
        return try ListPage(complete: items, req)
    }
    static func createAgencyAPI(_ req: Request) async throws -> Response {
        try created(agencyDTO(try await ReferenceAdmin.createAgency(try req.content.decode(ReferenceAdmin.AgencyInput.self), req)))
    }
    static func patchAgencyAPI(_ req: Request) async throws -> AgencyDTO {
        agencyDTO(try await ReferenceAdmin.updateAgency(try await agency(req), try req.content.decode(ReferenceAdmin.AgencyInput.self), req))
    }
    static func permitTypesAPI(_ req: Request) async throws -> ListPage<PermitTypeDTO> {
        let items = try await PermitType.query(on: req.db).sort(\.$category).sort(\.$id).all().map(permitTypeDTO)
        return try ListPage(complete: items, req)
    }
    static func createPermitTypeAPI(_ req: Request) async throws -> Response {
        try created(permitTypeDTO(try await ReferenceAdmin.createPermitType(try req.content.decode(ReferenceAdmin.PermitTypeInput.self), req)))
    }
    static func patchPermitTypeAPI(_ req: Request) async throws -> PermitTypeDTO {
        permitTypeDTO(try await ReferenceAdmin.updatePermitType(try await permitType(req), try req.content.decode(ReferenceAdmin.PermitTypeInput.self), req))
    }

    // MARK: Web

    static func t(_ v: [String: String], _ k: String) -> String? { v[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

    static func officesPage(_ req: Request) async throws -> Response {
        try await ReferenceViews.offices(req, try await officesAPI(req).items)
    }

    static func newOfficePage(_ req: Request) async throws -> Response {
        try await ReferenceViews.officeForm(req, office: nil, state: FormState(req), regencyState: .empty)
    }

    static func createOfficeForm(_ req: Request) async throws -> Response {
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ReferenceViews.officeFields, {
            let regency = RegionPicker.chosen(v, name: "regency", depth: .regency)
            let input = ReferenceAdmin.OfficeInput(code: v["code"] ?? "", name: v["name"] ?? "", timeZone: t(v, "timeZone"),
                                                   villageCode: RegionPicker.chosen(v, name: "villageCode"), jurisdiction: regency.isEmpty ? [] : [regency])
            let o = try await ReferenceAdmin.createOffice(input, req)
            return Flash.redirect(req, to: ReferenceURL.office(.id(o.id!)), "flash.office.created")
        }, again: { s, status in
            var state = s
            if let e = state.errors["jurisdiction"] { state.errors["regency"] = e }
            return try await ReferenceViews.officeForm(req, office: nil, state: state, regencyState: .empty, status: status)
        })
    }

    static func officePage(_ req: Request) async throws -> Response {
        let o = try await office(req)
        // The region picker's step comes back here with the form that asked for it as typed.
        let step = RegionPicker.step(req)
        let state = step == "villageCode" ? FormState(req) : ReferenceViews.values(o)
        return try await ReferenceViews.officeForm(req, office: o, state: state, regencyState: step == "regency" ? FormState(req) : .empty)
    }

    static func editOfficeForm(_ req: Request) async throws -> Response {
        let o = try await office(req)
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ReferenceViews.officeFields, {
            let seat = RegionPicker.chosen(v, name: "villageCode")
            _ = try await ReferenceAdmin.updateOffice(o, .init(name: v["name"] ?? "", timeZone: t(v, "timeZone") ?? o.timeZone, villageCode: seat,
                                                               ordersRequired: t(v, "ordersRequired").map { $0 == "true" }), req)
            return Flash.redirect(req, to: ReferenceURL.office(.id(o.id!)), "flash.reg.saved")
        }, again: { s, status in try await ReferenceViews.officeForm(req, office: o, state: s, regencyState: .empty, status: status) })
    }

    static func addRegencyForm(_ req: Request) async throws -> Response {
        let o = try await office(req)
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ["regency"], {
            let regency = RegionPicker.chosen(v, name: "regency", depth: .regency)
            guard regency.split(separator: ".").count == 2 else { throw ValidationFailure("v.regency", field: "regency", regency) }
            let now = try await ReferenceAdmin.jurisdiction(of: o.id!, req.db)
            do {
                _ = try await ReferenceAdmin.updateOffice(o, .init(jurisdiction: now + [regency]), req)
            } catch let e as ValidationFailure { throw ValidationFailure(e.key, field: "regency", regency) }
            return Flash.redirect(req, to: ReferenceURL.office(.id(o.id!)), "flash.office.regencyAdded")
        }, again: { s, status in try await ReferenceViews.officeForm(req, office: o, state: ReferenceViews.values(o), regencyState: s, status: status) })
    }

    static func removeRegencyForm(_ req: Request) async throws -> Response {
        let o = try await office(req)
        let regency = FormState(req).value("regency")
        let now = try await ReferenceAdmin.jurisdiction(of: o.id!, req.db)
        guard now.contains(regency) else { throw Abort(.notFound) }
        guard now.count > 1 else {
            var s = ReferenceViews.values(o)
            s.fail(message: L10n.t("office.lastRegency", req.language))
            return try await ReferenceViews.officeForm(req, office: o, state: s, regencyState: .empty, status: .conflict)
        }
        _ = try await ReferenceAdmin.updateOffice(o, .init(jurisdiction: now.filter { $0 != regency }), req)
        return Flash.redirect(req, to: ReferenceURL.office(.id(o.id!)), "flash.office.regencyRemoved")
    }

    static func agenciesPage(_ req: Request) async throws -> Response {
        try await ReferenceViews.agencies(req, try await Agency.query(on: req.db).sort(\.$name).all())
    }

    static func newAgencyPage(_ req: Request) async throws -> Response {
        var s = FormState(req)
        if s.value("active").isEmpty { s.values["active"] = "true" }
        return try await ReferenceViews.agencyForm(req, agency: nil, state: s)
    }

    static func agencyInput(_ v: [String: String]) -> ReferenceAdmin.AgencyInput {
        let region = RegionPicker.chosen(v, name: "regionCode")
        return .init(name: v["name"] ?? "", type: v["type"] ?? "", regionCode: region, active: (v["active"] ?? "true") == "true")
    }

    static func createAgencyForm(_ req: Request) async throws -> Response {
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ReferenceViews.agencyFields, labels: ["type": L10n.t("s.kind", req.language)], {
            _ = try await ReferenceAdmin.createAgency(agencyInput(v), req)
            return Flash.redirect(req, to: SiteURL.adminAgencies, "flash.agency.created")
        }, again: { s, status in try await ReferenceViews.agencyForm(req, agency: nil, state: s, status: status) })
    }

    static func agencyPage(_ req: Request) async throws -> Response {
        let a = try await agency(req)
        return try await ReferenceViews.agencyForm(req, agency: a, state: RegionPicker.isStep(req) ? FormState(req) : ReferenceViews.values(a))
    }

    static func editAgencyForm(_ req: Request) async throws -> Response {
        let a = try await agency(req)
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ReferenceViews.agencyFields, labels: ["type": L10n.t("s.kind", req.language)], {
            _ = try await ReferenceAdmin.updateAgency(a, agencyInput(v), req)
            return Flash.redirect(req, to: SiteURL.adminAgencies, "flash.reg.saved")
        }, again: { s, status in try await ReferenceViews.agencyForm(req, agency: a, state: s, status: status) })
    }

    static func permitTypesPage(_ req: Request) async throws -> Response {
        ReferenceViews.permitTypes(req, try await PermitType.query(on: req.db).sort(\.$category).sort(\.$id).all())
    }

    static func newPermitTypePage(_ req: Request) async throws -> Response {
        ReferenceViews.permitTypeForm(req, type: nil, state: FormState(values: ["category": "ITAS"]))
    }

    static func permitTypeInput(_ v: [String: String]) throws -> ReferenceAdmin.PermitTypeInput {
        var days: Int?
        if let raw = t(v, "maxDays") {
            guard let d = Int(raw) else { throw ValidationFailure("v.wholeNumberRange", field: "maxDays", "1", "3650") }
            days = d
        }
        return .init(code: v["code"] ?? "", label: v["label"] ?? "", category: v["category"] ?? "", maxDays: days)
    }

    static func createPermitTypeForm(_ req: Request) async throws -> Response {
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ReferenceViews.permitTypeFields, {
            _ = try await ReferenceAdmin.createPermitType(try permitTypeInput(v), req)
            return Flash.redirect(req, to: SiteURL.adminPermitTypes, "flash.permitType.created")
        }, again: { s, status in ReferenceViews.permitTypeForm(req, type: nil, state: s, status: status) })
    }

    static func permitTypePage(_ req: Request) async throws -> Response {
        let t = try await permitType(req)
        return ReferenceViews.permitTypeForm(req, type: t, state: FormState(values: ["code": t.id!, "label": t.label, "category": t.category, "maxDays": t.maxDays.map(String.init) ?? ""]))
    }

    static func editPermitTypeForm(_ req: Request) async throws -> Response {
        let type = try await permitType(req)
        let v = FormState(req).values
        return try await Form.attempt(req, FormState(req), fields: ReferenceViews.permitTypeFields, {
            var input = try permitTypeInput(v)
            input.code = nil
            _ = try await ReferenceAdmin.updatePermitType(type, input, req)
            return Flash.redirect(req, to: SiteURL.adminPermitTypes, "flash.reg.saved")
        }, again: { s, status in ReferenceViews.permitTypeForm(req, type: type, state: s, status: status) })
    }
}
