import Foundation

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
        return infer(words: words(header))
    }

    /// A header's words: split at anything not a letter or digit and where lower case turns upper (`firstNames`,
    /// `PassportNo`), lower-cased, diacritics dropped (`prénom`).
    public static func words(_ header: String) -> Set<String> {
        var out: Set<String> = [], word = ""
        var lastLower = false
        for ch in header.folding(options: [.diacriticInsensitive], locale: nil) {
            if ch.isLetter || ch.isNumber {
                if ch.isUppercase && lastLower && !word.isEmpty { out.insert(word); word = "" }
                word += ch.lowercased()
                lastLower = ch.isLowercase
            } else {
                if !word.isEmpty { out.insert(word) }
                word = ""; lastLower = false
            }
        }
        if !word.isEmpty { out.insert(word) }
        return out
    }

    /// What a category column holds, from its header's words: sex (`sex`, `gender`, `jenis_kelamin`, `jk`), a country
    /// (`nationality`, `citizenship`, `kewarganegaraan`, `country`), or either.
    public static func categoryRole(header: String) -> Normalize.CategoryRole {
        let w = words(header)
        if !w.isDisjoint(with: sexWords) || isLP(w) { return .sex }
        if !w.isDisjoint(with: countryWords) { return .country }
        return .any
    }

    /// `L/P` (or `P/L`), as Indonesian forms head the sex column: laki-laki / perempuan.
    static func isLP(_ w: Set<String>) -> Bool { w == ["l", "p"] }

    /// Header words of a sex column and of a nationality column (both categories).
    static let sexWords: Set<String> = ["sex", "gender", "kelamin", "jk", "geschlecht", "sexe", "sexo"]
    static let countryWords: Set<String> = ["nationality", "citizenship", "kewarganegaraan", "warganegara", "wn", "kebangsaan", "country", "negara",
                                            "nat", "nationalite", "nacionalidad", "staatsangehorigkeit", "citizen"]

    /// Kinds from a header's words, for the headers the table above does not hold word for word: `first_names`,
    /// `document_no`, `DateOfBirth`, `nationality_code`, `Nachname`. What a word rules out comes first: a company's
    /// name is free text, a place of birth is not a date, a father's name is not the person's.
    static func infer(words w: Set<String>) -> FieldKind? {
        func has(_ xs: Set<String>) -> Bool { !w.isDisjoint(with: xs) }
        // Someone else's details (a relative, a contact, an agent, a person in charge), and ways to reach someone: none
        // is the holder's identity.
        if has(["father", "mother", "spouse", "husband", "wife", "ayah", "ibu", "suami", "istri", "parent", "guardian", "wali",
                "contact", "kontak", "emergency", "darurat", "agent", "agen", "pic", "user", "username", "login", "jabatan", "position",
                "sekolah", "school", "bank", "rekening", "account", "kapal", "vessel", "ship",
                "phone", "telp", "telepon", "tel", "hp", "mobile", "handphone", "fax", "email", "mail", "wa", "whatsapp"]) { return nil }
        // A registration number is an id; a company's (`NIK Sponsor`, `NPWP Perusahaan`) is shared by all its workers: none.
        if has(["nik", "npwp", "nib", "ssn"]) { return has(FieldSpec.employerWords) ? nil : .id }
        if has(FieldSpec.employerWords.union(["hotel"])) { return .text }
        if has(sexWords.union(countryWords)) || isLP(w) { return .category }
        // Tempat, tanggal lahir (`ttl`, `tempat_tgl_lahir`): the date is read from after the place.
        let dateWords: Set<String> = ["tanggal", "tgl", "date", "datum", "fecha"]
        if has(["ttl"]) || (has(["tempat", "place"]) && has(dateWords)) { return .date }
        if has(["place", "tempat", "city", "kota", "town", "ort", "lieu", "lugar"]) { return .text }
        if has(["dob", "yob", "birth", "birthdate", "birthday", "born", "lahir", "geburtsdatum", "geboren", "naissance", "nacimiento"]) { return .date }
        // Any other date (a passport's expiry, an arrival) is no birth date, and no document number either.
        if has(dateWords.union(["expiry", "expiration", "expires", "expire", "berlaku", "terbit", "issued", "valid", "until", "habis",
                                "arrival", "departure", "kedatangan", "keberangkatan", "entry", "masuk", "keluar"])) { return nil }
        if has(["type", "tipe", "jenis", "kind", "class", "status"]) { return .category }   // a document's type, not its number
        // The name as the passport writes it (`Name on Passport`, `Nama Sesuai Paspor`): a name, unless a number is meant.
        let nameWords: Set<String> = ["name", "names", "nama"]
        if has(nameWords) && !has(["no", "number", "nomor", "num", "nr", "nummer", "numero"]) { return .name }
        if has(["passport", "paspor", "pasport", "reisepass", "passeport", "pasaporte", "nik", "npwp", "nib", "ssn", "kitas", "kitap", "itas",
                "itap", "document", "dokumen", "doc", "travel"]) { return .id }
        // A permit or a visa is an id by its number (`no_izin`, `permit_number`, `Visa No`); alone (`Izin Tinggal`, `Visa`)
        // the word names its type (ITAS, C312, VOA).
        if has(["izin", "permit", "visa"]) && has(["no", "nomor", "number", "num", "nr", "nummer", "numero"]) { return .id }
        // "first", "last" or "given" alone say nothing (`last_entry`): with "name" they are caught by it.
        if has(["name", "names", "nama", "surname", "surnames", "forename", "forenames",
                "fname", "lname", "firstname", "lastname", "givenname", "givennames", "familyname", "fullname", "marga",
                "nachname", "vorname", "vornamen", "nom", "prenom", "prenoms", "apellido", "apellidos", "nombre", "nombres"]) { return .name }
        if has(["postcode", "zip", "zipcode", "postal", "pos", "plz"]) { return .number }
        if has(FieldSpec.addressWords.union(["suburb", "kelurahan", "kecamatan", "district"])) { return .text }
        return nil
    }
}

public struct FieldSpec: Sendable, Equatable {
    public var column: String
    public var kind: FieldKind
    public init(column: String, kind: FieldKind) { self.column = column; self.kind = kind }

    /// A value kept in several columns, when the file has no column of this whole name: a date, year first
    /// (`birth_year+birth_month+birth_day`; month and day may be left out), or a name in parts (`surname+given_names`,
    /// against a file with the whole name in one column). Empty for any other field.
    public var parts: [String] {
        guard kind == .date || kind == .name, column.contains("+") else { return [] }
        return column.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
    }

