import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
@testable import App
import Testing
import Vapor
import VaporTesting

/// Stopping the server while requests are still being handled: they finish before the databases close.
@Suite struct ShutdownTests {
    /// A request whose handler still runs when the stop begins reads the database after the stop began, and answers.
    /// Before `DrainRequests`, the databases closed under it and the process crashed on its next database read.
    @Test func aStopWaitsForTheRequestsStillBeingHandled() async throws {
        let url = try await TestDatabases.shared.freshDatabaseURL()
        let app = try await makeApp(url)
        let started = NIOLockedValueBox(false)
        app.get("drain-probe") { req async throws -> String in
            started.withLockedValue { $0 = true }
            try await Task.sleep(for: .milliseconds(300))
            struct N: Decodable { var n: Int }
            let n = try await (req.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM foreigners").first(decoding: N.self)?.n ?? 0
            return "read \(n)"
        }
        let tester = try app.testing()
        let request = Task { try await tester.sendRequest(.GET, "/drain-probe") }
        while !started.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(app.inFlight.current == 1)
        let stopping = ContinuousClock.now
        try await app.asyncShutdown()
        // The stop waited for the handler (about 300 ms), which read the registry and answered.
        #expect(ContinuousClock.now - stopping > .milliseconds(150))
        let res = try await request.value
        #expect(res.status == .ok && res.body.string.hasPrefix("read ") && res.body.string != "read 0")
        await TestDatabases.shared.release(url)
    }
}
