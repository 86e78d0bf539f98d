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

    /// `today`: grants end on their expiry day; `actingFor`: an agent's chosen company (its latest grant otherwise).
    static func load(userID: UUID, on db: any Database, today: String, actingFor: UUID? = nil) async throws -> Principal? {
        guard let user = try await User.query(on: db).filter(\.$id == userID)
            .with(\.$office).with(\.$agency).with(\.$sponsor).first(), !user.disabled else { return nil }
        var jurisdiction: [String] = []
        if let officeID = user.$office.id {
            jurisdiction = try await OfficeJurisdiction.query(on: db).filter(\.$office.$id == officeID).all().map(\.regencyCode).sorted()
        }
        var p = Principal(
            userID: userID, email: user.email, displayName: user.displayName, role: user.roleValue,
            officeID: user.$office.id, officeName: user.office?.name, officeTimeZone: user.office?.timeZone, jurisdiction: jurisdiction,
            agencyID: user.$agency.id, agencyName: user.agency?.name, agencyRegionCode: user.agency?.regionCode,
            sponsorID: user.$sponsor.id, sponsorName: user.sponsor?.name)
        p.isSponsorAdmin = user.roleValue == .sponsor && (user.sponsorAdmin ?? false) && user.$sponsor.id != nil
        if user.roleValue == .sponsor, let org = user.agentOrg {
            // An agent sees a sponsor's data only under a grant in force today.
            let grants = try await SponsorAccounts.activeGrants(agent: userID, today: today, db: db)
            let g = grants.first { $0.sponsorID == actingFor } ?? grants.first
            var sponsor: Sponsor?
            if let g { sponsor = try await Sponsor.find(g.sponsorID, on: db) }
            p = Principal(userID: userID, email: user.email, displayName: user.displayName, role: .sponsor, officeID: nil, officeName: nil, officeTimeZone: nil,
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

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

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

/// Loads the principal from the session cookie (web pages). Expired sessions are removed.
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = req.cookies[SessionCookie.name]?.string, !token.isEmpty {
            let hash = Tokens.digest(token)
            if let session = try await SessionRecord.find(hash, on: req.db) {
                if session.expiresAt > req.application.clock.now() {
                    // The integration role never uses the web pages, whatever session it might hold.
                    req.principal = try await Principal.load(userID: session.$user.id, on: req.db, today: req.application.today, actingFor: session.actingFor)
                        .flatMap { $0.role == .integration ? nil : $0 }
                } else {
                    try await session.delete(on: req.db)
                }
            }
        }
        return try await next.respond(to: req)
    }
}

/// Loads the principal from `Authorization: Bearer …` (API). API routes never read the session cookie,
/// so they need no CSRF protection.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            guard let token = try await APIToken.find(Tokens.digest(bearer.token), on: req.db),
                  token.expiresAt > req.application.clock.now(),
                  let principal = try await Principal.load(userID: token.$user.id, on: req.db, today: req.application.today, actingFor: token.actingFor) else {
                throw AppError(status: .unauthorized, messageKey: "err.token", logDetail: "invalid or expired token")
            }
            req.principal = principal
        }
        return try await next.respond(to: req)
    }
}

/// Route-group guard: the roles allowed on a group are declared where the routes are registered.
struct RequireRole: AsyncMiddleware {
    let roles: Set<Role>
    init(_ roles: Role...) { self.roles = Set(roles) }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let p = req.principal else {
            if req.isAPI { throw Abort(.unauthorized) }
            let target = req.url.path == "/" ? "/login" : "/login?next=\(req.url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            return req.redirect(to: target)
        }
        guard roles.contains(p.role) else { throw Abort(.forbidden) }
        return try await next.respond(to: req)
    }
}

extension Request {
    var isAPI: Bool { url.path.hasPrefix("/api/") }
}

/// Signing in and out, shared by the web form and the token API.
enum Authentication {
    static func check(email rawEmail: String, password: String, on req: Request) async throws -> User? {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let pool = req.application.threadPool
        guard let user = try await User.query(on: req.db).filter(\.$email == email).first(), !user.disabled else {
            _ = try await PasswordHasher.verify(password, hash: PasswordHasher.dummyHash(cost: req.application.config.bcryptCost), on: pool)
            return nil
        }
        return try await PasswordHasher.verify(password, hash: user.passwordHash, on: pool) ? user : nil
    }

    /// Creates a fresh session (a new id at every sign-in) and removes the one the browser had.
    static func startSession(for user: User, replacing oldToken: String?, on req: Request) async throws -> String {
        let token = Tokens.random()
        let now = req.application.clock.now()
        let lifetime = req.application.config.sessionLifetime
        let userID = try user.requireID()
        try await req.audited(as: AuditActor(id: userID.uuidString, role: user.role)) { db in
            if let oldToken { try await SessionRecord.query(on: db).filter(\.$id == Tokens.digest(oldToken)).delete() }
            let s = SessionRecord()
            s.id = Tokens.digest(token); s.$user.id = userID; s.createdAt = now; s.expiresAt = now.addingTimeInterval(lifetime)
            try await s.create(on: db)
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastSignInAt, to: now).update()
            return ((), [AuditEntry(action: "auth.login", objectType: "user", objectID: userID.uuidString, detail: "web")])
        }
        return token
    }

    static func issueToken(for user: User, on req: Request) async throws -> (String, Date) {
        let token = Tokens.random()
        let now = req.application.clock.now()
        let expires = now.addingTimeInterval(req.application.config.tokenLifetime)
        let userID = try user.requireID()
        try await req.audited(as: AuditActor(id: userID.uuidString, role: user.role)) { db in
            let t = APIToken()
            t.id = Tokens.digest(token); t.$user.id = userID; t.createdAt = now; t.expiresAt = expires
            try await t.create(on: db)
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastSignInAt, to: now).update()
            return ((), [AuditEntry(action: "auth.token", objectType: "user", objectID: userID.uuidString, detail: "api")])
        }
        return (token, expires)
    }
}
