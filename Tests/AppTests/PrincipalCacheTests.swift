import Fluent
import Foundation
import SQLKit
@testable import App
import Testing
import Vapor
import VaporTesting

/// API tokens' principals kept between requests on PostgreSQL, forgotten on every change (`PrincipalCache`).
@Suite struct PrincipalCacheTests {
    private static let principal = Principal(userID: UUID(), email: "petugas@contoh.go.id", displayName: "Petugas", role: .officer,
                                             officeID: nil, officeName: nil, officeTimeZone: nil, jurisdiction: ["35.78"], agencyID: nil,
                                             agencyName: nil, agencyRegionCode: nil, sponsorID: nil, sponsorName: nil)

    @Test func keepsAPrincipalOnlyWhileNothingCouldHaveChangedIt() throws {
        let c = PrincipalCache(), now = Date(timeIntervalSince1970: 1_796_014_800), expires = now + 3_600, today = "2026-11-30"
        // While nobody listens for changes, nothing is kept.
        #expect(c.generation() == nil)
        c.setListening(true)
        let g = try #require(c.generation())
        c.store(Self.principal, tokenHash: "h", expires: expires, today: today, generation: g)
        #expect(c.principal(tokenHash: "h", now: now, today: today)?.userID == Self.principal.userID)
        #expect(c.principal(tokenHash: "other", now: now, today: today) == nil)
        // The token expired, or the day changed (an agent's grants end on their expiry day): read again.
        #expect(c.principal(tokenHash: "h", now: expires, today: today) == nil)
        c.store(Self.principal, tokenHash: "h", expires: expires, today: today, generation: try #require(c.generation()))
        #expect(c.principal(tokenHash: "h", now: now, today: "2026-12-01") == nil)
        // A change forgets every entry.
        c.store(Self.principal, tokenHash: "h", expires: expires, today: today, generation: try #require(c.generation()))
        c.invalidate()
        #expect(c.principal(tokenHash: "h", now: now, today: today) == nil)
        // A read that began before a change is not kept after it.
        let before = try #require(c.generation())
        c.invalidate()
        c.store(Self.principal, tokenHash: "h", expires: expires, today: today, generation: before)
        #expect(c.principal(tokenHash: "h", now: now, today: today) == nil)
        // The listener going down forgets everything and keeps nothing until it is back.
        c.store(Self.principal, tokenHash: "h", expires: expires, today: today, generation: try #require(c.generation()))
        c.setListening(false)
        #expect(c.principal(tokenHash: "h", now: now, today: today) == nil && c.generation() == nil)
    }

    /// A request that writes forgets the server's principals before it answers, without waiting for a notification:
    /// here nothing sends one (SQLite, a cache set up by hand and marked as listening), so only that forgetting refuses
    /// the revoked token on the next request.
    @Test func aWriteForgetsThisServersPrincipalsBeforeItAnswers() async throws {
        guard await !TestDatabases.shared.isPostgres else { return }
        try await withTestApp { app in
            let cache = PrincipalCache()
            cache.setListening(true)
            app.principalCache = cache
            let kept = try await apiToken(app, "officer@demo.sinergi.id"), other = try await apiToken(app, "officer@demo.sinergi.id")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/account", headers: bearer(kept)).status == .ok)
            #expect(cache.principal(tokenHash: Tokens.digest(kept), now: app.clock.now(), today: app.today) != nil)
            struct Item: Decodable { var id: String; var current: Bool }
            struct Page: Decodable { var items: [Item] }
            let mine = try JSONDecoder().decode(Page.self, from: Data(try await app.testing().sendRequest(.GET, "/api/v1/account/sessions", headers: bearer(kept)).body.readableBytesView))
            let id = try #require(mine.items.first(where: \.current)?.id)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/account/sessions/\(id)/revoke", headers: bearer(other)).status.code < 300)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/account", headers: bearer(kept)).status == .unauthorized)
            app.principalCache = nil
        }
    }

    /// The listener keeps principals only while it hears its own pings and finds every trigger: with a trigger dropped
    /// it stops (and says so in the log); its connection ended by the database, it stops, then listens again.
    @Test func theListenerTrustsOnlyAChannelItHasChecked() async throws {
        guard await TestDatabases.shared.isPostgres else { return }
        try await withTestApp { app in
            try await app.asyncBoot()
            let cache = try #require(app.principalCache)
            func becomes(_ on: Bool, within seconds: Int) async throws -> Bool {
                for _ in 0..<(seconds * 100) {
                    if cache.isListening == on { return true }
                    try await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            #expect(try await becomes(true, within: 5))
            let sql = app.db as! any SQLDatabase
            // The database ends the listener's connection: nothing is kept until it has listened again.
            try await sql.raw("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_notify%'
                """).run()
            #expect(try await becomes(false, within: 2))
            #expect(try await becomes(true, within: 8))
            // A trigger gone (a server started before migrate, a trigger dropped by hand): nothing is kept.
            try await sql.raw("DROP TRIGGER agent_grants_principals_changed ON agent_grants").run()
            #expect(try await becomes(false, within: 8))
            #expect(cache.generation() == nil)
        }
    }

    /// Two servers on one PostgreSQL. A token used on server B is kept there; deleted (revoked) through server A, it is
    /// refused by B as soon as the change's notification arrives. The same for an account disabled through A. Revoked
    /// through B itself, it is refused by B on the next request.
    @Test func aChangeThroughOneServerReachesTheOthersPrincipals() async throws {
        guard await TestDatabases.shared.isPostgres else { return }
        try await withTwoServers { a, b in
            for app in [a, b] {
                try await app.asyncBoot()   // as `serve` does: the listener starts with the application
                for _ in 0..<500 where !(app.principalCache?.isListening ?? false) { try await Task.sleep(for: .milliseconds(10)) }
                #expect(app.principalCache?.isListening == true)
            }
            func status(_ token: String) async throws -> HTTPStatus {
                try await b.testing().sendRequest(.GET, "/api/v1/account", headers: bearer(token)).status
            }
            func refusedSoon(_ token: String) async throws -> Bool {
                for _ in 0..<200 {
                    if try await status(token) == .unauthorized { return true }
                    try await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            let sql = a.db as! any SQLDatabase
            let revoked = try await apiToken(a, "officer@demo.sinergi.id")
            // The token's own creation on A notifies B too; until that notification has arrived, what B reads is not
            // kept (or is forgotten when it arrives). So B is asked until it keeps the principal.
            func keptOnB(_ token: String) async throws -> Bool {
                for _ in 0..<200 {
                    #expect(try await status(token) == .ok)
                    if b.principalCache?.principal(tokenHash: Tokens.digest(token), now: b.clock.now(), today: b.today) != nil { return true }
                    try await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            #expect(try await keptOnB(revoked))
            try await sql.raw("DELETE FROM api_tokens WHERE token_hash = \(bind: Tokens.digest(revoked))").run()
            #expect(try await refusedSoon(revoked))

            // Revoked through the same server: refused on the very next request, before any notification.
            let kept = try await apiToken(b, "officer@demo.sinergi.id"), other = try await apiToken(b, "officer@demo.sinergi.id")
            #expect(try await status(kept) == .ok)
            struct Item: Decodable { var id: String; var current: Bool }
            struct Page: Decodable { var items: [Item] }
            let mine = try JSONDecoder().decode(Page.self, from: Data(try await b.testing().sendRequest(.GET, "/api/v1/account/sessions", headers: bearer(kept)).body.readableBytesView))
            let id = try #require(mine.items.first(where: \.current)?.id)
            #expect(try await b.testing().sendRequest(.POST, "/api/v1/account/sessions/\(id)/revoke", headers: bearer(other)).status.code < 300)
            #expect(try await status(kept) == .unauthorized)

            let disabled = try await apiToken(a, "supervisor@demo.sinergi.id")
            #expect(try await status(disabled) == .ok)
            try await sql.raw("UPDATE users SET disabled = \(bind: true) WHERE email = 'supervisor@demo.sinergi.id'").run()
            #expect(try await refusedSoon(disabled))
        }
    }
}
