import Deadlines
import Fluent
import Foundation
import Vapor

/// `GET /api/v1/rules?kind=…` (every signed-in user: the rules are the office's law and policy), `POST /api/v1/rules`
/// and `/admin/rules` (admin).
enum RulesController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        api.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor)).get("rules", use: listAPI)
        api.grouped(RequireRole(.admin)).post("rules", use: createAPI)
        let w = web.grouped(RequireRole(.admin))
        w.get(.adminRules, use: page)
        w.post(.adminRules, use: createForm)
    }

    struct DTO: Content {
        var id: UUID; var kind: String; var key: String; var value: Rules.FlexibleValue; var unit: String; var validFrom: String; var basis: String
        var officeCode: String?
        /// In force today (the latest version from today or before); later versions are scheduled.
        var inForce: Bool
    }

    static func items(_ req: Request, kind: RuleKind?) async throws -> [DTO] {
        let records = try await RuleRecord.query(on: req.db).all()
        let book = RuleBook(records.compactMap(\.version))
        let today = CalendarDay(req.application.today)!
        return records.filter { kind == nil || $0.kind == kind!.rawValue }
            .sorted { ($0.kind, $0.key, $0.officeCode ?? "", $0.validFrom) < ($1.kind, $1.key, $1.officeCode ?? "", $1.validFrom) }
            .map { r in
                let current = r.version.flatMap { v in book.version(v.kind, v.key, on: today, office: v.officeCode) }
                let inForce = current.map { $0.validFrom.description == r.validFrom && $0.officeCode == r.officeCode } ?? false
                return DTO(id: r.id!, kind: r.kind, key: r.key, value: .init(r.value), unit: r.unit, validFrom: r.validFrom, basis: r.basis,
                           officeCode: r.officeCode, inForce: inForce)
            }
    }

    static func kind(_ req: Request) throws -> RuleKind? {
        guard let raw = req.queryValue("kind"), !raw.isEmpty else { return nil }
        guard let k = RuleKind(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "kind", RuleKind.allCases.map(\.rawValue).joined(separator: ", ")) }
        return k
    }

    static func listAPI(_ req: Request) async throws -> ListPage<DTO> {
        try ListPage(complete: try await items(req, kind: try kind(req)), req)
    }

    static func createAPI(_ req: Request) async throws -> Response {
        let r = try await Rules.add(try req.content.decode(Rules.Input.self), req)
        let res = Response(status: .created)
        try res.content.encode(try await items(req, kind: RuleKind(rawValue: r.kind)).first { $0.id == r.id }!)
        return res
    }

    static func page(_ req: Request) async throws -> Response {
        try await RuleViews.page(req, items: try await items(req, kind: nil), state: FormState(values: ["validFrom": req.application.today]))
    }

    static func createForm(_ req: Request) async throws -> Response {
        let state = FormState(req)
        let v = state.values
        let parts = (v["rule"] ?? "").split(separator: ":", maxSplits: 1).map(String.init)
        let input = Rules.Input(kind: parts.first ?? "", key: parts.count > 1 ? parts[1] : "", value: .init(v["value"] ?? ""), unit: v["unit"],
                                validFrom: v["validFrom"], basis: v["basis"], officeCode: v["officeCode"])
        return try await Form.attempt(req, state, fields: RuleViews.fields, rename: ["kind": "rule", "key": "rule"],
                                    labels: ["kind": L10n.t("rule.name", req.language), "key": L10n.t("rule.name", req.language)], {
            _ = try await Rules.add(input, req)
            return Flash.redirect(req, to: SiteURL.adminRules, "flash.rule.created")
        }, again: { s, status in try await RuleViews.page(req, items: try await items(req, kind: nil), state: s, status: status) })
    }
}

/// `/admin/rules`: every rule with its versions (in force, scheduled, past) and the form for a new version.
enum RuleViews {
    static let fields: Set<String> = ["rule", "value", "unit", "validFrom", "basis", "officeCode"]

