import Foundation

/// The OpenAPI 3 description of `/api/v1`, `/healthz` and `/metrics`.
///
/// Each operation's own facts — its parameters, body and the answers only it gives — are declared once in
/// `Resources/openapi.json`. What every operation of a kind answers because of the layers it passes through is
/// added here, by rule, so no operation can forget it: a signed-in route answers 401 and 403, a route with a
/// path parameter 404, one with parameters or a body 422, one with a body 400, 413 and 415, and a list (its
/// answer has the list shape) takes `page` and `per`, and a required text field of a body must not be blank.
/// The declarations name three formats of this project, which the same rules the server applies replace
/// with plain JSON Schema: `country` (the codes `Countries` knows), `email` (what `EmailAddress` takes) and
/// `passport-number`. A test compares the operations with the registered routes; schemathesis
/// (`--checks all`, in CI) compares them with the running server.
enum OpenAPIDocument {
    static let json: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url),
              let declared = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            fatalError("Resources/openapi.json is missing or not JSON")
        }
        let out = try! JSONSerialization.data(withJSONObject: completed(declared), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: out, as: UTF8.self)
    }()

    static let methods = ["get", "put", "post", "delete", "patch"]

    static func completed(_ declared: [String: Any]) -> [String: Any] {
        var doc = declared
        let schemas = (doc["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        var components = doc["components"] as? [String: Any] ?? [:]
        var refinedSchemas = refined(schemas) as? [String: Any] ?? [:]
        for (name, schema) in refinedSchemas where name.hasSuffix("Input") {
            refinedSchemas[name] = nullableWhenOptional(schema as? [String: Any] ?? [:])
        }
        components["schemas"] = refinedSchemas
        doc["components"] = components
        var paths = refined(doc["paths"] ?? [:]) as? [String: Any] ?? [:]
        for (path, item) in paths {
            guard var item = item as? [String: Any] else { continue }
            for method in methods {
                guard let op = item[method] as? [String: Any] else { continue }
                item[method] = completed(op, path: path, schemas: schemas)
            }
            paths[path] = item
        }
        doc["paths"] = paths
        return doc
    }

    static func completed(_ declared: [String: Any], path: String, schemas: [String: Any]) -> [String: Any] {
        var op = declared
        var parameters = op["parameters"] as? [[String: Any]] ?? []
        func has(_ name: String, in place: String) -> Bool {
            parameters.contains { $0["name"] as? String == name && $0["in"] as? String == place }
        }
        // Every path parameter declared (a string unless the declaration says more).
        for segment in path.split(separator: "/") where segment.hasPrefix("{") && segment.hasSuffix("}") {
            let name = String(segment.dropFirst().dropLast())
            if !has(name, in: "path") {
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
            }
        }
        var responses = op["responses"] as? [String: Any] ?? [:]
        // Paging parameters have the bounds `Paging` enforces; an optional query parameter given empty is
        // not given (what an HTML form sends for "any").
        parameters = parameters.map { parameter in
            guard parameter["in"] as? String == "query", var schema = parameter["schema"] as? [String: Any] else { return parameter }
            var p = parameter
            switch parameter["name"] as? String {
            case "page":
                schema = ["type": "integer", "minimum": 1, "maximum": Paging.maxPage]
            case "per":
                schema = ["type": "integer", "minimum": 1, "maximum": schema["maximum"] ?? 100]
            default:
                guard parameter["required"] as? Bool != true, schema["type"] as? String == "string" else { return parameter }
                if var values = schema["enum"] as? [String] {
                    if !values.contains("") { values.append("") }
                    schema["enum"] = values
                } else if schema["format"] != nil || schema["pattern"] != nil {
                    var rule = schema
                    rule["type"] = nil
                    rule["description"] = nil
                    schema = ["type": "string", "anyOf": [["maxLength": 0], rule]]
                    if let d = parameter["schema"].flatMap({ ($0 as? [String: Any])?["description"] }) { schema["description"] = d }
                }
            }
            p["schema"] = schema
            return p
        }
        // A list answer takes the paging parameters.
        if isList(responses["200"], schemas: schemas) {
            if !has("page", in: "query") {
                parameters.append(["name": "page", "in": "query", "description": "from 1", "schema": ["type": "integer", "minimum": 1, "maximum": Paging.maxPage]])
            }
            if !has("per", in: "query") {
                parameters.append(["name": "per", "in": "query", "description": "items per page", "schema": ["type": "integer", "minimum": 1, "maximum": 100]])
            }
        }
        if !parameters.isEmpty { op["parameters"] = parameters }
        if var body = op["requestBody"] as? [String: Any], var content = body["content"] as? [String: Any],
           var json = content["application/json"] as? [String: Any], var schema = json["schema"] as? [String: Any] {
            // A body that is one component shared with answers (a report entry) is completed here as any body is;
            // `*Input` components are completed where they are declared.
            if schema.count == 1, let ref = schema["$ref"] as? String, let name = ref.split(separator: "/").last.map(String.init),
               !name.hasSuffix("Input"), let target = schemas[name] as? [String: Any] {
                schema = refined(target) as? [String: Any] ?? target
            }
            json["schema"] = nullableWhenOptional(nonBlank(schema, schemas: schemas))
            content["application/json"] = json
            body["content"] = content
            op["requestBody"] = body
        }

        let secured = !(op["security"] as? [Any] ?? []).isEmpty
        let hasPathParameter = parameters.contains { $0["in"] as? String == "path" }
        let hasBody = op["requestBody"] != nil
        var common: [(String, String)] = []
        if secured {
            common.append(("401", "no token, or one that expired or was revoked"))
            common.append(("403", "the caller's role may not do this"))
        }
        if hasPathParameter { common.append(("404", "no such record, or none in the caller's scope")) }
        if hasBody {
            common.append(("400", "the body is not well-formed"))
            common.append(("413", "the body is larger than allowed"))
            common.append(("415", "a Content-Type the operation does not take"))
        }
        if hasBody || !parameters.isEmpty { common.append(("422", "a parameter or field is invalid; error.field names it")) }
        for (status, description) in common where responses[status] == nil {
            responses[status] = ["description": description]
        }
        // Every error answer is the error object.
        for (status, response) in responses {
            guard status.hasPrefix("4") || status.hasPrefix("5"), var r = response as? [String: Any], r["content"] == nil else { continue }
            r["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
            responses[status] = r
        }
        op["responses"] = responses
        return op
    }

    /// The project's own formats replaced by what they mean, anywhere in the document.
    static func refined(_ node: Any) -> Any {
        if let list = node as? [Any] { return list.map(refined) }
        guard var object = node as? [String: Any] else { return node }
        for (key, value) in object { object[key] = refined(value) }
        switch object["format"] as? String {
        case "country":
            object["format"] = nil
            object["enum"] = Countries.alpha3.sorted()
        case "email":
            object["format"] = nil
            object["maxLength"] = 254
            object["pattern"] = EmailAddress.pattern
        case "name":
            // `RegistryEdits.name`: up to 100 characters, at least one letter, no control characters.
            object["format"] = nil
            object["maxLength"] = 100
            object["pattern"] = "^[^\\x00-\\x1F\\x7F-\\x9F]*\\p{L}[^\\x00-\\x1F\\x7F-\\x9F]*$"
        case "region-code":
            // `RegionCode.isValid`: one to four groups of digits (35, 35.16, 35.16.05, 35.16.05.2010).
            object["format"] = nil
            object["pattern"] = "^[0-9]+(\\.[0-9]+){0,3}$"
        case "region-codes":
            // Up to 50 region codes separated by commas.
            object["format"] = nil
            object["pattern"] = "^[ \t]*[0-9]+(\\.[0-9]+){0,3}[ \t]*(,[ \t]*[0-9]+(\\.[0-9]+){0,3}[ \t]*){0,49}$"
        case "passport-number":
            // `RegistryEdits.passportNumber`: 5 to 20 letters and digits, with the blanks around them it trims
            // (Swift's `.whitespaces`: tab and Unicode's space separators).
            object["format"] = nil
            object["pattern"] = "^[\\t\\p{Zs}]*[A-Za-z0-9]{5,20}[\\t\\p{Zs}]*$"
        default: break
        }
        return object
    }

    /// A body's optional fields may be null: the server decodes null as "not given"; an optional date may
    /// also be empty.
    static func nullableWhenOptional(_ schema: [String: Any]) -> [String: Any] {
        var out = schema
        if let parts = schema["allOf"] as? [Any] {
            out["allOf"] = parts.map { ($0 as? [String: Any]).map(nullableWhenOptional) ?? $0 }
        }
        if let items = schema["items"] as? [String: Any] { out["items"] = nullableWhenOptional(items) }
        guard var properties = schema["properties"] as? [String: Any] else { return out }
        let required = Set(schema["required"] as? [String] ?? [])
        for (name, value) in properties {
            guard var p = value as? [String: Any] else { continue }
            p = nullableWhenOptional(p)
            if !required.contains(name), p["$ref"] == nil {
                p["nullable"] = true
                // An optional date left empty is not given (what a form sends for a field left blank).
                if p["format"] as? String == "date" {
                    p["format"] = nil
                    p["anyOf"] = [["maxLength": 0], ["format": "date"]]
                }
                // An enumeration admits null only when it lists it.
                if let values = p["enum"] as? [Any] { p["enum"] = values + [NSNull()] }
            }
            properties[name] = p
        }
        out["properties"] = properties
        return out
    }

    /// A body's required fields may not be null (an `*Input` component's optional field is nullable, and an
    /// operation may require it), and its required text fields (plain strings: no format, enum or pattern of
    /// their own) may not be blank: the server answers 422 `v.required` for null, "" or spaces, as for a missing
    /// field.
    static func nonBlank(_ schema: [String: Any], schemas: [String: Any]) -> [String: Any] {
        var parts = [schema]
        for part in schema["allOf"] as? [[String: Any]] ?? [] {
            if let ref = part["$ref"] as? String, let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] {
                parts.append(target)
            } else {
                parts.append(part)
            }
        }
        let required = Set(parts.flatMap { $0["required"] as? [String] ?? [] })
        var texts: [String: Any] = [:]
        for part in parts {
            for (name, property) in part["properties"] as? [String: Any] ?? [:] where required.contains(name) {
                guard let p = property as? [String: Any], let type = p["type"] as? String else { continue }
                if type == "string", p["format"] == nil, p["enum"] == nil, p["pattern"] == nil {
                    texts[name] = ["type": "string", "minLength": 1, "pattern": "\\S"]
                } else if texts[name] == nil {
                    texts[name] = ["type": type]
                }
            }
        }
        guard !texts.isEmpty else { return schema }
        var out = schema
        // Listed as required in the part too, so that `nullableWhenOptional` leaves these rules without null.
        out["allOf"] = (schema["allOf"] as? [Any] ?? []) + [["required": texts.keys.sorted(), "properties": texts]]
        return out
    }

    /// Whether an answer has the list shape (items, total, page, per), directly or through a `$ref`.
    static func isList(_ response: Any?, schemas: [String: Any]) -> Bool {
        guard let content = (response as? [String: Any])?["content"] as? [String: Any],
              var schema = (content["application/json"] as? [String: Any])?["schema"] as? [String: Any] else { return false }
        if let ref = schema["$ref"] as? String, let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] {
            schema = target
        }
        let properties = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        return ["items", "total", "page", "per"].allSatisfy(properties.contains)
    }
}