    /// Which words of a name column's header say it holds the family name, or the given names; neither: the whole name.
    static let familyNameWords: Set<String> = ["family", "surname", "surnames", "last", "lname", "lastname", "familyname", "nachname",
                                               "apellido", "apellidos", "nom", "marga", "keluarga", "belakang"]
    static let givenNameWords: Set<String> = ["given", "first", "forename", "forenames", "fname", "firstname", "givenname", "givennames",
                                              "vorname", "vornamen", "prenom", "prenoms", "nombre", "nombres", "middle", "depan", "tengah",
                                              "other", "others", "lain"]   // "Surname" and "Other names", as British forms write them
    /// Words of a name column's header that say it holds another name of the holder's, not the one on the passport:
    /// an alias, a maiden or former name, a name in another script (`nama_panggilan`, `maiden_name`, `chinese_name`).
    /// Someone else's name (a relative's, a contact's) is no field at all (`FieldKind.infer`).
    static let otherNameWords: Set<String> = ["alias", "aka", "nickname", "panggilan", "maiden", "previous", "former", "lama",
                                              "sebelumnya", "native", "chinese", "mandarin", "hanzi", "kanji", "arabic", "local",
                                              "script", "kecil"]
    static let travelDocumentWords: Set<String> = ["passport", "paspor", "pasport", "reisepass", "passeport", "pasaporte", "document",
                                                   "dokumen", "doc", "travel"]
    static let employerWords: Set<String> = ["company", "employer", "perusahaan", "sponsor", "penjamin", "organisation", "organization",
                                             "firm", "firma"]
    static let addressWords: Set<String> = ["address", "alamat", "street", "jalan", "domisili", "adresse", "direccion", "residence"]

    /// What a column holds within its kind, told by its header's words, so that a column of another file is paired with
    /// the one that holds the same: for names the family name, the given names, the whole name, or someone else's
    /// name (`other`); for categories sex, a nationality, another country (of birth, of destination) or either; for ids a
    /// travel document or another; for text an employer, an address or other.
    public var role: String {
        let w = FieldKind.words(parts.first ?? column)
        switch kind {
        case .name where !parts.isEmpty: return "whole"
        case .name:
            if !w.isDisjoint(with: Self.otherNameWords) { return "other" }
            return !w.isDisjoint(with: Self.familyNameWords) ? "family" : !w.isDisjoint(with: Self.givenNameWords) ? "given" : "whole"
        case .category:
            let role = FieldKind.categoryRole(header: column)
            let elsewhere: Set<String> = ["birth", "lahir", "born", "destination", "tujuan", "residence", "domisili", "issue", "issuing", "penerbit"]
            return role == .country && !w.isDisjoint(with: elsewhere) ? "country-other" : "\(role)"
        case .id: return w.isDisjoint(with: Self.travelDocumentWords) ? "other" : "travel"
        case .text:
            // A company's address is neither the company's name nor the holder's address.
            let employer = !w.isDisjoint(with: Self.employerWords), address = !w.isDisjoint(with: Self.addressWords)
            if !w.isDisjoint(with: ["place", "tempat", "ort", "lieu", "lugar", "city", "kota", "town"]) && !w.isDisjoint(with: ["birth", "lahir", "born", "geburtsort", "naissance", "nacimiento"]) {
                return "birthplace"
            }
            return employer && address ? "other" : employer ? "employer" : address ? "address" : "other"
        default: return ""
        }
    }

    /// Whether a column of another file with the same kind and role may be paired with this one on that alone: roles
    /// that say what the column holds. Others (an id that is no travel document, free text, a category of either kind,
    /// a number) also need a word of their headers in common.
    var roleSuffices: Bool {
        switch kind {
        case .name: return role != "other"
        case .date: return true
        case .category: return role == "sex" || role == "country"
        case .id: return role == "travel"
        case .text: return role == "employer" || role == "address" || role == "birthplace"
        case .number: return false
        }
    }

    /// Each field's column in another file's header, exported by another system: the column of the same name or
    /// words (`Dataset.column`), else the one column there of the same kind and role (`surname` for `last_name`,
    /// `citizenship` for `nationality`, `birth_date` for `dob`, `Travel Document No` for `passport_number`), else, among
    /// several, the one sharing most words with it. A role that does not say what a column holds (an id that is no travel
    /// document, free text, a category of either kind) needs a word in common. Nil where the other file has none: a
    /// field only one file holds says nothing about a pair.
    public static func counterparts(of fields: [FieldSpec], in header: [String], except idColumn: String) -> [FieldSpec?] {
        var found: [FieldSpec?] = fields.map { columns(of: $0, in: header) == nil ? nil : $0 }
        let used = Set(fields.compactMap { columns(of: $0, in: header) }.joined())
        var others = infer(header: header, except: idColumn).filter { o in (o.parts.isEmpty ? [o.column] : o.parts).allSatisfy { !used.contains($0) } }
        for (k, f) in fields.enumerated() where found[k] == nil && !(f.kind == .name && f.role == "other") {
            let same = others.filter { $0.kind == f.kind && $0.role == f.role }
            let words = FieldKind.words(f.parts.first ?? f.column)
            let shared = same.map { FieldKind.words($0.parts.first ?? $0.column).intersection(words).count }
            let top = shared.max() ?? 0
            var best: FieldSpec?
            if f.roleSuffices && same.count == 1 { best = same[0] }
            else if top > 0, shared.filter({ $0 == top }).count == 1 { best = same[shared.firstIndex(of: top)!] }
            if let best {
                found[k] = best
                others.removeAll { $0 == best }
            }
        }
        return found
    }

    /// The other file's columns a field finds by its name or words (a value kept in parts: each part); nil if any is
    /// missing.
    static func columns(of f: FieldSpec, in header: [String]) -> [String]? {
        if let k = Dataset.column(f.column, in: header) { return [header[k]] }
        let parts = f.parts.compactMap { Dataset.column($0, in: header).map { header[$0] } }
        return !parts.isEmpty && parts.count == f.parts.count ? parts : nil
    }

    /// `counterparts`, and where the two files keep the holder's name in different columns, the name read whole: the
    /// left's name fields none of which the right file has, in parts (family and given names) against one name column
    /// there (`nama_lengkap`), become one name field (`surname+first_name`); one whole name against the right file's
    /// parts, likewise on the right. Returns the left file's fields and the right's, pair by pair, and the fields the
    /// right file lacks (left out).
    public static func paired(_ fields: [FieldSpec], with header: [String], except idColumn: String) -> (left: [FieldSpec], right: [FieldSpec], missing: [FieldSpec]) {
        var left = fields
        func names() -> [Int] { left.indices.filter { left[$0].kind == .name && left[$0].role != "other" } }
        // The holder's name as the other file keeps it, when it finds none of the left's name columns by name.
        let theirs = infer(header: header, except: idColumn).filter { $0.kind == .name && $0.parts.isEmpty && $0.role != "other" }
        let apart = !names().isEmpty && names().allSatisfy { columns(of: left[$0], in: header) == nil }
        // Joined only to meet a whole name, and only when none of ours is whole already.
        if apart, names().count >= 2, theirs.count == 1, theirs[0].role == "whole", !names().contains(where: { left[$0].role == "whole" }) {
            let ours = names()
            left[ours[0]] = FieldSpec(column: ours.map { left[$0].column }.joined(separator: "+"), kind: .name)
            for k in ours.dropFirst().reversed() { left.remove(at: k) }
        }
        var found = counterparts(of: left, in: header, except: idColumn)
        if apart, names().count == 1, let k = names().first, left[k].role == "whole", found[k] == nil, theirs.count >= 2,
           !theirs.contains(where: { $0.role == "whole" }) {
            found[k] = FieldSpec(column: theirs.map(\.column).joined(separator: "+"), kind: .name)
        }
        let missing = zip(left, found).filter { $0.1 == nil }.map(\.0)
        let kept = zip(left, found).filter { $0.1 != nil }
        return (kept.map(\.0), kept.map { $0.1! }, missing)
    }

    static let yearWords: Set<String> = ["year", "yr", "yyyy", "yob", "tahun", "thn", "jahr", "annee", "ano", "anio"]
    static let monthWords: Set<String> = ["month", "mon", "mm", "bulan", "bln", "monat", "mois", "mes"]
    static let dayWords: Set<String> = ["day", "dd", "hari", "tag", "jour", "dia"]

