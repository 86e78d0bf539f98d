import Fluent
import Foundation
import SQLKit
import Vapor

/// A sponsor's grant of access to an agent (a visa agency or law firm): to chosen foreigners or the whole
/// company, until an expiry day, revocable at any time.
final class AgentGrant: Model, @unchecked Sendable {
    static let schema = "agent_grants"
    @ID(key: .id) var id: UUID?
    @Field(key: "sponsor_id") var sponsorID: UUID
    @Field(key: "agent_id") var agentID: UUID
    /// JSON array of foreigner ids; nil: the whole company.
    @OptionalField(key: "foreigner_ids") var foreignerIDs: String?
    @Field(key: "expires_on") var expiresOn: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}

    /// nil: the whole company. A list that cannot be read grants nobody (it never widens to the company).
    var foreigners: [UUID]? {
        guard let json = foreignerIDs else { return nil }
        return (try? JSONDecoder().decode([UUID].self, from: Data(json.utf8))) ?? []
    }
    func isActive(today: String) -> Bool { revokedAt == nil && expiresOn >= today }
}

/// Company-owned accounts: a sponsor's admin invites and disables the company's users and grants agents access.
struct M035_SponsorAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("sponsor_admin", .bool, .sql(.default(false))).update()
        try await db.schema("users").field("agent_org", .string).update()
        try await db.schema("users").field("disabled_by", .string).update()
        try await db.schema("user_sessions").field("acting_for", .uuid).update()
        try await db.schema("api_tokens").field("acting_for", .uuid).update()
        try await db.schema("agent_grants")
            .id()
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("agent_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("foreigner_ids", .string)
            .field("expires_on", .string, .required)
            .field("revoked_at", .datetime)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "agent_grants_agent_idx").on("agent_grants").column("agent_id").run()
        try await sql.create(index: "agent_grants_sponsor_idx").on("agent_grants").column("sponsor_id").run()
        // Until now a company had one account, created by the admin: it becomes the company's sponsor-admin.
        try await sql.raw("UPDATE users SET sponsor_admin = \(bind: true) WHERE role = 'sponsor' AND sponsor_id IS NOT NULL").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("agent_grants").delete()
        try await db.schema("api_tokens").deleteField("acting_for").update()
        try await db.schema("user_sessions").deleteField("acting_for").update()
        try await db.schema("users").deleteField("disabled_by").update()
        try await db.schema("users").deleteField("agent_org").update()
        try await db.schema("users").deleteField("sponsor_admin").update()
    }
}

enum SponsorAccounts {
    struct UserInput: Content { var email: String?; var name: String?; var language: String? }
    struct GrantInput: Content {
        var email: String?
        var organisation: String?
        var name: String?
        /// Chosen foreigners of the company; absent or null: the whole company.
        var foreignerIds: [UUID]?
        var expiresOn: String?
    }

    /// The company the user administers (sponsor-admins only; never an agent).
    static func company(_ req: Request) throws -> UUID {
        let p = try req.requirePrincipal()
        guard ScopePolicy.mayAdministerCompany(p), let s = p.sponsorID else { throw AppError.forbidden("portal.adminOnly") }
        return s
    }

    static func users(_ req: Request) async throws -> [User] {
        let s = try company(req)
        return try await User.query(on: req.db).filter(\.$sponsor.$id == s).sort(\.$email).all()
    }

    /// Invites a user of the company: an account of the company's, with a set-password link by e-mail.
    static func invite(_ i: UserInput, _ req: Request) async throws -> User {
        let s = try company(req)
        let u = try await Accounts.create(.init(email: i.email, name: i.name, role: Role.sponsor.rawValue, officeCode: nil, agencyId: nil, sponsorId: s, language: i.language), req)
        return u
    }

    static func member(_ id: UUID, _ req: Request) async throws -> User {
        let s = try company(req)
        guard let u = try await User.find(id, on: req.db), u.$sponsor.id == s else { throw Abort(.notFound) }
        return u
    }

