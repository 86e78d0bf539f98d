import Foundation

public struct MatchOptions: Sendable {
    /// Pairs with probability at or above this are reported (0.5: more likely a match than not).
    public var threshold: Double = 0.5
    /// Linkage only: each record on either side appears in at most one reported pair.
    public var oneToOne = false
    /// Blocks that would produce more pairs than this are skipped for that rule (other rules still apply).
    public var maxPairsPerBlock = 20_000
    /// Random pairs drawn to start the non-match (u) estimates.
    public var uSamplePairs = 200_000
    public var seed: UInt64 = 42
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

public struct MatchPair: Sendable, Equatable {
    public var left: Int
    public var right: Int
    public var probability: Double
}

public struct MatchResult: Sendable {
    public var pairs: [MatchPair]
    public var model: FellegiSunterModel
    public var candidatePairs: Int
    public var blockingRules: [String]
}

/// Record linkage (two data sets) and deduplication (one), Fellegi-Sunter with EM-learnt weights.
public enum Matcher {
    /// Links `left` to `right`, or deduplicates `left` when `right` is nil.
    public static func run(left: Dataset, right: Dataset?, options: MatchOptions = MatchOptions(), progress: (@Sendable (String) -> Void)? = nil) async -> MatchResult {
        let dedup = right == nil
        let rightData = right ?? left
        let fields = left.fields
        let rules = Blocking.rules(for: fields)

        // 1. Blocking keys, hashed, per rule and side.
        progress?("blocking on \(rules.count) keys")
        let leftKeys = rules.map { r in (0..<left.count).map { i in r.key(left, i).map(Blocking.hash) ?? 0 } }
        let rightKeys = dedup ? leftKeys : rules.map { r in (0..<rightData.count).map { i in r.key(rightData, i).map(Blocking.hash) ?? 0 } }

        // 2. Candidate pairs, each once: under the first rule whose (not skipped) block holds both.
        var candidates: [UInt64] = []
        var admitted: [Set<UInt64>] = []   // per rule: keys whose block was small enough to use
        for r in rules.indices {
            var blocks: [UInt64: (l: [Int32], r: [Int32])] = [:]
            for (i, k) in leftKeys[r].enumerated() where k != 0 { blocks[k, default: ([], [])].l.append(Int32(i)) }
            if !dedup { for (j, k) in rightKeys[r].enumerated() where k != 0 { blocks[k, default: ([], [])].r.append(Int32(j)) } }
            var ok = Set<UInt64>()
            for (key, b) in blocks {
                let n = dedup ? b.l.count * (b.l.count - 1) / 2 : b.l.count * b.r.count
                guard n > 0, n <= options.maxPairsPerBlock else { continue }
                ok.insert(key)
                func seenEarlier(_ i: Int, _ j: Int) -> Bool {
                    for e in 0..<r {
                        let k = leftKeys[e][i]
                        if k != 0 && k == rightKeys[e][j] && admitted[e].contains(k) { return true }
                    }
                    return false
                }
                if dedup {
                    for x in 0..<b.l.count {
                        for y in (x + 1)..<b.l.count {
                            let i = Int(min(b.l[x], b.l[y])), j = Int(max(b.l[x], b.l[y]))
                            if !seenEarlier(i, j) { candidates.append(UInt64(i) << 32 | UInt64(j)) }
                        }
                    }
                } else {
                    for i in b.l { for j in b.r where !seenEarlier(Int(i), Int(j)) { candidates.append(UInt64(i) << 32 | UInt64(j)) } }
                }
            }
            admitted.append(ok)
        }
        progress?("comparing \(candidates.count) candidate pairs")

        // 3. Agreement patterns, in parallel chunks.
        let codes = await patterns(of: candidates, left: left, right: rightData, options: options)

        // 4. u starts from random pairs (almost all non-matches); EM then learns m, u and λ.
        var rng = SplitMix(seed: options.seed)
        let sampleCount = min(options.uSamplePairs, max(1, left.count * rightData.count / 2))
        var sample: [UInt64] = []
        sample.reserveCapacity(sampleCount)
        while sample.count < sampleCount && left.count > 1 {
            let i = Int(rng.next() % UInt64(left.count)), j = Int(rng.next() % UInt64(rightData.count))
            if dedup && i == j { continue }
            sample.append(UInt64(i) << 32 | UInt64(j))
        }
        let sampleCodes = await patterns(of: sample, left: left, right: rightData, options: options)
        var initialU = fields.map { [Double](repeating: 1, count: $0.kind.levels) }   // +1 smoothing
        for c in sampleCodes { for (f, l) in Pattern.decode(c, fields: fields.count).enumerated() where l >= 0 { initialU[f][l] += 1 } }
        initialU = initialU.map { row in let s = row.reduce(0, +); return row.map { $0 / s } }

        var histogram: [UInt32: Double] = [:]
        for c in codes { histogram[c, default: 0] += 1 }
        let distinct = Array(histogram.keys)
        let model = FellegiSunterModel.train(fields: fields, patterns: distinct.map { Pattern.decode($0, fields: fields.count) },
                                             counts: distinct.map { histogram[$0]! }, initialU: initialU)
        progress?("model learnt in \(model.iterations) EM iterations over \(distinct.count) patterns")

        // 5. Score and select.
        var probability: [UInt32: Double] = [:]
        for p in distinct { probability[p] = model.probability(levels: Pattern.decode(p, fields: fields.count)) }
        var pairs: [MatchPair] = []
        for (k, c) in codes.enumerated() {
            let p = probability[c]!
            if p >= options.threshold { pairs.append(MatchPair(left: Int(candidates[k] >> 32), right: Int(candidates[k] & 0xFFFF_FFFF), probability: p)) }
        }
        if options.oneToOne && !dedup { pairs = oneToOne(pairs) }
        pairs.sort { ($0.left, $0.right) < ($1.left, $1.right) }
        return MatchResult(pairs: pairs, model: model, candidatePairs: candidates.count, blockingRules: rules.map(\.name))
    }

