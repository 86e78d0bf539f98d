import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Request counts and latencies by route pattern (never the path itself: no ids or search terms), kept in memory
/// and written in the Prometheus text format at `GET /metrics` with gauges read from the database at scrape time:
/// the outbox backlog, import jobs by state, audit events, sign-in failures. No dependency: the exposition format
/// is a few lines of text.
final class Metrics: Sendable {
    struct Key: Hashable, Sendable { var method: String; var route: String; var status: Int }
    struct Series: Sendable { var count = 0; var sum = 0.0; var buckets: [Int] }

    /// Latency bucket bounds in seconds.
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let series = NIOLockedValueBox<[Key: Series]>([:])

    func observe(method: String, route: String, status: Int, seconds: Double) {
        series.withLockedValue { all in
            var s = all[Key(method: method, route: route, status: status)] ?? Series(buckets: Array(repeating: 0, count: Self.bounds.count))
            s.count += 1
            s.sum += seconds
            for (i, b) in Self.bounds.enumerated() where seconds <= b { s.buckets[i] += 1 }
            all[Key(method: method, route: route, status: status)] = s
        }
    }

    static func escape(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The request series, then `gauges` (name, help, labelled values).
    func render(gauges: [(name: String, help: String, values: [(labels: String, value: Double)])]) -> String {
        let snapshot = series.withLockedValue { $0 }.sorted { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }
        var out = "# HELP sinergi_http_requests_total HTTP requests by method, route pattern and status.\n# TYPE sinergi_http_requests_total counter\n"
        for (k, s) in snapshot {
            out += "sinergi_http_requests_total{method=\"\(k.method)\",route=\"\(Self.escape(k.route))\",status=\"\(k.status)\"} \(s.count)\n"
        }
        out += "# HELP sinergi_http_request_duration_seconds Time to answer, by method and route pattern.\n# TYPE sinergi_http_request_duration_seconds histogram\n"
        var byRoute: [String: Series] = [:]
        var labels: [String: String] = [:]
        for (k, s) in snapshot {
            let id = k.method + " " + k.route
            labels[id] = "method=\"\(k.method)\",route=\"\(Self.escape(k.route))\""
            var agg = byRoute[id] ?? Series(buckets: Array(repeating: 0, count: Self.bounds.count))
            agg.count += s.count; agg.sum += s.sum
            for i in agg.buckets.indices { agg.buckets[i] += s.buckets[i] }
            byRoute[id] = agg
        }
        for id in byRoute.keys.sorted() {
            let s = byRoute[id]!, l = labels[id]!
            for (i, b) in Self.bounds.enumerated() { out += "sinergi_http_request_duration_seconds_bucket{\(l),le=\"\(b)\"} \(s.buckets[i])\n" }
            out += "sinergi_http_request_duration_seconds_bucket{\(l),le=\"+Inf\"} \(s.count)\n"
            out += "sinergi_http_request_duration_seconds_sum{\(l)} \(s.sum)\n"
            out += "sinergi_http_request_duration_seconds_count{\(l)} \(s.count)\n"
        }
        for g in gauges {
            out += "# HELP \(g.name) \(g.help)\n# TYPE \(g.name) gauge\n"
            for v in g.values { out += g.name + (v.labels.isEmpty ? "" : "{\(v.labels)}") + " \(v.value)\n" }
        }
        return out
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = Metrics }
    /// Set once in `configure`.
    var metrics: Metrics {
        get { storage[MetricsKey.self]! }
        set { storage[MetricsKey.self] = newValue }
    }
}

/// `GET /metrics`: the scrape token (`SINERGI_METRICS_TOKEN`) or an admin's API token, as a bearer token.
enum MetricsController {
    static func register(_ app: Application) {
        app.get("metrics", use: scrape)
    }

    static func scrape(_ req: Request) async throws -> Response {
        guard let bearer = req.headers.bearerAuthorization else { throw Abort(.unauthorized) }
        let scrapeToken = req.application.config.metricsToken
        if !(scrapeToken.map { Tokens.constantTimeEqual($0, bearer.token) } ?? false) {
            guard let (p, _) = try await Principal.load(tokenHash: Tokens.digest(bearer.token), now: req.application.clock.now(),
                                                   on: req.db, today: req.application.today) else { throw Abort(.unauthorized) }
            guard ScopePolicy.isAdmin(p) else { throw Abort(.forbidden) }
        }
        let sql = req.db as! any SQLDatabase
        struct Count: Decodable { var k: String; var n: Int }
        let outbox = try await sql.raw("SELECT status AS k, COUNT(*) AS n FROM outbox_messages GROUP BY status").all(decoding: Count.self)
        let imports = try await sql.raw("SELECT status AS k, COUNT(*) AS n FROM agency_imports GROUP BY status").all(decoding: Count.self)
        struct Seq: Decodable { var seq: Int64 }
        let audit = try await sql.raw("SELECT seq FROM audit_head WHERE id = 1").first(decoding: Seq.self)?.seq ?? 0
        let since = req.application.clock.now().addingTimeInterval(-SignInThrottle.window)
        let failures = try await SignInFailure.query(on: req.db).filter(\.$at > since).filter(\.$key =~ "acct:").countRows()
        let sessions = try await SessionRecord.query(on: req.db).filter(\.$expiresAt > req.application.clock.now()).countRows()
        let text = req.application.metrics.render(gauges: [
            ("sinergi_outbox_messages", "E-mails in the outbox by state (pending and failed are the backlog).", outbox.map { ("status=\"\(Metrics.escape($0.k))\"", Double($0.n)) }),
            ("sinergi_import_jobs", "Agency list imports by state.", imports.map { ("status=\"\(Metrics.escape($0.k))\"", Double($0.n)) }),
            ("sinergi_audit_events", "Events on the audit chain.", [("", Double(audit))]),
            ("sinergi_sign_in_failures_15m", "Failed sign-ins in the last 15 minutes.", [("", Double(failures))]),
            ("sinergi_web_sessions", "Browser sessions in force.", [("", Double(sessions))]),
        ])
        let res = Response(status: .ok, body: .init(string: text))
        res.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return res
    }
}
