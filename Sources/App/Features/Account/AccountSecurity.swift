import Fluent
import Foundation
import SQLKit
import Vapor

/// One recovery code for a lost phone: shown once, stored as SHA-256, works once.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
}

/// A failed sign-in (a wrong password or second-factor code), counted per account and per address. Kept in the
/// database so that the limit holds across servers and restarts.
final class SignInFailure: Model, @unchecked Sendable {
    static let schema = "sign_in_failures"
    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "at") var at: Date
    init() {}
}

struct M036_AccountSecurity: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("totp_secret", .string).update()
        try await db.schema("users").field("totp_pending", .string).update()
        try await db.schema("users").field("totp_enabled_at", .datetime).update()
        try await db.schema("users").field("totp_last_step", .int64).update()
        try await db.schema("users").field("password_changed_at", .datetime).update()
        // stage: nil once signed in fully; "code" while the second factor is awaited; "enrol" while a user whose
        // role requires one has yet to set it up.
        try await db.schema("user_sessions").field("stage", .string).update()
        try await db.schema("user_sessions").field("last_seen_at", .datetime).update()
        try await db.schema("user_sessions").field("device", .string).update()
        try await db.schema("api_tokens").field("device", .string).update()
        try await db.schema("recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        try await db.schema("sign_in_failures")
            .id()
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "recovery_codes_user_idx").on("recovery_codes").column("user_id").run()
        try await sql.create(index: "sign_in_failures_key_idx").on("sign_in_failures").column("key").column("at").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("sign_in_failures").delete()
        try await db.schema("recovery_codes").delete()
        for f in ["device"] { try await db.schema("api_tokens").deleteField(.string(f)).update() }
        for f in ["stage", "last_seen_at", "device"] { try await db.schema("user_sessions").deleteField(.string(f)).update() }
        for f in ["totp_secret", "totp_pending", "totp_enabled_at", "totp_last_step", "password_changed_at"] {
            try await db.schema("users").deleteField(.string(f)).update()
        }
    }
}

/// Sign-in throttling: at most 5 failures per account and 20 per address in 15 minutes; then 429 until the
/// oldest of them is 15 minutes old. An address that has no account is counted the same way, so the answer never
/// tells whether an account exists. A successful sign-in clears the account's count.
enum SignInThrottle {
    static let window: TimeInterval = 15 * 60
    static let perAccount = 5
    static let perAddress = 20

    /// What failures are counted by: pseudonyms of the e-mail and the address (`Tokens.pseudonym`), never either one.
    static func accountKey(_ email: String, secret: [UInt8]?) -> String {
        "acct:" + Tokens.pseudonym(email.trimmingCharacters(in: .whitespaces).lowercased(), secret: secret)
    }
    static func addressKey(_ address: String, secret: [UInt8]?) -> String { "addr:" + Tokens.pseudonym(address, secret: secret) }

