import Foundation
@testable import Matching
import Testing

private func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/foreigners")!.path
}

private func truth() throws -> Set<String> {
    let reader = try CSVReader(path: fixture("truth"))
    _ = try reader.header()
    var out = Set<String>()
    while let row = try reader.next() { out.insert(row[0] + "|" + row[1]) }
    return out
}

private let fields = [
    FieldSpec(column: "family_name", kind: .name), FieldSpec(column: "given_names", kind: .name), FieldSpec(column: "sex", kind: .category),
    FieldSpec(column: "date_of_birth", kind: .date), FieldSpec(column: "nationality", kind: .category), FieldSpec(column: "passport_number", kind: .id),
]

private func quick() -> MatchOptions {
    var o = MatchOptions()
    o.uSamplePairs = 20_000
    return o
}

@Suite struct ModelTests {
    /// A data set whose true parameters are known: EM must recover them from unlabelled patterns.
    @Test func emRecoversKnownParameters() {
        let specs = [FieldSpec(column: "a", kind: .category), FieldSpec(column: "b", kind: .category), FieldSpec(column: "c", kind: .category)]
        let mTrue = [0.95, 0.9, 0.85], uTrue = [0.1, 0.2, 0.05], lambda = 0.2
        var counts: [[Int]: Double] = [:]
        for bits in 0..<8 {
            let levels = (0..<3).map { (bits >> $0) & 1 }
            var pm = lambda, pu = 1 - lambda
            for f in 0..<3 {
                pm *= levels[f] == 1 ? mTrue[f] : 1 - mTrue[f]
                pu *= levels[f] == 1 ? uTrue[f] : 1 - uTrue[f]
            }
            counts[levels] = (pm + pu) * 100_000
        }
        let patterns = Array(counts.keys)
        let model = FellegiSunterModel.train(fields: specs, patterns: patterns, counts: patterns.map { counts[$0]! },
                                             initialU: [[0.7, 0.3], [0.7, 0.3], [0.7, 0.3]])
        #expect(abs(model.lambda - lambda) < 0.01)
        for f in 0..<3 {
            #expect(abs(model.m[f][1] - mTrue[f]) < 0.02, "m[\(f)]")
            #expect(abs(model.u[f][1] - uTrue[f]) < 0.02, "u[\(f)]")
        }
        #expect(model.probability(levels: [1, 1, 1]) > 0.99)
        #expect(model.probability(levels: [0, 0, 0]) < 0.01)
        #expect(model.weight(field: 0, level: 1) > 0 && model.weight(field: 0, level: 0) < 0)
    }

    /// Of an employer and an address only the stronger agreement counts (a worker's spouse shares both), each
    /// disagreement does: a pattern's odds as the scoring weighs them.
    @Test func ofSeveralFreeTextFieldsTheStrongestAgreementCounts() {
        let fields = [FieldSpec(column: "name", kind: .name), FieldSpec(column: "employer", kind: .text), FieldSpec(column: "address", kind: .text)]
        let m = [[0.05, 0.05, 0.1, 0.2, 0.6], [0.1, 0.1, 0.2, 0.6], [0.2, 0.1, 0.2, 0.5]]
        let u = [[0.9, 0.05, 0.03, 0.01, 0.01], [0.97, 0.01, 0.01, 0.01], [0.98, 0.01, 0.005, 0.005]]
        let model = FellegiSunterModel(fields: fields, m: m, u: u, lambda: 0.01)
        let prior = log2(0.01 / 0.99), name = log2(0.6 / 0.01), employer = log2(0.6 / 0.01), address = log2(0.5 / 0.005)
        #expect(abs(model.logOdds(levels: [4, 3, 3]) - (prior + name + max(employer, address))) < 1e-9)
        #expect(abs(model.logOdds(levels: [4, 0, 3]) - (prior + name + log2(0.1 / 0.97) + address)) < 1e-9)
        #expect(abs(model.logOdds(levels: [4, -1, 3]) - (prior + name + address)) < 1e-9)
    }

