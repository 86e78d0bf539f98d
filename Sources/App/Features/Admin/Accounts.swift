import Fluent
import Foundation
import SQLKit
import Vapor

/// A one-time link to set a password: sent by e-mail (through the outbox) to a new user or after a reset.
/// Only the SHA-256 of its token is stored; it works once and expires.
final class PasswordLink: Model, @unchecked Sendable {
    static let schema = "password_links"
    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "purpose") var purpose: String      // set | reset
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
}

struct M031_AccountAdmin: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("last_sign_in_at", .datetime).update()
        try await db.schema("password_links")
            .field("token_hash", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await (db as! any SQLDatabase).create(index: "password_links_user_idx").on("password_links").column("user_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("password_links").delete()
        try await db.schema("users").deleteField("last_sign_in_at").update()
    }
}

/// The admin's work on accounts: create (the user sets a password from an e-mailed link), edit name, role and
/// unit, disable and enable (a disabled user's sessions and tokens end at once), send a reset link. The admin
/// never sees or sets a password. Every change is audited with before and after (codes and ids, never names).
enum Accounts {
    static let setLinkLifetime: TimeInterval = 72 * 3600
    static let resetLinkLifetime: TimeInterval = 2 * 3600

    /// `POST /api/v1/admin/users`; on `PATCH` absent fields stay as they are.
    struct Input: Content {
        var email: String?
        var name: String?
        var role: String?
        var officeCode: String?
        var agencyId: UUID?
        var sponsorId: UUID?
        var language: String?
    }

    /// The role and the one unit it belongs to, checked: officers and supervisors an office, agency members an
    /// agency, sponsor users a sponsor; admin and integration none.
    static func unit(role: Role, officeCode: String?, agencyID: UUID?, sponsorID: UUID?, db: any Database) async throws -> (office: UUID?, agency: UUID?, sponsor: UUID?) {
        let code = officeCode?.trimmingCharacters(in: .whitespaces).uppercased()
        switch role {
        case .officer, .supervisor:
            guard let code, !code.isEmpty else { throw ValidationFailure("v.required", field: "officeCode") }
            guard let office = try await Office.query(on: db).filter(\.$code == code).first() else { throw ValidationFailure("v.unknownOffice", field: "officeCode") }
            if agencyID != nil { throw ValidationFailure("v.unitForRole", field: "agencyId") }
            if sponsorID != nil { throw ValidationFailure("v.unitForRole", field: "sponsorId") }
            return (office.id, nil, nil)
        case .agency:
            guard let agencyID else { throw ValidationFailure("v.required", field: "agencyId") }
            guard try await Agency.find(agencyID, on: db) != nil else { throw ValidationFailure("v.agencyID", field: "agencyId") }
            if code?.isEmpty == false { throw ValidationFailure("v.unitForRole", field: "officeCode") }
            if sponsorID != nil { throw ValidationFailure("v.unitForRole", field: "sponsorId") }
            return (nil, agencyID, nil)
        case .sponsor:
            guard let sponsorID else { throw ValidationFailure("v.required", field: "sponsorId") }
            guard let s = try await Sponsor.find(sponsorID, on: db), s.mergedInto == nil else { throw ValidationFailure("v.sponsorUnknown", field: "sponsorId") }
            if code?.isEmpty == false { throw ValidationFailure("v.unitForRole", field: "officeCode") }
            if agencyID != nil { throw ValidationFailure("v.unitForRole", field: "agencyId") }
            return (nil, nil, sponsorID)
        case .admin, .integration:
            if code?.isEmpty == false { throw ValidationFailure("v.unitForRole", field: "officeCode") }
            if agencyID != nil { throw ValidationFailure("v.unitForRole", field: "agencyId") }
            if sponsorID != nil { throw ValidationFailure("v.unitForRole", field: "sponsorId") }
            return (nil, nil, nil)
        }
    }

    static func role(_ raw: String?) throws -> Role {
        guard let r = raw?.trimmingCharacters(in: .whitespaces), !r.isEmpty else { throw ValidationFailure("v.required", field: "role") }
        guard let role = Role(rawValue: r) else { throw ValidationFailure("v.oneOf", field: "role", Role.allCases.map(\.rawValue).joined(separator: ", ")) }
        return role
    }

    static func language(_ raw: String?, current: String = "id") throws -> String {
        guard let l = raw?.trimmingCharacters(in: .whitespaces).lowercased(), !l.isEmpty else { return current }
        guard Language(rawValue: l) != nil else { throw ValidationFailure("v.oneOf", field: "language", "id, en") }
        return l
    }

