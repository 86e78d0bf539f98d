import Fluent
import Foundation
import Vapor

/// The admin's pages of offices, agencies and permit types.
enum ReferenceViews {
    static let officeFields: Set<String> = ["code", "name", "timeZone", "villageCode", "regency", "jurisdiction", "ordersRequired"]
    static let agencyFields: Set<String> = ["name", "type", "regionCode", "active"]
    static let permitTypeFields: Set<String> = ["code", "label", "category", "maxDays"]

    static func values(_ o: Office) -> FormState {
        FormState(values: ["code": o.code, "name": o.name, "timeZone": ReferenceAdmin.zoneName(o.timeZone), "villageCode": o.villageCode,
                           "ordersRequired": (o.ordersRequired ?? true) ? "true" : "false"])
    }

    static func values(_ a: Agency) -> FormState {
        FormState(values: ["name": a.name, "type": a.type, "regionCode": a.regionCode, "active": a.active ? "true" : "false"])
    }

    static func names(_ codes: [String], _ db: any Database) async throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        return Dictionary(try await Region.query(on: db).filter(\.$id ~~ codes).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    static func offices(_ req: Request, _ items: [ReferenceAdminController.OfficeDTO]) async throws -> Response {
        let lang = req.language
        let regionNames = try await names(items.flatMap(\.jurisdiction), req.db)
        let rows: HTML = items.html { o in
            "<tr><td><a href=\"\(ReferenceURL.office(.id(o.id)).path)\">\(o.code)</a></td><td>\(o.name)</td><td>\(o.timeZone)</td><td>\(HTML.join(o.jurisdiction.map { Views.place($0, in: regionNames) }, separator: ", "))</td></tr>"
        }
        return Views.page(req, title: L10n.t("nav.offices", lang), body: """
        <h1>\(L10n.t("nav.offices", lang))</h1>
        <p class="actions"><a class="button" id="new-office-link" href="\(ReferenceURL.newOffice.path)">\(L10n.t("office.new", lang))</a></p>
        <table class="responsive" id="office-list"><thead><tr><th>\(L10n.t("office.code", lang))</th><th>\(L10n.t("s.name", lang))</th><th>\(L10n.t("office.zone", lang))</th><th>\(L10n.t("office.jurisdiction", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
    }

    static func zoneOptions(_ lang: Language, empty: Bool) -> [(value: String, label: String)] {
        (empty ? [("", L10n.t("office.zoneFromSeat", lang))] : []) + ReferenceAdmin.zones.map { ($0.abbreviation, L10n.t("office.zone.\($0.abbreviation)", lang)) }
    }

    static func officeForm(_ req: Request, office: Office?, state s: FormState, regencyState r: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let seat = try await RegionPicker.field(req, name: "villageCode", label: L10n.t("office.seat", lang), state: s, depth: .village, required: true, hint: L10n.t("office.seatHint", lang))
        guard let office else {
            let first = try await RegionPicker.field(req, name: "regency", label: L10n.t("office.firstRegency", lang), state: s, depth: .regency, required: true,
                                                     hint: L10n.t("office.regencyHint", lang))
            return Views.page(req, title: L10n.t("office.new", lang), body: """
            <h1>\(L10n.t("office.new", lang))</h1>
            \(Form.open(req, action: ReferenceURL.newOffice.path, id: "office-form", state: s))
            \(Form.field("code", label: L10n.t("office.code", lang), state: s, required: true, hint: L10n.t("office.codeHint", lang), attributes: "maxlength=\"10\" autocapitalize=\"characters\""))
            \(Form.field("name", label: L10n.t("s.name", lang), state: s, required: true, attributes: "maxlength=\"200\""))
            \(seat)
            \(Form.field("timeZone", label: L10n.t("office.zone", lang), state: s, kind: .select(zoneOptions(lang, empty: true))))
            \(first)
            \(Form.submit(L10n.t("office.create", lang)))
            </form>
            """, status: status)
        }
        let id = URLParam.id(office.id!)
        let jurisdiction = try await ReferenceAdmin.jurisdiction(of: office.id!, req.db)
        let regionNames = try await names(jurisdiction, req.db)
        let held = try await OfficeJurisdiction.query(on: req.db).filter(\.$office.$id != office.id!).all().map(\.regencyCode)
        let add = try await RegionPicker.field(req, name: "regency", label: L10n.t("office.addRegency", lang), state: r, depth: .regency, required: true,
                                               hint: L10n.t("office.regencyHint", lang))
        let list: HTML = jurisdiction.html { code in
            """
            <li>\(Views.place(code, in: regionNames))
            \(Form.open(req, action: ReferenceURL.removeRegency(id).path, id: "remove-\(code)", classes: "inline"))<input type="hidden" name="regency" value="\(code)">\(Form.submit(L10n.t("office.removeRegency", lang), id: "remove-submit-\(code)", secondary: true))</form></li>
            """
        }
        return Views.page(req, title: office.name, body: """
        <h1>\(office.name) <span class="code">\(office.code)</span></h1>
        \(Form.open(req, action: ReferenceURL.office(id).path, id: "office-form", state: s))
        \(Form.field("name", label: L10n.t("s.name", lang), state: s, required: true, attributes: "maxlength=\"200\""))
        \(seat)
        \(Form.field("timeZone", label: L10n.t("office.zone", lang), state: s, kind: .select(zoneOptions(lang, empty: false)), required: true))
        \(Form.field("ordersRequired", label: L10n.t("office.ordersRequired", lang), state: s, kind: .select([("true", L10n.t("reg.yes", lang)), ("false", L10n.t("reg.no", lang))]),
                     hint: L10n.t("office.ordersRequiredHint", lang)))
        \(Form.submit(L10n.t("sponsor.save", lang)))
        </form>
        <section class="card" id="jurisdiction"><h2>\(L10n.t("office.jurisdiction", lang))</h2>
        <ul class="plain">\(list)</ul>
        \(Form.open(req, action: ReferenceURL.addRegency(id).path, id: "add-regency-form", state: r))
        \(add)
        \(held.isEmpty ? "" : HTML("<p class=\"hint\">\(L10n.t("office.heldHint", lang))</p>"))
        \(Form.submit(L10n.t("office.addRegencyButton", lang), id: "add-regency-submit"))
        </form></section>
        """, status: status)
    }

    static func typeName(_ raw: String) -> String { AgencyType(rawValue: raw)?.label ?? raw }

    static func agencies(_ req: Request, _ items: [Agency]) async throws -> Response {
        let lang = req.language
        let regionNames = try await names(items.map(\.regionCode), req.db)
        let rows: HTML = items.html { a in
            "<tr><td><a href=\"\(ReferenceURL.agency(.id(a.id!)).path)\">\(a.name)</a></td><td>\(typeName(a.type))</td><td>\(Views.place(a.regionCode, in: regionNames))</td><td>\(L10n.t(a.active ? "users.active" : "agency.inactive", lang))</td></tr>"
        }
        return Views.page(req, title: L10n.t("nav.agencies", lang), body: """
        <h1>\(L10n.t("nav.agencies", lang))</h1>
        <p class="actions"><a class="button" id="new-agency-link" href="\(ReferenceURL.newAgency.path)">\(L10n.t("agency.new", lang))</a></p>
        <table class="responsive" id="agency-list"><thead><tr><th>\(L10n.t("s.name", lang))</th><th>\(L10n.t("s.kind", lang))</th><th>\(L10n.t("agency.region", lang))</th><th>\(L10n.t("users.state", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
    }

    static func agencyForm(_ req: Request, agency: Agency?, state s: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let title = agency?.name ?? L10n.t("agency.new", lang)
        let action = agency.map { ReferenceURL.agency(.id($0.id!)).path } ?? ReferenceURL.newAgency.path
        let region = try await RegionPicker.field(req, name: "regionCode", label: L10n.t("agency.region", lang), state: s, depth: .village, required: true,
                                                  hint: L10n.t("agency.regionHint", lang))
        return Views.page(req, title: title, body: """
        <h1>\(title)</h1>
        \(Form.open(req, action: action, id: "agency-form", state: s))
        \(Form.field("name", label: L10n.t("s.name", lang), state: s, required: true, attributes: "maxlength=\"200\""))
        \(Form.field("type", label: L10n.t("s.kind", lang), state: s, kind: .select([("", L10n.t("reg.choose", lang))] + AgencyType.allCases.map { ($0.rawValue, $0.label) }), required: true))
        \(region)
        \(Form.field("active", label: L10n.t("users.state", lang), state: s, kind: .select([("true", L10n.t("users.active", lang)), ("false", L10n.t("agency.inactive", lang))])))
        \(Form.submit(L10n.t(agency == nil ? "agency.create" : "sponsor.save", lang)))
        </form>
        """, status: status)
    }

    static func permitTypes(_ req: Request, _ items: [PermitType]) -> Response {
        let lang = req.language
        let rows: HTML = items.html { t in
            "<tr><td><a href=\"\(ReferenceURL.permitType(.value(t.id!)).path)\">\(t.id!)</a></td><td>\(t.label)</td><td>\(RegistryText.category(t.category, lang))</td><td>\(t.maxDays.map(String.init) ?? "—")</td></tr>"
        }
        return Views.page(req, title: L10n.t("nav.permitTypes", lang), body: """
        <h1>\(L10n.t("nav.permitTypes", lang))</h1>
        <p class="actions"><a class="button" id="new-permit-type-link" href="\(ReferenceURL.newPermitType.path)">\(L10n.t("permitType.new", lang))</a></p>
        <table class="responsive" id="permit-type-list"><thead><tr><th>\(L10n.t("office.code", lang))</th><th>\(L10n.t("permitType.label", lang))</th><th>\(L10n.t("list.category", lang))</th><th>\(L10n.t("permitType.maxDays", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
    }

    static func permitTypeForm(_ req: Request, type: PermitType?, state s: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let title = type.map { "\(L10n.t("nav.permitTypes", lang)): \($0.id!)" } ?? L10n.t("permitType.new", lang)
        let action = type.map { ReferenceURL.permitType(.value($0.id!)).path } ?? ReferenceURL.newPermitType.path
        let code: HTML = type == nil
            ? Form.field("code", label: L10n.t("office.code", lang), state: s, required: true, hint: L10n.t("permitType.codeHint", lang), attributes: "maxlength=\"10\" autocapitalize=\"characters\"")
            : "<p>\(L10n.t("office.code", lang)): <span class=\"code\">\(type!.id!)</span></p>"
        return Views.page(req, title: title, body: """
        <h1>\(title)</h1>
        \(Form.open(req, action: action, id: "permit-type-form", state: s))
        \(code)
        \(Form.field("label", label: L10n.t("permitType.label", lang), state: s, required: true, attributes: "maxlength=\"200\""))
        \(Form.field("category", label: L10n.t("list.category", lang), state: s, kind: .select(ReferenceAdmin.categories.map { ($0, RegistryText.category($0, lang)) }), required: true,
                     hint: L10n.t("permitType.categoryHint", lang)))
        \(Form.field("maxDays", label: L10n.t("permitType.maxDays", lang), state: s, kind: .number, attributes: "min=\"1\" max=\"3650\" inputmode=\"numeric\""))
        \(Form.submit(L10n.t(type == nil ? "permitType.create" : "sponsor.save", lang)))
        </form>
        """, status: status)
    }
}
