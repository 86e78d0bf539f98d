/// String comparators on byte strings (names and ids are folded to ASCII before they get here).
/// All are allocation-free for ASCII inputs up to 64 bytes, which covers real names and document numbers. Text in
/// another script (a Han or Cyrillic name kept as written) is compared by its Unicode scalars, not its bytes: two
/// Han characters share two of their three UTF-8 bytes (李 E6 9D 8E, 杜 E6 9D 9C), which as bytes made 李 and 杜
/// 0.82 alike.
public enum Similarity {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// How two document numbers agree, as the engine levels an id field: 3 the same, 2 one slip (a character, or two
    /// swapped), 1 two slips, 0 otherwise, and 0 for numbers of one series a few apart (documents issued together to a
    /// household). Give them as match keys (`Normalize.documentMatchKey`), as the engine compares them.
    public static func documentLevel(_ a: String, _ b: String) -> Int { Compare.id(a, b) }

    /// Jaro-Winkler similarity in [0, 1] with the standard prefix scale 0.1 and prefix up to 4.
    public static func jaroWinkler(_ a: String, _ b: String) -> Double {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in jaroWinkler(x, y) } }
    }

    public static func jaroWinkler(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        if !isASCII(a) || !isASCII(b) { return scalars(a, b) { winkler(jaroGeneral($0, $1), $0, $1) } }
        return winkler(jaroASCII(a, b), a, b)
    }

    /// `jaroWinkler`, where only whether it reaches `floor` matters below it: the value itself when it does; when it
    /// cannot, any value below `floor`, returned as soon as the characters left could no longer lift it there (two
    /// addresses that share a third of their letters are told apart after a few of them).
    public static func jaroWinkler(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, reaching floor: Double) -> Double {
        guard isASCII(a), isASCII(b) else { return jaroWinkler(a, b) }
        let p = prefix(a, b)
        return winkler(jaroASCII(a, b, floor: floor, prefix: p), prefix: p)
    }

    /// Jaro-Winkler's bonus for a common beginning of `prefix` characters (up to four), above 0.7.
    @inline(__always)
    static func winkler(_ j: Double, prefix: Int) -> Double { j > 0.7 ? j + Double(prefix) * 0.1 * (1 - j) : j }

    /// Jaro-Winkler's bonus for a common beginning of up to four characters.
    @inline(__always)
    static func winkler<T: Equatable>(_ j: Double, _ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>) -> Double {
        j > 0.7 ? winkler(j, prefix: prefix(a, b)) : j
    }

    /// How many characters, up to four, two texts begin with alike.
    @inline(__always)
    static func prefix<T: Equatable>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>) -> Int {
        var n = 0
        let limit = min(4, a.count, b.count)
        while n < limit && a[n] == b[n] { n += 1 }
        return n
    }

    public static func jaro(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        if !isASCII(a) || !isASCII(b) { return scalars(a, b) { jaroGeneral($0, $1) } }
        return jaroASCII(a, b)
    }

    /// `floor`, `prefix`: see `jaroMasked` (longer texts are compared whole).
    @inline(__always)
    static func jaroASCII(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, floor: Double = 0, prefix: Int = 0) -> Double {
        let la = a.count, lb = b.count
        if la == 0 && lb == 0 { return 1 }
        if la == 0 || lb == 0 { return 0 }
        if la == lb && memcmpEqual(a, b) { return 1 }
        // Flags live in 64-bit masks when both fit, in 128-bit ones up to 128 bytes (an address with its district).
        if la <= 64 && lb <= 64 {
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { jaroMasked(a, b, table: $0, floor: floor, prefix: prefix) }
        }
        if la <= 128 && lb <= 128 {
            return withUnsafeTemporaryAllocation(of: UInt128.self, capacity: 128) { jaroMasked(a, b, table: $0, floor: floor, prefix: prefix) }
        }
        return jaroGeneral(a, b)
    }

    /// Whether every byte is below 0x80, eight bytes at a time (it runs before every comparison of two names).
    @inline(__always)
    static func isASCII(_ a: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = a.baseAddress else { return true }
        let n = a.count
        var i = 0, words: UInt64 = 0, tail: UInt8 = 0
        while i + 8 <= n { words |= UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self); i += 8 }
        while i < n { tail |= base[i]; i += 1 }
        return words & 0x8080_8080_8080_8080 == 0 && tail < 0x80
    }

    /// `body` on the Unicode scalars of two UTF-8 texts (bytes that are not UTF-8 count as U+FFFD).
    static func scalars<R>(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>,
                           _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) -> R) -> R {
        let x = String(decoding: a, as: UTF8.self).unicodeScalars.map(\.value)
        let y = String(decoding: b, as: UTF8.self).unicodeScalars.map(\.value)
        return x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in body(x, y) } }
    }

    @inline(__always)
    static func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }

    /// Bit-parallel matching for ASCII strings of at most `Mask.bitWidth` bytes (64 or 128): a table (128 entries, on
    /// the stack) maps each byte to the positions where it occurs in `b`, so finding the first free match inside the
    /// window is a few bit operations instead of a scan.
    /// `floor`, `prefix`: stop (returning 0) once even every character of `a` still to come matching could not give a
    /// Jaro-Winkler similarity of `floor` with a common beginning of `prefix` characters (`jaroWinkler(_:_:reaching:)`).
    @inline(__always)
    static func jaroMasked<Mask: FixedWidthInteger & UnsignedInteger>(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>,
                                                                       table: UnsafeMutableBufferPointer<Mask>, floor: Double = 0, prefix: Int = 0) -> Double {
        let la = a.count, lb = b.count, width = Mask.bitWidth
        let window = max(0, max(la, lb) / 2 - 1)
        // Only the entries for bytes of a and b are read, so only those are initialised.
        for i in 0..<la { table[Int(a[i])] = 0 }
        for j in 0..<lb { table[Int(b[j])] = 0 }
        for j in 0..<lb { table[Int(b[j])] |= 1 << Mask(j) }
        var flagA: Mask = 0, flagB: Mask = 0
        var matches = 0
        // The positions of b inside a's window, slid one place per byte of a: bits max(0, i - window) … i + window
        // (the table has no bits at or beyond lb).
        var inWindow: Mask = window >= width - 1 ? ~0 : (1 << Mask(window + 1)) - 1
        for i in 0..<min(la, lb + window) {
            let candidates = table[Int(a[i])] & inWindow & ~flagB
            if candidates != 0 {
                flagB |= candidates & (~candidates &+ 1)     // lowest set bit
                flagA |= 1 << Mask(i)
                matches += 1
            }
            if i + window + 1 < width { inWindow |= 1 << Mask(i + window + 1) }
            if i >= window { inWindow &= ~(1 << Mask(i - window)) }
            if floor > 0 && i & 7 == 7 {
                // At most every character of a still to come matches, and none is transposed.
                let most = Double(min(matches + la - 1 - i, lb))
                if winkler((most / Double(la) + most / Double(lb) + 1) / 3, prefix: prefix) < floor { return 0 }
            }
        }
        if matches == 0 { return 0 }
        var transpositions = 0
        var fa = flagA, fb = flagB
        while fa != 0 {
            let i = fa.trailingZeroBitCount, j = fb.trailingZeroBitCount
            if a[i] != b[j] { transpositions += 1 }
            fa &= fa - 1; fb &= fb - 1
        }
        let m = Double(matches)
        return (m / Double(la) + m / Double(lb) + (m - Double(transpositions / 2)) / m) / 3
    }

    static func jaroGeneral<T: Equatable>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>) -> Double {
        let la = a.count, lb = b.count
        if la == 0 && lb == 0 { return 1 }
        if la == 0 || lb == 0 { return 0 }
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: a.count + b.count) { flags in
            flags.initialize(repeating: false)
            return jaroGeneral(a, b, flagA: UnsafeMutableBufferPointer(rebasing: flags[..<a.count]), flagB: UnsafeMutableBufferPointer(rebasing: flags[a.count...]))
        }
    }

    @inline(__always)
    static func jaroGeneral<T: Equatable>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>, flagA: UnsafeMutableBufferPointer<Bool>, flagB: UnsafeMutableBufferPointer<Bool>) -> Double {
        let la = a.count, lb = b.count
        let window = max(0, max(la, lb) / 2 - 1)
        var matches = 0
        for i in 0..<la {
            let lo = max(0, i - window), hi = min(lb - 1, i + window)
            if lo > hi { continue }
            for j in lo...hi where !flagB[j] && b[j] == a[i] {
                flagA[i] = true; flagB[j] = true; matches += 1
                break
            }
        }
        if matches == 0 { return 0 }
        var t = 0, k = 0
        for i in 0..<la where flagA[i] {
            while !flagB[k] { k += 1 }
            if a[i] != b[k] { t += 1 }
            k += 1
        }
        let m = Double(matches)
        return (m / Double(la) + m / Double(lb) + (m - Double(t / 2)) / m) / 3
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        editDistance(a, b, transpositions: false, limit: Int.max / 2)
    }

    /// Optimal-string-alignment Damerau-Levenshtein distance: adjacent transpositions cost 1.
    public static func damerau(_ a: String, _ b: String) -> Int {
        editDistance(a, b, transpositions: true, limit: Int.max / 2)
    }

    /// Edit distance of two strings' characters (Unicode scalars), capped: returns `limit + 1` once it must exceed `limit`.
    public static func editDistance(_ a: String, _ b: String, transpositions: Bool, limit: Int) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in editDistance(x, y, transpositions: transpositions, limit: limit) } }
    }

    /// `editDistance` on bytes in place, with rows on the stack, so it allocates nothing; by scalars when either is not
    /// ASCII (one Han character is three bytes, and would count up to three edits).
    static func editDistance(_ x: Bytes, _ y: Bytes, transpositions: Bool, limit: Int) -> Int {
        if !isASCII(x) || !isASCII(y) { return scalars(x, y) { editDistanceOf($0, $1, transpositions: transpositions, limit: limit) } }
        return editDistanceOf(x, y, transpositions: transpositions, limit: limit)
    }

    @inline(__always)
    static func editDistanceOf<T: Equatable>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeBufferPointer<T>, transpositions: Bool, limit: Int) -> Int {
        let n = x.count, m = y.count
        if abs(n - m) > limit { return limit + 1 }
        if n == 0 || m == 0 { return max(n, m) }
        if limit <= 4 && n > 2 * limit + 1 { return editDistanceBanded(x, y, transpositions: transpositions, limit: limit) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { rows in
            var prev2 = rows.baseAddress!, prev = prev2 + (m + 1), cur = prev + (m + 1)
            for j in 0...m { prev[j] = j; prev2[j] = 0 }
            for i in 1...n {
                cur[0] = i
                var rowMin = i
                for j in 1...m {
                    let cost = x[i - 1] == y[j - 1] ? 0 : 1
                    var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                    if transpositions && i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] { v = min(v, prev2[j - 2] + 1) }
                    cur[j] = v
                    rowMin = min(rowMin, v)
                }
                if rowMin > limit { return limit + 1 }
                (prev2, prev, cur) = (prev, cur, prev2)
            }
            return min(prev[m], limit + 1)
        }
    }

    /// `editDistanceOf` for a small `limit`: only the cells within `limit` of the diagonal are computed (any path
    /// through another costs more than `limit`), those beside the band count as `limit + 1`. Two passport numbers of
    /// nine characters: 39 cells instead of 81.
    @inline(__always)
    static func editDistanceBanded<T: Equatable>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeBufferPointer<T>, transpositions: Bool, limit: Int) -> Int {
        let n = x.count, m = y.count, over = limit + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 2)) { rows in
            var prev2 = rows.baseAddress!, prev = prev2 + (m + 2), cur = prev + (m + 2)
            for j in 0...(m + 1) { prev[j] = j <= limit ? j : over; prev2[j] = over; cur[j] = over }
            for i in 1...n {
                let lo = max(1, i - limit), hi = min(m, i + limit)
                if lo > hi { return over }
                cur[lo - 1] = lo == 1 && i <= limit ? i : over
                var rowMin = over
                for j in lo...hi {
                    let cost = x[i - 1] == y[j - 1] ? 0 : 1
                    var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                    if transpositions && i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] { v = min(v, prev2[j - 2] + 1) }
                    v = min(v, over)
                    cur[j] = v
                    rowMin = min(rowMin, v)
                }
                cur[hi + 1] = over    // the next row reads one cell further
                if rowMin > limit { return over }
                (prev2, prev, cur) = (prev, cur, prev2)
            }
            return min(prev[m], over)
        }
    }

    /// Token-set similarity: |A ∩ B| / |A ∪ B| over distinct tokens (Jaccard), order-insensitive.
    public static func tokenSet(_ a: [String], _ b: [String]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        let sa = Set(a), sb = Set(b)
        let inter = sa.intersection(sb).count
        return Double(inter) / Double(sa.union(sb).count)
    }

    /// `tokenSet` for token hashes already sorted and without repeats: a merge, no allocation.
    static func sortedTokenSet(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var i = 0, j = 0, shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { shared += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    /// Order-insensitive fuzzy similarity of two token lists: each token of the shorter list is paired
    /// with its best Jaro-Winkler partner in the other (each used once), weighted by token length.
    public static func tokenAlignment(_ a: [String], _ b: [String]) -> Double {
        let x = a.joined(separator: " "), y = b.joined(separator: " ")
        if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 1 : 0 }
        return Array(x.utf8).withUnsafeBufferPointer { xs in Array(y.utf8).withUnsafeBufferPointer { ys in tokenAlignment(xs, ys) } }
    }

    /// `tokenAlignment` of two names given as their space-separated tokens' bytes, in place.
    static func tokenAlignment(_ x: Bytes, _ y: Bytes) -> Double {
        Tokens.with(x) { a in Tokens.with(y) { b in tokenAlignment(a, b) } }
    }

    /// `tokenAlignment` of two names' tokens (`Tokens.with`). `floor`: where only whether the score reaches it matters
    /// below it, a score below it as soon as the tokens left, each paired perfectly, could no longer lift it there (two
    /// names of three words that share nothing are told apart after two).
    static func tokenAlignment(_ a: UnsafeBufferPointer<Bytes>, _ b: UnsafeBufferPointer<Bytes>, floor: Double = 0) -> Double {
        if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 1 : 0 }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        var used: UInt64 = 0      // names have far fewer than 64 tokens; later ones are simply never paired
        var total = 0.0, weight = 0.0
        // The weight of the shorter name's tokens, which the score divides by at least; what is left of it to pair.
        let least = floor > 0 ? short.reduce(0.0) { $0 + Double(max($1.count, 1)) } : 0
        var left = least
        for t in short {
            // (A hair below the floor: the full score adds the same weights one at a time, which may round otherwise.)
            if floor > 0 && (total + left) / least < floor - 1e-9 { return (total + left) / least }
            var best = 0.0, bestIndex = -1
            for (k, u) in long.enumerated() where k < 64 && used & (1 << UInt64(k)) == 0 {
                let s = Tokens.equal(t, u) ? 1 : jaroWinkler(t, u)
                if s > best { best = s; bestIndex = k }
            }
            if bestIndex >= 0 { used |= 1 << UInt64(bestIndex) }
            let w = Double(max(t.count, 1))
            total += best * w; weight += w; left -= w
        }
        // Tokens of the longer list left unpaired count against the score, at half weight.
        for (k, u) in long.enumerated() where k >= 64 || used & (1 << UInt64(k)) == 0 { weight += Double(u.count) * 0.5 }
        return total / weight
    }

    /// American Soundex of a folded token (`ROBERT` → `R163`); letters only, empty for none.
    /// Soundex digit of each upper-case letter A…Z (0 for vowels, H, W, Y): a table, not a dictionary,
    /// because blocking computes a sound for every name token of every record.
    private static let soundexCodes: [UInt8] = Array("01230120022455012623010202".utf8).map { $0 - 0x30 }

    public static func soundex(_ s: String) -> String {
        let code = soundexCode(s)
        if code == 0 { return "" }
        return String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: code >> (24 - 8 * $0)) }, as: UTF8.self)
    }

    /// `soundex` packed in four bytes, the first letter highest (so codes order as their texts do); 0 for none.
    /// Blocking takes a sound for every name token of every record: this builds no string.
    static func soundexCode(_ s: String) -> UInt32 {
        var out: UInt32 = 0, n = 0
        var last: UInt8 = 255
        for b in s.utf8 {
            var c = b
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            guard c >= 0x41 && c <= 0x5A else { continue }
            let code = soundexCodes[Int(c - 0x41)]
            if n == 0 {
                out = UInt32(c); n = 1; last = code
                continue
            }
            if code != 0 && code != last { out = out << 8 | UInt32(0x30 + code); n += 1 }
            if c != 0x48 && c != 0x57 { last = code }   // H and W do not separate equal codes
            if n == 4 { break }
        }
        if n == 0 { return 0 }
        while n < 4 { out = out << 8 | 0x30; n += 1 }
        return out
    }
}

/// A folded name's tokens are its bytes between single spaces: compared where they lie, never copied.
enum Tokens {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The tokens of `x` (split on spaces, empty ones skipped), on the stack for the call.
    @inline(__always)
    static func with<R>(_ x: Bytes, _ body: (UnsafeBufferPointer<Bytes>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Bytes.self, capacity: max(count(x), 1)) { out in
            var n = 0, start = -1
            for k in 0...x.count {
                let space = k == x.count || x[k] == 0x20
                if space && start >= 0 { out[n] = Bytes(rebasing: x[start..<k]); n += 1; start = -1 }
                else if !space && start < 0 { start = k }
            }
            return body(UnsafeBufferPointer(rebasing: out[0..<n]))
        }
    }

    @inline(__always)
    static func equal(_ a: Bytes, _ b: Bytes) -> Bool {
        a.count == b.count && Similarity.memcmpEqual(a, b)
    }

    /// How many tokens `x` has.
    @inline(__always)
    static func count(_ x: Bytes) -> Int {
        var count = 0, inToken = false
        for c in x { if c == 0x20 { inToken = false } else if !inToken { inToken = true; count += 1 } }
        return count
    }
}
