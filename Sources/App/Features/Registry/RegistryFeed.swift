import Crypto
import Deadlines
import Foundation
import Matching

/// The registry feed's exchange format (docs/registry-feed.md): a directory, or a .zip of it, of UTF-8
/// CSV files with a header line, keyed by the source system's own ids. Any file may be absent. This
/// file reads and checks one batch; `RegistryBatchApplier` writes it.
enum RegistryFeed {
    enum File: String, CaseIterable, Sendable {
        case sponsors, foreigners, passports, permits, addresses, employments, movements
        var fileName: String { rawValue + ".csv" }
        var columns: [String] {
            switch self {
            case .sponsors: ["sponsor_ref", "kind", "name", "nib", "npwp", "address", "village_code", "email", "phone"]
            case .foreigners: ["person_ref", "family_name", "given_names", "sex", "date_of_birth", "nationality", "place_of_birth"]
            case .passports: ["person_ref", "number", "issuing_country", "issued_on", "expires_on"]
            case .permits: ["person_ref", "number", "type", "category", "start_on", "end_on", "status", "sponsor_ref", "office_code"]
            case .addresses: ["person_ref", "line", "village_code", "valid_from"]
            case .employments: ["person_ref", "sponsor_ref", "position", "start_on", "end_on"]
            case .movements: ["person_ref", "direction", "crossed_at", "port_code", "travel_document"]
            }
        }
        /// Columns that may be empty.
        var optional: Set<String> {
            switch self {
            case .sponsors: ["nib", "npwp", "email", "phone"]
            case .foreigners: ["date_of_birth", "place_of_birth"]
            case .passports: ["issued_on"]
            case .permits: ["sponsor_ref", "office_code"]
            case .addresses: []
            case .employments: ["end_on"]
            case .movements: ["travel_document"]
            }
        }
    }

    /// One bad row (or a bad file: line 1 is its header): `FILE:LINE: reason`.
    struct Problem: Error, Sendable, Equatable {
        var file: String
        var line: Int
        var key: String
        var args: [String]
        init(_ file: File, _ line: Int, _ key: String, _ args: String...) {
            self.file = file.fileName; self.line = line; self.key = key; self.args = args
        }
        init(fileName: String, line: Int, key: String, args: [String]) {
            file = fileName; self.line = line; self.key = key; self.args = args
        }
        func reason(_ lang: Language) -> String { L10n.format(key, lang, args) }
        var description: String { "\(file):\(line): \(reason(.en))" }
    }

    struct Sponsor: Sendable { var line: Int; var ref, kind, name: String; var nib, npwp: String?; var address, villageCode: String; var email, phone: String? }
    struct Person: Sendable { var line: Int; var ref, familyName, givenNames, sex: String; var dateOfBirth: String?; var nationality: String; var placeOfBirth: String? }
    struct Passport: Sendable { var line: Int; var personRef, number, issuingCountry: String; var issuedOn: String?; var expiresOn: String }
    struct Permit: Sendable { var line: Int; var personRef, number, type, category, startOn, endOn, status: String; var sponsorRef, officeCode: String? }
    struct Address: Sendable { var line: Int; var personRef, text, villageCode, validFrom: String }
    struct Employment: Sendable { var line: Int; var personRef, sponsorRef, position, startOn: String; var endOn: String? }
    struct Movement: Sendable { var line: Int; var personRef, direction, crossedAt, portCode: String; var travelDocument: String? }

    struct Batch: Sendable {
        var sponsors: [Sponsor] = []
        var persons: [Person] = []
        var passports: [Passport] = []
        var permits: [Permit] = []
        var addresses: [Address] = []
        var employments: [Employment] = []
        var movements: [Movement] = []
        /// SHA-256 over the files' names and bytes: the same batch sent again is recognised.
        var digest = ""
        var rowCount: Int { sponsors.count + persons.count + passports.count + permits.count + addresses.count + employments.count + movements.count }
    }

    static let maxProblems = 1_000

