import Foundation
import Matching
import Vapor

/// A field an agency list may carry, the header names it is recognised by, and whether it is required.
struct ImportField: Sendable {
    let key: String
    let aliases: [String]
}

/// One valid row, normalised: dates as YYYY-MM-DD, nationality as ISO alpha-3, sex as M/F, ids upper-case.
struct ImportRecord: Sendable {
    var line: Int
    var name: String
    /// Kept apart when the list has both columns: matching compares them as two fields then.
    var familyName: String?
    var givenNames: String?
    var dateOfBirth: String?
    /// An age in years (`umur`), as lists without birth dates give one: matching reads the birth year from it where the
    /// row has no date of birth.
    var age: Int?
    /// An age written as a guess (`± 40`, `sekitar 40`): not used, shown on the preview as it stood so that the user
    /// sees why the row has no age.
    var ageGuess: String?
    var passportNumber: String?
    var nationality: String?
    var sex: String?
    var employer: String?
    var address: String?
    var npwp: String?
    var nib: String?
    /// Fields whose value could not be read, kept raw and flagged (`badFields=setAside`): the row is
    /// reconciled on its other fields. Column name → value as it stood in the file.
    var setAside: [String: String] = [:]
}

struct InvalidRow: Content, Equatable {
    var line: Int
    /// The problem in English (the API's contract); pages show `code` in their own language.
    var reason: String
    /// The message key and the column at fault, when one column is.
    var code: String?
    var field: String?
    var args: [String]?
    /// The row's other problems when it has several (each field at fault is named), given as the first is.
    var more: [InvalidRow]?

    init(line: Int, reason: String) { self.line = line; self.reason = reason }
    init(line: Int, failure f: ValidationFailure) {
        self.line = line; reason = f.message(.en); code = f.key; field = f.field; args = f.args
        more = f.more.isEmpty ? nil : f.more.map { InvalidRow(line: line, failure: $0) }
    }

    /// Every problem of the row in `lang`, the first first.
    func messages(_ lang: Language) -> [String] { [message(lang)] + (more ?? []).map { $0.message(lang) } }

    /// The problem in `lang`.
    func message(_ lang: Language) -> String {
        guard let code else { return reason }
        var f = ValidationFailure(code, field: field)
        f.args = LocalTime.daysInWords(args ?? [], lang: lang)   // "1 Jan 2030", as the pages write days
        return f.message(lang)
    }
}

/// A file that cannot be imported: the first problem, and every invalid row (header = line 1).
struct ImportRejected: Error, Sendable {
    var failure: ValidationFailure
    var invalidRows: [InvalidRow]
    var invalidCount: Int

    /// The problem in `lang`; with invalid rows, how many and the first of them.
    func message(_ lang: Language) -> String {
        guard failure.key == "v.import.invalidRows", let first = invalidRows.first else { return failure.message(lang) }
        var f = failure
        f.args = ["num:\(invalidCount)", String(first.line), lang == .en ? first.reason : first.message(lang)]
        return f.message(lang)
    }
    var message: String { message(.en) }
}


/// Reads an agency's CSV (UTF-8, Windows-1252 or UTF-16; comma, semicolon or tab), maps its columns to fields by
/// a saved mapping or by header name, and validates every row. Nothing is stored here.
enum ImportParser {
    static let maxRows = 1_000_000
    static let listedInvalidRows = 1_000

