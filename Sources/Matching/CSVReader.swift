import Foundation

/// A streaming CSV reader: RFC 4180 quoting, comma, semicolon (as Excel writes it in Indonesia), tab or vertical bar
/// (detected from the header), UTF-8 with an optional BOM, Windows-1252 when the bytes are not UTF-8, or UTF-16 (Excel's
/// "Unicode Text": with its byte-order mark, or ASCII with every other byte NUL), read as UTF-8 chunk by chunk.
/// Reads the file in 1 MiB chunks, so memory does not grow with file size.
public final class CSVReader {
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public let file: String
        public let line: Int
        public let reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    public let path: String
    public private(set) var delimiter: UInt8 = 0x2C
    /// Line number (1-based) where the last returned row started.
    public private(set) var line = 0
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false
    private var nextLine = 1
    private var windows1252 = false
    /// Bytes read at a time (smaller in tests, to split rows and quotes across reads).
    var chunkSize = 1 << 20
    private let strictUTF8: Bool
    /// With `.utf8`: whether the last returned row had bytes that are not UTF-8 (they read as U+FFFD).
    public private(set) var rowHasInvalidUTF8 = false

    /// How bytes become text: `.detect` switches to Windows-1252 at the first field that is not UTF-8;
    /// `.utf8` keeps UTF-8 and flags rows with invalid bytes; `.windows1252` decodes every byte as such.
    public enum TextEncoding: String, Sendable { case detect, utf8, windows1252 }

