import AuditChain
import Crypto
import Fluent
import SQLKit
import Vapor

/// The signed-in user with everything the scope policy needs, loaded once per request.
struct Principal: Sendable {
    let userID: UUID
    let email: String
    let displayName: String
    let role: Role
    let officeID: UUID?
    let officeName: String?
    let officeTimeZone: String?
    let jurisdiction: [String]        // regency codes, for officers and supervisors
    let agencyID: UUID?
    let agencyName: String?
    let agencyRegionCode: String?
    let sponsorID: UUID?
    let sponsorName: String?
    var isSponsorAdmin = false
    /// An agent acting for a sponsor under a grant: the grant, the agent's organisation, and the foreigners it
    /// covers (nil: the whole company).
    var agentGrantID: UUID?
    var agentOrg: String?
    var agentForeigners: [UUID]?

    /// The user with the names of their office, agency and sponsor and the office's regencies: one query (it runs on
    /// every request). Read through an API token or a browser session, that row's own columns come with it.
    fileprivate struct Row: Decodable {
        var user_id: UUID
        var email: String
        var display_name: String
        var role: String
        var disabled: Bool
        var sponsor_admin: Bool?
        var agent_org: String?
        var office_id: UUID?
        var agency_id: UUID?
        var sponsor_id: UUID?
        var office_name: String?
        var office_time_zone: String?
        var agency_name: String?
        var agency_region_code: String?
        var sponsor_name: String?
        /// The office's regency codes, comma-separated (none contains a comma).
        var regencies: String?
        var token_expires_at: Date?
        var token_acting_for: UUID?
        var session_created_at: Date?
        var session_expires_at: Date?
        var session_last_seen_at: Date?
        var session_stage: String?
        var session_acting_for: UUID?
    }

    /// The principal's row, from `source` (a FROM clause naming the user `u`; `o`, `a`, `s` and `j` are taken) where
    /// `condition` holds; `extra`: further columns of `source`'s other table, after a comma.
    private static func row(_ sql: any SQLDatabase, extra: SQLQueryString = "", from source: SQLQueryString, where condition: SQLQueryString) async throws -> Row? {
        let concat: SQLQueryString = sql.dialect.name == "postgresql" ? "string_agg(j.regency_code, ',')" : "group_concat(j.regency_code, ',')"
        return try await sql.raw("""
            SELECT u.id AS user_id, u.email, u.display_name, u.role, u.disabled, u.sponsor_admin, u.agent_org, u.office_id, u.agency_id,
                   u.sponsor_id, o.name AS office_name, o.time_zone AS office_time_zone, a.name AS agency_name,
                   a.region_code AS agency_region_code, s.name AS sponsor_name,
                   (SELECT \(concat) FROM office_jurisdictions j WHERE j.office_id = u.office_id) AS regencies\(extra)
            FROM \(source) LEFT JOIN offices o ON o.id = u.office_id LEFT JOIN agencies a ON a.id = u.agency_id
                 LEFT JOIN sponsors s ON s.id = u.sponsor_id
            WHERE \(condition)
            """).first(decoding: Row.self)
    }

    /// `today`: grants end on their expiry day; `actingFor`: an agent's chosen company (its latest grant otherwise).
    /// One query (the user with the names and regencies), and for an agent two more (the grants in force, the company chosen).
    static func load(userID: UUID, on db: any Database, today: String, actingFor: UUID? = nil) async throws -> Principal? {
        guard let user = try await row(db as! any SQLDatabase, from: "users u", where: "u.id = \(bind: userID)") else { return nil }
        return try await make(user, on: db, today: today, actingFor: actingFor)
    }

    /// The principal of an API token that has not expired at `now`, in one query with the token (agents: see `load`).
    /// The principal and the token's expiry.
    static func load(tokenHash: String, now: Date, on db: any Database, reading: (any SQLDatabase)? = nil, today: String) async throws -> (Principal, expires: Date)? {
        guard let user = try await row(reading ?? db as! any SQLDatabase, extra: ", t.expires_at AS token_expires_at, t.acting_for AS token_acting_for",
                                       from: "api_tokens t JOIN users u ON u.id = t.user_id", where: "t.token_hash = \(bind: tokenHash)"),
              let expires = user.token_expires_at, expires > now,
              let principal = try await make(user, on: db, today: today, actingFor: user.token_acting_for) else { return nil }
        return (principal, expires)
    }

