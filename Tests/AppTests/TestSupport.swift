@testable import App
import Fluent
import SQLKit
import Foundation
import NIOHTTP1
import SMTPSink
import Testing
import Vapor
import VaporTesting

/// Test databases: one template is migrated and seeded per test process, then every test gets its
/// own copy (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL). Set
/// `SINERGI_TEST_POSTGRES_URL` (a URL to the server's `postgres` database) to run on PostgreSQL.
actor TestDatabases {
    static let shared = TestDatabases()
    static let password = "Test-Password-2026"
    /// Fixed "now": 2026-11-30 12:00 WIB.
    static let now = Date(timeIntervalSince1970: 1_796_014_800)

    // A task, not a value: the actor is re-entered while the template is being built.
    private var templateTask: Task<String, any Error>?
    private let workDir = FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-tests-\(getpid())").path
    let postgresAdminURL = ProcessInfo.processInfo.environment["SINERGI_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    var isPostgres: Bool { postgresAdminURL != nil }

    func freshDatabaseURL(seeded: Bool = true) async throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var template: String?
        if seeded {
            if templateTask == nil { templateTask = Task { try await self.buildTemplate() } }
            template = try await templateTask!.value
        }
        if let admin = postgresAdminURL {
            try psql(admin, seeded ? "CREATE DATABASE \(name) TEMPLATE \(template!)" : "CREATE DATABASE \(name)")
            return Self.replaceDatabase(in: admin, with: name)
        }
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        let path = "\(workDir)/\(name).sqlite"
        if seeded { try FileManager.default.copyItem(atPath: template!, toPath: path) }
        return "sqlite://\(path)"
    }

    private func buildTemplate() async throws -> String {
        let url: String
        let result: String
        if let admin = postgresAdminURL {
            let name = "tpl_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
            try psql(admin, "CREATE DATABASE \(name)")
            url = Self.replaceDatabase(in: admin, with: name); result = name
        } else {
            try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
            result = "\(workDir)/template.sqlite"; url = "sqlite://\(result)"
        }
        let app = try await makeApp(url)
        do {
            try await app.autoMigrate()
            _ = try await DemoSeeder.run(on: app.db, seed: 1, today: app.today, password: Self.password, bcryptCost: 4, pool: app.threadPool, clock: app.clock)
            if !isPostgres { try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        return result
    }

    /// Drops a test's database once the test is over (each is a copy of the seeded template, ~16 MB on SQLite).
    func release(_ url: String) {
        if let admin = postgresAdminURL, let name = URLComponents(string: url)?.path.dropFirst(), name.hasPrefix("t_") {
            try? psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        } else if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            for suffix in ["", "-wal", "-shm", "-auditspool", "-auditspool-wal", "-auditspool-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    static func replaceDatabase(in url: String, with name: String) -> String {
        var c = URLComponents(string: url)!
        c.path = "/" + name
        return c.string!
    }

    /// Through `Child` (posix_spawn), not Foundation's Process: see there.
    private func psql(_ url: String, _ sql: String) throws {
        if try Child.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]) != 0 { throw TestSetupError(message: "psql failed: \(sql)") }
    }
}

struct TestSetupError: Error { let message: String }

/// For tests of what only SQLite has (its single write lock, the audit spool, bulk loads): skipped on PostgreSQL,
/// without making an app and a database for nothing.
let onSQLite = (ProcessInfo.processInfo.environment["SINERGI_TEST_POSTGRES_URL"] ?? "").isEmpty

func testEnvironment(_ url: String) -> [String: String] {
    // The second factor is required of admins and supervisors in AccountSecurityTests; elsewhere tests sign in with
    // the password alone.
    ["DATABASE_URL": url, "SINERGI_BCRYPT_COST": "4", "SINERGI_DEMO_PASSWORD": TestDatabases.password, "SINERGI_SCHEDULER": "off",
     "SINERGI_TOTP_ROLES": "none"]
}

func makeApp(_ url: String, extra: [String: String] = [:], adjust: (inout AppConfig) -> Void = { _ in }) async throws -> Application {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        app.clock = AppClock(now: { TestDatabases.now })
        var config = try AppConfig.fromEnvironment(testEnvironment(url).merging(extra) { $1 })
        adjust(&config)
        try await configure(app, config: config)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    return app
}

/// Runs `body` with an app on its own copy of the seeded demo database.
func withTestApp(seeded: Bool = true, extra: [String: String] = [:], adjust: (inout AppConfig) -> Void = { _ in },
                 _ body: (Application) async throws -> Void) async throws {
    let url = try await TestDatabases.shared.freshDatabaseURL(seeded: seeded)
    let app = try await makeApp(url, extra: extra, adjust: adjust)
    do {
        if seeded { try await TestOrders.standing(app) }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        await TestDatabases.shared.release(url)
        throw error
    }
    try await app.asyncShutdown()
    await TestDatabases.shared.release(url)
}

/// Two app instances on one seeded database, as two servers behind a load balancer would be.
func withTwoServers(_ body: (Application, Application) async throws -> Void) async throws {
    let url = try await TestDatabases.shared.freshDatabaseURL(seeded: true)
    let a = try await makeApp(url), b = try await makeApp(url)
    do {
        try await body(a, b)
    } catch {
        try? await a.asyncShutdown(); try? await b.asyncShutdown()
        await TestDatabases.shared.release(url)
        throw error
    }
    try await a.asyncShutdown(); try await b.asyncShutdown()
    await TestDatabases.shared.release(url)
}

/// A browser-like client: keeps cookies, reads the CSRF token from forms.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    init(_ app: Application) { self.app = app }

    var cookieHeader: HTTPHeaders {
        var h = HTTPHeaders()
        if !cookies.isEmpty { h.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        return h
    }

    @discardableResult
    func get(_ path: String, headers extra: [String: String] = [:]) async throws -> TestingHTTPResponse {
        var headers = cookieHeader
        for (k, v) in extra { headers.replaceOrAdd(name: k, value: v) }
        let res = try await app.testing().sendRequest(.GET, path, headers: headers)
        absorb(res)
        return res
    }

    @discardableResult
    func post(_ path: String, form: [String: String], csrf: Bool = true, headers extra: [String: String] = [:]) async throws -> TestingHTTPResponse {
        var fields = form
        if csrf, let token = cookies[CSRFMiddleware.cookieName] { fields["_csrf"] = token }
        var headers = cookieHeader
        headers.contentType = .urlEncodedForm
        for (k, v) in extra { headers.replaceOrAdd(name: k, value: v) }
        let body = fields.map { "\($0.key.formEscaped)=\($0.value.formEscaped)" }.joined(separator: "&")
        let res = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
        absorb(res)
        return res
    }

    func absorb(_ res: TestingHTTPResponse) {
        for value in res.headers[.setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pair.count == 2 else { continue }
            if value.contains("Max-Age=0") || pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
    }

    /// Visits the login page (for the CSRF cookie) and signs in.
    @discardableResult
    func login(_ email: String, password: String = TestDatabases.password) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", form: ["email": email, "password": password])
    }
}

extension String {
    var formEscaped: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}

func apiToken(_ app: Application, _ email: String, password: String = TestDatabases.password) async throws -> String {
    var headers = HTTPHeaders()
    headers.contentType = .json
    let res = try await app.testing().sendRequest(.POST, "/api/v1/auth/token", headers: headers,
                                                  body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"}"#))
    #expect(res.status == .ok)
    struct T: Decodable { var token: String }
    return try JSONDecoder().decode(T.self, from: Data(res.body.readableBytesView)).token
}

func bearer(_ token: String) -> HTTPHeaders {
    var h = HTTPHeaders()
    h.bearerAuthorization = BearerAuthorization(token: token)
    return h
}

/// The Surabaya office requires orders (surat perintah) for inspections and operations, as every office does by
/// default: tests that plan one name this standing order of the demo office, valid through November and December 2026.
enum TestOrders {
    static let sby = "0A0A0A0A-0000-4000-8000-000000000001"

    static func standing(_ app: Application) async throws {
        guard try await FieldOrder.find(UUID(uuidString: sby)!, on: app.db) == nil,
              let office = try await Office.query(on: app.db).filter(\.$code == "SBY").first() else { return }
        let staff = try await User.query(on: app.db).filter(\.$office.$id == office.id!).all().compactMap(\.id)
        let o = FieldOrder()
        o.id = UUID(uuidString: sby)!; o.officeID = office.id!; o.number = "SP-SBY-2026-0000"; o.purpose = "Pengawasan orang asing (tes)"
        o.officerIDs = String(decoding: try JSONEncoder().encode(staff), as: UTF8.self); o.areaCode = "35.16"; o.targets = nil
        o.validFrom = "2026-11-01"; o.validTo = "2026-12-31"; o.issuedBy = staff[0]; o.issuedAt = TestDatabases.now; o.issuedOn = "2026-11-01"
        try await o.create(on: app.db)
    }
}

/// A row with every kind of value a short reader (`InlineSQLite`, `PreparedPostgres`) must read exactly as the pooled
/// database does, and the statement that makes it (the NULL cast to text: PostgreSQL infers no type for a bare one).
struct EveryKindOfValue: Decodable, Equatable {
    var i: Int; var d: Double; var s: String; var b: Bool; var u: UUID; var t: Date; var n: String?; var bytes: Data; var big: Int64

    static func query() -> SQLQueryString {
        let id = UUID(), at = Date(timeIntervalSince1970: 1_796_000_000.25), blob = Data([0, 1, 2, 255])
        return """
            SELECT \(bind: 42) AS i, \(bind: 2.5) AS d, \(bind: "Surabaya · ü 中") AS s, \(bind: true) AS b, \(bind: id) AS u,
                   \(bind: at) AS t, CAST(\(bind: String?.none) AS TEXT) AS n, \(bind: blob) AS bytes, \(bind: Int64.max) AS big
            """
    }
}
