import Foundation
import SMTP

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
    /// Where e-mail goes (SMTP_URL); nil keeps messages in the outbox until one is configured.
    public var smtp: SMTPConfiguration? = nil
    /// The sender address of every e-mail (SINERGI_MAIL_FROM).
    public var mailFrom: String = "sinergi@localhost.localdomain"
    /// Days before a permit's end on which its sponsor is warned (SINERGI_WARNING_DAYS, default 60,30,14,7,0).
    public var warningDays: [Int] = [60, 30, 14, 7, 0]
    /// An overstay is warned about when it began at most this many days ago (SINERGI_OVERSTAY_WINDOW_DAYS);
    /// older ones are on the officers' overstay list, not in a sponsor's daily digest.
    public var overstayWindowDays: Int = 60
    /// The local hour from which the day's warning scan runs (SINERGI_ALERTS_HOUR, default 7).
    public var alertsHour: Int = 7
    /// Whether the server runs the warning scan and the outbox sender itself (SINERGI_SCHEDULER=off when
    /// cron runs `sinergi alerts run` instead).
    public var schedulerEnabled: Bool = true
    /// Whether `sinergi serve` runs Swift's tasks on its HTTP event loops (SINERGI_EVENT_LOOP_TASKS, default on; see
    /// `ComputeExecutor`); off, they run on Swift's own thread pool.
    public var eventLoopTasks: Bool = true
    /// Whether short reads (a token's principal, a passport look-up, a record by id) run through statements prepared
    /// once (SINERGI_INLINE_READS, default on): on SQLite on the asking thread (`InlineSQLite`), on PostgreSQL once per
    /// connection (`PreparedPostgres`); off, through SQLiteNIO or unnamed statements.
    public var inlineReads: Bool = true
    /// Whether the audit group commit writes through its own connection and thread (`InlineSQLite.AuditWriter`);
    /// `SINERGI_INLINE_READS=reads` keeps the reads inline and the commit on SQLiteNIO, to measure the two apart.
    public var inlineAuditWriter: Bool = true
    /// On PostgreSQL, whether API tokens' principals are kept between requests while nothing they are made of changes
    /// (`PrincipalCache`; SINERGI_PRINCIPAL_CACHE, default on; off to compare).
    public var principalCache: Bool = true
    /// The key file that would be read if `SINERGI_SECRET_KEY` were unset: a second key there is warned about.
    public var unusedKeyFile: String?
    /// A message claimed by a sender that died (a kill, a crash) is sent again this long after its claim
    /// (SINERGI_OUTBOX_LEASE_SECONDS, default 10 minutes). A server holds one claim at a time, for one SMTP
    /// transaction, so the lease must outlast the longest one; shorter only for tests.
    public var outboxLease: TimeInterval = 10 * 60
    /// The wait after a message's first temporary failure, doubled after each further one (at most 6 hours;
    /// SINERGI_OUTBOX_RETRY_SECONDS, default 60).
    public var outboxRetry: TimeInterval = 60
    /// DKPTKA compensation per foreign worker per month in US dollars (SINERGI_DKPTKA_USD; PP 34/2021: 100).
    public var dkptkaMonthlyUSD: Int = 100
    /// Roles that must sign in with a second factor (SINERGI_TOTP_ROLES, default admin,supervisor; `none` for
    /// none). Everyone else may turn it on for themself.
    public var totpRoles: Set<Role> = [.admin, .supervisor]
    /// A web session unused this long ends (SINERGI_IDLE_MINUTES, default 60).
    public var idleTimeout: TimeInterval = 3600
    /// Reverse proxies whose `X-Forwarded-For` is believed (SINERGI_TRUSTED_PROXIES: addresses or IPv4 CIDR
    /// blocks, comma-separated). Without it the client address is the connection's peer.
    public var trustedProxies: [String] = []
    /// A bearer token for Prometheus to scrape `/metrics` with (SINERGI_METRICS_TOKEN, at least 24 characters); an
    /// admin's API token works too.
    public var metricsToken: String?
    /// The key that seals users' second-factor secrets at rest (SINERGI_SECRET_KEY: 32 bytes as 64 hex digits or
    /// base64; else read from `secretKeyFile` by `configure`); none keeps them in clear (`SecretBox`).
    public var secretKey: [UInt8]?
    /// Where the key is kept when SINERGI_SECRET_KEY is unset (SINERGI_SECRET_KEY_FILE): made on first start
    /// (`SecretKeyFile`). On SQLite it defaults to the database's path + `.key`, so that one server is protected
    /// without setting anything; on PostgreSQL there is no default, as several servers must share one key. `none`:
    /// no key file.
    public var secretKeyFile: String?
    /// Whether a missing key file is made (`sinergi serve`, on SQLite); other commands only read it.
    public var makesKeyFile = false
    /// Audit events of concurrent reads committed together (SINERGI_AUDIT_GROUP_COMMIT, default on; off writes each in
    /// its own transaction, for comparison in the benchmark).
    public var auditGroupCommit = true
    /// One JSON object per log line (LOG_FORMAT=json), for log collectors; the lines carry the same (no personal data).
    public var jsonLogs = false
    /// How long each kind of personal data is kept (SINERGI_RETAIN_*_DAYS).
    public var retention = RetentionPolicy()

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
        var config = AppConfig(
            database: database, publicURL: publicURL, secureCookies: scheme == "https", bcryptCost: cost,
            sessionLifetime: TimeInterval(sessionHours * 3600), tokenLifetime: TimeInterval(tokenHours * 3600),
            maxBodySize: maxBodyKB * 1024, maxUploadSize: maxUploadMB * 1024 * 1024, demoPassword: demo, timeZone: tz
        )
        if let raw = env["SMTP_URL"], !raw.isEmpty {
            do { config.smtp = try SMTPConfiguration(url: raw) } catch {
                throw Invalid(variable: "SMTP_URL", problem: "\(error)")
            }
        }
        if let from = env["SINERGI_MAIL_FROM"], !from.isEmpty {
            guard (try? MailAddress(from)) != nil else {
                throw Invalid(variable: "SINERGI_MAIL_FROM", problem: "is not an e-mail address (got \"\(from)\")")
            }
            config.mailFrom = from
        }
        if let raw = env["SINERGI_WARNING_DAYS"], !raw.isEmpty {
            let days = raw.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !days.isEmpty, days.allSatisfy({ $0 != nil && (0...365).contains($0!) }) else {
                throw Invalid(variable: "SINERGI_WARNING_DAYS", problem: "must be whole numbers of days from 0 to 365 separated by commas, e.g. 60,30,14,7,0 (got \"\(raw)\")")
            }
            config.warningDays = Array(Set(days.map { $0! })).sorted(by: >)
        }
        config.overstayWindowDays = try int(env, "SINERGI_OVERSTAY_WINDOW_DAYS", default: 60, range: 1...3650)
        config.alertsHour = try int(env, "SINERGI_ALERTS_HOUR", default: 7, range: 0...23)
        config.outboxLease = TimeInterval(try int(env, "SINERGI_OUTBOX_LEASE_SECONDS", default: 600, range: 1...86_400))
        config.outboxRetry = TimeInterval(try int(env, "SINERGI_OUTBOX_RETRY_SECONDS", default: 60, range: 1...3600))
        config.dkptkaMonthlyUSD = try int(env, "SINERGI_DKPTKA_USD", default: 100, range: 1...100_000)
        if let raw = env["SINERGI_TOTP_ROLES"], !raw.isEmpty {
            if raw.lowercased() == "none" { config.totpRoles = [] } else {
                var roles: Set<Role> = []
                for part in raw.split(separator: ",") {
                    guard let r = Role(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()), r != .integration else {
                        throw Invalid(variable: "SINERGI_TOTP_ROLES", problem: "must be none or roles among admin, supervisor, officer, agency, sponsor separated by commas (got \"\(raw)\")")
                    }
                    roles.insert(r)
                }
                config.totpRoles = roles
            }
        }
        config.retention.publicReportDays = try int(env, "SINERGI_RETAIN_PUBLIC_REPORTS_DAYS", default: 730, range: 30...3650)
        config.retention.publicReportPhotoDays = try int(env, "SINERGI_RETAIN_PHOTOS_DAYS", default: 180, range: 1...3650)
        config.retention.notificationDays = try int(env, "SINERGI_RETAIN_NOTIFICATIONS_DAYS", default: 180, range: 7...3650)
        config.retention.closedTaskDays = try int(env, "SINERGI_RETAIN_CLOSED_TASKS_DAYS", default: 730, range: 30...3650)
        config.retention.sentMailDays = try int(env, "SINERGI_RETAIN_SENT_MAIL_DAYS", default: 90, range: 1...3650)
        if let t = env["SINERGI_METRICS_TOKEN"], !t.isEmpty {
            guard t.count >= 24 else { throw Invalid(variable: "SINERGI_METRICS_TOKEN", problem: "must be at least 24 characters long") }
            config.metricsToken = t
        }
        if let raw = env["SINERGI_SECRET_KEY"], !raw.isEmpty {
            guard let key = SecretBox.parseKey(raw) else {
                throw Invalid(variable: "SINERGI_SECRET_KEY", problem: "must be 32 bytes as 64 hex digits or in base64 (e.g. the output of openssl rand -base64 32)")
            }
            config.secretKey = key
        }
        let file = env["SINERGI_SECRET_KEY_FILE"]?.trimmingCharacters(in: .whitespaces)
        var keyFile: String?
        switch file {
        case let none? where none.lowercased() == "none": keyFile = nil
        case let path? where !path.isEmpty: keyFile = path
        default:
            if case .sqlite(let path) = database { keyFile = path + ".key" }
        }
        // With the key in the environment the file is not read, only checked for another key (`configure`).
        if config.secretKey == nil { config.secretKeyFile = keyFile } else { config.unusedKeyFile = keyFile }
        switch env["SINERGI_AUDIT_GROUP_COMMIT"]?.lowercased() ?? "on" {
        case "on", "": config.auditGroupCommit = true
        case "off": config.auditGroupCommit = false
        case let other: throw Invalid(variable: "SINERGI_AUDIT_GROUP_COMMIT", problem: "must be on or off (got \"\(other)\")")
        }
        switch env["LOG_FORMAT"]?.lowercased() ?? "" {
        case "", "text": config.jsonLogs = false
        case "json": config.jsonLogs = true
        case let other: throw Invalid(variable: "LOG_FORMAT", problem: "must be text or json (got \"\(other)\")")
        }
        config.idleTimeout = TimeInterval(try int(env, "SINERGI_IDLE_MINUTES", default: 60, range: 5...1440) * 60)
        if let raw = env["SINERGI_TRUSTED_PROXIES"], !raw.isEmpty {
            let items = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for item in items where !ClientAddress.isValidProxyEntry(item) {
                throw Invalid(variable: "SINERGI_TRUSTED_PROXIES", problem: "must be IP addresses or IPv4 CIDR blocks separated by commas, e.g. 127.0.0.1,10.0.0.0/8 (got \"\(item)\")")
            }
            config.trustedProxies = items
        }
        switch env["SINERGI_SCHEDULER"]?.lowercased() ?? "on" {
        case "on", "": config.schedulerEnabled = true
        case "off": config.schedulerEnabled = false
        case let other: throw Invalid(variable: "SINERGI_SCHEDULER", problem: "must be on or off (got \"\(other)\")")
        }
        switch env["SINERGI_INLINE_READS"]?.lowercased() ?? "on" {
        case "on", "": (config.inlineReads, config.inlineAuditWriter) = (true, true)
        case "reads": (config.inlineReads, config.inlineAuditWriter) = (true, false)
        case "off": (config.inlineReads, config.inlineAuditWriter) = (false, false)
        case let other: throw Invalid(variable: "SINERGI_INLINE_READS", problem: "must be on, reads or off (got \"\(other)\")")
        }
        switch env["SINERGI_PRINCIPAL_CACHE"]?.lowercased() ?? "on" {
        case "on", "": config.principalCache = true
        case "off": config.principalCache = false
        case let other: throw Invalid(variable: "SINERGI_PRINCIPAL_CACHE", problem: "must be on or off (got \"\(other)\")")
        }
        switch env["SINERGI_EVENT_LOOP_TASKS"]?.lowercased() ?? "on" {
        case "on", "": config.eventLoopTasks = true
        case "off": config.eventLoopTasks = false
        case let other: throw Invalid(variable: "SINERGI_EVENT_LOOP_TASKS", problem: "must be on or off (got \"\(other)\")")
        }
        return config
    }

    /// The Unix socket of a PostgreSQL URL in libpq's form for a server on this machine (no host; `host=` names the
    /// socket's directory): `<directory>/.s.PGSQL.<port>`, the port 5432 unless given. nil for a URL with a host.
    static func postgresSocket(_ raw: String) -> String? {
        // Only host=: pg_dump would also read port=, user= or dbname= from the query, and the server must not connect
        // elsewhere than its backups do (parseDatabaseURL refuses such a URL).
        guard let c = URLComponents(string: raw), (c.host ?? "").isEmpty, let items = c.queryItems, items.count == 1,
              items[0].name == "host", let dir = items[0].value, dir.hasPrefix("/") else { return nil }
        return (dir.hasSuffix("/") ? String(dir.dropLast()) : dir) + "/.s.PGSQL.\(c.port ?? 5432)"
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
            // A host, or libpq's form for a server on this machine: no host, and the socket's directory as `host=`
            // (postgres://user@/db?host=/var/run/postgresql), which pg_dump and pg_restore read as it is.
            guard let c = URLComponents(string: raw), !(c.host ?? "").isEmpty || postgresSocket(raw) != nil, c.path.count > 1 else {
                throw Invalid(variable: "DATABASE_URL", problem: "is not a valid postgres URL (expected postgres://user:pass@host:port/db, or postgres://user@/db?host=/socket/directory)")
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