    /// A browser session's row and its user's, in one query; the principal is made only when the session is a full
    /// one (`BrowserSession.principal`). nil: no such session.
    static func session(tokenHash: String, on db: any Database, reading: (any SQLDatabase)? = nil) async throws -> BrowserSession? {
        guard let user = try await row(reading ?? db as! any SQLDatabase, extra: """
                , ss.created_at AS session_created_at, ss.expires_at AS session_expires_at, ss.last_seen_at AS session_last_seen_at,
                  ss.stage AS session_stage, ss.acting_for AS session_acting_for
                """, from: "user_sessions ss JOIN users u ON u.id = ss.user_id", where: "ss.token_hash = \(bind: tokenHash)"),
              let created = user.session_created_at, let expires = user.session_expires_at else { return nil }
        return BrowserSession(createdAt: created, expiresAt: expires, lastSeenAt: user.session_last_seen_at,
                              stage: user.session_stage.flatMap(SessionStage.init(rawValue:)), user: user)
    }

    /// A session as `SessionAuthenticator` needs it, with its user's row.
    struct BrowserSession {
        let createdAt: Date
        let expiresAt: Date
        let lastSeenAt: Date?
        let stage: SessionStage?
        fileprivate let user: Row

        func principal(on db: any Database, today: String) async throws -> Principal? {
            try await Principal.make(user, on: db, today: today, actingFor: user.session_acting_for)
        }
    }

    fileprivate static func make(_ user: Row, on db: any Database, today: String, actingFor: UUID?) async throws -> Principal? {
        guard !user.disabled else { return nil }
        let userID = user.user_id
        let role = Role(rawValue: user.role) ?? .sponsor
        let jurisdiction = user.office_id == nil ? [] : (user.regencies ?? "").split(separator: ",").map(String.init).sorted()
        var p = Principal(
            userID: userID, email: user.email, displayName: user.display_name, role: role,
            officeID: user.office_id, officeName: user.office_name, officeTimeZone: user.office_time_zone, jurisdiction: jurisdiction,
            agencyID: user.agency_id, agencyName: user.agency_name, agencyRegionCode: user.agency_region_code,
            sponsorID: user.sponsor_id, sponsorName: user.sponsor_name)
        p.isSponsorAdmin = role == .sponsor && (user.sponsor_admin ?? false) && user.sponsor_id != nil
        if role == .sponsor, let org = user.agent_org {
            // An agent sees a sponsor's data only under a grant in force today.
            let grants = try await SponsorAccounts.activeGrants(agent: userID, today: today, db: db)
            let g = grants.first { $0.sponsorID == actingFor } ?? grants.first
            var sponsor: Sponsor?
            if let g { sponsor = try await Sponsor.find(g.sponsorID, on: db) }
            p = Principal(userID: userID, email: user.email, displayName: user.display_name, role: .sponsor, officeID: nil, officeName: nil, officeTimeZone: nil,
                          jurisdiction: [], agencyID: nil, agencyName: nil, agencyRegionCode: nil, sponsorID: g?.sponsorID, sponsorName: sponsor?.name)
            p.agentOrg = org
            p.agentGrantID = g?.id
            // Every grant in force from that company counts: the whole company if one says so, else all their foreigners.
            let fromCompany = grants.filter { $0.sponsorID == g?.sponsorID }
            p.agentForeigners = g == nil ? [] : fromCompany.contains { $0.foreigners == nil } ? nil : Array(Set(fromCompany.flatMap { $0.foreigners ?? [] }))
        }
        return p
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }
    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    func requirePrincipal() throws -> Principal {
        guard let p = principal else { throw Abort(.unauthorized) }
        return p
    }
}

enum Tokens {
    /// 32 random bytes, URL-safe base64.
    static func random() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The stored form of a token or session cookie: its SHA-256 in lower-case hex (on every signed-in request).
    static func digest(_ token: String) -> String { hex(SHA256.hash(data: Data(token.utf8))) }

    /// A stored stand-in for an address or e-mail that throttles and limits count by: HMAC-SHA256 under the server's
    /// secret key when it has one (an address cannot then be found again by hashing all four billion of them), plain
    /// SHA-256 otherwise. Every server of one database must have the same key (as for sealed second-factor keys).
    static func pseudonym(_ text: String, secret: [UInt8]?) -> String {
        guard let secret else { return digest(text) }
        return hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: secret)))
    }

    /// Lower-case hex of a digest (the audit chain's encoder).
    static func hex(_ bytes: some Sequence<UInt8>) -> String { AuditHash.hex(bytes) }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

enum SessionCookie {
    static let name = "sinergi_session"

    static func make(_ token: String, config: AppConfig) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, maxAge: Int(config.sessionLifetime), path: "/", isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    static func expired(config: AppConfig) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
}

/// Loads the principal from the session cookie (web pages). Expired sessions, and sessions unused for longer
/// than the idle timeout, are removed. A session waiting for its second-factor code carries no principal; one whose
/// user must still set up a second factor reaches only that page (and sign-out).
struct SessionAuthenticator: RouteMiddleware {
    /// Pages a session in the `enrol` stage may open.
    static let enrolPaths: Set<String> = [AccountPageURL.twoFactor.path, SiteURL.logout.path]

