import Foundation
@testable import Matching
import Testing

@Suite struct NormalizeTests {
    @Test func foldsCaseDiacriticsAndPunctuation() {
        #expect(Normalize.fold("Nguyễn Văn Đức") == "NGUYEN VAN DUC")
        #expect(Normalize.fold("  O'Brien-Smith, Jr. ") == "O BRIEN SMITH JR")
        #expect(Normalize.fold("Müller") == "MULLER")
        #expect(Normalize.fold("") == "")
        #expect(Normalize.fold("---") == "")
    }

    /// The byte-level reading of a text value gives what the word-by-word reading gave: the kept words, and
    /// their hashes sorted without repeats.
    @Test(arguments: ["PT. Maju Jaya Tbk.", "JL. THAMRIN NO. 4 RT 006/RW 007, CIKARANG UTARA", "", "   ", "PT", "pt cv tbk", "Jalan Jalan Sudirman Sudirman",
                      "Ruko Blok-A No.7, Kel. Kuningan", "株式会社 ABC, Jl. Ñandú 5", "CV.MAJU", "  double  spaces  ", "P T MAJU", "RTRW 5 RW",
                      "MAJU \u{200C}JAYA", "PT \u{0301}MAJU", "شركة \u{0600}123 PT", "김 민준 CV"])
    func textWordsAgreeWithTextTokens(value: String) {
        var folded: [UInt8] = [9, 9], joined: [UInt8] = [7], hashes: [UInt64] = [1, 2, 3]   // stale contents are cleared
        Normalize.textWords(value, folded: &folded, joined: &joined, hashes: &hashes)
        // The word-by-word reading it replaced.
        let tokens = Normalize.fold(value).split(separator: " ").map(String.init).filter { !Normalize.textStopWords.contains($0) }
        #expect(String(decoding: joined, as: UTF8.self) == tokens.joined(separator: " "), "\(value)")
        #expect(hashes == Set(tokens.map(Blocking.hash)).sorted(), "\(value)")
    }

    /// `YYYY-MM-DD` is read from its bytes before the general parser: both agree on every such string, valid or not,
    /// in both modes, and on near misses the general parser decides.
    @Test func isoDatesReadFromBytesAsTheGeneralParserReadsThem() {
        var samples = ["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0000-01-01", "9999-12-31", "1985-13-01", "1985-00-10",
                       "1985-01-00", "1985-01-32", "1985-1-01", "1985/01/01", "1985-01-0a", " 1985-01-01", "1985-01-01 ", "19850101",
                       "01-01-1985", "1985-01-011", "+985-01-01", "1985--1-01"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            samples.append(String(format: "%04d-%02d-%02d", Int.random(in: 0...9999, using: &rng), Int.random(in: 0...14, using: &rng), Int.random(in: 0...33, using: &rng)))
        }
        for s in samples {
            for spreadsheet in [false, true] {
                #expect(Normalize.parseDate(s, spreadsheet: spreadsheet) == Normalize.parseDateGeneral(s, spreadsheet: spreadsheet), "\(s) \(spreadsheet)")
            }
        }
        #expect(Normalize.date("2024-02-29") == SimpleDate(year: 2024, month: 2, day: 29))
        #expect(Normalize.date("2023-02-29") == nil)
    }

    /// Names split on fold's bytes give the tokens the word-by-word split gave (the stored `name_key`s depend on it),
    /// also where a space belongs to a character of another script.
    @Test(arguments: ["MOHD FAIZAL BIN ABDULLAH", "Nguyễn Văn Đức", "  Tn. SATOU  hiroshi ", "", "BIN", "MAJU \u{200C}JAYA",
                      "ALI \u{0301}HASAN", "김 민준", "张 伟 ZHANG", "Ω \u{0600}X"])
    func nameTokensAsTheWordByWordSplitGaveThem(name: String) {
        // Particles dropped, but for a patronymic as the first word kept (`BIN`, a Chinese given name).
        var kept: [String] = []
        for w in Normalize.fold(name).split(separator: " ").map(String.init)
        where !Normalize.particles.contains(w) || (kept.isEmpty && Normalize.patronymics.contains(w)) { kept.append(w) }
        let wordByWord = kept.map { Normalize.japaneseVowels(Normalize.canonical[$0] ?? $0) }
        #expect(Normalize.nameTokens(name) == wordByWord, "\(name)")
    }

    /// A patronymic particle between names is dropped; as a name's first word it is the name (BIN, a Chinese given name).
    @Test func aParticleFirstIsAName() {
        #expect(Normalize.nameTokens("MOHD FAIZAL BIN ABDULLAH") == Normalize.nameTokens("MOHD FAIZAL ABDULLAH"))
        #expect(Normalize.nameTokens("BIN") == ["BIN"] && Normalize.nameTokens("Bin Bo") == ["BIN", "BO"])
        #expect(Normalize.nameTokens("Tn. Bin") == ["BIN"])             // a title before it still goes
        #expect(Normalize.startsWithPatronymic("al-Hashimi") && !Normalize.startsWithPatronymic("Zheng Bin"))
        // A look-up asks the stored keys (family, given and full name in one string) without any particle.
        #expect(Normalize.lookupTokens("Bin Zheng") == ["ZHENG"] && Normalize.lookupTokens("Omar bin Ali") == Normalize.nameTokens("Omar Ali"))
    }