    /// Which part of a date a header's words name (0 year, 1 month, 2 day), or nil. Words of two parts are the date's
    /// format (`Date of Birth (DD/MM/YYYY)`, `Tanggal Lahir (Hari/Bulan/Tahun)`), not a part.
    static func datePart(_ w: Set<String>) -> Int? {
        let found = [yearWords, monthWords, dayWords].indices.filter { !w.isDisjoint(with: [yearWords, monthWords, dayWords][$0]) }
        return found.count == 1 ? found[0] : nil
    }

    /// Whether a header names one part of a date (`Birth Year`, `bulan_lahir`), not a whole date.
    public static func isDatePart(_ header: String) -> Bool { datePart(FieldKind.words(header)) != nil }

    /// The fields of a file, inferred from its header: each column's kind (`FieldKind.infer(header:)`), except that a
    /// date kept in parts (`birth_year`, `birth_month`, `birth_day`; `tahun_lahir`, `bulan_lahir`, `tanggal_lahir`;
    /// `yob`) becomes one date field of its parts, year first, in place of its year's column. Parts are told by a
    /// word for year, month or day beside the words they share (`birth`, `lahir`); a day's column says `tanggal` or
    /// `date` only when a year's column shares its other words.
    public static func infer(header: [String], except idColumn: String) -> [FieldSpec] {
        let columns = header.filter { $0 != idColumn }
        var fields = columns.compactMap { h in FieldKind.infer(header: h).map { FieldSpec(column: h, kind: $0) } }
        func part(_ w: Set<String>) -> (Int, Set<String>)? {
            datePart(w).map { ($0, w.subtracting([yearWords, monthWords, dayWords][$0])) }
        }
        // yob: the year of birth in one word.
        let filler: Set<String> = ["of", "de", "du", "el", "der", "yob"]
        var years: [Set<String>: String] = [:], months: [Set<String>: String] = [:], days: [Set<String>: String] = [:]
        for f in fields where f.kind == .date {
            let w = FieldKind.words(f.column)
            guard let (p, r) = part(w) else { continue }
            let key = (w.contains("yob") ? r.union(["birth"]) : r).subtracting(filler)
            switch p {
            case 0: years[key] = years[key] ?? f.column
            case 1: months[key] = months[key] ?? f.column
            default: days[key] = days[key] ?? f.column
            }
        }
        guard !years.isEmpty else { return fields }
        let dateWords: Set<String> = ["tanggal", "tgl", "date", "datum", "fecha"]
        // A day's column named by a date word (`tanggal_lahir` beside `bulan_lahir` and `tahun_lahir`).
        for f in fields where f.kind == .date {
            let w = FieldKind.words(f.column)
            guard part(w) == nil, !w.isDisjoint(with: dateWords) else { continue }
            let key = w.subtracting(dateWords).subtracting(filler)
            if years[key] != nil, months[key] != nil, days[key] == nil { days[key] = f.column }
        }
        for (key, year) in years {
            var parts = [year]
            if let m = months[key] {
                parts.append(m)
                if let d = days[key] { parts.append(d) }
            }
            // A month or a day without what comes before it says nothing alone: left out with the parts.
            let dropped = Set([months[key], days[key]].compactMap { $0 })
            fields = fields.compactMap { f in
                f.column == year ? FieldSpec(column: parts.joined(separator: "+"), kind: .date) : dropped.contains(f.column) ? nil : f
            }
        }
        return fields
    }
}

/// Values of one column laid end to end in one array: value i is `items[ends[i - 1] ..< ends[i]]`
/// (from 0 for the first). Comparing them needs no reference counting, which on strings and arrays of
/// strings took a quarter of the time of comparing candidate pairs.
struct Packed<Item: BitwiseCopyable & Sendable>: Sendable {
    var items: [Item] = []
    var ends: [Int] = []

    mutating func append<S: Sequence>(_ values: S) where S.Element == Item { items.append(contentsOf: values); ends.append(items.count) }
    mutating func append(contentsOf other: Packed) {
        let base = items.count
        items += other.items
        ends += other.ends.map { $0 + base }
    }
}

extension Packed where Item == UInt8 {
    static var seed: UInt64 { 0xcbf2_9ce4_8422_2325 }

    /// FNV-1a of `bytes`, continuing from `h`.
    @inline(__always)
    static func fnv(_ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = h
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func fnv(_ h: UInt64, _ other: UInt64) -> UInt64 {
        var h = h
        for k in 0..<8 { h = (h ^ ((other >> (8 * UInt64(k))) & 0xFF)) &* 0x100_0000_01b3 }
        return h
    }

    /// Value `i`'s bytes, lent to `body`.
    @inline(__always)
    func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        items.withUnsafeBufferPointer { items in body(UnsafeBufferPointer(rebasing: items[(i == 0 ? 0 : ends[i - 1])..<ends[i]])) }
    }

    /// Whether value `i` has no bytes.
    @inline(__always) func isEmpty(_ i: Int) -> Bool { ends[i] == (i == 0 ? 0 : ends[i - 1]) }

    /// Value `i` as a string (for messages and tests; the hot paths read the bytes).
    func string(_ i: Int) -> String { withValue(i) { String(decoding: $0, as: UTF8.self) } }

    /// Every value as a string (tests).
    var strings: [String] { ends.indices.map(string) }

    /// Each value's 64-bit hash: values that are equal hash equal (counting values without strings).
    func hashes() -> [UInt64] {
        items.withUnsafeBufferPointer { items in
            var start = 0
            return ends.map { end in
                defer { start = end }
                return Packed.fnv(Packed.seed, UnsafeBufferPointer(rebasing: items[start..<end]))
            }
        }
    }
}

/// One field's normalised values for every record of a data set, stored column-wise.
final class FieldColumn: @unchecked Sendable {
    let kind: FieldKind
    var tokens: [[String]] = []       // name
    var dates: [Int32] = []           // date: YYYYMMDD, 0 when missing
    var numbers: [Double] = []        // number: value, .nan when not numeric
    /// name, text (tokens joined by spaces), id, category, number (folded value). Bytes laid end to end, not strings:
    /// a million records' strings (a heap block each for most names, employers and addresses) took half a gigabyte.
    var joinedBytes = Packed<UInt8>()
    var keyBytes = Packed<UInt8>()        // name: the tokens sorted and joined (order-insensitive identity)
    var speltBytes = Packed<UInt8>()      // name: the tokens as spelt, joined, where the romanisation table changed one; else empty
    var tokenHashes = Packed<UInt64>()    // text: hashes of the distinct tokens, sorted (token overlap by a merge)
    /// id: the cell's other numbers, each as its match key, joined by spaces (`E1234567 / 2C24AB1234-X`: the permit's
    /// number here, the passport's in `joinedBytes`); empty for a cell of one number.
    var partsBytes = Packed<UInt8>()
    /// id: whether the cell's first value is a number (`Normalize.isNumber`), which may be found in another column.
    var isNumber: [Bool] = []
    /// date: how many values could only be read day first, or only month first, and which could be read either way
    /// (`DateOrder`); `settleDateOrder` turns those when the column is written month first.
    var dayFirstOnly = 0, monthFirstOnly = 0
    var eitherOrder: [Int32] = []
    /// How `eitherOrder[..<settled]` is read now (turned: month first); those after it are still read day first.
    private var settled = 0, turned = false

