import Foundation

/// A QR code (ISO/IEC 18004) for short texts such as an authenticator's `otpauth://` key, drawn as inline SVG:
/// byte mode, error correction level M, versions 1–20 (up to 362 bytes), the mask with the lowest penalty.
struct QRCode {
    let size: Int
    private(set) var modules: [[Bool]]      // [row][column], true = dark

    /// Level M: error-correction codewords per block and number of blocks, for versions 1–20.
    private static let eccPerBlock = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26]
    private static let blockCount = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16]
    static let maxVersion = 20

    /// The SVG of `text`'s code (nil if it is too long), with a 4-module quiet zone, labelled for screen readers.
    static func svg(_ text: String, label: String) -> HTML? {
        guard let qr = QRCode(text) else { return nil }
        let full = qr.size + 8
        var path = ""
        for r in 0..<qr.size {
            var c = 0
            while c < qr.size {
                guard qr.modules[r][c] else { c += 1; continue }
                var run = 1
                while c + run < qr.size && qr.modules[r][c + run] { run += 1 }
                path += "M\(c + 4) \(r + 4)h\(run)v1h-\(run)z"
                c += run
            }
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(full) \(full)" width="\(full * 5)" height="\(full * 5)" role="img" aria-label="\(label)" shape-rendering="crispEdges"><rect width="\(full)" height="\(full)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
        """
    }

    init?(_ text: String) {
        let data = Array(text.utf8)
        guard let version = (1...Self.maxVersion).first(where: { Self.dataCodewords($0) * 8 >= 4 + Self.countBits($0) + data.count * 8 }) else { return nil }
        size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        var function = Array(repeating: Array(repeating: false, count: size), count: size)

        // Function patterns.
        func set(_ r: Int, _ c: Int, _ dark: Bool) { modules[r][c] = dark; function[r][c] = true }
        for (r0, c0) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            for dr in -1...7 { for dc in -1...7 {
                let r = r0 + dr, c = c0 + dc
                guard r >= 0, r < size, c >= 0, c < size else { continue }
                let ring = max(abs(dr - 3), abs(dc - 3))          // 0…3 inside the pattern, 4 on the separator
                set(r, c, ring != 2 && ring != 4)
            } }
        }
        for i in 8..<(size - 8) { set(6, i, i % 2 == 0); set(i, 6, i % 2 == 0) }
        let centres = Self.alignmentCentres(version)
        for r in centres { for c in centres {
            if (r == 6 && c == 6) || (r == 6 && c == size - 7) || (r == size - 7 && c == 6) { continue }
            for dr in -2...2 { for dc in -2...2 { set(r + dr, c + dc, max(abs(dr), abs(dc)) != 1) } }
        } }
        // Reserve the format areas (drawn after masking), the dark module and the version areas.
        for i in 0..<9 { function[8][i] = true; function[i][8] = true }
        for i in 0..<8 { function[8][size - 1 - i] = true; function[size - 1 - i][8] = true }
        set(size - 8, 8, true)
        if version >= 7 {
            var rem = version
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            let bits = version << 12 | rem
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                set(b, a, dark); set(a, b, dark)
            }
        }

        // Data and error correction, interleaved, placed in the zigzag.
        let codewords = Self.codewords(data, version: version)
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let c = right - j
                    let upward = (right + 1) & 2 == 0
                    let r = upward ? size - 1 - vert : vert
                    guard !function[r][c] else { continue }
                    if bitIndex < codewords.count * 8 {
                        modules[r][c] = (codewords[bitIndex >> 3] >> (7 - bitIndex & 7)) & 1 == 1
                    }
                    bitIndex += 1
                }
            }
            right -= 2
        }

        // The mask with the lowest penalty.
        let unmasked = modules
        var best: (penalty: Int, mask: Int, grid: [[Bool]])?
        for mask in 0..<8 {
            var grid = unmasked
            for r in 0..<size { for c in 0..<size where !function[r][c] && Self.masked(mask, r, c) { grid[r][c].toggle() } }
            Self.drawFormat(&grid, size: size, mask: mask)
            let p = Self.penalty(grid)
            if best == nil || p < best!.penalty { best = (p, mask, grid) }
        }
        modules = best!.grid
    }

    private static func countBits(_ version: Int) -> Int { version < 10 ? 8 : 16 }

    private static func rawDataModules(_ v: Int) -> Int {
        var n = (16 * v + 128) * v + 64
        if v >= 2 {
            let align = v / 7 + 2
            n -= (25 * align - 10) * align - 55
            if v >= 7 { n -= 36 }
        }
        return n
    }

    static func dataCodewords(_ v: Int) -> Int { rawDataModules(v) / 8 - eccPerBlock[v - 1] * blockCount[v - 1] }

    static func alignmentCentres(_ v: Int) -> [Int] {
        guard v >= 2 else { return [] }
        let count = v / 7 + 2, size = v * 4 + 17
        let step = (v * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        for i in 0..<(count - 1) { result.insert(size - 7 - i * step, at: 1) }
        return result
    }

    /// Mode, count, data, terminator and padding; split into blocks; Reed–Solomon per block; interleaved.
    private static func codewords(_ data: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ n: Int) { for i in stride(from: n - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(data.count, countBits(version))
        for b in data { append(Int(b), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        if bits.count % 8 != 0 { append(0, 8 - bits.count % 8) }
        var bytes: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in bits[i..<(i + 8)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) } }
        var pad: UInt8 = 0xEC
        while bytes.count < capacity / 8 { bytes.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }

        let blocks = blockCount[version - 1], ecc = eccPerBlock[version - 1]
        let total = rawDataModules(version) / 8
        let shortBlocks = blocks - total % blocks
        let shortLength = total / blocks
        let generator = ReedSolomon.generator(degree: ecc)
        var dataBlocks: [[UInt8]] = [], eccBlocks: [[UInt8]] = []
        var k = 0
        for i in 0..<blocks {
            let n = shortLength - ecc + (i < shortBlocks ? 0 : 1)
            let d = Array(bytes[k..<(k + n)])
            k += n
            dataBlocks.append(d)
            eccBlocks.append(ReedSolomon.remainder(d, generator))
        }
        var out: [UInt8] = []
        for i in 0..<(shortLength - ecc + 1) { for b in dataBlocks where i < b.count { out.append(b[i]) } }
        for i in 0..<ecc { for b in eccBlocks { out.append(b[i]) } }
        return out
    }

    private static func masked(_ mask: Int, _ r: Int, _ c: Int) -> Bool {
        switch mask {
        case 0: return (r + c) % 2 == 0
        case 1: return r % 2 == 0
        case 2: return c % 3 == 0
        case 3: return (r + c) % 3 == 0
        case 4: return (r / 2 + c / 3) % 2 == 0
        case 5: return (r * c) % 2 + (r * c) % 3 == 0
        case 6: return ((r * c) % 2 + (r * c) % 3) % 2 == 0
        default: return ((r + c) % 2 + (r * c) % 3) % 2 == 0
        }
    }

    /// Level M (00) and the mask, BCH(15,5)-protected, in both copies.
    private static func drawFormat(_ g: inout [[Bool]], size: Int, mask: Int) {
        let data = 0b00 << 3 | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = (data << 10 | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0..<6 { g[i][8] = bit(i) }
        g[7][8] = bit(6); g[8][8] = bit(7); g[8][7] = bit(8)
        for i in 9..<15 { g[8][14 - i] = bit(i) }
        for i in 0..<8 { g[8][size - 1 - i] = bit(i) }
        for i in 8..<15 { g[size - 15 + i][8] = bit(i) }
        g[size - 8][8] = true
    }

    /// The standard's penalty: long runs, 2×2 blocks, finder-like patterns, dark/light balance.
    static func penalty(_ g: [[Bool]]) -> Int {
        let n = g.count
        var score = 0
        let finderA: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
        let finderB: [Bool] = Array(finderA.reversed())
        for line in 0..<2 {
            for i in 0..<n {
                let seq = (0..<n).map { line == 0 ? g[i][$0] : g[$0][i] }
                var run = 1
                for j in 1..<n {
                    if seq[j] == seq[j - 1] { run += 1 } else { if run >= 5 { score += run - 2 }; run = 1 }
                }
                if run >= 5 { score += run - 2 }
                if n >= 11 {
                    for j in 0...(n - 11) {
                        let window = Array(seq[j..<(j + 11)])
                        if window == finderA || window == finderB { score += 40 }
                    }
                }
            }
        }
        for r in 0..<(n - 1) { for c in 0..<(n - 1) {
            let v = g[r][c]
            if g[r][c + 1] == v && g[r + 1][c] == v && g[r + 1][c + 1] == v { score += 3 }
        } }
        let dark = g.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = n * n
        score += abs(dark * 20 - total * 10) / total * 10
        return score
    }
}

/// Reed–Solomon over GF(256) with the QR polynomial x⁸+x⁴+x³+x²+1.
enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var x = Int(a), y = Int(b), z = 0
        while y > 0 {
            if y & 1 == 1 { z ^= x }
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
            y >>= 1
        }
        return UInt8(z)
    }

    /// Coefficients of ∏(x − αⁱ), i < degree, highest power first, without the leading 1.
    static func generator(degree: Int) -> [UInt8] {
        var poly = [UInt8](repeating: 0, count: degree)
        poly[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                poly[j] = multiply(poly[j], root)
                if j + 1 < degree { poly[j] ^= poly[j + 1] }
            }
            root = multiply(root, 2)
        }
        return poly
    }

    static func remainder(_ data: [UInt8], _ generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in result.indices { result[i] ^= multiply(generator[i], factor) }
        }
        return result
    }
}
