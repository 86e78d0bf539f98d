import Vapor

extension Request {
    private struct QueryValuesKey: StorageKey { typealias Value = [String: String] }

    /// One query parameter's text exactly as `query[String.self, at: key]` gives it — the last of repeated ones, nil
    /// when absent, when its key is nested (`a[b]`) or bare (no `=`), or when its percent-encoding is malformed — from
    /// the query parsed once per request: Vapor's container parses the whole query again on every call, a tenth of the
    /// field look-up's time (it reads five parameters).
    func queryValue(_ key: String) -> String? {
        if let parsed = storage[QueryValuesKey.self] { return parsed[key] }
        let parsed = Self.parseQueryValues(url.query ?? "")
        storage[QueryValuesKey.self] = parsed
        return parsed[key]
    }

    static func parseQueryValues(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.replacingOccurrences(of: "+", with: "%20").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2, let key = kv[0].removingPercentEncoding, !key.contains("[") else { continue }
            // A later value replaces an earlier one, also when it cannot be decoded (then the key reads as absent).
            out[key] = kv[1].removingPercentEncoding
        }
        return out
    }
}
