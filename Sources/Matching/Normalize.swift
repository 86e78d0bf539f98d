import Foundation

/// Normalisers: every value is folded once when a record is read, so comparisons work on short
/// ASCII byte strings.
public enum Normalize {
    /// Upper-case ASCII with diacritics removed and punctuation turned into single spaces:
    /// `Nguyễn Văn Đức` → `NGUYEN VAN DUC`, `O'Brien-Smith` → `O BRIEN SMITH`.
    public static func fold(_ s: String) -> String {
        var out = [UInt8]()
        fold(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `fold` into a byte buffer (cleared first): words separated by single spaces (0x20), none at either end.
    static func fold(_ s: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var ascii = true
        for b in s.utf8 where b >= 0x80 { ascii = false; break }
        let source: String
        if ascii {
            source = s
        } else {
            var t = s
            if s.unicodeScalars.contains(where: { foldedApartScalars.contains($0) }) {
                for (from, to) in foldedApart { t = t.replacingOccurrences(of: from, with: to) }
            }
            source = transliterated(t.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil))
        }
        out.reserveCapacity(source.utf8.count)
        var pendingSpace = false
        for b in source.utf8 {
            var c = b
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            let alnum = (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
            if alnum {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(c)
            } else if c < 0x80 {
                pendingSpace = true
            } else {
                // Non-Latin script left after folding (e.g. Han, Hangul): keep it, it still compares exactly.
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(c)
            }
        }
    }

    /// Letters that folding diacritics away leaves as they are, and how `fold` writes them in Latin letters.
    private static let foldedApart: [(String, String)] = [("Đ", "D"), ("đ", "d"), ("ß", "SS"), ("Ø", "O"), ("ø", "o"), ("Æ", "AE"), ("æ", "ae"), ("Ł", "L"), ("ł", "l"), ("ı", "i")]
    private static let foldedApartScalars = Set(foldedApart.flatMap { $0.0.unicodeScalars })

    /// Cyrillic and Greek letters in Latin, as passports' machine-readable zones write them: Cyrillic by ICAO 9303
    /// (Иванов → IVANOV, Щукина → SHCHUKINA), Greek by ELOT 743, which Greek passports use (Παπαδόπουλος →
    /// PAPADOPOULOS, Ευάγγελος → EVANGELOS, Κωνσταντίνος → KONSTANTINOS, Ευστάθιος → EFSTATHIOS). A list typed from a visa page in the holder's script then compares with a
    /// registry read from the zone. Letters Russian shares with Ukrainian take the Russian reading (Г → G, И → I; a
    /// Ukrainian passport writes H and Y: a slip for the comparison); Ukrainian, Belarusian, Serbian, Macedonian and Kazakh
    /// letters their own. Other scripts (Han, Hangul, Arabic) are kept as written.
    static func transliterated(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { (0x0370...0x04FF).contains($0.value) }) else { return s }
        let scalars = s.unicodeScalars.map { c -> UInt32 in
            guard (0x0370...0x04FF).contains(c.value), let u = c.properties.uppercaseMapping.unicodeScalars.first,
                  c.properties.uppercaseMapping.unicodeScalars.count == 1 else { return c.value }
            return u.value
        }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var k = 0
        func letter(_ v: UInt32) -> Bool { (0x0370...0x04FF).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) }
        while k < scalars.count {
            let v = scalars[k], next = k + 1 < scalars.count ? scalars[k + 1] : 0
            let start = k == 0 || !letter(scalars[k - 1])
            // Greek pairs (ELOT 743, as Greek passports write them): ΟΥ → OU; ΑΥ, ΕΥ, ΗΥ → AV, EV, IV, but AF, EF, IF before
            // Θ Κ Ξ Π Σ Τ Φ Χ Ψ or at a word's end; ΓΓ → NG, ΓΞ → NX, ΓΧ → NCH; ΜΠ → B at a word's start or end, MP within it.
            // ΓΚ and ΝΤ are GK and NT, letter by letter.
            let end = k + 2 >= scalars.count || !letter(scalars[k + 2])
            let voiceless: Set<UInt32> = [0x0398, 0x039A, 0x039E, 0x03A0, 0x03A3, 0x03A4, 0x03A6, 0x03A7, 0x03A8]
            let af = end || voiceless.contains(scalars[k + 2])
            let pair: String? = switch (v, next) {
            case (0x039F, 0x03A5): "OU"
            case (0x0391, 0x03A5): af ? "AF" : "AV"
            case (0x0395, 0x03A5): af ? "EF" : "EV"
            case (0x0397, 0x03A5): af ? "IF" : "IV"
            case (0x0393, 0x0393): "NG"
            case (0x0393, 0x039E): "NX"
            case (0x0393, 0x03A7): "NCH"
            case (0x039C, 0x03A0): start || end ? "B" : "MP"
            default: nil
            }
            if let pair {
                out += pair
                k += 2
                continue
            }
            if let latin = cyrillicGreek[v] { out += latin } else if let c = Unicode.Scalar(v) { out.unicodeScalars.append(c) }
            k += 1
        }
        return out
    }

    /// Upper-case Cyrillic and Greek letters in Latin.
    static let cyrillicGreek: [UInt32: String] = {
        var m: [UInt32: String] = [:]
        let cyrillic = ["A", "B", "V", "G", "D", "E", "ZH", "Z", "I", "I", "K", "L", "M", "N", "O", "P", "R", "S", "T", "U", "F", "KH",
                        "TS", "CH", "SH", "SHCH", "IE", "Y", "", "E", "IU", "IA"]
        for (k, l) in cyrillic.enumerated() { m[0x0410 + UInt32(k)] = l }
        // Ѐ Ё Ђ Ѓ Є Ѕ І Ї Ј Љ Њ Ћ Ќ Ѝ Ў Џ; Ґ; Kazakh, Uzbek and Tajik Ғ Қ Ң Ү Ұ Ҳ Ҷ Һ Ә Ө.
        let extra = ["E", "E", "D", "G", "IE", "DZ", "I", "I", "J", "LJ", "NJ", "C", "K", "I", "U", "DZ"]
        for (k, l) in extra.enumerated() { m[0x0400 + UInt32(k)] = l }
        for (v, l) in [(0x0490, "G"), (0x0492, "G"), (0x049A, "K"), (0x04A2, "NG"), (0x04AE, "U"), (0x04B0, "U"), (0x04B2, "KH"),
                       (0x04B6, "J"), (0x04BA, "H"), (0x04D8, "A"), (0x04E8, "O")] as [(UInt32, String)] { m[v] = l }
        let greek = ["A", "V", "G", "D", "E", "Z", "I", "TH", "I", "K", "L", "M", "N", "X", "O", "P", "R", "", "S", "T", "Y", "F", "CH", "PS", "O"]
        for (k, l) in greek.enumerated() where !l.isEmpty { m[0x0391 + UInt32(k)] = l }
        return m
    }()

