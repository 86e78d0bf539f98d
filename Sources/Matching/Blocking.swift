/// Blocking: several keys per record, so that a typo in one field does not lose a pair. A pair is
/// compared once, under the first rule it shares a key in; blocks larger than the bound are skipped
/// for that rule (the other rules still find their pairs), which bounds the number of comparisons.
struct BlockingRule: Sendable {
    let name: String
    /// The fields the key is made of: pairs found by this rule agree on them by construction, so they
    /// say nothing about those fields' m-probabilities when the model is trained on this rule's pairs.
    let fields: Set<Int>
    /// A record's key, hashed (`KeyHash`); 0 when the record has none for this rule. Records share a block when
    /// their keys are equal. Built without strings: a million records take every rule's key.
    let key: @Sendable (Dataset, Int) -> UInt64
    /// A bound on a block's pairs below the run's (`MatchOptions.maxPairsPerBlock`), for a key made of values common
    /// enough that only its smaller blocks are worth comparing; nil: the run's.
    let maxPairs: Int?
    /// A document number as written: two records sharing one are almost always one person, and the pairs this rule
    /// finds in blocks of one pair tell how often one person's records share each other rule's key (`Matcher.rareKeys`).
    let sure: Bool

    init(name: String, fields: Set<Int>, maxPairs: Int? = nil, sure: Bool = false, key: @escaping @Sendable (Dataset, Int) -> UInt64) {
        self.name = name
        self.fields = fields
        self.maxPairs = maxPairs
        self.sure = sure
        self.key = key
    }
}

/// A blocking key as it is built: FNV-1a over its parts, each part closed by a separator so that parts never run
/// into each other ("AB"+"C" is not "A"+"BC").
struct KeyHash {
    private var h = Packed<UInt8>.seed

    /// `bytes` (UTF-8), or their first `prefix` characters. Characters, not bytes: a folded value keeps non-Latin scripts (Han, Hangul:
    /// three bytes a character), and cutting those by bytes would make keys of two or three characters. ASCII is cut
    /// as bytes, which is the same.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, prefix: Int) {
        if prefix >= bytes.count || !bytes.prefix(prefix).contains(where: { $0 >= 0x80 }) {
            add(UnsafeBufferPointer(rebasing: bytes.prefix(prefix)))
        } else {
            var cut = String(String(decoding: bytes, as: UTF8.self).prefix(prefix))
            cut.withUTF8 { add($0) }
        }
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        h = Packed<UInt8>.fnv(h, bytes)
        h = (h ^ 0x1F) &* 0x100_0000_01b3
    }

    mutating func add<I: FixedWidthInteger>(_ v: I) { h = Packed<UInt8>.fnv(h, UInt64(truncatingIfNeeded: v)) }

    /// Sorted sounds (`Similarity.soundexCode`) of `tokens`: order-insensitive.
    mutating func addSounds(_ tokens: some Collection<String>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: tokens.count) { buffer in
            for (k, t) in tokens.enumerated() { buffer[k] = Similarity.soundexCode(t) }
            addSorted(buffer)
        }
    }

    /// `codes` sorted, each added: sounds in any order give the same key.
    mutating func addSorted(_ codes: UnsafeMutableBufferPointer<UInt32>) {
        var codes = codes
        codes.sort()
        for c in codes { add(c) }
    }

    /// The key: never 0, which means "no key".
    var value: UInt64 { h == 0 ? 1 : h }
}

/// The sound (`Similarity.soundexCode`) of every word of every name field of every record, made once for the
/// blocking keys: a dozen keys read the sounds of a record's words, and taking them from the words each time (a
/// string per word, reference counting on every access) was most of the blocking's time at a million records.
/// `Matcher.keys` makes them for its run and drops them after (`Dataset.soundsForKeys`).
final class NameSounds: @unchecked Sendable {
    /// The name fields, in field order, and each field's place among them (-1: not a name).
    let names: [Int]
    private let ordinal: [Int]
    /// Where record i's sounds of name k begin: `starts[i * names.count + k]`; they end where the next begin.
    private let starts: [Int32]
    private let codes: UnsafeMutableBufferPointer<UInt32>

