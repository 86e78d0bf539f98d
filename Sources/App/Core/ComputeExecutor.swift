import Dispatch
import Vapor

/// Threads of their own for work that computes for long: the reconciliation of an agency list, the daily warning
/// scan, and requests that write (uploads are read, unpacked and checked there: imports, registry batches,
/// photos) or that are marked `Route.computes` (reports over a whole list).
///
/// `sinergi serve` runs Swift's tasks on the HTTP event loops (`NIOSingletons`' executor take-over, see
/// `Entrypoint`): a request's handler then continues on the thread that read it and its database answers, without
/// two thread switches per query. A job that computed for seconds there would hold up every connection of that
/// event loop; with this executor as their task executor preference, it and the tasks it starts run here instead,
/// and only come back to an event loop for their I/O. Without the take-over (tests, other commands) it changes
/// nothing but the threads used.
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

    /// A detached task whose work, and the work of the tasks it starts, runs on these threads.
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

/// Requests that write, and routes marked `computes()`, run on `ComputeExecutor` (see there); reads stay on the
/// event loop that received them. It wraps each such route's responder (its own middleware included) rather than
/// being a middleware: Vapor runs every async middleware and handler in a task of its own, and a new task does not
/// keep its creator's executor preference.
struct ComputeResponder: AsyncResponder {
    let inner: any Responder

    func respond(to req: Request) async throws -> Response {
        try await withTaskExecutorPreference(ComputeExecutor.shared) {
            if let inner = inner as? any AsyncResponder { return try await inner.respond(to: req) }
            return try await inner.respond(to: req).get()
        }
    }

    static func computes(_ route: Route) -> Bool {
        route.method != .GET && route.method != .HEAD || route.userInfo["computes"] as? Bool == true
    }

    /// Called once every route is registered.
    static func install(on routes: Routes) {
        for route in routes.all where computes(route) { route.responder = ComputeResponder(inner: route.responder) }
    }
}