    static let personFields: [ImportField] = [
        .init(key: "name", aliases: ["full_name", "name", "nama", "nama_lengkap", "fullname", "nama_tka"]),
        .init(key: "family_name", aliases: ["family_name", "surname", "last_name", "nama_keluarga"]),
        .init(key: "given_names", aliases: ["given_names", "given_name", "first_name", "nama_depan"]),
        .init(key: "date_of_birth", aliases: ["date_of_birth", "dob", "birth_date", "birthdate", "tanggal_lahir", "tgl_lahir"]),
        .init(key: "age", aliases: ["age", "umur", "usia", "age_years", "umur_tahun"]),
        .init(key: "passport_number", aliases: ["passport_number", "passport", "passport_no", "no_paspor", "nomor_paspor", "paspor", "no_passport", "nomor_passport"]),
        .init(key: "nationality", aliases: ["nationality", "kewarganegaraan", "citizenship", "country", "negara"]),
        .init(key: "sex", aliases: ["sex", "gender", "jenis_kelamin"]),
        .init(key: "employer", aliases: ["employer", "company", "perusahaan", "sponsor", "penjamin", "pemberi_kerja"]),
        .init(key: "address", aliases: ["address", "alamat"]),
    ]
    static let companyFields: [ImportField] = [
        .init(key: "name", aliases: ["name", "company", "company_name", "nama", "nama_perusahaan", "perusahaan"]),
        .init(key: "npwp", aliases: ["npwp", "tax_id"]),
        .init(key: "nib", aliases: ["nib", "business_id"]),
        .init(key: "address", aliases: ["address", "alamat"]),
    ]

    static func fields(_ kind: ImportKind) -> [ImportField] { kind.isCompanies ? companyFields : personFields }

    /// A file's column headings as a message names them: at most 12, each cut at 30 characters.
    static func shown(_ header: [String]) -> String {
        let cut = header.prefix(12).map { $0.count > 30 ? $0.prefix(29) + "…" : $0 }.joined(separator: ", ")
        return header.count > 12 ? cut + ", …" : cut
    }