    /// Seconds until the account or address may try again, or nil if it may now.
    static func wait(email: String, address: String, now: Date, secret: [UInt8]?, db: any Database) async throws -> Int? {
        let since = now.addingTimeInterval(-window)
        var wait: Int?
        for (key, limit) in [(accountKey(email, secret: secret), perAccount), (addressKey(address, secret: secret), perAddress)] {
            let recent = try await SignInFailure.query(on: db).filter(\.$key == key).filter(\.$at > since).sort(\.$at, .descending).limit(limit).all()
            guard recent.count >= limit, let oldest = recent.last else { continue }
            let seconds = max(1, Int(oldest.at.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
            wait = max(wait ?? 0, seconds)
        }
        return wait
    }

    static func fail(email: String, address: String, now: Date, secret: [UInt8]?, db: any Database) async throws {
        for key in [accountKey(email, secret: secret), addressKey(address, secret: secret)] {
            let f = SignInFailure()
            f.id = UUID(); f.key = key; f.at = now
            try await f.create(on: db)
        }
        // Old failures are of no use; they go as new ones come.
        try await SignInFailure.query(on: db).filter(\.$at < now.addingTimeInterval(-window)).delete()
    }

    /// Runs one attempt (a password, a code) for the account of `email` from the request's address: 429 while
    /// throttled; an attempt that yields nil is counted as a failure.
    static func guarded<T: Sendable>(email: String, _ req: Request, _ attempt: () async throws -> T?) async throws -> T? {
        let now = req.application.clock.now(), address = req.clientAddress, secret = req.application.config.secretKey
        if let wait = try await wait(email: email, address: address, now: now, secret: secret, db: req.db) { throw error(wait) }
        guard let result = try await attempt() else {
            try await fail(email: email, address: address, now: now, secret: secret, db: req.db)
            return nil
        }
        return result
    }

    static func clear(email: String, secret: [UInt8]?, db: any Database) async throws {
        try await SignInFailure.query(on: db).filter(\.$key == accountKey(email, secret: secret)).delete()
    }

    /// The throttle as an error: the API answers 429 with `Retry-After`, the sign-in page shows the message.
    static func error(_ seconds: Int) -> AppError {
        AppError(status: .tooManyRequests, messageKey: "login.throttled", logDetail: "sign-in throttled", args: [String(minutes(seconds))], retryAfter: seconds)
    }

    static func minutes(_ seconds: Int) -> Int { max(1, (seconds + 59) / 60) }
}

/// The second factor: enrolment (a pending secret confirmed by a first code), checking a code or a recovery
/// code, new recovery codes, turning it off (only where the role does not require it).
enum SecondFactor {
    static let recoveryCount = 10

    static func required(_ role: Role, _ config: AppConfig) -> Bool { config.totpRoles.contains(role) }
    static func enabled(_ u: User) -> Bool { u.totpSecret != nil && u.totpEnabledAt != nil }

    /// The secret being set up (made on first visit, kept until confirmed so a reload shows the same key); stored
    /// sealed when the server has a secret key (`SecretBox`).
    static func pendingSecret(for user: User, key: [UInt8]?, on db: any Database) async throws -> [UInt8] {
        let owner = try user.requireID()
        if let p = user.totpPending, let text = SecretBox.open(p, key: key, owner: owner), let bytes = Base32.decode(text), bytes.count >= 10 { return bytes }
        let secret = TOTP.newSecret()
        user.totpPending = try SecretBox.seal(Base32.encode(secret), key: key, owner: owner)
        try await user.save(on: db)
        return secret
    }

    /// The confirmed secret's bytes; nil when there is none or it cannot be opened (the server's key is missing or
    /// not the one it was sealed with — logged, without the user's identity beyond the id).
    static func secret(of user: User, key: [UInt8]?, logger: Logger) -> [UInt8]? {
        guard let stored = user.totpSecret, let owner = user.id else { return nil }
        guard let text = SecretBox.open(stored, key: key, owner: owner) else {
            logger.error("second-factor secret of user \(owner) cannot be opened: the server key (SINERGI_SECRET_KEY or its key file) is missing or not the key it was sealed with")
            return nil
        }
        return Base32.decode(text)
    }

    /// How many stored second-factor keys are sealed and do not open with this server's key (none, or another).
    static func unreadable(_ app: Application) async throws -> Int {
        let users = try await User.query(on: app.db).group(.or) { $0.filter(\.$totpSecret != nil).filter(\.$totpPending != nil) }.all()
        return try users.reduce(0) { n, u in
            let owner = try u.requireID()
            return n + [u.totpSecret, u.totpPending].compactMap { $0 }
                .filter { SecretBox.isSealed($0) && SecretBox.open($0, key: app.config.secretKey, owner: owner) == nil }.count
        }
    }

    /// Seals every second-factor key (confirmed or pending) still stored in clear, in one audited transaction.
    static func sealStored(_ app: Application) async throws -> (sealed: Int, already: Int, unreadable: Int) {
        guard let key = app.config.secretKey else { return (0, 0, 0) }
        return try await AuditLog.write(on: app.db, actor: AuditActor(id: "cli", role: "operator"), requestID: "cli-\(UUID().uuidString.prefix(8))", clock: app.clock) { db in
            var sealed = 0, already = 0, unreadable = 0
            let users = try await User.query(on: db).group(.or) { $0.filter(\.$totpSecret != nil).filter(\.$totpPending != nil) }.all()
            for u in users {
                let owner = try u.requireID()
                for path in [\User.totpSecret, \User.totpPending] {
                    guard let stored = u[keyPath: path] else { continue }
                    if !SecretBox.isSealed(stored) {
                        u[keyPath: path] = try SecretBox.seal(stored, key: key, owner: owner)
                        sealed += 1
                    } else if SecretBox.open(stored, key: key, owner: owner) == nil {
                        unreadable += 1
                    } else {
                        already += 1
                    }
                }
                if u.hasChanges { try await u.save(on: db) }
            }
            return ((sealed, already, unreadable), [AuditEntry(action: "auth.tfa.seal", objectType: "system", objectID: "-",
                                                              detail: "sealed=\(sealed) already=\(already) unreadable=\(unreadable)")])
        }
    }

    /// "xxxxx-xxxxx" from an alphabet without look-alikes.
    static func newRecoveryCode() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var rng = SystemRandomNumberGenerator()
        let chars = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        return String(chars[0..<5]) + "-" + String(chars[5..<10])
    }

    static func normalisedRecovery(_ typed: String) -> String {
        let raw = typed.lowercased().filter { $0.isLetter || $0.isNumber }
        guard raw.count == 10 else { return raw }
        return String(raw.prefix(5)) + "-" + String(raw.suffix(5))
    }

    /// Replaces the user's recovery codes with new ones, in the caller's transaction; returns them to show once.
    static func replaceRecoveryCodes(_ userID: UUID, on db: any Database) async throws -> [String] {
        try await RecoveryCode.query(on: db).filter(\.$userID == userID).delete()
        var codes: [String] = []
        for _ in 0..<recoveryCount {
            let c = newRecoveryCode()
            let r = RecoveryCode()
            r.id = UUID(); r.userID = userID; r.codeHash = Tokens.digest(c)
            try await r.create(on: db)
            codes.append(c)
        }
        return codes
    }

    /// Confirms enrolment with the first code from the app; returns the recovery codes.
    static func confirm(_ user: User, code: String, _ req: Request) async throws -> [String] {
        let key = req.application.config.secretKey
        guard let pending = user.totpPending, let owner = user.id, let text = SecretBox.open(pending, key: key, owner: owner),
              let secret = Base32.decode(text) else { throw AppError.conflict("tfa.noPending") }
        let sealed = try SecretBox.seal(text, key: key, owner: owner)
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationFailure("v.required", field: "code") }
        let now = req.application.clock.now()
        guard let step = TOTP.matchingStep(code, secret: secret, at: now, after: nil) else { throw ValidationFailure("tfa.wrongCode", field: "code") }
        let userID = try user.requireID()
        return try await req.audited { db in
            guard let u = try await User.find(userID, on: db) else { throw Abort(.notFound) }
            u.totpSecret = sealed; u.totpPending = nil; u.totpEnabledAt = now; u.totpLastStep = step
            try await u.save(on: db)
            let codes = try await replaceRecoveryCodes(userID, on: db)
            return (codes, [AuditEntry(action: "auth.tfa.enable", objectType: "user", objectID: userID.uuidString, detail: "totp")])
        }
    }