    /// What an office, agency or sponsor is called in an audit detail: codes and ids only.
    static func unitText(_ u: User) async throws -> String {
        if let o = u.$office.id { return "office=\(o)" }
        if let a = u.$agency.id { return "agency=\(a)" }
        if let s = u.$sponsor.id { return "sponsor=\(s)" }
        return "-"
    }

    // MARK: - Links

    /// A new link for the user (earlier unused ones stop working) and its e-mail in the user's language, in the
    /// caller's transaction. Returns the token (only for tests and the CLI; the admin never sees it).
    @discardableResult
    static func issueLink(for user: User, purpose: String, now: Date, config: AppConfig, on db: any Database) async throws -> String {
        let userID = try user.requireID()
        try await PasswordLink.query(on: db).filter(\.$userID == userID).filter(\.$usedAt == nil).set(\.$expiresAt, to: now).update()
        let token = Tokens.random()
        let link = PasswordLink()
        link.id = Tokens.digest(token); link.userID = userID; link.purpose = purpose; link.createdAt = now
        link.expiresAt = now.addingTimeInterval(purpose == "set" ? setLinkLifetime : resetLinkLifetime)
        try await link.create(on: db)
        let lang = Language(rawValue: user.language) ?? .id
        let base = config.publicURL.hasSuffix("/") ? String(config.publicURL.dropLast()) : config.publicURL
        let url = base + AccountURL.password(.value(token)).path
        let hours = Int((purpose == "set" ? setLinkLifetime : resetLinkLifetime) / 3600)
        let body = [L10n.t("mail.\(purpose).intro", lang), "", url, "", L10n.t("mail.link.expiry", lang).replacingOccurrences(of: "{1}", with: String(hours)),
                    L10n.t("mail.link.ignore", lang)].joined(separator: "\n")
        try await Outbox.enqueue(key: "password:\(link.id!)", kind: "password_\(purpose)", to: user.email, subject: L10n.t("mail.\(purpose).subject", lang),
                                 body: body, now: now, on: db)
        return token
    }

    /// Unused links of a user stop working (after a disable or a change of e-mail address).
    static func expireLinks(of userID: UUID, at now: Date, on db: any Database) async throws {
        try await PasswordLink.query(on: db).filter(\.$userID == userID).filter(\.$usedAt == nil).set(\.$expiresAt, to: now).update()
    }

    /// Ends every session and API token of a user (after a disable or a password change).
    static func endSessions(of userID: UUID, on db: any Database) async throws {
        try await SessionRecord.query(on: db).filter(\.$user.$id == userID).delete()
        try await APIToken.query(on: db).filter(\.$user.$id == userID).delete()
    }

    // MARK: - Admin actions

    /// `agentOrg`: an agent's account (role sponsor, no company of its own, acting under grants); made by a sponsor-admin.
    static func create(_ input: Input, _ req: Request, agentOrg: String? = nil) async throws -> User {
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let emailChecked = try checks.run { () throws -> String in
            guard let email = input.email.flatMap(EmailAddress.init)?.value else {
                throw ValidationFailure(input.email?.isEmpty == false ? "v.email" : "v.required", field: "email")
            }
            return email
        }
        let nameChecked = try checks.run { try ValidationFailure.required(input.name, "name", max: 120) }
        let roleChecked = try checks.run { try Self.role(input.role) }
        // The unit is checked against the role: only once the role is right.
        let unitChecked = try await checks.run { () async throws -> (office: UUID?, agency: UUID?, sponsor: UUID?) in
            guard agentOrg == nil, let role = roleChecked else { return (nil, nil, nil) }
            return try await Self.unit(role: role, officeCode: input.officeCode, agencyID: input.agencyId, sponsorID: input.sponsorId, db: req.db)
        }
        let langChecked = try checks.run { try Self.language(input.language) }
        let (email, name, role, unit, lang) = try checks.finish(emailChecked, nameChecked, roleChecked, unitChecked, langChecked)
        // The admin makes a company's first account, its sponsor-admin; a sponsor-admin's invitees are ordinary users.
        let byAdmin = ScopePolicy.isAdmin(try req.requirePrincipal())
        if try await User.query(on: req.db).filter(\.$email == email).first() != nil { throw AppError.conflict("user.emailTaken") }
        // Until the user follows the e-mailed link, the account has a password nobody knows.
        let placeholder = try await PasswordHasher.hash(Tokens.random(), cost: req.application.config.bcryptCost, on: req.application.threadPool)
        let now = req.application.clock.now(), config = req.application.config
        defer { req.application.deliverOutboxSoon() }
        return try await req.audited { db in
            let u = User()
            u.id = UUID(); u.email = email; u.displayName = name; u.role = role.rawValue; u.language = lang; u.disabled = false; u.notifyEmail = true
            u.passwordHash = placeholder; u.$office.id = unit.office; u.$agency.id = unit.agency; u.$sponsor.id = unit.sponsor
            u.agentOrg = agentOrg; u.sponsorAdmin = role == .sponsor && agentOrg == nil && byAdmin
            try await u.create(on: db)
            try await issueLink(for: u, purpose: "set", now: now, config: config, on: db)
            return (u, [AuditEntry(action: "user.create", objectType: "user", objectID: u.id!.uuidString, detail: "role=\(role.rawValue) \(try await unitText(u))")])
        }
    }

