/// What a column holds, which decides how it is normalised, compared and blocked on.
public enum FieldKind: String, Sendable, CaseIterable {
    case name, date, id, text, category, number

    /// Number of agreement levels (0 = disagree … top = exact). Missing values are level -1.
    public var levels: Int {
        switch self {
        case .name, .date: 5
        case .id, .text: 4
        case .number: 3
        case .category: 2
        }
    }

    /// Kinds inferred from common header names when the user gives none.
    public static func infer(header: String) -> FieldKind? {
        let h = header.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        let table: [(FieldKind, [String])] = [
            (.name, ["given_name", "given_names", "first_name", "surname", "family_name", "last_name", "full_name", "name", "nama", "nama_lengkap", "middle_name"]),
            (.date, ["date_of_birth", "dob", "birth_date", "birthdate", "tanggal_lahir", "tgl_lahir"]),
            (.id, ["passport_number", "passport", "passport_no", "soc_sec_id", "nik", "id_number", "npwp", "nib", "no_paspor", "nomor_paspor", "document_number"]),
            (.category, ["sex", "gender", "nationality", "state", "jenis_kelamin", "kewarganegaraan", "country", "citizenship"]),
            (.number, ["postcode", "postal_code", "zip", "kode_pos", "street_number"]),
            (.text, ["address", "address_1", "address_2", "suburb", "city", "alamat", "employer", "company", "kota", "kelurahan", "kecamatan",
                      "perusahaan", "nama_perusahaan", "sponsor", "penjamin", "alamat_domisili"]),
        ]
        for (kind, names) in table where names.contains(h) { return kind }
        return nil
    }
}

public struct FieldSpec: Sendable, Equatable {
    public var column: String
    public var kind: FieldKind
    public init(column: String, kind: FieldKind) { self.column = column; self.kind = kind }
}

/// One field's normalised values for every record of a data set, stored column-wise.
final class FieldColumn: @unchecked Sendable {
    let kind: FieldKind
    var tokens: [[String]] = []       // name
    var joined: [String] = []         // name, text (tokens joined), id, category, number (folded value)
    var sortedKey: [String] = []      // name: tokens sorted and joined (order-insensitive identity)
    var tokenSets: [[String]] = []    // text: distinct tokens, sorted (token overlap without allocating)
    var dates: [Int32] = []           // date: YYYYMMDD, 0 when missing
    var numbers: [Double] = []        // number: value, .nan when not numeric

    init(kind: FieldKind) { self.kind = kind }

    func append(_ raw: String) {
        switch kind {
        case .name:
            let t = Normalize.nameTokens(raw)
            tokens.append(t); joined.append(t.joined(separator: " ")); sortedKey.append(t.sorted().joined(separator: " "))
        case .text:
            let t = Normalize.textTokens(raw)
            joined.append(t.joined(separator: " ")); tokenSets.append(Array(Set(t)).sorted())
        case .id:
            joined.append(Normalize.documentMatchKey(raw))
        case .category:
            joined.append(Normalize.category(raw))
        case .number:
            let f = Normalize.fold(raw).replacingOccurrences(of: " ", with: "")
            joined.append(f); numbers.append(Double(f) ?? .nan)
        case .date:
            dates.append(Normalize.spreadsheetDate(raw)?.packed ?? 0)
        }
    }

    /// Appends another column's values (same kind) after this one's.
    func absorb(_ other: FieldColumn) {
        tokens += other.tokens; joined += other.joined; sortedKey += other.sortedKey; tokenSets += other.tokenSets
        dates += other.dates; numbers += other.numbers
    }

    func isMissing(_ i: Int) -> Bool {
        switch kind {
        case .date: return dates[i] == 0
        case .name: return tokens[i].isEmpty
        case .text: return tokenSets[i].isEmpty
        default: return joined[i].isEmpty
        }
    }
}

/// An immutable snapshot of a column for comparison: plain `let` storage, so the hot loop pays no
/// exclusivity checks or reference counting on class properties.
final class ColumnView: Sendable {
    let kind: FieldKind
    let tokens: [[String]]
    let joined: [String]
    let sortedKey: [String]
    let tokenSets: [[String]]
    let dates: [Int32]
    let numbers: [Double]
    let missing: [Bool]

    init(_ c: FieldColumn, count: Int) {
        kind = c.kind; tokens = c.tokens; joined = c.joined; sortedKey = c.sortedKey; tokenSets = c.tokenSets; dates = c.dates; numbers = c.numbers
        missing = (0..<count).map { c.isMissing($0) }
    }

    @inline(__always) func isMissing(_ i: Int) -> Bool { missing[i] }
}

/// Agreement level of one field for one pair: -1 missing, 0 disagree … kind.levels - 1 exact.
enum Compare {
    static func level(_ a: ColumnView, _ i: Int, _ b: ColumnView, _ j: Int) -> Int {
        if a.isMissing(i) || b.isMissing(j) { return -1 }
        switch a.kind {
        case .name: return name(a, i, b, j)
        case .date: return date(a.dates[i], b.dates[j])
        case .id: return id(a.joined[i], b.joined[j])
        case .text: return text(a, i, b, j)
        case .category: return a.joined[i] == b.joined[j] ? 1 : 0
        case .number:
            if a.joined[i] == b.joined[j] { return 2 }
            let x = a.numbers[i], y = b.numbers[j]
            if !x.isNaN && !y.isNaN && x == y { return 2 }
            return Similarity.editDistance(a.joined[i], b.joined[j], transpositions: true, limit: 1) <= 1 ? 1 : 0
        }
    }