    /// Reads every file present in `directory` and checks each row on its own (formats, allowed
    /// values, duplicates within a file). Cross-references are checked by the applier, which knows
    /// the registry. Throws `Problems` naming every bad line (up to `maxProblems`).
    static func read(directory: String) throws -> Batch {
        var batch = Batch()
        var problems: [Problem] = []
        var hasher = SHA256Stream()
        let present = File.allCases.filter { FileManager.default.fileExists(atPath: directory + "/" + $0.fileName) }
        if present.isEmpty { throw Problems(list: [Problem(fileName: "-", line: 0, key: "feed.noFiles", args: [File.allCases.map(\.fileName).joined(separator: ", ")])]) }
        for file in present {
            let path = directory + "/" + file.fileName
            try hasher.add(fileName: file.fileName, path: path)
            let reader: CSVReader
            do { reader = try CSVReader(path: path, encoding: .utf8) } catch {
                problems.append(Problem(file, 1, "feed.unreadable")); continue
            }
            let header: [String]
            do { header = try reader.header().map { $0.trimmingCharacters(in: .whitespaces).lowercased() } } catch {
                problems.append(Problem(file, 1, "feed.noHeader")); continue
            }
            let missing = file.columns.filter { !header.contains($0) }
            if !missing.isEmpty { problems.append(Problem(file, 1, "feed.missingColumns", missing.joined(separator: ", "))); continue }
            let index = Dictionary(uniqueKeysWithValues: file.columns.map { c in (c, header.firstIndex(of: c)!) })
            var seen: [String: Int] = [:]
            while true {
                let fields: [String]
                do {
                    guard let r = try reader.next() else { break }
                    fields = r
                } catch let e as CSVReader.Malformed {
                    problems.append(Problem(file, e.line, "feed.malformed", e.reason)); break
                }
                let line = reader.line
                if reader.rowHasInvalidUTF8 { problems.append(Problem(file, line, "feed.notUTF8")); continue }
                if fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
                guard fields.count == header.count else {
                    problems.append(Problem(file, line, "feed.columnCount", String(header.count), String(fields.count))); continue
                }
                var row = RowReader(file: file, line: line, fields: fields, index: index)
                let key: String?
                switch file {
                case .sponsors:
                    let s = Sponsor(line: line, ref: row.ref("sponsor_ref"), kind: row.oneOf("kind", ["company", "individual"]), name: row.text("name", max: 200),
                                    nib: row.digits("nib", counts: [13]), npwp: row.digits("npwp", counts: [15, 16]), address: row.text("address", max: 300),
                                    villageCode: row.villageCode("village_code"), email: row.email("email"), phone: row.phone("phone"))
                    batch.sponsors.append(s); key = s.ref
                case .foreigners:
                    let p = Person(line: line, ref: row.ref("person_ref"), familyName: row.name("family_name"), givenNames: row.name("given_names", allowEmpty: true),
                                   sex: row.oneOf("sex", ["M", "F", "X"], upper: true), dateOfBirth: row.day("date_of_birth"),
                                   nationality: row.country("nationality"), placeOfBirth: row.textOptional("place_of_birth", max: 100))
                    batch.persons.append(p); key = p.ref
                case .passports:
                    let p = Passport(line: line, personRef: row.ref("person_ref"), number: row.document("number"), issuingCountry: row.country("issuing_country"),
                                     issuedOn: row.day("issued_on"), expiresOn: row.day("expires_on") ?? "")
                    if let i = p.issuedOn, !p.expiresOn.isEmpty, i > p.expiresOn { row.fail("feed.order", "issued_on", "expires_on") }
                    batch.passports.append(p); key = "\(p.issuingCountry)|\(p.number)"
                case .permits:
                    let p = Permit(line: line, personRef: row.ref("person_ref"), number: row.document("number", max: 40), type: row.text("type", max: 20).uppercased(),
                                   category: row.oneOf("category", ["ITK", "ITAS", "ITAP"], upper: true), startOn: row.day("start_on") ?? "", endOn: row.day("end_on") ?? "",
                                   status: row.oneOf("status", ["active", "expired", "cancelled"]), sponsorRef: row.refOptional("sponsor_ref"),
                                   officeCode: row.textOptional("office_code", max: 20)?.uppercased())
                    if !p.startOn.isEmpty, !p.endOn.isEmpty, p.startOn > p.endOn { row.fail("feed.order", "start_on", "end_on") }
                    batch.permits.append(p); key = p.number
                case .addresses:
                    let a = Address(line: line, personRef: row.ref("person_ref"), text: row.text("line", max: 300), villageCode: row.villageCode("village_code"),
                                    validFrom: row.day("valid_from") ?? "")
                    batch.addresses.append(a); key = "\(a.personRef)|\(a.validFrom)"
                case .employments:
                    let e = Employment(line: line, personRef: row.ref("person_ref"), sponsorRef: row.ref("sponsor_ref"), position: row.text("position", max: 120),
                                       startOn: row.day("start_on") ?? "", endOn: row.day("end_on"))
                    if let end = e.endOn, !e.startOn.isEmpty, e.startOn > end { row.fail("feed.order", "start_on", "end_on") }
                    batch.employments.append(e); key = "\(e.personRef)|\(e.sponsorRef)|\(e.startOn)"
                case .movements:
                    let m = Movement(line: line, personRef: row.ref("person_ref"), direction: row.oneOf("direction", ["in", "out"]), crossedAt: row.instant("crossed_at"),
                                     portCode: row.port("port_code"), travelDocument: row.textOptional("travel_document", max: 20)?.uppercased())
                    batch.movements.append(m); key = "\(m.personRef)|\(m.direction)|\(m.crossedAt)"
                }
                if let key, row.problems.isEmpty {
                    if let first = seen[key] { row.fail("feed.duplicate", String(first)) } else { seen[key] = line }
                }
                problems += row.problems
                if problems.count >= maxProblems { throw Problems(list: Array(problems.prefix(maxProblems))) }
            }
        }
        if !problems.isEmpty { throw Problems(list: problems) }
        batch.digest = hasher.finish()
        return batch
    }

