import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import NIOSSL
import SQLKit
import Vapor

/// Sets up the database, middleware, routes and commands from one `AppConfig`.
public func configure(_ app: Application, config: AppConfig) async throws {
    ContentConfiguration.global.use(decoder: GuardedFormDataDecoder(), for: .formData)
    var config = config
    if config.secretKey == nil, let file = config.secretKeyFile {
        if let found = try SecretKeyFile.read(file) {
            config.secretKey = found.key
            if found.readableByOthers { app.logger.warning("the server key file \(file) can be read by other users: chmod 600 it") }
        } else if case .postgres = config.database {
            // Every server of one PostgreSQL database needs the same key: one made here would differ from the others'.
            throw SecretKeyFile.Unusable(path: file, problem: "does not exist: with PostgreSQL make one key (openssl rand -base64 32 > FILE) and copy it to every server")
        } else if config.makesKeyFile {
            let made = try SecretKeyFile.loadOrCreate(file)
            config.secretKey = made.key
            if made.created {
                app.logger.notice("made the server key in \(file): keep a copy of it with the database's backups")
                // A first start as root leaves a file the service's own user cannot read on its next start.
                if getuid() == 0 { app.logger.warning("the server key file \(file) was made by root: chown it to the user the server runs as") }
            }
        }
    } else if let env = config.secretKey, let file = config.unusedKeyFile, let found = try? SecretKeyFile.read(file), found.key != env {
        // Two keys: the environment's is used, and whatever the file's key sealed does not open with it.
        app.logger.warning("SINERGI_SECRET_KEY is set and the key file \(file) holds another key: the environment's is used; keep one of them")
    }
    app.config = config
    // Blocking work (SQLite calls, bcrypt, file parsing) runs here: more threads than cores, so one long
    // query or job cannot make every page wait behind it.
    app.threadPool = NIOThreadPool(numberOfThreads: max(8, 4 * System.coreCount))
    app.countsCache = CountsCache()
    app.ruleBookCache = RuleBookCache()
    app.auditCommitter = AuditCommitter()
    app.auditPageCheck = AuditPageCheck()
    app.metrics = Metrics()
    app.routes.defaultMaxBodySize = ByteCount(integerLiteral: config.maxBodySize)
    app.http.server.configuration.hostname = "127.0.0.1"
    app.http.server.configuration.port = 8080
    // Log lines name routes and statuses, never personal data: the default request logger prints
    // full URLs (with search terms), so it is replaced by one that logs the path pattern only.
    app.middleware = Middlewares()
    app.inFlight = InFlightRequests()
    app.middleware.use(InFlightMiddleware())
    app.middleware.use(RequestLogMiddleware())
    if config.principalCache { app.middleware.use(PrincipalCacheMiddleware()) }   // passes through where nothing is kept (SQLite)
    app.middleware.use(SafeErrorMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())

    switch config.database {
    case .sqlite(let path):
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        if let inline = InlineSQLite.path(config) {
            app.inlineReads = InlineSQLite.Pool(path: inline)
            if config.inlineAuditWriter { app.inlineAuditWriter = InlineSQLite.AuditWriter(path: inline) }
        }
        // Background work (imports, reconciliation) gets its own connections: SQLite has one
        // connection per event loop, and a long read or write there would stall the pages served on it.
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqliteJobs, isDefault: false)
        // Audited reads: the main file with a brief wait for its write lock, and the spool (`AuditSpool`).
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqliteBrief, isDefault: false)
        app.databases.use(.sqlite(.file(AuditSpool.path(forDatabase: path)), sqlLogLevel: .trace), as: .sqliteAuditSpool, isDefault: false)
    case .postgres(let url):
        // On this machine through its Unix socket (AppConfig.postgresSocket): no TCP between the two processes.
        var pg = try AppConfig.postgresSocket(url).map { socket in
            let c = URLComponents(string: url)
            return SQLPostgresConfiguration(unixDomainSocketPath: socket, username: c?.user ?? "postgres", password: c?.password,
                                            database: c.map { String($0.path.dropFirst()) })
        } ?? SQLPostgresConfiguration(url: url)
        pg.searchPath = nil
        app.databases.use(.postgres(configuration: pg, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        app.preparedReads = config.inlineReads
        if config.principalCache {
            app.principalCache = PrincipalCache()
            app.lifecycle.use(PrincipalListener(configuration: pg.coreConfiguration))
        }
    }
    app.migrations.add(Migrations.all(app.config))
    try await tuneSQLite(app)
    if case .sqlite = config.database {
        app.auditCommitter = AuditCommitter(spool: try await AuditSpool.open(app))
        app.lifecycle.use(AuditSpoolLifecycle())
    }

    app.importJobs = ImportJobs()
    app.lifecycle.use(ImportJobsShutdown())
    app.outboxSender = OutboxSender()
    app.lifecycle.use(AlertsScheduler())
    // Last, so that it stops first: requests still being handled finish before anything they use stops.
    app.lifecycle.use(DrainRequests())
    routes(app)
    ComputeResponder.install(on: app.routes)
    app.allowedMethods = AllowedMethods(app.routes)
    app.formPages = FormPages(app.routes)
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(UsersCommand(), as: "users")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(AlertsCommand(), as: "alerts")
    app.asyncCommands.use(RegistryCommand(), as: "registry")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(RetentionCommand(), as: "retention")
    app.asyncCommands.use(ExportCommand(), as: "export")
}