    /// A country or a place in a family written in brackets with a name is a remark, not a word of the name; an alias in
    /// brackets, a bracket of one or two letters and an unclosed bracket are the name's.
    @Test func remarksInBracketsAreNotTheName() {
        let name = Normalize.nameTokens("KAZUYA ISHIZONO")
        for v in ["Kazuya Ishizono (JPN)", "KAZUYA ISHIZONO (Jepang)", "(wn Jepang) Kazuya Ishizono", "KAZUYA (ISTRI) ISHIZONO",
                  "Kazuya Ishizono (Warga Negara Jepang)", "KAZUYA ISHIZONO (anak kandung)", "Kazuya Ishizono(Tiongkok)"] {
            #expect(Normalize.nameTokens(v) == name, "\(v)")
        }
        #expect(Normalize.nameTokens("KAZUYA (KAZU) ISHIZONO") == ["KAZUYA", "KAZU", "ISHIZONO"], "an alias stays")
        #expect(Normalize.nameTokens("KAZUYA ISHIZONO (D)") == ["KAZUYA", "ISHIZONO", "D"], "one letter stays")
        #expect(Normalize.nameTokens("JINTANA SRICHAI (SOM)") == ["JINTANA", "SRICHAI", "SOM"], "a nickname that is a rare country's code stays")
        #expect(Normalize.nameTokens("SUDA WONGSAWAT (Ton)") == ["SUDA", "WONGSAWAT", "TON"])
        #expect(Normalize.nameTokens("AMIR HADDAD (JORDAN)") == ["AMIR", "HADDAD", "JORDAN"], "a country that is a given name stays")
        #expect(Normalize.nameTokens("AMIR HADDAD (WN JORDAN)") == ["AMIR", "HADDAD"], "said to be the nationality")
        #expect(Normalize.nameTokens("KAZUYA ISHIZONO (JPN") == ["KAZUYA", "ISHIZONO", "JPN"], "no closing bracket")
        #expect(Normalize.nameTokens("(JPN) (ISTRI)").isEmpty)
        // In a comparison: the remark no longer makes the name agree in part only.
        let c = FieldColumn(kind: .name)
        for v in ["SATOSHI KIZAWA", "Satoshi Kizawa (JPN)", "Satoshi Kizawa JPN"] { c.append(v) }
        let view = ColumnView(c, count: 3)
        #expect(Compare.level(view, 0, view, 1) == 4)
        #expect(Compare.level(view, 0, view, 2) == 3, "without brackets a word is a word")
    }

    /// Cyrillic and Greek as a passport's machine-readable zone writes them (ICAO 9303).
    @Test func cyrillicAndGreekAreWrittenAsPassportsWriteThem() {
        #expect(Normalize.fold("Иванов Сергей") == "IVANOV SERGEI")
        #expect(Normalize.fold("ЩУКИНА Юлия") == "SHCHUKINA IULIIA")
        #expect(Normalize.fold("Фёдоров Ілля") == "FEDOROV ILLIA")
        #expect(Normalize.fold("Παπαδόπουλος Γεώργιος") == "PAPADOPOULOS GEORGIOS")
        #expect(Normalize.fold("Ευάγγελος") == "EVANGELOS" && Normalize.fold("Μπακογιάννης") == "BAKOGIANNIS" && Normalize.fold("Ντόρα") == "NTORA")
        #expect(Normalize.fold("Κωνσταντίνος") == "KONSTANTINOS" && Normalize.fold("Λάμπρος") == "LAMPROS" && Normalize.fold("Γκίκας") == "GKIKAS")
        #expect(Normalize.fold("Ευστάθιος") == "EFSTATHIOS" && Normalize.fold("Ζευς") == "ZEFS" && Normalize.fold("Αυγή") == "AVGI")
        #expect(Normalize.fold("Нұрсұлтан") == "NURSULTAN" && Normalize.fold("НҰРСҰЛТАН") == "NURSULTAN")   // Kazakh
        #expect(Normalize.nameTokens("Хасанов Ильдар") == Normalize.nameTokens("KHASANOV ILDAR"))
        #expect(Normalize.fold("Müller") == "MULLER" && Normalize.fold("张伟") == "张伟")   // other scripts as before
    }

    @Test func keepsNonLatinScriptsComparable() {
        #expect(Normalize.fold("张伟") == "张伟")
        #expect(Normalize.fold("김민준") == Normalize.fold("김민준"))
        #expect(!Normalize.fold("张伟").isEmpty)
    }

    @Test(arguments: [
        ("CHANG WEI", "ZHANG WEI"), ("Hsu Ming", "XU MING"), ("LEE NA", "LI NA"), ("Rhee Min Jun", "LI MIN JUN"), ("YI MIN JUN", "LEE MIN JUN"),
        ("Mohammed Arif", "MUHAMMAD ARIF"), ("MOHD FAIZAL BIN ABDULLAH", "MUHAMMAD FAIZAL ABDULLAH"), ("Nguyễn Văn Đức", "NGUYEN VAN DUC"),
        ("SATOU HIROSHI", "SATO HIROSHI"), ("SATOH", "SATO"), ("Tsai Ying", "CAI YING"), ("Bak Ji Hoon", "PARK JI HOON"),
        ("Jeong Woo Jin", "JUNG WOO JIN"), ("Ahmed", "AHMAD"), ("CHOU", "ZHOU"), ("Yoo Jae", "YU JAE"),
    ])
    func transliterationVariantsMeet(a: String, b: String) {
        #expect(Normalize.nameTokens(a) == Normalize.nameTokens(b), "\(a) vs \(b)")
    }

    @Test func distinctNamesStayDistinct() {
        #expect(Normalize.nameTokens("WANG WEI") != Normalize.nameTokens("WU WEI"))
        #expect(Normalize.nameTokens("LIU YANG") != Normalize.nameTokens("YU YANG"))
        #expect(Normalize.nameTokens("KIM MIN JUN") != Normalize.nameTokens("PARK MIN JUN"))
    }

    @Test func veryLongNames() {
        let long = String(repeating: "ABCDEFGHIJ ", count: 50)
        #expect(Normalize.nameTokens(long).count == 50)
        #expect(Similarity.jaroWinkler(long, long + "X") > 0.99)
    }

    @Test func documentNumbersFoldOCRConfusions() {
        #expect(Normalize.documentID("E 1234-567O") == Normalize.documentID("e12345670"))
        #expect(Normalize.documentID("MI234567") == Normalize.documentID("M1234567"))
        #expect(Normalize.documentID("A1B2") != Normalize.documentID("A1B3"))
        #expect(Normalize.documentID("") == "")
    }