    @discardableResult
    static func update(_ user: User, _ input: Input, _ req: Request) async throws -> User {
        var checks = FieldChecks()
        let roleChecked = input.role == nil ? user.roleValue : try checks.run { try Self.role(input.role) }
        let agentOrg = user.agentOrg
        var officeCode = input.officeCode.flatMap { $0.isEmpty ? nil : $0 }, agencyID = input.agencyId, sponsorID = input.sponsorId
        if officeCode == nil && agencyID == nil && sponsorID == nil {
            // No unit given: the user keeps the one that fits the (new) role.
            switch roleChecked {
            case .officer, .supervisor: if let o = user.$office.id { officeCode = try await Office.find(o, on: req.db)?.code }
            case .agency: agencyID = user.$agency.id
            case .sponsor: sponsorID = user.$sponsor.id
            case .admin, .integration, nil: break
            }
        }
        // An agent's account belongs to no company of its own: it stays so while it remains a sponsor-role account.
        // The unit is checked against the role: only once the role is right.
        let unitChecked = try await checks.run { () async throws -> (office: UUID?, agency: UUID?, sponsor: UUID?) in
            guard let role = roleChecked, !(agentOrg != nil && role == .sponsor) else { return (nil, nil, nil) }
            return try await Self.unit(role: role, officeCode: officeCode, agencyID: agencyID, sponsorID: sponsorID, db: req.db)
        }
        let nameChecked = input.name == nil ? user.displayName : try checks.run { try ValidationFailure.required(input.name, "name", max: 120) }
        let langChecked = try checks.run { try Self.language(input.language, current: user.language) }
        let emailChecked = try checks.run { () throws -> String in
            guard let raw = input.email else { return user.email }
            guard let e = EmailAddress(raw)?.value else { throw ValidationFailure("v.email", field: "email") }
            return e
        }
        let (role, unit, name, lang, email) = try checks.finish(roleChecked, unitChecked, nameChecked, langChecked, emailChecked)
        if email != user.email, try await User.query(on: req.db).filter(\.$email == email).first() != nil { throw AppError.conflict("user.emailTaken") }
        let p = try req.requirePrincipal()
        let id = try user.requireID()
        if id == p.userID && role != .admin { throw AppError.conflict("user.ownRole") }
        let before = "role=\(user.role) \(try await unitText(user))"
        let newEmail = email, now = req.application.clock.now()
        return try await req.audited { db in
            guard let u = try await User.find(id, on: db) else { throw Abort(.notFound) }
            var changed: [String] = []
            if u.displayName != name { u.displayName = name; changed.append("name") }
            if u.email != newEmail { u.email = newEmail; changed.append("email") }
            if u.language != lang { u.language = lang; changed.append("language") }
            // A company's admin moved to another company (or role) is no admin there.
            if u.$sponsor.id != unit.sponsor || role != .sponsor { u.sponsorAdmin = false }
            if role != .sponsor { u.agentOrg = nil }
            u.role = role.rawValue; u.$office.id = unit.office; u.$agency.id = unit.agency; u.$sponsor.id = unit.sponsor
            try await u.save(on: db)
            // A link sent to the old address must not open the account.
            if changed.contains("email") { try await expireLinks(of: id, at: now, on: db) }
            let after = "role=\(u.role) \(try await unitText(u))"
            return (u, [AuditEntry(action: "user.update", objectType: "user", objectID: id.uuidString,
                                   detail: "before: \(before); after: \(after)\(changed.isEmpty ? "" : "; changed: " + changed.joined(separator: ","))")])
        }
    }

    static func setDisabled(_ user: User, _ disabled: Bool, _ req: Request) async throws -> User {
        let p = try req.requirePrincipal()
        let id = try user.requireID()
        if disabled && id == p.userID { throw AppError.conflict("user.disableSelf") }
        if !disabled && !ScopePolicy.isAdmin(p) && user.disabledBy == Role.admin.rawValue { throw AppError.conflict("portal.disabledByAdmin") }
        let now = req.application.clock.now()
        return try await req.audited { db in
            guard let u = try await User.find(id, on: db) else { throw Abort(.notFound) }
            let was = u.disabled
            u.disabled = disabled
            // Who disabled it: a company's admin cannot undo the office admin's decision.
            u.disabledBy = disabled ? p.role.rawValue : nil
            try await u.save(on: db)
            if disabled {
                try await endSessions(of: id, on: db)
                try await expireLinks(of: id, at: now, on: db)
            }
            return (u, [AuditEntry(action: disabled ? "user.disable" : "user.enable", objectType: "user", objectID: id.uuidString, detail: "before: disabled=\(was); after: disabled=\(disabled)")])
        }
    }

