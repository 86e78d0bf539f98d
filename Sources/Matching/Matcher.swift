import Foundation

public struct MatchOptions: Sendable {
    /// Pairs with probability at or above this are reported (0.5: more likely a match than not).
    public var threshold: Double = 0.5
    /// Linkage only: each record on either side appears in at most one reported pair.
    public var oneToOne = false
    /// Linkage only: each record on either side stands for one person, so a record's candidates compete —
    /// twins scored 0.97 each against one list record are each about as likely as not — and probabilities
    /// are shared out among competing pairs (`shareCounted`). Implied by `oneToOne`; set alone, every pair above
    /// the threshold is still reported (to measure calibration over all candidates).
    public var exclusive = false
    /// With shared probabilities: a pair at or above the threshold before sharing and below it after (a list row
    /// that fits five registry people at 0.8 each gets 0.19 each) is kept, marked `contested`. The reconciliation
    /// sends such a row to review rather than reporting it unmatched.
    public var keepContested = false
    /// Blocks that would produce more pairs than this are skipped for that rule (other rules still apply).
    public var maxPairsPerBlock = 2_000
    /// Random pairs drawn to start the non-match (u) estimates.
    public var uSamplePairs = 200_000
    public var seed: UInt64 = 42
    /// Adjust exact agreements on names, dates, text and numbers by how common the value is.
    public var termFrequencies = true
    /// Whether EM may move u away from its random-sample estimate (see `FellegiSunterModel.train`).
    public var learnU = false
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

public struct MatchPair: Sendable, Equatable {
    public var left: Int
    public var right: Int
    public var probability: Double
    /// Below the threshold only because its records' rivals fit as well (`MatchOptions.keepContested`): several
    /// people fit, and a person should choose.
    public var contested = false
    /// Linked through another pair, not by its own fields alone: a row naming again the person of another row of its
    /// file (a rider, `Matcher.repeatedRows`; or an echo, `Matcher.documentEchoes`). That pair's rows: the row it
    /// names again is the one of them on the side where they differ from this pair's. nil: linked by its own fields.
    public var head: Head?

    public struct Head: Sendable, Equatable {
        public var left: Int32, right: Int32
        public init(left: Int, right: Int) { self.left = Int32(left); self.right = Int32(right) }
    }

    public init(left: Int, right: Int, probability: Double, contested: Bool = false) {
        self.left = left; self.right = right; self.probability = probability; self.contested = contested
    }
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
        // Each file's comparison views and rows, made once, the two files at once (each on one thread).
        _ = Parallel.chunks(dedup ? 1 : 2, width: options.concurrency) { k in let d = k == 0 ? left : rightData; _ = (d.views, d.rows) }

        // Steps 1 to 3 in a scope of their own: the blocking keys (a third of a gigabyte at a million records) are freed when
        // the pairs are compared, not kept to the end of the run.
        let candidates: Slab<UInt64>, codes: Slab<UInt32>, profile: [PatternKey: Double]
        do {
            // 1. Blocking keys, hashed, per rule and side (0 = no key), computed in parallel.
            progress?("blocking on \(rules.count) keys")
            // Kept record by record (`KeyRows`): a pair's keys under every rule are read together.
            // The two files at once, each on half the run's threads: each has a part done on one thread (`NameSounds`'
            // offsets), which the other fills.
            let leftRows: KeyRows, rightRows: KeyRows
            if !dedup && options.concurrency >= 2 {
                async let leftKeys = keys(rules, left, (options.concurrency + 1) / 2)
                rightRows = await keys(rules, rightData, options.concurrency / 2)
                leftRows = await leftKeys
            } else {
                leftRows = await keys(rules, left, options.concurrency)
                rightRows = dedup ? leftRows : await keys(rules, rightData, options.concurrency)
            }

            // 2. Candidate pairs, each once: under the first rule whose block holds both and was small enough to use.
            let rare = await rareKeys(rules, left: leftRows, right: dedup ? nil : rightRows, width: options.concurrency)
            if !rare.isEmpty {
                progress?("keys that records sharing a document seldom share, only their blocks of up to \(rareKeyPairs) pairs: "
                          + rare.map { "\(rules[$0.rule].name) (\(String(format: "%.1f", 100 * $0.share)) %)" }.joined(separator: ", "))
            }
            var bounds = rules.map(\.maxPairs)
            for r in rare { bounds[r.rule] = min(bounds[r.rule] ?? rareKeyPairs, rareKeyPairs) }
            let (pairs, found, used) = await candidatePairs(rules: bounds, left: leftRows, right: dedup ? nil : rightRows, options: options)
            let perRuleFound = zip(rules, found).map { "\($0.name): \($1)" }
            progress?("comparing \(pairs.count) candidate pairs (\(perRuleFound.joined(separator: "; ")))")
            // 3. Agreement patterns, in parallel chunks, with a histogram of (pattern, rules satisfied):
            // training on a rule sees every pair in that rule's blocks, not only those it found first.
            var ruleEnds: [Int] = []
            for n in found { ruleEnds.append((ruleEnds.last ?? 0) + n) }
            let keyTables = KeyTables(left: leftRows, right: rightRows, used: used, ruleEnds: ruleEnds)
            candidates = pairs
            (codes, profile) = await patterns(of: pairs, left: left, right: rightData, keys: keyTables, options: options)
        }
        progress?("compared: \(profile.count) distinct agreement patterns")

        // 4. u starts from random pairs (almost all non-matches); EM then learns m, u and λ.
        var rng = SplitMix64(seed: options.seed)
        let sampleCount = uSampleSize(candidates: candidates.count, possible: left.count * rightData.count, options: options)
        var sample: [UInt64] = []
        sample.reserveCapacity(sampleCount)
        while sample.count < sampleCount && left.count > 1 {
            let i = Int(rng.next() % UInt64(left.count)), j = Int(rng.next() % UInt64(rightData.count))
            if dedup && i == j { continue }
            sample.append(UInt64(i) << 32 | UInt64(j))
        }
        let sampleCodes = await patterns(of: Slab(sample), left: left, right: rightData, keys: nil, options: options).codes
        var initialU = fields.map { [Double](repeating: 1, count: $0.kind.levels) }   // +1 smoothing
        for c in sampleCodes.buffer { for (f, l) in Pattern.decode(c, fields: fields.count).enumerated() where l >= 0 { initialU[f][l] += 1 } }
        initialU = initialU.map { row in let s = row.reduce(0, +); return row.map { $0 / s } }

        let randomPairs = dedup ? Double(left.count) * Double(left.count - 1) / 2 : Double(left.count) * Double(rightData.count)
        // At most one match per record of the smaller side (a duplicate group of k records has k - 1
        // pairs per record beyond the first, so in deduplication this bounds groups of two or three).
        let maxMatches = Double(dedup ? left.count : min(left.count, rightData.count))
        // Each record stands for one person on either side only in exclusive linkage: there a side's namesakes are
        // different people (in many-to-many linkage rows that share an id would count as namesakes).
        let exclusive = (options.oneToOne || options.exclusive) && !dedup
        // Value frequencies (step 5) and the namesakes' agreement depend on the data alone: where the run has every core,
        // they are counted while EM runs (after it, they ran on one core for two seconds at a million records); a run
        // given fewer (the background reconciliation) counts them after EM, keeping to its share of the machine.
        let alongside = options.concurrency >= ProcessInfo.processInfo.activeProcessorCount
        func countFrequencies() -> TermFrequencies {
            TermFrequencies(left: left, right: dedup ? nil : rightData, enabled: options.termFrequencies, width: options.concurrency)
        }
        func countNamesakes() -> [Double?] { exclusive || dedup ? uAmongNamesakes(dedup ? [left] : [left, rightData], datesApart: dedup) : [] }
        async let earlyFrequencies = alongside ? countFrequencies() : nil
        async let earlyNamesakes = alongside ? countNamesakes() : nil
        var model = await train(fields: fields, rules: rules, profile: profile, initialU: initialU, randomPairs: randomPairs, maxMatches: maxMatches, options: options)
        let frequencies = await earlyFrequencies, namesakes = await earlyNamesakes
        if exclusive || dedup {
            // Between the random pairs' u (names telling nothing of it) and m (agreement never counting against a match).
            model.uNamesAgree = (namesakes ?? countNamesakes()).enumerated().map { f, u in
                let top = model.u[f].count - 1
                return u.map { min(max($0, model.u[f][top]), model.m[f][top]) }
            }
        }
        progress?("model learnt (EM, \(model.iterations) iterations in all)")
        let distinct = Array(Set(profile.keys.map(\.code)))

        // 5. Score and select. Exact agreement on a common value (ZHANG WEI, 1980-01-01) is weaker evidence
        // than on a rare one: for fields with term-frequency adjustment, the u of the exact level is
        // replaced by the value's frequency (as splink's term-frequency adjustments do).
        let tf = frequencies ?? countFrequencies()
        progress?("value frequencies counted")
        let n = fields.count
        // When every name field agrees exactly, the names are adjusted together, by how common the whole
        // name is: NGUYEN and VAN ANH are each common, and NGUYEN VAN ANH is as common as the rarer of
        // the two, not as rare as their product. Namesakes share the whole name.
        //
        // A name agreeing but not exactly (a given name dropped, MICHAEL against MICHAEL JESSICA; a slip, MICHAEL
        // against MICHEAL) is adjusted too, by the more common of its two values: the level's u is an average over
        // rare and common names, and MICHAEL alone is shared by thousands. In deduplication only downwards: one file's
        // relatives share rare given names (a generation's name among siblings), and without one-to-one nothing tells
        // them apart, so a rare name agreeing in part adds nothing there.
        //
        // Free-text fields (employer, address) describe a household or a workplace as much as a person:
        // relatives agree on all of them at once. Counting each as independent evidence scored a
        // worker's spouse and children as the worker, so only the strongest agreement among them counts
        // (disagreements still all count).
        let groupFields = fields.indices.filter { fields[$0].kind == .text }
        // Each pattern's score, as plain values (field sets as bit masks): the loop over the pairs then reads no
        // array that needs reference counting. Codes index a table directly when it is small beside the pairs (up to 8
        // fields).
        var scores: [PatternScore] = []
        var groupWeights: [Double] = []
        var indexOf: [UInt32: Int32] = [:]
        let prior = log2(model.lambda / (1 - model.lambda))
        for p in distinct {
            let levels = Pattern.decode(p, fields: n)
            var score = PatternScore(odds: prior, exactTF: 0, partialTF: 0, jointNames: .nan, group: 0, groupExact: 0)
            let namesAgree = model.namesAgree(levels)
            for (f, l) in levels.enumerated() {
                let isExact = l == fields[f].kind.levels - 1 && tf.adjusts(f)
                if groupFields.count > 1 && groupFields.contains(f) {
                    if l >= 0 {
                        score.group |= 1 << UInt32(f)
                        if isExact { score.groupExact |= 1 << UInt32(f) }
                    }
                    continue
                }
                score.odds += model.weight(field: f, level: l, namesAgree: namesAgree)
                if isExact { score.exactTF |= 1 << UInt32(f) }
                if fields[f].kind == .name && l == fields[f].kind.levels - 2 && tf.adjusts(f) { score.partialTF |= 1 << UInt32(f) }
            }
            if tf.nameFields.count >= 2 && tf.nameFields.allSatisfy({ score.exactTF & (1 << UInt32($0)) != 0 }) {
                for f in tf.nameFields { score.exactTF &= ~(1 << UInt32(f)) }
                score.jointNames = tf.jointExactU(model)
            }
            indexOf[p] = Int32(scores.count)
            scores.append(score)
            groupWeights += (0..<n).map { f in levels[f] >= 0 && score.group & (1 << UInt32(f)) != 0 ? model.weight(field: f, level: levels[f]) : 0 }
        }
        let dense: [Int32] = n <= 8 && pow(6, Double(n)) <= Double(max(1 << 16, codes.count)) ? {
            var table = [Int32](repeating: -1, count: Int(pow(6, Double(n))))
            for (code, index) in indexOf { table[Int(code)] = index }
            return table
        }() : []
        let exactU = fields.indices.map { model.u[$0][fields[$0].kind.levels - 1] }
        let patternIndex = indexOf, table = scores, weights = groupWeights, compared = candidates
        // Competitors below the threshold still take their share: kept down to 0.01 when shared out. (With "no match"
        // weighing at least 0.1 and the odds scaled never up, a pair under 0.01 alone stays under 0.1 shared.)
        let scoreFrom = exclusive ? min(options.threshold, 0.01) : options.threshold
        let chunks = max(1, options.concurrency * 2)
        let size = (codes.count + chunks - 1) / chunks
        var pairs: [MatchPair] = await Parallel.map(chunks, width: options.concurrency) { c in
            var out: [MatchPair] = []
            let lo = c * size, hi = min(codes.count, lo + size)
            if lo >= hi { return out }
            dense.withUnsafeBufferPointer { dense in table.withUnsafeBufferPointer { table in
                weights.withUnsafeBufferPointer { weights in exactU.withUnsafeBufferPointer { exactU in
                    for k in lo..<hi {
                        let e = dense.isEmpty ? Int(patternIndex[codes[k]]!) : Int(dense[Int(codes[k])])
                        let entry = table[e]
                        let i = Int(compared[k] >> 32), j = Int(compared[k] & 0xFFFF_FFFF)
                        var odds = entry.odds
                        var exact = entry.exactTF
                        while exact != 0 {
                            let f = exact.trailingZeroBitCount
                            odds += log2(exactU[f] / tf.exactFrequency(f, left: i, right: j))
                            exact &= exact - 1
                        }
                        var partial = entry.partialTF
                        while partial != 0 {
                            let f = partial.trailingZeroBitCount
                            let adjustment = log2(exactU[f] / tf.frequency(f, left: i, right: j))
                            odds += dedup ? min(0, adjustment) : adjustment
                            partial &= partial - 1
                        }
                        if !entry.jointNames.isNaN { odds += entry.jointNames - log2(tf.nameFrequency(left: i, right: j)) }
                        if entry.group != 0 {
                            var strongest = 0.0
                            var group = entry.group
                            while group != 0 {
                                let f = group.trailingZeroBitCount
                                var w = weights[e * n + f]
                                if entry.groupExact & (1 << UInt32(f)) != 0 { w += log2(exactU[f] / tf.exactFrequency(f, left: i, right: j)) }
                                if w > 0 { strongest = max(strongest, w) } else { odds += w }
                                group &= group - 1
                            }
                            odds += strongest
                        }
                        let p = 1 / (1 + pow(2, -odds))
                        if p >= scoreFrom { out.append(MatchPair(left: i, right: j, probability: p)) }
                    }
                } }
            } }
            return out
        }.flatMap { $0 }
        var riders: [Int: Rider] = [:]
        if exclusive {
            (pairs, riders) = shareAmongRivals(pairs, left: left, right: rightData, model: model, tf: tf, matchesByEM: model.lambda * randomPairs,
                                               options: options, progress: progress)
        }
        progress?("scored: \(pairs.count) pairs at or above \(options.threshold)")
        if options.oneToOne && !dedup {
            let riding = Set(riders.keys.map { UInt64(pairs[$0].left) << 32 | UInt64(pairs[$0].right) })
            // A file whose rows rode on others' (riders at least one in a thousand of the pairs one-to-one keeps) names
            // people twice: its rows left without a record are looked through for echoes. Other files are not (a pass
            // over a million rows cost one to two seconds, and found two rows in the sets without repeats).
            let ridersOnRight = riders.filter { pairs[$0.key].left == pairs[$0.value.head].left }.count
            pairs = oneToOne(pairs, riders: riders)
            let echoes = documentEchoes(pairs, riding: riding, sides: (left: (riders.count - ridersOnRight) * 1000 >= pairs.count, right: ridersOnRight * 1000 >= pairs.count),
                                        left: left, right: rightData, model: model, tf: tf, threshold: options.threshold, width: options.concurrency)
            if !echoes.isEmpty { progress?("rows giving again the document of a row linked to a record: \(echoes.count)") }
            pairs += echoes
        }
        pairs.sort { ($0.left, $0.right) < ($1.left, $1.right) }
        return MatchResult(pairs: pairs, model: model, candidatePairs: candidates.count, blockingRules: rules.map(\.name))
    }