    /// Greedy one-to-one assignment: best pairs first, each record used once.
    static func oneToOne(_ pairs: [MatchPair]) -> [MatchPair] {
        var usedLeft = Set<Int>(), usedRight = Set<Int>()
        var out: [MatchPair] = []
        for p in pairs.sorted(by: { $0.probability != $1.probability ? $0.probability > $1.probability : ($0.left, $0.right) < ($1.left, $1.right) }) {
            if usedLeft.contains(p.left) || usedRight.contains(p.right) { continue }
            usedLeft.insert(p.left); usedRight.insert(p.right); out.append(p)
        }
        return out
    }

    static func patterns(of pairs: [UInt64], left: Dataset, right: Dataset, options: MatchOptions) async -> [UInt32] {
        let chunks = max(1, min(options.concurrency * 4, pairs.count / 10_000 + 1))
        let size = (pairs.count + chunks - 1) / max(chunks, 1)
        return await withTaskGroup(of: (Int, [UInt32]).self) { group in
            for c in 0..<chunks {
                let lo = c * size, hi = min(pairs.count, lo + size)
                if lo >= hi { continue }
                group.addTask {
                    var out = [UInt32](repeating: 0, count: hi - lo)
                    for k in lo..<hi {
                        out[k - lo] = Pattern.encode(left: left, Int(pairs[k] >> 32), right: right, Int(pairs[k] & 0xFFFF_FFFF))
                    }
                    return (c, out)
                }
            }
            var parts = [[UInt32]](repeating: [], count: chunks)
            for await (c, part) in group { parts[c] = part }
            return parts.flatMap { $0 }
        }
    }

    /// Each field's agreement level and weight for one pair: why the pair scored as it did.
    public static func explain(left: Dataset, _ i: Int, right: Dataset, _ j: Int, model: FellegiSunterModel) -> [(field: String, level: Int, weight: Double)] {
        let levels = Pattern.decode(Pattern.encode(left: left, i, right: right, j), fields: left.fields.count)
        return levels.enumerated().map { (f, l) in (left.fields[f].column, l, model.weight(field: f, level: l)) }
    }
}

/// Agreement vectors packed base 6 (level + 1 per field), up to 12 fields in 32 bits.
enum Pattern {
    static let maxFields = 12

    static func encode(left: Dataset, _ i: Int, right: Dataset, _ j: Int) -> UInt32 {
        var code: UInt32 = 0
        let cols = left.columns, other = right.columns
        for f in stride(from: cols.count - 1, through: 0, by: -1) {
            var level = Compare.level(cols[f], i, other[f], j)
            if cols[f].kind == .name && level >= 0 && level < 3 {
                // Given and family names swapped between sources.
                for g in cols.indices where g != f && cols[g].kind == .name && !other[g].isMissing(j) {
                    if cols[f].sortedKey[i] == other[g].sortedKey[j] { level = 3; break }
                }
            }
            code = code * 6 + UInt32(level + 1)
        }
        return code
    }

    static func decode(_ code: UInt32, fields: Int) -> [Int] {
        var c = code
        var out = [Int](repeating: -1, count: fields)
        for f in 0..<fields { out[f] = Int(c % 6) - 1; c /= 6 }
        return out
    }
}

/// SplitMix64, for reproducible sampling.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