    @Test func datesInTheFormatsAgenciesWrite() {
        #expect(Normalize.date("1985-07-09")?.description == "1985-07-09")
        #expect(Normalize.date("19850709")?.description == "1985-07-09")
        #expect(Normalize.date("09/07/1985")?.description == "1985-07-09")
        #expect(Normalize.date("9-7-1985")?.description == "1985-07-09")
        #expect(Normalize.date("09.07.1985")?.description == "1985-07-09")
        #expect(Normalize.date("2024-02-29") != nil)
        #expect(Normalize.date("2023-02-29") == nil)
        #expect(Normalize.date("1985-13-01") == nil)
        #expect(Normalize.date("07/09/85") == nil)
        #expect(Normalize.date("31237") == nil)
        // What Excel makes of dates, read for matching: two-digit years, serial numbers, month first, month names.
        #expect(Normalize.spreadsheetDate("09/07/85")?.description == "1985-07-09")
        #expect(Normalize.spreadsheetDate("31237")?.description == "1985-07-09")
        #expect(Normalize.spreadsheetDate("25569")?.description == "1970-01-01")
        #expect(Normalize.spreadsheetDate("7/25/1985")?.description == "1985-07-25")
        #expect(Normalize.spreadsheetDate("9 Agu 1985")?.description == "1985-08-09")
        #expect(Normalize.spreadsheetDate("1985-07-09")?.description == "1985-07-09")
        #expect(Normalize.spreadsheetDate("1969-07-39") == nil)
        #expect(Normalize.spreadsheetDate("00/00/0000") == nil)
        #expect(Normalize.spreadsheetDate("1985") == nil)
        #expect(Normalize.date("") == nil)
        #expect(Normalize.date("yesterday") == nil)
        // Database and American exports: a time after the date, the month's name first or between year and day.
        for s in ["1985-07-09 00:00:00", "1985-07-09T00:00:00Z", "1985-07-09T00:00:00.000+07:00", "09/07/1985 0:00", "1985-07-09 12:00 AM",
                  "Jul 9, 1985", "July 9 1985", "JULI 09 1985", "1985-Jul-09", "9-Jul-85", "09.07.1985"] {
            #expect(Normalize.spreadsheetDate(s)?.description == "1985-07-09", "\(s)")
        }
        #expect(Normalize.spreadsheetDate("Jul 39, 1985") == nil)
        // Tempat, tanggal lahir: the place is passed over.
        for s in ["Surabaya, 09-07-1985", "Kota Surabaya, 9 Juli 1985", "Seoul, 1985-07-09", "Tokyo, Jul 9, 1985"] {
            #expect(Normalize.spreadsheetDate(s)?.description == "1985-07-09", "\(s)")
        }
        #expect(Normalize.spreadsheetDate("Surabaya") == nil && Normalize.date("Surabaya, 09-07-1985") == nil)
        #expect(Normalize.spreadsheetDate("12:00") == nil)
        // The product's import reads what can be read one way only: a time after the date, a month's name with a
        // four-digit year; not two-digit years, serial numbers or month-first dates.
        #expect(Normalize.date("1985-07-09 00:00:00")?.description == "1985-07-09")
        #expect(Normalize.date("Jul 9, 1985")?.description == "1985-07-09" && Normalize.date("9 Agustus 1985")?.description == "1985-08-09")
        #expect(Normalize.date("9 Agu 85") == nil && Normalize.date("31237") == nil && Normalize.date("7/25/1985") == nil)
    }

    /// Nationalities as ISO's alpha-2 codes and English names, for every country; sex in a few more languages; the
    /// hand-kept Indonesian readings win where a value means something else in ISO's table.
    @Test func everyCountryIsReadByItsCodesAndNames() {
        for (written, code) in [("DE", "DEU"), ("Germany", "DEU"), ("Federal Republic of Germany", "DEU"), ("kr", "KOR"), ("Republic of Korea", "KOR"),
                                ("Korea, Republic of", "KOR"), ("North Korea", "PRK"), ("Bolivia", "BOL"), ("Côte d'Ivoire", "CIV"),
                                ("Viet Nam", "VNM"), ("VN", "VNM"), ("Kazakhstan", "KAZ"), ("PE", "PER"), ("Peru", "PER"), ("ID", "IDN"),
                                ("KOR", "KOR"), ("Tiongkok", "CHN"), ("PR", "F"), ("AS", "USA"), ("LK", "M"), ("Weiblich", "F"), ("Male", "M")] {
            #expect(Normalize.category(written) == code, "\(written)")
        }
        // "Citizen of" as Indonesian forms write a nationality (warga negara), and the People's Republic as PRC.
        for (written, code) in [("WN China", "CHN"), ("Wn. Malaysia", "MYS"), ("WNA Jepang", "JPN"), ("Warga Negara Korea Selatan", "KOR"),
                                ("PRC", "CHN"), ("P.R.C.", "CHN")] {
            #expect(Normalize.category(written) == code && Normalize.category(written, as: .country) == code, "\(written)")
        }
        #expect(Normalize.category("WN", as: .country) == "WN" && Normalize.category("WN Atlantis", as: .country) == "WN ATLANTIS")
        // A name two countries' ISO names share names neither; NA stays what it says.
        #expect(Normalize.category("Congo") == "CONGO")
        #expect(Normalize.category("NA") == "NA")
        // A column says what it holds: in a nationality column PR and LK are Puerto Rico and Sri Lanka, in a sex
        // column perempuan and laki-laki; a sex column does not read country names, nor a nationality column sexes.
        #expect(Normalize.category("LK", as: .country) == "LKA" && Normalize.category("PR", as: .country) == "PRI")
        #expect(Normalize.category("LK", as: .sex) == "M" && Normalize.category("PR", as: .sex) == "F")
        // ISO/IEC 5218 in a sex column (1 male, 2 female); elsewhere a 1 stays a 1.
        #expect(Normalize.category("1", as: .sex) == "M" && Normalize.category("2", as: .sex) == "F")
        #expect(Normalize.category("0", as: .sex) == "" && Normalize.category("9", as: .sex) == "")   // not known, not applicable: missing
        #expect(Normalize.category("1", as: .any) == "1" && Normalize.category("2", as: .country) == "2")
        #expect(Normalize.category("Germany", as: .sex) == "GERMANY" && Normalize.category("Pria", as: .country) == "PRIA")
        #expect(FieldKind.categoryRole(header: "jenis_kelamin") == .sex && FieldKind.categoryRole(header: "Gender") == .sex)
        #expect(FieldKind.categoryRole(header: "kewarganegaraan") == .country && FieldKind.categoryRole(header: "Nationality Code") == .country)
        #expect(FieldKind.categoryRole(header: "status") == .any)
        // L/P (laki-laki / perempuan), as Indonesian forms head the sex column; one letter alone says nothing.
        #expect(FieldKind.infer(header: "L/P") == .category && FieldKind.categoryRole(header: "L/P") == .sex && FieldKind.categoryRole(header: "P / L") == .sex)
        #expect(FieldKind.infer(header: "L") == nil && FieldKind.categoryRole(header: "P") == .any)
        let d = Dataset(fields: [FieldSpec(column: "sex", kind: .category), FieldSpec(column: "nationality", kind: .category)])
        d.append(id: "1", values: ["LK", "LK"])
        #expect(d.views[0].joinedBytes.strings == ["M"] && d.views[1].joinedBytes.strings == ["LKA"])
    }

