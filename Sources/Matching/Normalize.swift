import Foundation

/// Normalisers: every value is folded once when a record is read, so comparisons work on short
/// ASCII byte strings.
public enum Normalize {
    /// Upper-case ASCII with diacritics removed and punctuation turned into single spaces:
    /// `Nguyễn Văn Đức` → `NGUYEN VAN DUC`, `O'Brien-Smith` → `O BRIEN SMITH`.
    public static func fold(_ s: String) -> String {
        var ascii = true
        for b in s.utf8 where b >= 0x80 { ascii = false; break }
        let source: String
        if ascii {
            source = s
        } else {
            var t = s
            for (from, to) in [("Đ", "D"), ("đ", "d"), ("ß", "SS"), ("Ø", "O"), ("ø", "o"), ("Æ", "AE"), ("æ", "ae"), ("Ł", "L"), ("ł", "l"), ("ı", "i")] {
                t = t.replacingOccurrences(of: from, with: to)
            }
            source = t.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        }
        var out = [UInt8]()
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
        return String(decoding: out, as: UTF8.self)
    }

    /// Words that carry no identity in a name and are dropped (Malay patronymic particles).
    static let particles: Set<String> = ["BIN", "BINTI", "BTE", "BT", "A L", "A P", "AL", "BN"]

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
    public static func nameTokens(_ s: String) -> [String] {
        let folded = fold(s)
        if folded.isEmpty { return [] }
        var tokens: [String] = []
        for raw in folded.split(separator: " ") {
            let t = String(raw)
            if particles.contains(t) { continue }
            // Vowel folding applies after the table too, so both spellings of a pair end up identical.
            let canon = japaneseVowels(canonical[t] ?? t)
            tokens.append(canon)
        }
        return tokens
    }

    /// Passport and other document numbers: upper-case alphanumerics with the characters OCR and
    /// people confuse folded together (O/Q→0, I/L→1).
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

    /// A calendar date. Accepts YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD and day-first DD/MM/YYYY, DD-MM-YYYY,
    /// DD.MM.YYYY (as written in Indonesia). Returns nil for anything else or an impossible day.
    public static func date(_ raw: String) -> SimpleDate? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        let digits = s.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
        let parts = s.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." || $0 == " " }).map(String.init)
        var y = 0, m = 0, d = 0
        if parts.count == 1 && digits.count == 8 && digits.count == s.utf8.count {
            let n = Int(s)!
            y = n / 10000; m = (n / 100) % 100; d = n % 100
        } else if parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) {
            if parts[0].count == 4 { y = a; m = b; d = c } else if parts[2].count == 4 { d = a; m = b; y = c } else { return nil }
        } else {
            return nil
        }
        return SimpleDate(year: y, month: m, day: d)
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
