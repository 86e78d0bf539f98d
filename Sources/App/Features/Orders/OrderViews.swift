import Fluent
import Foundation
import Vapor

/// `/orders` (owed orders, the issue form for supervisors, the office's orders) and the printable `/orders/{id}`.
enum OrderViews {
    static let fields: Set<String> = ["purpose", "officerIds", "areaCode", "targets", "validFrom", "validTo", "covers"]

    static func officers(_ req: Request) async throws -> [User] {
        try await ScopePolicy.staff(req).filter(\.$disabled == false)
            .filter(\.$role ~~ [Role.officer.rawValue, Role.supervisor.rawValue]).sort(\.$displayName).all()
    }

    static func list(_ req: Request, state s: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let owed = try await FieldOrders.owed(req)
        let paging = try Paging(req)
        let office = try ScopePolicy.orders(req)
        let total = try await office.copy().countRows()
        let orders = try await office.sort(\.$issuedAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        func checkLink(_ o: FieldOrders.Owed) -> String {
            o.kind == "inspection" ? SiteURL.inspection(.id(o.id)).path : SiteURL.operation(.id(o.id)).path
        }
        let owedRows: HTML = owed.html { o in
            """
            <tr><td><a href="\(checkLink(o))">\(L10n.t("order.check.\(o.kind)", lang))</a></td><td>\(Views.day(o.date, req))</td><td>\(L10n.t("order.reason.\(o.reason)", lang))</td>
            <td>\(Views.day(o.dueBy, req))\(o.overdue ? HTML(" <span class=\"badge overstayed\">\(L10n.t("task.overdue", lang))</span>") : "")</td></tr>
            """
        }
        let owedSection: HTML = owed.isEmpty ? "" : """
        <section class="card" id="owed"><h2>\(L10n.t("order.owed", lang)) (\(owed.count))</h2><p class="muted">\(L10n.t("order.owedIntro", lang))</p>
        <table class="responsive"><thead><tr><th>\(L10n.t("order.check", lang))</th><th>\(L10n.t("order.date", lang))</th><th>\(L10n.t("order.reason", lang))</th><th>\(L10n.t("order.dueBy", lang))</th></tr></thead><tbody>\(owedRows)</tbody></table></section>
        """
        var form: HTML = ""
        if ScopePolicy.mayIssueOrders(p) {
            let staff = try await officers(req)
            let picker = try await RegionPicker.field(req, name: "areaCode", label: L10n.t("order.area", lang), state: s, depth: .village, within: p.jurisdiction,
                                                      hint: L10n.t("order.areaHint", lang))
            let covers = [("", L10n.t("order.coversNone", lang))] + owed.map { ("\($0.kind):\($0.id.uuidString)", "\(L10n.t("order.check.\($0.kind)", lang)) \(Views.day($0.date, req))") }
            form = """
            <section class="card" id="issue"><h2>\(L10n.t("order.issue", lang))</h2>
            \(Form.open(req, action: OrderURL.list.path, id: "order-form", state: s))
            \(Form.field("purpose", label: L10n.t("order.purpose", lang), state: s, kind: .textarea(rows: 2), required: true, attributes: "maxlength=\"1000\" class=\"plain\""))
            \(CoordinationForm.choices("officerIds", label: L10n.t("order.officers", lang), options: staff.map { ($0.id!.uuidString, $0.displayName) }, state: s, empty: L10n.t("list.empty", lang), required: true))
            \(picker)
            \(Form.field("targets", label: L10n.t("order.targets", lang), state: s, kind: .textarea(rows: 2), hint: L10n.t("order.targetsHint", lang), attributes: "maxlength=\"2000\" class=\"plain\""))
            <div class="grid two">
            \(Form.field("validFrom", label: L10n.t("f.validFrom", lang), state: s, kind: .date, required: true))
            \(Form.field("validTo", label: L10n.t("order.validTo", lang), state: s, kind: .date, required: true))
            </div>
            \(Form.field("covers", label: L10n.t("order.covers", lang), state: s, kind: .select(covers), hint: L10n.t("order.coversHint", lang)))
            \(Form.submit(L10n.t("order.issueButton", lang)))
            </form></section>
            """
        }
        let rows: HTML = orders.html { o in
            "<tr><td><a href=\"\(OrderURL.show(.id(o.id!)).path)\">\(o.number)</a></td><td>\(String(o.purpose.prefix(120)))</td><td>\(Views.day(o.validFrom, req)) – \(Views.day(o.validTo, req))</td></tr>"
        }
        let table: HTML = orders.isEmpty ? Views.emptyList(req, "list.empty", page: paging.page, per: paging.per, total: total) : """
        <table class="responsive" id="orders"><thead><tr><th>\(L10n.t("order.number", lang))</th><th>\(L10n.t("order.purpose", lang))</th><th>\(L10n.t("order.valid", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """
        return Views.page(req, title: L10n.t("nav.orders", lang), body: """
        <h1>\(L10n.t("nav.orders", lang))</h1>
        <p class="muted">\(L10n.t("order.intro", lang))</p>
        \(owedSection)
        \(form)
        <h2>\(L10n.t("order.list", lang))</h2>
        \(table)
        """, status: status)
    }

    static func show(_ req: Request, _ o: FieldOrder) async throws -> Response {
        let lang = req.language
        let office = try await Office.find(o.officeID, on: req.db)
        let ids: [UUID] = o.officers + [o.issuedBy]
        let people = try await User.query(on: req.db).filter(\.$id ~~ ids).all()
        let name = Dictionary(people.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let places = try await RegionsController.describe([o.areaCode].compactMap { $0 }, db: req.db)
        let officerRows: HTML = o.officers.enumerated().html { k, id in "<tr><td>\(k + 1)</td><td>\(name[id] ?? "—")</td></tr>" }
        return Views.page(req, title: o.number, body: """
        <article class="card order-document" id="order">
        <p class="muted">\(office?.name ?? "")</p>
        <h1>\(L10n.t("order.title", lang))<br><span class="code">\(o.number)</span></h1>
        <dl class="facts">
          <dt>\(L10n.t("order.basis", lang))</dt><dd>\(L10n.t("order.basisText", lang))</dd>
          <dt>\(L10n.t("order.purpose", lang))</dt><dd>\(o.purpose)</dd>
          <dt>\(L10n.t("order.area", lang))</dt><dd>\(o.areaCode.map { Views.place($0, in: places) } ?? "—")</dd>
          <dt>\(L10n.t("order.targets", lang))</dt><dd>\(o.targets ?? "—")</dd>
          <dt>\(L10n.t("order.valid", lang))</dt><dd>\(Views.day(o.validFrom, req)) – \(Views.day(o.validTo, req))</dd>
        </dl>
        <h2>\(L10n.t("order.officers", lang))</h2>
        <table class="responsive"><thead><tr><th>No.</th><th>\(L10n.t("s.name", lang))</th></tr></thead><tbody>\(officerRows)</tbody></table>
        <p>\(L10n.t("order.issuedBy", lang)): \(name[o.issuedBy] ?? "—") · \(Views.time(o.issuedAt, req))</p>
        </article>
        \(CoordinationForm.printButton(L10n.t("order.print", lang)))
        """)
    }
}