/// The part of an SQLite database read through a memory map (the kernel's page cache, shared by every connection).
let sqliteMapBytes = 1 << 30

/// Runs `body` on `conn` (one SQLite connection) without the memory map and, when given, with a page cache of
/// `cacheKiB`; both are put back afterwards, also when `body` throws. For work that reads or writes much of the
/// file at once (a registry batch, ANALYZE): every page read through the map stays resident (up to 1 GiB).
func withoutMemoryMap<T>(_ conn: any SQLDatabase, cacheKiB: Int? = nil, _ body: () async throws -> T) async throws -> T {
    func set(map: Int, cache: Int?) async throws {
        try await conn.raw("PRAGMA mmap_size = \(unsafeRaw: String(map))").run()
        if let cache { try await conn.raw("PRAGMA cache_size = \(unsafeRaw: String(-cache))").run() }
    }
    try await set(map: 0, cache: cacheKiB)
    let result: T
    do { result = try await body() } catch {
        try? await set(map: sqliteMapBytes, cache: cacheKiB.map { _ in 2_000 })
        throw error
    }
    try await set(map: sqliteMapBytes, cache: cacheKiB.map { _ in 2_000 })
    return result
}

/// SQLite: WAL (one writer, many readers without blocking), a 20 s busy timeout, foreign keys and a memory map on
/// every pooled connection (one per event loop). A registry delta of 10,000 rows on a million-person registry
/// holds the write lock 5–7 s on this machine; with 5 s, an audited read (it writes its audit event) waiting
/// behind it failed with "database is locked". Waiting longer is slower but loses nothing.
func tuneSQLite(_ app: Application) async throws {
    guard case .sqlite = app.config.database else { return }
    for (id, loop) in app.eventLoopGroup.makeIterator().flatMap({ loop in [DatabaseID.sqlite, .sqliteJobs, .sqliteBrief, .sqliteAuditSpool].map { ($0, loop) } }) {
        let db = app.databases.database(id, logger: app.logger, on: loop)! as! any SQLDatabase
        try await db.raw("PRAGMA journal_mode = WAL").run()
        let wait = id == .sqliteBrief ? AuditSpool.briefBusyMilliseconds : 20000
        try await db.raw("PRAGMA busy_timeout = \(unsafeRaw: String(wait))").run()
        try await db.raw("PRAGMA synchronous = NORMAL").run()
        try await db.raw("PRAGMA foreign_keys = ON").run()
        // Reads through a memory map instead of a read() call per page: a name look-up over a million people
        // touches thousands of pages, and the copies out of the kernel were a third of its time.
        try await db.raw("PRAGMA mmap_size = \(unsafeRaw: String(sqliteMapBytes))").run()
    }
    try await refreshStatistics(app.db, onlyIfMissing: true)
}

