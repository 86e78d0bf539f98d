import Vapor

/// Invalid input from outside: a message key, the field it concerns and the values the message names.
/// Web pages show it beside its field in the page's language; the API answers
/// `{"error": {"code": key, "field": field, "message": …}}` in English, or Indonesian with `Accept-Language: id`.
/// Answered with 422.
struct ValidationFailure: Error, Sendable {
    /// A key of `L10n.validationTable` (e.g. `v.required`); also the API's error code.
    var key: String
    /// The input's name as the form and the API call it (`kelurahanCode`, `entries[2].seenAt`), if one field is at fault.
    var field: String?
    /// Values the message names after the field (a limit, a list of allowed values, a line number).
    var args: [String]
    /// Further failures of the same form's other fields (`FieldChecks`): a page shows each beside its field, so that a
    /// form with several mistakes is corrected in one go; the API answers with the first and lists these in `error.more`.
    var more: [ValidationFailure] = []

    init(_ key: String, field: String? = nil, _ args: String...) {
        self.key = key; self.field = field; self.args = args
    }

    /// The sentence a user reads: the field by its label in `lang`, then the message.
    func message(_ lang: Language) -> String {
        L10n.format(key, lang, args, field: field.map { L10n.fieldLabel($0, lang) } ?? "")
    }

    /// The English sentence (API default, tests, logs of the failing field name only).
    var message: String { message(.en) }
}

/// Checks of a form's fields that do not depend on one another, all run, so that the form names every mistake at once
/// (walking the forms on a phone, a form with five mistakes took five tries). `run` keeps a failure and goes on;
/// `finish` throws the first, carrying the others (`ValidationFailure.more`). Other errors go through at once.
struct FieldChecks {
    private(set) var failures: [ValidationFailure] = []

    /// `earlier`: failures a page found before handing the rest of the form over (a list it reads itself).
    init(_ earlier: [ValidationFailure] = []) { failures = earlier }

    mutating func run<T>(_ check: () throws -> T) throws -> T? {
        do { return try check() } catch let e as ValidationFailure { keep(e); return nil }
    }

    mutating func run<T>(_ check: () async throws -> T) async throws -> T? {
        do { return try await check() } catch let e as ValidationFailure { keep(e); return nil }
    }

    /// A failure and those it carries (a check that ran checks of its own), each kept as one of this form's.
    private mutating func keep(_ e: ValidationFailure) {
        var first = e
        first.more = []
        failures.append(first)
        failures += e.more
    }

    func finish() throws {
        guard var first = failures.first else { return }
        first.more = Array(failures.dropFirst())
        throw first
    }

    /// `finish()`, then the values `run` returned, unwrapped: once no check failed, none of them is missing.
    /// `let (a, b) = try checks.finish(a, b)` instead of a `guard let` whose `else` cannot happen.
    func finish<each T>(_ values: repeat (each T)?) throws -> (repeat each T) {
        try finish()
        return (repeat Self.present(each values))
    }

    private static func present<T>(_ value: T?) -> T {
        guard let value else { preconditionFailure("FieldChecks.run returned no value without recording a failure") }
        return value
    }
}

extension ValidationFailure {
    /// An optional free-text field: trimmed, nil when empty, refused past `max` characters (the message names it).
    static func text(_ s: String?, _ field: String, max: Int) throws -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        guard t.count <= max else { throw ValidationFailure("v.tooLong", field: field, String(max)) }
        return t
    }

    /// A required free-text field.
    static func required(_ s: String?, _ field: String, max: Int) throws -> String {
        guard let t = try text(s, field, max: max) else { throw ValidationFailure("v.required", field: field) }
        return t
    }

    /// A value that must be one of `allowed` (an enum's raw values).
    static func oneOf<E: RawRepresentable & CaseIterable>(_ raw: String?, _ type: E.Type, field: String) throws -> E where E.RawValue == String {
        guard let raw, let v = E(rawValue: raw) else {
            throw ValidationFailure("v.oneOf", field: field, E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return v
    }
}

extension Request {
    /// The language of API messages: English unless the client asks for Indonesian.
    var apiLanguage: Language {
        if let accept = headers.first(name: .acceptLanguage)?.lowercased().trimmingCharacters(in: .whitespaces), accept.hasPrefix("id") { return .id }
        return .en
    }
}

extension Request {
    /// An optional query parameter that must be an id when given (empty counts as not given).
    func queryID(_ name: String) throws -> UUID? {
        guard let raw = queryValue(name), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else { throw ValidationFailure("v.id", field: name) }
        return id
    }

    /// An optional query parameter as text (empty counts as not given).
    func queryText(_ name: String) -> String? {
        queryValue(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An optional query parameter that must be `true` or `false` when given (empty counts as not given).
    func queryBool(_ name: String) throws -> Bool? {
        switch queryValue(name) {
        case nil, "": return nil
        case "true": return true
        case "false": return false
        default: throw ValidationFailure("v.boolean", field: name)
        }
    }
}
