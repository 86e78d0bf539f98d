import SQLKit

/// `column` begins with `prefix`, in a form the column's index serves. SQLite's `LIKE` ignores case and so
/// never uses an index: a range in bytewise order instead. PostgreSQL: `LIKE 'P%'`, which its index serves
/// under the C collation the project's cluster uses (scripts/postgres.sh), and which stays right under any other.
enum SQLPrefix {
    static func condition(_ column: String, _ prefix: String, postgres: Bool) -> SQLQueryString {
        if postgres {
            let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            return "\(ident: column) LIKE \(bind: escaped + "%")"
        }
        return "(\(ident: column) >= \(bind: prefix) AND \(ident: column) < \(bind: successor(of: prefix)))"
    }

    /// The first string after every string beginning with `p` in bytewise (UTF-8, so scalar) order: `p` with its
    /// last scalar raised by one.
    static func successor(of p: String) -> String {
        var scalars = Array(p.unicodeScalars)
        while let last = scalars.popLast() {
            var v = last.value + 1
            if v == 0xD800 { v = 0xE000 }       // past the surrogates, which are no scalars
            if let next = Unicode.Scalar(v) {
                scalars.append(next)
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars)
                return String(out)
            }
        }
        return "\u{10FFFF}"
    }
}