    @Test func patternsRoundTrip() {
        let levels = [4, -1, 0, 3, 1, 2, -1, 0, 1, 1, 0, 2]
        var code: UInt32 = 0
        for l in levels.reversed() { code = code * 6 + UInt32(l + 1) }
        #expect(Pattern.decode(code, fields: 12) == levels)
    }
}

@Suite struct LinkageTests {
    /// Precision and recall on the committed fixture (600 registry records, 480 agency records with
    /// transliteration variants, swaps, typos, missing and mistyped dates and passports, namesakes,
    /// relatives and twins), with and without one-to-one assignment.
    @Test(arguments: [(false, 0.99, 0.99), (true, 0.995, 0.985)])
    func linksTheCommittedFixtureWithKnownPairs(oneToOne: Bool, minPrecision: Double, minRecall: Double) async throws {
        let left = try Dataset.load(path: fixture("left"), idColumn: "id", fields: fields)
        let right = try Dataset.load(path: fixture("right"), idColumn: "id", fields: fields)
        var options = quick()
        options.oneToOne = oneToOne
        let result = await Matcher.run(left: left, right: right, options: options)
        let predicted = Set(result.pairs.map { left.ids[$0.left] + "|" + right.ids[$0.right] })
        let known = try truth()
        let tp = Double(predicted.intersection(known).count)
        let precision = tp / Double(predicted.count), recall = tp / Double(known.count)
        #expect(precision >= minPrecision, "precision \(precision)")
        #expect(recall >= minRecall, "recall \(recall)")
        #expect(result.pairs.allSatisfy { $0.probability >= 0.5 })
    }

    @Test func oneToOneNeverReusesARecord() async throws {
        let left = try Dataset.load(path: fixture("left"), idColumn: "id", fields: fields)
        let right = try Dataset.load(path: fixture("right"), idColumn: "id", fields: fields)
        var o = quick()
        o.oneToOne = true
        o.threshold = 0.1
        let pairs = await Matcher.run(left: left, right: right, options: o).pairs
        #expect(Set(pairs.map(\.left)).count == pairs.count)
        #expect(Set(pairs.map(\.right)).count == pairs.count)
    }

    /// The u estimate's random pairs: the option's number, but no more than the candidates (never under 50,000) nor than
    /// half the possible pairs.
    @Test func theUSampleFollowsTheCandidates() {
        let o = MatchOptions()
        #expect(Matcher.uSampleSize(candidates: 83_207, possible: 25_000_000, options: o) == 83_207)
        #expect(Matcher.uSampleSize(candidates: 1_187_093, possible: 8_000_000_000, options: o) == 200_000)
        #expect(Matcher.uSampleSize(candidates: 1_700, possible: 900_000, options: o) == 50_000)
        #expect(Matcher.uSampleSize(candidates: 300, possible: 20_000, options: o) == 10_000)
        var small = MatchOptions()
        small.uSamplePairs = 20_000
        #expect(Matcher.uSampleSize(candidates: 83_207, possible: 25_000_000, options: small) == 20_000)
    }