    /// The largest blocks a rare key (`rareKeys`) is compared in.
    static let rareKeyPairs = 200

    /// Rules whose key the records of one person seldom share: under a tenth of the pairs that share a document number
    /// (blocks of one pair under a `sure` rule; at least 500 of them) share it. Such a key finds few of the pairs it
    /// could, and its large blocks are all but never one person: on the Timpora list an address's first characters
    /// (a company's mess: 5 % of one person's rows agree) with the sound of the name's first word made blocks of a
    /// dormitory's residents, 2.0 M pairs at a million for 127 true pairs, 50 of them in blocks over 200 pairs. Their
    /// blocks of up to `rareKeyPairs` pairs are still compared. The shares are measured on the data, not set per field:
    /// on the agency list, where a household's rows share their address, the same key is kept whole.
    static func rareKeys(_ rules: [BlockingRule], left: KeyRows, right: KeyRows?, width: Int) async -> [(rule: Int, share: Double)] {
        let sureRules = rules.indices.filter { rules[$0].sure }
        guard !sureRules.isEmpty else { return [] }
        let blocks = await Parallel.map(sureRules.count, width: width) { k in RuleBlocks(rule: sureRules[k], left: left, right: right, maxPairs: 1) }
        let rightRows = right ?? left
        var shared = [Int](repeating: 0, count: rules.count), sure = 0
        for b in blocks {
            var start = 0
            for end in b.ends {
                defer { start = end }
                guard end - start == 2 else { continue }
                let i = Int(b.refs[start] & 0x7FFF_FFFF), j = Int(b.refs[start + 1] & 0x7FFF_FFFF)
                sure += 1
                for r in rules.indices where !rules[r].sure && left[i, r] != 0 && left[i, r] == rightRows[j, r] { shared[r] += 1 }
            }
        }
        guard sure >= 500 else { return [] }
        return rules.indices.filter { !rules[$0].sure && shared[$0] * 10 < sure }.map { ($0, Double(shared[$0]) / Double(sure)) }
    }

    /// Candidate pairs, each once: under the first rule whose block holds both and was small enough to use (left
    /// index in the high 32 bits, right in the low; in deduplication, `right` nil, the smaller index is the left).
    /// Blocks are runs of a sorted (key, record) array, not dictionaries of arrays. First each rule's blocks and
    /// which left records lie in a usable one (rules in parallel); then each rule's pairs that no earlier rule found
    /// (rules in parallel again: a rule needs only the earlier rules' keys and usable blocks, not their pairs). The
    /// pairs come out rule after rule; `found` says how many each rule gave, `used` which rules' blocks held each
    /// left record (one word per 64 rules and record: bit r % 64 of word r / 64 for rule r). `bounds`: each rule's own
    /// bound on a block's pairs, where it has one below the run's.
    static func candidatePairs(rules bounds: [Int?], left: KeyRows, right: KeyRows?, options: MatchOptions) async -> (pairs: Slab<UInt64>, found: [Int], used: [UInt64]) {
        let rules = bounds.count
        let dedup = right == nil
        let rightRows = right ?? left
        let maxPairs = options.maxPairsPerBlock
        let blocks = await Parallel.map(rules, width: options.concurrency) { r in
            RuleBlocks(rule: r, left: left, right: right, maxPairs: min(maxPairs, bounds[r] ?? maxPairs))
        }
        // Bit r % 64 of word r / 64 of a left record's `words` words: rule r's block holding it was used.
        let words = max(1, (rules + 63) / 64)
        var usedLeft = [UInt64](repeating: 0, count: left.count * words)
        for r in blocks.indices { for i in blocks[r].usedLeft { usedLeft[Int(i) * words + r / 64] |= 1 << UInt64(r % 64) } }
        let used = usedLeft
        // Each rule writes its pairs into its own part of one buffer, sized by its blocks' pairs before those found
        // earlier are left out; the parts are then moved together. Memory is touched once, and only where written:
        // on a virtual machine a fresh page costs more than the comparisons of the pairs it holds.
        var starts = [0]
        for b in blocks { starts.append(starts[starts.count - 1] + b.pairBound) }
        let offsets = starts
        let candidates = Slab<UInt64>(capacity: offsets[offsets.count - 1])
        let found = await Parallel.map(rules, width: options.concurrency) { r in
            blocks[r].pairs(rule: r, dedup: dedup, left: left, right: rightRows, used: used, words: words, into: candidates.base + offsets[r])
        }
        for r in 0..<rules {
            if offsets[r] != candidates.count { memmove(candidates.base + candidates.count, candidates.base + offsets[r], found[r] * MemoryLayout<UInt64>.stride) }
            candidates.count += found[r]
        }
        return (candidates, found, used)
    }

    /// Trains like splink: u from random pairs; m by EM on each blocking rule's own pairs with that rule's
    /// fields left out (its pairs agree on them by construction), averaged over rules; then λ for the
    /// whole candidate set by EM with m and u fixed.
    ///
    /// The prior is then moved from the candidate set to random pairs: u was measured on random pairs, so
    /// the Bayes factors m/u are odds against a random pair, and only the share of matches among random
    /// pairs (expected matches / all pairs, as splink's "probability two random records match") turns them
    /// into calibrated probabilities. Candidate pairs are look-alikes by construction; using their match
    /// share as the prior counted the agreement that blocking selected on twice, and scored relatives as
    /// near-certain matches.
    ///
    /// EM over candidates with random-pair u overestimates how many matches there are when candidates
    /// are mostly namesakes (they agree on names far more often than random pairs do): the estimate is
    /// capped at one match per record of the smaller side.
    static func train(fields: [FieldSpec], rules: [BlockingRule], profile: [PatternKey: Double], initialU: [[Double]], randomPairs: Double, maxMatches: Double, options: MatchOptions) async -> FellegiSunterModel {
        let n = fields.count
        var perRule = [[UInt32: Double]](repeating: [:], count: rules.count)
        var all: [UInt32: Double] = [:]
        for (key, count) in profile {
            let c = key.code
            all[c, default: 0] += count
            var mask = key.rules
            while mask != 0 {
                perRule[mask.trailingZeroBitCount][c, default: 0] += count
                mask &= mask - 1
            }
        }
        var mByRule = [[[Double]]](repeating: [], count: n)   // per field: each rule's m vector
        var iterations = 0
        // Each rule's EM and the one over all candidates are independent of each other: they run on every core,
        // and are read in rule order.
        let hists = perRule
        let usable = hists.indices.filter { hists[$0].values.reduce(0, +) >= 50 }
        let patterns = all.keys.map { Pattern.decode($0, fields: n) }
        let counts = all.keys.map { all[$0]! }
        let learnt = await Parallel.map(usable.count + 1, width: options.concurrency) { k in
            // Fields that every usable rule blocks on get their m from EM over all candidates: the first task, the
            // longest, so that it does not run alone at the end.
            if k == 0 {
                return FellegiSunterModel.train(fields: fields, patterns: patterns, counts: counts, initialU: initialU, learnU: options.learnU)
            }
            let r = usable[k - 1]
            var masked: [[Int]: Double] = [:]
            for (code, count) in hists[r] {
                var levels = Pattern.decode(code, fields: n)
                for f in rules[r].fields { levels[f] = -1 }
                masked[levels, default: 0] += count
            }
            let rulePatterns = Array(masked.keys)
            // Within one rule's pairs the non-matches differ from random pairs (namesakes share a
            // nationality), so u is learnt there too; only m is kept from this rule.
            return FellegiSunterModel.train(fields: fields, patterns: rulePatterns, counts: rulePatterns.map { masked[$0]! }, initialU: initialU, learnU: true)
        }
        for (k, r) in usable.enumerated() {
            iterations += learnt[k + 1].iterations
            for f in 0..<n where !rules[r].fields.contains(f) { mByRule[f].append(learnt[k + 1].m[f]) }
        }
        let fallback = learnt[0]
        iterations += fallback.iterations
        var m = fallback.m
        // Per level, the median over rules: a rule whose pairs are dominated by look-alikes (relatives
        // found by "family name sound + birth year") must not drag the estimate.
        for f in 0..<n where !mByRule[f].isEmpty {
            var v = m[f].indices.map { l -> Double in
                let xs = mByRule[f].map { $0[l] }.sorted()
                return xs.count % 2 == 1 ? xs[xs.count / 2] : (xs[xs.count / 2 - 1] + xs[xs.count / 2]) / 2
            }
            let total = v.reduce(0, +)
            v = v.map { max($0 / total, FellegiSunterModel.floor) }
            m[f] = v
        }
        // No level is impossible among matches: EM on a few hundred pairs can push a level's m to the
        // floor (swapped names, all assigned to non-matches), which made that agreement count as ten bits
        // against a match. A floor of 1 in 1,000 caps any single disagreement at about ten bits.
        for f in 0..<n {
            let v = m[f].map { max($0, mFloor) }
            let total = v.reduce(0, +)
            m[f] = v.map { $0 / total }
        }
        var model = FellegiSunterModel(fields: fields, m: m, u: fallback.u, lambda: fallback.lambda)
        let candidateShare = FellegiSunterModel.estimateLambda(model, patterns: patterns, counts: counts)
        let expectedMatches = min(candidateShare * counts.reduce(0, +), maxMatches)
        model.lambda = min(max(expectedMatches / max(randomPairs, 1), 1e-12), 0.5)
        model.iterations = iterations
        return model
    }

