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
        let chosen = Set(state.value(name).split(separator: ",").map(String.init))
        let error = state.errors[name]
        let boxes: HTML = options.isEmpty
            ? "<p class=\"hint\">\(L10n.t("coord.noAgencies", lang))</p>"
            : options.html { a in
                let id = a.id!.uuidString
                return "<p><input type=\"checkbox\" class=\"check\" id=\"\(name)-\(id)\" name=\"\(name)[]\" value=\"\(id)\"\(chosen.contains(id) ? HTML(" checked") : "")><label class=\"inline-label\" for=\"\(name)-\(id)\">\(a.name)</label></p>"
            }
        let errorHTML: HTML = error.map { "<p class=\"field-error\" id=\"\(name)-error\">\($0)</p>" } ?? ""
        return """
        <fieldset class="field choices\(error != nil ? HTML(" has-error") : "")" id="\(name)"\(error != nil ? HTML(" aria-describedby=\"\(name)-error\"") : "")><legend>\(label)</legend>\(boxes)\(errorHTML)</fieldset>
        """
    }

    /// A place as people read it ("Ngoro, Kabupaten Mojokerto, Jawa Timur") with its code as secondary text.
    static func place(_ code: String, _ names: [String: String]) -> HTML {
        "\(names[code] ?? "") <span class=\"code\">\(code)</span>"
    }

    /// A print button for the page (the page script `/static/ui.js` prints; no inline script under the CSP).
    static func printButton(_ label: String) -> HTML {
        "<p class=\"no-print\"><button type=\"button\" class=\"secondary\" data-print>\(label)</button></p>"
    }
}
