import Vapor

extension Request {
    private struct QueryValuesKey: StorageKey { typealias Value = [String: String] }

    /// One query parameter's text as `query[String.self, at: key]` gives it, from the query parsed once per request:
    /// Vapor's container parses the whole query again on every call, a tenth of the field look-up's time (it reads
    /// five parameters). Read only plain keys with it; the few readers of whole forms or lists (`FormState`) still go
    /// through `query`.
    func queryValue(_ key: String) -> String? {
        if let parsed = storage[QueryValuesKey.self] { return parsed[key] }
        let parsed = Self.parseQueryValues(url.query ?? "")
        storage[QueryValuesKey.self] = parsed
        return parsed[key]
    }

    /// The plain keys' values, following Vapor's `URLEncodedFormParser` and decoder: `+` is a space; the last of a
    /// repeated key wins, also when its value's percent-encoding is malformed (then the key reads as absent); a bare
    /// word (no `=`) and a nested key (`a[b]`) are not plain keys; and a malformed key — bad percent-encoding, an
    /// unclosed `[b`, more than a hundred levels — fails the whole query, so that every key reads as absent.
    static func parseQueryValues(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.replacingOccurrences(of: "+", with: "%20").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2 else { continue }
            guard let key = kv[0].removingPercentEncoding else { return [:] }
            var path: [Substring] = []
            for (i, part) in key.split(separator: "[").enumerated() {
                if i == 0 { path.append(part); continue }
                guard part.last == "]" else { return [:] }
                path.append(part.dropLast())
            }
            guard path.count <= 100 else { return [:] }
            guard path.count == 1 else { continue }
            out[String(path[0])] = kv[1].removingPercentEncoding
        }
        return out
    }
}
