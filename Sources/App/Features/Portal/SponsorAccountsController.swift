import Fluent
import Matching
import Foundation
import Vapor

/// The company-accounts pages of the sponsor portal.
enum SponsorAccountURL: SitePath {
    case users, disable(URLParam), enable(URLParam), agents, revoke(URLParam), actAs

    var segments: [URLSegment] {
        switch self {
        case .users: return SiteURL.portal.segments + ["users"]
        case .disable(let id): return SiteURL.portal.segments + ["users", .param("id", id), "disable"]
        case .enable(let id): return SiteURL.portal.segments + ["users", .param("id", id), "enable"]
        case .agents: return SiteURL.portal.segments + ["agents"]
        case .revoke(let id): return SiteURL.portal.segments + ["agents", .param("id", id), "revoke"]
        case .actAs: return SiteURL.portal.segments + ["act-as"]
        }
    }
}

/// A sponsor-admin's users and agents (`/api/v1/portal/users…`, `/api/v1/portal/agents…`, `/portal/users`), and an
/// agent's choice of the company it acts for (`/api/v1/portal/act-as`, `/portal/act-as`).
enum SponsorAccountsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.sponsor))
        a.get("portal", "users", use: usersAPI)
        a.post("portal", "users", use: inviteAPI)
        a.post("portal", "users", ":id", "disable", use: disableAPI)
        a.post("portal", "users", ":id", "enable", use: enableAPI)
        a.get("portal", "agents", use: grantsAPI)
        a.post("portal", "agents", use: grantAPI)
        a.post("portal", "agents", ":id", "revoke", use: revokeAPI)
        a.post("portal", "act-as", use: actAsAPI)
        let w = web.grouped(RequireRole(.sponsor))
        w.get(SponsorAccountURL.users, use: page)
        w.post(SponsorAccountURL.users, use: inviteForm)
        w.post(SponsorAccountURL.disable(.key), use: disableForm)
        w.post(SponsorAccountURL.enable(.key), use: enableForm)
        w.post(SponsorAccountURL.agents, use: grantForm)
        w.post(SponsorAccountURL.revoke(.key), use: revokeForm)
        w.post(SponsorAccountURL.actAs, use: actAsForm)
    }

    struct UserDTO: Content { var id: UUID; var email: String; var name: String; var sponsorAdmin: Bool; var disabled: Bool; var lastSignInAt: Date? }
    struct GrantDTO: Content {
        var id: UUID; var agentId: UUID; var agentEmail: String; var organisation: String; var foreignerIds: [UUID]?; var expiresOn: String
        var revokedAt: Date?; var active: Bool
    }

    static func userDTO(_ u: User) -> UserDTO {
        UserDTO(id: u.id!, email: u.email, name: u.displayName, sponsorAdmin: u.sponsorAdmin ?? false, disabled: u.disabled, lastSignInAt: u.lastSignInAt)
    }

    static func grantDTOs(_ grants: [AgentGrant], _ req: Request) async throws -> [GrantDTO] {
        let agents = Dictionary(try await User.query(on: req.db).filter(\.$id ~~ grants.map(\.agentID)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let today = req.application.today
        return grants.map { g in
            GrantDTO(id: g.id!, agentId: g.agentID, agentEmail: agents[g.agentID]?.email ?? "", organisation: agents[g.agentID]?.agentOrg ?? "",
                     foreignerIds: g.foreigners, expiresOn: g.expiresOn, revokedAt: g.revokedAt, active: g.isActive(today: today))
        }
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        return id
    }

    // MARK: API

    static func usersAPI(_ req: Request) async throws -> ListPage<UserDTO> {
        let list = try await SponsorAccounts.users(req).map(userDTO)
        return try ListPage(complete: list, req)
    }
    static func inviteAPI(_ req: Request) async throws -> Response {
        let u = try await SponsorAccounts.invite(try req.content.decode(SponsorAccounts.UserInput.self), req)
        let res = Response(status: .created)
        try res.content.encode(userDTO(u))
        return res
    }
    static func disableAPI(_ req: Request) async throws -> UserDTO {
        userDTO(try await Accounts.setDisabled(try await SponsorAccounts.member(try id(req), req), true, req))
    }
    static func enableAPI(_ req: Request) async throws -> UserDTO {
        userDTO(try await Accounts.setDisabled(try await SponsorAccounts.member(try id(req), req), false, req))
    }
    static func grantsAPI(_ req: Request) async throws -> ListPage<GrantDTO> {
        let list = try await grantDTOs(try await SponsorAccounts.grants(req), req)
        return try ListPage(complete: list, req)
    }
    static func grantAPI(_ req: Request) async throws -> Response {
        let g = try await SponsorAccounts.grant(try req.content.decode(SponsorAccounts.GrantInput.self), req)
        let res = Response(status: .created)
        try res.content.encode(try await grantDTOs([g], req)[0])
        return res
    }
    static func revokeAPI(_ req: Request) async throws -> GrantDTO {
        try await grantDTOs([try await SponsorAccounts.revoke(try id(req), req)], req)[0]
    }

    struct ActAs: Content { var sponsorId: UUID? }

    /// An agent with grants from several companies chooses the one it acts for (on this token).
    static func actAsAPI(_ req: Request) async throws -> Response {
        let sponsor = try await chosen((try? req.content.decode(ActAs.self))?.sponsorId, req)
        guard let bearer = req.headers.bearerAuthorization else { throw Abort(.unauthorized) }
        try await APIToken.query(on: req.db).filter(\.$id == Tokens.digest(bearer.token)).set(\.$actingFor, to: sponsor).update()
        return Response(status: .ok)
    }

    static func chosen(_ sponsor: UUID?, _ req: Request) async throws -> UUID {
        let p = try req.requirePrincipal()
        guard p.agentOrg != nil else { throw AppError.forbidden("portal.agentsOnly") }
        guard let sponsor else { throw ValidationFailure("v.required", field: "sponsorId") }
        let grants = try await SponsorAccounts.activeGrants(agent: p.userID, today: req.application.today, db: req.db)
        guard grants.contains(where: { $0.sponsorID == sponsor }) else { throw ValidationFailure("v.noGrant", field: "sponsorId") }
        return sponsor
    }

    // MARK: Web

    /// The grant form as it first stands: the whole company, for 90 days.
    static func freshGrant(_ req: Request) -> FormState {
        FormState(values: ["scope": "company", "expiresOn": Day.adding(90, to: req.application.today) ?? ""])
    }

    static func page(_ req: Request) async throws -> Response {
        try await SponsorAccountViews.page(req, invite: .empty, grant: freshGrant(req))
    }

    static let inviteFields: Set<String> = ["email", "name"]
    static let grantFields: Set<String> = ["email", "organisation", "name", "scope", "foreignerIds", "foreignerPassports", "expiresOn"]

    /// A failure of the invite form (or of a user's disable/enable) shows the page with the message on that form.
    static func onInvite(_ req: Request, _ state: FormState, _ work: () async throws -> Response) async throws -> Response {
        try await Form.attempt(req, state, fields: inviteFields, work,
                               again: { s, status in try await SponsorAccountViews.page(req, invite: s, grant: freshGrant(req), status: status) })
    }

    /// A failure of the grant form (or of a revocation) shows the page with the message on that form.
    static func onGrant(_ req: Request, _ state: FormState, _ work: () async throws -> Response) async throws -> Response {
        try await Form.attempt(req, state, fields: grantFields, work,
                               again: { s, status in try await SponsorAccountViews.page(req, invite: .empty, grant: s, status: status) })
    }

    static func inviteForm(_ req: Request) async throws -> Response {
        let state = FormState(req)
        return try await onInvite(req, state) {
            _ = try await SponsorAccounts.invite(.init(email: state.value("email"), name: state.value("name"), language: nil), req)
            return Flash.redirect(req, to: SponsorAccountURL.users, "flash.user.created")
        }
    }

    static func disableForm(_ req: Request) async throws -> Response {
        try await onInvite(req, .empty) {
            _ = try await Accounts.setDisabled(try await SponsorAccounts.member(try id(req), req), true, req)
            return Flash.redirect(req, to: SponsorAccountURL.users, "flash.user.disabled")
        }
    }

    static func enableForm(_ req: Request) async throws -> Response {
        try await onInvite(req, .empty) {
            _ = try await Accounts.setDisabled(try await SponsorAccounts.member(try id(req), req), false, req)
            return Flash.redirect(req, to: SponsorAccountURL.users, "flash.user.enabled")
        }
    }

    static func grantForm(_ req: Request) async throws -> Response {
        let v = FormState.read(req, ["email", "organisation", "name", "scope", "expiresOn", "foreignerPassports"], lists: ["foreignerIds"])
        return try await onGrant(req, FormState(values: v)) {
            guard ["company", "chosen"].contains(v["scope"] ?? "") else { throw ValidationFailure("v.oneOf", field: "scope", "company, chosen") }
            var ids = v["scope"] == "chosen" ? (v["foreignerIds"] ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) } : nil
            if v["scope"] == "chosen", let typed = v["foreignerPassports"], !typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                ids = try await foreigners(byPassports: typed, req)
            }
            _ = try await SponsorAccounts.grant(.init(email: v["email"], organisation: v["organisation"], name: v["name"], foreignerIds: ids, expiresOn: v["expiresOn"]), req)
            return Flash.redirect(req, to: SponsorAccountURL.users, "flash.agent.granted")
        }
    }

    /// The sponsor's foreigners named by passport numbers typed or pasted one per line (or separated by commas or
    /// semicolons); a number that is none of theirs is named back, and nothing is granted.
    static func foreigners(byPassports typed: String, _ req: Request) async throws -> [UUID] {
        let numbers = typed.split(whereSeparator: { $0.isNewline || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard numbers.count <= 5_000 else { throw ValidationFailure("v.tooMany", field: "foreignerPassports", "5000") }
        let keys = Dictionary(numbers.map { (Normalize.documentID($0), $0) }, uniquingKeysWith: { a, _ in a })
        var found: [String: [UUID]] = [:]
        let all = Array(keys.keys)
        for start in stride(from: 0, to: all.count, by: 500) {
            for f in try await ScopePolicy.foreigners(req).filter(\.$passportKey ~~ Array(all[start..<min(start + 500, all.count)])).all() {
                if let k = f.passportKey, let id = f.id { found[k, default: []].append(id) }
            }
        }
        let missing = keys.filter { found[$0.key] == nil }.map(\.value).sorted()
        guard missing.isEmpty else {
            throw ValidationFailure("v.passportsNotOwn", field: "foreignerPassports", missing.prefix(20).joined(separator: ", ") + (missing.count > 20 ? " …" : ""))
        }
        return Array(Set(found.values.joined()))
    }

    static func revokeForm(_ req: Request) async throws -> Response {
        try await onGrant(req, freshGrant(req)) {
            _ = try await SponsorAccounts.revoke(try id(req), req)
            return Flash.redirect(req, to: SponsorAccountURL.users, "flash.agent.revoked")
        }
    }

    static func actAsForm(_ req: Request) async throws -> Response {
        let sponsor = try await chosen(UUID(uuidString: FormState(req).value("sponsorId")), req)
        if let token = req.cookies[SessionCookie.name]?.string {
            try await SessionRecord.query(on: req.db).filter(\.$id == Tokens.digest(token)).set(\.$actingFor, to: sponsor).update()
        }
        return Flash.redirect(req, to: SiteURL.portal, "flash.agent.actingFor")
    }
}