    enum Accepted: Sendable { case totp, recovery }

    /// Checks a code: a current TOTP code (each step works once) or an unused recovery code (then used up). Guarded
    /// updates: two requests with the same code cannot both win.
    /// `key`: the server's secret key; a secret still stored in clear is sealed under it once a code it checked wins.
    static func check(_ user: User, code: String, now: Date, key: [UInt8]?, logger: Logger, on db: any Database) async throws -> Accepted? {
        guard let secret = secret(of: user, key: key, logger: logger) else { return nil }
        let userID = try user.requireID()
        let sql = db as! any SQLDatabase
        if let step = TOTP.matchingStep(code, secret: secret, at: now, after: user.totpLastStep) {
            let won = try await sql.raw("""
                UPDATE users SET totp_last_step = \(bind: step) WHERE id = \(bind: userID) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step)) RETURNING id
                """).all()
            if !won.isEmpty, key != nil, let stored = user.totpSecret, !SecretBox.isSealed(stored) {
                let sealed = try SecretBox.seal(stored, key: key, owner: userID)
                try await sql.raw("UPDATE users SET totp_secret = \(bind: sealed) WHERE id = \(bind: userID) AND totp_secret = \(bind: stored)").run()
            }
            return won.isEmpty ? nil : .totp
        }
        let won = try await sql.raw("""
            UPDATE recovery_codes SET used_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND code_hash = \(bind: Tokens.digest(normalisedRecovery(code))) AND used_at IS NULL RETURNING id
            """).all()
        return won.isEmpty ? nil : .recovery
    }

