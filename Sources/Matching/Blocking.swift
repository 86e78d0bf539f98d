/// Blocking: several keys per record, so that a typo in one field does not lose a pair. A pair is
/// compared once, under the first rule it shares a key in; blocks larger than the bound are skipped
/// for that rule (the other rules still find their pairs), which bounds the number of comparisons.
struct BlockingRule: Sendable {
    let name: String
    /// The fields the key is made of: pairs found by this rule agree on them by construction, so they
    /// say nothing about those fields' m-probabilities when the model is trained on this rule's pairs.
    let fields: Set<Int>
    let key: @Sendable (Dataset, Int) -> String?
}

enum Blocking {
    static func rules(for fields: [FieldSpec]) -> [BlockingRule] {
        var rules: [BlockingRule] = []
        let names = fields.indices.filter { fields[$0].kind == .name }
        let dates = fields.indices.filter { fields[$0].kind == .date }
        let ids = fields.indices.filter { fields[$0].kind == .id }
        let others = fields.indices.filter { fields[$0].kind == .number || fields[$0].kind == .text }
        let categories = fields.indices.filter { fields[$0].kind == .category }

        @Sendable func firstToken(_ d: Dataset, _ f: Int, _ i: Int) -> String? { d.columns[f].tokens[i].first }
        @Sendable func allNameTokens(_ d: Dataset, _ i: Int) -> [String] { names.flatMap { d.columns[$0].tokens[i] } }

        for f in ids {
            rules.append(BlockingRule(name: "\(fields[f].column)", fields: [f]) { d, i in
                let v = d.columns[f].joined[i]
                return v.isEmpty ? nil : v
            })
        }
        for f in ids {
            // The same characters, those between the first and the last in another order: two transposed
            // digits, a typing slip the exact key misses (4137877 / 4137787). The ends kept in place keep
            // the blocks small in large files, where many numbers share their digits.
            rules.append(BlockingRule(name: "\(fields[f].column) characters", fields: []) { d, i in
                let v = Array(d.columns[f].joined[i].utf8)
                guard v.count >= 5 else { return nil }
                return String(decoding: [v[0]] + v[1..<(v.count - 1)].sorted() + [v[v.count - 1]], as: UTF8.self)
            })
        }
        if !names.isEmpty {
            rules.append(BlockingRule(name: "full name", fields: Set(names)) { d, i in
                let t = allNameTokens(d, i)
                return t.isEmpty ? nil : t.sorted().joined(separator: " ")
            })
        }
        for f in dates {
            // Day and month sorted, so a swapped date lands in the same block.
            // With the categories (sex, nationality): a date alone makes large blocks in big registries.
            rules.append(BlockingRule(name: "\(fields[f].column)", fields: Set([f] + categories.prefix(2))) { d, i in
                let v = d.columns[f].dates[i]
                if v == 0 { return nil }
                let y = v / 10000, m = (v / 100) % 100, day = v % 100
                let extra = categories.prefix(2).map { d.columns[$0].joined[i] }.joined(separator: "|")
                return "\(y)-\(min(m, day))-\(max(m, day))|\(extra)"
            })
        }
        if names.count >= 2 {
            // Sound of every name token, order-insensitive: survives swapped given/family names and spelling.
            rules.append(BlockingRule(name: "name sounds", fields: Set(names)) { d, i in
                let t = allNameTokens(d, i)
                return t.count < 2 ? nil : t.map(Similarity.soundex).sorted().joined(separator: "|")
            })
        }
        if names.count >= 2 {
            // Sounds of the first token of each name field: survives dropped middle names, compound family
            // names and a spelling variant, when the date and the passport also disagree or are missing.
            @Sendable func firstSounds(_ d: Dataset, _ i: Int) -> String? {
                let t = names.compactMap { firstToken(d, $0, i) }
                return t.count < 2 ? nil : t.map(Similarity.soundex).sorted().joined(separator: "|")
            }
            rules.append(BlockingRule(name: "first name sounds", fields: Set(names)) { d, i in firstSounds(d, i) })
            for g in dates {
                // The same with the birth year, for names too common to block on alone.
                rules.append(BlockingRule(name: "first name sounds + \(fields[g].column) year", fields: Set(names + [g])) { d, i in
                    let v = d.columns[g].dates[i]
                    guard v != 0, let key = firstSounds(d, i) else { return nil }
                    return key + "|\(v / 10000)"
                })
            }
            for f in names {
                // One name field as written: survives a typo anywhere in the other name when the date is
                // missing or mistyped too (common values make blocks beyond the bound and are skipped).
                rules.append(BlockingRule(name: "\(fields[f].column)", fields: [f]) { d, i in
                    let k = d.columns[f].sortedKey[i]
                    return k.isEmpty ? nil : k
                })
            }
            for g in dates {
                // Sounds of every name token with the birth year: survives a mistyped day or month.
                rules.append(BlockingRule(name: "name sounds + \(fields[g].column) year", fields: Set(names + [g])) { d, i in
                    let t = allNameTokens(d, i)
                    let v = d.columns[g].dates[i]
                    return t.isEmpty || v == 0 ? nil : t.map(Similarity.soundex).sorted().joined(separator: "|") + "|\(v / 10000)"
                })
            }
        }
        for f in names {
            for g in dates where names.count == 1 {
                // The sounds of every word of the name with year and month: survives a mistyped day and a
                // misspelling that keeps the sound. Every word, not the first alone: on a list where a few
                // family names are most people's (WANG, NGUYEN), the first word's sound with the month made
                // blocks of namesakes, 7.5 M pairs at a million, for 28 true pairs no other key found.
                rules.append(BlockingRule(name: "\(fields[f].column) sounds + \(fields[g].column) month", fields: [f, g]) { d, i in
                    let t = d.columns[f].tokens[i]
                    guard !t.isEmpty, d.columns[g].dates[i] != 0 else { return nil }
                    return t.map(Similarity.soundex).sorted().joined(separator: "|") + "|\(d.columns[g].dates[i] / 100)"
                })
            }
            for g in others {
                rules.append(BlockingRule(name: "\(fields[f].column) sound + \(fields[g].column)", fields: [f, g]) { d, i in
                    guard let t = firstToken(d, f, i) else { return nil }
                    let v = d.columns[g].joined[i]
                    return v.isEmpty ? nil : "\(Similarity.soundex(t))|\(v.prefix(8))"
                })
            }
        }
        if names.count >= 2 {
            for g in others {
                // The alphabetically first sound of any name token with the postcode or suburb: one key per
                // record that survives swapped given and family names with a typo in one of them.
                rules.append(BlockingRule(name: "a name sound + \(fields[g].column)", fields: Set(names + [g])) { d, i in
                    let v = d.columns[g].joined[i]
                    guard !v.isEmpty, let sound = allNameTokens(d, i).map(Similarity.soundex).min() else { return nil }
                    return "\(sound)|\(v.prefix(8))"
                })
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
                    let v = d.columns[g].joined[i], w = d.columns[h].joined[i]
                    return v.isEmpty || w.isEmpty ? nil : "\(v.prefix(12))|\(w.prefix(12))"
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
                    let v = d.columns[h].joined[i]
                    let day = d.columns[g].dates[i]
                    return day == 0 || v.isEmpty ? nil : "\(day)|\(v.prefix(16))"
                })
            }
        }
        if rules.isEmpty {
            // Nothing to block on: compare every field's exact value.
            for f in fields.indices {
                rules.append(BlockingRule(name: fields[f].column, fields: [f]) { d, i in
                    d.columns[f].isMissing(i) ? nil : (d.columns[f].joined.isEmpty ? String(d.columns[f].dates[i]) : d.columns[f].joined[i])
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
