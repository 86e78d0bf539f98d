import Foundation

/// `sinergi match --left L.csv [--right R.csv] --id COLUMN [--field COLUMN:KIND …] [--threshold P]
/// [--one-to-one | --many-to-many | --every-pair] [--bands] [--max-block-pairs N] [--truth T.csv] --output pairs.csv`
public enum MatchCLI {
    public struct UsageError: Error, CustomStringConvertible { public let description: String }

    public struct Arguments: Equatable, Sendable {
        public var left = ""
        public var right: String?
        public var id = ""
        public var fields: [FieldSpec] = []
        /// nil: chosen by `defaultThreshold` (0.5 one-to-one; otherwise high enough to keep precision).
        public var threshold: Double?
        /// Forced one-to-one (`--one-to-one`); see `oneToOneByDefault` for the default.
        public var oneToOne = false
        /// Forced many-to-many (`--many-to-many`): every pair above the threshold, records reused.
        public var manyToMany = false
        /// `--every-pair`: every pair above the threshold, with the probabilities of one-to-one linkage
        /// (shared among a record's competitors): calibration measured over all candidates, not only the
        /// pairs one-to-one keeps.
        public var everyPair = false
        /// Known true pairs (left_id,right_id): report precision, recall and calibration per band.
        public var truth: String?
        public var output = ""
        public var maxBlockPairs = 2_000
        public var quiet = false
        /// The product's reconciliation settings (`ReconciliationBands`): one-to-one, pairs from the review
        /// band up, and a state (matched, review) per pair.
        public var bands = false
    }

    public static let usage = """
    usage: sinergi match --left L.csv [--right R.csv] --id COLUMN [--field COLUMN:KIND ...]
                         [--threshold P] [--one-to-one | --many-to-many | --every-pair] [--bands] [--max-block-pairs N]
                         [--truth T.csv] [--quiet] --output pairs.csv
      KIND is one of: \(FieldKind.allCases.map(\.rawValue).joined(separator: ", "))
      Without --field, kinds are inferred from header names (given_name, surname, date_of_birth, passport_number, …).
      Writes left_id,right_id,probability for pairs with probability ≥ P.
      Linking two files whose ids are unique on each side, each record is used at most once (one-to-one) and
      P defaults to 0.5; otherwise P defaults to the lowest probability that keeps the expected precision of
      the written pairs at 0.99 (never below 0.5). In one-to-one linkage a pair's probability is shared with
      its records' competitors (twins at 0.97 each against one record become 0.49 each); --every-pair writes
      every pair above P with those shared probabilities. --truth scores the output against known pairs.
      --bands links as the product's reconciliation of an agency list does (the list is R.csv): one-to-one,
      pairs from p 0.50 up (and a row several records fit about equally, whatever its share), with a fourth
      column state: matched (p ≥ 0.90 and names or document agree) or review, and a fifth, linked_through: the id of another
      row of R.csv naming the same person through which the row was linked (empty when linked by its own fields); with
      --truth it also scores the automatic matches and counts the review queue.
    """

    public static func parse(_ argv: [String]) throws -> Arguments {
        var a = Arguments()
        var k = 0
        func value(_ flag: String) throws -> String {
            k += 1
            guard k < argv.count, !argv[k].hasPrefix("--") else { throw UsageError(description: "\(flag) needs a value") }
            return argv[k]
        }
        while k < argv.count {
            let flag = argv[k]
            switch flag {
            case "--left": a.left = try value(flag)
            case "--right": a.right = try value(flag)
            case "--id": a.id = try value(flag)
            case "--output": a.output = try value(flag)
            case "--one-to-one": a.oneToOne = true
            case "--many-to-many": a.manyToMany = true
            case "--every-pair": a.everyPair = true
            case "--truth": a.truth = try value(flag)
            case "--quiet": a.quiet = true
            case "--bands": a.bands = true
            case "--threshold":
                let v = try value(flag)
                guard let t = Double(v), t > 0, t <= 1 else { throw UsageError(description: "--threshold must be a probability in (0, 1], got \"\(v)\"") }
                a.threshold = t
            case "--max-block-pairs":
                let v = try value(flag)
                guard let n = Int(v), n >= 1 else { throw UsageError(description: "--max-block-pairs must be a positive whole number") }
                a.maxBlockPairs = n
            case "--field":
                let v = try value(flag)
                guard let colon = v.lastIndex(of: ":"), let kind = FieldKind(rawValue: String(v[v.index(after: colon)...])), colon != v.startIndex else {
                    throw UsageError(description: "--field must be COLUMN:KIND with KIND one of \(FieldKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(v)\"")
                }
                a.fields.append(FieldSpec(column: String(v[..<colon]), kind: kind))
            default:
                throw UsageError(description: "unknown argument \"\(flag)\"")
            }
            k += 1
        }
        if a.left.isEmpty { throw UsageError(description: "--left is required") }
        if a.id.isEmpty { throw UsageError(description: "--id is required") }
        if a.output.isEmpty { throw UsageError(description: "--output is required") }
        if a.oneToOne && a.manyToMany { throw UsageError(description: "--one-to-one and --many-to-many exclude each other") }
        if a.everyPair && (a.oneToOne || a.manyToMany || a.bands) { throw UsageError(description: "--every-pair excludes --one-to-one, --many-to-many and --bands") }
        if a.everyPair && a.right == nil { throw UsageError(description: "--every-pair links two files: give --right") }
        if a.bands && a.right == nil { throw UsageError(description: "--bands links two files: give --right") }
        if a.bands && (a.manyToMany || a.threshold != nil) { throw UsageError(description: "--bands sets one-to-one and its own threshold: leave out --many-to-many and --threshold") }
        if a.fields.count > Pattern.maxFields { throw UsageError(description: "at most \(Pattern.maxFields) --field options") }
        return a
    }