    /// One try of a code by the user, wherever it is typed (sign-in page, token request, account actions): 429 while
    /// the account or address is throttled; a wrong code counts like a wrong password and is audited.
    static func attempt(_ user: User, code: String, _ req: Request) async throws -> Accepted? {
        let now = req.application.clock.now()
        let key = req.application.config.secretKey, logger = req.logger
        let accepted = try await SignInThrottle.guarded(email: user.email, req) { try await check(user, code: code, now: now, key: key, logger: logger, on: req.db) }
        if accepted == nil {
            try await req.audit(AuditEntry(action: "auth.code_failed", objectType: "user", objectID: try user.requireID().uuidString, detail: req.isAPI ? "api" : "web"))
        }
        return accepted
    }

    /// Turns the second factor off and forgets the recovery codes, in the caller's transaction.
    static func clear(_ userID: UUID, on db: any Database) async throws {
        try await User.query(on: db).filter(\.$id == userID).set(\.$totpSecret, to: nil).set(\.$totpPending, to: nil)
            .set(\.$totpEnabledAt, to: nil).set(\.$totpLastStep, to: nil).update()
        try await RecoveryCode.query(on: db).filter(\.$userID == userID).delete()
    }

    static func remainingRecoveryCodes(_ userID: UUID, on db: any Database) async throws -> Int {
        try await RecoveryCode.query(on: db).filter(\.$userID == userID).filter(\.$usedAt == nil).countRows()
    }

    /// Turns the second factor off (a current code or recovery code is needed); refused where the role requires it.
    static func disable(_ user: User, code: String, _ req: Request) async throws {
        if required(user.roleValue, req.application.config) { throw AppError.conflict("tfa.requiredForRole") }
        try await withCode(user, code: code, req, action: "auth.tfa.disable") { userID, db in try await clear(userID, on: db) }
    }

    /// New recovery codes (the old ones stop working); a current code is needed.
    static func renewRecovery(_ user: User, code: String, _ req: Request) async throws -> [String] {
        try await withCode(user, code: code, req, action: "auth.tfa.recovery") { userID, db in try await replaceRecoveryCodes(userID, on: db) }
    }

    /// A change to one's own second factor, made only with a good code (`attempt`).
    private static func withCode<T: Sendable>(_ user: User, code: String, _ req: Request, action: String,
                                              _ work: @escaping @Sendable (UUID, any Database) async throws -> T) async throws -> T {
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationFailure("v.required", field: "code") }
        guard try await attempt(user, code: code, req) != nil else { throw ValidationFailure("tfa.wrongCode", field: "code") }
        let userID = try user.requireID()
        return try await req.audited { db in
            (try await work(userID, db), [AuditEntry(action: action, objectType: "user", objectID: userID.uuidString, detail: "totp")])
        }
    }
}

/// The signed-in user's own sessions and tokens: listed with when they began and were last used and on what
/// device, each revocable; the password changed with the current one (every other session and token ends).
enum OwnSessions {
    struct Item: Content {
        var id: String           // the first 16 hex digits of the stored hash: enough to name it, useless to sign in with
        var kind: String         // session | token
        var createdAt: Date
        var lastSeenAt: Date?
        var expiresAt: Date
        var device: String?
        var current: Bool
    }

    static func publicID(_ hash: String) -> String { String(hash.prefix(16)) }

    /// The hash of the request's own session or token.
    static func currentHash(_ req: Request) -> String? {
        if req.isAPI, let b = req.headers.bearerAuthorization { return Tokens.digest(b.token) }
        guard let cookie = req.cookies[SessionCookie.name]?.string else { return nil }
        return Tokens.digest(cookie)
    }