    static func grants(_ req: Request) async throws -> [AgentGrant] {
        let s = try company(req)
        return try await AgentGrant.query(on: req.db).filter(\.$sponsorID == s).sort(\.$createdAt, .descending).all()
    }

    /// Grants an agent access (creating the agent's account, with a set-password link, if the e-mail has none).
    static func grant(_ i: GrantInput, _ req: Request) async throws -> AgentGrant {
        let p = try req.requirePrincipal()
        let s = try company(req)
        guard let email = i.email.flatMap(EmailAddress.init)?.value else { throw ValidationFailure(i.email?.isEmpty == false ? "v.email" : "v.required", field: "email") }
        let today = req.application.today
        guard let expires = i.expiresOn?.trimmingCharacters(in: .whitespaces), expires.count == 10, Day.isValid(expires) else { throw ValidationFailure("v.day", field: "expiresOn") }
        guard expires >= today else { throw ValidationFailure("v.notPast", field: "expiresOn") }
        guard let limit = Day.adding(366, to: today), expires <= limit else { throw ValidationFailure("v.dayWithinYear", field: "expiresOn") }
        var list: [UUID]?
        if let ids = i.foreignerIds {
            guard !ids.isEmpty else { throw ValidationFailure("v.required", field: "foreignerIds") }
            let own = try await Foreigner.query(on: req.db).filter(\.$id ~~ ids).filter(\.$sponsorID == s).countRows()
            guard own == Set(ids).count else { throw ValidationFailure("v.ownForeigners", field: "foreignerIds") }
            list = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        }
        var agent = try await User.query(on: req.db).filter(\.$email == email).first()
        if let a = agent {
            guard a.agentOrg != nil, !a.disabled else { throw AppError.conflict("portal.notAnAgent") }
        } else {
            let org = try ValidationFailure.required(i.organisation, "organisation", max: 200)
            let name = try ValidationFailure.text(i.name, "name", max: 120) ?? org
            agent = try await Accounts.create(.init(email: email, name: name, role: Role.sponsor.rawValue, officeCode: nil, agencyId: nil, sponsorId: nil, language: "id"), req, agentOrg: org)
        }
        let agentID = try agent!.requireID()
        let now = req.application.clock.now()
        let scope = list.map { "foreigners:\($0.count)" } ?? "company"
        let json = list.map { String(decoding: (try? JSONEncoder().encode($0)) ?? Data("[]".utf8), as: UTF8.self) }
        return try await req.audited { db in
            let g = AgentGrant()
            g.id = UUID(); g.sponsorID = s; g.agentID = agentID; g.foreignerIDs = json; g.expiresOn = expires; g.createdBy = p.userID; g.createdAt = now
            try await g.create(on: db)
            try await Notifier.notify([agentID], kind: "agent_grant", title: p.sponsorName ?? "",
                                      link: SiteURL.portal.path + "#grant-" + g.id!.uuidString, req: req, db: db)   // one notice per grant
            return (g, [AuditEntry(action: "agent.grant", objectType: "sponsor", objectID: s.uuidString,
                                   detail: "grant=\(g.id!) agent=\(agentID) scope=\(scope) expires=\(expires)")])
        }
    }

    static func revoke(_ id: UUID, _ req: Request) async throws -> AgentGrant {
        let s = try company(req)
        guard let g = try await AgentGrant.find(id, on: req.db), g.sponsorID == s else { throw Abort(.notFound) }
        guard g.revokedAt == nil else { throw AppError.conflict("reg.decided") }
        let now = req.application.clock.now()
        return try await req.audited { db in
            g.revokedAt = now
            try await g.save(on: db)
            return (g, [AuditEntry(action: "agent.revoke", objectType: "sponsor", objectID: s.uuidString, detail: "grant=\(id) agent=\(g.agentID)")])
        }
    }

    /// The grants an agent may act under today, newest first.
    static func activeGrants(agent: UUID, today: String, db: any Database) async throws -> [AgentGrant] {
        try await AgentGrant.query(on: db).filter(\.$agentID == agent).filter(\.$revokedAt == nil).filter(\.$expiresOn >= today)
            .sort(\.$createdAt, .descending).all()
    }
}