    /// Runs the command; returns the process exit code (0 ok, 1 bad data, 2 bad usage).
    public static func main(_ argv: [String]) async -> Int32 {
        let args: Arguments
        do { args = try parse(argv) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n\(usage)\n".utf8))
            return 2
        }
        do {
            try await run(args)
            return 0
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return error is UsageError ? 2 : 1
        }
    }

    public static func run(_ args: Arguments) async throws {
        let started = Date()
        let say: @Sendable (String) -> Void = { msg in
            if !args.quiet { FileHandle.standardError.write(Data("sinergi match: \(msg) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)\n".utf8)) }
        }
        var fields = args.fields
        // Each file's header, read once: for the fields, their pairing and the age column's notice.
        let leftHeader = try CSVReader(path: args.left).header()
        let rightHeader = try args.right.map { try CSVReader(path: $0).header() }
        if fields.isEmpty {
            fields = FieldSpec.infer(header: leftHeader, except: args.id)
            guard !fields.isEmpty else {
                throw UsageError(description: "no field kinds could be inferred from the header of \(args.left); give --field COLUMN:KIND")
            }
            fields = Array(fields.prefix(Pattern.maxFields))
            say("fields inferred: \(fields.map { "\($0.column):\($0.kind.rawValue)" }.joined(separator: " "))")
        }
        // The right file's columns, where another system named them otherwise (`FieldSpec.counterparts`). An inferred
        // field the right file lacks is left out (it would say nothing about a pair); a field given with --field must be there.
        var rightFields = fields
        if let path = args.right, let header = rightHeader {
            if !args.fields.isEmpty {
                // Fields given by hand are looked for as given (name or words), never by kind.
                if let f = fields.first(where: { FieldSpec.columns(of: $0, in: header) == nil }) {
                    throw CSVReader.Malformed(file: path, line: 1, reason: "no column for the field \"\(f.column)\"")
                }
            } else {
                let (kept, found, missing) = FieldSpec.paired(fields, with: header, except: args.id)
                // Names are what a person is linked on: without them the pairs would rest on dates and categories alone.
                if fields.contains(where: { $0.kind == .name }) && !kept.contains(where: { $0.kind == .name }) {
                    throw UsageError(description: "no column of \(path) could be paired with the names of \(args.left) (\(fields.filter { $0.kind == .name }.map(\.column).joined(separator: ", "))); give --field COLUMN:KIND with the same column names in both files")
                }
                for f in missing { say("\(f.column) left out: \(path) has no such column") }
                for (f, r) in zip(kept, found) where r != f { say("\(f.column) is \(r.column) in \(path)") }
                guard !kept.isEmpty else { throw UsageError(description: "\(path) has none of the fields of \(args.left)") }
                fields = kept; rightFields = found
            }
        }
        for (path, header, specs) in [(args.left, leftHeader, fields)] + (args.right.map { [($0, rightHeader ?? [], rightFields)] } ?? []) {
            if let k = Dataset.ageColumn(in: header, except: args.id), let date = Dataset.birthDateField(specs, header: header) {
                say("\(header[k]) in \(path): an age, read where \(specs[date].column) is empty (the years it allows)")
            }
        }
        // Both files at once: a file's rows are split on one thread while the rows before are normalised on the others,
        // and the two readings fill each other's pauses (at a million rows, one file after the other used 1.7 cores of 2).
        let (leftPath, leftFields, id) = (args.left, fields, args.id)
        // The left file's error first, where both have one, as when they were read in turn.
        async let reading = Result { try Dataset.load(path: leftPath, idColumn: id, fields: leftFields) { n in say("read \(n) rows of \(leftPath)") } }
        let readingRight = Result { try args.right.map { path in try Dataset.load(path: path, idColumn: args.id, fields: rightFields) { n in say("read \(n) rows of \(path)") } } }
        let left = try await reading.get()
        let right = try readingRight.get()
        say("read \(left.count) + \(right?.count ?? 0) records")
        var options = MatchOptions()
        let bands = ReconciliationBands()
        options.oneToOne = args.bands || oneToOne(args, left: left, right: right)
        options.exclusive = args.everyPair
        options.keepContested = args.bands
        options.threshold = args.bands ? bands.reviewAt : args.threshold ?? 0.5
        options.maxPairsPerBlock = args.maxBlockPairs
        say(options.oneToOne ? "one-to-one" : args.everyPair ? "every pair, probabilities as in one-to-one" : "many-to-many")
        var result = await Matcher.run(left: left, right: right, options: options, progress: say)
        if args.threshold == nil && !options.oneToOne && !args.bands && !args.everyPair {
            let t = defaultThreshold(result.pairs.map(\.probability))
            result.pairs.removeAll { $0.probability < t }
            say(String(format: "threshold %.4f (expected precision ≥ %.2f)", t, targetPrecision))
        }

        let states = args.bands ? result.pairs.map { bands.state($0, left: left, right: right ?? left) } : nil

        // Write next to the target and rename, so a failed run leaves no partial output behind.
        let target = URL(fileURLWithPath: args.output)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid()).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil), let out = FileHandle(forWritingAtPath: temporary.path) else {
            throw UsageError(description: "cannot write \(args.output)")
        }
        do {
            let rightIDs = (right ?? left).ids
            var chunk = args.bands ? "left_id,right_id,probability,state,linked_through\n" : "left_id,right_id,probability\n"
            for (k, p) in result.pairs.enumerated() {
                chunk += "\(csvField(left.ids[p.left])),\(csvField(rightIDs[p.right])),\(decimal6(p.probability))"
                // With --bands, the list's (right file's) row this row was linked through, as the product's review card names it.
                chunk += states.map { states in
                    let through = p.head.flatMap { Int($0.right) != p.right ? csvField(rightIDs[Int($0.right)]) : nil } ?? ""
                    return ",\(states[k].rawValue),\(through)\n"
                } ?? "\n"
                if chunk.utf8.count > 1 << 20 { try out.write(contentsOf: Data(chunk.utf8)); chunk = "" }
            }
            try out.write(contentsOf: Data(chunk.utf8))
            try out.close()
            _ = try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if !args.quiet { FileHandle.standardError.write(Data(result.model.report().utf8)) }
        say("wrote \(result.pairs.count) pairs from \(result.candidatePairs) candidates to \(args.output)")
        if let path = args.truth {
            let other = right ?? left
            let truth = try Evaluation.truth(path: path, left: left, right: other)
            let s = Evaluation.scores(predicted: result.pairs, truth: truth)
            var text = String(format: "against %@: precision %.4f, recall %.4f, F1 %.4f\n", path, s.precision, s.recall, s.f1)
            text += "calibration (band: pairs, share true):\n"
            for b in Evaluation.calibration(result.pairs.map { ($0.probability, truth.contains(Evaluation.key($0.left, $0.right))) }) where b.pairs > 0 {
                text += String(format: "  [%.2f, %.2f%@ %8d  %.4f\n", b.lower, b.upper, b.upper == 1 ? "]" : ")", b.pairs, b.share)
            }
            if let states { text += bandsReport(result.pairs, states: states, truth: truth, listRows: other.count) }
            text += Evaluation.labelledReport(left: left, right: other, truth: truth, model: result.model)
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// What the reconciliation's bands give against known pairs: the automatic matches' precision and
    /// recall, both bands' together, and the review queue as a share of the list's (right file's) rows.
    static func bandsReport(_ pairs: [MatchPair], states: [ReconciliationBands.State], truth: Set<UInt64>, listRows: Int) -> String {
        let automatic = zip(pairs, states).filter { $0.1 == .matched }.map(\.0)
        let review = states.filter { $0 == .review }.count
        let a = Evaluation.scores(predicted: automatic, truth: truth), b = Evaluation.scores(predicted: pairs, truth: truth)
        return String(format: "reconciliation bands: automatic %d pairs, precision %.4f, recall %.4f, F1 %.4f; "
                      + "automatic + review precision %.4f, recall %.4f; review %d rows = %.2f %% of the list's %d rows\n",
                      automatic.count, a.precision, a.recall, a.f1, b.precision, b.recall, review, 100 * Double(review) / Double(max(listRows, 1)), listRows)
    }

    /// The precision the default threshold keeps when records may be reused.
    public static let targetPrecision = 0.99

    /// Whether each id occurs once: then a record stands for one person and can be linked once.
    public static func idsAreUnique(_ ids: [String]) -> Bool {
        // By 64-bit hashes, sorted; only ids whose hashes meet are compared as strings. An id that is not ASCII is
        // hashed composed: `JOSÉ1` written with É or with E and an accent is one id, as strings compare.
        var hashes = ids.enumerated().map { k, id in
            (hash: Blocking.hash(id.utf8.allSatisfy { $0 < 0x80 } ? id : id.precomposedStringWithCanonicalMapping), row: k)
        }
        hashes.sort { $0.hash < $1.hash }
        var k = 1
        while k < hashes.count {
            guard hashes[k].hash == hashes[k - 1].hash else { k += 1; continue }
            var same = Set([ids[hashes[k - 1].row]])
            while k < hashes.count && hashes[k].hash == hashes[k - 1].hash {
                if !same.insert(ids[hashes[k].row]).inserted { return false }
                k += 1
            }
        }
        return true
    }

    /// One-to-one unless forced either way: on by default when linking two files whose ids are each unique
    /// (one person per row on each side); off for deduplication, and when ids repeat (several rows may
    /// describe one record, so a record may rightly appear in several pairs).
    public static func oneToOne(_ args: Arguments, left: Dataset, right: Dataset?) -> Bool {
        if args.oneToOne { return true }
        if args.everyPair { return false }
        if args.manyToMany { return false }
        guard let right else { return false }
        return idsAreUnique(left.ids) && idsAreUnique(right.ids)
    }

    /// Without one-to-one, every pair above the threshold is written, so a low threshold trades precision
    /// for recall. The default is the lowest threshold (≥ 0.5) at which the pairs kept have an expected
    /// precision — their mean probability — of at least `targetPrecision`.
    public static func defaultThreshold(_ probabilities: [Double], target: Double = targetPrecision) -> Double {
        let sorted = probabilities.filter { $0 >= 0.5 }.sorted(by: >)
        var sum = 0.0, kept = 0
        for (k, p) in sorted.enumerated() {
            sum += p
            if sum / Double(k + 1) >= target { kept = k + 1 }
        }
        if kept == sorted.count { return 0.5 }              // every pair can be kept
        return kept == 0 ? sorted[0] : sorted[kept - 1]     // nothing that sure: the best pairs only
    }

    /// A probability with six decimals, as `%.6f` writes it (but for a tie at the seventh decimal, which may round
    /// the other way): `String(format:)` took about 2 s for the half million pairs written at a million records.
    static func decimal6(_ p: Double) -> String {
        guard p.isFinite, p >= 0, p < 1e12 else { return String(format: "%.6f", p) }
        let v = Int64((p * 1_000_000).rounded())
        let fraction = String(v % 1_000_000)
        return "\(v / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    static func csvField(_ s: String) -> String {
        // Bytes, not `String.contains(_:)`, which goes through Foundation's search for each id written.
        s.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D } ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// `sinergi bench-jw PAIRS.csv`: times the Jaro-Winkler kernel alone, on one thread, over the pairs
/// of a two-column CSV (no header), and prints JSON. Benchmarks/compare/jw_bench.py runs the peers'
/// kernels on the same file.
public enum KernelBench {
    public static func main(_ argv: [String]) -> Int32 {
        guard let path = argv.first, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            FileHandle.standardError.write(Data("usage: sinergi bench-jw PAIRS.csv\n".utf8))
            return 2
        }
        var a: [String] = [], b: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ",", maxSplits: 1)
            guard parts.count == 2 else { continue }
            a.append(String(parts[0])); b.append(String(parts[1]))
        }
        // The kernel works on bytes: all strings are laid out once in one buffer (as a database column is).
        var bytes: [UInt8] = []
        var spans: [(Int, Int, Int, Int)] = []
        for k in a.indices {
            let x = bytes.count
            bytes.append(contentsOf: a[k].utf8)
            let y = bytes.count
            bytes.append(contentsOf: b[k].utf8)
            spans.append((x, y - x, y, bytes.count - y))
        }
        var best = Double.infinity
        var checksum = 0.0
        bytes.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress!
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                var sum = 0.0
                for (x, lx, y, ly) in spans {
                    sum += Similarity.jaroWinkler(UnsafeBufferPointer(start: base + x, count: lx), UnsafeBufferPointer(start: base + y, count: ly))
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                best = min(best, seconds); checksum = sum
            }
        }
        print("{\"pairs\": \(a.count), \"seconds\": \(best), \"pairsPerSecond\": \(Double(a.count) / best), \"checksum\": \(checksum)}")
        return 0
    }
}