    /// Reused between values (a column is filled by one thread at a time).
    private var scratchFolded: [UInt8] = [], scratchJoined: [UInt8] = [], scratchHashes: [UInt64] = []
    /// Values already read, by their cell (category, date); bounded, the first values kept.
    private var categoryMemo: [String: [UInt8]] = [:]
    private var dateMemo: [String: (packed: Int32, order: Normalize.DateOrder)] = [:]

    /// category: which synonyms its values are read with (`FieldKind.categoryRole`).
    let role: Normalize.CategoryRole

    init(kind: FieldKind, role: Normalize.CategoryRole = .any) { self.kind = kind; self.role = role }

    func append(_ value: String) {
        // A date cell with an age behind it (`Normalize.ageMark`): the cell, and the age for where it holds no date.
        let (cell, age) = kind == .date ? Normalize.ageMarked(value) : (value, nil)
        // Values are compared byte by byte: canonically equivalent spellings (한 as one syllable or as
        // three jamo, é as one code point or e + accent) are composed first so that their bytes agree.
        let ascii = cell.utf8.withContiguousStorageIfAvailable { Similarity.isASCII($0) } ?? cell.utf8.allSatisfy { $0 < 0x80 }
        var raw = ascii ? cell : cell.precomposedStringWithCanonicalMapping
        if Normalize.isMissingMarker(raw, name: kind == .name) { raw = "" }
        switch kind {
        case .name:
            let (t, spelt) = Normalize.nameTokensAndSpelling(raw)
            tokens.append(t)
            joinedBytes.append(t.joined(separator: " ").utf8); keyBytes.append(t.sorted().joined(separator: " ").utf8)
            speltBytes.append(spelt.map { Array($0.joined(separator: " ").utf8) } ?? [])
        case .text:
            Normalize.textWords(raw, folded: &scratchFolded, joined: &scratchJoined, hashes: &scratchHashes)
            joinedBytes.append(scratchJoined)
            tokenHashes.append(scratchHashes)
        case .id:
            let numbers = Normalize.documentNumbers(raw)
            joinedBytes.append((numbers.first ?? "").utf8)
            // `Normalize.isNumber` from the key already made (folding keeps the length), not a second pass over the cell.
            isNumber.append((numbers.first?.utf8.count ?? 0) >= 6 && raw.utf8.contains { (0x30...0x39).contains($0) })
            partsBytes.append(numbers.dropFirst().joined(separator: " ").utf8)
        case .category:
            // Few values, each written over and over (`L`, `CHN`): each is read once per batch.
            if let known = categoryMemo[raw] {
                joinedBytes.append(known)
            } else {
                let value = Array(Normalize.category(raw, as: role).utf8)
                if categoryMemo.count < 4096 { categoryMemo[raw] = value }
                joinedBytes.append(value)
            }
        case .number:
            let f = Normalize.fold(raw).replacingOccurrences(of: " ", with: "")
            joinedBytes.append(f.utf8); numbers.append(Double(f) ?? .nan)
        case .date:
            // A date is read once per batch: a list writes many people's dates alike (a default 01-01, one day's arrivals).
            let read: (packed: Int32, order: Normalize.DateOrder)
            if let known = dateMemo[raw] {
                read = known
            } else {
                let (date, order) = Normalize.spreadsheetDateAndOrder(raw)
                // A year alone, or a month and year (a list that keeps the year of birth only): known in part.
                read = (date?.packed ?? Normalize.partialDate(raw) ?? 0, order)
                if dateMemo.count < 1 << 16 { dateMemo[raw] = read }
            }
            switch read.order {
            case .dayFirst: dayFirstOnly += 1
            case .monthFirst: monthFirstOnly += 1
            case .either: eitherOrder.append(Int32(dates.count))
            case .none: break
            }
            // An age from the file's age column where the date is missing (`Dataset.load`): the years it allows.
            dates.append(read.packed != 0 ? read.packed : age.map { Normalize.birthYear(age: $0, reference: Normalize.ageReferenceYear) } ?? 0)
        }
    }

    /// A column of dates written month first (a US-locale export: `7/25/1985`, `07/09/1985`) is told by its values
    /// that only one order can read: when more than three quarters of them (and at least two) are month first, the
    /// values either order could read (`07/09/1985`, read 7 September) are turned (9 July). A column that is day first,
    /// with a few month-first values where day first was impossible (Excel in another locale), keeps its reading.
    /// Decided again over the whole column whenever values were added since: every value is always read one way.
    func settleDateOrder() {
        guard kind == .date, !eitherOrder.isEmpty else { return }
        let monthFirst = monthFirstOnly >= 2 && monthFirstOnly > 3 * dayFirstOnly
        func turn(_ range: Range<Int>) {
            for k in range {
                let i = Int(eitherOrder[k]), v = dates[i]
                dates[i] = v / 10_000 * 10_000 + (v % 100) * 100 + (v / 100) % 100
            }
        }
        if monthFirst != turned { turn(0..<settled) }                  // those read before, the other way now
        if monthFirst { turn(settled..<eitherOrder.count) }            // the new ones are read day first
        settled = eitherOrder.count
        turned = monthFirst
    }

    /// Appends another column's values (same kind) after this one's.
    func absorb(_ other: FieldColumn) {
        let base = Int32(dates.count)
        eitherOrder += other.eitherOrder.map { $0 + base }
        dayFirstOnly += other.dayFirstOnly; monthFirstOnly += other.monthFirstOnly
        tokens += other.tokens
        dates += other.dates; numbers += other.numbers
        joinedBytes.append(contentsOf: other.joinedBytes); keyBytes.append(contentsOf: other.keyBytes); tokenHashes.append(contentsOf: other.tokenHashes)
        speltBytes.append(contentsOf: other.speltBytes); partsBytes.append(contentsOf: other.partsBytes)
        isNumber += other.isNumber
    }

    /// Each of a record's numbers in this id column, the first (if it is a number: `isNumber`) and the others
    /// (`partsBytes`), lent to `body` in turn.
    func forEachDocument(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if isNumber[i] { joinedBytes.withValue(i) { if !$0.isEmpty { body($0) } } }
        partsBytes.withValue(i) { parts in
            var start = 0
            while start < parts.count {
                var end = start
                while end < parts.count && parts[end] != 0x20 { end += 1 }
                if end > start { body(UnsafeBufferPointer(rebasing: parts[start..<end])) }
                start = end + 1
            }
        }
    }

    func isMissing(_ i: Int) -> Bool {
        switch kind {
        case .date: return dates[i] == 0
        case .name: return tokens[i].isEmpty
        case .text: return tokenHashes.ends[i] == (i == 0 ? 0 : tokenHashes.ends[i - 1])
        default: return joinedBytes.isEmpty(i)
        }
    }
}

