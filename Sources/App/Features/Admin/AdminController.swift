import Fluent
import Vapor

/// `/admin/audit` (chain status and latest events) and `/admin/users`.
enum AdminController {
    static func register(web: any RoutesBuilder) {
        let g = web.grouped(RequireRole(.admin))
        g.get(.adminAudit, use: audit)
        g.get(.adminUsers, use: users)
    }

    static func audit(_ req: Request) async throws -> Response {
        let chain = try await AuditLog.verify(on: req.db)
        let events = try await AuditEventRecord.query(on: req.db).sort(\.$id, .descending).limit(100).all()
        return AdminViews.audit(req, chain: chain, events: events)
    }

    static func users(_ req: Request) async throws -> Response {
        let users = try await User.query(on: req.db).with(\.$office).with(\.$agency).with(\.$sponsor).sort(\.$email).all()
        return AdminViews.users(req, users: users)
    }
}
