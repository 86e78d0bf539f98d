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

    static let floor = 1e-6

    /// Runs EM on pattern counts. `patterns` are agreement vectors, `counts` how many pairs share each.
    static func train(fields: [FieldSpec], patterns: [[Int]], counts: [Double], initialU: [[Double]], maxIterations: Int = 300) -> FellegiSunterModel {
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
                    let nu = us > 0 ? max(uNum[f][l] / us, floor) : u[f][l]
                    change = max(change, abs(nm - m[f][l]), abs(nu - u[f][l]))
                    m[f][l] = nm; u[f][l] = nu
                }
            }
            if change < 1e-7 { break }
        }
        return FellegiSunterModel(fields: fields, m: m, u: u, lambda: lambda, iterations: iterations)
    }
}