    init(_ data: Dataset, concurrency: Int = 1) {
        let fields = data.fields.indices.filter { data.fields[$0].kind == .name }
        let count = data.count, width = fields.count
        var starts = [Int32](repeating: 0, count: count * width + 1)
        var total = 0
        for i in 0..<count {
            for (k, f) in fields.enumerated() { starts[i * width + k] = Int32(total); total += data.columns[f].tokens[i].count }
        }
        starts[count * width] = Int32(total)
        let out = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(total, 1))
        let chunks = max(1, min(concurrency * 4, count / 10_000 + 1)), size = (count + chunks - 1) / chunks
        let columns = data.columns
        _ = starts.withUnsafeBufferPointer { starts in
            Parallel.chunks(chunks, width: concurrency) { c in
                for i in min(count, c * size)..<min(count, (c + 1) * size) {
                    for (k, f) in fields.enumerated() {
                        var at = Int(starts[i * width + k])
                        for t in columns[f].tokens[i] { out[at] = Similarity.soundexCode(t); at += 1 }
                    }
                }
            }
        }
        names = fields
        ordinal = data.fields.indices.map { f in fields.firstIndex(of: f) ?? -1 }
        self.starts = starts
        codes = out
    }

    deinit { codes.deallocate() }

    /// Record i's sounds of name field f, or of every name field (f nil), lent to `body`.
    @inline(__always)
    private func sounds<R>(_ i: Int, field f: Int? = nil, _ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        let width = names.count
        let lo = f.map { i * width + ordinal[$0] } ?? i * width, hi = f.map { _ in lo + 1 } ?? (i + 1) * width
        return body(UnsafeBufferPointer(rebasing: codes[Int(starts[lo])..<Int(starts[hi])]))
    }

    /// The sound of name field f's first word; nil for a record without one.
    func first(_ f: Int, _ i: Int) -> UInt32? {
        let k = i * names.count + ordinal[f]
        return starts[k] < starts[k + 1] ? codes[Int(starts[k])] : nil
    }

    /// Adds the sorted sounds of record i's words (of name field f, or of every name field) to `h`; their number.
    func add(_ i: Int, field f: Int? = nil, to h: inout KeyHash) -> Int {
        sounds(i, field: f) { all in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: all.count) { buffer in
                _ = buffer.initialize(fromContentsOf: all)
                h.addSorted(buffer)
                return all.count
            }
        }
    }

    /// Adds the sorted sounds of each name field's first word to `h`; their number.
    func addFirsts(_ i: Int, to h: inout KeyHash) -> Int {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: names.count) { buffer in
            var n = 0
            for f in names { if let c = first(f, i) { buffer[n] = c; n += 1 } }
            h.addSorted(UnsafeMutableBufferPointer(rebasing: buffer[..<n]))
            return n
        }
    }

    /// The lowest or the highest sound of record i's words; nil for a record without any.
    func extreme(_ i: Int, highest: Bool) -> UInt32? {
        sounds(i) { highest ? $0.max() : $0.min() }
    }
}