    static func list(_ req: Request) async throws -> [Item] {
        let p = try req.requirePrincipal()
        let now = req.application.clock.now(), current = currentHash(req)
        let sessions = try await SessionRecord.query(on: req.db).filter(\.$user.$id == p.userID).filter(\.$expiresAt > now).all()
        let tokens = try await APIToken.query(on: req.db).filter(\.$user.$id == p.userID).filter(\.$expiresAt > now).all()
        let items = sessions.filter { $0.stageValue == nil }.map {
            Item(id: publicID($0.id!), kind: "session", createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt ?? $0.createdAt, expiresAt: $0.expiresAt, device: $0.device, current: $0.id == current)
        } + tokens.map {
            Item(id: publicID($0.id!), kind: "token", createdAt: $0.createdAt, lastSeenAt: nil, expiresAt: $0.expiresAt, device: $0.device, current: $0.id == current)
        }
        return items.sorted { ($0.current ? 1 : 0, $0.createdAt) > ($1.current ? 1 : 0, $1.createdAt) }
    }

    /// Ends one of the user's own sessions or tokens; 404 for anything else.
    static func revoke(_ id: String, _ req: Request) async throws {
        let p = try req.requirePrincipal()
        guard id.count == 16, id.allSatisfy(\.isHexDigit) else { throw Abort(.notFound) }
        try await req.audited { db in
            let s = try await SessionRecord.query(on: db).filter(\.$user.$id == p.userID).all().first { $0.id!.hasPrefix(id) }
            let t = try await APIToken.query(on: db).filter(\.$user.$id == p.userID).all().first { $0.id!.hasPrefix(id) }
            guard s != nil || t != nil else { throw Abort(.notFound) }
            try await s?.delete(on: db)
            try await t?.delete(on: db)
            return ((), [AuditEntry(action: "auth.revoke", objectType: "user", objectID: p.userID.uuidString, detail: s != nil ? "session" : "token")])
        }
    }

    /// Changes the password: the current one must be right (a wrong one counts as a failed sign-in), the new one
    /// passes the policy; every other session and token of the user ends.
    static func changePassword(current: String, new: String, confirm: String?, _ req: Request) async throws {
        let p = try req.requirePrincipal()
        let now = req.application.clock.now()
        if current.isEmpty { throw ValidationFailure("v.required", field: "currentPassword") }
        if new.isEmpty { throw ValidationFailure("v.required", field: "newPassword") }
        let pool = req.application.threadPool
        guard let user = try await SignInThrottle.guarded(email: p.email, req, { () async throws -> User? in
            guard let u = try await User.find(p.userID, on: req.db), try await PasswordHasher.verify(current, hash: u.passwordHash, on: pool) else { return nil }
            return u
        }) else { throw ValidationFailure("pw.currentWrong", field: "currentPassword") }
        if let problem = PasswordPolicy.problem(with: new, email: user.email) { throw ValidationFailure(problem.key, field: "newPassword") }
        if let confirm, confirm != new { throw ValidationFailure("pw.mismatch", field: "confirm") }
        if new == current { throw ValidationFailure("pw.same", field: "newPassword") }
        let hash = try await PasswordHasher.hash(new, cost: req.application.config.bcryptCost, on: req.application.threadPool)
        let keep = currentHash(req)
        try await req.audited { db in
            try await User.query(on: db).filter(\.$id == p.userID).set(\.$passwordHash, to: hash).set(\.$passwordChangedAt, to: now).update()
            let sessions = SessionRecord.query(on: db).filter(\.$user.$id == p.userID)
            let tokens = APIToken.query(on: db).filter(\.$user.$id == p.userID)
            if let keep { sessions.filter(\.$id != keep); tokens.filter(\.$id != keep) }
            try await sessions.delete()
            try await tokens.delete()
            try await Accounts.expireLinks(of: p.userID, at: now, on: db)
            return ((), [AuditEntry(action: "auth.password.change", objectType: "user", objectID: p.userID.uuidString, detail: "others ended")])
        }
    }

    /// What a session or token is called in the list: browser and system from the User-Agent, never more.
    static func device(_ req: Request) -> String? {
        guard let ua = req.headers.first(name: .userAgent), !ua.isEmpty else { return nil }
        let browsers = [("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                        ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests", "Python"), ("python", "Python")]
        let systems = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]
        let b = browsers.first { ua.contains($0.0) }?.1
        let s = systems.first { ua.contains($0.0) }?.1
        let text = [b, s].compactMap { $0 }.joined(separator: " · ")
        return text.isEmpty ? String(ua.prefix(40)) : text
    }
}