    public init(path: String, encoding: TextEncoding = .detect) throws {
        self.path = path
        strictUTF8 = encoding == .utf8
        windows1252 = encoding == .windows1252
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw Malformed(file: path, line: 0, reason: "cannot open the file (missing or unreadable)")
        }
        handle = h
    }

    deinit { try? handle.close() }

    /// Reads the next chunk into the buffer; false at the end of the file. A chunk of UTF-16 may hold nothing to read yet
    /// (an odd byte, half a surrogate pair): the next is read then, so a true return always adds bytes.
    private func fill() -> Bool {
        while !eof {
            let chunk = handle.readData(ofLength: chunkSize)
            if chunk.isEmpty {
                eof = true
                carry = []       // an odd byte or a lone surrogate at the very end: nothing to read
                return false
            }
            if position > 0 { buffer.removeFirst(position); position = 0 }
            let before = buffer.count
            if let littleEndian = utf16 { buffer += utf8(fromUTF16: carry + chunk, littleEndian: littleEndian) } else { buffer.append(contentsOf: chunk) }
            if buffer.count > before { return true }
        }
        return false
    }

    /// UTF-16 being read as UTF-8 (nil: the file is not UTF-16), and what of the last chunk waits for the next: an odd
    /// byte, or the first half of a surrogate pair.
    private var utf16: Bool?
    /// Whether the file is UTF-16 (known once the header is read).
    public var isUTF16: Bool { utf16 != nil }
    private var carry: [UInt8] = []

    /// `bytes` of UTF-16 as UTF-8; an incomplete end is kept in `carry` for the next chunk.
    private func utf8(fromUTF16 bytes: some Collection<UInt8>, littleEndian: Bool) -> [UInt8] {
        let b = Array(bytes)
        var units: [UInt16] = []
        units.reserveCapacity(b.count / 2)
        var k = 0
        while k + 1 < b.count {
            units.append(littleEndian ? UInt16(b[k]) | UInt16(b[k + 1]) << 8 : UInt16(b[k]) << 8 | UInt16(b[k + 1]))
            k += 2
        }
        carry = k < b.count ? [b[k]] : []
        if let last = units.last, (0xD800...0xDBFF).contains(last) {
            units.removeLast()
            carry = Array(b[(k - 2)..<k]) + carry
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) { out.append($0) }
        return out
    }

    /// Whether a file's first bytes are UTF-16, and little-endian (true) or big-endian (false); nil: they are not. Told by
    /// the byte-order mark, or by every other byte NUL (ASCII text, as Excel's "Unicode Text" writes headers without a
    /// mark): nine in ten of them, or all of a short file's with none of the others; or, for a header in another script
    /// without a mark (Фамилия, 국가, 姓名: their characters have no NUL half, or a few, as 가 U+AC00), by its two-byte
    /// units: none is NUL, at least four are ASCII (a separator, a space, the line's end), and those with their other
    /// half NUL are at most a quarter as many. Text in UTF-8 or Windows-1252 has no NUL byte, so it is never taken for
    /// UTF-16.
    public static func utf16(_ head: some Collection<UInt8>) -> Bool? {
        let b = Array(head)
        if b.starts(with: [0xFF, 0xFE]) { return true }
        if b.starts(with: [0xFE, 0xFF]) { return false }
        let even = stride(from: 0, to: b.count - 1, by: 2).map { b[$0] }, odd = stride(from: 1, to: b.count, by: 2).map { b[$0] }
        func nuls(_ zero: [UInt8], _ other: [UInt8]) -> Bool {
            (zero.count >= 8 && zero.filter { $0 == 0 }.count * 10 >= zero.count * 9)
                || (zero.count >= 2 && zero.allSatisfy { $0 == 0 } && other.allSatisfy { $0 != 0 })
        }
        func units(littleEndian: Bool) -> Bool {
            var ascii = 0, otherHalf = 0
            for (x, y) in zip(even, odd) {
                let (low, high) = littleEndian ? (x, y) : (y, x)
                if low == 0 && high == 0 { return false }
                if high == 0 && (low == 0x09 || low == 0x0A || low == 0x0D || (0x20...0x7E).contains(low)) { ascii += 1 } else if low == 0 { otherHalf += 1 }
            }
            return ascii >= 4 && otherHalf * 4 <= ascii
        }
        if nuls(odd, even) { return true }
        if nuls(even, odd) { return false }
        return units(littleEndian: true) ? true : units(littleEndian: false) ? false : nil
    }

    /// Reads the header and detects the delimiter and encoding.
    public func header() throws -> [String] {
        _ = fill()
        utf16 = Self.utf16(buffer.prefix(200))
        if let littleEndian = utf16 {
            buffer = utf8(fromUTF16: buffer, littleEndian: littleEndian)
            windows1252 = false   // UTF-16 says what it is; a charset given for the file does not turn its UTF-8 into Windows-1252
        }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        // The delimiter the first line holds most of: comma, or semicolon (Excel in Indonesia), tab (a database's or
        // a spreadsheet's "text" export), vertical bar; comma when none is more frequent.
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0, 0x7C: 0], k = position
        while k < buffer.count && buffer[k] != 0x0A { if counts[buffer[k]] != nil { counts[buffer[k], default: 0] += 1 }; k += 1 }
        for d: UInt8 in [0x3B, 0x09, 0x7C] where counts[d]! > counts[delimiter]! { delimiter = d }
        guard let row = try next() else { throw Malformed(file: path, line: 1, reason: "the file is empty (no header line)") }
        return row.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The next row, or nil at the end of the file.
    ///
    /// `keep`: which columns the caller reads (by index; columns past its end are kept). The others come back empty,
    /// without a string made for them; their bytes are still checked, so that Windows-1252 is noticed wherever it
    /// first appears (`TextEncoding.detect`) and a row with bytes that are not UTF-8 is flagged (`.utf8`).
    public func next(keeping keep: [Bool]? = nil) throws -> [String]? {
        while true {
            line = nextLine
            rowHasInvalidUTF8 = false
            guard let bounds = try rowBounds() else { return nil }
            let (fields, blank) = try buffer.withUnsafeBufferPointer { p in
                try split(UnsafeBufferPointer(rebasing: p[position..<bounds.end]), bounds: bounds, keep: keep)
            }
            position = bounds.terminated ? bounds.end + 1 : bounds.end
            nextLine += bounds.innerLines + (bounds.terminated ? 1 : 0)
            if bounds.terminated && blank { continue }
            return fields
        }
    }

    /// Where the row starting at `position` ends (`end`: its line feed, or the end of the file), and the line feeds
    /// inside its quoted fields; nil at the end of the file. Reads more of the file until
    /// the row is whole in the buffer, so that it can be split without reading again.
    private struct RowBounds {
        var end: Int
        var terminated: Bool
        var innerLines: Int
    }

    private func rowBounds() throws -> RowBounds? {
        var k = position, quoted = false, atFieldStart = true, inner = 0, atEnd = false
        let delimiter = delimiter
        while true {
            let found: Bool = buffer.withUnsafeBufferPointer { p in
                while k < p.count {
                    let c = p[k]
                    if quoted {
                        if c == 0x22 {
                            if k + 1 == p.count && !atEnd { return false }   // a doubled quote may go on in the next chunk
                            if k + 1 < p.count && p[k + 1] == 0x22 { k += 2; continue }
                            quoted = false
                        } else if c == 0x0A {
                            inner += 1
                        }
                    } else if c == 0x0A {
                        return true
                    } else if c == 0x22 && atFieldStart {
                        quoted = true; atFieldStart = false
                    } else {
                        atFieldStart = c == delimiter
                    }
                    k += 1
                }
                return false
            }
            if found { return RowBounds(end: k, terminated: true, innerLines: inner) }
            if atEnd {
                if quoted { throw Malformed(file: path, line: line, reason: "a quoted field is not closed") }
                return k == position ? nil : RowBounds(end: k, terminated: false, innerLines: inner)
            }
            let offset = k - position    // `fill` drops what was read before `position`
            if !fill() { atEnd = true }
            k = position + offset
        }
    }

    /// A whole row's fields, and whether it is blank (one empty field); the carriage return before its line feed is
    /// dropped. RFC 4180: a quote opens a field only at its start, two quotes in a quoted field are one, and what
    /// follows the closing quote up to the delimiter is the field's too.
    private func split(_ row: UnsafeBufferPointer<UInt8>, bounds: RowBounds, keep: [Bool]?) throws -> (fields: [String], blank: Bool) {
        var fields: [String] = []
        fields.reserveCapacity(keep?.count ?? 8)
        let delimiter = delimiter, n = row.count
        var field: [UInt8] = []
        var k = 0
        while true {
            var end = k
            var bytes: UnsafeBufferPointer<UInt8>
            var built = false
            if k < n && row[k] == 0x22 {
                // The quoted part, and whether it holds a doubled quote.
                var close = k + 1, doubled = false
                while close < n {
                    if row[close] == 0x22 {
                        if close + 1 < n && row[close + 1] == 0x22 { doubled = true; close += 2; continue }
                        break
                    }
                    close += 1
                }
                end = min(close + 1, n)
                while end < n && row[end] != delimiter { end += 1 }
                bytes = UnsafeBufferPointer(rebasing: row[(k + 1)..<min(close, n)])
                if doubled || end > close + 1 {
                    field.removeAll(keepingCapacity: true)
                    var q = k + 1
                    while q < min(close, n) {
                        field.append(row[q])
                        q += row[q] == 0x22 ? 2 : 1
                    }
                    if close + 1 < end { field.append(contentsOf: UnsafeBufferPointer(rebasing: row[(close + 1)..<end])) }
                    built = true
                }
            } else {
                while end < n && row[end] != delimiter { end += 1 }
                bytes = UnsafeBufferPointer(rebasing: row[k..<end])
            }
            let last = end >= n
            let wanted = keep.map { fields.count >= $0.count || $0[fields.count] } ?? true
            let empty: Bool
            if built {
                if last && bounds.terminated && field.last == 0x0D { field.removeLast() }
                fields.append(try field.withUnsafeBufferPointer { try decode($0, wanted: wanted) })
                empty = field.isEmpty
            } else {
                if last && bounds.terminated && bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
                fields.append(try decode(bytes, wanted: wanted))
                empty = bytes.isEmpty
            }
            if last { return (fields, fields.count == 1 && empty) }
            k = end + 1
        }
    }

    /// A field's text; "" for one not `wanted`, whose bytes are only checked (see `next`).
    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, wanted: Bool = true) throws -> String {
        if !windows1252 {
            if Similarity.isASCII(bytes) { return wanted ? String(decoding: bytes, as: UTF8.self) : "" }
            // Decoding repairs what is not UTF-8; the repaired text's bytes then differ from the field's.
            let s = String(decoding: bytes, as: UTF8.self)
            if s.utf8.elementsEqual(bytes) { return wanted ? s : "" }
            if strictUTF8 {
                rowHasInvalidUTF8 = true
                return wanted ? s : ""
            }
            // Not UTF-8: Excel's "CSV" on Indonesian Windows writes Windows-1252.
            windows1252 = true
        }
        return wanted ? String(String.UnicodeScalarView(bytes.map { Unicode.Scalar(CSVReader.cp1252[Int($0)])! })) : ""
    }

    static let cp1252: [UInt32] = {
        var t = (0..<256).map { UInt32($0) }
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
                              0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]
        for (k, v) in high.enumerated() { t[0x80 + k] = v }
        return t
    }()
}

