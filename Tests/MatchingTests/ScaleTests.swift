import Foundation
@testable import Matching
import Testing

/// The work saved at a million records must not change a single result: the records' rows and the memo of compared
/// values, the candidate pairs generated rule by rule in parallel, and the rules shared by a pair.
@Suite struct ScaleTests {
    private let spec = [FieldSpec(column: "nama_lengkap", kind: .name), FieldSpec(column: "tanggal_lahir", kind: .date),
                        FieldSpec(column: "jenis_kelamin", kind: .category), FieldSpec(column: "no_paspor", kind: .id),
                        FieldSpec(column: "perusahaan", kind: .text), FieldSpec(column: "alamat", kind: .text)]

    /// Few names and employers (they repeat, as on an agency's list), a passport each, addresses half shared.
    private func list(_ n: Int, seed: UInt64, id: String) -> Dataset {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let names = ["WANG WEI", "WANG WEI MING", "NGUYEN VAN AN", "NGUYEN VAN ANH", "KIM MIN JUN", "SMITH JOHN", "SMYTH JON", "LI NA", "", "TANAKA HIRO",
                     // Read alike through the romanisation table, spelt apart: HUI and XU share a reading, not a spelling.
                     "XU HUI", "XU XU", "XU HUY", "WONG LEE", "WANG LI", "VONG LEE"]
        let firms = ["PT MAJU JAYA", "PT. MAJU JAYA TBK", "CV SINAR TERANG", "PT SINAR TERANG ABADI", "", "PT BINTANG TIMUR"]
        let data = Dataset(fields: spec)
        for k in 0..<n {
            let date = k % 11 == 0 ? "" : "19\(70 + Int(rng.next() % 20))-0\(1 + Int(rng.next() % 9))-1\(Int(rng.next() % 9))"
            let street = k % 2 == 0 ? "JL. MERDEKA NO. \(rng.next() % 40)" : "JL. \(pick(["SUDIRMAN", "THAMRIN", "GATOT SUBROTO"])) NO. \(rng.next() % 400) RT 00\(rng.next() % 9)"
            data.append(id: "\(id)\(k)", values: [pick(names), date, pick(["M", "F", ""]), "X\(rng.next() % 100_000_000)", pick(firms), street])
        }
        return data
    }