    static let mFloor = 1e-3

    /// Per category field (nil for the others): how often two different people who share their whole name share that
    /// field's value, counted within each of `sets` (the registry and the list) and pooled. In exclusive linkage each
    /// side's records stand for different people, so a side's own namesakes are non-matches by construction: no labels
    /// and no blocking needed. (Learning it from the EM runs of the rules that block on the whole name failed at a
    /// million: there every block of namesakes was beyond the bound, the rule had no pairs, and nationality was counted
    /// twice again.) Each group of namesakes counts its pairs up to 2,000 (64 people; a very common name must not
    /// decide alone); nil when fewer than 50 pairs are found.
    ///
    /// In deduplication a file's namesakes are partly one person listed twice, who agree on everything: there only
    /// namesakes whose birth dates are both known and disagree outright (`datesApart`) are counted, pair by pair.
    static func uAmongNamesakes(_ sets: [Dataset], datesApart: Bool = false) -> [Double?] {
        guard let fields = sets.first?.fields else { return [] }
        let names = fields.indices.filter { fields[$0].kind == .name }
        let categories = fields.indices.filter { fields[$0].kind == .category }
        let date = fields.indices.first { fields[$0].kind == .date }
        if datesApart && date == nil { return fields.map { _ in nil } }
        var agree = [Double](repeating: 0, count: fields.count), pairs = agree, found = agree
        for data in sets where !names.isEmpty && data.count > 1 {
            // Records with every name field present, by their whole name; each run of equal names is a group.
            let whole = wholeNameKeys(data, names: names)
            var order = whole.indices.filter { i in names.allSatisfy { !data.columns[$0].isMissing(i) } }
            order.sort { whole[$0] < whole[$1] }
            for c in categories {
                let column = data.columns[c], values = column.joinedBytes.hashes()
                var start = 0
                while start < order.count {
                    var end = start + 1
                    while end < order.count && whole[order[end]] == whole[order[start]] { end += 1 }
                    defer { start = end }
                    if end - start < 2 { continue }
                    if datesApart, let date {
                        // Pair by pair, up to 2,000 counted pairs of the group among at most 20,000 looked at.
                        let dates = data.columns[date].dates
                        var same = 0.0, total = 0.0, looked = 0
                        outer: for a in start..<end {
                            for b in (a + 1)..<end {
                                looked += 1
                                if looked > 20_000 { break outer }
                                let i = order[a], j = order[b]
                                guard dates[i] != 0, dates[j] != 0, !column.isMissing(i), !column.isMissing(j), Compare.date(dates[i], dates[j]) == 0 else { continue }
                                total += 1
                                if values[i] == values[j] { same += 1 }
                                if total >= 2_000 { break outer }
                            }
                        }
                        agree[c] += same; pairs[c] += total; found[c] += total
                        continue
                    }
                    var counts: [UInt64: Int] = [:]
                    for k in start..<end where !column.isMissing(order[k]) { counts[values[order[k]], default: 0] += 1 }
                    let n = Double(counts.values.reduce(0, +))
                    if n < 2 { continue }
                    let total = n * (n - 1) / 2
                    let same = counts.values.reduce(0.0) { $0 + Double($1) * Double($1 - 1) / 2 }
                    let weight = min(total, 2_000) / total
                    agree[c] += same * weight
                    pairs[c] += total * weight
                    found[c] += total
                }
            }
        }
        return fields.indices.map { f in categories.contains(f) && found[f] >= 50 ? agree[f] / pairs[f] : nil }
    }

    /// Each record's whole name: every name field's sorted words (`keyBytes`), hashed together with a separator. The
    /// key of term frequencies for the whole name and of namesakes.
    static func wholeNameKeys(_ d: Dataset, names: [Int]) -> [UInt64] {
        var out = [UInt64](repeating: Packed<UInt8>.seed, count: d.count)
        for (n, f) in names.enumerated() {
            let hashes = d.columns[f].keyBytes.hashes()
            for i in out.indices { out[i] = Packed<UInt8>.fnv(n == 0 ? out[i] : (out[i] ^ 0x7C) &* 0x100_0000_01b3, hashes[i]) }
        }
        return out
    }

    /// How many random pairs estimate u: `options.uSamplePairs` (200,000), but no more than there are candidates (and at
    /// least 50,000), nor than half the possible pairs. On small files (FEBRL4, 5,000 × 5,000: 83,000 candidates) 200,000
    /// random pairs took 0.13 of 0.30 s, and 83,000 or 50,000 give the same F1 on FEBRL1–4.
    static func uSampleSize(candidates: Int, possible: Int, options: MatchOptions) -> Int {
        min(options.uSamplePairs, max(50_000, candidates), max(1, possible / 2))
    }

    /// Every rule's key for every record, in parallel chunks of records, rule by rule within a chunk.
    static func keys(_ rules: [BlockingRule], _ data: Dataset, _ concurrency: Int) async -> KeyRows {
        let n = rules.count, count = data.count
        let rows = Slab<UInt64>(capacity: n * count)
        rows.count = n * count
        let chunks = max(1, min(concurrency * 4, count / 10_000 + 1))
        let size = (count + chunks - 1) / chunks
        // Rule by rule within a chunk: each rule's key function is taken from its rule once, not once per record (copying
        // a rule per record and key cost a sixth of the time at a million records with 22 rules).
        let functions = rules.map(\.key)
        data.soundsForKeys = NameSounds(data, concurrency: concurrency)
        defer { data.soundsForKeys = nil }
        _ = await Parallel.map(chunks, width: concurrency) { c in
            let records = min(count, c * size)..<min(count, c * size + size)
            for (r, key) in functions.enumerated() {
                for i in records { rows.base[i * n + r] = key(data, i) }
            }
        }
        return KeyRows(rules: n, keys: rows)
    }

    /// A pair's probability when each record matches at most one other: its odds (times `scale`) against no match at
    /// all (weight `noMatch`, set by `shareCounted`) and against its records' competitors on both sides, each
    /// competitor counted as far as it is not already taken by a pair of its own. With the defaults (1, 1) a pair with
    /// no competitor keeps its probability; twins at 0.97 against one list record become 0.49 each; a sibling whose
    /// own record is found elsewhere takes nothing away. The shares are refined a few times, each round from the last
    /// round's.
    static func share(_ pairs: [MatchPair], left: Int, right: Int, rounds: Int = 3, noMatch: Double = 1, scale: Double = 1) -> [MatchPair] {
        let odds = pairs.map { scale * $0.probability / max(1 - $0.probability, 1e-12) }
        var p = pairs.map(\.probability)
        var takenLeft = [Double](repeating: 0, count: left), takenRight = [Double](repeating: 0, count: right)
        var rivalsLeft = [Double](repeating: 0, count: left), rivalsRight = [Double](repeating: 0, count: right)
        for _ in 0..<rounds {
            for k in takenLeft.indices { takenLeft[k] = 0; rivalsLeft[k] = 0 }
            for k in takenRight.indices { takenRight[k] = 0; rivalsRight[k] = 0 }
            for (k, pair) in pairs.enumerated() { takenLeft[pair.left] += p[k]; takenRight[pair.right] += p[k] }
            // How free each record of a pair is of its other pairs: its competing weight elsewhere.
            @inline(__always) func free(_ taken: Double, _ own: Double) -> Double { min(1, max(0, 1 - (taken - own))) }
            for (k, pair) in pairs.enumerated() {
                rivalsRight[pair.right] += odds[k] * free(takenLeft[pair.left], p[k])
                rivalsLeft[pair.left] += odds[k] * free(takenRight[pair.right], p[k])
            }
            for (k, pair) in pairs.enumerated() {
                let o = odds[k]
                let others = rivalsRight[pair.right] - o * free(takenLeft[pair.left], p[k])
                    + rivalsLeft[pair.left] - o * free(takenRight[pair.right], p[k])
                p[k] = o / (noMatch + o + max(0, others))
            }
        }
        return pairs.indices.map { MatchPair(left: pairs[$0].left, right: pairs[$0].right, probability: p[$0]) }
    }

    /// `share`, with "no match at all" weighed by how many matches there are. A pair's odds stand against a random
    /// pair: they already hold the prior share of matches. Against them, "neither record has a match" weighs
    /// (1 − M/L)(1 − M/R) for M matches among L and R records, not 1: when most list rows are in the registry, a row
    /// with one candidate is likelier to be that candidate than its odds alone say (families set: pairs shared at 0.25
    /// were 60 % true).
    ///
    /// M is not known. EM over the candidates overestimates it (80,000 for 56,000 on two of the synthetic sets, capped
    /// at the smaller side), and so the pairs' prior odds too. The probabilities shared with weight 1 add up close to
    /// it (54,445, 50,919 and 55,566 for 56,000, 52,000 and 56,000 at 100k): so they are shared once with weight 1 and counted,
    /// then shared again with the weight from that count and the odds scaled by it against EM's M (never up). One
    /// round, not more: each round's larger count lowers the next weight, and where every pair is uncertain that
    /// climbs towards certainty. The weight is at least `floor`: where every row seems to have a match (FEBRL4) the
    /// formula gives 0, and a row whose match blocking missed must not take its one weak candidate for certain.
    /// `namedAgain`: records of each side that name a person of another record of theirs (`repeatedRows`), not counted
    /// as people.
    static func shareCounted(_ pairs: [MatchPair], left: Int, right: Int, namedAgain: (left: Int, right: Int) = (0, 0), matchesByEM: Double,
                             floor: Double = 0.1) -> (pairs: [MatchPair], matches: Double, noMatch: Double, scale: Double) {
        let first = share(pairs, left: left, right: right)
        let matches = first.reduce(0) { $0 + $1.probability }
        let people = (left: max(1, left - namedAgain.left), right: max(1, right - namedAgain.right))
        // Never more matches than records on the smaller side (records sharing a clique of pairs can add up to more).
        let m = min(matches, Double(min(people.left, people.right)))
        let noMatch = max(floor, (1 - m / Double(people.left)) * (1 - m / Double(people.right)))
        let scale = matchesByEM > 0 && m > 0 ? min(1, m / matchesByEM) : 1
        return (share(pairs, left: left, right: right, noMatch: noMatch, scale: scale), matches, noMatch, scale)
    }

    /// A pair's probability shared with no rival: the same weight for "no match" and the same prior as in `share`.
    static func alone(_ probability: Double, noMatch: Double, scale: Double) -> Double {
        let odds = scale * probability / max(1 - probability, 1e-12)
        return odds / (noMatch + odds)
    }

