import Vapor

/// What a form shows when it comes back: the user's own input, and each field's error in the page's
/// language. A form that failed is shown again with everything typed still in it, the error beside its
/// field and the first wrong field focused, so nobody retypes a long entry or hunts for the message.
struct FormState: Sendable {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    /// A message that concerns the whole form, or a field the form does not show.
    var summary: String?
    static let empty = FormState()

    init(values: [String: String] = [:]) { self.values = values }

    /// The form's submitted text fields (the CSRF token, the region picker's step button and files left out).
    init(_ req: Request) {
        var v: [String: String] = [:]
        if let all = try? req.content.decode([String: String].self) { v = all }
        else if let all = try? req.query.decode([String: String].self) { v = all }
        v[CSRFMiddleware.fieldName] = nil
        v[RegionPicker.stepName] = nil
        values = v
    }

    /// The named fields as typed, from the body after a POST or from the query after a GET (the region
    /// picker's step); `lists` (several choices sent as `name[]`) joined by commas. Works for multipart
    /// bodies too, where a file part keeps the whole body from decoding as text fields.
    static func read(_ req: Request, _ names: [String], lists: [String] = []) -> [String: String] {
        let fromQuery = req.method == .GET
        var v: [String: String] = [:]
        for n in names {
            let s: String? = fromQuery ? req.queryValue(n) : (try? req.content.get(String.self, at: n))
            if let s { v[n] = s }
        }
        for n in lists {
            let a: [String]? = fromQuery ? (try? req.query.get([String].self, at: n)) : (try? req.content.get([String].self, at: n))
            if let a { v[n] = a.filter { !$0.isEmpty }.joined(separator: ",") }
        }
        return v
    }

    func value(_ name: String) -> String { values[name] ?? "" }
    var hasErrors: Bool { !errors.isEmpty || summary != nil }

    /// Records a validation failure beside its field when the form shows it, else at the top. `rename` maps a
    /// service's field name (or a list of it, `targets[3]`) to the form's input.
    /// Every failure it carries (`ValidationFailure.more`) stands beside its own field; the first one a field gets is kept.
    /// `labels`: the form's own label of a field where it differs from the common one ("Apa yang Anda lihat?" for
    /// `description`), so that the message names what the user reads.
    mutating func fail(_ e: ValidationFailure, lang: Language, shownFields: Set<String>? = nil, rename: [String: String] = [:], labels: [String: String] = [:]) {
        for failure in [e] + e.more {
            // A day the message names reads as the page writes days ("10 Des 2026"); the API keeps ISO dates.
            var shown = failure
            shown.args = LocalTime.daysInWords(failure.args, lang: lang)
            // A page offers the allowed values as a list by name: their codes ("arrival, addressChange") mean nothing there.
            if failure.key == "v.oneOf" { shown = ValidationFailure("v.choose", field: failure.field) }
            // A message that tells an API client what to send has a page's own wording too (`….page`: the option to choose).
            if L10n.has(failure.key + ".page") { shown.key = failure.key + ".page" }
            let message = failure.field.flatMap { labels[$0] }.map { L10n.format(shown.key, lang, shown.args, field: $0) } ?? shown.message(lang)
            guard let field = failure.field else {
                if summary == nil { summary = message }
                continue
            }
            let input = rename.first { field == $0.key || field.hasPrefix($0.key + "[") }?.value ?? field
            if shownFields?.contains(input) ?? true {
                if errors[input] == nil { errors[input] = message }
            } else if summary == nil {
                summary = message
            }
        }
    }

    mutating func fail(message: String) { summary = message }
}

enum Form {
    enum Kind {
        case text, email, password, number, date, month, search
        case datetime
        case textarea(rows: Int)
        case select([(value: String, label: String)])
        case file(accept: String)
    }

    /// The CSRF field: the one place it is written.
    static func csrf(_ req: Request) -> HTML {
        "<input type=\"hidden\" name=\"\(CSRFMiddleware.fieldName)\" value=\"\(req.csrfToken)\">"
    }

    /// A form's opening tag, CSRF field and, after a failure, the summary right at its top.
    static func open(_ req: Request, action: String, id: String, method: String = "post", multipart: Bool = false, state: FormState = .empty,
                     classes: String = "", attributes: HTML = "") -> HTML {
        let enc: HTML = multipart ? " enctype=\"multipart/form-data\"" : ""
        let cls: HTML = classes.isEmpty ? "" : " class=\"\(classes)\""
        let token: HTML = method == "post" ? csrf(req) : ""
        var summary: HTML = ""
        if state.hasErrors {
            let text = state.summary ?? L10n.t("form.checkFields", req.language)
            // With no field at fault the message itself takes the focus, so that the browser scrolls to it: a form
            // far down a long page would otherwise fail out of sight on a phone.
            let focus: HTML = state.errors.isEmpty ? " tabindex=\"-1\" autofocus" : ""
            summary = "<p class=\"alert\" role=\"alert\" id=\"\(id)-error\"\(focus)>\(text)</p>"
        }
        let extra: HTML = attributes.raw.isEmpty ? "" : " \(attributes)"
        return "<form method=\"\(method)\" action=\"\(action)\" id=\"\(id)\"\(enc)\(cls)\(extra) novalidate>\(token)\(summary)"
    }