/// Table statistics for SQLite's query planner: without them (or with sampled ones, which misjudge a column
/// where one value covers most rows, like the regency of a single-office registry) it may walk a million-row
/// index for a look-up the primary key answers in microseconds. A full ANALYZE takes about a second at a
/// million foreigners, so start-up runs it only when a database has none yet; bulk loads refresh the tables
/// they filled (`table`). PostgreSQL's autovacuum does this by itself.
func refreshStatistics(_ db: any Database, table: String? = nil, onlyIfMissing: Bool = false) async throws {
    guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
    if onlyIfMissing {
        struct N: Decodable { var n: Int }
        let exists = try await sql.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").first(decoding: N.self)?.n ?? 0
        if exists > 0, (try await sql.raw("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'foreigners'").first(decoding: N.self)?.n ?? 0) > 0 { return }
    }
    // One connection, without the memory map: ANALYZE reads every page once.
    try await db.withConnection { conn in
        let c = conn as! any SQLDatabase
        try await c.raw("PRAGMA analysis_limit = 0").run()
        try await withoutMemoryMap(c) {
            if let table { try await c.raw("ANALYZE \(ident: table)").run() } else { try await c.raw("ANALYZE").run() }
        }
    }
}

func routes(_ app: Application) {
    let web = app.grouped(CSRFMiddleware(), SessionAuthenticator())
    let api = app.grouped("api", "v1").grouped(BearerAuthenticator())
    StaticAssets.register(app)
    FieldApp.register(app)
    SystemController.register(root: app, api: api)
    MetricsController.register(app)
    RegionsController.register(api: api)
    AuthController.register(web: web, api: api)
    AccountController.register(web: web, api: api)
    DashboardController.register(web: web, api: api)
    ForeignersController.register(web: web, api: api)
    RegistryFeedController.register(api: api)
    RegistryEditsController.register(web: web, api: api)
    ProposedChangesController.register(web: web, api: api)
    SponsorsController.register(web: web)
    SponsorEditsController.register(web: web, api: api)
    AccountsController.register(web: web, api: api)
    ReferenceAdminController.register(web: web, api: api)
    RulesController.register(web: web, api: api)
    OrdersController.register(web: web, api: api)
    SponsorAccountsController.register(web: web, api: api)
    LookupController.register(web: web, api: api)
    PublicReportsController.register(web: web, api: api)
    ImportsController.register(web: web, api: api, maxUpload: app.config.maxUploadSize)
    DailyReportsController.register(web: web, api: api)
    TasksController.register(web: web, api: api)
    LeaderController.register(web: web)
    OperationsController.register(web: web, api: api)
    InspectionsController.register(web: web, api: api)
    CoordinationController.register(web: web, api: api)
    NotificationsController.register(web: web, api: api)
    AdminController.register(web: web)
    SponsorReportsController.register(web: web, api: api)
    AlertsController.register(web: web, api: api)
    ForeignWorkersController.register(web: web, api: api)
}

/// One line per request: method, route pattern (not the raw URL, which may carry names or passport
/// numbers in the query), status and duration.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let res = try await next.respond(to: req)
        let route = req.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(no route)"
        let elapsed = ContinuousClock.now - start
        let ms = Int(elapsed / .milliseconds(1))
        req.logger.info("\(req.method) \(route) \(res.status.code) \(ms)ms")
        req.application.metrics.observe(method: req.method.rawValue, route: route, status: Int(res.status.code),
                                        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return res
    }
}

extension DatabaseID {
    /// SQLite connections for background jobs (see `configure`).
    static let sqliteJobs = DatabaseID(string: "sqlite-jobs")
}

extension Application {
    /// The database for long-running background work: on SQLite separate connections, so pages keep
    /// being served while a job reads or writes; on PostgreSQL the shared pool.
    var jobsDB: any Database {
        if case .sqlite = config.database { return db(.sqliteJobs) }
        return db
    }

    /// For small writes that may be skipped or put elsewhere when they would wait: on SQLite connections that wait
    /// only a moment for the write lock (`AuditSpool.briefBusyMilliseconds`); on PostgreSQL the shared pool.
    var briefDB: any Database {
        if case .sqlite = config.database { return db(.sqliteBrief) }
        return db
    }
}