    /// Exclusive linkage: each pair's probability shared among its rivals (`shareCounted`), kept at or above the
    /// threshold (or contested, `MatchOptions.keepContested`). A file may name one person twice (a worker met at two
    /// operations): such rows ride on the first of them (`repeatedRows`, on either side) and are not its rivals; shared
    /// without them, they take their head's probability times how likely they are the same person. The riders come back
    /// keyed by their place in the pairs kept, with their head's.
    static func shareAmongRivals(_ unshared: [MatchPair], left: Dataset, right: Dataset, model: FellegiSunterModel, tf: TermFrequencies,
                                 matchesByEM: Double, options: MatchOptions, progress: (@Sendable (String) -> Void)?) -> (pairs: [MatchPair], riders: [Int: Rider]) {
        let onRight = repeatedRows(unshared, of: right, onLeft: false, other: left, model: model, tf: tf, threshold: options.threshold,
                                   width: options.concurrency)
        let onLeft = repeatedRows(unshared, of: left, onLeft: true, other: right, model: model, tf: tf, threshold: options.threshold,
                                  width: options.concurrency)
        // A rider of a rider (one person twice in each file) rides on the first head, its sameness the product. A link
        // lowers the pair's left or right index at equal probability, so chains end.
        let linked = onRight.riders.merging(onLeft.riders) { r, _ in r }
        var riders: [Int: Rider] = [:]
        func root(_ k: Int) -> Rider? {
            guard let r = linked[k] else { return nil }
            if let done = riders[k] { return done }
            let resolved = root(r.head).map { Rider(head: $0.head, same: r.same * $0.same) } ?? r
            riders[k] = resolved
            return resolved
        }
        for k in linked.keys.sorted() { _ = root(k) }
        // People, not rows, on each side: the rows linked by riders, less one per group of them.
        func named(_ record: (MatchPair) -> Int) -> Int {
            var parent: [Int: Int] = [:]
            func find(_ x: Int) -> Int { var x = x; while let p = parent[x], p != x { x = p }; return x }
            for (k, r) in riders where record(unshared[k]) != record(unshared[r.head]) {
                let a = record(unshared[k]), b = record(unshared[r.head])
                if parent[a] == nil { parent[a] = a }
                if parent[b] == nil { parent[b] = b }
                let (x, y) = (find(a), find(b))
                if x != y { parent[max(x, y)] = min(x, y) }
            }
            return parent.count - parent.keys.filter { find($0) == $0 }.count
        }
        let namedLeft = named(\.left), namedRight = named(\.right)
        // EM's count of matches holds the riders' pairs too; the heads are set against it without them.
        let ridersMatches = riders.keys.reduce(0) { $0 + unshared[$1].probability }
        let heads = riders.isEmpty ? unshared : unshared.indices.filter { riders[$0] == nil }.map { unshared[$0] }
        let counted = shareCounted(heads, left: left.count, right: right.count, namedAgain: (namedLeft, namedRight),
                                   matchesByEM: max(0, matchesByEM - ridersMatches))
        progress?(String(format: "shared among competitors: %.0f matches expected; no match weighs %.3f, prior odds × %.3f", counted.matches, counted.noMatch, counted.scale))
        if namedLeft + namedRight > 0 {
            progress?(String(format: "rows naming a person named in another row of their file: %d left (bound %.3f without the same document), %d right (%.3f)",
                             namedLeft, onLeft.repeatRate, namedRight, onRight.repeatRate))
        }
        var sharedAll = counted.pairs
        if !riders.isEmpty {
            var position = [Int](repeating: -1, count: unshared.count), next = 0
            for k in unshared.indices where riders[k] == nil { position[k] = next; next += 1 }
            sharedAll = unshared.indices.map { k in
                guard let r = riders[k] else { return counted.pairs[position[k]] }
                var p = unshared[k]
                p.probability = counted.pairs[position[r.head]].probability * r.same
                p.head = MatchPair.Head(left: unshared[r.head].left, right: unshared[r.head].right)
                return p
            }
        }
        func keep(_ raw: MatchPair, _ shared: MatchPair) -> MatchPair? {
            if shared.probability >= options.threshold { return shared }
            // Contested: at or above the threshold on its own, below it only because of its rivals.
            guard options.keepContested, alone(raw.probability, noMatch: counted.noMatch, scale: counted.scale) >= options.threshold else { return nil }
            var kept = shared
            kept.contested = true
            return kept
        }
        var at = [Int](repeating: -1, count: unshared.count)
        var pairs: [MatchPair] = []
        for (k, (raw, shared)) in zip(unshared, sharedAll).enumerated() {
            guard let pair = keep(raw, shared) else { continue }
            at[k] = pairs.count
            pairs.append(pair)
        }
        // A rider's raw and shared probabilities are at most its head's (candidates are taken best first), so a rider
        // kept has its head kept. (Were it not, the pair would stand as one of its own in one-to-one.)
        return (pairs, Dictionary(uniqueKeysWithValues: riders.compactMap { k, r in at[k] >= 0 && at[r.head] >= 0 ? (at[k], Rider(head: at[r.head], same: r.same)) : nil }))
    }

    /// Rows left without a record that give the document of a row linked to one, or that document one character apart
    /// (a digit misread), and are alike that row in all else as a rider with the same document must be (`Sameness`):
    /// the record's person again, with the linked pair's probability times how likely the two rows are one person. A
    /// list names a person twice with its slips in the second row (a name mistyped, the date left out); such a row may
    /// never have been compared with the record, or scored below the threshold against it, so riding on its head
    /// (`repeatedRows`) could not find it. On the `repeats` copies, a third to a half of the second rows missed gave
    /// their head's document or one a character apart. On either side (`sides`), heads being the rows of `kept` that
    /// are not riders (`riding`): a rider was linked through another row, and its own document may be another person's.
    static func documentEchoes(_ kept: [MatchPair], riding: Set<UInt64> = [], sides: (left: Bool, right: Bool) = (true, true), left: Dataset, right: Dataset,
                               model: FellegiSunterModel, tf: TermFrequencies, threshold: Double, width: Int = 1) -> [MatchPair] {
        let documents = model.fields.indices.filter { model.fields[$0].kind == .id }
        guard !documents.isEmpty, !kept.isEmpty else { return [] }
        var echoes: [MatchPair] = []
        for onLeft in [false, true] where onLeft ? sides.left : sides.right {
            let data = onLeft ? left : right, other = onLeft ? right : left
            let head = {
                var head = [Int32](repeating: -1, count: data.count)
                for (k, p) in kept.enumerated() where !riding.contains(UInt64(p.left) << 32 | UInt64(p.right)) { head[onLeft ? p.left : p.right] = Int32(k) }
                return head
            }()
            // Riders are rows of a record too, but not heads: they were linked through another row, not the record.
            let linked = {
                var linked = head.map { $0 >= 0 }
                for p in kept { linked[onLeft ? p.left : p.right] = true }
                return linked
            }()
            var best: [Int: MatchPair] = [:]
            ColumnView.withRaw(data.views) { raw in
                ColumnView.withRaw(other.views) { otherRaw in
                    let sameness = Sameness(model: model, tf: tf, data: data, onLeft: onLeft, raw: raw, otherRaw: otherRaw)
                    for f in documents {
                        let values = data.views[f]
                        let usable = DocumentIndex.usable(values)
                        guard let index = DocumentIndex(values, rows: head.indices.filter { head[$0] >= 0 && usable[$0] }) else { continue }
                        // The rows without a record, shared among the cores; each row's best echo.
                        let chunks = 4 * max(1, width), size = (head.count + chunks - 1) / chunks
                        let found = Parallel.chunks(chunks, width: width) { c -> [(Int, MatchPair)] in
                            var out: [(Int, MatchPair)] = [], heads: [Int] = []
                            for i in min(head.count, c * size)..<min(head.count, (c + 1) * size) where !linked[i] && usable[i] {
                                index.rows(near: i, of: values, into: &heads)
                                var best: MatchPair? = nil
                                // In row order, so that a tie goes to the same head on every run.
                                for h in Set(heads).sorted() {
                                    // The document first (numbers of one series a few apart, a household's, are not one
                                    // document: `Compare.id`), then the rest.
                                    guard Compare.level(raw[f], h, raw[f], i) >= sameness.agreesFrom(f) else { continue }
                                    var pair = kept[Int(head[h])]
                                    let p = pair.probability * sameness.probability(sameness.levels(h, i), h, i, unidentified: 1)
                                    guard p >= threshold, p > best?.probability ?? 0 else { continue }
                                    pair.head = MatchPair.Head(left: pair.left, right: pair.right)
                                    if onLeft { pair.left = i } else { pair.right = i }
                                    pair.probability = p
                                    best = pair
                                }
                                if let best { out.append((i, best)) }
                            }
                            return out
                        }
                        for (i, pair) in found.joined() where pair.probability > best[i]?.probability ?? 0 { best[i] = pair }
                    }
                }
            }
            echoes += best.keys.sorted().map { best[$0]! }
        }
        return echoes
    }

    /// The rows of one file by their document, for `documentEchoes`: each document's hash and its hashes with each
    /// character left out, sorted, with where each run of keys with the same top bits begins. Two documents one edit
    /// apart share a key: a character changed or two swapped, the same one left out of each; a character added or
    /// dropped, the shorter one whole and the longer without it. A look-up reads a few short runs, not a binary search
    /// through tens of megabytes (a cache miss at each step: 15 s on the Timpora list at a million rows).
    struct DocumentIndex: Sendable {
        let keys: [UInt64], rows: [UInt32], bits: Int, starts: [Int32]

        /// `values`' documents of `rows`; nil when none of them has one.
        init?(_ values: ColumnView, rows: [Int]) {
            var entries: [(key: UInt64, ref: UInt32)] = []
            for i in rows { values.joinedBytes.withValue(i) { Self.keys($0) { entries.append((key: $0, ref: UInt32(i))) } } }
            guard !entries.isEmpty else { return nil }
            RuleBlocks.radixSortByKey(&entries)
            keys = entries.map(\.key); self.rows = entries.map(\.ref)
            let bits = max(8, min(22, Int.bitWidth - entries.count.leadingZeroBitCount))
            var starts = [Int32](repeating: 0, count: (1 << bits) + 1)
            for key in keys { starts[Int(key >> UInt64(64 - bits)) + 1] += 1 }
            for b in 0..<(1 << bits) { starts[b + 1] += starts[b] }
            self.bits = bits; self.starts = starts
        }

        /// The rows whose document is row `i`'s or one edit from it (a row as often as it shares a key), into `out`.
        func rows(near i: Int, of values: ColumnView, into out: inout [Int]) {
            out.removeAll(keepingCapacity: true)
            keys.withUnsafeBufferPointer { sorted in
                values.joinedBytes.withValue(i) { bytes in
                    Self.keys(bytes) { key in
                        let bucket = Int(key >> UInt64(64 - bits))
                        for k in Int(starts[bucket])..<Int(starts[bucket + 1]) where sorted[k] == key { out.append(Int(rows[k])) }
                    }
                }
            }
        }

        /// A document's keys (none for a value under five characters).
        static func keys(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
            guard bytes.count >= 5 else { return }
            body(Packed<UInt8>.fnv(Packed<UInt8>.seed, bytes))
            for d in bytes.indices {
                body(Packed<UInt8>.fnv(Packed<UInt8>.fnv(Packed<UInt8>.seed, UnsafeBufferPointer(rebasing: bytes[..<d])), UnsafeBufferPointer(rebasing: bytes[(d + 1)...])))
            }
        }

        /// Rows whose document can name one person: given, and not given by five rows or more (`DALAM PROSES`, "in
        /// process").
        static func usable(_ values: ColumnView) -> [Bool] {
            let all = values.joinedBytes.hashes()
            let sorted = all.indices.filter { !values.missing[$0] }.map { all[$0] }.sorted()
            var shared = Set<UInt64>()
            for k in sorted.indices.dropFirst(4) where sorted[k - 4] == sorted[k] { shared.insert(sorted[k]) }
            return all.indices.map { !values.missing[$0] && (shared.isEmpty || !shared.contains(all[$0])) }
        }
    }

    /// Greedy one-to-one assignment: best pairs first, each record used once. A rider (`repeatedRows`; keyed by its index
    /// in `pairs`) names again the person of its head's row: it is taken in its own turn (its probability is at most its
    /// head's, so its head's turn came first), if its head's pair was taken and its own rows are still free; never alone.
    static func oneToOne(_ pairs: [MatchPair], riders: [Int: Rider] = [:]) -> [MatchPair] {
        var usedLeft = Set<Int>(), usedRight = Set<Int>(), taken = Set<Int>()
        var out: [MatchPair] = []
        // Whether each pair rides, looked up once: the sort compares half a million pairs twenty times each.
        let rides = pairs.indices.map { riders[$0] != nil }
        let order = pairs.indices.sorted { a, b in
            let x = pairs[a], y = pairs[b]
            if x.probability != y.probability { return x.probability > y.probability }
            if rides[a] != rides[b] { return !rides[a] }     // heads first at a tie
            return (x.left, x.right) < (y.left, y.right)
        }
        for k in order {
            let p = pairs[k]
            if let r = riders[k] {
                let head = pairs[r.head]
                guard taken.contains(r.head), p.left == head.left || !usedLeft.contains(p.left), p.right == head.right || !usedRight.contains(p.right)
                else { continue }
            } else if usedLeft.contains(p.left) || usedRight.contains(p.right) {
                continue
            } else {
                taken.insert(k)
            }
            usedLeft.insert(p.left); usedRight.insert(p.right); out.append(p)
        }
        return out
    }

    /// A list row that names again the person of another row competing for the same registry record: the index of the
    /// other row's pair (its head) among the same pairs, and how likely the two rows are one person.
    struct Rider { var head: Int; var same: Double }