    /// A user who lost the phone and the recovery codes: the admin turns the second factor off (the user sets it up
    /// again at the next sign-in where the role requires it); every session and token of the user ends.
    static func resetSecondFactor(_ user: User, _ req: Request) async throws {
        let id = try user.requireID()
        if id == (try req.requirePrincipal()).userID { throw AppError.conflict("tfa.resetSelf") }
        try await req.audited { db in
            try await SecondFactor.clear(id, on: db)
            try await endSessions(of: id, on: db)
            return ((), [AuditEntry(action: "auth.tfa.reset", objectType: "user", objectID: id.uuidString, detail: "by=admin")])
        }
    }

    static func sendReset(_ user: User, _ req: Request) async throws {
        let id = try user.requireID()
        guard !user.disabled else { throw AppError.conflict("user.resetDisabled") }
        let now = req.application.clock.now(), config = req.application.config
        try await req.audited { db in
            try await issueLink(for: user, purpose: "reset", now: now, config: config, on: db)
            return ((), [AuditEntry(action: "user.reset.send", objectType: "user", objectID: id.uuidString, detail: "by=admin")])
        }
        req.application.deliverOutboxSoon()
    }

    /// "Forgot password" on the sign-in page: a link for an active account with this e-mail; the answer is the
    /// same whether or not one exists, and a link is sent at most once in 10 minutes per account.
    static func forgot(_ rawEmail: String, _ req: Request) async throws {
        guard let email = EmailAddress(rawEmail)?.value,
              let user = try await User.query(on: req.db).filter(\.$email == email).first(), !user.disabled, user.roleValue != .integration else { return }
        let id = try user.requireID()
        let now = req.application.clock.now(), config = req.application.config
        if try await PasswordLink.query(on: req.db).filter(\.$userID == id).filter(\.$createdAt > now.addingTimeInterval(-600)).first() != nil { return }
        try await req.audited(as: AuditActor(id: id.uuidString, role: user.role)) { db in
            try await issueLink(for: user, purpose: "reset", now: now, config: config, on: db)
            return ((), [AuditEntry(action: "user.reset.send", objectType: "user", objectID: id.uuidString, detail: "by=self")])
        }
        req.application.deliverOutboxSoon()
    }

    /// The link's user if it is unused and unexpired.
    static func validLink(_ token: String, _ req: Request) async throws -> (PasswordLink, User)? {
        guard token.count >= 16, token.count <= 128, let link = try await PasswordLink.find(Tokens.digest(token), on: req.db),
              link.usedAt == nil, link.expiresAt > req.application.clock.now(),
              let user = try await User.find(link.userID, on: req.db), !user.disabled else { return nil }
        return (link, user)
    }

    /// Sets the password from a link: once, before expiry; every other session and token of the user ends.
    static func usePasswordLink(_ token: String, password: String, confirm: String, _ req: Request) async throws {
        guard let (link, user) = try await validLink(token, req) else { throw AppError(status: .gone, messageKey: "pwlink.invalid", logDetail: "password link invalid or used") }
        if let problem = PasswordPolicy.problem(with: password, email: user.email) { throw ValidationFailure(problem.key, field: "password") }
        guard password == confirm else { throw ValidationFailure("pw.mismatch", field: "confirm") }
        let hash = try await PasswordHasher.hash(password, cost: req.application.config.bcryptCost, on: req.application.threadPool)
        let now = req.application.clock.now()
        let userID = try user.requireID(), linkID = link.id!
        try await req.audited(as: AuditActor(id: userID.uuidString, role: user.role)) { db in
            // Used once: a second request at the same moment finds it used.
            struct Row: Decodable { var token_hash: String }
            let claimed = try await (db as! any SQLDatabase).raw("UPDATE password_links SET used_at = \(bind: now) WHERE token_hash = \(bind: linkID) AND used_at IS NULL RETURNING token_hash").all(decoding: Row.self)
            guard !claimed.isEmpty else { throw AppError(status: .gone, messageKey: "pwlink.invalid", logDetail: "password link raced") }
            try await (db as! any SQLDatabase).raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: userID)").run()
            try await endSessions(of: userID, on: db)
            return ((), [AuditEntry(action: "user.password.set", objectType: "user", objectID: userID.uuidString, detail: "link=\(link.purpose)")])
        }
    }
}