/// An immutable snapshot of a column for comparison: plain `let` storage; `withRaw` lends it to the hot
/// loop as pointers.
final class ColumnView: Sendable {
    let kind: FieldKind
    let tokens: [[String]]
    let dates: [Int32]
    let numbers: [Double]
    let missing: [Bool]
    let joinedBytes: Packed<UInt8>
    let keyBytes: Packed<UInt8>
    let tokenHashes: Packed<UInt64>
    let speltBytes: Packed<UInt8>
    /// id: the record's other document numbers, joined by spaces: the cell's own others (`FieldColumn.partsBytes`), then
    /// a `|`, then the numbers of its other id columns (`Dataset.views`). Empty (no values) for other kinds.
    let alsoBytes: Packed<UInt8>
    /// id, with other numbers (`alsoBytes`): per record a bit for each of its numbers (by the number's hash), so that
    /// two records with no bit in common are known to share no number without comparing them (`Compare.compared`).
    let documentBits: [UInt64]

    init(_ c: FieldColumn, count: Int, also: Packed<UInt8> = Packed()) {
        kind = c.kind; tokens = c.tokens; dates = c.dates; numbers = c.numbers
        joinedBytes = c.joinedBytes; keyBytes = c.keyBytes; tokenHashes = c.tokenHashes; speltBytes = c.speltBytes
        alsoBytes = also
        missing = (0..<count).map { c.isMissing($0) }
        documentBits = also.ends.isEmpty ? [] : (0..<count).map { i in
            var bits: UInt64 = 0
            c.joinedBytes.withValue(i) { first in also.withValue(i) { rest in
                _ = Compare.eachNumber(first, rest) { n, _ in bits |= 1 << (Packed<UInt8>.fnv(Packed<UInt8>.seed, n) >> 58); return false }
            } }
            return bits
        }
    }

    @inline(__always) func isMissing(_ i: Int) -> Bool { missing[i] }

    /// The column as pointers, valid during `body`.
    func withRaw<R>(_ body: (RawColumn) -> R) -> R {
        missing.withUnsafeBufferPointer { missing in dates.withUnsafeBufferPointer { dates in numbers.withUnsafeBufferPointer { numbers in
            joinedBytes.items.withUnsafeBufferPointer { jb in joinedBytes.ends.withUnsafeBufferPointer { je in
                keyBytes.items.withUnsafeBufferPointer { kb in keyBytes.ends.withUnsafeBufferPointer { ke in
                    tokenHashes.items.withUnsafeBufferPointer { th in tokenHashes.ends.withUnsafeBufferPointer { te in
                        speltBytes.items.withUnsafeBufferPointer { sb in speltBytes.ends.withUnsafeBufferPointer { se in
                            alsoBytes.items.withUnsafeBufferPointer { ab in alsoBytes.ends.withUnsafeBufferPointer { ae in documentBits.withUnsafeBufferPointer { db in
                                body(RawColumn(kind: kind, missing: missing, dates: dates, numbers: numbers, joined: .init(items: jb, ends: je),
                                               key: .init(items: kb, ends: ke), hashes: .init(items: th, ends: te), spelt: .init(items: sb, ends: se),
                                               also: .init(items: ab, ends: ae), documentBits: db))
                            } } }
                        } }
                    } }
                } }
            } }
        } } }
    }

    /// Every column of a data set as pointers, valid during `body`.
    static func withRaw<R>(_ views: [ColumnView], _ body: (UnsafeBufferPointer<RawColumn>) -> R) -> R {
        func nest(_ k: Int, _ done: inout [RawColumn]) -> R {
            if k == views.count { return done.withUnsafeBufferPointer(body) }
            return views[k].withRaw { raw in
                done.append(raw)
                return nest(k + 1, &done)
            }
        }
        var done: [RawColumn] = []
        done.reserveCapacity(views.count)
        return nest(0, &done)
    }
}

/// A packed column lent as pointers.
struct RawPacked<Item> {
    let items: UnsafeBufferPointer<Item>
    let ends: UnsafeBufferPointer<Int>

    @inline(__always) subscript(i: Int) -> UnsafeBufferPointer<Item> {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(rebasing: items[start..<ends[i]])
    }
}

/// A column as pointers: what the comparisons read, with no reference counting.
struct RawColumn {
    let kind: FieldKind
    let missing: UnsafeBufferPointer<Bool>
    let dates: UnsafeBufferPointer<Int32>
    let numbers: UnsafeBufferPointer<Double>
    let joined: RawPacked<UInt8>
    let key: RawPacked<UInt8>
    let hashes: RawPacked<UInt64>
    /// Names: each value as spelt where the romanisation table changed it (`FieldColumn.speltBytes`); no rows otherwise.
    let spelt: RawPacked<UInt8>
    /// Ids: the record's other document numbers (`ColumnView.alsoBytes`); no rows otherwise.
    let also: RawPacked<UInt8>
    /// Ids with other numbers: a bit per number of each record (`ColumnView.documentBits`); empty otherwise.
    let documentBits: UnsafeBufferPointer<UInt64>
}

/// What a pair's comparison reads first, one row of 64-bit words per record: which fields are missing (bit f of
/// word 0), then per field the date (YYYYMMDD) or the value's hash. A date or a category is compared from its row
/// alone, and `ComparisonMemo` looks values up by these hashes, so a pair touches one or two cache lines of each
/// record before any field's bytes, where reading them column by column cost a miss per column.
struct RecordRows: Sendable {
    let stride: Int
    let words: [UInt64]

    init(_ views: [ColumnView], count: Int) {
        let width = 1 + views.count
        stride = width
        var words = [UInt64](repeating: 0, count: stride * count)
        for (f, v) in views.enumerated() {
            var hashes = v.kind == .date ? [] : v.joinedBytes.hashes()
            if v.kind == .id && !v.alsoBytes.ends.isEmpty {
                // The record's other documents count in its hash (the memo's key): they may agree where this value does not.
                for (i, h) in v.alsoBytes.hashes().enumerated() where !v.alsoBytes.isEmpty(i) { hashes[i] = Packed<UInt8>.fnv(hashes[i] ^ 0xFF, h) }
            }
            if v.kind == .name {
                // A name as spelt counts in its hash (the memo's key): HUI and XU read alike but compare apart.
                v.speltBytes.items.withUnsafeBufferPointer { items in
                    var start = 0
                    for (i, end) in v.speltBytes.ends.enumerated() {
                        if end > start {
                            hashes[i] = Packed<UInt8>.fnv(hashes[i] ^ 0xFF, UnsafeBufferPointer(rebasing: items[start..<end]))
                            words[i * width] |= RecordRows.spelt(f)
                        }
                        start = end
                    }
                }
            }
            for i in 0..<count {
                if v.missing[i] { words[i * stride] |= 1 << UInt64(f) }
                words[i * stride + 1 + f] = v.kind == .date ? UInt64(UInt32(bitPattern: v.dates[i])) : hashes[i]
            }
        }
        self.words = words
    }

    /// Bit of a record's first word saying that name field `f` has a spelling of its own (`FieldColumn.speltBytes`), so
    /// that a comparison reads the spellings only where there are some. Bits 0…11 say which fields are missing.
    @inline(__always) static func spelt(_ f: Int) -> UInt64 { 1 << UInt64(32 + f) }
}