    /// Words that carry no identity in a name and are dropped: Malay patronymic particles, and the titles
    /// Indonesian forms put before a name (Tuan, Nyonya, Nona, Saudara/i) or English ones.
    /// A typed name's tokens as a look-up asks the registry's stored keys for them: `nameTokens` without any patronymic
    /// particle. A stored key is made of family, given and full names in one string, where a particle first in the given
    /// name (BIN) follows another word and is dropped; a look-up typed "Bin Zheng" must not ask for it.
    public static func lookupTokens(_ s: String) -> [String] {
        nameTokens(s).filter { !patronymics.contains($0) }
    }

    /// Whether a name's first word is a patronymic particle, which `nameTokens` keeps there (`BIN`, `AL HASHIMI`).
    public static func startsWithPatronymic(_ s: String) -> Bool {
        fold(s).split(separator: " ").first.map { patronymics.contains(String($0)) } ?? false
    }

    /// The particles that stand between a person's name and the father's (`BIN`, `BINTI`, `AL`): a name's first word
    /// is never one (`BIN` alone is a Chinese given name).
    static let patronymics: Set<String> = ["BIN", "BINTI", "BTE", "BT", "AL", "BN"]
    static let particles: Set<String> = ["BIN", "BINTI", "BTE", "BT", "A L", "A P", "AL", "BN",
                                         "TN", "NY", "NN", "SDR", "SDRI", "MR", "MRS", "MS", "MISS", "MDM"]

    /// What a category column holds, from its header (`FieldKind.categoryRole`): its values are read with the synonyms
    /// of that role only. A sex column reads `PR` and `LK` as perempuan and laki-laki; a nationality column reads them
    /// as Puerto Rico and Sri Lanka; a column whose header says neither reads both tables, sex winning.
    public enum CategoryRole: Sendable { case any, sex, country }

    /// Sex as Indonesian and other lists write it: L/P (laki-laki/perempuan), and male/female in a few languages.
    static let sexSynonyms: [String: String] = {
        var m: [String: String] = [:]
        for v in ["L", "LAKI LAKI", "LAKI", "LK", "PRIA", "MALE", "MAN", "MASCULINO", "HOMME", "MASCULIN", "MANNLICH", "MAENNLICH", "MASC"] { m[v] = "M" }
        for v in ["P", "PR", "PEREMPUAN", "WANITA", "FEMALE", "W", "WOMAN", "FEMENINO", "FEMME", "FEMININ", "WEIBLICH", "FEM"] { m[v] = "F" }
        return m
    }()

    /// Nationalities for ISO alpha-3 codes: every country's ISO alpha-2 code and English names (ISO 3166-1,
    /// `CountryCodes`, generated), then, winning where both name a value, the Indonesian names and English adjectives of
    /// the countries most foreigners in Indonesia come from, and the machine-readable zone's own codes.
    static let countrySynonyms: [String: String] = {
        var m: [String: String] = [:]
        for line in CountryCodes.table.split(separator: "\n") {
            let cols = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cols.count == 3 else { continue }
            let code = String(cols[0])
            if !missingMarkersNotNames.contains(String(cols[1])) { m[String(cols[1])] = code }   // NA is "not available", not Namibia
            for name in cols[2].split(separator: ";") { m[fold(String(name))] = code }
        }
        for (code, variants) in commonCountries { for v in variants { m[v] = code } }
        return m
    }()

