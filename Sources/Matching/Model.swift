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

    /// log2 Bayes factor of a field at a level: how much that agreement moves the odds of a match.
    public func weight(field: Int, level: Int) -> Double {
        level < 0 ? 0 : log2(m[field][level] / u[field][level])
    }

    public func probability(levels: [Int]) -> Double {
        var logOdds = log2(lambda / (1 - lambda))
        for (f, l) in levels.enumerated() { logOdds += weight(field: f, level: l) }
        return 1 / (1 + pow(2, -logOdds))
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
        var m = fields.map { f -> [Double] in
            // Start by assuming matches mostly agree exactly.
            let n = f.kind.levels
            var v = [Double](repeating: 0.1 / Double(max(n - 1, 1)), count: n)
            v[n - 1] = 0.9
            return v
        }
        var u = initialU
        var lambda = 0.01
        var iterations = 0
        let total = counts.reduce(0, +)
        for it in 1...maxIterations {
            iterations = it
            var mNum = fields.map { [Double](repeating: 0, count: $0.kind.levels) }
            var uNum = mNum
            var matchMass = 0.0
            for (p, levels) in patterns.enumerated() {
                var lm = lambda, lu = 1 - lambda
                for (f, l) in levels.enumerated() where l >= 0 { lm *= m[f][l]; lu *= u[f][l] }
                let w = lm / (lm + lu)
                let c = counts[p]
                matchMass += w * c
                for (f, l) in levels.enumerated() where l >= 0 {
                    mNum[f][l] += w * c
                    uNum[f][l] += (1 - w) * c
                }
            }
            var change = abs(matchMass / total - lambda)
            lambda = min(max(matchMass / total, 1e-9), 1 - 1e-9)
            for f in fields.indices {
                let ms = mNum[f].reduce(0, +), us = uNum[f].reduce(0, +)
                for l in mNum[f].indices {
                    let nm = ms > 0 ? max(mNum[f][l] / ms, floor) : m[f][l]
                    let nu = learnU && us > 0 ? max(uNum[f][l] / us, floor) : u[f][l]
                    change = max(change, abs(nm - m[f][l]), abs(nu - u[f][l]))
                    m[f][l] = nm; u[f][l] = nu
                }
            }
            if change < 1e-7 { break }
        }
        return FellegiSunterModel(fields: fields, m: m, u: u, lambda: lambda, iterations: iterations)
    }
}