    /// Rows of one file (`data`, the left when `onLeft`) naming one person twice. Sharing counts a record's candidates
    /// as rivals, each row one person: a worker met at two operations, listed twice, made the two rows halve each
    /// other's probability and one-to-one keep one (a fifth of a list named twice: recall 0.99 → 0.76). For each record
    /// of the other file, its candidate rows at or above the threshold, best first: a row more likely than not the same
    /// person as an earlier one rides on it, keyed by its pair's index in `pairs`, with its head's.
    ///
    /// Two rows are the same person when nothing both give disagrees (see `Sameness`) and the model would link them,
    /// compared as if one were in the other file, the whole name adjusted by its frequency in theirs. Unless their
    /// document is the same, that is at most as likely as rows competing for one record, both identifiable (by their
    /// documents; in a file without documents, their dates), are found to agree, scaled up by how often one person's
    /// rows disagree on it (the model's m): a list that names nobody twice (its namesakes' documents differ) gets no
    /// riders without a document, a list with many repeats gets them.
    static func repeatedRows(_ pairs: [MatchPair], of data: Dataset, onLeft: Bool, other: Dataset, model: FellegiSunterModel, tf: TermFrequencies, threshold: Double,
                             width: Int)
        -> (riders: [Int: Rider], repeatRate: Double) {
        @inline(__always) func row(_ k: Int) -> Int { onLeft ? pairs[k].left : pairs[k].right }
        var byOther: [Int: [Int]] = [:]
        for (k, p) in pairs.enumerated() where p.probability >= threshold { byOther[onLeft ? p.right : p.left, default: []].append(k) }
        let rows = byOther.values.filter { $0.count > 1 }.map { candidates in
            Array(candidates.sorted { (pairs[$0].probability, row($1)) > (pairs[$1].probability, row($0)) }.prefix(32))
        }
        return ColumnView.withRaw(data.views) { raw in
            ColumnView.withRaw(other.views) { otherRaw in
                let sameness = Sameness(model: model, tf: tf, data: data, onLeft: onLeft, raw: raw, otherRaw: otherRaw)
                return findRiders(pairs, rows: rows, row: row, sameness: sameness, width: width)
            }
        }
    }

    /// `repeatedRows`' work, the records' groups of candidate rows (`rows`) shared among the cores: the rate, then the
    /// riders.
    private static func findRiders(_ pairs: [MatchPair], rows: [[Int]], row: (Int) -> Int, sameness: Sameness, width: Int)
        -> (riders: [Int: Rider], repeatRate: Double) {
        let chunks = min(rows.count, 4 * max(1, width))
        func eachChunk<T>(_ work: (ArraySlice<[Int]>) -> T) -> [T] {
            let size = (rows.count + max(chunks, 1) - 1) / max(chunks, 1)
            return Parallel.chunks(chunks, width: width) { c in work(rows[min(rows.count, c * size)..<min(rows.count, (c + 1) * size)]) }
        }
        // How often rows competing for one record, both identifiable and alike in all else, are one person (none
        // counted: never; one of one: a third, scaling or not). Alike in all else: the rows a document cannot tell apart
        // are alike too.
        let counts = eachChunk { part -> (both: Int, agree: Int) in
            var both = 0, agree = 0
            for candidates in part {
                for (x, a) in candidates.enumerated() {
                    for b in candidates[(x + 1)...] {
                        let levels = sameness.levels(row(a), row(b))
                        guard let identified = sameness.identifies(levels), sameness.alike(levels, row(a), row(b), exceptIdentifying: true) else { continue }
                        both += 1
                        if identified { agree += 1 }
                    }
                }
            }
            return (both, agree)
        }
        let both = counts.reduce(0) { $0 + $1.both }, agree = counts.reduce(0) { $0 + $1.agree }
        // One person's two rows do not always agree on the identifying field (an old passport, a permit's number written
        // in its place): as often as the model's m says a matched pair disagrees on it, on either of the two rows. Those
        // are among the rivals that disagree, so the agreeing ones are scaled up by it.
        let differ = sameness.identifying.map { f in
            let d = sameness.model.m[f].prefix(sameness.agreesFrom(f)).reduce(0, +)
            return 1 - (1 - d) * (1 - d)
        }.max() ?? 0
        let repeatRate = min(Double(both), Double(agree) / max(1 - differ, 0.5)) / Double(both + 2)
        let found = eachChunk { part -> [(Int, Rider)] in
            var riders: [(Int, Rider)] = []
            // Each pair's levels with its record, computed once (`Sameness.throughRecord`).
            var withRecord: [Int: [Int]] = [:]
            func recordLevels(_ k: Int) -> [Int] {
                if let l = withRecord[k] { return l }
                let l = sameness.levelsWithRecord(pairs[k])
                withRecord[k] = l
                return l
            }
            func same(_ h: Int, _ k: Int) -> Double {
                let levels = sameness.levels(row(h), row(k))
                return max(sameness.probability(levels, row(h), row(k), unidentified: repeatRate),
                           sameness.throughRecord(levels, row(h), row(k), withHead: recordLevels(h), withRow: recordLevels(k),
                                                  probability: pairs[k].probability, unidentified: repeatRate))
            }
            for candidates in part {
                var heads: [Int] = []
                rows: for k in candidates {
                    for h in heads {
                        let s = same(h, k)
                        if s >= 0.5 { riders.append((k, Rider(head: h, same: s))); continue rows }
                    }
                    heads.append(k)
                }
            }
            return riders
        }
        return (Dictionary(found.flatMap { $0 }, uniquingKeysWith: { a, _ in a }), repeatRate)
    }

    /// Whether two rows of one file are one person (`repeatedRows`).
    struct Sameness {
        let model: FellegiSunterModel, tf: TermFrequencies, data: Dataset, onLeft: Bool
        /// The columns of `data` and of the other file as pointers, valid while `repeatedRows` runs.
        let raw: UnsafeBufferPointer<RawColumn>, otherRaw: UnsafeBufferPointer<RawColumn>
        let kinds: [FieldKind]
        /// The fields that identify: documents, or dates where there are none.
        let identifying: [Int]
        /// The name fields and the date fields, found once (`throughRecord` asks for every pair of rows).
        let names: [Int], dates: [Int]
        let jointU: Double

        init(model: FellegiSunterModel, tf: TermFrequencies, data: Dataset, onLeft: Bool, raw: UnsafeBufferPointer<RawColumn>,
             otherRaw: UnsafeBufferPointer<RawColumn>) {
            self.model = model; self.tf = tf; self.data = data; self.onLeft = onLeft; self.raw = raw; self.otherRaw = otherRaw
            let kinds = model.fields.map(\.kind), documents = kinds.indices.filter { kinds[$0] == .id }
            self.kinds = kinds
            names = kinds.indices.filter { kinds[$0] == .name }
            dates = kinds.indices.filter { kinds[$0] == .date }
            identifying = documents.isEmpty ? dates : documents
            jointU = tf.jointExactU(model)
        }

        /// The lowest level at which an identifying field agrees: a document one character apart at most, the same date
        /// (or day and month swapped).
        func agreesFrom(_ f: Int) -> Int { kinds[f].levels - (kinds[f] == .id ? 2 : 1) }

        func levels(_ a: Int, _ b: Int) -> [Int] {
            Pattern.decode(Pattern.encode(raw, a, raw, b), fields: kinds.count)
        }

        /// Whether an identifying field both rows give agrees (a document one character apart at most, the same date);
        /// nil when no such field is given by both.
        func identifies(_ levels: [Int]) -> Bool? {
            let given = identifying.filter { levels[$0] >= 0 }
            if given.isEmpty { return nil }
            return given.allSatisfy { levels[$0] >= agreesFrom($0) }
        }

        /// Whether nothing both rows give disagrees: the model alone scored twins and relatives of one household as the
        /// person (their rival row was what told them apart), and namesakes born a few days apart. The same document
        /// allows slips: names further apart (a slip in each of two spellings), dates a digit apart; `dateSlip` allows the
        /// latter alone. `exceptIdentifying`: the identifying fields are not looked at.
        func alike(_ levels: [Int], _ a: Int, _ b: Int, sameDocument: Bool = false, exceptIdentifying: Bool = false, dateSlip: Bool = false) -> Bool {
            func partial(_ f: Int) -> Bool { Normalize.isPartial(data.columns[f].dates[a]) || Normalize.isPartial(data.columns[f].dates[b]) }
            // The same document and the same name (in one spelling or a near one): one person, whatever else the rows say
            // (a list's date column holding a permit's end, a nationality written as the country of issue). On the
            // Timpora set, all 424 rival rows with one document were one person.
            if sameDocument {
                let names = levels.indices.filter { kinds[$0] == .name && levels[$0] >= 0 }
                if !names.isEmpty && names.allSatisfy({ levels[$0] >= kinds[$0].levels - 2 }) { return true }
            }
            for (f, l) in levels.enumerated() where l >= 0 && !(exceptIdentifying && identifying.contains(f)) {
                let top = kinds[f].levels - 1
                switch kinds[f] {
                case .name: if l < (sameDocument ? 1 : top - 2) { return false }
                case .date:     // a date known in part (a year) agrees as far as it is known at level 1
                    if l < (sameDocument || dateSlip ? top - 2 : top - 1) && !(l == 1 && partial(f)) { return false }
                case .id: break         // another document (an old passport, a permit's number) is weighed by the model
                case .number: if l < top - 1 { return false }
                case .category: if l < top { return false }
                case .text: break
                }
            }
            return true
        }

        /// How likely the two rows are one person, from their `levels`; `unidentified` bounds it where their documents are not the same (a
        /// date is shared by twins, so in a file without documents every pair is bounded). Two rows both likely to be one
        /// record agree with each other on what they share with it, so their agreement says little beyond that bound.
        func probability(_ levels: [Int], _ a: Int, _ b: Int, unidentified: Double) -> Double {
            // A document one character apart is the same document with a slip (a digit misread or mistyped): on every
            // labelled set, all such rows of one file were one person.
            let sameDocument = levels.indices.contains { kinds[$0] == .id && levels[$0] >= agreesFrom($0) }
            guard alike(levels, a, b, sameDocument: sameDocument) else { return 0 }
            var odds = model.logOdds(levels: levels)
            if !jointU.isNaN && tf.nameFields.allSatisfy({ levels[$0] == kinds[$0].levels - 1 }) {
                odds += jointU - log2(tf.nameFrequency(within: onLeft, a, b))
            }
            let same = 1 / (1 + pow(2, -odds))
            return sameDocument ? same : min(same, unidentified)
        }

        /// How likely the second pair's row names again the first's person, judged through their common record: each
        /// row written from the person, they may differ from each other more than either differs from the record (the
        /// name spelt two ways, the date on one row and the document on the other). Nothing disagrees where each row
        /// agrees with the record (a field's level is the better of the rows' own and the weaker of their two with the
        /// record): a relative, whose given name or date is not the record's, is not alike. Then as likely as the row
        /// is the record's by itself (`probability`), at most `unidentified`; a row that gives the record's own document
        /// is the record's person, as likely as it is by itself, unbounded. `direct`: the rows' own levels; `withHead`,
        /// `withRow`: each row's levels with the record (`levelsWithRecord`).
        func throughRecord(_ direct: [Int], _ a: Int, _ b: Int, withHead: [Int], withRow: [Int], probability: Double, unidentified: Double) -> Double {
            /// `slip`: or the document one character apart (`agreesFrom`), as two rows with the same document may give it.
            func givesTheDocument(_ levels: [Int], slip: Bool = false) -> Bool {
                kinds.indices.contains { kinds[$0] == .id && levels[$0] >= (slip ? agreesFrom($0) : kinds[$0].levels - 1) }
            }
            // The row gives the record's own document: it names the record's person whatever else it says (a name
            // written by ear, `MR. YAMADA`; a sex or a nationality written wrong), as its head is taken to. On the Timpora
            // set, all 411 rows of this kind that did not ride were one person with their head.
            // Session 55: also with a character's slip (`375346473` for `375346433`), as rows with the same document may.
            if givesTheDocument(withRow, slip: true) { return probability }
            var combined = direct.indices.map { f in direct[f] < 0 ? direct[f] : max(direct[f], min(withHead[f], withRow[f])) }
            // Every name given on both rows and agreeing closely through the record, the same whole birth date, or every
            // name the same: a sex or a nationality written wrong on one row is a slip, not a relative (a wife listed as
            // `WANG` beside `WANG XIAOMING` has another date or no date, and her name is his only in part). On the Timpora
            // set, 67 such rows that did not ride were one person with their head, none was not.
            let sameDate = !dates.isEmpty && dates.allSatisfy { f in
                combined[f] >= kinds[f].levels - 2 && !Normalize.isPartial(data.columns[f].dates[a]) && !Normalize.isPartial(data.columns[f].dates[b])
            }
            if !names.isEmpty && names.allSatisfy({ combined[$0] >= kinds[$0].levels - 2 })
                && (sameDate || names.allSatisfy { combined[$0] == kinds[$0].levels - 1 }) {
                for f in kinds.indices where kinds[f] == .category && combined[f] == 0 { combined[f] = -1 }
            }
            // Or the head gives it, and nothing the row gives disagrees with the record (as a relative's given name or
            // date would): the head's own mistakes (a nickname, a wrong nationality) do not count against the row.
            // A date a digit apart is a slip here too (`1988` written `1998`): a relative's date is another day or year.
            guard alike(combined, a, b, dateSlip: true) || (givesTheDocument(withHead) && alike(withRow, b, b)) else { return 0 }
            return min(probability, unidentified)
        }

