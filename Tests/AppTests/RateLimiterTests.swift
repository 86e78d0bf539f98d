@testable import App
import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite struct RateLimiterTests {
    @Test func theCountIsKeptInTheDatabaseSoEveryServerSharesIt() async throws {
        try await withTestApp { app in
            // Two servers: two limiters of the same name, in two processes; here two instances on one database.
            let a = RateLimiter("regions", limit: 3, window: 60), b = RateLimiter("regions", limit: 3, window: 60)
            let other = RateLimiter("forgot", limit: 3, window: 60)
            let t = Date(timeIntervalSince1970: 1_800_000_000)   // the start of a minute
            var allowed: [Bool] = []
            for k in 0..<5 { allowed.append(try await (k % 2 == 0 ? a : b).allow("10.0.0.7", now: t.addingTimeInterval(Double(k)), secret: nil, db: app.db)) }
            #expect(allowed == [true, true, true, false, false])
            // Another address, another limit: their own counts.
            #expect(try await a.allow("10.0.0.8", now: t, secret: nil, db: app.db))
            #expect(try await other.allow("10.0.0.7", now: t, secret: nil, db: app.db))
            // The next window starts again; the ended ones are cleared, and no address is stored in clear.
            #expect(try await b.allow("10.0.0.7", now: t.addingTimeInterval(60), secret: nil, db: app.db))
            struct Row: Decodable { var key: String; var window_end: Int64; var hits: Int }
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT key, window_end, hits FROM rate_limit_counts").all(decoding: Row.self)
            #expect(rows.count == 1 && rows[0].hits == 1 && rows[0].window_end == 1_800_000_120 && !rows[0].key.contains("10.0.0.7"))
        }
    }

    /// With a server key, what is stored for an address is its HMAC under the key — not its SHA-256, which anyone
    /// can recompute for every IPv4 address — and the limit counts the same; sign-in failures are keyed alike.
    @Test func withAServerKeyAddressesAreStoredAsKeyedPseudonyms() async throws {
        let key = (0..<32).map { UInt8($0 * 7 % 256) }
        try await withTestApp(extra: ["SINERGI_SECRET_KEY": Data(key).base64EncodedString()]) { app in
            #expect(app.config.secretKey == key)
            let limiter = RateLimiter("regions", limit: 2, window: 60)
            let t = Date(timeIntervalSince1970: 1_800_000_000)
            var allowed: [Bool] = []
            for k in 0..<3 { allowed.append(try await limiter.allow("10.0.0.7", now: t.addingTimeInterval(Double(k)), secret: key, db: app.db)) }
            #expect(allowed == [true, true, false])
            struct Row: Decodable { var key: String }
            let stored = try await (app.db as! any SQLDatabase).raw("SELECT key FROM rate_limit_counts").all(decoding: Row.self).map(\.key)
            let expected = Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data("regions:10.0.0.7".utf8), using: SymmetricKey(data: key)))
            #expect(stored == [expected] && expected != Tokens.digest("regions:10.0.0.7") && expected.count == 64)
            // A wrong password through the API is counted under the keyed pseudonyms of the e-mail and the address.
            var h = HTTPHeaders(); h.contentType = .json
            _ = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: h,
                                                    body: ByteBuffer(string: #"{"email":"officer@demo.sinergi.id","password":"wrong-password-1"}"#))
            let failures = try await SignInFailure.query(on: app.db).all().map(\.key)
            #expect(failures.contains(SignInThrottle.accountKey("officer@demo.sinergi.id", secret: key)))
            #expect(!failures.contains(SignInThrottle.accountKey("officer@demo.sinergi.id", secret: nil)) && failures.count == 2)
        }
    }

    @Test func concurrentRequestsNeverPassTheLimit() async throws {
        try await withTestApp { app in
            let limiter = RateLimiter("regions", limit: 10, window: 60)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<30 { group.addTask { try await limiter.allow("10.0.0.9", now: now, secret: nil, db: app.db) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == 10)
        }
    }
}