    /// Missing values, dates and categories read from the rows, the other fields through the memo: the levels of
    /// comparing column by column, every field, every pair.
    @Test func theRowsAndTheMemoGiveTheLevelsOfDirectComparison() {
        let left = list(300, seed: 1, id: "L"), right = list(200, seed: 2, id: "R")
        let memo = ComparisonMemo(fields: spec.count, pairs: 2 * 300 * 200)
        var compared = 0
        let lr = left.rows, rr = right.rows
        ColumnView.withRaw(left.views) { lv in
            ColumnView.withRaw(right.views) { rv in
                // Every pair twice, in the order a block gives them: more than two windows of look-ups per field. After
                // the first pass, names (few values) are looked up and passport numbers (all different) are not.
                for pass in 0..<2 {
                    if pass == 1 {
                        let names = memo.isRemembering(0), passports = memo.isRemembering(3)
                        #expect(names, "names repeat: looked up")
                        #expect(!passports, "passport numbers never repeat: compared directly")
                    }
                    for i in 0..<left.count {
                        for j in 0..<right.count {
                            let remembered = lr.words.withUnsafeBufferPointer { x in rr.words.withUnsafeBufferPointer { y in
                                Pattern.encode(lv, i, x.baseAddress! + i * lr.stride, rv, j, y.baseAddress! + j * rr.stride, memo: memo)
                            } }
                            #expect(remembered == Pattern.encode(lv, i, rv, j), "pair \(i), \(j)")
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(compared > 4 * ComparisonMemo.window)
    }

    /// Each candidate pair once, under the first rule whose usable block holds both records; every pair sharing a
    /// usable block is a candidate; the rules' counts add up. Checked against every pair of the two lists.
    @Test(arguments: [false, true])
    func candidatesAreEveryBlockedPairOnceUnderItsFirstRule(dedup: Bool) async {
        let left = list(400, seed: 3, id: "L"), right = dedup ? left : list(300, seed: 4, id: "R")
        let found = await checkCandidates(spec, left, right, dedup: dedup, maxPairs: 150)   // some blocks too large
        #expect(found.filter { $0 > 0 }.count >= 3, "the fixture exercises several rules")
    }

    /// Two names, five dates and five numbers make 70 rules: past the 64 of one word of flags per record.
    @Test(arguments: [false, true])
    func moreThanSixtyFourRulesStillGiveEachPairOnce(dedup: Bool) async {
        let wide = [FieldSpec(column: "given_name", kind: .name), FieldSpec(column: "surname", kind: .name)]
            + (1...5).map { FieldSpec(column: "d\($0)", kind: .date) } + (1...5).map { FieldSpec(column: "x\($0)", kind: .number) }
        #expect(Blocking.rules(for: wide).count > 64)
        func records(_ n: Int, seed: UInt64, id: String) -> Dataset {
            var rng = SplitMix64(seed: seed)
            let data = Dataset(fields: wide)
            for k in 0..<n {
                // Every name different, the dates and numbers from a few values (blank now and then).
                var values = ["G\(id)\(k)", "S\(id)\(k)"]
                values += (0..<5).map { _ in rng.next() % 4 == 0 ? "" : "1980-01-0\(1 + rng.next() % 3)" }
                values += (0..<5).map { _ in rng.next() % 4 == 0 ? "" : "\(rng.next() % 3)" }
                data.append(id: "\(id)\(k)", values: values)
            }
            return data
        }
        let left = records(120, seed: 5, id: "L"), right = dedup ? left : records(100, seed: 6, id: "R")
        let found = await checkCandidates(wide, left, right, dedup: dedup, maxPairs: 400)
        #expect(found[64...].reduce(0, +) > 0, "rules past the 64th find pairs")
    }

    /// A rule's own bound on a block's pairs holds below the run's: the family name's sound with the birth month makes
    /// one block of every W520 (WANG, WENG, WONG …) born in March 1985, compared at 81 pairs and not at 121.
    @Test func aRulesOwnBoundIsKept() async {
        let two = [FieldSpec(column: "family_name", kind: .name), FieldSpec(column: "given_names", kind: .name), FieldSpec(column: "date_of_birth", kind: .date)]
        let families = ["WANG", "WENG", "WONG", "WUNG", "WING", "WAANG", "WEENG", "WOONG", "WUUNG", "WIING", "WAENG"]
        let givens = ["BOR", "DAK", "FEM", "KIL", "LUP", "MAS", "NIT", "POR", "RUK", "SEB", "TAV"]
        func list(_ n: Int, id: String, firstDay: Int) -> Dataset {
            let d = Dataset(fields: two)
            for k in 0..<n { d.append(id: "\(id)\(k)", values: [families[k], givens[(k * 7 + firstDay) % givens.count], "1985-03-\(firstDay + k)"]) }
            return d
        }
        let rule = try! #require(Blocking.rules(for: two).firstIndex { $0.name == "family_name sound + date_of_birth month" })
        #expect(Blocking.rules(for: two)[rule].maxPairs == 100)
        let small = await checkCandidates(two, list(9, id: "L", firstDay: 1), list(9, id: "R", firstDay: 15), dedup: false, maxPairs: 400)
        #expect(small[rule] > 0)
        let large = await checkCandidates(two, list(11, id: "L", firstDay: 1), list(11, id: "R", firstDay: 15), dedup: false, maxPairs: 400)
        #expect(large[rule] == 0)
    }

    /// Every chunk's result, in order, from work lent for the call only: a thread that kept the work after the call
    /// (a Foundation `Thread` holds its block until it is freed) made `withoutActuallyEscaping` trap in two runs of three
    /// on the Timpora sample. Many small calls, as a run makes them, on both cores and on one.
    @Test func chunksLendTheirWorkForTheCallOnly() {
        for round in 0..<2_000 {
            let width = 1 + round % 3, chunks = 1 + round % 7
            let values = Parallel.chunks(chunks, width: width) { c in c * c + round }
            #expect(values == (0..<chunks).map { $0 * $0 + round })
        }
        // Each thread's share once, on as many threads as asked, the caller's among them.
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: 5)
        hits.initialize(repeating: 0)
        defer { hits.deallocate() }
        let counts = UncheckedBuffer(hits)
        Parallel.onThreads(5) { t in counts.buffer[t] += 1 }
        #expect(Array(hits) == [1, 1, 1, 1, 1])
    }

    /// A key that records sharing a document seldom share is compared in its small blocks only; one they share is
    /// kept whole. Addresses written differently on either side for everyone, employers the same: the address's key
    /// is rare, the employer's is not.
    @Test func keysThatOnePersonsRecordsSeldomShareKeepTheirSmallBlocksOnly() async {
        func list(_ id: String, address: (Int) -> String) -> Dataset {
            let data = Dataset(fields: spec)
            for k in 0..<1_200 {
                data.append(id: "\(id)\(k)", values: ["NAME\(k) WANG", "1980-0\(1 + k % 9)-1\(k % 10)", "M", "P\(100_000 + k)", "PT FIRM \(k % 3)", address(k)])
            }
            return data
        }
        let left = list("L") { k in "MESS \(k % 2) NO \(k)" }, right = list("R") { k in "JL RAYA \(k % 5) NO \(k)" }
        let rules = Blocking.rules(for: spec)
        let lk = await Matcher.keys(rules, left, 2), rk = await Matcher.keys(rules, right, 2)
        let rare = await Matcher.rareKeys(rules, left: lk, right: rk, width: 2).map { rules[$0.rule].name }
        #expect(rare.contains { $0.contains("alamat") })
        #expect(!rare.contains { $0.contains("perusahaan") && !$0.contains("alamat") }, "\(rare)")
        #expect(!rare.contains { $0 == "no_paspor" })
        // The right file in another order: its records are found by their documents, not by their places.
        let shuffled = Dataset(fields: spec)
        for k in (0..<1_200).reversed() {
            shuffled.append(id: "S\(k)", values: ["NAME\(k) WANG", "1980-0\(1 + k % 9)-1\(k % 10)", "M", "P\(100_000 + k)", "PT FIRM \(k % 3)", "JL RAYA \(k % 5) NO \(k)"])
        }
        let sk = await Matcher.keys(rules, shuffled, 2)
        #expect(await Matcher.rareKeys(rules, left: lk, right: sk, width: 2).map { rules[$0.rule].name } == rare)
        // One file naming each person twice (deduplication): the same keys are rare.
        let twice = Dataset(fields: spec)
        for k in 0..<1_200 {
            let p = k % 600     // the person
            twice.append(id: "T\(k)", values: ["NAME\(p) WANG", "1980-0\(1 + p % 9)-1\(p % 10)", "M", "P\(100_000 + p)", "PT FIRM \(p % 3)",
                                                 k < 600 ? "MESS \(k % 2) NO \(k)" : "JL RAYA \(k % 5) NO \(k)"])
        }
        let tk = await Matcher.keys(rules, twice, 2)
        let rareInOne = await Matcher.rareKeys(rules, left: tk, right: nil, width: 2).map { rules[$0.rule].name }
        #expect(rareInOne.contains { $0.contains("alamat") } && !rareInOne.contains { $0.contains("perusahaan") && !$0.contains("alamat") }, "\(rareInOne)")
        // Without 500 records sharing a document, nothing is judged rare.
        let few = list("F") { k in "MESS \(k % 2) NO \(k)" }
        let fk = await Matcher.keys(rules, few, 2)
        let unsure = Dataset(fields: spec)
        for k in 0..<400 { unsure.append(id: "U\(k)", values: ["NAME\(k) WANG", "", "M", "P\(100_000 + k)", "PT FIRM 1", "JL RAYA NO \(k)"]) }
        let uk = await Matcher.keys(rules, unsure, 2)
        #expect(await Matcher.rareKeys(rules, left: fk, right: uk, width: 2).isEmpty)
    }

    /// A run compares a rare key's blocks of up to 200 pairs only: thirty people on each side share one address and their
    /// first name's sound, nothing else (a block of 900 pairs under the address's keys, within the run's bound of 2,000),
    /// and the run's candidates are those of the rare keys' lowered bounds, not of the rules' own.
    @Test func aRunComparesARareKeysSmallBlocksOnly() async {
        func list(_ id: String, address: (Int) -> String) -> Dataset {
            let data = Dataset(fields: spec)
            for k in 0..<1_200 {
                data.append(id: "\(id)\(k)", values: ["NAME\(k) WANG", "1980-0\(1 + k % 9)-1\(k % 10)", "M", "P\(100_000 + k)", "PT FIRM \(k % 3)", address(k)])
            }
            for k in 0..<30 {
                data.append(id: "\(id)B\(k)", values: ["BLOCK\(k) \(id == "L" ? "LEE" : "PARK")", "", "", "", "", "BLOK SAMA NO 1"])
            }
            return data
        }
        let left = list("L") { k in "MESS \(k % 2) NO \(k)" }, right = list("R") { k in "JL RAYA \(k % 5) NO \(k)" }
        let rules = Blocking.rules(for: spec)
        let lk = await Matcher.keys(rules, left, 2), rk = await Matcher.keys(rules, right, 2)
        let rare = await Matcher.rareKeys(rules, left: lk, right: rk, width: 2)
        #expect(!rare.isEmpty)
        var options = MatchOptions()
        options.concurrency = 2
        let own = rules.map(\.maxPairs)
        var lowered = own
        for r in rare { lowered[r.rule] = min(lowered[r.rule] ?? Matcher.rareKeyPairs, Matcher.rareKeyPairs) }
        let withOwn = await Matcher.candidatePairs(rules: own, left: lk, right: rk, options: options).pairs.count
        let withLowered = await Matcher.candidatePairs(rules: lowered, left: lk, right: rk, options: options).pairs.count
        #expect(withOwn - withLowered >= 900, "the shared address's block: \(withOwn) against \(withLowered)")
        let result = await Matcher.run(left: left, right: right, options: options)
        #expect(result.candidatePairs == withLowered)
    }

    /// Runs `Matcher.candidatePairs` and checks it against every pair of the two lists; returns each rule's count.
    private func checkCandidates(_ spec: [FieldSpec], _ left: Dataset, _ right: Dataset, dedup: Bool, maxPairs: Int) async -> [Int] {
        let rules = Blocking.rules(for: spec)
        var options = MatchOptions()
        options.maxPairsPerBlock = maxPairs
        let lk = await Matcher.keys(rules, left, 2), rk = dedup ? lk : await Matcher.keys(rules, right, 2)
        let (pairs, found, used) = await Matcher.candidatePairs(rules: rules.map(\.maxPairs), left: lk, right: dedup ? nil : rk, options: options)

        // The reference: block sizes by counting keys, then every pair of the two lists.
        var usable: [Set<UInt64>] = []
        for r in rules.indices {
            var ls: [UInt64: Int] = [:], rs: [UInt64: Int] = [:]
            for i in 0..<left.count where lk[i, r] != 0 { ls[lk[i, r], default: 0] += 1 }
            for j in 0..<right.count where rk[j, r] != 0 { rs[rk[j, r], default: 0] += 1 }
            usable.append(Set(ls.keys.filter { k in
                let n = dedup ? ls[k]! * (ls[k]! - 1) / 2 : ls[k]! * (rs[k] ?? 0)
                return n > 0 && n <= min(maxPairs, rules[r].maxPairs ?? maxPairs)
            }))
        }
        var expected: [UInt64: Int] = [:]
        for i in 0..<left.count {
            for j in (dedup ? i + 1 : 0)..<right.count {
                if let r = rules.indices.first(where: { lk[i, $0] != 0 && lk[i, $0] == rk[j, $0] && usable[$0].contains(lk[i, $0]) }) {
                    expected[UInt64(i) << 32 | UInt64(j)] = r
                }
            }
        }
        #expect(found.reduce(0, +) == pairs.count)
        #expect(pairs.count == expected.count)
        #expect(Set(pairs.buffer).count == pairs.count, "no pair twice")
        var k = 0
        for (r, n) in found.enumerated() {
            for pair in pairs.buffer[k..<(k + n)] { #expect(expected[pair] == r) }
            k += n
        }

        // The rules a pair shares (the first 64, which training follows), from the rule that found it on: as counted
        // over every rule.
        var ends: [Int] = []
        for n in found { ends.append((ends.last ?? 0) + n) }
        let tables = KeyTables(left: lk, right: rk, used: used, ruleEnds: ends)
        var rule = 0
        for (k, pair) in pairs.buffer.enumerated() {
            while k >= ends[rule] { rule += 1 }
            let i = Int(pair >> 32), j = Int(pair & 0xFFFF_FFFF)
            var every: UInt64 = 0
            for e in rules.indices where e < 64 && rule < 64 && lk[i, e] != 0 && lk[i, e] == rk[j, e] && usable[e].contains(lk[i, e]) {
                every |= 1 << UInt64(e)
            }
            #expect(tables.reader.rulesShared(i, j, foundBy: rule) == every)
        }
        return found
    }

    /// One name field: the sounds of every word with the birth month. A mistyped day and a misspelling that keeps
    /// the sound share it; a namesake who shares only the family name and the month does not.
    @Test func oneNameFieldBlocksOnEveryWordsSoundWithTheMonth() {
        let rules = Blocking.rules(for: spec)
        let rule = try! #require(rules.first { $0.name == "nama_lengkap sounds + tanggal_lahir month" })
        func key(_ name: String, _ date: String) -> UInt64? {
            let d = Dataset(fields: spec)
            d.append(id: "x", values: [name, date, "M", "", "", ""])
            let k = rule.key(d, 0)
            return k == 0 ? nil : k
        }
        #expect(key("NGUYEN VAN ANH", "1985-03-14") == key("NGUYEN VAN AN", "1985-03-17"))
        #expect(key("NGUYEN VAN ANH", "1985-03-14") == key("VAN ANH NGUYEN", "1985-03-02"), "word order")
        #expect(key("NGUYEN VAN ANH", "1985-03-14") != key("NGUYEN THI MAI", "1985-03-14"))
        #expect(key("NGUYEN VAN ANH", "1985-03-14") != key("NGUYEN VAN ANH", "1985-04-14"))
        #expect(key("NGUYEN VAN ANH", "") == nil)
    }
}

/// A buffer written by several threads at once, each its own elements (for the tests).
private struct UncheckedBuffer: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<Int>; init(_ b: UnsafeMutableBufferPointer<Int>) { buffer = b } }
