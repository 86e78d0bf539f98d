import Foundation

/// Fellegi-Sunter model: for each field and agreement level, the probability of that level among
/// matches (m) and non-matches (u), and the share of matches among compared pairs (λ). Learnt
/// unsupervised by expectation-maximisation over the counts of distinct agreement patterns.
public struct FellegiSunterModel: Sendable {
    public var fields: [FieldSpec]
    public var m: [[Double]]
    public var u: [[Double]]
    public var lambda: Double
    public var iterations = 0
    /// Per field, for categories (nationality, sex): u of agreement among non-matches who share their whole name, or
    /// nil. Names often tell the nationality (ZHANG, NGUYEN, SASAKI): two different people named ZHANG WEI share a
    /// nationality nine times in ten, while two random people do one time in seven, so counting the nationality as if it
    /// were independent of the names made namesakes several times likelier matches than they are. Counted among the
    /// namesakes within each side (`Matcher.uAmongNamesakes`; exclusive linkage only), between the random pairs' u and m;
    /// used for pairs whose names agree (`namesAgree`). Only agreement: a namesake of another nationality keeps the
    /// random pairs' disagreement weight (strong evidence against, as before).
    public var uNamesAgree: [Double?] = []

    /// log2 Bayes factor of a field at a level: how much that agreement moves the odds of a match.
    public func weight(field: Int, level: Int) -> Double {
        level < 0 ? 0 : log2(m[field][level] / u[field][level])
    }

    /// The weight of a field's level in a pair whose names agree or not: a category's agreement counts against its u
    /// among namesakes when the names agree.
    func weight(field: Int, level: Int, namesAgree: Bool) -> Double {
        if namesAgree, level == m[field].count - 1, field < uNamesAgree.count, let u = uNamesAgree[field] {
            return log2(m[field][level] / u)
        }
        return weight(field: field, level: level)
    }

    /// Whether a pair's names agree, for `uNamesAgree`: every name field present and at one of its two highest levels
    /// (the same name, or one spelt a little differently). Some names agreeing is not enough: counted among people who
    /// share one name field, nationality made the foreigners set's pairs underconfident (0.55 → 72 % true at 100k).
    func namesAgree(_ levels: [Int]) -> Bool {
        let names = fields.indices.filter { fields[$0].kind == .name }
        return !names.isEmpty && names.allSatisfy { levels[$0] >= fields[$0].kind.levels - 2 }
    }

    /// A pattern's probability before term frequencies and sharing (the weights that score it, namesakes' nationality
    /// included).
    public func probability(levels: [Int]) -> Double {
        1 / (1 + pow(2, -logOdds(levels: levels)))
    }

    /// A pattern's log2 odds as the scoring weighs them: the prior and every field's weight, except that of several
    /// free-text fields (an employer, an address: a household's as much as a person's) only the strongest agreement
    /// counts, every disagreement does.
    func logOdds(levels: [Int]) -> Double {
        var odds = log2(lambda / (1 - lambda)), strongest = 0.0
        let namesAgree = namesAgree(levels), texts = fields.filter { $0.kind == .text }.count
        for (f, l) in levels.enumerated() {
            let w = weight(field: f, level: l, namesAgree: namesAgree)
            if fields[f].kind == .text && texts > 1 && w > 0 { strongest = max(strongest, w) } else { odds += w }
        }
        return odds + strongest
    }

    /// The learnt parameters as a table: per field and level, m, u and the weight log2(m/u).
    public func report() -> String {
        var out = String(format: "model: λ = %.6f (probability that two random records match), %d EM iterations\n", lambda, iterations)
        out += "field                 level      m          u          weight (bits)\n"
        for (f, spec) in fields.enumerated() {
            for l in stride(from: m[f].count - 1, through: 0, by: -1) {
                let name = spec.column.count > 20 ? String(spec.column.prefix(20)) : spec.column
                out += String(format: "%-21@ %5d   %9.6f  %9.6f  %+8.2f\n", name as NSString, l, m[f][l], u[f][l], weight(field: f, level: l))
            }
            if f < uNamesAgree.count, let u = uNamesAgree[f] {
                let top = m[f].count - 1
                out += String(format: "%-21@ %5d   %9.6f  %9.6f  %+8.2f  (names agree)\n", "" as NSString, top, m[f][top], u,
                              weight(field: f, level: top, namesAgree: true))
            }
        }
        return out
    }

