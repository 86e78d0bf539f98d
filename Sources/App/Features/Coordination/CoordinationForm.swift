import Foundation
import Vapor

/// What the forms of operations, meetings and inspections share on top of the form kit: the agencies chosen
/// as checkboxes, ids read from a list field, places by name and the print button.
enum CoordinationForm {
    /// The ids of a list field kept by `FormState.read` ("a,b"); text that is not an id is refused, naming the field.
    static func ids(_ values: [String: String], _ name: String, failure: String) throws -> [UUID] {
        try (values[name] ?? "").split(separator: ",").map { raw in
            guard let id = UUID(uuidString: String(raw)) else { throw ValidationFailure(failure, field: name) }
            return id
        }
    }

    /// Agencies as checkboxes (easier on a phone than a multiple select), the chosen ones kept, the error beside them.
    static func agencies(_ name: String, label: String, options: [Agency], state: FormState, lang: Language) -> HTML {
        choices(name, label: label, options: options.map { ($0.id!.uuidString, $0.name) }, state: state, empty: L10n.t("coord.noAgencies", lang))
    }

    /// Several choices as checkboxes (sent as `name[]`), the chosen ones kept, the error beside them.
    static func choices(_ name: String, label: String, options: [(value: String, label: String)], state: FormState, empty: String, required: Bool = false) -> HTML {
        let chosen = Set(state.value(name).split(separator: ",").map(String.init))
        let error = state.errors[name]
        // After a failure, each box is marked and the first may take the focus (the first mistake in the page's order).
        let invalid: HTML = error != nil ? " aria-invalid=\"true\" aria-describedby=\"\(name)-error\"" : ""
        let boxes: HTML = options.isEmpty
            ? "<p class=\"hint\">\(empty)</p>"
            : options.enumerated().map { k, o in
                let focus: HTML = error != nil && k == 0 ? Form.focusCandidate : ""
                return "<p class=\"check-row\"><input type=\"checkbox\" class=\"check\" id=\"\(name)-\(o.value)\" name=\"\(name)[]\" value=\"\(o.value)\"\(chosen.contains(o.value) ? HTML(" checked") : "")\(invalid)\(focus)><label class=\"inline-label\" for=\"\(name)-\(o.value)\">\(o.label)</label></p>" as HTML
            }.html { $0 }
        let errorHTML: HTML = error.map { "<p class=\"field-error\" id=\"\(name)-error\">\($0)</p>" } ?? ""
        return """
        <fieldset class="field choices\(error != nil ? HTML(" has-error") : "")" id="\(name)"\(error != nil ? HTML(" aria-describedby=\"\(name)-error\"") : "")><legend>\(label)\(required ? HTML(" <span class=\"req\" aria-hidden=\"true\">*</span>") : "")</legend>\(boxes)\(errorHTML)</fieldset>
        """
    }

    /// The order a check runs under (the office's current orders), or why it runs before one.
    static func order(state s: FormState, orders: [FieldOrder], lang: Language) -> HTML {
        let options = [("", L10n.t("order.choose", lang))] + orders.map { ($0.id!.uuidString, "\($0.number) · \(String($0.purpose.prefix(60)))") }
        let reasons = [("", L10n.t("order.reason.none", lang))] + FieldOrders.reasons.map { ($0, L10n.t("order.reason.\($0)", lang)) }
        return """
        <div class="grid two">
        \(Form.field("orderId", label: L10n.t("order.field", lang), state: s, kind: .select(options), hint: L10n.t("order.fieldHint", lang)))
        \(Form.field("withoutOrder", label: L10n.t("order.without", lang), state: s, kind: .select(reasons), hint: L10n.t("order.withoutHint", lang)))
        </div>
        \(orders.isEmpty ? "<p class=\"notice\" id=\"no-orders\">\(L10n.t("order.noneValid", lang)) <a href=\"\(OrderURL.list.path)\">\(L10n.t("order.toOrders", lang))</a></p>" as HTML : "")
        """
    }

    /// A print button for the page (the page script `/static/ui.js` prints; no inline script under the CSP).
    static func printButton(_ label: String) -> HTML {
        "<p class=\"no-print\"><button type=\"button\" class=\"secondary\" data-print>\(label)</button></p>"
    }
}