        func levelsWithRecord(_ p: MatchPair) -> [Int] {
            onLeft ? Pattern.decode(Pattern.encode(raw, p.left, otherRaw, p.right), fields: kinds.count)
                : Pattern.decode(Pattern.encode(otherRaw, p.left, raw, p.right), fields: kinds.count)
        }
    }

    static func patterns(of pairs: Slab<UInt64>, left: Dataset, right: Dataset, keys: KeyTables?, options: MatchOptions) async -> (codes: Slab<UInt32>, profile: [PatternKey: Double]) {
        // Chunks of about 300,000 pairs at a million records: a thread that takes the last one no longer runs alone for
        // seconds (with four a thread, a tenth of the comparing ran on one core), and a chunk is long enough for its memo.
        let chunks = max(1, min(options.concurrency * 32, pairs.count / 10_000 + 1))
        let size = (pairs.count + chunks - 1) / max(chunks, 1)
        let codes = Slab<UInt32>(capacity: pairs.count)
        codes.count = pairs.count
        let parts = await Parallel.map(chunks, width: options.concurrency) { c in
            let lo = min(pairs.count, c * size), hi = min(pairs.count, lo + size)
            var profile = PatternCounts()
            let memo = ComparisonMemo(fields: left.views.count, pairs: hi - lo)
            let shared = keys?.reader
            var rule = shared.map { k in k.ruleEnds.firstIndex { $0 > lo } ?? k.ruleEnds.count } ?? 0
            let lr = left.rows, rr = right.rows
            ColumnView.withRaw(left.views) { lv in ColumnView.withRaw(right.views) { rv in
                lr.words.withUnsafeBufferPointer { lw in rr.words.withUnsafeBufferPointer { rw in
                    for k in lo..<hi {
                        let i = Int(pairs[k] >> 32), j = Int(pairs[k] & 0xFFFF_FFFF)
                        let code = Pattern.encode(lv, i, lw.baseAddress! + i * lr.stride, rv, j, rw.baseAddress! + j * rr.stride, memo: memo)
                        codes.base[k] = code
                        if let shared {
                            while k >= shared.ruleEnds[rule] { rule += 1 }
                            profile.count(code, shared.rulesShared(i, j, foundBy: rule))
                        }
                    }
                } }
            } }
            return profile
        }
        var profile = PatternCounts()
        for p in parts { profile.merge(p) }
        return (codes, profile.dictionary)
    }

    /// Each field's agreement level and weight for one pair: why the pair scored as it did.
    public static func explain(left: Dataset, _ i: Int, right: Dataset, _ j: Int, model: FellegiSunterModel) -> [(field: String, level: Int, weight: Double)] {
        let levels = Pattern.decode(Pattern.encode(left: left, i, right: right, j), fields: left.fields.count)
        let namesAgree = model.namesAgree(levels)
        return levels.enumerated().map { (f, l) in (left.fields[f].column, l, model.weight(field: f, level: l, namesAgree: namesAgree)) }
    }
}

/// Chunks of work, at most `width` at a time, results in chunk order. A background reconciliation passes one less than
/// the cores: the pages' requests run on the same threads.
enum Parallel {
    /// `work(c)` for each chunk c on `width` threads, synchronously (the caller waits), the results in order. `work` only
    /// reads what it shares (it may hold pointers valid during the call, which is why it need not be `Sendable`).
    static func chunks<T>(_ chunks: Int, width: Int, _ work: (Int) -> T) -> [T] {
        guard chunks > 0 else { return [] }
        let threads = max(1, min(width, chunks))
        return withoutActuallyEscaping(work) { work in
            let slots = ChunkSlots<T>(chunks), run = UncheckedWork(run: work)
            // Each thread takes the next chunk not yet taken: chunks of unequal work (a name field's frequencies beside a
            // date's) no longer leave one thread with the two longest.
            onThreads(threads) { _ in
                while case let c = slots.claim(), c < chunks { slots.set(c, run.run(c)) }
            }
            return slots.values
        }
    }
    /// `body(t)` for t in 0..<count, each on a thread of its own (the caller's the first), returning when all have.
    /// Not on Dispatch's threads: on Linux they are also the threads Swift's tasks run on, and with a task waiting on
    /// one (reading a file while its rows are normalised), `concurrentPerform` ran a thread short until the pool grew,
    /// a second or more later (reading a million rows used 1.2 of 2 cores at first, 1.7 in all).
    /// Joined, not only waited for: a thread holds `body` until it ends, and `chunks` lends it a closure that must not
    /// outlive the call (`withoutActuallyEscaping` traps when one does, as a Foundation `Thread` did now and then).
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        #if os(Linux)
        var threads: [pthread_t] = []
        for t in 1..<max(count, 1) {
            if let thread = spawn(body, t) { threads.append(thread) } else { body(t) }
        }
        body(0)
        for thread in threads { pthread_join(thread, nil) }
        #else
        DispatchQueue.concurrentPerform(iterations: max(count, 1), execute: body)
        #endif
    }

    /// `body` on a thread of its own, not waited for (`Dataset.load`'s batches); on the caller's thread, before this
    /// returns, where no thread can be made (a Foundation `Thread` that cannot start says nothing, and its waiter waits
    /// for ever).
    static func start(_ body: @escaping @Sendable () -> Void) {
        #if os(Linux)
        if let thread = spawn({ _ in body() }, 0) { pthread_detach(thread) } else { body() }
        #else
        DispatchQueue.global().async(execute: body)
        #endif
    }

    #if os(Linux)
    /// A POSIX thread running `body(index)`, or nil where none can be made (`body` not run). The thread lets go of
    /// `body` before it ends.
    private static func spawn(_ body: @escaping @Sendable (Int) -> Void, _ index: Int) -> pthread_t? {
        let work = Unmanaged.passRetained(ThreadWork(body: body, index: index)).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { context in
            let work = Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue()
            work.body(work.index)
            return nil
        }, work) == 0 else {
            Unmanaged<ThreadWork>.fromOpaque(work).release()
            return nil
        }
        return thread
    }
    #endif

    static func map<T: Sendable>(_ chunks: Int, width: Int, _ work: @escaping @Sendable (Int) -> T) async -> [T] {
        await withTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: chunks)
            var next = 0
            while next < min(chunks, max(1, width)) { let c = next; group.addTask { (c, work(c)) }; next += 1 }
            for await (c, value) in group {
                results[c] = value
                if next < chunks { let n = next; group.addTask { (n, work(n)) }; next += 1 }
            }
            return results.map { $0! }
        }
    }
}

/// Agreement vectors packed base 6 (level + 1 per field), up to 12 fields in 32 bits.
enum Pattern {
    static let maxFields = 12

    static func encode(left: Dataset, _ i: Int, right: Dataset, _ j: Int) -> UInt32 {
        ColumnView.withRaw(left.views) { l in ColumnView.withRaw(right.views) { r in encode(l, i, r, j) } }
    }

    @inline(__always)
    static func encode(_ cols: UnsafeBufferPointer<RawColumn>, _ i: Int, _ other: UnsafeBufferPointer<RawColumn>, _ j: Int) -> UInt32 {
        encode(cols, i, other, j, spelt: .max) { f in Compare.level(cols[f], i, other[f], j) }
    }

    /// `encode`, reading the records' rows first (`RecordRows`; `x` and `y` point at them) and remembering the levels
    /// of value pairs in `memo`: the same levels, with less work.
    @inline(__always)
    static func encode(_ cols: UnsafeBufferPointer<RawColumn>, _ i: Int, _ x: UnsafePointer<UInt64>,
                       _ other: UnsafeBufferPointer<RawColumn>, _ j: Int, _ y: UnsafePointer<UInt64>, memo: borrowing ComparisonMemo) -> UInt32 {
        encode(cols, i, other, j, spelt: x[0] | y[0]) { f in Compare.level(f, cols[f], i, x, other[f], j, y, memo: memo) }
    }

    @inline(__always)
    /// `spelt`: the records' flags of names with a spelling of their own (`RecordRows.spelt`); every bit when unknown.
    private static func encode(_ cols: UnsafeBufferPointer<RawColumn>, _ i: Int, _ other: UnsafeBufferPointer<RawColumn>, _ j: Int, spelt: UInt64,
                               level: (Int) -> Int) -> UInt32 {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: cols.count) { levels in
            for f in cols.indices { levels[f] = level(f) }
            // Given and family names swapped between sources, perhaps also misspelt or shortened
            // (MA / JIA NA against JIA AN / MA): when two name fields each compare better crosswise, in
            // both directions, each takes its crosswise level (at most the second).
            for f in cols.indices where cols[f].kind == .name && levels[f] >= 0 && levels[f] < 3 {
                for g in cols.indices where g != f && cols[g].kind == .name && levels[g] >= 0 && levels[g] < 3 {
                    let both = spelt & (RecordRows.spelt(f) | RecordRows.spelt(g)) != 0
                    let there = Compare.name(cols[f], i, other[g], j, spelt: both)
                    guard there > max(levels[f], 0) else { continue }
                    let back = Compare.name(cols[g], i, other[f], j, spelt: both)
                    guard back > max(levels[g], 0) else { continue }
                    levels[f] = min(there, 3); levels[g] = min(back, 3)
                    break
                }
            }
            var code: UInt32 = 0
            for f in stride(from: cols.count - 1, through: 0, by: -1) { code = code * 6 + UInt32(levels[f] + 1) }
            return code
        }
    }

    static func decode(_ code: UInt32, fields: Int) -> [Int] {
        var c = code
        var out = [Int](repeating: -1, count: fields)
        for f in 0..<fields { out[f] = Int(c % 6) - 1; c /= 6 }
        return out
    }
}

/// SplitMix64: a small, fast, reproducible random number generator (sampling here, demo data in App).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How often each value occurs, per field, over both data sets: the u of an exact agreement on it.
///
/// A name agreeing exactly, linking two files, also by how common a name seen so many times in its file is, and how
/// common its words make it (`SeenCounts`), where that is rarer: of the names seen once in a registry of 100,000, a
/// list's people outside it shared each 1.05 times in a million rows on the Timpora set, 0.52 on the families set, not
/// the ten that one in 100,000 makes (Good–Turing, from each file's own counts: 1.56 and 0.77).
struct TermFrequencies: Sendable {
    private var left: [[Double]] = []
    private var right: [[Double]] = []
    /// Exact agreement on a name (`exactFrequency`): `left` and `right`, or rarer by `SeenCounts`; empty for other fields.
    private var leftExact: [[Double]] = [], rightExact: [[Double]] = []
    private var enabledFields: [Bool] = []
    /// The name fields adjusted together when all agree, and the frequency of each record's whole name.
    private(set) var nameFields: [Int] = []
    private var leftNames: [Double] = [], rightNames: [Double] = []
    /// The whole names' frequencies as counted over both files: two rows of one file (`nameFrequency(within:)`) are
    /// not two draws of a name.
    private var leftNamesCounted: [Double] = [], rightNamesCounted: [Double] = []

