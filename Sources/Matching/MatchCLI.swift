import Foundation

/// `sinergi match --left L.csv [--right R.csv] --id COLUMN [--field COLUMN:KIND …] [--threshold P]
/// [--one-to-one] [--max-block-pairs N] --output pairs.csv`
public enum MatchCLI {
    public struct UsageError: Error, CustomStringConvertible { public let description: String }

    public struct Arguments: Equatable, Sendable {
        public var left = ""
        public var right: String?
        public var id = ""
        public var fields: [FieldSpec] = []
        public var threshold = 0.5
        public var oneToOne = false
        public var output = ""
        public var maxBlockPairs = 2_000
        public var quiet = false
    }

    public static let usage = """
    usage: sinergi match --left L.csv [--right R.csv] --id COLUMN [--field COLUMN:KIND ...]
                         [--threshold P] [--one-to-one] [--max-block-pairs N] [--quiet] --output pairs.csv
      KIND is one of: \(FieldKind.allCases.map(\.rawValue).joined(separator: ", "))
      Without --field, kinds are inferred from header names (given_name, surname, date_of_birth, passport_number, …).
      Writes left_id,right_id,probability for pairs with probability ≥ P (default 0.5).
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
            case "--quiet": a.quiet = true
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
        if fields.isEmpty {
            let header = try CSVReader(path: args.left).header()
            fields = header.filter { $0 != args.id }.compactMap { h in FieldKind.infer(header: h).map { FieldSpec(column: h, kind: $0) } }
            guard !fields.isEmpty else {
                throw UsageError(description: "no field kinds could be inferred from the header of \(args.left); give --field COLUMN:KIND")
            }
            fields = Array(fields.prefix(Pattern.maxFields))
            say("fields inferred: \(fields.map { "\($0.column):\($0.kind.rawValue)" }.joined(separator: " "))")
        }
        let left = try Dataset.load(path: args.left, idColumn: args.id, fields: fields) { n in say("read \(n) rows of \(args.left)") }
        let right = try args.right.map { path in try Dataset.load(path: path, idColumn: args.id, fields: fields) { n in say("read \(n) rows of \(path)") } }
        say("read \(left.count) + \(right?.count ?? 0) records")
        var options = MatchOptions()
        options.threshold = args.threshold
        options.oneToOne = args.oneToOne
        options.maxPairsPerBlock = args.maxBlockPairs
        let result = await Matcher.run(left: left, right: right, options: options, progress: say)

        // Write next to the target and rename, so a failed run leaves no partial output behind.
        let target = URL(fileURLWithPath: args.output)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid()).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil), let out = FileHandle(forWritingAtPath: temporary.path) else {
            throw UsageError(description: "cannot write \(args.output)")
        }
        do {
            let rightIDs = (right ?? left).ids
            var chunk = "left_id,right_id,probability\n"
            for p in result.pairs {
                chunk += "\(csvField(left.ids[p.left])),\(csvField(rightIDs[p.right])),\(String(format: "%.6f", p.probability))\n"
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
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
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
