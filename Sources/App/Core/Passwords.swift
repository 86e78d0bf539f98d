import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor

struct PasswordProblem: Error, Sendable {
    let key: String
    var english: String { L10n.t(key, .en) }
}

/// Password rules: at least 8 characters, at most 1024, not on the common-password list, not the email.
public enum PasswordPolicy {
    static func problem(with password: String, email: String?) -> PasswordProblem? {
        if password.count < 8 { return PasswordProblem(key: "pw.tooShort") }
        if password.utf8.count > 1024 { return PasswordProblem(key: "pw.tooLong") }
        let lowered = password.lowercased()
        if CommonPasswords.set.contains(lowered) { return PasswordProblem(key: "pw.common") }
        if let email, lowered == email.lowercased() || lowered == email.lowercased().split(separator: "@").first.map(String.init) {
            return PasswordProblem(key: "pw.email")
        }
        return nil
    }
}

/// bcrypt, with the password pre-hashed (SHA-256, base64: 44 ASCII bytes, no NUL) so that bcrypt's
/// 72-byte limit never truncates a long passphrase silently.
enum PasswordHasher {
    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    static func hash(_ password: String, cost: Int, on pool: NIOThreadPool) async throws -> String {
        let input = prehash(password)
        return try await pool.runIfActive { try Bcrypt.hash(input, cost: cost) }
    }

    static func verify(_ password: String, hash: String, on pool: NIOThreadPool) async throws -> Bool {
        let input = prehash(password)
        return try await pool.runIfActive { (try? Bcrypt.verify(input, created: hash)) ?? false }
    }

    /// Verified against when the email is unknown, so both paths take the same time (same cost as
    /// real hashes). Made once per cost.
    private static let dummies = NIOLockedValueBox<[Int: String]>([:])
    static func dummyHash(cost: Int) -> String {
        dummies.withLockedValue { cache in
            if let h = cache[cost] { return h }
            let h = (try? Bcrypt.hash(prehash("dummy-password-for-timing"), cost: cost)) ?? ""
            cache[cost] = h
            return h
        }
    }
}

enum CommonPasswords {
    /// The most frequent passwords in public breach lists, with Indonesian favourites.
    static let set: Set<String> = [
        "12345678", "123456789", "1234567890", "password", "password1", "password123", "qwerty123", "qwertyuiop",
        "11111111", "00000000", "12341234", "87654321", "iloveyou", "sunshine", "princess", "football",
        "baseball", "welcome1", "welcome123", "admin123", "administrator", "letmein1", "trustno1", "superman",
        "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "asdfghjkl", "qwerty12", "abc12345", "abcd1234", "passw0rd",
        "p@ssw0rd", "p@ssword", "changeme", "monkey123", "dragon123", "master123", "michael1", "jennifer",
        "computer", "whatever", "starwars", "charlie1", "internet", "samsung1", "q1w2e3r4", "secret123",
        "indonesia", "indonesia1", "indonesia45", "merdeka45", "bismillah", "bismillah1", "alhamdulillah",
        "sayangku", "sayang123", "cintaku1", "rahasia1", "rahasia123", "katasandi", "katasandi1", "jakarta1",
        "surabaya", "surabaya1", "imigrasi", "imigrasi1", "imigrasi123", "sinergi1", "sinergi123", "timpora1",
        "garuda123", "pancasila", "bandung1", "persebaya", "persija1", "admin1234", "user1234", "test1234",
        "testtest", "guest123", "qwerty1234", "aaaaaaaa", "asdf1234", "zxcvbnm1", "1234qwer", "123123123",
        "123qweasd", "qweasdzxc", "111111111", "147258369", "789456123", "987654321", "password!", "demo1234",
    ]
}