/// A data set read for matching: record ids and one normalised column per field.
public final class Dataset: @unchecked Sendable {
    public private(set) var ids: [String] = []
    let columns: [FieldColumn]
    public let fields: [FieldSpec]
    public var count: Int { ids.count }

    public init(fields: [FieldSpec]) {
        self.fields = fields
        columns = fields.map { FieldColumn(kind: $0.kind, role: FieldKind.categoryRole(header: $0.column)) }
    }

    public func append(id: String, values: [String]) {
        ids.append(id)
        for (c, v) in zip(columns, values) { c.append(v) }
        frozen = nil; frozenRows = nil; soundsForKeys = nil
    }

    /// Normalises a batch of raw values on `concurrency` threads (all cores by default) and appends it,
    /// keeping row order.
    public func appendBatch(ids batchIDs: [String], raw: [[String]], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let n = batchIDs.count
        guard n > 0 else { return }
        let parts = max(1, min(concurrency, n / 1_000 + 1))
        let size = (n + parts - 1) / parts
        let partials = PartialColumns(count: parts)
        let specs = columns.map { ($0.kind, $0.role) }
        Parallel.onThreads(parts) { p in
            let lo = p * size, hi = min(n, lo + size)
            let cols = specs.map { FieldColumn(kind: $0.0, role: $0.1) }
            if lo < hi { for (f, c) in cols.enumerated() { for i in lo..<hi { c.append(raw[f][i]) } } }
            partials.set(p, cols)
        }
        ids.append(contentsOf: batchIDs)
        for p in 0..<parts { for (c, part) in zip(columns, partials.get(p)) { c.absorb(part) } }
        frozen = nil; frozenRows = nil; soundsForKeys = nil
    }

