import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A per-address request limit for endpoints that answer without a login (the region look-up behind the
/// public form): at most `limit` requests in any `window`, counted in this process. Over it: 429 with
/// `Retry-After`.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let hits = NIOLockedValueBox([String: [Date]]())

    init(limit: Int, window: TimeInterval) { self.limit = limit; self.window = window }

    /// Whether `key` may make another request at `now`; records it when it may.
    func allow(_ key: String, now: Date) -> Bool {
        hits.withLockedValue { all in
            let since = now.addingTimeInterval(-window)
            var recent = (all[key] ?? []).filter { $0 > since }
            // Forget idle addresses now and then, so the table cannot grow without bound.
            if all.count > 50_000 { all = all.filter { $0.value.last.map { $0 > since } ?? false } }
            guard recent.count < limit else { all[key] = recent; return false }
            recent.append(now)
            all[key] = recent
            return true
        }
    }
}

struct RateLimitMiddleware: AsyncMiddleware {
    let limiter: RateLimiter
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let key = req.clientAddress
        guard limiter.allow(key, now: req.application.clock.now()) else {
            throw AppError(status: .tooManyRequests, messageKey: "err.429", logDetail: "rate limit", args: [], retryAfter: Int(limiter.window))
        }
        return try await next.respond(to: req)
    }
}