enum Blocking {
    static func rules(for fields: [FieldSpec]) -> [BlockingRule] {
        var rules: [BlockingRule] = []
        let names = fields.indices.filter { fields[$0].kind == .name }
        let dates = fields.indices.filter { fields[$0].kind == .date }
        let ids = fields.indices.filter { fields[$0].kind == .id }
        let others = fields.indices.filter { fields[$0].kind == .number || fields[$0].kind == .text }
        let categories = fields.indices.filter { fields[$0].kind == .category }

        @Sendable func allNameTokens(_ d: Dataset, _ i: Int) -> [String] {
            names.count == 1 ? d.columns[names[0]].tokens[i] : names.flatMap { d.columns[$0].tokens[i] }
        }
        /// A YYYYMMDD date with day and month in order of size, so a swapped date keeps its key.
        @Sendable func daySorted(_ v: Int32) -> Int32 {
            let m = (v / 100) % 100, day = v % 100
            return v / 10000 * 10000 + min(m, day) * 100 + max(m, day)
        }
        @Sendable func key(_ build: (inout KeyHash) -> Bool) -> UInt64 {
            var h = KeyHash()
            return build(&h) ? h.value : 0
        }

        for f in ids {
            rules.append(BlockingRule(name: "\(fields[f].column)", fields: [f], sure: true) { d, i in
                d.columns[f].joinedBytes.withValue(i) { v in key { h in h.add(v); return !v.isEmpty } }
            })
        }
        for f in ids {
            // The same characters, those between the first and the last in another order: two transposed
            // digits, a typing slip the exact key misses (4137877 / 4137787). The ends kept in place keep
            // the blocks small in large files, where many numbers share their digits.
            rules.append(BlockingRule(name: "\(fields[f].column) characters", fields: []) { d, i in
                d.columns[f].joinedBytes.withValue(i) { bytes in
                    guard bytes.count >= 5 else { return 0 }
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { sorted in
                        _ = sorted.initialize(from: bytes)
                        sorted[1..<(bytes.count - 1)].sort()
                        return key { h in h.add(UnsafeBufferPointer(sorted)); return true }
                    }
                }
            })
        }
        if ids.count > 1 {
            // Any document of one record among the other's, whatever its column: a list writes the permit's number in the
            // passport's column, or both in one cell (with two id columns or more). Of a record's numbers the one whose key is lowest, and the one whose
            // key is highest: a record with one number meets a record with two on either. (A record of one number keys on
            // it twice, in blocks the exact key has found already.)
            for highest in [false, true] {
                rules.append(BlockingRule(name: "a document, \(highest ? "highest" : "lowest") key", fields: []) { d, i in
                    var chosen: UInt64 = 0
                    for f in ids {
                        d.columns[f].forEachDocument(i) { n in
                            let k = key { h in h.add(n); return true }
                            if chosen == 0 || (highest ? k > chosen : k < chosen) { chosen = k }
                        }
                    }
                    return chosen
                })
            }
        }
        if !names.isEmpty {
            for f in ids {
                // Each half of the document number with the sounds of the names' first words: one character typed or
                // read wrong (E22198063 / E22198066) leaves one half whole, which the exact and the characters keys
                // miss; where the date is missing or mistyped too, and the names too common for their own keys' blocks,
                // nothing else finds the pair. The number's length is part of the key (a slip keeps it).
                for half in 0..<2 {
                    rules.append(BlockingRule(name: "\(fields[f].column) \(half == 0 ? "first" : "second") half + the names' sounds",
                                              fields: Set(names + [f])) { d, i in
                        let sounds = d.nameSounds
                        return d.columns[f].joinedBytes.withValue(i) { bytes in
                            guard bytes.count >= 6 else { return 0 }
                            let cut = (bytes.count + 1) / 2
                            let part = half == 0 ? UnsafeBufferPointer(rebasing: bytes[..<cut]) : UnsafeBufferPointer(rebasing: bytes[cut...])
                            return key { h in h.add(bytes.count); h.add(part); return sounds.addFirsts(i, to: &h) > 0 }
                        }
                    })
                }
            }
            rules.append(BlockingRule(name: "full name", fields: Set(names)) { d, i in
                // One name field keeps its tokens sorted and joined already (`keyBytes`).
                if names.count == 1 {
                    return d.columns[names[0]].keyBytes.withValue(i) { k in key { h in h.add(k); return !k.isEmpty } }
                }
                let t = allNameTokens(d, i)
                var k = t.sorted().joined(separator: " ")
                return k.withUTF8 { k in key { h in h.add(k); return !t.isEmpty } }
            })
        }
        if !names.isEmpty {
            // The letters of all the names, sorted: the words in any order and run together otherwise (WU KANG FENG,
            // KANGFENG WU), where no word's sound is the same on both sides. On the Timpora set, 1,170 true pairs no
            // other key found, most with neither date nor document on the list. Only blocks of up to 100 pairs: a common
            // name's letters are the full name's block (compared already) and other names of the same letters (LIU HAN,
            // LIN HUA); with the run's bound, 1.2 M more pairs at a million for F1 +0.0014.
            rules.append(BlockingRule(name: "name letters", fields: Set(names), maxPairs: 100) { d, i in
                // From the names' bytes as spelt (`JEONGJAY KIM` and `JEONG-JAY KIM`: the romanisation table reads the word
                // JEONG as JUNG, not the JEONG of JEONGJAY), spaces left out, on the stack: a key for every record of both files.
                @inline(__always) func spelt(_ f: Int) -> Packed<UInt8> {
                    d.columns[f].speltBytes.ends.isEmpty || d.columns[f].speltBytes.isEmpty(i) ? d.columns[f].joinedBytes : d.columns[f].speltBytes
                }
                let total = names.reduce(0) { n, f in n + spelt(f).withValue(i) { $0.count } }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { buffer in
                    var n = 0
                    for f in names { spelt(f).withValue(i) { for b in $0 where b != 0x20 { buffer[n] = b; n += 1 } } }
                    guard n >= 4 else { return 0 }
                    var letters = UnsafeMutableBufferPointer(rebasing: buffer[..<n])
                    letters.sort()
                    return key { h in h.add(UnsafeBufferPointer(letters)); return true }
                }
            })
        }
        for f in dates {
            // Day and month sorted, so a swapped date lands in the same block.
            // With the categories (sex, nationality): a date alone makes large blocks in big registries.
            rules.append(BlockingRule(name: "\(fields[f].column)", fields: Set([f] + categories.prefix(2))) { d, i in
                let v = d.columns[f].dates[i]
                if v == 0 { return 0 }
                return key { h in
                    h.add(daySorted(v))
                    for c in categories.prefix(2) { d.columns[c].joinedBytes.withValue(i) { h.add($0) } }
                    return true
                }
            })
        }
        if !names.isEmpty {
            // Sound of every name token, order-insensitive: survives swapped given/family names and spelling.
            rules.append(BlockingRule(name: "name sounds", fields: Set(names)) { d, i in
                let sounds = d.nameSounds
                return key { h in sounds.add(i, to: &h) >= 2 }
            })
        }
        if names.count >= 2 {
            // Sounds of the first token of each name field: survives dropped middle names, compound family
            // names and a spelling variant, when the date and the passport also disagree or are missing.
            @Sendable func firstSounds(_ d: Dataset, _ i: Int, _ h: inout KeyHash) -> Bool {
                d.nameSounds.addFirsts(i, to: &h) >= 2
            }
            rules.append(BlockingRule(name: "first name sounds", fields: Set(names)) { d, i in key { firstSounds(d, i, &$0) } })
            for g in dates {
                // The same with the birth year, for names too common to block on alone.
                rules.append(BlockingRule(name: "first name sounds + \(fields[g].column) year", fields: Set(names + [g])) { d, i in
                    let v = d.columns[g].dates[i]
                    return key { h in h.add(v / 10000); return v != 0 && firstSounds(d, i, &h) }
                })
            }
            for f in names {
                // One name field as written: survives a typo anywhere in the other name when the date is
                // missing or mistyped too (common values make blocks beyond the bound and are skipped).
                rules.append(BlockingRule(name: "\(fields[f].column)", fields: [f]) { d, i in
                    d.columns[f].keyBytes.withValue(i) { k in key { h in h.add(k); return !k.isEmpty } }
                })
            }
            for g in dates {
                // Sounds of every name token with the birth year: survives a mistyped day or month.
                rules.append(BlockingRule(name: "name sounds + \(fields[g].column) year", fields: Set(names + [g])) { d, i in
                    let v = d.columns[g].dates[i]
                    guard v != 0 else { return 0 }
                    let sounds = d.nameSounds
                    return key { h in let n = sounds.add(i, to: &h); h.add(v / 10000); return n > 0 }
                })
            }
            for f in names {
                for g in dates {
                    // The first word's sound of one name field with the birth date: survives a typo in every other
                    // name and a missing sex or nationality (which the date rule holds), where the names are too
                    // common to block on alone. On families-100k, 78 more true pairs for 4.6 % more candidates.
                    rules.append(BlockingRule(name: "\(fields[f].column) sound + \(fields[g].column)", fields: [f, g]) { d, i in
                        let v = d.columns[g].dates[i]
                        guard v != 0, let sound = d.nameSounds.first(f, i) else { return 0 }
                        return key { h in h.add(sound); h.add(daySorted(v)); return true }
                    })
                    // The same with the year and month: survives a day typed one off besides the slip in the other
                    // name. Only blocks of up to 100 pairs: a common name's sound born in one month is a block of
                    // namesakes (with the run's bound, 16 M more pairs on foreigners-1m, half again its time).
                    rules.append(BlockingRule(name: "\(fields[f].column) sound + \(fields[g].column) month", fields: [f, g], maxPairs: 100) { d, i in
                        let v = d.columns[g].dates[i]
                        guard v != 0, let sound = d.nameSounds.first(f, i) else { return 0 }
                        return key { h in h.add(sound); h.add(v / 100); return true }
                    })
                }
            }
        }
        for f in names {
            for g in dates where names.count == 1 {
                // The sounds of every word of the name with year and month: survives a mistyped day and a
                // misspelling that keeps the sound. Every word, not the first alone: on a list where a few
                // family names are most people's (WANG, NGUYEN), the first word's sound with the month made
                // blocks of namesakes, 7.5 M pairs at a million, for 28 true pairs no other key found.
                rules.append(BlockingRule(name: "\(fields[f].column) sounds + \(fields[g].column) month", fields: [f, g]) { d, i in
                    let v = d.columns[g].dates[i]
                    guard v != 0 else { return 0 }
                    let sounds = d.nameSounds
                    return key { h in let n = sounds.add(i, field: f, to: &h); h.add(v / 100); return n > 0 }
                })
            }
            for g in others {
                rules.append(BlockingRule(name: "\(fields[f].column) sound + \(fields[g].column)", fields: [f, g]) { d, i in
                    guard !d.columns[g].joinedBytes.isEmpty(i), let sound = d.nameSounds.first(f, i) else { return 0 }
                    return d.columns[g].joinedBytes.withValue(i) { v in key { h in h.add(sound); h.add(v, prefix: 8); return true } }
                })
            }
        }
        if !names.isEmpty {
            for g in others {
                // The alphabetically first sound of any name token with the postcode or suburb: one key per
                // record that survives swapped given and family names with a typo in one of them. In one whole-name
                // field too: a list writes the family name first or last (LIANG PING MING, PINGMING LIANG).
                // One whole-name column: only blocks of up to 200 pairs (its first sound is its first word's for about
                // half the records, which the rule of the first word's sound holds already). With the run's bound, 3.3 M
                // more pairs on the Timpora set at a million for F1 +0.0006.
                // The highest sound too, with one whole-name column: a list that writes one word of the name (MR. YAMADA for
                // TAKASHI YAMADA, M.R XIE for GUOJIE XIE) or splits the given name (ZHOU GAN TAO for GANGTAO ZHOU) keeps the
                // family name, whose sound is the name's lowest or its highest about as often. On the Timpora set, 404 true
                // pairs that no other key found, for 123,000 pairs at 100k; blocks of up to 200 pairs, as above.
                for highest in names.count == 1 ? [false, true] : [false] {
                    rules.append(BlockingRule(name: "\(highest ? "the other name sound" : "a name sound") + \(fields[g].column)", fields: Set(names + [g]),
                                              maxPairs: names.count == 1 ? 200 : nil) { d, i in
                        guard !d.columns[g].joinedBytes.isEmpty(i), let sound = d.nameSounds.extreme(i, highest: highest) else { return 0 }
                        return d.columns[g].joinedBytes.withValue(i) { v in key { h in h.add(sound); h.add(v, prefix: 8); return true } }
                    })
                }
            }
        }
        // At most the first five such fields (ten pairs). With a dozen date, number and text fields there can be more than
        // 64 rules: candidates follow them all, training the first 64.
        let parts = Array(others.prefix(5))
        for (n, g) in parts.enumerated() {
            for h in parts[(n + 1)...] {
                // Two address parts together (street number and postcode; employer and street): survives
                // every name misspelt or reordered when the date is missing or impossible.
                rules.append(BlockingRule(name: "\(fields[g].column) + \(fields[h].column)", fields: [g, h]) { d, i in
                    d.columns[g].joinedBytes.withValue(i) { v in d.columns[h].joinedBytes.withValue(i) { w in
                        key { k in k.add(v, prefix: 12); k.add(w, prefix: 12); return !v.isEmpty && !w.isEmpty }
                    } }
                })
            }
        }
        for g in dates {
            for h in others {
                // The first 16 characters: an address's street with its number (GAJAH MADA 221 1), an employer's
                // name. The first 8 held the street alone (GAJAH MA), which with a birth date made blocks of
                // neighbours: on agency-1m 4.0 M pairs for 265 true pairs no other key found; with 16, 0.9 M pairs
                // and one true pair fewer.
                rules.append(BlockingRule(name: "\(fields[g].column) + \(fields[h].column)", fields: [g, h]) { d, i in
                    let day = d.columns[g].dates[i]
                    return d.columns[h].joinedBytes.withValue(i) { v in key { k in k.add(day); k.add(v, prefix: 16); return day != 0 && !v.isEmpty } }
                })
            }
        }
        if rules.isEmpty {
            // Nothing to block on: compare every field's exact value.
            for f in fields.indices {
                rules.append(BlockingRule(name: fields[f].column, fields: [f]) { d, i in
                    if d.columns[f].isMissing(i) { return 0 }
                    return key { h in
                        if d.columns[f].kind == .date { h.add(d.columns[f].dates[i]) } else { d.columns[f].joinedBytes.withValue(i) { h.add($0) } }
                        return true
                    }
                })
            }
        }
        return rules
    }

    /// 64-bit FNV-1a of a key; 0 is reserved for "no key".
    static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { hash($0) }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let h = Packed<UInt8>.fnv(Packed<UInt8>.seed, bytes)
        return h == 0 ? 1 : h
    }
}