    /// What ISO's names do not hold, for the countries most foreigners in Indonesia come from: their Indonesian names,
    /// other English spellings and the English adjective, and the codes of the machine-readable zone that are not ISO's (D for Germany; the British GBD, GBN,
    /// GBO, GBP and GBS, who are British for matching). A scanned passport says D where the registry says DEU.
    static let commonCountries: [(code: String, variants: [String])] = [
        ("CHN", ["TIONGKOK", "RRC", "RRT", "CINA", "TIONGHOA", "CHINESE", "PEOPLES REPUBLIC OF CHINA", "PRC", "P R C"]),
        ("KOR", ["KOREA SELATAN", "KORSEL", "KOREA", "KOREAN"]),
        ("PRK", ["KOREA UTARA"]),
        ("JPN", ["JEPANG", "JAPANESE"]),
        ("IND", ["INDIAN"]),
        ("PHL", ["FILIPINA", "FILIPINO"]),
        ("MYS", ["MALAYSIAN"]),
        ("SGP", ["SINGAPURA", "SINGAPOREAN"]),
        ("THA", ["THAI"]),
        ("VNM", ["VIETNAMESE"]),
        ("TWN", ["TAIWANESE"]),
        ("HKG", ["HONGKONG"]),
        ("MAC", ["MAKAU", "MACAU"]),
        ("MMR", ["BURMA"]),
        ("KHM", ["KAMBOJA"]),
        ("BRN", ["BRUNEI"]),
        ("TLS", ["EAST TIMOR"]),
        ("PNG", ["PAPUA NUGINI"]),
        ("AUS", ["AUSTRALIAN"]),
        ("NZL", ["SELANDIA BARU"]),
        ("NLD", ["BELANDA", "HOLLAND", "DUTCH"]),
        ("USA", ["AMERIKA SERIKAT", "AMERIKA", "AS", "AMERICAN"]),
        ("CAN", ["KANADA", "CANADIAN"]),
        ("GBR", ["INGGRIS", "BRITANIA RAYA", "UK", "GREAT BRITAIN", "BRITISH", "GBD", "GBN", "GBO", "GBP", "GBS"]),
        ("IRL", ["IRLANDIA", "IRISH"]),
        ("DEU", ["JERMAN", "DEUTSCHLAND", "GERMAN", "D"]),
        ("FRA", ["PRANCIS", "PERANCIS", "FRENCH"]),
        ("ESP", ["SPANYOL", "SPANISH"]),
        ("PRT", ["PORTUGIS", "PORTUGUESE"]),
        ("ITA", ["ITALIA", "ITALIAN"]),
        ("CHE", ["SWISS"]),
        ("AUT", ["AUSTRIAN"]),
        ("BEL", ["BELGIA", "BELGIAN"]),
        ("DNK", ["DANISH"]),
        ("NOR", ["NORWEGIA", "NORWEGIAN"]),
        ("SWE", ["SWEDIA", "SWEDISH"]),
        ("FIN", ["FINLANDIA", "FINNISH"]),
        ("POL", ["POLANDIA", "POLISH"]),
        ("CZE", ["CEKO", "CEKOSLOWAKIA", "CZECH"]),
        ("UKR", ["UKRAINA", "UKRAINIAN"]),
        ("RUS", ["RUSIA", "RUSSIA", "RUSSIAN"]),
        ("TUR", ["TURKI", "TURKEY", "TURKISH"]),
        ("GRC", ["YUNANI", "GREEK"]),
        ("BRA", ["BRASIL", "BRAZILIAN"]),
        ("ARG", ["ARGENTINIAN"]),
        ("MEX", ["MEKSIKO", "MEXICAN"]),
        ("ZAF", ["AFRIKA SELATAN"]),
        ("EGY", ["MESIR", "EGYPTIAN"]),
        ("NGA", ["NIGERIAN"]),
        ("SAU", ["ARAB SAUDI", "SAUDI"]),
        ("ARE", ["UNI EMIRAT ARAB", "UAE"]),
        ("YEM", ["YAMAN"]),
        ("IRN", ["IRANIAN"]),
        ("IRQ", ["IRAK", "IRAQI"]),
        ("SYR", ["SURIAH"]),
        ("AFG", ["AFGHAN"]),
        ("BGD", ["BANGLADESHI"]),
        ("PAK", ["PAKISTANI"]),
        ("NPL", ["NEPALI"]),
        ("IDN", ["INDONESIAN", "WNI"]),
    ]

    /// ISO/IEC 5218 codes, read in a sex column only (in another a 1 is a 1).
    static let sexCodes: [String: String] = ["1": "M", "2": "F", "0": "", "9": ""]

    /// Both tables, for a column whose header says neither: the sex readings win (`PR`, `LK`, `AS` as Indonesian lists
    /// write sex and Amerika Serikat).
    static let categorySynonyms: [String: String] = countrySynonyms.merging(sexSynonyms) { _, sex in sex }

    /// A category value: folded, then mapped to one spelling (`laki-laki` → `M`, `Tiongkok` → `CHN`) by its column's role.
    public static func category(_ s: String, as role: CategoryRole = .any) -> String {
        let f = fold(s)
        switch role {
        case .any: return categorySynonyms[f] ?? citizenOf(f).flatMap { countrySynonyms[$0] } ?? f
        // ISO/IEC 5218, which population registers (Dukcapil's too) write: 1 male, 2 female, 0 not known and 9 not
        // applicable (missing). In a sex column only.
        case .sex: return sexSynonyms[f] ?? sexCodes[f] ?? f
        case .country: return countrySynonyms[f] ?? citizenOf(f).flatMap { countrySynonyms[$0] } ?? f
        }
    }

    /// The country of "citizen of", as Indonesian forms write a nationality: `WN China`, `WNA Jepang`, `Warga Negara
    /// Malaysia` (warga negara, warga negara asing); nil for a value that does not begin so.
    static func citizenOf(_ folded: String) -> String? {
        for prefix in ["WARGA NEGARA ASING ", "WARGA NEGARA ", "WNA ", "WN "] where folded.hasPrefix(prefix) {
            return String(folded.dropFirst(prefix.count))
        }
        return nil
    }

    /// Words that exports write where a value is missing (`NULL` from a database, `None` from Python, `N/A`, `NA` from
    /// R, `nan`, `unknown`, `tidak diketahui`). Read as a value, two records with `N/A` for a passport would agree on
    /// it. `NA`, `NAN`, `NIL` and `N. A.` are names or initials too (LI NA, NIL, N. A. SMITH), so they are missing only
    /// in fields that are not names.
    static let missingMarkers: Set<String> = ["NULL", "NONE", "UNKNOWN", "TIDAK DIKETAHUI", "TIDAK ADA", "TIDAK TAHU", "NOT AVAILABLE"]
    static let missingMarkersNotNames: Set<String> = ["NA", "NAN", "N A", "NIL"]

