import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps, 6 digits, the
/// parameters every authenticator app uses by default. Secrets travel as RFC 4648 base32.
enum TOTP {
    static let step: TimeInterval = 30
    static let digits = 6

    /// A new 160-bit secret (RFC 4226 recommends the hash's length).
    static func newSecret() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }

    /// The step number of a moment (seconds since 1970 / 30).
    static func counter(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / step).rounded(.down)) }

    /// HOTP value for a counter, zero-padded to `digits`.
    static func code(secret: [UInt8], counter: Int64) -> String {
        var big = UInt64(bitPattern: counter).bigEndian
        let message = withUnsafeBytes(of: &big) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step a typed code belongs to, if it is valid at `date` give or take one step (a phone's clock a little
    /// off, a code typed as it changes), and newer than `after` (a code works once).
    static func matchingStep(_ typed: String, secret: [UInt8], at date: Date, after: Int64?) -> Int64? {
        let code = typed.filter { !$0.isWhitespace }
        guard code.count == digits, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let now = counter(at: date)
        for c in [now, now - 1, now + 1] where c > (after ?? .min) {
            if Tokens.constantTimeEqual(self.code(secret: secret, counter: c), code) { return c }
        }
        return nil
    }

    /// The `otpauth://` address an authenticator app reads (Key URI Format).
    static func uri(secret: [UInt8], account: String, issuer: String = "Sinergi") -> String {
        var c = URLComponents()
        c.scheme = "otpauth"; c.host = "totp"; c.path = "/\(issuer):\(account)"
        c.queryItems = [URLQueryItem(name: "secret", value: Base32.encode(secret)), URLQueryItem(name: "issuer", value: issuer),
                        URLQueryItem(name: "algorithm", value: "SHA1"), URLQueryItem(name: "digits", value: String(digits)),
                        URLQueryItem(name: "period", value: String(Int(step)))]
        return c.string ?? ""
    }
}

/// RFC 4648 base32 without padding (what authenticator apps expect for keys).
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b); bits += 8
            while bits >= 5 { out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)]); bits -= 5 }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Spaces, dashes and case are ignored; nil for any other character.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for ch in text.uppercased().utf8 where ch != UInt8(ascii: " ") && ch != UInt8(ascii: "-") && ch != UInt8(ascii: "=") {
            guard let v = alphabet.firstIndex(of: ch) else { return nil }
            buffer = (buffer << 5) | UInt32(v); bits += 5
            if bits >= 8 { out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff)); bits -= 8 }
        }
        return out
    }

    /// The key as people type it: groups of four.
    static func grouped(_ text: String) -> String {
        stride(from: 0, to: text.count, by: 4).map { i -> String in
            let s = text.index(text.startIndex, offsetBy: i)
            return String(text[s..<text.index(s, offsetBy: min(4, text.count - i))])
        }.joined(separator: " ")
    }
}