    /// The name words' sounds for the blocking keys (`NameSounds`): made by `Matcher.keys` before its threads take
    /// keys and dropped after; made here, once, for a key taken alone (one thread).
    var soundsForKeys: NameSounds?
    var nameSounds: NameSounds {
        if let made = soundsForKeys { return made }
        let made = NameSounds(self)
        soundsForKeys = made
        return made
    }

    private var frozen: [ColumnView]?
    /// Comparison views of the columns, made once after loading.
    var views: [ColumnView] {
        if let frozen { return frozen }
        for c in columns { c.settleDateOrder() }
        // Each id column's record also holds the numbers of the record's other id columns and its cell's others: where a
        // list writes the permit's number in the passport's column, or both in one cell.
        let documents = columns.indices.filter { columns[$0].kind == .id }
        let hasOthers = documents.count > 1 || documents.contains { f in !columns[f].partsBytes.items.isEmpty }
        let v = columns.enumerated().map { f, c in
            guard c.kind == .id, hasOthers else { return ColumnView(c, count: ids.count) }
            var also = Packed<UInt8>()
            also.ends.reserveCapacity(ids.count)
            for i in 0..<ids.count {
                let start = also.items.count
                c.partsBytes.withValue(i) { also.items.append(contentsOf: $0) }
                var marked = false
                for g in documents where g != f {
                    columns[g].forEachDocument(i) { d in
                        // The cell's own numbers first, then `|`, then the other columns' (`Compare.anyDocumentAgrees`).
                        if !marked { if also.items.count > start { also.items.append(0x20) }; also.items.append(0x7C); marked = true }
                        also.items.append(0x20)
                        also.items.append(contentsOf: d)
                    }
                }
                also.ends.append(also.items.count)
            }
            return ColumnView(c, count: ids.count, also: also)
        }
        frozen = v
        return v
    }

    private var frozenRows: RecordRows?
    /// Each record's row for comparing (`RecordRows`), made once after loading, like `views`.
    var rows: RecordRows {
        if let frozenRows { return frozenRows }
        let r = RecordRows(views, count: ids.count)
        frozenRows = r
        return r
    }

    /// Where `name` is in `header`: the column of that name, else the one written with the same words (`FieldKind.words`:
    /// case, spaces, punctuation and camelCase aside: `Date of Birth`, `DATE_OF_BIRTH`, `dateOfBirth` for `date_of_birth`;
    /// two files exported by different systems), when exactly one is.
    static func column(_ name: String, in header: [String]) -> Int? {
        if let k = header.firstIndex(of: name) { return k }
        let wanted = FieldKind.words(name)
        let found = header.indices.filter { FieldKind.words(header[$0]) == wanted }
        return wanted.isEmpty || found.count != 1 ? nil : found[0]
    }