    /// The signed-in user of a request no route answered (an error page), read only: a live, fully signed-in session's
    /// principal is set; nothing is written, an ended session is left to the next page to end.
    static func peek(_ req: Request) async {
        guard let token = req.cookies[SessionCookie.name]?.string, !token.isEmpty,
              let session = try? await Principal.session(tokenHash: Tokens.digest(token), on: req.db, reading: req.quickReads) else { return }
        let now = req.application.clock.now()
        guard session.stage == nil, session.expiresAt > now,
              now.timeIntervalSince(session.lastSeenAt ?? session.createdAt) <= req.application.config.idleTimeout,
              let p = try? await session.principal(on: req.db, today: req.application.today), p.role != .integration else { return }
        req.principal = p
    }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = req.cookies[SessionCookie.name]?.string, !token.isEmpty {
            let hash = Tokens.digest(token)
            // The session with its user in one query (it runs on every page).
            if let session = try await Principal.session(tokenHash: hash, on: req.db, reading: req.quickReads) {
                let now = req.application.clock.now()
                let stage = session.stage
                let idleFor = now.timeIntervalSince(session.lastSeenAt ?? session.createdAt)
                if session.expiresAt <= now || idleFor > (stage == .code ? SessionStage.codeLifetime : req.application.config.idleTimeout) {
                    try await SessionRecord.query(on: req.db).filter(\.$id == hash).delete()
                    if stage == nil, session.expiresAt > now { req.sessionEndedIdle = true }
                } else if stage == .code {
                    req.pendingSignIn = try await SessionRecord.find(hash, on: req.db)
                } else if let p = try await session.principal(on: req.db, today: req.application.today), p.role != .integration {
                    // (The integration role never uses the web pages, whatever session it might hold.)
                    req.principal = p
                    if idleFor > 60 {
                        // Seen at most once a minute: an active user keeps the session, without a write per request.
                        // On SQLite it waits only a moment for the write lock (a registry batch may hold it for
                        // seconds); when it is held, the next request of the minute tries again.
                        do {
                            try await SessionRecord.query(on: req.application.briefDB).filter(\.$id == hash).set(\.$lastSeenAt, to: now).update()
                        } catch where AuditSpool.isBusy(error) {}
                    }
                    if stage == .enrol {
                        req.enrolOnly = true
                        if !Self.enrolPaths.contains(req.url.path), !req.url.path.hasPrefix("/lang/") {
                            if req.method == .GET { return req.redirect(to: AccountPageURL.twoFactor.path) }
                            throw AppError.forbidden("tfa.enrolFirst")
                        }
                    }
                }
            }
        }
        return try await next.respond(to: req)
    }
}

extension Request {
    private struct PendingKey: StorageKey { typealias Value = SessionRecord }
    private struct IdleKey: StorageKey { typealias Value = Bool }
    private struct EnrolKey: StorageKey { typealias Value = Bool }
    /// The session may open only the second factor's set-up page: pages show no menu that would lead nowhere.
    var enrolOnly: Bool {
        get { storage[EnrolKey.self] ?? false }
        set { storage[EnrolKey.self] = newValue }
    }
    /// A session that has passed the password and waits for the second-factor code.
    var pendingSignIn: SessionRecord? {
        get { storage[PendingKey.self] }
        set { storage[PendingKey.self] = newValue }
    }
    /// The browser's session just ended for being idle (the sign-in page says so).
    var sessionEndedIdle: Bool {
        get { storage[IdleKey.self] ?? false }
        set { storage[IdleKey.self] = newValue }
    }
}

/// Where a browser session stands before it is a full one.
enum SessionStage: String, Sendable {
    /// The password was right; the second factor's code is awaited (for at most `codeLifetime`), with no principal.
    case code
    /// The role requires a second factor the user has not set up: only the set-up page opens.
    case enrol

    static let codeLifetime: TimeInterval = 5 * 60
}

/// Loads the principal from `Authorization: Bearer …` (API). API routes never read the session cookie,
/// so they need no CSRF protection.
struct BearerAuthenticator: RouteMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            let hash = Tokens.digest(bearer.token), now = req.application.clock.now(), today = req.application.today
            // On PostgreSQL, kept while nothing it is made of changes (`PrincipalCache`).
            let cache = req.application.principalCache
            if let kept = cache?.principal(tokenHash: hash, now: now, today: today) {
                req.principal = kept
                return try await next.respond(to: req)
            }
            let generation = cache?.generation()
            guard let (principal, expires) = try await Principal.load(tokenHash: hash, now: now, on: req.db, reading: req.quickReads, today: today) else {
                throw AppError(status: .unauthorized, messageKey: "err.token", logDetail: "invalid or expired token")
            }
            if let cache, let generation { cache.store(principal, tokenHash: hash, expires: expires, today: today, generation: generation) }
            req.principal = principal
        }
        return try await next.respond(to: req)
    }
}