    /// Whether `raw` is one of the `missingMarkers`. Cheap for every other value: only short ones beginning with one of
    /// the markers' letters are folded.
    public static func isMissingMarker(_ raw: String, name: Bool) -> Bool {
        let u = raw.utf8
        guard u.count <= 20, let first = u.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return false }
        switch first | 0x20 {        // lower case
        case UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "t"): break
        default: return false
        }
        let f = fold(raw)
        return missingMarkers.contains(f) || (!name && missingMarkersNotNames.contains(f))
    }


    /// Tokens of free text (company names, addresses) that every value shares and that say nothing
    /// about which one it is: legal forms and address words.
    static let textStopWords: Set<String> = ["PT", "CV", "TBK", "PERSERO", "UD", "P", "T", "C", "V", "JL", "JLN", "JALAN", "NO", "RT", "RW"]


    /// Each word of `fold`'s output (split at its single spaces), lent as bytes. Output with letters of other scripts
    /// is split as characters, as before: there a space can belong to a character (a zero-width non-joiner or a
    /// combining mark after it), and the words must stay those of the keys already stored (`name_key`).
    static func words(_ folded: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if folded.contains(where: { $0 >= 0x80 }) {
            for word in String(decoding: folded, as: UTF8.self).split(separator: " ") {
                var w = String(word)
                w.withUTF8 { body($0) }
            }
            return
        }
        folded.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                var end = start
                while end < all.count && all[end] != 0x20 { end += 1 }
                body(UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end + 1
            }
        }
    }

    static let textStopWordBytes: [[UInt8]] = textStopWords.map { Array($0.utf8) }

    /// Text words: folded words without the stop words (`PT. Maju Jaya Tbk.` → `MAJU JAYA`), for reading a column:
    /// the kept words joined by single spaces into `joined`, and each
    /// word's hash (`Blocking.hash`) into `hashes`, sorted and without repeats. `folded` is scratch space.
    /// (Reading 1.8 million addresses and company names through `String` words and a `Set` was a third of the time
    /// spent reading and normalising the agency set.)
    static func textWords(_ s: String, folded: inout [UInt8], joined: inout [UInt8], hashes: inout [UInt64]) {
        fold(s, into: &folded)
        joined.removeAll(keepingCapacity: true); hashes.removeAll(keepingCapacity: true)
        words(folded) { word in
            if !textStopWordBytes.contains(where: { $0.count == word.count && $0.elementsEqual(word) }) {
                if !joined.isEmpty { joined.append(0x20) }
                joined.append(contentsOf: word)
                hashes.append(Blocking.hash(word))
            }
        }
        hashes.sort()
        var kept = 0
        for i in hashes.indices where kept == 0 || hashes[kept - 1] != hashes[i] { hashes[kept] = hashes[i]; kept += 1 }
        hashes.removeLast(hashes.count - kept)
    }

    /// Canonical spelling of name tokens whose romanisation varies between documents. Applied to both
    /// sides, so `CHANG WEI` and `ZHANG WEI` compare equal.
    static let canonical: [String: String] = {
        var m: [String: String] = [:]
        func add(_ target: String, _ variants: [String]) { for v in variants { m[v] = target } }
        // Chinese: Wade-Giles, Cantonese and other spellings to pinyin.
        add("ZHANG", ["CHANG", "CHEUNG", "CHEONG", "TEO", "TIO"])
        add("XU", ["HSU", "HSÜ", "HUI", "CHUI", "TSUI"])
        add("LI", ["LEE", "LEI", "LY", "YI", "RHEE", "RI", "I", "YEE"])
        add("WANG", ["WONG", "UONG", "VUONG", "ONG"])
        add("XIE", ["HSIEH", "TSE", "CHIA"])
        add("ZHOU", ["CHOU", "CHOW", "CHAU", "JOU"])
        add("CAI", ["TSAI", "CHOI", "CHOY", "CHOE"])
        add("ZENG", ["TSENG", "TSANG"])
        add("JIANG", ["CHIANG", "KEUNG"])
        add("GUO", ["KUO", "KWOK", "KOH"])
        add("HONG", ["HUNG"])
        add("YE", ["YEH", "YIP"])
        add("ZHU", ["CHU", "CHOO"])
        add("ZHAO", ["CHAO", "CHIU"])
        add("XIAO", ["HSIAO", "SIU"])
        add("GAO", ["KAO", "KO"])
        add("SONG", ["SUNG"])
        add("DONG", ["TUNG"])
        add("DENG", ["TENG"])
        add("HUANG", ["HWANG"])
        add("CHEN", ["CHAN", "TAN", "CHIN"])
        add("LIN", ["LAM", "LIM", "IM", "YIM"])
        add("LIU", ["LAU", "LAO"])
        add("YU", ["YOO", "RYU", "YOU", "YUE"])
        add("WU", ["NG", "GOH", "WOO"])
        add("ZHENG", ["CHENG", "CHEANG", "TAY"])
        // Korean surnames.
        add("PARK", ["BAK", "PAK", "BAKE"])
        add("JUNG", ["JEONG", "CHUNG", "CHEONG", "JOUNG"])
        add("KIM", ["GIM", "KHIM"])
        add("KANG", ["GANG"])
        add("CHO", ["JO", "JOE", "CHOH"])
        add("YUN", ["YOON", "YOUN"])
        add("SHIN", ["SIN", "SHEEN"])
        add("OH", ["O"])
        add("SEO", ["SUH", "SUR"])
        // Arabic and South Asian given names.
        add("MUHAMMAD", ["MOHAMMED", "MOHAMMAD", "MOHAMED", "MOHAMAD", "MUHAMAD", "MUHAMMED", "MOHD", "MOHAMMEDE", "MUHD", "MOHAMMET", "MEHMET", "MD"])
        add("AHMAD", ["AHMED", "AHAMED", "AHAMAD", "AHMET"])
        add("ABDUL", ["ABD", "ABDEL", "ABDOUL", "ABDULL"])
        add("HUSAIN", ["HUSSAIN", "HOSSAIN", "HUSSEIN", "HUSEIN", "HOSSEIN"])
        add("YUSUF", ["YUSOF", "YOUSUF", "YOUSEF", "YOUSSEF", "YUSOFF"])
        add("IBRAHIM", ["EBRAHIM", "IBRAHEEM"])
        // Vietnamese after diacritic folding.
        add("NGUYEN", ["NGUYN", "NGUEN", "NGYUEN"])
        add("TRAN", ["TRANG"])
        add("PHAM", ["FAM"])
        add("HOANG", ["HUYNH"])
        return m
    }()

    /// Japanese long vowels written several ways (SATOU, SATOH, SATOO → SATO).
    static func japaneseVowels(_ t: String) -> String {
        guard t.count >= 4 else { return t }
        if t.hasSuffix("OU") || t.hasSuffix("OH") || t.hasSuffix("OO") { return String(t.dropLast()) }
        if t.hasSuffix("UU") { return String(t.dropLast()) }
        return t
    }

    /// Name tokens: folded, particles dropped, hyphenated and run-together syllables split as written
    /// (`MIN-JUN` → `MIN JUN`), each mapped to its canonical romanisation.
    /// The words of a name as written (folded, particles and titles left out): what a person types to find it.
    public static func nameWords(_ s: String) -> [String] {
        fold(s).split(separator: " ").map(String.init).filter { !particles.contains($0) }
    }

    public static func nameTokens(_ s: String) -> [String] { nameTokensAndSpelling(s).tokens }

    /// `nameTokens`, and the same tokens as spelt (before the table of romanisations, `canonical`) when the table
    /// changed one of them, or with a BIN that the tokens drop; nil when neither happened. A comparison takes the better of the two: the table only ever
    /// adds agreement (CHANG / ZHANG), never takes away the agreement of a typing slip (HUI, a given name the table
    /// reads as the surname XU, against HUY).
    static func nameTokensAndSpelling(_ s: String) -> (tokens: [String], spelt: [String]?) {
        var folded: [UInt8] = []
        fold(s.utf8.contains(0x28) ? withoutRemarks(s) : s, into: &folded)
        var tokens: [String] = [], spelt: [String] = [], changed = false
        words(folded) { word in
            let t = String(decoding: word, as: UTF8.self)
            // A patronymic particle stands between names (MOHD FAIZAL BIN ABDULLAH): as a name's first word it is the
            // name itself (BIN, a Chinese given name: ZHENG BIN), and kept. Titles go wherever they stand.
            if particles.contains(t) && (!tokens.isEmpty || !patronymics.contains(t)) {
                // BIN is also a syllable of Chinese and Korean given names (CHEN BIN LIANG, BINLIANG CHEN): the name as
                // spelt keeps it, so that the comparison's better level sees the name either way.
                if t == "BIN" { spelt.append(t); changed = true }
                return
            }
            // Vowel folding applies after the table too, so both spellings of a pair end up identical.
            let v = japaneseVowels(t)
            if let c = canonical[t] {
                changed = true
                tokens.append(japaneseVowels(c))
            } else {
                tokens.append(v)
            }
            spelt.append(v)
        }
        return (tokens, changed ? spelt : nil)
    }

    /// A name without the remarks in brackets that lists written by hand add to it: the person's country (`KAZUYA ISHIZONO
    /// (JPN)`, `(WN Jerman)`, `(Tiongkok)`) or their place in a family (`(ISTRI)`, `(ANAK)`). Read as words of the name,
    /// they made one person's two rows disagree and namesakes' rows agree. Other words in brackets (an alias, a maiden
    /// name, a nickname: `(SOM)`, `(KEN)`) are the name's, and stay (`remarkCountries`).
    static func withoutRemarks(_ s: String) -> String {
        var out = "", rest = Substring(s)
        while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            let inside = fold(String(rest[rest.index(after: open)..<close]))
            let remark = familyRemarks.contains(inside) || remarkCountries.contains(inside) || citizenOf(inside).map(isCountry) == true
            out += rest[..<open]
            out += remark ? " " : rest[open...close]
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Whether a folded value names a country: its ISO code or one of its names (`countrySynonyms`).
    static func isCountry(_ folded: String) -> Bool { countrySynonyms[folded] != nil || countryCodes.contains(folded) }
    static let countryCodes = Set(countrySynonyms.values)

    /// What a bracket after a name holds when it is the person's country: a country's name of four letters or more (but
    /// for the few that are given names too), and the codes and Indonesian names of the countries most foreigners in
    /// Indonesia come from (`commonCountries`). Other codes are names too often (SOM and TON are Thai nicknames, BEN and
    /// KEN English ones: Somalia, Tonga, Benin, Kenya).
    static let remarkCountries: Set<String> = {
        var set = Set(countrySynonyms.keys.filter { $0.utf8.count >= 4 && !["JORDAN", "ISRAEL", "GEORGIA", "CHAD"].contains($0) })
        for (code, variants) in commonCountries { set.insert(code); for v in variants where v.utf8.count >= 3 { set.insert(v) } }
        return set
    }()

    /// A person's place in a family, as lists write it in brackets after a dependant's name (Indonesian and English).
    static let familyRemarks: Set<String> = ["ISTRI", "ISTERI", "SUAMI", "ANAK", "ANAK KANDUNG", "ANAK ANGKAT", "ANAK TIRI", "TANGGUNGAN",
                                              "PASANGAN", "WIFE", "HUSBAND", "SPOUSE", "DAUGHTER", "CHILD", "DEPENDANT", "DEPENDENT"]

    /// Passport and other document numbers: upper-case alphanumerics with the characters OCR and
    /// people confuse folded together (O/Q→0, I/L→1). Stored as the registry's passport key, so its
    /// output must not change; matching folds further with `documentMatchKey`.
    public static func documentID(_ s: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            var c = b
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            switch c {
            case 0x4F, 0x51: out.append(0x30)          // O, Q → 0
            case 0x49, 0x4C: out.append(0x31)          // I, L → 1
            case 0x30...0x39, 0x41...0x5A: out.append(c)
            default: continue
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The document numbers a cell holds, as match keys (`documentMatchKey`): one, or several written together
    /// (`E1234567 / 2C24AB1234-X`, `E1234567, 2C24AB1234-X`, `E1234567 - 2C24AB1234-X`), split at a slash, comma,
    /// semicolon or bar, or a hyphen with spaces around it (`TZ2-026663` is one number). Parts without a digit, or of
    /// fewer than six characters, are left out (`E1234567 / DALAM PROSES`, `… , exp 12/2026`). A cell without such a
    /// part is kept whole, as before.
    public static func documentNumbers(_ s: String) -> [String] {
        func separates(_ u: String.UTF8View) -> Bool {
            var before: UInt8 = 0, hyphen = false
            for b in u {
                if b == 0x2F || b == 0x2C || b == 0x3B || b == 0x7C || (hyphen && b == 0x20) { return true }
                hyphen = b == 0x2D && before == 0x20
                before = b
            }
            return false
        }
        guard separates(s.utf8) else {
            let k = documentMatchKey(s)
            return k.isEmpty ? [] : [k]
        }
        let parts = s.replacingOccurrences(of: " - ", with: "/").split(whereSeparator: { "/,;|".contains($0) })
        let numbers = parts.filter(isNumber).map { documentMatchKey(String($0)) }
        if numbers.isEmpty { let k = documentMatchKey(s); return k.isEmpty ? [] : [k] }
        return numbers
    }

    /// Whether a document cell (or a part of one) is a number worth looking for elsewhere: a digit as written, and six
    /// characters or more once folded (`DALAM PROSES`, `VOA`, `2026` are not).
    public static func isNumber(_ s: some StringProtocol) -> Bool {
        s.utf8.contains { (0x30...0x39).contains($0) } && documentID(String(s)).utf8.count >= 6
    }

    /// A document number for comparison: `documentID` with the other letters OCR reads as digits folded
    /// too (S→5, B→8, Z→2), so `E1234S67B` and `E12345678` compare equal.
    public static func documentMatchKey(_ s: String) -> String {
        String(decoding: documentID(s).utf8.map { c -> UInt8 in
            switch c {
            case 0x53: 0x35
            case 0x42: 0x38
            case 0x5A: 0x32
            default: c
            }
        }, as: UTF8.self)
    }

    /// Without leading and trailing spaces and tabs; the value itself when there are none (the usual
    /// case), so reading a million rows does not go through Foundation for each value.
    public static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let first = u.first, let last = u.last else { return s }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        if !blank(first) && !blank(last) { return s }
        guard let lo = u.firstIndex(where: { !blank($0) }), let hi = u.lastIndex(where: { !blank($0) }) else { return "" }
        return String(s[lo...hi])
    }

    static let monthNames: [String: Int] = [
        "JAN": 1, "JANUARI": 1, "JANUARY": 1, "FEB": 2, "FEBRUARI": 2, "FEBRUARY": 2, "MAR": 3, "MARET": 3, "MARCH": 3,
        "APR": 4, "APRIL": 4, "MEI": 5, "MAY": 5, "JUN": 6, "JUNI": 6, "JUNE": 6, "JUL": 7, "JULI": 7, "JULY": 7,
        "AGU": 8, "AGS": 8, "AGUSTUS": 8, "AUG": 8, "AUGUST": 8, "SEP": 9, "SEPT": 9, "SEPTEMBER": 9,
        "OKT": 10, "OKTOBER": 10, "OCT": 10, "OCTOBER": 10, "NOV": 11, "NOPEMBER": 11, "NOVEMBER": 11,
        "DES": 12, "DESEMBER": 12, "DEC": 12, "DECEMBER": 12,
    ]

    /// A calendar date. Accepts YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD and day-first DD/MM/YYYY, DD-MM-YYYY,
    /// DD.MM.YYYY (as written in Indonesia), with a time after it (`1985-07-09 00:00:00`, as a database exports
    /// dates) and with the month's name and a four-digit year (`9 Agustus 1985`, `Aug 9, 1985`): every form that can
    /// be read only one way. Returns nil for anything else or an impossible day. What the product accepts on import;
    /// matching reads more with `spreadsheetDate` (two-digit years, serial numbers, month first).
    public static func date(_ raw: String) -> SimpleDate? {
        parseDate(raw, spreadsheet: false)
    }

    /// A date as it may come out of a spreadsheet or a database export: everything `date` accepts, month names
    /// (`5 Agu 1985`, `Aug 5, 1985`, `1985-Aug-05`), a time after the date (`1985-07-09 00:00:00`,
    /// `1985-07-09T00:00:00Z`), and what Excel makes of dates: serial numbers (`31237` → 1985-07-09), two-digit years
    /// (`09/07/85`) and month-first dates from a US locale when the day-first reading is impossible (`7/25/1985`);
    /// a place before the date (`Surabaya, 12 Mei 1980`: tempat, tanggal lahir). Still nil for an impossible day (`1969-07-39`): the value is then missing. A whole column written month first
    /// is recognised by `DateOrder` over its values.
    public static func spreadsheetDate(_ raw: String) -> SimpleDate? {
        parseDate(raw, spreadsheet: true)
    }

    static func parseDate(_ raw: String, spreadsheet: Bool) -> SimpleDate? {
        // The form nearly every list uses, `YYYY-MM-DD`, read from its bytes; it means the same in both modes.
        var raw = raw
        if let iso = raw.withUTF8({ isoDate($0) }) { return SimpleDate(year: iso.year, month: iso.month, day: iso.day) }
        return parseDateGeneral(raw, spreadsheet: spreadsheet)
    }

    /// How a value written with day and month as numbers, day or month first, tells the order it was written in.
    public enum DateOrder: Sendable, Equatable {
        /// Year first, a month name, a serial number, or no date: nothing about the order.
        case none
        /// Only one reading is a date: the first number is over 12 (`25/07/1985`) …
        case dayFirst
        /// … or the second is (`7/25/1985`).
        case monthFirst
        /// Both numbers 12 or less and different (`07/09/1985`): read day first unless the column says otherwise.
        case either
    }

    /// `spreadsheetDate`, with what the value says about the order of day and month.
    public static func spreadsheetDateAndOrder(_ raw: String) -> (date: SimpleDate?, order: DateOrder) {
        var raw = raw
        if let iso = raw.withUTF8({ isoDate($0) }) { return (SimpleDate(year: iso.year, month: iso.month, day: iso.day), .none) }
        return readDate(raw, spreadsheet: true)
    }

    /// An age as Indonesian lists write it in an age column (`umur`): `32`, `32 TH`, `41 Thn`, `36 yrs`. An age written
    /// as a guess (`± 55 TAHUN`, `sekitar 40`) is none: on the Timpora set such ages, like ages written in the birth
    /// date's place, fell within the years allowed for 56 % of the true pairs, ages as written for 97 %. Nil for
    /// anything else (`40+`, `> 40`, `40?`), and for ages beyond 1 to 120.
    public static func age(_ raw: String) -> Int? {
        var number: Int?
        if raw.utf8.count <= 3 && raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            number = Int(raw)       // most cells: empty or a number alone, read without folding
        } else {
            if isGuessedAge(raw) { return nil }
            let units: Set<String> = ["TH", "THN", "TAHUN", "YR", "YRS", "YEAR", "YEARS", "YO"]
            for w in fold(raw).split(separator: " ") {
                if let n = Int(w), w.count <= 3, number == nil { number = n }
                else if !units.contains(String(w)) { return nil }
            }
        }
        guard let n = number, (1...120).contains(n) else { return nil }      // 0: an export's "unknown"
        return n
    }

    /// Whether an age cell says it is a guess (`± 45`, `~40`, `40+`, `40?`, `sekitar 40`, `kurang lebih 40`): an age, but
    /// not one to read the birth years from (`age`).
    public static func isGuessedAge(_ raw: String) -> Bool {
        raw.contains { "±~+?<>".contains($0) } || !Set(fold(raw).split(separator: " ")).isDisjoint(with: ["SEKITAR", "KIRA", "KURANG", "CA", "APPROX", "ABOUT"])
    }

    /// A birth date known from an age (`age`): packed as YYYY1300, YYYY the year `reference` less the age, month 13 marking
    /// it, day 0 (known in part, `isPartial`). Born in YYYY - 3 to YYYY + 1 (`Compare.date`): a list up to a year old, the
    /// birthday before or after the day it was written, and a year's slip.
    public static func birthYear(age: Int, reference: Int) -> Int32 { Int32((reference - age) * 10000 + 1300) }

    /// An age passed on behind a date cell (`Dataset.load`), or in its place where there is no cell (`Reconciler`), marked
    /// so that no cell of a file reads as one: a unit separator (U+001F) and the number.
    public static func ageMark(_ age: Int) -> String { "\u{1F}\(age)" }

    /// A date value split at its `ageMark`: the cell before it, and the age; the value itself and nil without one.
    static func ageMarked(_ value: String) -> (cell: String, age: Int?) {
        guard let mark = value.utf8.lastIndex(of: 0x1F), let age = Int(value[value.index(after: mark)...]) else { return (value, nil) }
        return (String(value[..<mark]), age)
    }

    /// Whether a packed date was read from an age (`birthYear(age:reference:)`).
    static func fromAge(_ packed: Int32) -> Bool { (packed / 100) % 100 == 13 }

    /// The year birth dates are read from ages by: this year.
    public static let ageReferenceYear = Calendar(identifier: .gregorian).component(.year, from: Date())

    /// A date known only in part, as lists that keep the year of birth alone write it: a year (`1985`), or a month and
    /// a year (`1985-07`, `07/1985`, `Jul 1985`, `Juli 1985`), packed as YYYYMMDD with the unknown parts 0
    /// (19850000, 19850700); also the year and month of a day no calendar has (`1969-07-39`, `31/02/1980`: an
    /// agency's typing slip), when only one of the other two numbers can be a month, and what is known of a date
    /// written with its day or month unknown (`00/00/1985`, `XX/07/1985`, `1985-07-00`: passports of people whose
    /// birthday is not recorded). Years from 1850 to 2100 only: a
    /// lone four-digit number outside them is no year of birth. Nil for anything else, a whole date included
    /// (`spreadsheetDate` reads those).
    public static func partialDate(_ raw: String) -> Int32? {
        guard !raw.isEmpty else { return nil }      // the common missing value: nothing to split
        let s = withoutTime(trimmed(raw))
        let parts = s.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." || $0 == " " || $0 == "," }).map(String.init)
        func year(_ p: String) -> Int? {
            guard p.count == 4, let y = Int(p), (1850...2100).contains(y) else { return nil }
            return y
        }
        func month(_ p: String) -> Int? {
            if let m = Int(p) { return p.count <= 2 && (1...12).contains(m) ? m : nil }
            return monthNames[fold(p)]
        }
        switch parts.count {
        case 1:
            return year(parts[0]).map { Int32($0 * 10000) }
        case 2:
            if let y = year(parts[0]), let m = month(parts[1]) { return Int32(y * 10000 + m * 100) }      // 1985-07
            if let m = month(parts[0]), let y = year(parts[1]) { return Int32(y * 10000 + m * 100) }      // 07/1985, Jul 1985
            return nil
        case 3:
            // A day no calendar has (`1969-07-39`, `31/02/1980`), or a day or month written unknown (`00/00/1985`,
            // `XX/07/1985`, `1985-07-00`, as passports write a birth date known in part): what is known of it.
            guard spreadsheetDate(s) == nil else { return nil }
            func unknown(_ p: String) -> Bool { p.allSatisfy { $0 == "0" } || p.uppercased().allSatisfy { $0 == "X" } }
            func readable(_ p: String) -> Bool { Int(p) != nil || monthNames[fold(p)] != nil || unknown(p) }
            if let y = year(parts[0]) {
                // Year first: the month is the second part.
                guard readable(parts[1]), readable(parts[2]) else { return nil }
                if unknown(parts[1]) { return Int32(y * 10000) }
                return month(parts[1]).map { Int32(y * 10000 + $0 * 100) }
            }
            guard let y = year(parts[2]), readable(parts[0]), readable(parts[1]) else { return nil }
            let first = parts[0], second = parts[1]
            switch (unknown(first), unknown(second)) {
            case (true, true): return Int32(y * 10000)
            case (true, false), (false, true):
                // Day or month first is not known: only a month's name says which is the month.
                let known = unknown(first) ? second : first
                return monthNames[fold(known)].map { Int32(y * 10000 + $0 * 100) } ?? Int32(y * 10000)
            case (false, false):
                let months = [first, second].compactMap(month)
                return months.count == 1 ? Int32(y * 10000 + months[0] * 100) : nil
            }
        default:
            return nil
        }
    }

    /// A date kept in columns of its own, year first, month and day if there are (`["1985", "7", "9"]`,
    /// `["1985", "Juli"]`), written as one value `spreadsheetDate` and `partialDate` read: `1985-07-09`,
    /// `9 Juli 1985`, `1985-07`, `1985`. A two-digit year is read as `spreadsheetDate` reads one (`85` → 1985).
    /// Empty when the year is missing; a day without a month is dropped. A whole date where the day should be is that date.
    public static func dateFromParts(_ parts: [String]) -> String {
        // A whole number a data frame wrote as a float (`1985.0`, `7.0`: a column with gaps) is that number.
        let p = parts.map { v -> String in
            let t = trimmed(v)
            return t.hasSuffix(".0") && Int(t.dropLast(2)) != nil ? String(t.dropLast(2)) : t
        }
        // A whole date in the day's column (`Tanggal Lahir` beside `Tahun Lahir` and `Bulan Lahir` may hold the whole date,
        // the year and month columns being derived from it): that date.
        if p.count > 2, p[2].count >= 6, date(p[2]) != nil { return p[2] }
        guard let first = p.first, !first.isEmpty, !isMissingMarker(first, name: false) else { return "" }
        var year = first
        if let n = Int(year) {
            // One or two digits are a year of the century as spreadsheets and integer exports write it (`85`, `5`, `00`);
            // three digits, or a year of 0000, are no year.
            if year.count == 3 || (year.count == 4 && n == 0) { return "" }
            if year.count <= 2 { year = String(century(n)) }
        }
        let month = p.count > 1 && !isMissingMarker(p[1], name: false) ? p[1] : ""
        let day = p.count > 2 && !month.isEmpty && !isMissingMarker(p[2], name: false) ? p[2] : ""
        func two(_ s: String) -> String { s.count == 1 ? "0" + s : s }
        if month.isEmpty { return year }
        let numeric = Int(month) != nil
        if day.isEmpty { return numeric ? "\(year)-\(two(month))" : "\(month) \(year)" }
        return numeric ? "\(year)-\(two(month))-\(two(day))" : "\(day) \(month) \(year)"
    }

    /// Whether a packed date (`SimpleDate.packed`, `partialDate`) lacks its day: only the year, or year and month, are known.
    @inline(__always)
    static func isPartial(_ packed: Int32) -> Bool { packed % 100 == 0 }

    /// `YYYY-MM-DD` exactly (ten bytes, digits and two hyphens): its numbers, without checking the calendar;
    /// nil for any other form.
    static func isoDate(_ b: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for i in from..<to {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0, 4), let m = number(5, 7), let d = number(8, 10) else { return nil }
        return (y, m, d)
    }

    static func parseDateGeneral(_ raw: String, spreadsheet: Bool) -> SimpleDate? {
        readDate(raw, spreadsheet: spreadsheet).date
    }

    /// A time of day after the date, cut off: `1985-07-09 00:00:00`, `1985-07-09T00:00:00Z`,
    /// `09/07/1985 0:00`, `1985-07-09 12:00 AM`.
    static func withoutTime(_ s: String) -> String {
        guard let colon = s.firstIndex(of: ":") else { return s }
        let head = s[..<colon]
        guard let cut = head.lastIndex(where: { $0 == " " || $0 == "T" }) else { return s }
        return String(head[..<cut])
    }

    /// The general reading: the date, and what it says about the order of day and month.
    static func readDate(_ raw: String, spreadsheet: Bool) -> (date: SimpleDate?, order: DateOrder) {
        var s = trimmed(raw)
        s = withoutTime(s)
        if s.isEmpty { return (nil, .none) }
        let digits = s.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
        var parts = s.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." || $0 == " " || $0 == "," }).map(String.init)
        // A place before the date, as Indonesian lists write the birth (tempat, tanggal lahir: "Surabaya, 12 Mei 1980").
        if spreadsheet { while parts.count > 3, let first = parts.first, !first.contains(where: \.isNumber) { parts.removeFirst() } }
        var y = 0, m = 0, d = 0
        var seen = DateOrder.none
        if parts.count == 1 && digits.count == s.utf8.count {
            let n = Int(s) ?? 0
            if digits.count == 8 {
                y = n / 10000; m = (n / 100) % 100; d = n % 100
            } else if spreadsheet && digits.count == 5 && n <= 73_415 {
                return (excelSerial(n), .none)          // five digits: 1927-05-18 … 2100-12-31 (a bare year stays invalid)
            } else {
                return (nil, .none)
            }
        } else if parts.count == 3, spreadsheet || parts[0].count == 4 || parts[2].count == 4,
                  let month = monthNames[fold(parts[1])], let a = Int(parts[0]), let c = Int(parts[2]) {
            if parts[0].count == 4 { y = a; m = month; d = c }                       // 1985-Aug-09
            else { d = a; m = month; y = c < 100 ? century(c) : c }                   // 9 Agu 1985, 09-Aug-85
        } else if parts.count == 3, spreadsheet || parts[2].count == 4, let month = monthNames[fold(parts[0])], let b = Int(parts[1]), let c = Int(parts[2]) {
            d = b; m = month; y = c < 100 ? century(c) : c                            // Aug 9, 1985
        } else if parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) {
            if parts[0].count == 4 { y = a; m = b; d = c }
            else if parts[2].count == 4 || (spreadsheet && parts[2].count == 2) { d = a; m = b; y = parts[2].count == 2 ? century(c) : c }
            else { return (nil, .none) }
            if spreadsheet && parts[0].count != 4 {
                if m > 12 && d <= 12 { swap(&m, &d); seen = .monthFirst }    // month first (US-locale Excel)
                else if d > 12 && m <= 12 { seen = .dayFirst }
                else if d != m && d >= 1 && m >= 1 && d <= 12 && m <= 12 { seen = .either }
            }
        } else {
            return (nil, .none)
        }
        guard let date = SimpleDate(year: y, month: m, day: d) else { return (nil, .none) }
        return (date, seen)
    }

    /// A two-digit year of birth: in the past century unless that would be in the future.
    static func century(_ yy: Int) -> Int {
        let now = Calendar(identifier: .gregorian).component(.year, from: Date()) % 100
        return yy <= now ? 2000 + yy : 1900 + yy
    }

    /// Excel's day number (1900 date system; serial 25569 is 1970-01-01).
    static func excelSerial(_ n: Int) -> SimpleDate? {
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = n - 25_569 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return SimpleDate(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }
}

/// A validated Gregorian date without time zone.
public struct SimpleDate: Hashable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    /// Packed as YYYYMMDD.
    public var packed: Int32 { Int32(year * 10000 + month * 100 + day) }
}