    /// What exports write for a missing value is missing, in every kind of field; but NA and NAN are names.
    @Test func missingMarkersAreMissing() {
        let kinds: [FieldKind] = [.name, .category, .id, .date, .text]
        let d = Dataset(fields: kinds.map { FieldSpec(column: $0.rawValue, kind: $0) })
        for (k, row) in [["NULL", "N/A", "None", "nan", "unknown"], ["LI NA", "NA", "NA", "NULL", "tidak diketahui"], ["NA", "M", "A123", "1990-01-01", "NAN JING"],
                         ["Nan", "NAN", "NaN", "NA", "Nama Jalan"]].enumerated() {
            d.append(id: "r\(k)", values: row)
        }
        let v = d.views
        #expect((0..<4).map { v[0].isMissing($0) } == [true, false, false, false])   // name: NULL missing; LI NA, NA, Nan names
        #expect((0..<4).map { v[1].isMissing($0) } == [true, true, false, true])     // category
        #expect((0..<4).map { v[2].isMissing($0) } == [true, true, false, true])     // id
        #expect((0..<4).map { v[3].isMissing($0) } == [true, true, false, true])     // date
        #expect((0..<4).map { v[4].isMissing($0) } == [true, true, false, false])    // text: NAN JING, Nama Jalan kept
        #expect(!Normalize.isMissingMarker("NAKAMURA", name: false) && !Normalize.isMissingMarker("TANAKA", name: true))
        // NIL is a Turkish given name, N. A. initials: names keep them; other fields do not.
        #expect(!Normalize.isMissingMarker("Nil", name: true) && !Normalize.isMissingMarker("N. A.", name: true))
        #expect(Normalize.isMissingMarker("nil", name: false) && Normalize.isMissingMarker("N/A", name: false))
    }

    /// What a value says about the order of day and month: only one reading possible, either, or nothing to say.
    @Test func aDateSaysWhichOrderItWasWrittenIn() {
        #expect(Normalize.spreadsheetDateAndOrder("25/07/1985") == (SimpleDate(year: 1985, month: 7, day: 25), .dayFirst))
        #expect(Normalize.spreadsheetDateAndOrder("7/25/1985") == (SimpleDate(year: 1985, month: 7, day: 25), .monthFirst))
        #expect(Normalize.spreadsheetDateAndOrder("07/09/1985") == (SimpleDate(year: 1985, month: 9, day: 7), .either))
        #expect(Normalize.spreadsheetDateAndOrder("07/07/1985").order == .none)     // the same either way
        #expect(Normalize.spreadsheetDateAndOrder("1985-07-09").order == .none)
        #expect(Normalize.spreadsheetDateAndOrder("1985/07/09").order == .none)
        #expect(Normalize.spreadsheetDateAndOrder("9 Jul 1985").order == .none)
        #expect(Normalize.spreadsheetDateAndOrder("31/02/1985") == (nil, .none))
    }

    /// A column written month first is read month first, its ambiguous values too; a day-first column keeps its reading
    /// though a few of its values could only be month first (Excel in another locale); a column that says nothing
    /// either way is read day first, as Indonesia writes dates.
    @Test func aColumnWrittenMonthFirstIsReadMonthFirst() {
        func read(_ values: [String]) -> [String] {
            let d = Dataset(fields: [FieldSpec(column: "dob", kind: .date)])
            d.appendBatch(ids: values.indices.map { "r\($0)" }, raw: [values], concurrency: 2)
            return d.views[0].dates.map { $0 == 0 ? "" : String($0) }
        }
        // An American export: 7/25 and 12/31 can only be month first, so 07/09 is 9 July.
        #expect(read(["7/25/1985", "12/31/1970", "07/09/1985", "1/2/2001", "", "3/3/1999"]) == ["19850725", "19701231", "19850709", "20010102", "", "19990303"])
        // Day first, with one value Excel wrote month first.
        #expect(read(["25/07/1985", "31/12/1970", "07/09/1985", "7/25/1985", "13/01/1990"]) == ["19850725", "19701231", "19850907", "19850725", "19900113"])
        // Nothing tells: day first.
        #expect(read(["07/09/1985", "01/02/2001"]) == ["19850907", "20010201"])
        // Values added after the column was read: the whole column is read one way, again.
        let grown = Dataset(fields: [FieldSpec(column: "dob", kind: .date)])
        grown.append(id: "a", values: ["07/09/1985"])
        #expect(grown.views[0].dates == [19_850_907])                       // nothing tells yet: day first
        for (k, v) in ["7/25/1985", "12/31/1970", "03/04/1990"].enumerated() { grown.append(id: "b\(k)", values: [v]) }
        #expect(grown.views[0].dates == [19_850_709, 19_850_725, 19_701_231, 19_900_304])   // month first, the first value too
        for (k, v) in ["25/07/1985", "31/12/1970", "13/01/1990", "14/02/1991", "15/03/1992", "16/04/1993", "17/05/1994"].enumerated() {
            grown.append(id: "c\(k)", values: [v])
        }
        #expect(Array(grown.views[0].dates.prefix(4)) == [19_850_907, 19_850_725, 19_701_231, 19_900_403])   // day first again
        // Split over several batches and threads, the column is still judged as a whole.
        let d = Dataset(fields: [FieldSpec(column: "dob", kind: .date)])
        let many = (0..<3_000).map { i in i % 3 == 0 ? "\(i % 12 + 1)/\(i % 15 + 13)/1980" : "\(i % 12 + 1)/\(i % 11 + 1)/1980" }
        d.appendBatch(ids: (0..<1_500).map { "a\($0)" }, raw: [Array(many[..<1_500])], concurrency: 2)
        d.appendBatch(ids: (1_500..<3_000).map { "b\($0)" }, raw: [Array(many[1_500...])], concurrency: 2)
        let dates = d.views[0].dates
        #expect(dates.count == 3_000)
        for (i, s) in many.enumerated() {
            let p = s.split(separator: "/").map { Int($0)! }
            #expect(dates[i] == Int32(p[2] * 10_000 + p[0] * 100 + p[1]), "\(s)")
        }
    }
}

