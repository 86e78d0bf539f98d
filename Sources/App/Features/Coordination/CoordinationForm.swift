import Foundation
import Vapor

/// What the forms of operations, meetings and inspections share on top of the form kit: reading the
/// typed fields back into a `FormState` (from the body after a POST, from the query after the region
/// picker's "next"), the agencies chosen as checkboxes, and failures shown beside the input that caused them.
enum CoordinationForm {
    /// The named fields as typed; `lists` (several choices sent as `name[]`) joined by commas.
    static func values(_ req: Request, _ names: [String], lists: [String] = []) -> [String: String] {
        let fromQuery = req.method == .GET
        var v: [String: String] = [:]
        for n in names {
            let s: String? = fromQuery ? req.query[String.self, at: n] : (try? req.content.get(String.self, at: n))
            if let s { v[n] = s }
        }
        for n in lists {
            let a: [String]? = fromQuery ? (try? req.query.get([String].self, at: n)) : (try? req.content.get([String].self, at: n))
            if let a { v[n] = a.filter { !$0.isEmpty }.joined(separator: ",") }
        }
        return v
    }

    /// The region picker's input names for field `name` (its own and those of the levels above).
    static func pickerNames(_ name: String, depth: RegionLevel) -> [String] {
        RegionPicker.levels.prefix(through: RegionPicker.levels.firstIndex(of: depth)!).map { RegionPicker.inputName(name, $0, depth: depth) }
    }

    /// Whether the page was asked for by the region picker's "next" button (its form comes back as typed).
    static func fromPicker(_ req: Request) -> Bool { req.query[String.self, at: "_picker"] != nil }

    /// The ids of a list field kept by `values` ("a,b"); text that is not an id is refused, naming the field.
    static func ids(_ values: [String: String], _ name: String, failure: String) throws -> [UUID] {
        try (values[name] ?? "").split(separator: ",").map { raw in
            guard let id = UUID(uuidString: String(raw)) else { throw ValidationFailure(failure, field: name) }
            return id
        }
    }

    /// Records `e` beside the input that caused it: `rename` maps a service's field name (or a list of it,
    /// `targets[3]`) to the form's input; fields the form does not show go to the summary at its top.
    static func fail(_ state: inout FormState, _ e: ValidationFailure, lang: Language, shown: Set<String>, rename: [String: String] = [:]) {
        let message = e.message(lang)
        guard let field = e.field else { state.summary = message; return }
        let input = rename.first { field == $0.key || field.hasPrefix($0.key + "[") }?.value ?? field
        if shown.contains(input) { state.errors[input] = message } else { state.summary = message }
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