/// The agreement levels of value pairs already compared, for one thread's share of the candidate pairs.
///
/// A field's level depends only on the two values, and values repeat: an employer, a common name, a household's
/// address. Comparing the same two values again cost more than looking them up. Each field has a direct-mapped
/// table keyed by the two values' hashes; a slot holds the key with the level in its low three bits, and a newer
/// pair simply takes the slot. Two different value pairs would have to agree on 61 bits of a 64-bit key to be
/// mistaken for each other.
///
/// Where values rarely repeat within a comparison (passport numbers, most addresses) a look-up only adds a miss
/// of the processor's cache, so each field measures its own hit rate over windows of look-ups: below a quarter,
/// it compares directly and keeps only every sixteenth pair in the table, to notice when repeats begin.
struct ComparisonMemo: ~Copyable {
    static let window = 4096
    /// Slots per field, 2^slotBits: up to 2^16 (half a megabyte, within the processor's cache), fewer for a thread
    /// with few pairs to compare, whose tables would otherwise cost more to clear than they save.
    private let slotBits: Int
    private let slots: UnsafeMutablePointer<UInt64>
    /// Per field: look-ups and hits in the current window, whether the table is in use, pairs seen.
    private let counters: UnsafeMutablePointer<Int>
    private let fields: Int

    /// A memo for `fields` fields and about `pairs` pairs.
    init(fields: Int, pairs: Int) {
        self.fields = fields
        slotBits = min(16, max(8, Int.bitWidth - max(pairs, 1).leadingZeroBitCount - 2))
        slots = .allocate(capacity: fields << slotBits)
        slots.initialize(repeating: 0, count: fields << slotBits)
        counters = .allocate(capacity: 4 * fields)
        for f in 0..<fields { (counters + 4 * f).initialize(from: [0, 0, 1, 0], count: 4) }
    }

    deinit { slots.deallocate(); counters.deallocate() }

    /// Whether field `f` is looking its pairs up (for the tests).
    func isRemembering(_ f: Int) -> Bool { counters[4 * f + 2] == 1 }

    /// The level of field `f` for two values with hashes `x` and `y` (neither missing), from `compare` on a miss.
    @inline(__always)
    func level(_ f: Int, _ x: UInt64, _ y: UInt64, _ compare: () -> Int) -> Int {
        let c = counters + 4 * f
        if c[2] == 0 {
            c[3] &+= 1
            if c[3] & 15 != 0 { return compare() }
        }
        c[0] += 1
        var key = x &* 0x9E37_79B9_7F4A_7C15 ^ y
        key ^= key >> 29; key = key &* 0xBF58_476D_1CE4_E5B9; key ^= key >> 32
        let tag = key & ~7
        let slot = slots + (f << slotBits) + Int(truncatingIfNeeded: key >> 3) & ((1 << slotBits) - 1)
        let held = slot.pointee
        let level: Int
        if held != 0 && held & ~7 == tag {
            c[1] += 1
            level = Int(held & 7) - 1
        } else {
            level = compare()
            slot.pointee = tag | UInt64(level + 1)
        }
        if c[0] == Self.window {
            c[2] = c[1] * 4 >= c[0] ? 1 : 0
            c[0] = 0; c[1] = 0
        }
        return level
    }
}

/// Agreement level of one field for one pair: -1 missing, 0 disagree … kind.levels - 1 exact.
enum Compare {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func level(_ a: ColumnView, _ i: Int, _ b: ColumnView, _ j: Int) -> Int {
        a.withRaw { x in b.withRaw { y in level(x, i, y, j) } }
    }

    @inline(__always)
    static func level(_ a: RawColumn, _ i: Int, _ b: RawColumn, _ j: Int) -> Int {
        if a.missing[i] || b.missing[j] { return -1 }
        return compared(a, i, b, j)
    }

    /// `level` from the records' rows (`RecordRows`, `x` and `y` point at them), with a memo of value pairs
    /// already compared.
    @inline(__always)
    static func level(_ f: Int, _ a: RawColumn, _ i: Int, _ x: UnsafePointer<UInt64>, _ b: RawColumn, _ j: Int, _ y: UnsafePointer<UInt64>,
                      memo: borrowing ComparisonMemo) -> Int {
        if (x[0] | y[0]) & (1 << UInt64(f)) != 0 { return -1 }
        switch a.kind {
        case .date: return date(Int32(bitPattern: UInt32(truncatingIfNeeded: x[1 + f])), Int32(bitPattern: UInt32(truncatingIfNeeded: y[1 + f])))
        case .category: return x[1 + f] == y[1 + f] ? 1 : 0
        case .name: return memo.level(f, x[1 + f], y[1 + f]) { name(a, i, b, j, spelt: (x[0] | y[0]) & RecordRows.spelt(f) != 0) }
        case .text, .id, .number: return memo.level(f, x[1 + f], y[1 + f]) { compared(a, i, b, j) }
        }
    }

    /// The level of two values, neither missing.
    @inline(__always)
    static func compared(_ a: RawColumn, _ i: Int, _ b: RawColumn, _ j: Int) -> Int {
        switch a.kind {
        case .name: return name(a, i, b, j, spelt: true)
        case .date: return date(a.dates[i], b.dates[j])
        case .id:
            let level = id(a.joined[i], b.joined[j])
            if level == 3 { return level }
            // Each file has its other documents only where some record has some.
            let xs = a.also.ends.isEmpty ? Bytes(start: nil, count: 0) : a.also[i], ys = b.also.ends.isEmpty ? Bytes(start: nil, count: 0) : b.also[j]
            if xs.isEmpty && ys.isEmpty { return level }
            // No number in common where no bit is (either file's bits, where both have some).
            if !a.documentBits.isEmpty && !b.documentBits.isEmpty && a.documentBits[i] & b.documentBits[j] == 0 { return level }
            return anyDocumentAgrees(a.joined[i], xs, b.joined[j], ys) ? 3 : level
        case .text: return text(a, i, b, j)
        case .category: return Tokens.equal(a.joined[i], b.joined[j]) ? 1 : 0
        case .number:
            let x = a.joined[i], y = b.joined[j]
            if Tokens.equal(x, y) { return 2 }
            let u = a.numbers[i], v = b.numbers[j]
            if !u.isNaN && !v.isNaN && u == v { return 2 }
            return Similarity.editDistance(x, y, transpositions: true, limit: 1) <= 1 ? 1 : 0
        }
    }

    /// `spelt`: whether either name may have a spelling of its own (false when the records' rows say neither has).
    static func name(_ a: RawColumn, _ i: Int, _ b: RawColumn, _ j: Int, spelt: Bool) -> Int {
        let x = a.joined[i], y = b.joined[j], kx = a.key[i], ky = b.key[j]
        let level = name(x, kx, y, ky)
        guard level < 4, spelt else { return level }
        // Where the romanisation table changed a name, the spellings are compared too, and the better level counts.
        let sx = a.spelt[i], sy = b.spelt[j]
        if sx.isEmpty && sy.isEmpty { return level }
        let px = sx.isEmpty ? x : sx, py = sy.isEmpty ? y : sy
        return max(level, name(px, sx.isEmpty ? kx : sx, py, sy.isEmpty ? ky : sy))
    }

    /// The level of two names given as their tokens (`x`, `y`) and sorted tokens (`kx`, `ky`), each joined by spaces.
    static func name(_ x: Bytes, _ kx: Bytes, _ y: Bytes, _ ky: Bytes) -> Int {
        if Tokens.equal(x, y) || Tokens.equal(kx, ky) { return 4 }
        // The same letters with the words run together otherwise: in the same order (XIAO MING / XIAOMING), or each word of
        // the name with fewer words one or several words in a row of the other, in any order (SONG YONG CHUN / YONGCHUN
        // SONG). Spaces are how a list wrote the name, as the order of its words is, and agree exactly as well.
        if equalIgnoringSpaces(x, y) { return 4 }
        // Each name split into its words once, for every test below (each of five tests split them again before).
        return Tokens.with(x) { a in Tokens.with(y) { b in name(x, kx, a, y, ky, b) } }
    }