    /// `width`: threads counting fields at once.
    init(left l: Dataset, right r: Dataset?, enabled: Bool, width: Int = 1) {
        let sets = [l] + (r.map { [$0] } ?? [])
        nameFields = enabled ? l.columns.indices.filter { l.columns[$0].kind == .name } : []
        // Linking, how common each record's name makes it by its words (`SeenCounts.wordShares`), in each file, at once
        // before the fields are counted: one name field's, or the whole name's where there are two or more (a name field
        // agreeing exactly beside another that does not is weighed by its count, as before: on families-1m the words of
        // each field took 1.8 s more, alongside EM, and changed nothing).
        let names = nameFields
        let words = r == nil || names.isEmpty ? [] : Parallel.chunks(sets.count, width: width) { s in SeenCounts.wordShares(sets[s], names: names) }
        if nameFields.count >= 2 {
            let perSet = sets.map { Matcher.wholeNameKeys($0, names: nameFields) }
            var counts = HashCounts(capacity: 1 << 16)
            for set in perSet { for k in set { counts.add(k) } }
            let total = Double(sets.reduce(0) { $0 + $1.count })
            // Each record's own occurrence left out: a name held by just the two records of a pair is as
            // rare as one person's, not as common as two people's.
            leftNames = perSet[0].map { Double(counts.count($0) - 1) / total }
            rightNames = perSet.count > 1 ? perSet[1].map { Double(counts.count($0) - 1) / total } : leftNames
            leftNamesCounted = leftNames.map { max($0, FellegiSunterModel.floor) }
            rightNamesCounted = perSet.count > 1 ? rightNames.map { max($0, FellegiSunterModel.floor) } : leftNamesCounted
            if perSet.count > 1 {
                // A record without any name holds no name to count.
                let rarer = (0..<2).map { s in
                    SeenCounts.frequencies(perSet[s], words: words[s], missing: { i in names.allSatisfy { sets[s].columns[$0].isMissing(i) } })
                }
                (leftNames, rightNames) = SeenCounts.rarer((leftNames, rightNames), rarer)
            } else {
                leftNames = leftNamesCounted
                rightNames = rightNamesCounted
            }
        }
        enabledFields = l.columns.map { enabled && [.name, .text, .number, .date].contains($0.kind) }
        let use = enabledFields
        let perField: [(left: [Double], right: [Double], leftExact: [Double], rightExact: [Double])] = Parallel.chunks(l.columns.count, width: width) { f in
            guard use[f] else { return ([], [], [], []) }
            let kind = l.columns[f].kind
            // Each value by a 64-bit hash of its folded bytes (the sorted words of a name); dates by their
            // value: a placeholder birthday (1 January) shared by many is weak evidence too.
            func values(_ d: Dataset) -> [UInt64] {
                let c = d.columns[f]
                switch kind {
                case .date: return c.dates.map { UInt64(UInt32(bitPattern: $0)) }
                case .name: return c.keyBytes.hashes()
                default: return c.joinedBytes.hashes()
                }
            }
            let perSet = sets.map(values)
            var counts = HashCounts(capacity: 1 << 16)
            var total = 0
            for (d, set) in zip(sets, perSet) {
                let c = d.columns[f]
                for i in set.indices where !c.isMissing(i) { counts.add(set[i]); total += 1 }
            }
            let denominator = Double(max(total, 1))
            func frequencies(_ d: Dataset, _ set: [UInt64]) -> [Double] {
                let c = d.columns[f]
                return set.indices.map { i in c.isMissing(i) ? 1 : Double(counts.count(set[i])) / denominator }
            }
            let onLeft = frequencies(l, perSet[0]), onRight = perSet.count > 1 ? frequencies(sets[1], perSet[1]) : onLeft
            guard kind == .name && perSet.count > 1 && names.count == 1 else { return (onLeft, onRight, [], []) }
            let rarer = sets.indices.map { s in
                SeenCounts.frequencies(perSet[s], words: words[s], missing: { sets[s].columns[f].isMissing($0) })
            }
            let exact = SeenCounts.rarer((onLeft, onRight), rarer)
            return (onLeft, onRight, exact.0, exact.1)
        }
        left = perField.map(\.left)
        right = perField.map(\.right)
        leftExact = perField.map(\.leftExact)
        rightExact = perField.map(\.rightExact)
    }

    func adjusts(_ f: Int) -> Bool { enabledFields[f] }

    func nameFrequency(left i: Int, right j: Int) -> Double {
        max(leftNames[i], rightNames[j])
    }

    /// The u of every name field agreeing exactly, which the frequency of the whole name replaces (NaN with fewer than
    /// two name fields adjusted).
    func jointExactU(_ model: FellegiSunterModel) -> Double {
        nameFields.count >= 2 ? nameFields.reduce(0) { $0 + log2(model.u[$1][model.fields[$1].kind.levels - 1]) } : .nan
    }

    /// `nameFrequency` of two records of one side (the left when `left`).
    func nameFrequency(within left: Bool, _ a: Int, _ b: Int) -> Double {
        let names = left ? leftNamesCounted : rightNamesCounted
        return max(names[a], names[b])
    }

    /// The frequency of the agreed value (the larger of the two sides' spellings, which agree after folding; of two
    /// values agreeing in part, the more common).
    func frequency(_ f: Int, left i: Int, right j: Int) -> Double {
        max(left[f][i], right[f][j], FellegiSunterModel.floor)
    }

    /// `frequency` of a value agreeing exactly: for a name linking two files, the rarer estimate (`SeenCounts`).
    func exactFrequency(_ f: Int, left i: Int, right j: Int) -> Double {
        leftExact[f].isEmpty ? frequency(f, left: i, right: j) : max(leftExact[f][i], rightExact[f][j])
    }
}

/// How many times each 64-bit hash was added, in an open-addressed table that grows as it fills (from `capacity` keys;
/// a date column's few thousand values need no table the size of its million records): counting a million names and
/// their words through `Dictionary` doubled the time the value frequencies took.
struct HashCounts {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var shift: UInt64
    private var filled = 0

    init(capacity: Int) {
        var bits = 4
        while 1 << bits < 2 * capacity { bits += 1 }
        keys = [UInt64](repeating: 0, count: 1 << bits)
        counts = [Int32](repeating: 0, count: 1 << bits)
        shift = UInt64(64 - bits)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    mutating func add(_ key: UInt64) {
        if 2 * (filled + 1) > keys.count { grow() }
        let mask = keys.count - 1
        var s = slot(key)
        while counts[s] != 0 && keys[s] != key { s = (s + 1) & mask }
        if counts[s] == 0 { keys[s] = key; filled += 1 }
        counts[s] += 1
    }

    /// How many times `key` was added (0: never).
    func count(_ key: UInt64) -> Int {
        let mask = keys.count - 1
        var s = slot(key)
        while counts[s] != 0 {
            if keys[s] == key { return Int(counts[s]) }
            s = (s + 1) & mask
        }
        return 0
    }

    /// `body` with each key's count.
    func forEachCount(_ body: (Int) -> Void) { for c in counts where c != 0 { body(Int(c)) } }

    private mutating func grow() {
        let old = (keys, counts)
        keys = [UInt64](repeating: 0, count: old.0.count * 2)
        counts = [Int32](repeating: 0, count: old.0.count * 2)
        shift -= 1
        let mask = keys.count - 1
        for k in old.0.indices where old.1[k] != 0 {
            var s = slot(old.0[k])
            while counts[s] != 0 { s = (s + 1) & mask }
            keys[s] = old.0[k]; counts[s] = old.1[k]
        }
    }
}

/// How common in its population a value is that a file holds `k` times, by Good–Turing: as common as the file's values
/// seen k + 1 times, shared out among those seen k times, (k + 1) · N(k+1) / N(k) in all, of its n records. Where most
/// values are seen once (names), one seen once is far rarer than 1 / n: the values seen once are as many as all those of
/// the population the file did not hold, less what the values seen twice tell. Used for small counts while N(k+1) holds
/// at least ten values; never above k / n, nor below the count before it; beyond, k / n.
struct SeenCounts {
    /// The smoothed count of each k from 0.
    private let smoothed: [Double]
    private let records: Double

    init(counts: HashCounts, records: Int) {
        var ofCounts: [Int: Int] = [:]
        counts.forEachCount { ofCounts[$0, default: 0] += 1 }
        var smoothed: [Double] = [0]
        for k in 1... {
            let seen = ofCounts[k] ?? 0, next = ofCounts[k + 1] ?? 0
            guard seen > 0, next >= 10 else { break }
            smoothed.append(min(Double(k), max(smoothed[k - 1], Double((k + 1) * next) / Double(seen))))
        }
        self.smoothed = smoothed
        self.records = Double(max(records, 1))
    }

    /// Whether Good–Turing tells anything here: at least ten values seen twice.
    var tells: Bool { smoothed.count > 1 }

    /// The frequency of a value seen `k` times (k ≥ 1), at least `Self.floor`; at least `words`, how common its words
    /// make it, up to k / n.
    func frequency(_ k: Int, words: Double = 0) -> Double {
        let seen = Double(k) / records
        return max(min(seen, max((k < smoothed.count ? smoothed[k] : Double(k)) / records, words)), Self.floor)
    }

    /// Below the model's floor (10⁻⁶): in a registry of a million, a name seen once is as common as 0.36 in a million.
    static let floor = 1e-9

    /// Each file's frequencies (`counted` over both files, read at the model's floor) where its `seen` (`frequencies`)
    /// is not lower: the rarer estimate never makes a value more common than the count over both files does. A pair
    /// takes the larger of its two records' (`exactFrequency`). Where one file tells (Good–Turing) and the other does
    /// not, a value the other holds once has no estimate there (0), and the telling file's is taken alone: a list of a
    /// few hundred rows, ten names seen twice or fewer, says of a name it holds once only that it is one in a few
    /// hundred. (A value it holds more often keeps its count: a registry whose every name is held forty times tells by
    /// its counts that they are common.) The line is sharp: a list of 1,000 with ten names seen twice tells, one with
    /// nine does not, and its names held once weigh about three and a half bits more. Missing values stay 1.
    static func rarer(_ counted: ([Double], [Double]), _ seen: [Seen]) -> ([Double], [Double]) {
        func own(_ counted: [Double], _ seen: Seen, alone: Bool) -> [Double] {
            // `once` is false for a missing value (held 0 times): it stays 1.
            counted.indices.map { i in alone && seen.once[i] ? 0 : min(max(counted[i], FellegiSunterModel.floor), seen.frequencies[i]) }
        }
        return (own(counted.0, seen[0], alone: !seen[0].tells && seen[1].tells), own(counted.1, seen[1], alone: !seen[1].tells && seen[0].tells))
    }

    /// A file's `frequencies`: each value's, which values the file holds once, whether Good–Turing tells anything there.
    struct Seen { let frequencies: [Double], once: [Bool], tells: Bool }

    /// Each value's frequency in its own file (`values` by hash; `words`: `wordShares`; `missing` rows 1, as missing
    /// values are neutral), which the file holds once, and whether the file tells more than its counts (`tells`).
    static func frequencies(_ values: [UInt64], words: [Double], missing: (Int) -> Bool = { _ in false }) -> Seen {
        var counts = HashCounts(capacity: 1 << 16)
        var records = 0
        for i in values.indices where !missing(i) { counts.add(values[i]); records += 1 }
        let seen = SeenCounts(counts: counts, records: records)
        let k = values.indices.map { i in missing(i) ? 0 : counts.count(values[i]) }
        return Seen(frequencies: values.indices.map { i in missing(i) ? 1 : seen.frequency(k[i], words: words[i]) }, once: k.map { $0 == 1 }, tells: seen.tells)
    }

    /// How common each record's name is by its words, among the records of its kind (its sex and nationality: the
    /// categories whose headers say so): the share of the file's records of that kind, times, for each distinct word of
    /// its `names`, the share of them whose names hold the word. Good–Turing tells how rare names seen once are on average; their words tell which of
    /// them are not (NEHA GHOSH, PIERRE PETIT, KAMAL SHARMA: each word common among its nationality's names). On the
    /// Timpora set, a list's people outside the registry shared a registry name seen once 0.26 in a million times each
    /// where its words made it rarer than one in a hundred million, 1.7 where about one in a million, 7.1 where about
    /// one in 100,000 (families: 0.001, 1.7, 9.3). By the words alone, without the kind, the travellers set's names
    /// rarer than one in a hundred million were shared 2.3 times in a million, those of one in a million 9.4: by the
    /// kind, 0 and 5.1.
    static func wordShares(_ d: Dataset, names: [Int]) -> [Double] {
        let categories = d.columns.indices.filter { d.columns[$0].kind == .category && d.columns[$0].role != .any }
        // Each record's kind and distinct words, as hashes laid end to end (words from the names' sorted bytes, not
        // their strings: a million records' names are read in a fraction of a second).
        var kinds = [UInt64](repeating: Packed<UInt8>.seed, count: d.count)
        var words: [UInt64] = [], ends: [Int] = []
        words.reserveCapacity(d.count * 3)
        ends.reserveCapacity(d.count)
        var ofKind = HashCounts(capacity: 256), holding = HashCounts(capacity: 1 << 16)
        for i in 0..<d.count {
            for c in categories { d.columns[c].joinedBytes.withValue(i) { kinds[i] = Packed<UInt8>.fnv((kinds[i] ^ 0x7C) &* 0x100_0000_01b3, $0) } }
            let start = words.count
            for f in names {
                d.columns[f].keyBytes.withValue(i) { bytes in
                    var from = 0
                    for k in 0...bytes.count where k == bytes.count || bytes[k] == 0x20 {
                        if k > from {
                            let h = Packed<UInt8>.fnv(kinds[i], UnsafeBufferPointer(rebasing: bytes[from..<k]))
                            if !words[start...].contains(h) { words.append(h); holding.add(h) }
                        }
                        from = k + 1
                    }
                }
            }
            ends.append(words.count)
            ofKind.add(kinds[i])
        }
        let records = Double(max(d.count, 1))
        return (0..<d.count).map { i in
            let start = i == 0 ? 0 : ends[i - 1]
            guard ends[i] > start else { return 1 }
            let same = Double(ofKind.count(kinds[i]))
            var share = same / records
            for w in words[start..<ends[i]] { share *= Double(holding.count(w)) / same }
            return share
        }
    }
}

/// An agreement pattern and the blocking rules whose blocks held the pair: training counts a pair under each.
struct PatternKey: Hashable, Sendable {
    let code: UInt32
    let rules: UInt64
}

/// How many pairs have each agreement pattern and rules, counted for every candidate pair: an open-addressing table
/// with a multiplicative hash, where a dictionary hashed every pair's key through SipHash.
struct PatternCounts: Sendable {
    private var codes: [UInt32]
    private var rules: [UInt64]
    private var counts: [Double]
    private var used = 0

