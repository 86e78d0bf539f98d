import Fluent
import Foundation
import SQLKit
import Vapor

/// A per-address request limit for endpoints that answer without a login (the region look-up behind the
/// public form, "forgot password"): at most `limit` requests in each `window` (fixed windows: each minute of
/// the clock for a 60-second one). Counted in the database, one row per key and window, so that the limit
/// holds across servers behind a load balancer and across restarts. Over it: 429 with `Retry-After`.
final class RateLimiter: Sendable {
    /// Names the limit in the stored key, so two limits never share a count.
    let name: String
    let limit: Int
    let window: TimeInterval

    init(_ name: String, limit: Int, window: TimeInterval) { self.name = name; self.limit = limit; self.window = window }

    /// Whether `key` may make another request at `now`; counts it. One atomic statement (an upsert that returns
    /// the new count), so concurrent requests on several servers are never both let through at the limit.
    /// `secret`: the server's secret key (`Tokens.pseudonym`).
    func allow(_ key: String, now: Date, secret: [UInt8]?, db: any Database) async throws -> Bool {
        let seconds = Int64(max(1, window))
        let ends = (Int64(now.timeIntervalSince1970.rounded(.down)) / seconds + 1) * seconds
        // The address is personal data: only a pseudonym of it is stored.
        let stored = Tokens.pseudonym(name + ":" + key, secret: secret)
        struct Row: Decodable { var hits: Int }
        let sql = db as! any SQLDatabase
        let hits = try await sql.raw("""
            INSERT INTO rate_limit_counts (key, window_end, hits) VALUES (\(bind: stored), \(bind: ends), 1)
            ON CONFLICT (key, window_end) DO UPDATE SET hits = rate_limit_counts.hits + 1 RETURNING hits
            """).first(decoding: Row.self)?.hits ?? 1
        // A key's first request in a window clears the windows that have ended, so the table cannot grow without bound.
        if hits == 1 {
            try await sql.raw("DELETE FROM rate_limit_counts WHERE window_end <= \(bind: Int64(now.timeIntervalSince1970.rounded(.down)))").run()
        }
        return hits <= limit
    }
}

struct RateLimitMiddleware: RouteMiddleware {
    let limiter: RateLimiter
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let key = req.clientAddress
        guard try await limiter.allow(key, now: req.application.clock.now(), secret: req.application.config.secretKey, db: req.db) else {
            throw AppError(status: .tooManyRequests, messageKey: "err.429", logDetail: "rate limit", args: [], retryAfter: Int(limiter.window))
        }
        return try await next.respond(to: req)
    }
}

/// The counts of `RateLimiter`: one row per limit, address digest and window (its end, in seconds since 1970).
struct M038_RateLimits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("rate_limit_counts")
            .field("key", .string, .required)
            .field("window_end", .int64, .required)
            .field("hits", .int, .required)
            .unique(on: "key", "window_end")
            .create()
        try await (db as! any SQLDatabase).create(index: "rate_limit_counts_end_idx").on("rate_limit_counts").column("window_end").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("rate_limit_counts").delete()
    }
}