    /// `name`, past the exact tests, with each name's words (`a`, `b`).
    private static func name(_ x: Bytes, _ kx: Bytes, _ a: UnsafeBufferPointer<Bytes>, _ y: Bytes, _ ky: Bytes, _ b: UnsafeBufferPointer<Bytes>) -> Int {
        if joinedOtherwise(a, b, slip: false) { return 4 }
        let s: Double
        if a.count > 1 && b.count > 1 {
            // Several tokens on both sides: token by token, order-insensitive. Jaro-Winkler over the whole
            // string would reward a shared first word (SANTOS QUENNIE / SANTOS JOSEPHINE, MIN JUN /
            // MIN SEO): relatives, not one person spelt two ways.
            // Only whether it reaches 0.75 matters below it (the levels' bounds).
            s = Similarity.tokenAlignment(a, b, floor: 0.75)
        } else {
            // One token against one or several (XIAOMING / XIAO MINH): the whole strings, as written and
            // with the words sorted. One word on each side is its own sorted key: compared once.
            let direct = Similarity.jaroWinkler(x, y)
            s = Tokens.equal(x, kx) && Tokens.equal(y, ky) ? direct : max(direct, Similarity.jaroWinkler(kx, ky))
        }
        if s >= 0.95 || containsAll(a, b) { return 3 }
        if s >= 0.88 || (a.count != b.count && (closeToAll(a, b) || joinedOtherwise(a, b, slip: true))) { return 2 }
        if s >= 0.75 { return 1 }
        // Short names (LI / LK, OH / OK): one letter changed leaves Jaro-Winkler at 0.7, below the bound
        // above, though it is the same slip as in a long name.
        // Latin letters only: one byte apart in another script is another character (李 / 杜), and two different
        // initials (J / K) are not one name.
        if (2...3).contains(x.count) && (2...3).contains(y.count) && isLatin(x) && isLatin(y)
            && Similarity.editDistance(x, y, transpositions: true, limit: 1) <= 1 { return 1 }
        // An initial against the full name ("J" / "JOHN") is weak evidence, not disagreement.
        if (x.count == 1 || y.count == 1), x.first == y.first { return 1 }
        return 0
    }

    /// Every token of the shorter name (two or more) is in the longer but one, which is close to another of its tokens: a
    /// dropped middle name with a slip in another word (`CIM WOLMIA` / `VOLMIA SINNO KIM` is not; `KIM WOLMIA` / `VOLMIA
    /// SINNO KIM` is), which the score over all tokens counts against twice. Close is Jaro-Winkler 0.88 or more. At least
    /// one word agrees exactly and one at most is a slip, so names made of short syllables (LI NA / LU NI WANG, LI JUN /
    /// LI JIN HUA) are not close by slips alone.
    static func closeToAll(_ a: UnsafeBufferPointer<Bytes>, _ b: UnsafeBufferPointer<Bytes>) -> Bool {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard short.count >= 2, long.count > short.count, long.count <= 64 else { return false }
        var used: UInt64 = 0
        var slip = -1
        for (i, t) in short.enumerated() {
            guard let k = long.indices.first(where: { used & (1 << UInt64($0)) == 0 && Tokens.equal(t, long[$0]) }) else {
                if slip >= 0 { return false }      // a second word not in the longer name
                slip = i
                continue
            }
            used |= 1 << UInt64(k)
        }
        guard slip >= 0 else { return true }
        let t = short[slip]
        return long.indices.contains { k in
            let u = long[k]
            return used & (1 << UInt64(k)) == 0 && Similarity.jaroWinkler(t, u) >= 0.88
        }
    }

    @inline(__always) static func isLatin(_ a: Bytes) -> Bool { a.allSatisfy { $0 >= 0x41 && $0 <= 0x5A } }

    /// `XIAO MING` and `XIAOMING`: the same letters, split differently. Compares bytes, allocates nothing.
    static func equalIgnoringSpaces(_ a: Bytes, _ b: Bytes) -> Bool {
        var i = 0, j = 0
        while true {
            while i < a.count && a[i] == 0x20 { i += 1 }
            while j < b.count && b[j] == 0x20 { j += 1 }
            if i == a.count || j == b.count { return i == a.count && j == b.count }
            if a[i] != b[j] { return false }
            i += 1; j += 1
        }
    }

    /// The words of one name are the other's run together otherwise, in any order: a given name's syllables joined on
    /// one side and apart on the other, the family name first on one and last on the other (`WU KANG FENG` /
    /// `KANGFENG WU`, `JUNG HA YEONG` / `HAYEONG JUNG`). Each word of the name with fewer words is one word of the
    /// other or several of them in a row, every word used once.
    /// `slip`: one word of the fewer may be its run of the other's words spelt otherwise (Jaro-Winkler 0.88 or more, two
    /// letters more or fewer at most), every other word exact: the syllables romanised otherwise where a list splits them
    /// (`HUILAN LI` / `LI HUY LAN`, `JIATAO PENG` / `PENG ZIA TAO`), which token by token agree on one word alone. As
    /// generous as `Similarity.tokenAlignment` is with names of as many words (`HUILAN LI` / `HUYLAN LI` is level 2 too).
    static func joinedOtherwise(_ a: UnsafeBufferPointer<Bytes>, _ b: UnsafeBufferPointer<Bytes>, slip: Bool) -> Bool {
        // About as many letters on both sides, first: most pairs compared are not alike at all.
        let letters = a.reduce(0) { $0 + $1.count } - b.reduce(0) { $0 + $1.count }
        guard slip ? abs(letters) <= 2 : letters == 0 else { return false }
        let (few, many) = a.count <= b.count ? (a, b) : (b, a)
        guard few.count >= 2, many.count > few.count, many.count <= 16 else { return false }
        let longest = many.reduce(0) { $0 + $1.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longest) { run in
            // Word k of `few` and those after it, from the words of `many` not in `used`; every way of spelling word k
            // from a run of free words is tried (HA HAYEONG / HA YEONG HA: the first HA is not the one to take). The
            // slip's run is spelt into `run`: a deeper call may write it too (one reached by an exact word still has its
            // slip), but only after the calls made with the run spelt, which have no slip left and never write it, return.
            func spell(_ k: Int, _ used: UInt64, _ slip: Bool) -> Bool {
                if k == few.count { return used.nonzeroBitCount == many.count }
                let t = few[k]
                for start in many.indices where used & (1 << UInt64(start)) == 0 {
                    var at = 0, end = start, words: UInt64 = 0
                    while end < many.count, used & (1 << UInt64(end)) == 0, at + many[end].count <= t.count,
                          many[end].elementsEqual(UnsafeBufferPointer(rebasing: t[at..<(at + many[end].count)])) {
                        at += many[end].count; words |= 1 << UInt64(end); end += 1
                        if at == t.count { break }
                    }
                    if at == t.count && spell(k + 1, used | words, slip) { return true }
                    guard slip else { continue }
                    at = 0; end = start; words = 0
                    while end < many.count, used & (1 << UInt64(end)) == 0, at + many[end].count <= t.count + 2 {
                        _ = UnsafeMutableBufferPointer(rebasing: run[at..<(at + many[end].count)]).update(fromContentsOf: many[end])
                        at += many[end].count; words |= 1 << UInt64(end); end += 1
                        if at + 2 >= t.count, Similarity.jaroWinkler(t, UnsafeBufferPointer(rebasing: run[..<at])) >= 0.88,
                           spell(k + 1, used | words, false) { return true }
                    }
                }
                return false
            }
            return spell(0, 0, slip)
        }
    }

