import Crypto
import Foundation

/// Accepts JPEG and PNG photos by their bytes (never by name or declared type) and removes metadata
/// before anything is stored: EXIF (with GPS position, camera serial, time), XMP, comments and text
/// chunks. The image data itself is copied unchanged.
enum ImageSanitizer {
    enum Kind: String, Sendable { case jpeg = "image/jpeg", png = "image/png" }

    struct Rejected: Error, Sendable, CustomStringConvertible {
        /// Why, for a user: `v.photoEmpty`, `v.photoTooLarge`, `v.photoType` or `v.photoDamaged`.
        var key: String
        /// The detail, for logs and tests.
        var description: String
    }

    static func kind(of data: [UInt8]) -> Kind? {
        if data.count >= 3, data[0] == 0xFF, data[1] == 0xD8, data[2] == 0xFF { return .jpeg }
        if data.count >= 8, Array(data[0..<8]) == pngSignature { return .png }
        return nil
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        Tokens.hex(SHA256.hash(data: bytes))
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `sanitize` for input from users: a refusal becomes a 422 naming the field.
    static func checked(_ data: [UInt8], maxBytes: Int, field: String) throws -> (bytes: [UInt8], kind: Kind) {
        do { return try sanitize(data, maxBytes: maxBytes) } catch let e as Rejected {
            throw ValidationFailure(e.key, field: field, String(maxBytes / 1_048_576))
        }
    }

    /// The image without metadata, and its type. Throws `Rejected` naming what is wrong.
    static func sanitize(_ data: [UInt8], maxBytes: Int) throws -> (bytes: [UInt8], kind: Kind) {
        guard !data.isEmpty else { throw Rejected(key: "v.photoEmpty", description: "the photo is empty") }
        guard data.count <= maxBytes else { throw Rejected(key: "v.photoTooLarge", description: "the photo is larger than \(maxBytes / 1_048_576) MB") }
        switch kind(of: data) {
        case .jpeg: return (try jpeg(data), .jpeg)
        case .png: return (try png(data), .png)
        case nil: throw Rejected(key: "v.photoType", description: "the file is not a JPEG or PNG photo (judged by its content, not its name)")
        }
    }

    /// Copies JPEG segments except APP1 (EXIF, XMP), APP3–APP13, APP15 and comments; keeps JFIF (APP0),
    /// ICC colour profiles (APP2) and Adobe colour information (APP14). Everything from the start of scan on is image data.
    static func jpeg(_ d: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        var i = 2
        while i < d.count {
            guard d[i] == 0xFF, i + 1 < d.count else { throw Rejected(key: "v.photoDamaged", description: "the JPEG is damaged (no marker at byte \(i))") }
            var marker = d[i + 1]
            var j = i + 1
            while marker == 0xFF, j + 1 < d.count { j += 1; marker = d[j] }   // fill bytes
            i = j - 1
            if marker == 0xD9 { out += [0xFF, 0xD9]; return out }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { out += [0xFF, marker]; i += 2; continue }
            guard i + 3 < d.count else { throw Rejected(key: "v.photoDamaged", description: "the JPEG is cut short") }
            let length = Int(d[i + 2]) << 8 | Int(d[i + 3])
            guard length >= 2, i + 2 + length <= d.count else { throw Rejected(key: "v.photoDamaged", description: "the JPEG is damaged (segment length at byte \(i))") }
            let segment = d[i..<(i + 2 + length)]
            if marker == 0xDA {
                out += d[i...]          // start of scan: the compressed image and the end marker
                return out
            }
            let drop = marker == 0xE1 || (0xE3...0xED).contains(marker) || marker == 0xEF || marker == 0xFE
            if !drop { out += segment }
            i += 2 + length
        }
        throw Rejected(key: "v.photoDamaged", description: "the JPEG has no image data")
    }

    /// Copies PNG chunks except eXIf, tEXt, zTXt, iTXt and tIME.
    static func png(_ d: [UInt8]) throws -> [UInt8] {
        var out = pngSignature
        var i = 8
        let dropped: Set<String> = ["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]
        var sawEnd = false
        while i + 12 <= d.count {
            let length = Int(d[i]) << 24 | Int(d[i + 1]) << 16 | Int(d[i + 2]) << 8 | Int(d[i + 3])
            guard length >= 0, i + 12 + length <= d.count else { throw Rejected(key: "v.photoDamaged", description: "the PNG is damaged (chunk length at byte \(i))") }
            let type = String(decoding: d[(i + 4)..<(i + 8)], as: UTF8.self)
            if i == 8 && type != "IHDR" { throw Rejected(key: "v.photoDamaged", description: "the PNG is damaged (no header chunk)") }
            if !dropped.contains(type) { out += d[i..<(i + 12 + length)] }
            i += 12 + length
            if type == "IEND" { sawEnd = true; break }
        }
        guard sawEnd else { throw Rejected(key: "v.photoDamaged", description: "the PNG is cut short") }
        return out
    }
}