    /// The blocking rules' EM runs are learnt on every core: on one core or two, the same model and the same pairs.
    @Test func theModelIsTheSameOnOneCoreAsOnTwo() async throws {
        let left = try Dataset.load(path: fixture("left"), idColumn: "id", fields: fields)
        let right = try Dataset.load(path: fixture("right"), idColumn: "id", fields: fields)
        var one = quick(), two = quick()
        one.concurrency = 1; two.concurrency = 2
        let a = await Matcher.run(left: left, right: right, options: one), b = await Matcher.run(left: left, right: right, options: two)
        #expect(a.model.iterations == b.model.iterations && a.model.iterations > 0)
        for f in fields.indices {
            for (x, y) in zip(a.model.m[f], b.model.m[f]) { #expect(abs(x - y) < 1e-9) }
            for (x, y) in zip(a.model.u[f], b.model.u[f]) { #expect(abs(x - y) < 1e-9) }
        }
        #expect(abs(a.model.lambda - b.model.lambda) < 1e-15)
        #expect(a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.left == $1.left && $0.right == $1.right && abs($0.probability - $1.probability) < 1e-9 })
    }

    @Test func deduplicatesOneFile() async throws {
        // The registry plus the noisy copies, as one file: every true pair is a duplicate.
        let data = Dataset(fields: fields)
        for name in ["left", "right"] {
            let reader = try CSVReader(path: fixture(name))
            let header = try reader.header()
            let idx = fields.map { f in header.firstIndex(of: f.column)! }
            while let row = try reader.next() { data.append(id: row[0], values: idx.map { row[$0] }) }
        }
        let result = await Matcher.run(left: data, right: nil, options: quick())
        let predicted = Set(result.pairs.map { [data.ids[$0.left], data.ids[$0.right]].sorted().joined(separator: "|") })
        let known = Set(try truth().map { $0.split(separator: "|").map(String.init).sorted().joined(separator: "|") })
        let tp = Double(predicted.intersection(known).count)
        #expect(tp / Double(known.count) >= 0.95)
        #expect(tp / Double(max(predicted.count, 1)) >= 0.9)
        #expect(result.pairs.allSatisfy { $0.left < $0.right })
    }

    @Test func explainsAPair() async throws {
        let left = try Dataset.load(path: fixture("left"), idColumn: "id", fields: fields)
        let right = try Dataset.load(path: fixture("right"), idColumn: "id", fields: fields)
        let result = await Matcher.run(left: left, right: right, options: quick())
        let p = try #require(result.pairs.first)
        let why = Matcher.explain(left: left, p.left, right: right, p.right, model: result.model)
        #expect(why.map(\.field) == fields.map(\.column))
        #expect(why.reduce(0) { $0 + $1.weight } > 0)
    }
}

@Suite struct CSVTests {
    func write(_ text: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        FileManager.default.createFile(atPath: path, contents: Data(text))
        return path
    }

    /// A list's age column (`umur`) stands in for a missing birth date: the years the age allows agree with a date of
    /// birth among them (level 1, as a year known alone), not with one five years off. An age written as a guess (`± 40`)
    /// is none, and a date where there is one is the date.
    @Test func anAgeColumnStandsInForAMissingBirthDate() throws {
        let year = Normalize.ageReferenceYear
        let path = try write(Array("id,nama,tgl_lahir,umur\n1,LEE,,40 TH\n2,KIM,1980-02-03,40\n3,PARK,,± 40\n4,CHOI,-,35\n".utf8))
        let fields = [FieldSpec(column: "nama", kind: .name), FieldSpec(column: "tgl_lahir", kind: .date)]
        let dates = try Dataset.load(path: path, idColumn: "id", fields: fields).columns[1].dates
        #expect(dates == [Normalize.birthYear(age: 40, reference: year), 19800203, 0, Normalize.birthYear(age: 35, reference: year)])
        #expect(Dataset.ageColumn(in: ["id", "nama", "tgl_lahir", "umur"], except: "id") == 3)
        // Against the registry's dates: 40 this year or last, a birthday before or after, a year's slip.
        for born in (year - 43)...(year - 39) { #expect(Compare.date(dates[0], Int32(born * 10000 + 612)) == 1, "\(born)") }
        #expect(Compare.date(dates[0], Int32((year - 44) * 10000 + 612)) == 0)
        #expect(Compare.date(dates[0], Int32((year - 38) * 10000 + 612)) == 0)
        #expect(Compare.date(dates[0], dates[3]) == 0 && Compare.date(dates[0], dates[0]) == 1)
    }

    @Test func agesAsListsWriteThem() {
        #expect(Normalize.age("32") == 32 && Normalize.age("32 TH") == 32 && Normalize.age(" 41 Thn") == 41 && Normalize.age("36 yrs") == 36)
        #expect(Normalize.age("± 55 TAHUN") == nil && Normalize.age("~40") == nil && Normalize.age("N/A") == nil && Normalize.age("-") == nil)
        #expect(Normalize.age("130") == nil && Normalize.age("1985") == nil && Normalize.age("32 34") == nil && Normalize.age("") == nil)
        #expect(Normalize.age("0") == nil && Normalize.age("40+") == nil && Normalize.age("> 40") == nil && Normalize.age("40?") == nil)
    }

    /// The age stands in for the birth date only: beside a date of entry the birth date's field is the one whose header
    /// says birth; with two dates neither says, none.
    @Test func anAgeStandsInForTheBirthDateOnly() {
        let header = ["id", "nama", "tgl_masuk", "tgl_lahir", "umur"]
        let fields = [FieldSpec(column: "nama", kind: .name), FieldSpec(column: "tgl_masuk", kind: .date), FieldSpec(column: "tgl_lahir", kind: .date)]
        #expect(Dataset.birthDateField(fields, header: header) == 2)
        #expect(Dataset.birthDateField([fields[0], fields[1]], header: header) == 1, "the one date field")
        let two = [FieldSpec(column: "nama", kind: .name), FieldSpec(column: "tanggal_a", kind: .date), FieldSpec(column: "tanggal_b", kind: .date)]
        #expect(Dataset.birthDateField(two, header: ["id", "nama", "tanggal_a", "tanggal_b"]) == nil)
    }

    @Test func quotedFieldsSemicolonsAndBOM() throws {
        let path = try write(Array("\u{FEFF}id;name;note\r\n1;\"Lee; Min\";\"say \"\"hi\"\"\"\r\n\r\n2;Kim;\"two\nlines\"\r\n".utf8))
        let r = try CSVReader(path: path)
        #expect(try r.header() == ["id", "name", "note"])
        #expect(try r.next() == ["1", "Lee; Min", "say \"hi\""])
        #expect(try r.next() == ["2", "Kim", "two\nlines"])
        #expect(try r.next() == nil)
    }

    /// Tab- and bar-separated exports are read as such; a comma inside a tab-separated field is text.
    @Test func tabsAndBarsAreDelimitersToo() throws {
        let tabs = try CSVReader(path: try write(Array("id\tname\tdob\n1\tLEE, MIN\t1990-01-02\n".utf8)))
        #expect(try tabs.header() == ["id", "name", "dob"])
        #expect(try tabs.next() == ["1", "LEE, MIN", "1990-01-02"])
        let bars = try CSVReader(path: try write(Array("id|name|dob\n1|LEE|1990-01-02\n".utf8)))
        #expect(try bars.header() == ["id", "name", "dob"])
        #expect(try bars.next() == ["1", "LEE", "1990-01-02"])
        let one = try CSVReader(path: try write(Array("id\n1\n".utf8)))
        #expect(try one.header() == ["id"] && one.delimiter == 0x2C)
    }

    /// A UTF-16 file whose last chunk holds nothing to read (a stray byte after the last whole character), and a short
    /// one without a mark, are read to their end.
    @Test func utf16EndsAndShortFilesAreRead() throws {
        let filler = String(repeating: "A", count: ((1 << 20) - 2 - 16 - 4) / 2)
        let units = [UInt16(0xFEFF)] + Array("id,name\n1,\(filler)".utf16)
        let bytes: [UInt8] = units.flatMap { u -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] } + [0x0A]     // 1 MiB and one byte
        #expect(bytes.count == (1 << 20) + 1)
        let r = try CSVReader(path: try write(bytes))
        #expect(try r.header() == ["id", "name"])
        #expect(try r.next() == ["1", filler])
        #expect(try r.next() == nil)
        let short = try CSVReader(path: try write(Array("id,name".utf16).flatMap { u -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] }))
        #expect(try short.header() == ["id", "name"])
    }

    /// Excel's "Unicode Text" is UTF-16, little-endian with its byte-order mark, tab-separated; big-endian and without a
    /// mark is read too. A character outside the basic plane split across two chunks of the reading is read whole.
    @Test func utf16IsReadAsText() throws {
        func utf16(_ s: String, littleEndian: Bool, mark: Bool) -> [UInt8] {
            ((mark ? [UInt16(0xFEFF)] : []) + Array(s.utf16)).flatMap { u -> [UInt8] in
                littleEndian ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)]
            }
        }
        let text = "id\tname\tdob\r\n1\tMÜLLER, Hans\t1990-01-02\r\n2\t李 伟\t1985-07-09\r\n"
        for (le, mark) in [(true, true), (false, false), (true, false)] {
            let r = try CSVReader(path: try write(utf16(text, littleEndian: le, mark: mark)))
            #expect(try r.header() == ["id", "name", "dob"], "\(le) \(mark)")
            #expect(try r.next() == ["1", "MÜLLER, Hans", "1990-01-02"])
            #expect(try r.next() == ["2", "李 伟", "1985-07-09"])
            #expect(try r.next() == nil)
        }
        // A header in another script, without a mark, either order of bytes: the separators and the line's end have a
        // NUL half; so does 가 (U+AC00) of 국가, and 一 (U+4E00) of 第一, on the other side.
        let headers = [["Номер", "Фамилия Имя", "Дата рождения"], ["이름", "국가", "생년월일", "여권번호"], ["姓名", "出生日期", "第一国籍"]]
        for header in headers {
            let text = header.joined(separator: ";") + "\r\n" + header.indices.map { "v\($0)" }.joined(separator: ";") + "\r\n"
            for le in [true, false] {
                let r = try CSVReader(path: try write(utf16(text, littleEndian: le, mark: false)))
                #expect(try r.header() == header, "\(le)")
                #expect(try r.next() == header.indices.map { "v\($0)" })
            }
            // Text in UTF-8 has no NUL: never taken for UTF-16, whatever its script.
            #expect(CSVReader.utf16(Array(text.utf8)) == nil)
        }
        // A row of NUL-padded fields is not text in any encoding.
        #expect(CSVReader.utf16(Array(repeating: [UInt8]([0x41, 0x42, 0, 0]), count: 20).flatMap { $0 }) == nil)
        // The mark (2 bytes), "id,name\n" (16), "1," (4), then As up to the end of the first 1 MiB chunk, where the emoji's
        // first half is the chunk's last unit.
        let filler = String(repeating: "A", count: ((1 << 20) - 2 - 2 - 16 - 4) / 2)
        let long = try CSVReader(path: try write(utf16("id,name\n1,\(filler)😀\n2,B\n", littleEndian: true, mark: true)))
        #expect(try long.header() == ["id", "name"])
        #expect(try long.next() == ["1", filler + "😀"])
        #expect(try long.next() == ["2", "B"])
    }

    /// The other file may write a header otherwise: case, spaces and punctuation do not matter, unless two columns
    /// would then be the same.
    @Test func headersAreFoundWrittenOtherwise() throws {
        let path = try write(Array("ID,Family Name,Date-of-Birth\n1,LEE,1990-01-02\n".utf8))
        let d = try Dataset.load(path: path, idColumn: "id", fields: [FieldSpec(column: "family_name", kind: .name), FieldSpec(column: "date_of_birth", kind: .date)])
        #expect(d.ids == ["1"] && d.views[1].dates == [19_900_102])
        #expect(Dataset.column("dob", in: ["DOB", "dob_"]) == nil)          // two candidates: neither
        #expect(Dataset.column("dob", in: ["DOB", "D.O.B."]) == 0)          // D, O, B are other words
        #expect(Dataset.column("date_of_birth", in: ["id", "dateOfBirth"]) == 1 && Dataset.column("date_of_birth", in: ["id", "DATE_OF_BIRTH"]) == 1)
        #expect(Dataset.column("dob", in: ["dob", "D.O.B."]) == 0)          // the exact name first
    }

    /// The reader against RFC 4180 read byte by byte over the whole file (quotes open a field only at its start, two
    /// quotes in a quoted field are one, a carriage return before a line feed is dropped, a blank line is skipped, the
    /// first field that is not UTF-8 turns the rest of the file into Windows-1252), on random files read in chunks of
    /// 1 to 7 bytes and 1 MiB, so that rows, quotes, doubled quotes and line ends fall across reads. Columns left out
    /// (`keeping`) come back empty and change nothing else.
    @Test func readsAsRFC4180ByteByByteWhateverTheChunks() throws {
        /// A row, and (strict UTF-8) whether one of its fields was not UTF-8.
        struct Row: Equatable { let line: Int; let fields: [String]; var invalid = false }
        func reference(_ bytes: [UInt8], strict: Bool) -> [Row]? {
            var rows: [Row] = [], fields: [String] = [], field: [UInt8] = []
            var quoted = false, atFieldStart = true, sawAnything = false, cp1252 = false, invalid = false, line = 1, start = 1, k = 0
            func decode(_ b: [UInt8]) -> String {
                if !cp1252, let s = String(validating: b, as: UTF8.self) { return s }
                if strict { invalid = true; return String(decoding: b, as: UTF8.self) }
                cp1252 = true
                return String(String.UnicodeScalarView(b.map { Unicode.Scalar(CSVReader.cp1252[Int($0)])! }))
            }
            while k < bytes.count {
                let c = bytes[k]; k += 1; sawAnything = true
                if quoted {
                    if c == 0x22 { if k < bytes.count && bytes[k] == 0x22 { field.append(0x22); k += 1 } else { quoted = false } }
                    else { if c == 0x0A { line += 1 }; field.append(c) }
                    continue
                }
                switch c {
                case 0x22 where atFieldStart: quoted = true; atFieldStart = false
                case 0x2C: fields.append(decode(field)); field = []; atFieldStart = true
                case 0x0A:
                    line += 1
                    if field.last == 0x0D { field.removeLast() }
                    fields.append(decode(field))
                    if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: start, fields: fields, invalid: invalid)) }
                    fields = []; field = []; atFieldStart = true; sawAnything = false; start = line; invalid = false
                default: field.append(c); atFieldStart = false
                }
            }
            if quoted { return nil }
            if sawAnything { fields.append(decode(field)); rows.append(Row(line: start, fields: fields, invalid: invalid)) }
            return rows
        }
        let pieces: [[UInt8]] = [[0x61], [0x62, 0x63], [0x2C], [0x2C], [0x22], [0x22, 0x22], [0x0A], [0x0D, 0x0A], [0x0D], [0x20],
                                 Array("é".utf8), [0xFC], Array("李".utf8)]
        var rng = SplitMix64(seed: 18)
        for trial in 0..<400 {
            var bytes = Array("id,b\n".utf8)
            for _ in 0..<Int(rng.next() % 60) { bytes += pieces[Int(rng.next() % UInt64(pieces.count - (trial % 3 == 0 ? 0 : 1)))] }
            let path = try write(bytes)
            for (chunk, keep, strict) in [1, 2, 3, 5, 7, 1 << 20].flatMap({ c in ([nil, [false, true], [true]] as [[Bool]?]).flatMap { k in [(c, k, false), (c, k, true)] } }) {
                let expected = reference(Array(bytes.dropFirst(5)), strict: strict)
                do {
                    let r = try CSVReader(path: path, encoding: strict ? .utf8 : .detect)
                    r.chunkSize = chunk
                    #expect(try r.header() == ["id", "b"])
                    var rows: [Row] = []
                    do {
                        while let row = try r.next(keeping: keep) { rows.append(Row(line: r.line - 1, fields: row, invalid: strict && r.rowHasInvalidUTF8)) }
                    } catch {
                        #expect(expected == nil, "\(trial) \(chunk): \(error)")
                        continue
                    }
                    let wanted = expected.map { $0.map { row in
                        Row(line: row.line, fields: row.fields.enumerated().map { k, v in keep.map { k < $0.count && !$0[k] } == true ? "" : v }, invalid: row.invalid)
                    } }
                    #expect(rows == wanted, "trial \(trial), chunks of \(chunk), keeping \(String(describing: keep)): \(bytes)")
                }
            }
        }
    }

    @Test func windows1252() throws {
        let path = try write([0x69, 0x64, 0x2C, 0x6E, 0x0A, 0x31, 0x2C, 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x0A])   // "Müller" in cp1252
        let r = try CSVReader(path: path)
        _ = try r.header()
        #expect(try r.next() == ["1", "Müller"])
    }

    @Test func malformedInputNamesTheLine() throws {
        let path = try write(Array("id,family_name\n1,A\n2,B,extra\n".utf8))
        #expect(throws: CSVReader.Malformed(file: path, line: 3, reason: "expected 2 fields, found 3")) {
            try Dataset.load(path: path, idColumn: "id", fields: [FieldSpec(column: "family_name", kind: .name)])
        }
        let open = try write(Array("id,n\n1,\"unterminated\n".utf8))
        #expect(throws: CSVReader.Malformed.self) {
            try Dataset.load(path: open, idColumn: "id", fields: [FieldSpec(column: "n", kind: .name)])
        }
        #expect(throws: CSVReader.Malformed.self) {
            try Dataset.load(path: path, idColumn: "nope", fields: [])
        }
        #expect(throws: CSVReader.Malformed.self) { try CSVReader(path: "/no/such/file.csv") }
    }
}