    /// Every token of the shorter name is in the longer one: a dropped middle name (`FIMRAN` /
    /// `FIMRAN RIKGAON`) or a compound family name (`TAN` / `TAN-JASTEI`).
    static func containsAll(_ a: UnsafeBufferPointer<Bytes>, _ b: UnsafeBufferPointer<Bytes>) -> Bool {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard !short.isEmpty, long.count > short.count else { return false }
        return short.allSatisfy { t in long.contains { Tokens.equal($0, t) } }
    }

    static func date(_ x: Int32, _ y: Int32) -> Int {
        // A date known in part (a year, or a month and year) agrees at most as far as it is known: the year, and the
        // month where both know it, on the level of "year and month agree".
        if Normalize.isPartial(x) || Normalize.isPartial(y) {
            // A date read from an age: born in the years it allows (`Normalize.birthYear`).
            if Normalize.fromAge(x) || Normalize.fromAge(y) {
                let ya = x / 10000, yb = y / 10000
                if Normalize.fromAge(x) && Normalize.fromAge(y) { return abs(ya - yb) <= 3 ? 1 : 0 }
                let (age, other) = Normalize.fromAge(x) ? (ya, yb) : (yb, ya)
                return (age - 3...age + 1).contains(other) ? 1 : 0
            }
            let ma = (x / 100) % 100, mb = (y / 100) % 100
            return x / 10000 == y / 10000 && (ma == mb || ma == 0 || mb == 0) ? 1 : 0
        }
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
        Array(x.utf8).withUnsafeBufferPointer { a in Array(y.utf8).withUnsafeBufferPointer { b in id(a, b) } }
    }

    static func id(_ x: Bytes, _ y: Bytes) -> Int {
        if Tokens.equal(x, y) { return 3 }
        if inSequence(x, y) { return 0 }
        let d = Similarity.editDistance(x, y, transpositions: true, limit: 2)
        return d == 1 ? 2 : d == 2 ? 1 : 0
    }

    /// Whether a number of this column of one record (its value `x`, or another number of its cell) is among all the
    /// other record's numbers, or the other way round: the permit's number in the passport's column, two numbers in one
    /// cell. `xs`, `ys`: the cell's other numbers, `|`, the record's other columns' numbers (`ColumnView.alsoBytes`). Two
    /// records sharing a number in another column only (one permit, two passports) do not agree here: that column says so.
    static func anyDocumentAgrees(_ x: Bytes, _ xs: Bytes, _ y: Bytes, _ ys: Bytes) -> Bool {
        eachNumber(x, xs) { u, ownU in eachNumber(y, ys) { v, ownV in (ownU || ownV) && Tokens.equal(u, v) } }
    }

    /// Each number of a record in one id column, its value `first` and then `rest` (`ColumnView.alsoBytes`), with
    /// whether it is this column's own; stops, returning true, when `body` does.
    static func eachNumber(_ first: Bytes, _ rest: Bytes, _ body: (Bytes, Bool) -> Bool) -> Bool {
        if !first.isEmpty && body(first, true) { return true }
        var start = 0, own = true
        while start < rest.count {
            var end = start
            while end < rest.count && rest[end] != 0x20 { end += 1 }
            if end == start + 1 && rest[start] == 0x7C { own = false }
            else if end > start && body(UnsafeBufferPointer(rebasing: rest[start..<end]), own) { return true }
            start = end + 1
        }
        return false
    }

    /// Two numbers of one series a few apart (`H94284042`, `H94284043`): documents issued together to one
    /// household, not one document mistyped. Only the last three characters differ, as digits, by at
    /// most 5 (a household's size). Two swapped digits (a typing slip) always differ by 9 or more.
    static func inSequence(_ a: Bytes, _ b: Bytes) -> Bool {
        guard a.count == b.count, a.count >= 6 else { return false }
        let tail = a.count - 3
        for k in 0..<tail where a[k] != b[k] { return false }
        var na = 0, nb = 0
        for k in tail..<a.count {
            guard (0x30...0x39).contains(a[k]), (0x30...0x39).contains(b[k]) else { return false }
            na = na * 10 + Int(a[k] - 0x30); nb = nb * 10 + Int(b[k] - 0x30)
        }
        return abs(na - nb) <= 5
    }

    static func text(_ a: RawColumn, _ i: Int, _ b: RawColumn, _ j: Int) -> Int {
        let x = a.joined[i], y = b.joined[j]
        if Tokens.equal(x, y) { return 3 }
        let ts = Similarity.sortedTokenSet(a.hashes[i], b.hashes[j])
        if ts >= 0.8 { return 2 }
        // Only whether the similarity reaches 0.92, or 0.8 where the words do not already give level 1.
        let jw = Similarity.jaroWinkler(x, y, reaching: ts >= 0.5 ? 0.92 : 0.8)
        if jw >= 0.92 || abbreviates(x, y) || abbreviates(y, x) { return 2 }
        if jw >= 0.8 || ts >= 0.5 { return 1 }
        return 0
    }

    /// Words of Indonesian addresses of three to six letters, written short or not: a place's kind, neither a company's
    /// initials nor a word they stand for (`MESS KPK` is not `… KEC. PENJARINGAN, KOTA JAKARTA …`).
    static let placeWords: [[UInt8]] = ["KEC", "KAB", "KEL", "KOTA", "DESA", "DSN", "DUSUN", "BLOK", "PERUM", "KOMP", "MESS", "GANG", "RUKO",
                                          "KAV", "APT", "LANTAI", "TOWER", "UNIT", "VILLA", "HOTEL", "KOS", "KOST", "RUMAH", "WISMA"].map { Array($0.utf8) }

    static func isPlaceWord(_ w: Bytes) -> Bool { placeWords.contains { $0.count == w.count && $0.elementsEqual(w) } }

    /// A value of one or two words, one of which is the initials of as many words in a row of the other: a company (or
    /// its mess) named by its initials, as lists do (`SLE` / `SURYA LESTARI ENGINEERING`, `MESS WXSI` / `MESS WAN XING
    /// STEEL INDONESIA, KEC. …`). The initials are three to six letters, not a word of the other value nor an address's
    /// own abbreviation (`placeWords`); the words they stand for are letters, two or more each (not a block, a number
    /// or a house), and not an address's own words.
    static func abbreviates(_ short: Bytes, _ long: Bytes) -> Bool {
        guard short.count <= 13, short.count >= 3, long.count >= 3 * short.count / 2 else { return false }
        return Tokens.with(short) { s in
            guard s.count <= 2 else { return false }
            return Tokens.with(long) { l in
                s.contains { t in
                    guard (3...6).contains(t.count), l.count >= t.count, isLatin(t), !l.contains(where: { Tokens.equal($0, t) }), !isPlaceWord(t) else { return false }
                    return (0...(l.count - t.count)).contains { start in
                        t.indices.allSatisfy { k in
                            let w = l[start + k]
                            return w.count >= 2 && w[0] == t[k] && isLatin(w) && !isPlaceWord(w)
                        }
                    }
                }
            }
        }
    }
}