    /// Why a file is not a CSV at all, from its first bytes: a workbook (xlsx and ods are zip files, xls an OLE
    /// compound file), or not text (a NUL byte, as in pictures and PDFs with binary streams; or a picture's or a
    /// PDF's signature). nil: it may be text, and the CSV reader judges it.
    static func notText(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 8192)) ?? Data())
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "v.import.spreadsheet" }
        let signatures: [[UInt8]] = [[0x89, 0x50, 0x4E, 0x47], [0xFF, 0xD8, 0xFF], Array("GIF8".utf8), Array("%PDF".utf8)]
        if signatures.contains(where: starts) { return "v.import.notText" }
        // Excel's "Unicode Text" (UTF-16, tab-separated) is text with NUL bytes: `CSVReader` reads it as UTF-8.
        if CSVReader.utf16(head.prefix(200)) != nil { return nil }
        if head.contains(0) { return "v.import.notText" }
        return nil
    }

    static func headerKey(_ h: String) -> String {
        h.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "")
    }

    /// The columns of a birth date kept in three parts, year, month and day (`Tahun Lahir`, `Bulan Lahir`, `Tanggal
    /// Lahir`; `birth_year`, `birth_month`, `birth_day`), as `sinergi match` reads them (`FieldSpec.infer(header:except:)`);
    /// nil when the file has no such columns. A year alone, or with its month, is no date of birth for the registry.
    static func birthDateParts(header: [String]) -> [Int]? {
        for f in FieldSpec.infer(header: header, except: "") where f.kind == .date && f.parts.count == 3 {
            let found = f.parts.compactMap { header.firstIndex(of: $0) }
            if found.count == 3 { return found }
        }
        return nil
    }

    /// How a mapping names a birth date kept in parts: its columns' headings joined by "+", as `--field` names one.
    static func partsHeading(_ parts: [Int], header: [String]) -> String { parts.map { header[$0] }.joined(separator: "+") }

    /// A column other than `parts` that holds a whole birth date, by its header's name or words.
    static func wholeDate(header: [String], besides parts: [Int]) -> Int? {
        let aliases = personFields.first { $0.key == "date_of_birth" }!.aliases
        return header.indices.first { i in !parts.contains(i) && (aliases.contains(headerKey(header[i])) || inferredKey(header[i]) == "date_of_birth") }
    }

    /// Field → column index: the saved mapping where its header is present, else the header names. A birth date kept
    /// in parts is not here (`resolve`): a part the header names as a whole date is left out.
    static func resolveMapping(header: [String], kind: ImportKind, saved: [String: String], remembered: Bool = false) -> [String: Int] {
        resolve(header: header, kind: kind, saved: saved, remembered: remembered).mapping
    }

    /// `resolveMapping`, and the birth date's parts where they are what the date is read from. `remembered`: `saved` is
    /// the mapping kept from the owner's last list, not one chosen for this file.
    ///
    /// With a birth date kept in three columns, the date is, in this order: the parts, where chosen so; nothing, where
    /// chosen so; the column chosen for this file; else a column that holds the whole date; else the parts. A remembered
    /// column that is one of the parts is no choice: `Tanggal Lahir` held the whole date in the last list and is the day
    /// in this one, and taken by its name as the whole date it is the day too.
    static func resolve(header: [String], kind: ImportKind, saved: [String: String], remembered: Bool = false) -> (mapping: [String: Int], dateParts: [Int]?) {
        var out = resolveColumns(header: header, kind: kind, saved: saved)
        guard !kind.isCompanies, let parts = birthDateParts(header: header) else { return (out, nil) }
        let chosen = saved["date_of_birth"]
        if chosen == "" { return (out, nil) }
        if chosen != partsHeading(parts, header: header) {
            if let c = chosen, let i = header.firstIndex(of: c), !(remembered && parts.contains(i)) { return (out, nil) }
            if let whole = out["date_of_birth"].flatMap({ parts.contains($0) ? nil : $0 }) ?? wholeDate(header: header, besides: parts) {
                out["date_of_birth"] = whole
                return (out, nil)
            }
        }
        out["date_of_birth"] = nil
        return (out, parts)
    }

    static func resolveColumns(header: [String], kind: ImportKind, saved: [String: String]) -> [String: Int] {
        var out: [String: Int] = [:]
        let keys = header.map(headerKey)
        for f in fields(kind) {
            if let h = saved[f.key] {
                if h.isEmpty { continue }   // deliberately unmapped
                if let i = header.firstIndex(of: h) { out[f.key] = i; continue }
            }
            if let i = keys.firstIndex(where: { f.aliases.contains($0) }) { out[f.key] = i }
        }
        // A person list's column no name above matches is read by its words, as `sinergi match` reads headers
        // (`FieldKind`): `Forenames` holds the given names, `Travel Document No` the passport, `Kebangsaan` the nationality.
        guard !kind.isCompanies else { return out }
        var inferred: [String: Int] = [:]
        for (i, h) in header.enumerated() where !out.values.contains(i) {
            guard let key = inferredKey(h), out[key] == nil, inferred[key] == nil, saved[key] != "" else { continue }
            inferred[key] = i
        }
        // An age (`Umur (th)`, `Usia TKA`): the one column `sinergi match` would read as one (`Dataset.ageColumn`).
        if out["age"] == nil, inferred["age"] == nil, saved["age"] != "", let k = Dataset.ageColumn(in: header, except: ""),
           !out.values.contains(k), !inferred.values.contains(k) {
            inferred["age"] = k
        }
        // The whole name only where the name is not in parts: a row is named by `name` first.
        let merged = out.merging(inferred) { known, _ in known }
        if inferred["name"] != nil && (merged["family_name"] != nil || merged["given_names"] != nil) { inferred["name"] = nil }
        return out.merging(inferred) { known, _ in known }
    }

    /// The person field a column holds by its header's words (`FieldKind.infer`, `FieldSpec.role`); nil when they say
    /// none, or an id that is not a travel document's (an NIK, a KITAS number).
    /// Read by `FieldSpec.role`: a name the holder's own (not `Nama Jabatan`, `Emergency Contact Name`), a travel document
    /// (not an NIK), a nationality (not a country of birth or destination), an employer's name or an address (not a
    /// company's address), a whole birth date (not its year alone).
    static func inferredKey(_ header: String) -> String? {
        guard let kind = FieldKind.infer(header: header) else { return nil }
        let role = FieldSpec(column: header, kind: kind).role
        switch kind {
        case .name: return ["family": "family_name", "given": "given_names", "whole": "name"][role]
        case .date: return FieldSpec.isDatePart(header) ? nil : "date_of_birth"
        case .category: return ["sex": "sex", "country": "nationality"][role]
        case .id: return role == "travel" ? "passport_number" : nil
        case .text: return ["employer": "employer", "address": "address"][role]
        case .number: return nil
        }
    }

    /// UTF-8 if the bytes are UTF-8, or UTF-16 (`CSVReader` turns it into UTF-8 as it reads); UTF-8 with bad rows if
    /// they mix valid multi-byte sequences with invalid bytes (a damaged file); Windows-1252 if nothing in them is UTF-8
    /// beyond ASCII.
    static func detectEncoding(_ bytes: some Collection<UInt8>) -> CSVReader.TextEncoding {
        if CSVReader.utf16(bytes.prefix(200)) != nil { return .utf8 }
        var validMultibyte = 0, invalid = 0
        var it = Array(bytes)[...]
        while let b = it.first {
            if b < 0x80 { it = it.dropFirst(); continue }
            let need = b >= 0xF0 && b <= 0xF4 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 && b < 0xE0 ? 1 : -1
            if need > 0 && it.count > need && it.dropFirst().prefix(need).allSatisfy({ $0 & 0xC0 == 0x80 }) {
                validMultibyte += 1; it = it.dropFirst(need + 1)
            } else {
                invalid += 1; it = it.dropFirst()
            }
        }
        if invalid == 0 || validMultibyte > 0 { return .utf8 }
        return .windows1252
    }

    struct Duplicate: Sendable, Equatable { var line: Int; var of: Int }

    /// What makes two rows of one list the same person: every field a person is matched on, case and spacing aside.
    /// The preview names rows with the same key as an earlier one; the reconciliation matches them once (`Reconciler.persons`).
    /// An age counts where the row has no date of birth, as matching reads it.
    static func personKey(name: String, familyName: String?, givenNames: String?, dateOfBirth: String?, passportNumber: String?,
                          nationality: String?, sex: String?, age: Int?, employer: String?) -> [String] {
        [name, familyName ?? "", givenNames ?? "", dateOfBirth ?? age.map { "age \($0)" } ?? "", passportNumber ?? "", nationality ?? "", sex ?? "",
         employer.map(Reconciler.companyKey) ?? ""]
            .map { $0.uppercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    }

    struct Parsed: Sendable {
        var header: [String]
        var mapping: [String: Int]
        /// The columns of a birth date kept in parts (year, month, day), when the date is read from them.
        var dateParts: [Int]?
        var records: [ImportRecord]
        var invalid: [InvalidRow]
        var invalidCount: Int
        /// Rows imported with one or more fields set aside (only when parsed with `setAside`), each with its first bad field.
        var setAside: [InvalidRow] = []
        var setAsideCount = 0
        /// Rows the same in every field a person is matched on as an earlier row (the first few: line, earlier line), and
        /// how many in all: reconciled as one person with that row (`Reconciler.persons`).
        var duplicates: [Duplicate] = []
        var duplicateCount = 0
        var encoding: CSVReader.TextEncoding
        /// Read from UTF-16 (Excel's "Unicode Text"): `encoding` is then `.utf8`, the text it was turned into.
        var utf16 = false
        var delimiter: Character
        var rowCount: Int

        /// The heading a field is read from, "" when none: its column's, or a birth date's parts joined by "+".
        func heading(_ key: String) -> String { ImportParser.heading(key, header: header, mapping: mapping, dateParts: dateParts) }

        /// The mapping as it is saved for the owner's next list: field → heading.
        var headings: [String: String] {
            var out = mapping.mapValues { header[$0] }
            if dateParts != nil { out["date_of_birth"] = heading("date_of_birth") }
            return out
        }
    }

    /// The heading a field is read from, "" when none: its column's, or a birth date's parts joined by "+".
    static func heading(_ key: String, header: [String], mapping: [String: Int], dateParts: [Int]?) -> String {
        if key == "date_of_birth", let dateParts { return partsHeading(dateParts, header: header) }
        return mapping[key].map { header[$0] } ?? ""
    }

    /// Parses and validates the whole file; with `previewRows`, keeps only that many records (all are still checked).
    /// With `setAside`, a row whose only faults are unreadable fields (a date, a passport number, a nationality,
    /// a sex, an age on a row without a date of birth, an NPWP or NIB) is kept with those fields set aside instead of being refused; a row without a name,
    /// or with the wrong number of columns, is still refused.
    /// `remembered`: `saved` is the mapping kept from the owner's last list, not one chosen for this file.
    static func parse(path: String, kind: ImportKind, saved: [String: String], remembered: Bool = false, encoding: CSVReader.TextEncoding,
                      today: String, previewRows: Int? = nil, setAside: Bool = false) throws -> Parsed {
        if let key = notText(path: path) {
            let f = ValidationFailure(key)
            throw ImportRejected(failure: f, invalidRows: [InvalidRow(line: 1, failure: f)], invalidCount: 1)
        }
        let reader: CSVReader
        let header: [String]
        do {
            reader = try CSVReader(path: path, encoding: encoding)
            header = try reader.header()
        } catch let e as CSVReader.Malformed {
            throw ImportRejected(failure: ValidationFailure("v.import.malformed", String(max(1, e.line)), e.reason), invalidRows: [InvalidRow(line: max(1, e.line), reason: e.reason)], invalidCount: 1)
        }
        // A column chosen for this file (not remembered from the last) must be in it: a heading mistyped is said, not
        // passed over for the header's own guess.
        if !remembered {
            for f in fields(kind) {
                guard let h = saved[f.key], !h.isEmpty, !header.contains(h) else { continue }
                if f.key == "date_of_birth", let parts = birthDateParts(header: header), h == partsHeading(parts, header: header) { continue }
                let failure = ValidationFailure("v.import.noSuchColumn", field: "map.\(f.key)", h, shown(header))
                throw ImportRejected(failure: failure, invalidRows: [InvalidRow(line: 1, failure: failure)], invalidCount: 1)
            }
        }
        let (mapping, dateParts) = resolve(header: header, kind: kind, saved: saved, remembered: remembered)
        let hasName = mapping["name"] != nil || mapping["family_name"] != nil || mapping["given_names"] != nil
        guard hasName else {
            let names = fields(kind).first { $0.key == "name" }!.aliases.joined(separator: ", ")
            let f = ValidationFailure(kind.isCompanies ? "v.import.noCompanyNameColumn" : "v.import.noNameColumn", names, shown(header))
            throw ImportRejected(failure: f, invalidRows: [InvalidRow(line: 1, failure: f)], invalidCount: 1)
        }
        var records: [ImportRecord] = []
        var invalid: [InvalidRow] = []
        var invalidCount = 0
        var rows = 0
        func reject(_ line: Int, _ reason: String) {
            invalidCount += 1
            if invalid.count < listedInvalidRows { invalid.append(InvalidRow(line: line, reason: reason)) }
        }
        func rejectFailure(_ line: Int, _ f: ValidationFailure) {
            invalidCount += 1
            if invalid.count < listedInvalidRows { invalid.append(InvalidRow(line: line, failure: f)) }
        }
        var asideRows: [InvalidRow] = []
        var asideCount = 0
        var firstLine: [[String]: Int] = [:]
        var duplicates: [Duplicate] = []
        var duplicateCount = 0
        while true {
            let row: [String]
            do {
                guard let r = try reader.next() else { break }
                row = r
            } catch let e as CSVReader.Malformed {
                reject(e.line, e.reason); break
            }
            rows += 1
            if rows > maxRows {
                throw ImportRejected(failure: ValidationFailure("v.import.tooManyRows", "num:\(maxRows)"), invalidRows: [InvalidRow(line: reader.line, reason: "too many rows")], invalidCount: 1)
            }
            let line = reader.line
            if reader.rowHasInvalidUTF8 { rejectFailure(line, ValidationFailure("v.import.utf8")); continue }
            guard row.count == header.count else { rejectFailure(line, ValidationFailure("v.import.columns", String(header.count), String(row.count))); continue }
            switch record(row, line: line, mapping: mapping, dateParts: dateParts, kind: kind, today: today) {
            case .success(let (r, badFields)):
                if var first = badFields.first {
                    first.more = Array(badFields.dropFirst())
                    guard setAside else { rejectFailure(line, first); continue }
                    asideCount += 1
                    if asideRows.count < listedInvalidRows { asideRows.append(InvalidRow(line: line, failure: first)) }
                }
                if !kind.isCompanies {
                    let key = personKey(name: r.name, familyName: r.familyName, givenNames: r.givenNames, dateOfBirth: r.dateOfBirth,
                                        passportNumber: r.passportNumber, nationality: r.nationality, sex: r.sex, age: r.age, employer: r.employer)
                    if let first = firstLine[key] {
                        duplicateCount += 1
                        if duplicates.count < listedInvalidRows { duplicates.append(Duplicate(line: line, of: first)) }
                    } else {
                        firstLine[key] = line
                    }
                }
                if previewRows.map({ records.count < $0 }) ?? true { records.append(r) }
            case .failure(let f): rejectFailure(line, f)
            }
        }
        if rows == 0 {
            throw ImportRejected(failure: ValidationFailure("v.import.noRows"), invalidRows: [InvalidRow(line: 2, reason: "no data rows")], invalidCount: 1)
        }
        return Parsed(header: header, mapping: mapping, dateParts: dateParts, records: records, invalid: invalid, invalidCount: invalidCount,
                      setAside: asideRows, setAsideCount: asideCount, duplicates: duplicates, duplicateCount: duplicateCount,
                      encoding: encoding, utf16: reader.isUTF16, delimiter: Character(UnicodeScalar(reader.delimiter)), rowCount: rows)
    }

    /// A row read into a record and the faults of its optional fields (each such field left out of the record and
    /// kept raw in `setAside`), or the fault that refuses the whole row (no name, a field too long).
    static func record(_ row: [String], line: Int, mapping: [String: Int], dateParts: [Int]? = nil, kind: ImportKind, today: String) -> Result<(ImportRecord, [ValidationFailure]), ValidationFailure> {
        func value(_ key: String) -> String? {
            // A date kept in parts, as one value (`1985-07-09`, `9 Juli 1985`; `1985` when only the year is filled in).
            if key == "date_of_birth", let dateParts {
                let v = Normalize.dateFromParts(dateParts.map { row[$0] })
                return v.isEmpty ? nil : v
            }
            guard let i = mapping[key] else { return nil }
            let v = row[i].trimmingCharacters(in: .whitespacesAndNewlines)
            return v.isEmpty ? nil : v
        }
        func fail(_ f: ValidationFailure) -> Result<(ImportRecord, [ValidationFailure]), ValidationFailure> { .failure(f) }
        var bad: [ValidationFailure] = []
        var name = value("name") ?? [value("given_names"), value("family_name")].compactMap { $0 }.joined(separator: " ")
        name = name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !name.isEmpty else { return fail(ValidationFailure("v.required", field: "name")) }
        guard name.count <= 200 else { return fail(ValidationFailure("v.tooLong", field: "name", "200")) }
        // A name without a letter is another column mapped as the name (a date, a number): the row is refused.
        guard name.contains(where: \.isLetter) else { return fail(ValidationFailure("v.import.nameLetters", field: "name", String(name.prefix(40)))) }
        var r = ImportRecord(line: line, name: name)
        if mapping["name"] == nil, mapping["family_name"] != nil, mapping["given_names"] != nil {
            r.familyName = value("family_name") ?? ""; r.givenNames = value("given_names") ?? ""
        }
        if let a = value("address") {
            guard a.count <= 500 else { return fail(ValidationFailure("v.tooLong", field: "address", "500")) }
            r.address = a
        }
        if kind.isCompanies {
            if let n = value("npwp") {
                let digits = n.filter(\.isNumber)
                if digits.count == 15 || digits.count == 16, n.allSatisfy({ $0.isNumber || ".- ".contains($0) }) { r.npwp = digits } else {
                    bad.append(ValidationFailure("v.import.npwp", field: "npwp", String(n.prefix(40)))); r.setAside["npwp"] = n
                }
            }
            if let n = value("nib") {
                if n.count == 13, n.allSatisfy(\.isNumber) { r.nib = n } else {
                    bad.append(ValidationFailure("v.import.nib", field: "nib", String(n.prefix(40)))); r.setAside["nib"] = n
                }
            }
            return .success((r, bad))
        }
        if let d = value("date_of_birth") {
            if let date = Normalize.date(d) {
                let s = date.description
                if s >= "1900-01-01", s <= today { r.dateOfBirth = s } else {
                    bad.append(ValidationFailure("v.import.dateRange", field: "date_of_birth", s)); r.setAside["date_of_birth"] = d
                }
            } else {
                // Written as a date is (31/02/1980) but no such day: said so, not that the form is wrong.
                let parts = d.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
                let numbers = parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) } ? parts.compactMap { Int($0) } : []
                let shaped = numbers.count == 3 && (parts[0].count == 4 || parts[2].count == 4)
                // 12/25/1985: a day-first reading is impossible because the month came first (an American export).
                let monthFirst = shaped && parts[2].count == 4 && numbers[0] <= 12 && (13...31).contains(numbers[1])
                let key = monthFirst ? "v.import.dateMonthFirst" : shaped ? "v.import.dateImpossible" : "v.import.date"
                bad.append(ValidationFailure(key, field: "date_of_birth", String(d.prefix(40))))
                r.setAside["date_of_birth"] = d
            }
        }
        if let a = value("age") {
            // `45`, `45 TH`, `45 tahun` (`Normalize.age`). A cell without a digit (`-`, `N/A`, `tidak tahu`), an age of 0 (an
            // export's "unknown") or a guess (`± 45`) gives none, and is no fault: the row is matched without it, as
            // `sinergi match` reads such a cell. Anything else (`150`, `12 bulan`) is a fault where the age would be used,
            // on a row without a date of birth.
            if let n = Normalize.age(a) { r.age = n }
            else if Normalize.isGuessedAge(a), a.contains(where: \.isNumber) { r.ageGuess = String(a.prefix(20)) }
            else if a.contains(where: \.isNumber), Int(a.filter(\.isNumber)) != 0, r.dateOfBirth == nil {
                bad.append(ValidationFailure("v.import.age", field: "age", String(a.prefix(20)))); r.setAside["age"] = a
            }
        }
        if let p = value("passport_number") {
            let key = p.uppercased().filter { !$0.isWhitespace }
            if (5...20).contains(key.count), key.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }) {
                r.passportNumber = key
            } else {
                bad.append(ValidationFailure("v.import.passport", field: "passport_number", String(p.prefix(40)))); r.setAside["passport_number"] = p
            }
        }
        if let n = value("nationality") {
            // A code (CHN, or D from a scanned passport), or the country as agencies write it (Tiongkok, China, Chinese):
            // one code, the one the registry holds.
            if let code = Countries.code(n) { r.nationality = code } else {
                bad.append(ValidationFailure("v.import.nationality", field: "nationality", String(n.prefix(40)))); r.setAside["nationality"] = n
            }
        }
        if let s = value("sex") {
            switch s.uppercased() {
            // 1 and 2 as population registers write sex (ISO/IEC 5218, Dukcapil); 0 and 9 say it is not known.
            case "M", "L", "MALE", "LAKI-LAKI", "PRIA", "1": r.sex = "M"
            case "F", "P", "W", "FEMALE", "PEREMPUAN", "WANITA", "2": r.sex = "F"
            case "X", "0", "9": r.sex = "X"
            default: bad.append(ValidationFailure("v.import.sex", field: "sex", String(s.prefix(20)))); r.setAside["sex"] = s
            }
        }
        if let e = value("employer") {
            guard e.count <= 300 else { return fail(ValidationFailure("v.tooLong", field: "employer", "300")) }
            r.employer = e
        }
        return .success((r, bad))
    }
}