    static func ruleName(_ kind: String, _ key: String, _ lang: Language) -> String {
        let k = "rule.\(kind).\(key)"
        return L10n.has(k) ? L10n.t(k, lang) : "\(kind) · \(key)"
    }

    static func page(_ req: Request, items: [RulesController.DTO], state s: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let today = req.application.today
        let offices = try await Office.query(on: req.db).sort(\.$code).all()
        let sections: HTML = RuleKind.allCases.html { kind in
            let rows: HTML = items.filter { $0.kind == kind.rawValue }.html { r in
                let state = r.inForce ? L10n.t("rule.inForce", lang) : r.validFrom > today ? L10n.t("rule.scheduled", lang) : L10n.t("rule.past", lang)
                return """
                <tr\(r.inForce ? HTML(" class=\"current\"") : "")><td>\(ruleName(r.kind, r.key, lang))</td><td>\(r.value.text) \(L10n.t("rule.unit.\(r.unit)", lang))</td>
                <td>\(Views.day(r.validFrom, req))</td><td>\(r.officeCode ?? L10n.t("rule.national", lang))</td><td>\(state)</td><td>\(r.basis)</td></tr>
                """
            }
            return """
            <section class="card" id="rules-\(kind.rawValue)"><h2>\(L10n.t("rule.kind.\(kind.rawValue)", lang))</h2>
            <table class="responsive"><thead><tr><th>\(L10n.t("rule.name", lang))</th><th>\(L10n.t("rule.value", lang))</th><th>\(L10n.t("f.validFrom", lang))</th><th>\(L10n.t("users.office", lang))</th><th>\(L10n.t("users.state", lang))</th><th>\(L10n.t("rule.basis", lang))</th></tr></thead>
            <tbody>\(rows)</tbody></table></section>
            """
        }
        let ruleOptions = RuleKind.allCases.flatMap { k in k.keys.map { ("\(k.rawValue):\($0)", "\(L10n.t("rule.kind.\(k.rawValue)", lang)) — \(ruleName(k.rawValue, $0, lang))") } }
        let units = Array(Set(RuleKind.allCases.flatMap { k in k.keys.flatMap { k.units(for: $0) } })).sorted()
        return Views.page(req, title: L10n.t("nav.rules", lang), body: """
        <h1>\(L10n.t("nav.rules", lang))</h1>
        <p class="muted">\(L10n.t("rule.intro", lang))</p>
        <section class="card" id="new-rule"><h2>\(L10n.t("rule.new", lang))</h2>
        \(Form.open(req, action: SiteURL.adminRules.path, id: "rule-form", state: s))
        \(Form.field("rule", label: L10n.t("rule.name", lang), state: s, kind: .select([("", L10n.t("reg.choose", lang))] + ruleOptions), required: true))
        \(Form.field("value", label: L10n.t("rule.value", lang), state: s, required: true, hint: L10n.t("rule.valueHint", lang), attributes: "maxlength=\"60\""))
        \(Form.field("unit", label: L10n.t("rule.unit", lang), state: s, kind: .select([("", L10n.t("rule.unitDefault", lang))] + units.map { ($0, L10n.t("rule.unit.\($0)", lang)) })))
        \(Form.field("validFrom", label: L10n.t("f.validFrom", lang), state: s, kind: .date, required: true, hint: L10n.t("rule.validFromHint", lang), attributes: "min=\"\(today)\""))
        \(Form.field("basis", label: L10n.t("rule.basis", lang), state: s, required: true, hint: L10n.t("rule.basisHint", lang), attributes: "maxlength=\"300\""))
        \(Form.field("officeCode", label: L10n.t("users.office", lang), state: s, kind: .select([("", L10n.t("rule.national", lang))] + offices.map { ($0.code, "\($0.name) (\($0.code))") }),
                     hint: L10n.t("rule.officeHint", lang)))
        \(Form.submit(L10n.t("rule.save", lang)))
        </form></section>
        \(sections)
        """, status: status)
    }
}