    struct Problems: Error, Sendable {
        var list: [Problem]
    }

    /// Reads one row's fields by column name, collecting what is wrong instead of stopping at the first.
    struct RowReader {
        let file: File
        let line: Int
        let fields: [String]
        let index: [String: Int]
        var problems: [Problem] = []

        mutating func fail(_ key: String, _ args: String...) {
            problems.append(Problem(fileName: file.fileName, line: line, key: key, args: args))
        }

        mutating func raw(_ column: String) -> String? {
            let v = Self.trim(fields[index[column]!])
            if v.isEmpty {
                if !file.optional.contains(column) { fail("feed.required", column) }
                return nil
            }
            if Self.hasControl(v) { fail("feed.control", column); return nil }
            return v
        }

        mutating func text(_ column: String, max: Int) -> String { textOptional(column, max: max) ?? "" }

        mutating func textOptional(_ column: String, max: Int) -> String? {
            guard let v = raw(column) else { return nil }
            if v.utf8.count > max, v.count > max { fail("feed.tooLong", column, String(max)); return nil }
            return v
        }

        mutating func ref(_ column: String) -> String { refOptional(column) ?? "" }

        /// A source-system id: 1–64 letters, digits and `-_./:`.
        mutating func refOptional(_ column: String) -> String? {
            guard let v = raw(column) else { return nil }
            guard v.utf8.count <= 64, v.utf8.allSatisfy({ Self.isAlnum($0) || Self.refPunctuation.contains($0) }) else {
                fail("feed.ref", column); return nil
            }
            return v
        }

        mutating func name(_ column: String, allowEmpty: Bool = false) -> String {
            guard let v = Self.trim(fields[index[column]!]).nonEmpty else {
                if !allowEmpty { fail("feed.required", column) }
                return ""
            }
            let ascii = v.utf8.allSatisfy { $0 < 0x80 }
            // As the API's names (`RegistryEdits.name`): at most 100 Unicode scalars, one of them a letter (\p{L}).
            guard ascii ? v.utf8.count <= 100 && v.utf8.contains(where: Self.isLetter)
                        : v.unicodeScalars.count <= 100 && v.unicodeScalars.contains(where: RegistryEdits.isLetter),
                  !Self.hasControl(v) else {
                fail("feed.name", column); return ""
            }
            return v.uppercased()
        }

        mutating func oneOf(_ column: String, _ allowed: [String], upper: Bool = false) -> String {
            guard let v = raw(column) else { return "" }
            let value = upper ? v.uppercased() : v.lowercased()
            guard allowed.contains(value) else { fail("feed.oneOf", column, allowed.joined(separator: ", ")); return "" }
            return value
        }

        mutating func day(_ column: String) -> String? {
            guard let v = raw(column) else { return nil }
            guard v.utf8.count == 10, Day.isValid(v) else { fail("feed.day", column, v); return nil }
            return v
        }

        /// `YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)`, stored as UTC `YYYY-MM-DDTHH:MM:SSZ`.
        mutating func instant(_ column: String) -> String {
            guard let v = raw(column) else { return "" }
            guard let text = Self.utcText(v) else { fail("feed.instant", column, v); return "" }
            return text
        }

        mutating func country(_ column: String) -> String {
            guard let v = raw(column)?.uppercased() else { return "" }
            guard v.utf8.count == 3, v.utf8.allSatisfy(Self.isLetter) else { fail("feed.country", column, v); return "" }
            return v
        }

        mutating func document(_ column: String, max: Int = 20) -> String {
            guard let v = raw(column)?.uppercased() else { return "" }
            guard (3...max).contains(v.utf8.count), v.utf8.allSatisfy({ Self.isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }) else {
                fail("feed.document", column, String(max)); return ""
            }
            return v
        }