/// Route-group guard: the roles allowed on a group are declared where the routes are registered.
struct RequireRole: RouteMiddleware {
    let roles: Set<Role>
    init(_ roles: Role...) { self.roles = Set(roles) }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let p = req.principal else {
            if req.isAPI { throw Abort(.unauthorized) }
            let target = req.url.path == "/" ? "/login" : "/login?next=\(req.url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            // A session that just ended for being idle says so on the sign-in page.
            return req.sessionEndedIdle ? Flash.redirect(req, to: target, "login.idle") : req.redirect(to: target)
        }
        guard roles.contains(p.role) else { throw Abort(.forbidden) }
        return try await next.respond(to: req)
    }
}

extension Request {
    /// Answered in JSON (errors too): the API and the metrics scrape.
    var isAPI: Bool { url.path.hasPrefix("/api/") || url.path == "/metrics" }
}

/// Signing in and out, shared by the web form and the token API.
enum Authentication {
    /// The password check, throttled per account and per address (`SignInThrottle.guarded`: 429 while throttled, a
    /// failure counted). Unknown and disabled accounts take the same time and are counted alike.
    static func check(email rawEmail: String, password: String, on req: Request) async throws -> User? {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let pool = req.application.threadPool
        return try await SignInThrottle.guarded(email: email, req) { () async throws -> User? in
            try await verify(email: email, password: password, pool: pool, req)
        }
    }

    private static func verify(email: String, password: String, pool: NIOThreadPool, _ req: Request) async throws -> User? {
        var user: User?
        if let u = try await User.query(on: req.db).filter(\.$email == email).first(), !u.disabled {
            user = try await PasswordHasher.verify(password, hash: u.passwordHash, on: pool) ? u : nil
        } else {
            _ = try await PasswordHasher.verify(password, hash: PasswordHasher.dummyHash(cost: req.application.config.bcryptCost), on: pool)
        }
        return user
    }

    /// Creates a fresh session (a new id at every sign-in) and removes the one the browser had. `stage`: nil for a
    /// full sign-in.
    static func startSession(for user: User, replacing oldToken: String?, stage: SessionStage? = nil, detail: String = "web", on req: Request) async throws -> String {
        let token = Tokens.random()
        let now = req.application.clock.now()
        let lifetime = stage == .code ? SessionStage.codeLifetime : req.application.config.sessionLifetime
        let userID = try user.requireID()
        let device = OwnSessions.device(req)
        let email = user.email, secret = req.application.config.secretKey
        try await req.audited(as: AuditActor(id: userID.uuidString, role: user.role)) { db in
            if let oldToken { try await SessionRecord.query(on: db).filter(\.$id == Tokens.digest(oldToken)).delete() }
            let s = SessionRecord()
            s.id = Tokens.digest(token); s.$user.id = userID; s.createdAt = now; s.expiresAt = now.addingTimeInterval(lifetime)
            s.stage = stage?.rawValue; s.lastSeenAt = now; s.device = device
            try await s.create(on: db)
            // Failures are forgotten only once the whole sign-in succeeded: a right password must not reset the count
            // of wrong codes.
            if stage == .code { return ((), [AuditEntry(action: "auth.password_ok", objectType: "user", objectID: userID.uuidString, detail: "web, code awaited")]) }
            try await SignInThrottle.clear(email: email, secret: secret, db: db)
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastSignInAt, to: now).update()
            return ((), [AuditEntry(action: "auth.login", objectType: "user", objectID: userID.uuidString, detail: stage == .enrol ? "\(detail), second factor to set up" : detail)])
        }
        return token
    }

    static func issueToken(for user: User, on req: Request) async throws -> (String, Date) {
        let token = Tokens.random()
        let now = req.application.clock.now()
        let expires = now.addingTimeInterval(req.application.config.tokenLifetime)
        let userID = try user.requireID()
        let device = OwnSessions.device(req)
        let email = user.email, secret = req.application.config.secretKey
        try await req.audited(as: AuditActor(id: userID.uuidString, role: user.role)) { db in
            let t = APIToken()
            t.id = Tokens.digest(token); t.$user.id = userID; t.createdAt = now; t.expiresAt = expires; t.device = device
            try await t.create(on: db)
            try await SignInThrottle.clear(email: email, secret: secret, db: db)
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastSignInAt, to: now).update()
            return ((), [AuditEntry(action: "auth.token", objectType: "user", objectID: userID.uuidString, detail: "api")])
        }
        return (token, expires)
    }
}
