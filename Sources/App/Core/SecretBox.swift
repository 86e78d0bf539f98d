import Crypto
import Foundation
import Vapor

/// Secrets kept for a user that must not be readable from a copy of the database (a backup, a stolen file): the
/// second factor's TOTP key. With `SINERGI_SECRET_KEY` set they are sealed with AES-GCM under it, bound to the
/// user's id (a sealed value copied onto another account does not open), and stored as `v1:` + base64 of nonce,
/// ciphertext and tag. Without the key they are kept in clear, as before; values stored in clear before the key was
/// set still open, are sealed when next used, and `sinergi users seal-secrets` seals them all at once.
enum SecretBox {
    static let prefix = "v1:"

    static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    /// The value to store: sealed when a key is configured, else the text itself.
    static func seal(_ text: String, key: [UInt8]?, owner: UUID) throws -> String {
        guard let key else { return text }
        let box = try AES.GCM.seal(Data(text.utf8), using: SymmetricKey(data: key), authenticating: Data(owner.uuidString.utf8))
        guard let combined = box.combined else { throw Abort(.internalServerError) }
        return prefix + combined.base64EncodedString()
    }

    /// The text of a stored value: clear text as it is; a sealed one only with the key it was sealed under and for the
    /// same owner (nil otherwise: a missing or changed key, or a value moved between accounts).
    static func open(_ stored: String, key: [UInt8]?, owner: UUID) -> String? {
        guard isSealed(stored) else { return stored }
        guard let key, let data = Data(base64Encoded: String(stored.dropFirst(prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Data(owner.uuidString.utf8)) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    /// `SINERGI_SECRET_KEY`: 32 bytes, as 64 hex digits or in base64 (e.g. `openssl rand -base64 32`).
    static func parseKey(_ raw: String) -> [UInt8]? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.count == 64, text.allSatisfy(\.isHexDigit) {
            var out: [UInt8] = []
            var chars = Array(text.utf8)[...]
            while let hi = chars.popFirst(), let lo = chars.popFirst() {
                guard let b = UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16) else { return nil }
                out.append(b)
            }
            return out
        }
        if let data = Data(base64Encoded: text), data.count == 32 { return Array(data) }
        return nil
    }
}

/// The server key kept in a file of its own (`AppConfig.secretKeyFile`), readable by the server's user only. Made on
/// first start from the system's random source, written to a temporary file and linked into place, so that two
/// processes starting together agree on one key and none reads a half-written one. It is not in the database's
/// backups: keep a copy of it with them, as a restored database's second-factor keys open only with it.
enum SecretKeyFile {
    struct Unusable: Error, CustomStringConvertible {
        let path: String
        let problem: String
        var description: String { "configuration error: SINERGI_SECRET_KEY_FILE \(path) \(problem)" }
    }

    /// The key in `path`, made there first when there is no file; `created` says which.
    static func loadOrCreate(_ path: String) throws -> (key: [UInt8], created: Bool) {
        if let found = try read(path) { return (found.key, false) }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Readable by its owner from the first byte (created 0600, not chmod-ed after), on disk before it is linked.
        let temporary = path + ".\(UUID().uuidString).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Unusable(path: path, problem: "cannot be written: \(String(cString: strerror(errno)))") }
        defer { unlink(temporary) }
        let text = Array((Data(key).base64EncodedString() + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == text.count, synced == 0 else { throw Unusable(path: path, problem: "cannot be written: \(String(cString: strerror(errno)))") }
        if link(temporary, path) == 0 { return (key, true) }
        let failure = errno
        // Another process made it first: use theirs.
        if failure == EEXIST, let theirs = try read(path) { return (theirs.key, false) }
        throw Unusable(path: path, problem: "cannot be written: \(String(cString: strerror(failure)))")
    }

    /// The key in an existing file, and whether others than its owner may read it; nil when there is none.
    static func read(_ path: String) throws -> (key: [UInt8], readableByOthers: Bool)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw Unusable(path: path, problem: "cannot be read") }
        guard let key = SecretBox.parseKey(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Unusable(path: path, problem: "does not hold a key (32 bytes as 64 hex digits or in base64, e.g. the output of openssl rand -base64 32)")
        }
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        return (key, mode & 0o077 != 0)
    }
}