@Suite struct CLITests {
    @Test func parsesTheDocumentedForm() throws {
        let a = try MatchCLI.parse(["--left", "L.csv", "--right", "R.csv", "--id", "id", "--field", "surname:name", "--field", "dob:date",
                                    "--threshold", "0.8", "--one-to-one", "--output", "out.csv"])
        #expect(a.left == "L.csv" && a.right == "R.csv" && a.id == "id" && a.output == "out.csv" && a.oneToOne && a.threshold == 0.8)
        #expect(a.fields == [FieldSpec(column: "surname", kind: .name), FieldSpec(column: "dob", kind: .date)])
        #expect(throws: MatchCLI.UsageError.self) { try MatchCLI.parse(["--left", "L.csv", "--id", "id"]) }
        #expect(throws: MatchCLI.UsageError.self) { try MatchCLI.parse(["--left", "L.csv", "--id", "id", "--output", "o", "--field", "x:colour"]) }
        #expect(throws: MatchCLI.UsageError.self) { try MatchCLI.parse(["--left", "L.csv", "--id", "id", "--output", "o", "--threshold", "2"]) }
    }

    /// Probabilities are written with six decimals as `%.6f` would write them, without `String(format:)`.
    @Test func writesProbabilitiesWithSixDecimals() {
        #expect(MatchCLI.decimal6(0) == "0.000000" && MatchCLI.decimal6(1) == "1.000000" && MatchCLI.decimal6(0.5) == "0.500000")
        #expect(MatchCLI.decimal6(0.9999996) == "1.000000" && MatchCLI.decimal6(0.0000004) == "0.000000" && MatchCLI.decimal6(0.012345) == "0.012345")
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let k = rng.next() % 1_000_000_000_000
            if k % 1_000_000 == 500_000 { continue }   // a tie at the seventh decimal: documented to differ
            let p = Double(k) / 1e12
            #expect(MatchCLI.decimal6(p) == String(format: "%.6f", p), "\(p)")
        }
    }

    @Test func infersKindsFromHeaders() {
        #expect(FieldKind.infer(header: "Date_Of_Birth") == .date)
        #expect(FieldKind.infer(header: "passport_number") == .id)
        #expect(FieldKind.infer(header: "soc_sec_id") == .id)
        #expect(FieldKind.infer(header: "given_name") == .name)
        #expect(FieldKind.infer(header: "postcode") == .number)
        #expect(FieldKind.infer(header: "colour") == nil)
        // Headers not in the table, by their words (a hotel's guest list: `first_names`, `document_no`).
        let kinds: [(String, FieldKind?)] = [
            ("first_names", .name), ("LastName", .name), ("Nachname", .name), ("prénom", .name), ("document_no", .id), ("PassportNo", .id),
            ("travel_document_number", .id), ("DateOfBirth", .date), ("tgl lahir", .date), ("nationality_code", .category), ("Gender", .category),
            ("place_of_birth", .text), ("company_name", .text), ("nama_perusahaan", .text), ("document_type", .category), ("kode_pos", .number),
            ("nama_ayah", nil), ("father_name", nil), ("last_entry", nil), ("phone_number", nil), ("remarks", nil),
            // Tempat, tanggal lahir: the date after the place; the nationality as "WN" or "kebangsaan".
            ("TTL", .date), ("tempat_tgl_lahir", .date), ("tempat_lahir", .text), ("WN", .category), ("Kebangsaan", .category),
            // A person's registration number is an id; a company's is shared by its workers: none. Its name is text.
            ("NIK", .id), ("NIK Sponsor", nil), ("NPWP Perusahaan", nil), ("Employer Name", .text),
            // Someone else's name, a way to reach someone, and dates that are no birth date say nothing of the holder.
            ("Emergency Contact Name", nil), ("Nama Jabatan", nil), ("Mob No", nil), ("Email", nil), ("Spouse Nationality", nil),
            ("Passport Expiry Date", nil), ("Masa Berlaku Paspor", nil), ("Tgl Terbit Paspor", nil), ("Travel Date", nil),
            // The name as the passport writes it is a name; its number an id.
            ("Name on Passport", .name), ("Nama Sesuai Paspor", .name), ("Nama Lengkap (Sesuai Paspor)", .name), ("No. Paspor", .id),
            ("Given Name(s)", .name), ("Date of Birth (DD/MM/YYYY)", .date),
            // A stay permit's or a visa's number is an id; its type, its end and its status are not.
            ("no_izin", .id), ("Nomor Izin Tinggal", .id), ("permit_number", .id), ("Visa No", .id), ("jenis_izin", .category),
            ("tgl_akhir_izin", nil), ("Masa Berlaku Izin", nil), ("status_izin", .category), ("Izin Tinggal", nil), ("Visa", nil),
        ]
        for (header, kind) in kinds { #expect(FieldKind.infer(header: header) == kind, "\(header)") }
    }

    /// A date kept in parts becomes one date field in place of its year's column; other columns keep their kinds.
    @Test func infersADateKeptInParts() {
        func infer(_ header: [String]) -> [String] { FieldSpec.infer(header: header, except: "id").map { "\($0.column):\($0.kind.rawValue)" } }
        #expect(infer(["id", "surname", "birth_day", "birth_month", "birth_year", "sex"]) ==
                ["surname:name", "birth_year+birth_month+birth_day:date", "sex:category"])
        #expect(infer(["id", "nama", "tanggal_lahir", "bulan_lahir", "tahun_lahir"]) == ["nama:name", "tahun_lahir+bulan_lahir+tanggal_lahir:date"])
        #expect(infer(["id", "DOB_Year", "DOB_Month", "name"]) == ["DOB_Year+DOB_Month:date", "name:name"])
        #expect(infer(["id", "name", "yob"]) == ["name:name", "yob:date"])
        #expect(infer(["id", "name", "yob", "birth_month"]) == ["name:name", "yob+birth_month:date"])
        // A date's format in its header is no part of it.
        #expect(infer(["id", "name", "Date of Birth (DD/MM/YYYY)"]) == ["name:name", "Date of Birth (DD/MM/YYYY):date"])
        #expect(!FieldSpec.isDatePart("Tanggal Lahir (Hari/Bulan/Tahun)") && FieldSpec.isDatePart("Birth Year"))
        #expect(infer(["id", "name", "year_of_birth"]) == ["name:name", "year_of_birth:date"])
        // A day without its month, or a month without its year, says nothing alone.
        #expect(infer(["id", "name", "birth_year", "birth_day"]) == ["name:name", "birth_year:date"])
        // A whole date stays one column; `tanggal_lahir` is the day only beside a month and a year of the same words.
        #expect(infer(["id", "name", "tanggal_lahir", "tahun_lahir"]) == ["name:name", "tanggal_lahir:date", "tahun_lahir:date"])
        #expect(infer(["id", "name", "date_of_birth", "sex"]) == ["name:name", "date_of_birth:date", "sex:category"])
        #expect(FieldSpec(column: "y+m+d", kind: .date).parts == ["y", "m", "d"])
        #expect(FieldSpec(column: "y+m", kind: .category).parts.isEmpty && FieldSpec(column: "dob", kind: .date).parts.isEmpty)
    }

    @Test func badInputLeavesNoOutputFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bad = dir.appendingPathComponent("bad.csv").path
        FileManager.default.createFile(atPath: bad, contents: Data("id,surname\n1,A\n2\n".utf8))
        let out = dir.appendingPathComponent("pairs.csv").path
        let code = await MatchCLI.main(["--left", bad, "--id", "id", "--output", out, "--quiet"])
        #expect(code == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bad.csv"])
    }
}