    /// A labelled field with its hint and, after a failure, its error beside it (linked by
    /// `aria-describedby`, marked `aria-invalid`). The value typed is kept; passwords and files never are.
    static func field(_ name: String, label: String, state: FormState, kind: Kind = .text, required: Bool = false,
                      hint: String? = nil, id: String? = nil, attributes: HTML = "") -> HTML {
        let fid = id ?? name.replacingOccurrences(of: ".", with: "-")
        let error = state.errors[name]
        var described: [String] = []
        if hint != nil { described.append("\(fid)-hint") }
        if error != nil { described.append("\(fid)-error") }
        var attrs: HTML = "id=\"\(fid)\" name=\"\(name)\""
        if required { attrs = "\(attrs) required aria-required=\"true\"" }
        if !described.isEmpty { attrs = "\(attrs) aria-describedby=\"\(described.joined(separator: " "))\"" }
        if error != nil {
            attrs = "\(attrs) aria-invalid=\"true\""
            attrs = "\(attrs)\(Form.focusCandidate)"
        }
        if !attributes.raw.isEmpty { attrs = "\(attrs) \(attributes)" }
        let value = state.value(name)
        let control: HTML
        switch kind {
        case .textarea(let rows):
            control = "<textarea \(attrs) rows=\"\(rows)\">\(value)</textarea>"
        case .select(let options):
            // A value that is none of the choices (a tampered form) comes back as "nothing chosen", never as the first
            // choice, which a careless resend would take (an account's role: Administrator).
            let known = value.isEmpty || options.contains { $0.value == value }
            let none: HTML = known || options.contains(where: { $0.value.isEmpty }) ? "" : "<option value=\"\" selected>—</option>"
            control = "<select \(attrs)>\(none)\(Views.options(options.map { ($0.value, $0.label) }, selected: known ? value : ""))</select>"
        case .file(let accept):
            control = "<input type=\"file\" \(attrs) accept=\"\(accept)\">"
        case .password:
            control = "<input type=\"password\" \(attrs)>"
        default:
            control = "<input type=\"\(inputType(kind))\" \(attrs) value=\"\(value)\">"
        }
        let mark: HTML = required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : ""
        let hintHTML: HTML = hint.map { "<p class=\"hint\" id=\"\(fid)-hint\">\($0)</p>" } ?? ""
        let errorHTML: HTML = error.map { "<p class=\"field-error\" id=\"\(fid)-error\">\($0)</p>" } ?? ""
        return "<div class=\"field\(error != nil ? HTML(" has-error") : "")\"><label for=\"\(fid)\">\(label)\(mark)</label>\(hintHTML)\(control)\(errorHTML)</div>"
    }

    static func submit(_ label: String, id: String? = nil, secondary: Bool = false) -> HTML {
        let idAttr: HTML = id.map { " id=\"\($0)\"" } ?? ""
        return "<p class=\"actions\"><button type=\"submit\"\(idAttr)\(secondary ? HTML(" class=\"secondary\"") : "")>\(label)</button></p>"
    }

    private static func inputType(_ kind: Kind) -> String {
        switch kind {
        case .email: return "email"
        case .number: return "number"
        case .date: return "date"
        case .month: return "month"
        case .datetime: return "datetime-local"
        case .search: return "search"
        default: return "text"
        }
    }
}

extension Form {
    /// Marks a field at fault; the page gives the focus to the first of them (`focusFirstMistake`).
    /// Quoted, so that no escaped text a user typed can hold it (escaping turns `"` into `&quot;`).
    static let focusCandidate: HTML = " data-focus-candidate=\"\""

    /// The first field at fault in the page's order takes the focus, so that the browser opens the page at the first
    /// mistake on screen (walking the forms on a phone, the focus went to the first in alphabetical order, past the
    /// mistakes above it). Views render parts of a page in any order; the finished page is in the order shown.
    static func focusFirstMistake(_ page: String) -> String {
        let marker = focusCandidate.raw
        guard let first = page.range(of: marker) else { return page }
        return String(page[..<first.lowerBound]) + " autofocus" + page[first.upperBound...].replacingOccurrences(of: marker, with: "")
    }

    /// Runs a form's work; a validation failure (the message beside its field) or a conflict (the message on top)
    /// shows the same page again with the form as typed, answered 422 or 409.
    static func attempt(_ req: Request, _ state: FormState, fields: Set<String>, rename: [String: String] = [:], labels: [String: String] = [:],
                        _ work: () async throws -> Response,
                        again: (FormState, HTTPResponseStatus) async throws -> Response) async throws -> Response {
        var s = state
        do { return try await work() } catch let e as ValidationFailure {
            s.fail(e, lang: req.language, shownFields: fields, rename: rename, labels: labels)
            return try await again(s, .unprocessableEntity)
        } catch let e as AppError where e.status == .conflict {
            s.fail(message: e.message(req.language))
            return try await again(s, .conflict)
        }
    }
}