    static func name(_ a: ColumnView, _ i: Int, _ b: ColumnView, _ j: Int) -> Int {
        if a.joined[i] == b.joined[j] || a.sortedKey[i] == b.sortedKey[j] { return 4 }
        let s: Double
        if a.tokens[i].count > 1 && b.tokens[j].count > 1 {
            // Several tokens on both sides: token by token, order-insensitive. Jaro-Winkler over the whole
            // string would reward a shared first word (SANTOS QUENNIE / SANTOS JOSEPHINE, MIN JUN /
            // MIN SEO): relatives, not one person spelt two ways.
            s = equalIgnoringSpaces(a.joined[i], b.joined[j]) ? 1 : Similarity.tokenAlignment(a.tokens[i], b.tokens[j])
        } else {
            // One token against one or several (XIAOMING / XIAO MING): the whole strings.
            s = max(Similarity.jaroWinkler(a.joined[i], b.joined[j]), Similarity.jaroWinkler(a.sortedKey[i], b.sortedKey[j]))
        }
        if s >= 0.95 || containsAll(a.tokens[i], b.tokens[j]) { return 3 }
        if s >= 0.88 { return 2 }
        if s >= 0.75 { return 1 }
        // An initial against the full name ("J" / "JOHN") is weak evidence, not disagreement.
        let x = a.joined[i], y = b.joined[j]
        if (x.utf8.count == 1 || y.utf8.count == 1), x.utf8.first == y.utf8.first { return 1 }
        return 0
    }

    /// `XIAO MING` and `XIAOMING`: the same letters, split differently. Compares bytes, allocates nothing.
    static func equalIgnoringSpaces(_ x: String, _ y: String) -> Bool {
        var x = x, y = y
        return x.withUTF8 { a in
            y.withUTF8 { b in
                var i = 0, j = 0
                while true {
                    while i < a.count && a[i] == 0x20 { i += 1 }
                    while j < b.count && b[j] == 0x20 { j += 1 }
                    if i == a.count || j == b.count { return i == a.count && j == b.count }
                    if a[i] != b[j] { return false }
                    i += 1; j += 1
                }
            }
        }
    }

    /// Every token of the shorter name is in the longer one: a dropped middle name (`FIMRAN` /
    /// `FIMRAN RIKGAON`) or a compound family name (`TAN` / `TAN-JASTEI`).
    static func containsAll(_ x: [String], _ y: [String]) -> Bool {
        let (short, long) = x.count <= y.count ? (x, y) : (y, x)
        guard !short.isEmpty, long.count > short.count else { return false }
        return short.allSatisfy(long.contains)
    }

    static func date(_ x: Int32, _ y: Int32) -> Int {
        if x == y { return 4 }
        let ya = x / 10000, ma = (x / 100) % 100, da = x % 100
        let yb = y / 10000, mb = (y / 100) % 100, db = y % 100
        if ya == yb && ma == db && da == mb { return 3 }
        if oneDigitApart(x, y) { return 2 }
        if ya == yb && ma == mb { return 1 }
        // 1 January stands in for an unknown birthday: with the same year it only says the year agrees.
        if ya == yb && ((ma == 1 && da == 1) || (mb == 1 && db == 1)) { return 1 }
        if ma == mb && da == db && abs(ya - yb) <= 10 { return 1 }
        return 0
    }

    /// Two YYYYMMDD dates differ in one digit, or by two adjacent digits swapped (a typing slip).
    static func oneDigitApart(_ x: Int32, _ y: Int32) -> Bool {
        var a = x, b = y, count = 0, first = -1, second = -1
        var fa: Int32 = 0, fb: Int32 = 0, sa: Int32 = 0, sb: Int32 = 0
        for k in 0..<8 {
            let da = a % 10, db = b % 10
            if da != db {
                count += 1
                if count > 2 { return false }
                if count == 1 { first = k; fa = da; fb = db } else { second = k; sa = da; sb = db }
            }
            a /= 10; b /= 10
        }
        return count == 1 || (count == 2 && second == first + 1 && fa == sb && fb == sa)
    }

    static func id(_ x: String, _ y: String) -> Int {
        if x == y { return 3 }
        if inSequence(x, y) { return 0 }
        let d = Similarity.editDistance(x, y, transpositions: true, limit: 2)
        return d == 1 ? 2 : d == 2 ? 1 : 0
    }

    /// Two numbers of one series a few apart (`H94284042`, `H94284043`): documents issued together to one
    /// household, not one document mistyped. Only the last three characters differ, as digits, by at
    /// most 5 (a household's size), and not by two swapped digits.
    static func inSequence(_ x: String, _ y: String) -> Bool {
        let a = Array(x.utf8), b = Array(y.utf8)
        guard a.count == b.count, a.count >= 6 else { return false }
        let tail = a.count - 3
        guard a[..<tail] == b[..<tail] else { return false }
        var na = 0, nb = 0
        for k in tail..<a.count {
            guard (0x30...0x39).contains(a[k]), (0x30...0x39).contains(b[k]) else { return false }
            na = na * 10 + Int(a[k] - 0x30); nb = nb * 10 + Int(b[k] - 0x30)
        }
        let differing = (tail..<a.count).filter { a[$0] != b[$0] }
        if differing.count == 2, differing[1] == differing[0] + 1, a[differing[0]] == b[differing[1]], a[differing[1]] == b[differing[0]] { return false }
        return abs(na - nb) <= 5
    }

    static func text(_ a: ColumnView, _ i: Int, _ b: ColumnView, _ j: Int) -> Int {
        if a.joined[i] == b.joined[j] { return 3 }
        let jw = Similarity.jaroWinkler(a.joined[i], b.joined[j])
        let ts = Similarity.sortedTokenSet(a.tokenSets[i], b.tokenSets[j])
        if jw >= 0.92 || ts >= 0.8 { return 2 }
        if jw >= 0.8 || ts >= 0.5 { return 1 }
        return 0
    }
}
