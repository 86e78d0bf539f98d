import NIOConcurrencyHelpers
import Vapor

/// Requests still being handled. A handler goes on after its client has gone (a phone losing its network, a load test
/// ending): Vapor's server stops when its connections are closed, not when their handlers are done. Stopping the
/// server (SIGTERM) then shut the databases down under those handlers, and the next one to reach for a database
/// crashed the process (measured: 3 of 3 stops right after 128 clients disconnected). `DrainRequests` waits for them.
final class InFlightRequests: Sendable {
    private let count = NIOLockedValueBox(0)

    var current: Int { count.withLockedValue { $0 } }
    func enter() { count.withLockedValue { $0 += 1 } }
    func leave() { count.withLockedValue { $0 -= 1 } }
}

/// The outermost middleware: counts a request from its first middleware to its last line, whether or not the client
/// is still there to read the answer.
struct InFlightMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let inFlight = req.application.inFlight
        inFlight.enter()
        defer { inFlight.leave() }
        return try await next.respond(to: req)
    }
}

/// Registered last, so it stops first: before the jobs, the audit spool and the databases stop, the requests still in
/// flight finish (at most `limit`; a request still running then is logged, and the stop goes on).
struct DrainRequests: LifecycleHandler {
    var limit: Duration = .seconds(20)

    func shutdownAsync(_ app: Application) async {
        let deadline = ContinuousClock.now + limit
        while app.inFlight.current > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = app.inFlight.current
        if left > 0 { app.logger.warning("stopping with \(left) requests still being handled after \(limit)") }
    }
}

extension Application {
    private struct InFlightKey: StorageKey { typealias Value = InFlightRequests }
    /// Requests being handled now (`InFlightMiddleware`); set by `configure`.
    var inFlight: InFlightRequests {
        get { storage[InFlightKey.self]! }
        set { storage[InFlightKey.self] = newValue }
    }
}
