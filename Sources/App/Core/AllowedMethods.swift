import Vapor

/// Which methods a path answers to, from the registered routes: a request with another method on a known path is
/// 405 with `Allow` (RFC 9110 §15.5.6), not 404. Built once after the routes are registered.
struct AllowedMethods: Sendable {
    private let routes: [(method: String, path: [PathComponent])]

    init(_ routes: Routes) {
        self.routes = routes.all.map { ($0.method.rawValue, $0.path) }
    }

    /// The methods of the routes matching `path` (HEAD wherever GET is), sorted; empty for an unknown path.
    func allowed(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var methods = Set<String>()
        for r in routes where Self.matches(r.path, segments) { methods.insert(r.method) }
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }

    static func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        var i = 0
        for component in pattern {
            switch component {
            case .catchall: return true
            case .constant(let c):
                guard i < segments.count, segments[i] == c else { return false }
            case .parameter, .anything:
                guard i < segments.count else { return false }
            }
            i += 1
        }
        return i == segments.count
    }
}

extension Application {
    private struct AllowedKey: StorageKey { typealias Value = AllowedMethods }
    /// Set once in `configure`, after the routes.
    var allowedMethods: AllowedMethods? {
        get { storage[AllowedKey.self] }
        set { storage[AllowedKey.self] = newValue }
    }
}