    /// The one column of a header that holds an age (`umur`, `usia`, `age`, `Umur (th)`), if there is exactly one and it is
    /// no field of its own kind.
    public static func ageColumn(in header: [String], except idColumn: String) -> Int? {
        let found = header.indices.filter { k in
            header[k] != idColumn && FieldKind.infer(header: header[k]) == nil && !FieldKind.words(header[k]).isDisjoint(with: ["umur", "usia", "age"])
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The field an age column stands in for: the birth date's, kept in one column (the one date field, or the one whose
    /// header says birth: `tgl_lahir`, `dob`); nil if there is none or no way to tell (a date of entry given by hand).
    public static func birthDateField(_ fields: [FieldSpec], header: [String]) -> Int? {
        let dates = fields.indices.filter { fields[$0].kind == .date && fields[$0].parts.isEmpty && column(fields[$0].column, in: header) != nil }
        let birth: Set<String> = ["lahir", "birth", "dob", "born", "ttl", "birthdate", "birthday", "geburtsdatum", "naissance", "nacimiento"]
        let named = dates.filter { !FieldKind.words(fields[$0].column).isDisjoint(with: birth) }
        return named.count == 1 ? named[0] : dates.count == 1 && named.isEmpty ? dates[0] : nil
    }

    /// Streams a CSV file into a data set. Every row must have the header's number of columns; the id
    /// column must be present and non-empty.
    public static func load(path: String, idColumn: String, fields: [FieldSpec], batchSize: Int = 65_536, progress: ((Int) -> Void)? = nil) throws -> Dataset {
        let reader = try CSVReader(path: path)
        let header = try reader.header()
        guard let idIndex = column(idColumn, in: header) else {
            throw CSVReader.Malformed(file: path, line: 1, reason: "no column named \"\(idColumn)\" (columns: \(header.joined(separator: ", ")))")
        }
        // Each field's column, or its columns when it is kept in parts (`FieldSpec.parts`).
        var indices: [[Int]] = []
        for f in fields {
            if let k = column(f.column, in: header) { indices.append([k]); continue }
            let parts = f.parts.map { column($0, in: header) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }), parts.count <= 3 || f.kind == .name else {
                throw CSVReader.Malformed(file: path, line: 1, reason: "no column named \"\(f.column)\" (columns: \(header.joined(separator: ", ")))")
            }
            indices.append(parts.map { $0! })
        }
        // A birth date's column beside an age's (`umur`): where the date is missing, the age says the years it allows.
        let age = ageColumn(in: header, except: idColumn)
        let birth = age == nil ? nil : birthDateField(fields, header: header)
        let ageFor: [Int?] = fields.indices.map { n in
            if let age, n == birth, indices[n] != [age] { return age }
            return nil
        }
        // Only the columns read below are made strings.
        var keep = [Bool](repeating: false, count: header.count)
        for k in [idIndex] + indices.joined() + [age].compactMap({ $0 }) { keep[k] = true }
        let data = Dataset(fields: fields)
        // Rows are read in batches; each batch is normalised on every core while the next one is read,
        // then appended in order (one batch at a time: the next waits for the one before). On threads of their own
        // (`Parallel.onThreads`), not Dispatch's: this thread waits for them.
        var ids: [String] = []
        var raw: [[String]] = fields.map { _ in [] }
        var rowsRead = 0
        let pending = DispatchGroup()
        defer { pending.wait() }     // also when a bad row ends the reading: nothing runs on afterwards
        func flush() {
            let batchIDs = ids, batchRaw = raw
            ids = []; raw = fields.map { _ in [] }
            pending.wait()
            pending.enter()
            Parallel.start {
                data.appendBatch(ids: batchIDs, raw: batchRaw)
                pending.leave()
            }
            progress?(rowsRead)
        }
        while let row = try reader.next(keeping: keep) {
            guard row.count == header.count else {
                throw CSVReader.Malformed(file: path, line: reader.line, reason: "expected \(header.count) fields, found \(row.count)")
            }
            let id = Normalize.trimmed(row[idIndex])
            guard !id.isEmpty else { throw CSVReader.Malformed(file: path, line: reader.line, reason: "the id column \"\(idColumn)\" is empty") }
            ids.append(id)
            for (n, k) in indices.enumerated() {
                var value = k.count == 1 ? row[k[0]] : fields[n].kind == .date ? Normalize.dateFromParts(k.map { row[$0] }) : k.map { row[$0] }.joined(separator: " ")
                // The age passed on behind the date cell, read where the cell holds no date (empty, `-`, `TIDAK ADA`) by
                // `FieldColumn.append`, on the cores that normalise the batch.
                if let a = ageFor[n], let years = Normalize.age(row[a]) { value += Normalize.ageMark(years) }
                raw[n].append(value)
            }
            rowsRead += 1
            if ids.count == batchSize { flush() }
        }
        if !ids.isEmpty { flush() }
        pending.wait()
        return data
    }
}

/// Per-task results of a parallel batch, each slot written by exactly one task.
private final class PartialColumns: @unchecked Sendable {
    private var slots: [[FieldColumn]]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ k: Int, _ v: [FieldColumn]) { lock.lock(); slots[k] = v; lock.unlock() }
    func get(_ k: Int) -> [FieldColumn] { lock.lock(); defer { lock.unlock() }; return slots[k] }
}