    init() {
        codes = [UInt32](repeating: .max, count: 1 << 12); rules = [UInt64](repeating: 0, count: 1 << 12); counts = [Double](repeating: 0, count: 1 << 12)
    }

    /// One more pair with this pattern and these rules. (`UInt32.max` is no pattern: twelve fields at most, base 6.)
    @inline(__always)
    mutating func count(_ code: UInt32, _ rule: UInt64) { add(code, rule, 1) }

    @inline(__always)
    private mutating func add(_ code: UInt32, _ rule: UInt64, _ amount: Double) {
        let mask = codes.count - 1
        var slot = Int(truncatingIfNeeded: ((UInt64(code) << 32 ^ rule) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while codes[slot] != .max {
            if codes[slot] == code && rules[slot] == rule { counts[slot] += amount; return }
            slot = (slot + 1) & mask
        }
        codes[slot] = code; rules[slot] = rule; counts[slot] = amount
        used += 1
        if used * 2 > codes.count { grow() }
    }

    /// Adds another thread's counts.
    mutating func merge(_ other: PatternCounts) {
        for k in other.codes.indices where other.codes[k] != .max { add(other.codes[k], other.rules[k], other.counts[k]) }
    }

    private mutating func grow() {
        let (oldCodes, oldRules, oldCounts) = (codes, rules, counts)
        let size = codes.count * 2
        codes = [UInt32](repeating: .max, count: size); rules = [UInt64](repeating: 0, count: size); counts = [Double](repeating: 0, count: size)
        used = 0
        for k in oldCodes.indices where oldCodes[k] != .max { add(oldCodes[k], oldRules[k], oldCounts[k]) }
    }

    var dictionary: [PatternKey: Double] {
        var out: [PatternKey: Double] = [:]
        out.reserveCapacity(used)
        for k in codes.indices where codes[k] != .max { out[PatternKey(code: codes[k], rules: rules[k])] = counts[k] }
        return out
    }
}

/// One agreement pattern's score before the per-pair adjustments: the log-odds of its fixed weights, the fields whose
/// exact agreement is adjusted by the value's frequency (bit f), the joint name adjustment (NaN when none), and the
/// free-text fields of which only the strongest agreement counts (`group`, those exact in `groupExact`).
struct PatternScore {
    var odds: Double
    var exactTF: UInt32
    /// Name fields agreeing at the level below exact, adjusted by the more common of the two values.
    var partialTF: UInt32
    var jointNames: Double
    var group: UInt32
    var groupExact: UInt32
}

/// A buffer that several tasks fill at once, each its own part, and that is read afterwards. Arrays made in parts
/// and then joined touched each page of memory twice, and a page's first touch is dear on a virtual machine.
final class Slab<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int
    /// Elements in use, from `base` on (set by the one filling it, before it is shared for reading).
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: max(capacity, 1))
    }

    convenience init(_ elements: [Element]) {
        self.init(capacity: elements.count)
        elements.withUnsafeBufferPointer { if let from = $0.baseAddress { base.initialize(from: from, count: $0.count) } }
        count = elements.count
    }

    deinit { base.deallocate() }

    @inline(__always) subscript(i: Int) -> Element { base[i] }
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}

/// Blocking keys of one side record by record: rule r's key for record i at i * rules + r. A pair's keys under every
/// rule then lie together, in one or two cache lines, where one array per rule cost a miss per rule and side.
struct KeyRows: Sendable {
    let rules: Int
    let keys: Slab<UInt64>

    /// Records.
    var count: Int { rules == 0 ? 0 : keys.count / rules }

    @inline(__always) subscript(i: Int, r: Int) -> UInt64 { keys[i * rules + r] }
}

/// One rule's blocks: the records of each block small enough to use, in key order, and the left records in them.
struct RuleBlocks: Sendable {
    /// Records of the usable blocks, block after block (top bit set for the right side).
    let refs: [UInt32]
    /// Where each usable block ends in `refs`.
    let ends: [Int]
    let usedLeft: [UInt32]
    /// The pairs of the usable blocks, before leaving out those of earlier rules.
    let pairBound: Int

    init(rule r: Int, left: KeyRows, right: KeyRows?, maxPairs: Int) {
        var entries: [(key: UInt64, ref: UInt32)] = []     // ref: record index, top bit set for the right side
        entries.reserveCapacity(left.count + (right?.count ?? 0))
        for i in 0..<left.count { let k = left[i, r]; if k != 0 { entries.append((k, UInt32(i))) } }
        if let right { for j in 0..<right.count { let k = right[j, r]; if k != 0 { entries.append((k, UInt32(j) | 0x8000_0000)) } } }
        // Entries are made in order of ref (left, then right with the top bit): a stable sort by key puts them in (key,
        // ref) order. A radix sort, sixteen bits a pass: a comparison sort of each rule's 1.8 million entries at a million
        // records was the largest part of blocking.
        Self.radixSortByKey(&entries)
        var refs: [UInt32] = [], ends: [Int] = [], usedLeft: [UInt32] = []
        var bound = 0
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].key == entries[start].key { end += 1 }
            var ls = 0
            for e in start..<end where entries[e].ref & 0x8000_0000 == 0 { ls += 1 }
            let rs = end - start - ls
            let n = right == nil ? ls * (ls - 1) / 2 : ls * rs
            if n > 0 && n <= maxPairs {
                bound += n
                for e in start..<end {
                    refs.append(entries[e].ref)
                    if entries[e].ref & 0x8000_0000 == 0 { usedLeft.append(entries[e].ref) }
                }
                ends.append(refs.count)
            }
            start = end
        }
        self.refs = refs; self.ends = ends; self.usedLeft = usedLeft; pairBound = bound
    }

    /// A stable least-significant-digit radix sort of `entries` by key.
    static func radixSortByKey(_ entries: inout [(key: UInt64, ref: UInt32)]) {
        let n = entries.count
        guard n > 1 else { return }
        // A few entries: the counts would cost more than the sort.
        if n < 4096 { entries.sort { $0.key < $1.key || ($0.key == $1.key && $0.ref < $1.ref) }; return }
        var other = entries
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            for k in counts.indices { counts[k] = 0 }
            entries.withUnsafeBufferPointer { from in
                for e in from { counts[Int((e.key >> shift) & 0xFFFF)] += 1 }
            }
            // Every key with one digit here: this pass would move nothing.
            if counts.contains(n) { continue }
            var total = 0
            for k in counts.indices { let c = counts[k]; counts[k] = total; total += c }
            entries.withUnsafeBufferPointer { from in
                other.withUnsafeMutableBufferPointer { to in
                    for e in from {
                        let d = Int((e.key >> shift) & 0xFFFF)
                        to[counts[d]] = e
                        counts[d] += 1
                    }
                }
            }
            swap(&entries, &other)
        }
    }

    /// This rule's pairs that no earlier rule found (no earlier rule whose block held the left record gives both
    /// records one key), written from `out` on (room for `pairBound`); returns how many.
    func pairs(rule r: Int, dedup: Bool, left: KeyRows, right: KeyRows, used: [UInt64], words: Int, into out: UnsafeMutablePointer<UInt64>) -> Int {
        var written = 0
        let n = left.rules
        let lk = left.keys.base, rk = right.keys.base
        used.withUnsafeBufferPointer { used in
            // The earlier rules whose blocks held record i: whole words before rule r's, then the bits below r.
            @inline(__always) func seenEarlier(_ i: Int, _ j: Int) -> Bool {
                for w in 0...(r / 64) {
                    var rules = used[i * words + w] & (w < r / 64 ? ~0 : (1 << UInt64(r % 64)) - 1)
                    while rules != 0 {
                        let e = w * 64 + rules.trailingZeroBitCount
                        let k = lk[i * n + e]
                        if k != 0 && k == rk[j * n + e] { return true }
                        rules &= rules - 1
                    }
                }
                return false
            }
            var ls: [Int] = [], rs: [Int] = []
            var start = 0
            for end in ends {
                ls.removeAll(keepingCapacity: true); rs.removeAll(keepingCapacity: true)
                for e in start..<end {
                    let ref = refs[e]
                    if ref & 0x8000_0000 != 0 { rs.append(Int(ref & 0x7FFF_FFFF)) } else { ls.append(Int(ref)) }
                }
                start = end
                if dedup {
                    for x in 0..<ls.count {
                        for y in (x + 1)..<ls.count {
                            let i = min(ls[x], ls[y]), j = max(ls[x], ls[y])
                            if !seenEarlier(i, j) { out[written] = UInt64(i) << 32 | UInt64(j); written += 1 }
                        }
                    }
                } else {
                    for i in ls { for j in rs where !seenEarlier(i, j) { out[written] = UInt64(i) << 32 | UInt64(j); written += 1 } }
                }
            }
        }
        return written
    }
}

/// Blocking keys of both sides, which rules' blocks held each left record (bit r for rule r), and where each rule's
/// pairs end among the candidates.
struct KeyTables: Sendable {
    let left: KeyRows
    let right: KeyRows
    let used: Slab<UInt64>
    let ruleEnds: Slab<Int>

    /// `used` as `candidatePairs` gives it: one or more words per left record (rules 0–63 in the first).
    init(left: KeyRows, right: KeyRows, used: [UInt64], ruleEnds: [Int]) {
        self.left = left; self.right = right; self.used = Slab(used); self.ruleEnds = Slab(ruleEnds)
    }

    /// The tables as plain pointers for one thread's loop (valid while these tables are alive).
    var reader: Reader {
        Reader(left: left.keys.base, right: right.keys.base, used: used.base, words: max(1, (left.rules + 63) / 64), rules: left.rules,
               ruleEnds: ruleEnds.buffer)
    }

    struct Reader {
        let left: UnsafeMutablePointer<UInt64>
        let right: UnsafeMutablePointer<UInt64>
        let used: UnsafeMutablePointer<UInt64>
        let words: Int
        let rules: Int
        let ruleEnds: UnsafeBufferPointer<Int>

        /// Bit r set when the pair shares rule r's key in a block that rule used. Training follows the first 64 rules
        /// (`Blocking.rules` makes more only with a dozen date, number and text fields). The rule that found the pair
        /// is one; no earlier rule is (else that rule would have found it).
        @inline(__always)
        func rulesShared(_ i: Int, _ j: Int, foundBy r: Int) -> UInt64 {
            guard r < 64 else { return 0 }
            var mask: UInt64 = 1 << UInt64(r)
            var later = used[i * words] & ~((mask << 1) &- 1)
            guard later != 0 else { return mask }
            let lk = left + i * rules, rk = right + j * rules
            while later != 0 {
                let e = later.trailingZeroBitCount
                if lk[e] != 0 && lk[e] == rk[e] { mask |= 1 << UInt64(e) }
                later &= later - 1
            }
            return mask
        }
    }
}

/// Results of `Parallel.chunks`, one slot per chunk.
private final class ChunkSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    private var next = 0
    init(_ count: Int) { slots = Array(repeating: nil, count: count) }
    /// The next chunk not yet taken.
    func claim() -> Int { lock.lock(); defer { lock.unlock() }; next += 1; return next - 1 }
    func set(_ k: Int, _ value: T) { lock.lock(); slots[k] = value; lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}

/// One thread's share of `Parallel.onThreads`, passed to the thread it runs on.
private final class ThreadWork: @unchecked Sendable {
    let body: @Sendable (Int) -> Void
    let index: Int
    init(body: @escaping @Sendable (Int) -> Void, index: Int) { self.body = body; self.index = index }
}

/// A chunk's work handed to other threads by `Parallel.chunks`, which waits for it to finish.
private struct UncheckedWork<T>: @unchecked Sendable { let run: (Int) -> T }
