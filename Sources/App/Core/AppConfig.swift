import Foundation

/// Every setting the app reads, parsed once from the environment. A bad value stops start-up with a
/// one-line message naming the variable; nothing else in the code reads the environment.
public struct AppConfig: Sendable {
    public enum DatabaseKind: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var database: DatabaseKind
    /// The address users reach the app at; its scheme decides whether cookies are marked Secure.
    public var publicURL: String
    public var secureCookies: Bool
    public var bcryptCost: Int
    public var sessionLifetime: TimeInterval
    public var tokenLifetime: TimeInterval
    public var maxBodySize: Int
    /// Largest agency list accepted for import (SINERGI_MAX_UPLOAD_MB, default 64).
    public var maxUploadSize: Int
    public var demoPassword: String?
    public var timeZone: TimeZone

    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let problem: String
        public var description: String { "configuration error: \(variable) \(problem)" }
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        let database = try parseDatabaseURL(env["DATABASE_URL"] ?? "sqlite://var/sinergi.sqlite")
        let publicURL = env["SINERGI_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        guard let scheme = URLComponents(string: publicURL)?.scheme, ["http", "https"].contains(scheme) else {
            throw Invalid(variable: "SINERGI_PUBLIC_URL", problem: "must start with http:// or https:// (got \"\(publicURL)\")")
        }
        let cost = try int(env, "SINERGI_BCRYPT_COST", default: 12, range: 4...16)
        let sessionHours = try int(env, "SINERGI_SESSION_HOURS", default: 12, range: 1...168)
        let tokenHours = try int(env, "SINERGI_TOKEN_HOURS", default: 8, range: 1...168)
        let maxBodyKB = try int(env, "SINERGI_MAX_BODY_KB", default: 1024, range: 16...(512 * 1024))
        let maxUploadMB = try int(env, "SINERGI_MAX_UPLOAD_MB", default: 64, range: 1...1024)
        let tzName = env["SINERGI_TIMEZONE"] ?? "Asia/Jakarta"
        guard let tz = TimeZone(identifier: tzName) else {
            throw Invalid(variable: "SINERGI_TIMEZONE", problem: "is not a known time zone (got \"\(tzName)\"; e.g. Asia/Jakarta)")
        }
        var demo = env["SINERGI_DEMO_PASSWORD"]
        if let d = demo, d.isEmpty { demo = nil }
        if let d = demo, let problem = PasswordPolicy.problem(with: d, email: nil) {
            throw Invalid(variable: "SINERGI_DEMO_PASSWORD", problem: "is not acceptable: \(problem.english)")
        }
        return AppConfig(
            database: database, publicURL: publicURL, secureCookies: scheme == "https", bcryptCost: cost,
            sessionLifetime: TimeInterval(sessionHours * 3600), tokenLifetime: TimeInterval(tokenHours * 3600),
            maxBodySize: maxBodyKB * 1024, maxUploadSize: maxUploadMB * 1024 * 1024, demoPassword: demo, timeZone: tz
        )
    }

    static func parseDatabaseURL(_ raw: String) throws -> DatabaseKind {
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw Invalid(variable: "DATABASE_URL", problem: "has no file path (use sqlite:///abs/path.sqlite or sqlite://relative/path.sqlite)")
            }
            return .sqlite(path: path)
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            guard let c = URLComponents(string: raw), let host = c.host, !host.isEmpty, c.path.count > 1 else {
                throw Invalid(variable: "DATABASE_URL", problem: "is not a valid postgres URL (expected postgres://user:pass@host:port/db)")
            }
            return .postgres(url: raw)
        }
        throw Invalid(variable: "DATABASE_URL", problem: "must start with sqlite:// or postgres:// (got scheme of \"\(raw.prefix(12))…\")")
    }

    private static func int(_ env: [String: String], _ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = env[key], !raw.isEmpty else { return value }
        guard let n = Int(raw), range.contains(n) else {
            throw Invalid(variable: key, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\")")
        }
        return n
    }
}
