import Dispatch
import Vapor

/// Threads of their own for work that computes for long: the reconciliation of an agency list, the daily warning
/// scan, and requests that write (uploads are read, unpacked and checked there: imports, registry batches,
/// photos) or whose GET route is marked `computes()` (reports over a whole list, a file's preview).
///
/// `sinergi serve` runs Swift's tasks on the HTTP event loops (`NIOSingletons`' executor take-over, see
/// `Entrypoint`): a request's handler then continues on the thread that read it and its database answers, without
/// two thread switches per query. A job that computed for seconds there would hold up every connection of that
/// event loop; with this executor as their task executor preference, it and its child tasks (task groups, `async
/// let`; not `Task {}`, which keeps no preference) run here instead, and only come back to an event loop for their
/// I/O. Without the take-over (tests, other commands) it changes nothing but the threads used.
public final class ComputeExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = ComputeExecutor()

    private let queue = DispatchQueue(label: "sinergi.compute", qos: .utility, attributes: .concurrent)
    private static let marker = DispatchSpecificKey<Bool>()

    private init() {
        queue.setSpecific(key: Self.marker, value: true)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Whether the calling code runs on one of this executor's threads.
    public static var isCurrent: Bool { DispatchQueue.getSpecific(key: marker) == true }

    /// A detached task whose work runs on these threads, and so does the work of its child tasks (task groups,
    /// `async let`); a `Task {}` it starts keeps no preference.
    @discardableResult
    static func detached<T: Sendable>(_ operation: sending @escaping @isolated(any) () async -> T) -> Task<T, Never> {
        Task.detached(executorPreference: shared, operation: operation)
    }
}

extension Route {
    /// Marks a GET route whose answer is computed over a whole list (a report, a CSV): it runs on `ComputeExecutor`.
    @discardableResult
    func computes() -> Route {
        userInfo["computes"] = true
        return self
    }
}

/// Whether a request's work runs on `ComputeExecutor`: it writes, or its GET route is marked `computes()`.
enum ComputeRouting {
    static func computes(_ route: Route) -> Bool {
        route.method != .GET && route.method != .HEAD || route.userInfo["computes"] as? Bool == true
    }

    static func executor(for req: Request) -> (any TaskExecutor)? {
        req.route.map(computes) == true ? ComputeExecutor.shared : nil
    }
}

/// The project's route-group middleware (`RequireRole`, the authenticators, CSRF, rate limits). Vapor runs each async
/// middleware, and then the handler, in a new task of its own, and a new task keeps no executor preference: so these
/// start that task themselves, on `ComputeExecutor` when the route computes (`ComputeRouting`), and call the handler
/// inside it instead of letting it start yet another. Every route's innermost middleware is one of these.
protocol RouteMiddleware: AsyncMiddleware {}

extension RouteMiddleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let promise = request.eventLoop.makePromise(of: Response.self)
        Task(executorPreference: ComputeRouting.executor(for: request)) {
            do {
                let inner = AsyncBasicResponder { req in
                    if let handler = next as? any AsyncResponder { return try await handler.respond(to: req) }
                    return try await next.respond(to: req).get()
                }
                promise.succeed(try await self.respond(to: request, chainingTo: inner))
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }
}

/// A route without group middleware gets the same through its responder (`install`, once every route is registered).
/// A grouped route's responder is its middleware chain, whose innermost `RouteMiddleware` already starts its task on
/// `ComputeExecutor`: it is left as it is (wrapping it would add one task per request for nothing).
struct ComputeResponder: AsyncResponder {
    let inner: any Responder

    func respond(to req: Request) async throws -> Response {
        try await withTaskExecutorPreference(ComputeExecutor.shared) {
            if let inner = inner as? any AsyncResponder { return try await inner.respond(to: req) }
            return try await inner.respond(to: req).get()
        }
    }

    static func install(on routes: Routes) {
        for route in routes.all where ComputeRouting.computes(route) && isHandler(route.responder) {
            route.responder = ComputeResponder(inner: route.responder)
        }
    }

    /// Whether a route's responder is its handler itself (async or not), not a middleware chain.
    static func isHandler(_ responder: any Responder) -> Bool {
        responder is any AsyncResponder || responder is BasicResponder
    }
}
