import Foundation
import Vapor

/// `/portal/tka` (the company's own documents, with its three forms) and `/sponsors/:id/tka` (officers, read only).
enum ForeignWorkerViews {
    /// The portal's forms; each keeps its own input and errors after a failure.
    enum FormID: String, CaseIterable { case rptka = "rptka-form", assign = "assign-form", payment = "payment-form" }

    struct Model {
        var sponsor: Sponsor
        var overview: ForeignWorkerService.Overview
        var editable: Bool
        var forms: [FormID: FormState] = [:]
    }

    static func page(_ req: Request, _ m: Model, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let o = m.overview
        let names = Dictionary(o.workers.map { ($0.foreignerId, $0.fullName) }, uniquingKeysWith: { a, _ in a })
        let positionRows: HTML = o.positions.html { p in
            "<tr\(p.assigned > p.quota ? HTML(" class=\"flag\"") : "")><td>\(p.rptkaNumber)</td><td>\(p.title)</td><td>\(p.quota)</td><td>\(p.assigned)</td><td>\(L10n.t(p.current ? "tka.current" : "tka.expired", lang))</td></tr>"
        }
        let workerRows: HTML = o.workers.html { w in
            let unpaid = w.unpaidMonths.isEmpty ? L10n.t("tka.paid", lang) : w.unpaidMonths.map { LocalTime.formatMonth($0, lang: lang) }.joined(separator: ", ")
            return "<tr><td>\(w.fullName)</td><td>\(Views.day(w.employedSince, req))</td><td>\(w.positionTitle ?? "—")</td><td>\(w.understudyName ?? "—")\(w.understudyPosition.map { " · \($0)" } ?? "")</td><td>\(unpaid)</td></tr>"
        }
        var problems: [String] = []
        for id in o.withoutPosition { problems.append(L10n.f("tka.m.noPosition", lang, names[id] ?? "—")) }
        for id in o.withoutUnderstudy { problems.append(L10n.f("tka.m.noUnderstudy", lang, names[id] ?? "—")) }
        for p in o.quotaExceeded { problems.append(L10n.f("tka.m.quota", lang, p.title, p.rptkaNumber, p.assigned, p.quota)) }
        for w in o.unpaid { problems.append(L10n.f("tka.m.unpaid", lang, w.fullName, w.unpaidMonths.count, w.unpaidMonths.count * o.monthlyRateUsd)) }
        for u in o.underpaid { problems.append(L10n.f("tka.m.underpaid", lang, u.reference, names[u.foreignerId] ?? "—", u.amountUsd, u.expectedUsd)) }
        let problemList: HTML = problems.isEmpty ? "<p class=\"muted\">\(L10n.t("tka.noMismatch", lang))</p>" : "<ul id=\"mismatches\">\(problems.html { "<li>\($0)</li>" })</ul>"
        let positions: HTML = o.positions.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="positions-table"><thead><tr><th>\(L10n.t("tka.number", lang))</th><th>\(L10n.t("tka.position", lang))</th><th>\(L10n.t("tka.quota", lang))</th><th>\(L10n.t("tka.assigned", lang))</th><th>\(L10n.t("list.status", lang))</th></tr></thead><tbody>\(positionRows)</tbody></table>
        """
        let workers: HTML = o.workers.isEmpty ? "<p class=\"muted\">\(L10n.t("list.empty", lang))</p>" : """
        <table class="responsive" id="workers-table"><thead><tr><th>\(L10n.t("f.fullName", lang))</th><th>\(L10n.t("tka.since", lang))</th><th>\(L10n.t("tka.position", lang))</th><th>\(L10n.t("tka.understudy", lang))</th><th>\(L10n.f("tka.unpaidHead", lang, o.monthlyRateUsd))</th></tr></thead><tbody>\(workerRows)</tbody></table>
        """
        return Views.page(req, title: L10n.t("tka.title", lang), body: """
        <h1>\(L10n.t("tka.title", lang)) · \(m.sponsor.name)</h1>
        <section class="card"><h2>\(L10n.t("tka.mismatches", lang))</h2>\(problemList)</section>
        <section class="card"><h2>\(L10n.t("tka.rptka", lang))</h2>\(positions)</section>
        <section class="card"><h2>\(L10n.t("tka.workers", lang)) (\(o.workers.count))</h2>\(workers)</section>
        \(m.editable ? forms(req, m) : "")
        """, status: status)
    }

    static func forms(_ req: Request, _ m: Model) -> HTML {
        let lang = req.language
        let o = m.overview
        let rptka = m.forms[.rptka] ?? .empty, assign = m.forms[.assign] ?? .empty, payment = m.forms[.payment] ?? .empty
        let workers = [(value: "", label: L10n.t("sr.chooseForeigner", lang))] + o.workers.map { (value: $0.foreignerId.uuidString, label: $0.fullName) }
        let positions = [(value: "", label: "—")] + o.positions.filter(\.current).map { (value: $0.id.uuidString, label: "\($0.title) (\($0.rptkaNumber))") }
        return """
        <section class="card wide-form"><h2>\(L10n.t("tka.addRPTKA", lang))</h2>
        \(Form.open(req, action: TKAURL.rptka.path, id: FormID.rptka.rawValue, state: rptka))
          \(Form.field("number", label: L10n.t("tka.number", lang), state: rptka, required: true, attributes: "maxlength=\"60\""))
          \(Form.field("validFrom", label: L10n.t("tka.validFrom", lang), state: rptka, kind: .date, required: true))
          \(Form.field("validTo", label: L10n.t("tka.validTo", lang), state: rptka, kind: .date, required: true))
          \(Form.field("positions", label: L10n.t("tka.positions", lang), state: rptka, kind: .textarea(rows: 4), required: true,
                       hint: L10n.t("tka.positionsHelp", lang), attributes: "placeholder=\"Production Manager | 2\""))
          \(Form.submit(L10n.t("tka.save", lang)))
        </form></section>
        <section class="card wide-form"><h2>\(L10n.t("tka.assign", lang))</h2>
        \(Form.open(req, action: TKAURL.assignments.path, id: FormID.assign.rawValue, state: assign))
          \(Form.field("foreignerId", label: L10n.t("f.fullName", lang), state: assign, kind: .select(workers), required: true, id: "a-foreigner"))
          \(Form.field("positionId", label: L10n.t("tka.position", lang), state: assign, kind: .select(positions)))
          \(Form.field("understudyName", label: L10n.t("tka.understudy", lang), state: assign, attributes: "maxlength=\"200\""))
          \(Form.field("understudyPosition", label: L10n.t("tka.understudyPosition", lang), state: assign, attributes: "maxlength=\"200\""))
          \(Form.submit(L10n.t("tka.save", lang)))
        </form></section>
        <section class="card wide-form"><h2>\(L10n.t("tka.addPayment", lang))</h2>
        \(Form.open(req, action: TKAURL.payments.path, id: FormID.payment.rawValue, state: payment))
          \(Form.field("foreignerId", label: L10n.t("f.fullName", lang), state: payment, kind: .select(workers), required: true, id: "p-foreigner"))
          \(Form.field("fromMonth", label: L10n.t("tka.fromMonth", lang), state: payment, kind: .month, required: true))
          \(Form.field("months", label: L10n.t("tka.months", lang), state: payment, kind: .number, required: true, attributes: "min=\"1\" max=\"60\""))
          \(Form.field("amountUsd", label: L10n.t("tka.amount", lang), state: payment, kind: .number, required: true, attributes: "min=\"0\""))
          \(Form.field("paidOn", label: L10n.t("tka.paidOn", lang), state: payment, kind: .date, required: true))
          \(Form.field("reference", label: L10n.t("tka.reference", lang), state: payment, required: true, attributes: "maxlength=\"60\""))
          \(Form.submit(L10n.t("tka.save", lang)))
        </form></section>
        """
    }
}
