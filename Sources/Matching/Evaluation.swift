import Foundation

/// One probability band of a calibration table: of the pairs scored in [lower, upper), the share that
/// are true. A calibrated model has a share close to the band's probabilities.
public struct CalibrationBand: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var pairs: Int
    public var truePairs: Int
    public var share: Double { pairs == 0 ? .nan : Double(truePairs) / Double(pairs) }

    public init(lower: Double, upper: Double, pairs: Int, truePairs: Int) {
        self.lower = lower; self.upper = upper; self.pairs = pairs; self.truePairs = truePairs
    }
}

/// Scoring a linkage against known true pairs (benchmarks and labelled sets; never needed to match).
public enum Evaluation {
    public static let defaultBands: [Double] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]

    /// Per band, how many scored pairs fall in it and how many of them are true. `edges` are the band
    /// boundaries in increasing order; the last band includes its upper edge (probability 1).
    public static func calibration(_ scored: [(probability: Double, isTrue: Bool)], edges: [Double] = defaultBands) -> [CalibrationBand] {
        precondition(edges.count >= 2 && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "band edges must increase")
        var bands = zip(edges, edges.dropFirst()).map { CalibrationBand(lower: $0, upper: $1, pairs: 0, truePairs: 0) }
        for s in scored {
            guard s.probability >= edges[0], s.probability <= edges[edges.count - 1] else { continue }
            var b = 0
            while b < bands.count - 1 && s.probability >= bands[b].upper { b += 1 }
            bands[b].pairs += 1
            if s.isTrue { bands[b].truePairs += 1 }
        }
        return bands
    }

    public struct Scores: Sendable, Equatable {
        public var precision: Double, recall: Double
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    /// Pairwise precision and recall of predicted (left, right) index pairs against the true ones.
    public static func scores(predicted: [MatchPair], truth: Set<UInt64>) -> Scores {
        let hits = predicted.reduce(0) { $0 + (truth.contains(key($1.left, $1.right)) ? 1 : 0) }
        return Scores(precision: predicted.isEmpty ? 0 : Double(hits) / Double(predicted.count),
                      recall: truth.isEmpty ? 0 : Double(hits) / Double(truth.count))
    }

    @inline(__always) public static func key(_ i: Int, _ j: Int) -> UInt64 { UInt64(i) << 32 | UInt64(j) }

    /// Reads a truth file (left_id,right_id with a header) into index pairs of the two data sets; pairs
    /// naming an unknown id are skipped. For deduplication pass the same data set twice: pairs are
    /// stored with the smaller index first, as the matcher reports them.
    public static func truth(path: String, left: Dataset, right: Dataset) throws -> Set<UInt64> {
        let reader = try CSVReader(path: path)
        _ = try reader.header()
        var leftIndex: [String: Int] = [:], rightIndex: [String: Int] = [:]
        for (i, id) in left.ids.enumerated() { leftIndex[id] = i }
        for (j, id) in right.ids.enumerated() { rightIndex[id] = j }
        let dedup = left === right
        var out = Set<UInt64>()
        while let row = try reader.next() {
            guard row.count >= 2, let i = leftIndex[row[0]], let j = rightIndex[row[1]] else { continue }
            out.insert(dedup ? key(min(i, j), max(i, j)) : key(i, j))
        }
        return out
    }

    /// What the labels say the model should have learnt: per field and level, the share among true
    /// pairs (m), next to the learnt m and u. Shows where EM's estimate drifts from the data.
    public static func labelledReport(left: Dataset, right: Dataset, truth: Set<UInt64>, model: FellegiSunterModel) -> String {
        let n = left.fields.count
        var counts = left.fields.map { [Double](repeating: 0, count: $0.kind.levels) }
        for k in truth {
            let levels = Pattern.decode(Pattern.encode(left: left, Int(k >> 32), right: right, Int(k & 0xFFFF_FFFF)), fields: n)
            for (f, l) in levels.enumerated() where l >= 0 { counts[f][l] += 1 }
        }
        var out = "field                 level   m (labels)  m (learnt)  u (random)\n"
        for (f, spec) in left.fields.enumerated() {
            let total = max(counts[f].reduce(0, +), 1)
            for l in stride(from: counts[f].count - 1, through: 0, by: -1) {
                let name = spec.column.count > 20 ? String(spec.column.prefix(20)) : spec.column
                out += String(format: "%-21@ %5d   %9.6f   %9.6f   %9.6f\n", name as NSString, l, counts[f][l] / total, model.m[f][l], model.u[f][l])
            }
        }
        return out
    }
}