        mutating func digits(_ column: String, counts: [Int]) -> String? {
            guard let v = raw(column) else { return nil }
            let d = v.filter { $0 != "." && $0 != "-" && $0 != " " }
            guard counts.contains(d.count), d.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                fail("feed.digits", column, counts.map(String.init).joined(separator: "/")); return nil
            }
            return d
        }

        mutating func villageCode(_ column: String) -> String {
            guard let v = raw(column) else { return "" }
            guard RegionCode.isValid(v), v.split(separator: ".").count == 4 else { fail("feed.village", column, v); return "" }
            return v
        }

        mutating func email(_ column: String) -> String? {
            guard let v = raw(column) else { return nil }
            guard let e = EmailAddress(v) else { fail("feed.email", column); return nil }
            return e.value
        }

        mutating func phone(_ column: String) -> String? {
            guard let v = raw(column) else { return nil }
            guard v.count <= 30, v.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }) else { fail("feed.phone", column); return nil }
            return v
        }

        mutating func port(_ column: String) -> String {
            guard let v = raw(column)?.uppercased() else { return "" }
            guard (2...10).contains(v.utf8.count), v.utf8.allSatisfy(Self.isAlnum) else { fail("feed.port", column); return "" }
            return v
        }

        /// Leading and trailing white space removed; most values have none and are returned as they are.
        static func trim(_ s: String) -> String {
            guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return s }
            if !isWhitespace(first) && !isWhitespace(last) { return s }
            return s.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        // Byte and scalar tests: a feed is mostly ASCII, and Unicode property look-ups per character were a tenth of
        // a million-person load. Text with other characters takes the Unicode path (`hasControl`, `name`).
        static func isWhitespace(_ u: Unicode.Scalar) -> Bool {
            u.value < 0x80 ? (u.value == 0x20 || (0x09...0x0D).contains(u.value)) : u.properties.isWhitespace
        }
        static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        static func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || (0x30...0x39).contains(b) }
        static let refPunctuation: [UInt8] = Array("-_./:".utf8)
        /// A control character (Unicode category Cc): in ASCII, below 0x20 and 0x7F.
        static func hasControl(_ v: String) -> Bool {
            for b in v.utf8 {
                if b >= 0x80 { return v.unicodeScalars.contains { $0.properties.generalCategory == .control } }
                if b < 0x20 || b == 0x7F { return true }
            }
            return false
        }

        /// The instant as UTC text, or nil when it is not a real time.
        static func utcText(_ s: String) -> String? {
            let c = Array(s.utf8)
            func num(_ from: Int, _ n: Int) -> Int? {
                guard from + n <= c.count else { return nil }
                var v = 0
                for b in c[from..<(from + n)] { guard b >= 48 && b <= 57 else { return nil }; v = v * 10 + Int(b - 48) }
                return v
            }
            guard c.count >= 17, c[10] == UInt8(ascii: "T") || c[10] == UInt8(ascii: " "), c[13] == UInt8(ascii: ":"),
                  let day = CalendarDay(String(s.prefix(10))), let h = num(11, 2), let m = num(14, 2), h < 24, m < 60 else { return nil }
            var at = 16, sec = 0
            if at < c.count, c[at] == UInt8(ascii: ":") { guard let x = num(at + 1, 2), x < 60 else { return nil }; sec = x; at += 3 }
            var offset = 0
            if at == c.count - 1, c[at] == UInt8(ascii: "Z") {
                offset = 0
            } else if at == c.count - 6, c[at] == UInt8(ascii: "+") || c[at] == UInt8(ascii: "-"), c[at + 3] == UInt8(ascii: ":"),
                      let oh = num(at + 1, 2), let om = num(at + 4, 2), oh <= 14, om < 60 {
                offset = (oh * 60 + om) * (c[at] == UInt8(ascii: "-") ? -1 : 1)
            } else { return nil }
            var minutes = h * 60 + m - offset, shifted = day
            while minutes < 0 { minutes += 1440; shifted = shifted.adding(days: -1) }
            while minutes >= 1440 { minutes -= 1440; shifted = shifted.adding(days: 1) }
            return "\(shifted.description)T" + String(format: "%02d:%02d:%02dZ", minutes / 60, minutes % 60, sec)
        }
    }
}

/// SHA-256 over a batch's files, streamed.
struct SHA256Stream {
    private var hasher = Crypto.SHA256()
    mutating func add(fileName: String, path: String) throws {
        hasher.update(data: Data("\(fileName)\n".utf8))
        guard let h = FileHandle(forReadingAtPath: path) else { return }
        defer { try? h.close() }
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        hasher.update(data: Data("\n--\n".utf8))
    }
    func finish() -> String { hasher.finalize().map { String(format: "%02x", $0) }.joined() }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