    /// EM for λ alone, with m and u fixed.
    static func estimateLambda(_ model: FellegiSunterModel, patterns: [[Int]], counts: [Double]) -> Double {
        var lambda = model.lambda
        let total = counts.reduce(0, +)
        var ratio = [Double](repeating: 1, count: patterns.count)
        for (p, levels) in patterns.enumerated() {
            var r = 1.0
            for (f, l) in levels.enumerated() where l >= 0 { r *= model.m[f][l] / model.u[f][l] }
            ratio[p] = r
        }
        for _ in 0..<500 {
            var mass = 0.0
            for p in patterns.indices {
                let odds = lambda / (1 - lambda) * ratio[p]
                mass += counts[p] * odds / (1 + odds)
            }
            let next = min(max(mass / total, 1e-9), 1 - 1e-9)
            if abs(next - lambda) < 1e-10 { return next }
            lambda = next
        }
        return lambda
    }

    static let floor = 1e-6

    /// Runs EM on pattern counts. `patterns` are agreement vectors, `counts` how many pairs share each.
    /// With `learnU` false, u stays at its random-sample estimate and EM learns m and λ only (as splink
    /// does): blocked candidate sets are dominated by non-matches that agree on the blocking fields, and
    /// letting u move there can make EM settle on "pairs that look alike" instead of "same person".
    static func train(fields: [FieldSpec], patterns: [[Int]], counts: [Double], initialU: [[Double]], learnU: Bool = true, maxIterations: Int = 300) -> FellegiSunterModel {
        // m and u of every field laid end to end (field f's levels from offset[f]), and each pattern as
        // the flat indices of its present levels. The loop below runs patterns × fields per iteration (36,000
        // on FEBRL4, up to 300 iterations, one run per blocking rule): with nested arrays each access cost a
        // bounds and uniqueness check, and learning was half of FEBRL4's time. Same operations in the same
        // order as before, so the same model to the last bit.
        var offset = [0]
        for f in fields { offset.append(offset[offset.count - 1] + f.kind.levels) }
        var m = [Double](repeating: 0, count: offset[fields.count])
        for (f, spec) in fields.enumerated() {
            // Start by assuming matches mostly agree exactly.
            let n = spec.kind.levels
            for l in 0..<n { m[offset[f] + l] = l == n - 1 ? 0.9 : 0.1 / Double(max(n - 1, 1)) }
        }
        var u = [Double](repeating: 0, count: m.count)
        for f in fields.indices { for l in 0..<fields[f].kind.levels { u[offset[f] + l] = initialU[f][l] } }
        precondition(counts.count == patterns.count, "a count per pattern")
        var start = [0], index: [Int] = []
        for levels in patterns {
            for (f, l) in levels.enumerated() where l >= 0 {
                precondition(l < fields[f].kind.levels, "level \(l) of a field with \(fields[f].kind.levels)")
                index.append(offset[f] + l)
            }
            start.append(index.count)
        }
        var lambda = 0.01
        var iterations = 0
        let total = counts.reduce(0, +)
        var mNum = [Double](repeating: 0, count: m.count), uNum = mNum
        for it in 1...maxIterations {
            iterations = it
            var matchMass = 0.0
            m.withUnsafeBufferPointer { m in u.withUnsafeBufferPointer { u in
                mNum.withUnsafeMutableBufferPointer { mNum in uNum.withUnsafeMutableBufferPointer { uNum in
                    index.withUnsafeBufferPointer { index in start.withUnsafeBufferPointer { start in counts.withUnsafeBufferPointer { counts in
                        for k in mNum.indices { mNum[k] = 0; uNum[k] = 0 }
                        for p in 0..<counts.count {
                            var lm = lambda, lu = 1 - lambda
                            for k in start[p]..<start[p + 1] { lm *= m[index[k]]; lu *= u[index[k]] }
                            let w = lm / (lm + lu)
                            let c = counts[p]
                            matchMass += w * c
                            for k in start[p]..<start[p + 1] {
                                mNum[index[k]] += w * c
                                uNum[index[k]] += (1 - w) * c
                            }
                        }
                    } } }
                } }
            } }
            var change = abs(matchMass / total - lambda)
            lambda = min(max(matchMass / total, 1e-9), 1 - 1e-9)
            for f in fields.indices {
                let levels = offset[f]..<offset[f + 1]
                let ms = mNum[levels].reduce(0, +), us = uNum[levels].reduce(0, +)
                for k in levels {
                    let nm = ms > 0 ? max(mNum[k] / ms, floor) : m[k]
                    let nu = learnU && us > 0 ? max(uNum[k] / us, floor) : u[k]
                    change = max(change, abs(nm - m[k]), abs(nu - u[k]))
                    m[k] = nm; u[k] = nu
                }
            }
            if change < 1e-7 { break }
        }
        let nested = { (v: [Double]) in fields.indices.map { Array(v[offset[$0]..<offset[$0 + 1]]) } }
        return FellegiSunterModel(fields: fields, m: nested(m), u: nested(u), lambda: lambda, iterations: iterations)
    }
}