@Suite struct SimilarityTests {
    @Test func jaroWinklerKnownValues() {
        // Reference values from Winkler's paper and common implementations.
        #expect(abs(Similarity.jaroWinkler("MARTHA", "MARHTA") - 0.9611) < 0.0001)
        #expect(abs(Similarity.jaroWinkler("DWAYNE", "DUANE") - 0.84) < 0.0001)
        #expect(abs(Similarity.jaroWinkler("DIXON", "DICKSONX") - 0.8133) < 0.0001)
        #expect(Similarity.jaroWinkler("", "") == 1)
        #expect(Similarity.jaroWinkler("ABC", "") == 0)
        #expect(Similarity.jaroWinkler("ABC", "XYZ") == 0)
        #expect(Similarity.jaroWinkler("SAME", "SAME") == 1)
    }

    /// The bit-parallel kernels (ASCII, ≤ 64 bytes in 64-bit masks, ≤ 128 in 128-bit ones) must agree with the plain
    /// one on every input, and `jaro` must be the plain one at every length.
    @Test func bitParallelKernelAgreesWithThePlainOne() {
        var rng = SplitMix64(seed: 64)
        for k in 0..<10_000 {
            let alphabet = "ABCDE "
            let longest = k % 2 == 0 ? 64 : 140
            let a = String((0..<Int.random(in: 0...longest, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let b = String((0..<Int.random(in: 0...longest, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            guard !a.isEmpty, !b.isEmpty else { continue }
            var x = a, y = b
            let plain = x.withUTF8 { p in y.withUTF8 { q in Similarity.jaroGeneral(p, q) } }
            if a.utf8.count <= 64 && b.utf8.count <= 64 {
                let fast = x.withUTF8 { p in y.withUTF8 { q in withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { Similarity.jaroMasked(p, q, table: $0) } } }
                #expect(fast == plain, "\(a) / \(b)")
            }
            if a.utf8.count <= 128 && b.utf8.count <= 128 {
                let wide = x.withUTF8 { p in y.withUTF8 { q in withUnsafeTemporaryAllocation(of: UInt128.self, capacity: 128) { Similarity.jaroMasked(p, q, table: $0) } } }
                #expect(wide == plain, "\(a) / \(b)")
            }
            let chosen = x.withUTF8 { p in y.withUTF8 { q in Similarity.jaro(p, q) } }
            #expect(chosen == plain, "\(a) / \(b)")
        }
    }

    /// Agreement patterns counted in the open-addressing table as a dictionary counts them, past several growths of
    /// the table, with patterns and rules that collide in their low bits.
    @Test func patternCountsAreADictionarysCounts() {
        var counts = PatternCounts()
        var expected: [PatternKey: Double] = [:]
        var rng = SplitMix64(seed: 11)
        for _ in 0..<200_000 {
            let code = UInt32(rng.next() % 9_000) << 4, rules = UInt64(1) << (rng.next() % 3) | (rng.next() % 5 == 0 ? 1 << 40 : 0)
            counts.count(code, rules)
            expected[PatternKey(code: code, rules: rules), default: 0] += 1
        }
        #expect(expected.count > 20_000)
        #expect(counts.dictionary == expected)
    }

    /// Two id columns: a pair's document level is 3 wherever any number of one record is among the other's (`Compare.
    /// anyDocumentAgrees`), with the records' bits (`ColumnView.documentBits`) set aside first where none is shared.
    /// Random numbers from a small stock, one or two to a cell, so that records share numbers often, in any column.
    @Test func documentBitsNeverHideASharedNumber() {
        let spec = [FieldSpec(column: "passport", kind: .id), FieldSpec(column: "permit", kind: .id)]
        let d = Dataset(fields: spec)
        var rng = SplitMix64(seed: 63)
        let stock = (0..<40).map { "E\(1_000_000 + $0 * 7919)" }
        func cell() -> String {
            switch rng.next() % 4 {
            case 0: return ""
            case 1: return stock[Int(rng.next() % 40)] + " / " + stock[Int(rng.next() % 40)]
            default: return stock[Int(rng.next() % 40)]
            }
        }
        for k in 0..<300 { d.append(id: "\(k)", values: [cell(), cell()]) }
        let views = d.views
        #expect(views.allSatisfy { $0.documentBits.count == d.count })
        var agreeing = 0
        ColumnView.withRaw(views) { raw in
            for i in 0..<d.count {
                for j in 0..<d.count {
                    for f in 0..<2 where !raw[f].missing[i] && !raw[f].missing[j] {
                        let level = Compare.compared(raw[f], i, raw[f], j)
                        let shared = Compare.anyDocumentAgrees(raw[f].joined[i], raw[f].also[i], raw[f].joined[j], raw[f].also[j])
                        let expected = shared ? 3 : Compare.id(raw[f].joined[i], raw[f].joined[j])
                        #expect(level == expected, "\(i) \(j) \(f)")
                        if shared { agreeing += 1 }
                    }
                }
            }
        }
        #expect(agreeing > 1_000)
    }

    /// Jaro-Winkler asked only whether it reaches a floor is the similarity itself where it does, and below the floor
    /// where it does not: random texts of a few letters up to 140 bytes (some alike at their beginning), every floor.
    @Test func jaroWinklerReachingAFloorIsExactAboveIt() {
        var rng = SplitMix64(seed: 92)
        let alphabet: [UInt8] = Array("ABCDE KL".utf8)
        for k in 0..<20_000 {
            let n = 1 + Int(rng.next() % (k % 2 == 0 ? 64 : 140)), m = 1 + Int(rng.next() % (k % 2 == 0 ? 64 : 140))
            var a = (0..<n).map { _ in alphabet[Int(rng.next() % 8)] }
            let b = (0..<m).map { _ in alphabet[Int(rng.next() % 8)] }
            if k % 3 == 0 { for q in 0..<min(n, m, Int(rng.next() % 40)) { a[q] = b[q] } }
            a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in
                let exact = Similarity.jaroWinkler(x, y)
                for floor in [0.5, 0.8, 0.92] {
                    let reached = Similarity.jaroWinkler(x, y, reaching: floor)
                    if exact >= floor { #expect(reached == exact, "\(a) \(b) \(floor)") } else { #expect(reached < floor, "\(a) \(b) \(floor)") }
                }
            } }
        }
    }

    /// The banded edit distance (small limits) against the whole table, capped alike, on random strings of a few
    /// letters (many near misses), with and without transpositions.
    @Test func bandedEditDistanceIsTheWholeTables() {
        var rng = SplitMix64(seed: 4)
        for _ in 0..<20_000 {
            let alphabet: [UInt8] = Array("ABC12".utf8)
            let n = Int(rng.next() % 14), m = max(0, n + Int(rng.next() % 7) - 3)
            var a = (0..<n).map { _ in alphabet[Int(rng.next() % 5)] }
            let b = (0..<m).map { _ in alphabet[Int(rng.next() % 5)] }
            if rng.next() % 3 == 0 { a = Array(b.prefix(n)) + a.dropFirst(min(n, b.count)) }   // mostly alike
            for limit in 0...4 {
                for transpositions in [true, false] {
                    let whole = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in
                        Similarity.editDistanceOf(x, y, transpositions: transpositions, limit: 1_000) } }
                    let banded = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in
                        Similarity.editDistanceOf(x, y, transpositions: transpositions, limit: limit) } }
                    #expect(banded == min(whole, limit + 1), "\(a) \(b) \(limit) \(transpositions)")
                }
            }
        }
    }

    /// Text in another script is compared character by character, not byte by byte: 李 and 杜 share two of their
    /// three UTF-8 bytes, and as bytes scored 0.82 ("alike"). Checked against the same measure computed on the
    /// characters, for random Han, Cyrillic and Thai text mixed with Latin letters.
    @Test func otherScriptsAreComparedByCharacter() {
        #expect(Similarity.jaroWinkler("李", "杜") == 0)
        #expect(Similarity.jaroWinkler("李", "李") == 1)
        #expect(Similarity.jaroWinkler("张伟", "张卫") < 0.7)            // one of two characters: 0.67
        #expect(Similarity.jaroWinkler("ИВАНОВ", "ИВАНОВА") > 0.95)
        #expect(Similarity.levenshtein("李明", "李敏") == 1)
        #expect(Similarity.damerau("ИВАНОВ", "ИВАНВО") == 1)
        /// Jaro on arrays of characters, written out plainly.
        func reference(_ a: [Character], _ b: [Character]) -> Double {
            if a.isEmpty && b.isEmpty { return 1 }
            if a.isEmpty || b.isEmpty { return 0 }
            let window = max(0, max(a.count, b.count) / 2 - 1)
            var usedA = [Bool](repeating: false, count: a.count), usedB = [Bool](repeating: false, count: b.count)
            var m = 0
            for i in a.indices where max(0, i - window) < min(b.count, i + window + 1) {
                for j in max(0, i - window)..<min(b.count, i + window + 1) where !usedB[j] && a[i] == b[j] {
                    usedA[i] = true; usedB[j] = true; m += 1; break
                }
            }
            if m == 0 { return 0 }
            let ma = a.indices.filter { usedA[$0] }.map { a[$0] }, mb = b.indices.filter { usedB[$0] }.map { b[$0] }
            let t = zip(ma, mb).filter { $0 != $1 }.count / 2
            return (Double(m) / Double(a.count) + Double(m) / Double(b.count) + Double(m - t) / Double(m)) / 3
        }
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("李杜张伟ЖДИไกAB")
        for _ in 0..<2_000 {
            let a = (0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let b = (0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            var x = String(a), y = String(b)
            let j = x.withUTF8 { p in y.withUTF8 { q in Similarity.jaro(p, q) } }
            #expect(abs(j - reference(a, b)) < 1e-12, "\(x) / \(y)")
        }
    }

    @Test func jaroWinklerBeyond64Bytes() {
        let a = String(repeating: "AB", count: 40), b = String(repeating: "AB", count: 39) + "BA"
        let s = Similarity.jaroWinkler(a, b)
        #expect(s > 0.95 && s < 1)
        #expect(Similarity.jaroWinkler(a, a) == 1)
    }

    @Test func editDistances() {
        #expect(Similarity.levenshtein("KITTEN", "SITTING") == 3)
        #expect(Similarity.levenshtein("", "ABC") == 3)
        #expect(Similarity.levenshtein("ABC", "ABC") == 0)
        #expect(Similarity.levenshtein("AB", "BA") == 2)
        #expect(Similarity.damerau("AB", "BA") == 1)
        #expect(Similarity.damerau("E12345678", "E12345687") == 1)
        #expect(Similarity.editDistance("AAAA", "BBBBBBBB", transpositions: true, limit: 2) == 3)
        #expect(Similarity.editDistance("E12345678", "E12345687", transpositions: true, limit: 2) == 1)
        #expect(Similarity.editDistance("E12345678", "E12345687", transpositions: false, limit: 2) == 2)
    }

    @Test func tokenComparators() {
        #expect(Similarity.tokenSet(["WEI", "ZHANG"], ["ZHANG", "WEI"]) == 1)
        #expect(Similarity.tokenSet(["A", "B"], ["B", "C"]) == 1.0 / 3.0)
        #expect(Similarity.tokenSet([], []) == 1)
        #expect(Similarity.tokenAlignment(["MIN", "JUN", "KIM"], ["KIM", "MIN", "JUN"]) == 1)
        #expect(Similarity.tokenAlignment(["MIN", "JUN"], ["MINJUN"]) < 1)
        #expect(Similarity.tokenAlignment(["JOHN"], []) == 0)
    }

    @Test func soundex() {
        #expect(Similarity.soundex("ROBERT") == "R163")
        #expect(Similarity.soundex("RUPERT") == "R163")
        #expect(Similarity.soundex("ASHCRAFT") == "A261")
        #expect(Similarity.soundex("TYMCZAK") == "T522")
        #expect(Similarity.soundex("LI") == "L000")
        #expect(Similarity.soundex("") == "")
        #expect(Similarity.soundex("123") == "")
    }
}

@Suite struct ComparisonTests {
    func column(_ kind: FieldKind, _ values: [String]) -> ColumnView {
        let c = FieldColumn(kind: kind)
        for v in values { c.append(v) }
        return ColumnView(c, count: values.count)
    }

    @Test func nameLevels() {
        let c = column(.name, ["ZHANG WEI", "Chang Wei", "WEI ZHANG", "ZHANG WEN", "KUMAR", "", "J", "JOHN"])
        #expect(Compare.level(c, 0, c, 1) == 4)   // transliteration
        #expect(Compare.level(c, 0, c, 2) == 4)   // order
        #expect(Compare.level(c, 0, c, 3) >= 2)   // one letter
        #expect(Compare.level(c, 0, c, 4) == 0)
        #expect(Compare.level(c, 0, c, 5) == -1)  // missing
        #expect(Compare.level(c, 6, c, 7) == 1)   // initial
    }

    /// A company, or its mess, named by its initials is alike (level 2) with its name written out; initials that are not
    /// the words' in a row, that stand for a number or a block, that are a word of the other value or an address's own
    /// abbreviation (KEC, KAB), are not.
    @Test func initialsOfACompanyAreItsName() {
        let c = column(.text, ["PT. SLE", "PT SURYA LESTARI ENGINEERING", "Mess PT WXSI", "MESS PT WAN XING STEEL INDONESIA, KEC. BUNGKU, KAB. MOROWALI",
                               "PT LSE", "SURYA LESTARI", "PT BLOK", "PERUM BLOK L O K 3", "KEC", "KAMPUNG EKA CITRA", "KEC SURYA", "KEC SURYA LESTARI ENGINEERING",
                               "", "YCII", "YAMATO CHEMICAL INDONESIA II", "PT Y1CI"])
        #expect(Compare.level(c, 0, c, 1) == 2)
        #expect(Compare.level(c, 1, c, 0) == 2)
        #expect(Compare.level(c, 2, c, 3) == 2, "a mess named by its company's initials")
        #expect(Compare.level(c, 13, c, 14) == 2)
        #expect(Compare.level(c, 4, c, 1) == 0, "not the words in their order")
        #expect(Compare.level(c, 0, c, 5) == 0, "fewer words than letters")
        #expect(Compare.level(c, 6, c, 7) == 0, "the letters of a block")
        #expect(Compare.level(c, 8, c, 9) == 0, "an address's own abbreviation is no initials")
        #expect(Compare.level(c, 10, c, 11) <= 1, "a word of the other value is no initials")
        #expect(Compare.level(c, 15, c, 14) == 0, "initials are letters")
        let more = column(.text, ["ABC", "GUDANG A B C", "MESS AGS", "AGS ANGGREK GADING SARI", "MESS KPK", "RAYA INDUSTRI 40 KEC PENJARINGAN KOTA JAKARTA UTARA"])
        #expect(Compare.level(more, 0, more, 1) == 0, "words of one letter are not what initials stand for")
        #expect(Compare.level(more, 2, more, 3) < 2, "initials that are a word of the other value")
        #expect(Compare.level(more, 4, more, 5) == 0, "an address's own words are not what initials stand for")
    }

    /// One name column holding the whole name: a dropped middle name with a slip in another word is close (level 2),
    /// as two columns would have it; a relative sharing one word of a three-word name is not.
    @Test func aDroppedWordWithASlipIsClose() {
        let c = column(.name, ["VOLMIA SINNO KIM", "KIM, WOLMIA", "KIM MIN JUN", "KIM SEO YEON", "JOUNPIS GUPUN MIN", "JOUNPIS GUPAN", "CIM, WOLMIA"])
        #expect(Compare.level(c, 0, c, 1) == 2)
        #expect(Compare.level(c, 4, c, 5) == 2)
        #expect(Compare.level(c, 2, c, 3) <= 1)
        #expect(Compare.level(c, 2, c, 0) == 0)
        #expect(Compare.level(c, 0, c, 6) <= 1)   // no word agrees exactly: two slips are not close
        // Names of short syllables are not close by slips alone.
        let short = column(.name, ["LI NA", "LU NI WANG", "LI JUN", "LI JIN HUA", "ANDI SAPUTRA", "ANDRI SAPUTRO WIJAYA"])
        #expect(Compare.level(short, 0, short, 1) <= 1 && Compare.level(short, 2, short, 3) <= 1 && Compare.level(short, 4, short, 5) <= 1)
    }

    /// With one name column, the sounds of every word are a blocking key too: the name in the other order with a slip
    /// that keeps its sound shares it, when no date or document does.
    @Test func oneNameColumnBlocksOnItsWordsSounds() {
        let spec = [FieldSpec(column: "name", kind: .name), FieldSpec(column: "dob", kind: .date)]
        let d = Dataset(fields: spec)
        for (k, v) in [["TUNGTHAL GEIMMOUN SHIABE", "1950-01-03"], ["SHIABE, TUNGTHAL GEIMOUN", ""], ["TUNGTHAL GEIMMOUN", ""]].enumerated() { d.append(id: "\(k)", values: v) }
        let rule = try! #require(Blocking.rules(for: spec).first { $0.name == "name sounds" })
        #expect(rule.key(d, 0) != 0 && rule.key(d, 0) == rule.key(d, 1))
        #expect(rule.key(d, 0) != rule.key(d, 2))
    }

    /// The sounds made once for the blocking keys (`NameSounds`) are each word's sound, as the keys took them from
    /// the words before: per name field, first words, lowest and highest, and sorted into a key. Two name fields, one
    /// of them missing on a record, a word of digits (sound 0).
    @Test func nameSoundsAreTheWordsSounds() {
        let spec = [FieldSpec(column: "family", kind: .name), FieldSpec(column: "dob", kind: .date), FieldSpec(column: "given", kind: .name)]
        let d = Dataset(fields: spec)
        let rows = [["WANG", "1990-01-02", "XIAO MING"], ["", "", "MARIA DE LOS ANGELES"], ["O'BRIEN-SMITH", "", ""], ["", "", ""],
                    ["NGUYEN VAN", "", "DUC 2"], ["LEE", "1985-07-09", "MIN"]]
        // Twelve thousand records, so that the sounds are taken in chunks on two threads.
        d.appendBatch(ids: (0..<12_000).map { "\($0)" }, raw: (0..<3).map { f in (0..<12_000).map { rows[$0 % rows.count][f] } })
        let sounds = NameSounds(d, concurrency: 2)
        for i in 0..<d.count {
            let words = [0, 2].map { d.columns[$0].tokens[i] }
            for (k, f) in [0, 2].enumerated() { #expect(sounds.first(f, i) == words[k].first.map(Similarity.soundexCode), "\(i) \(f)") }
            let all = words.joined().map(Similarity.soundexCode)
            #expect(sounds.extreme(i, highest: false) == all.min() && sounds.extreme(i, highest: true) == all.max())
            var mine = KeyHash(), theirs = KeyHash()
            #expect(sounds.add(i, to: &mine) == all.count)
            theirs.addSounds(Array(words.joined()))
            #expect(mine.value == theirs.value)
            var one = KeyHash(), two = KeyHash()
            #expect(sounds.add(i, field: 2, to: &one) == words[1].count)
            two.addSounds(words[1])
            #expect(one.value == two.value)
            var firsts = KeyHash(), fromWords = KeyHash()
            #expect(sounds.addFirsts(i, to: &firsts) == words.filter { !$0.isEmpty }.count)
            fromWords.addSounds(words.compactMap(\.first))
            #expect(firsts.value == fromWords.value)
        }
        #expect(sounds.extreme(11_997, highest: true) == nil && sounds.first(0, 11_997) == nil)
        #expect(sounds.first(0, 11_994) == Similarity.soundexCode("WANG"))
    }

    @Test func dateLevels() {
        let c = column(.date, ["1985-07-09", "1985-09-07", "1985-07-08", "1985-07-25", "1958-07-09", "1990-01-01", ""])
        #expect(Compare.level(c, 0, c, 0) == 4)
        #expect(Compare.level(c, 0, c, 1) == 3)   // day/month swapped
        #expect(Compare.level(c, 0, c, 2) == 2)   // one digit
        #expect(Compare.level(c, 0, c, 3) == 1)   // same month
        #expect(Compare.level(c, 0, c, 4) == 2)   // transposed year digits
        #expect(Compare.level(c, 0, c, 5) == 0)
        #expect(Compare.level(c, 0, c, 6) == -1)
    }

    /// A date known in part (a year, or a month and year) agrees as far as it is known, on the level of "year and month
    /// agree", never more; a different year, or a known month that differs, disagrees.
    @Test func aDateKnownInPartAgreesOnlyAsFarAsItIsKnown() {
        let c = column(.date, ["1985", "1985-07", "Jul 1985", "1985-07-09", "1986", "1985-08-09", "07/1985", "1849", "2101", "1985-13"])
        #expect(Compare.level(c, 0, c, 0) == 1)   // two years alone: the year agrees, no more
        #expect(Compare.level(c, 0, c, 3) == 1)   // a year against a whole date of that year
        #expect(Compare.level(c, 1, c, 2) == 1)   // the same month and year, written otherwise
        #expect(Compare.level(c, 1, c, 3) == 1)
        #expect(Compare.level(c, 1, c, 5) == 0)   // another month
        #expect(Compare.level(c, 0, c, 4) == 0)   // another year
        #expect(Compare.level(c, 3, c, 3) == 4)   // whole dates as before
        #expect(c.dates[6] == 19850700)
        // No year of birth: a number outside 1850–2100, a thirteenth month.
        #expect(c.missing[7] && c.missing[8] && c.missing[9])
        #expect(Normalize.partialDate("1985") == 19850000 && Normalize.partialDate("Agustus 1985") == 19850800)
        #expect(Normalize.partialDate("1985-07-09") == nil && Normalize.partialDate("1985-07-13") == nil && Normalize.partialDate("31237") == nil
                && Normalize.partialDate("85") == nil)
        // A day no calendar has keeps its year and month, when only one number can be the month.
        #expect(Normalize.partialDate("1969-07-39") == 19690700 && Normalize.partialDate("31/02/1980") == 19800200)
        #expect(Normalize.partialDate("4975-08-10") == nil && Normalize.partialDate("1980-13-13") == nil && Normalize.partialDate("0000-00-00") == nil)
        // A day or month written unknown, as passports write a birth date known in part. Year first, the month is second;
        // year last, an unknown day or month leaves the other unplaced (day or month first?) unless it is a month's name.
        #expect(Normalize.partialDate("00/00/1980") == 19800000 && Normalize.partialDate("XX/XX/1980") == 19800000)
        #expect(Normalize.partialDate("1980-07-00") == 19800700 && Normalize.partialDate("1985-00-09") == 19850000)
        #expect(Normalize.partialDate("XX/07/1980") == 19800000 && Normalize.partialDate("09/00/1985") == 19850000)
        #expect(Normalize.partialDate("XX/Jul/1980") == 19800700 && Normalize.partialDate("00/13/1980") == 19800000)
    }

    /// A date kept in columns of its own is written as one value the date readers read.
    @Test func aDateFromItsParts() {
        #expect(Normalize.dateFromParts(["1985", "7", "9"]) == "1985-07-09")
        #expect(Normalize.dateFromParts(["1985.0", "7.0", "9.0"]) == "1985-07-09")   // a data frame's floats
        #expect(Normalize.dateFromParts(["1985", "Juli", "9"]) == "9 Juli 1985")
        #expect(Normalize.dateFromParts(["85", "07", ""]) == "1985-07")
        #expect(Normalize.dateFromParts(["1985", "", "9"]) == "1985")                 // a day without its month says nothing
        #expect(Normalize.dateFromParts(["", "7", "9"]) == "")
        #expect(Normalize.dateFromParts(["NULL", "7", "9"]) == "")
        // One or two digits are a year of the century (an integer export writes 2005 as 5); 0000 or three digits are none.
        #expect(Normalize.dateFromParts(["0000", "7", "9"]) == "" && Normalize.dateFromParts(["985", "7", "9"]) == "")
        #expect(Normalize.dateFromParts(["5", "7", "9"]) == "2005-07-09" && Normalize.dateFromParts(["00", "7", "9"]) == "2000-07-09")
        #expect(Normalize.spreadsheetDate(Normalize.dateFromParts(["1985", "Juli", "9"]))?.packed == 19850709)
        // The whole date in the day's column (year and month derived from it beside it): that date.
        #expect(Normalize.dateFromParts(["1985", "7", "09/07/1985"]) == "09/07/1985")
        #expect(Normalize.dateFromParts(["1985", "7", "1985-07-09"]) == "1985-07-09")
    }

    @Test func idAndNumberLevels() {
        let c = column(.id, ["E12345678", "E1234567O", "E12345687", "E12345600", "X9"])
        #expect(Compare.level(c, 0, c, 1) == 2)
        #expect(Compare.level(c, 0, c, 2) == 2)
        #expect(Compare.level(c, 0, c, 3) == 1)
        #expect(Compare.level(c, 0, c, 4) == 0)
        let n = column(.number, ["2612", "2612", "2621", "3000"])
        #expect(Compare.level(n, 0, n, 1) == 2)
        #expect(Compare.level(n, 0, n, 2) == 1)
        #expect(Compare.level(n, 0, n, 3) == 0)
    }
}

@Suite struct TrimTests {
    @Test func trimsSpacesAndTabsOnly() {
        #expect(Normalize.trimmed("  L1\t") == "L1")
        #expect(Normalize.trimmed("L 1") == "L 1")
        #expect(Normalize.trimmed("   ") == "")
        #expect(Normalize.trimmed("") == "")
        #expect(Normalize.trimmed(" Müller ") == "Müller")
    }
}
