import Fluent
import Vapor

/// `/admin/audit` (chain status and latest events); accounts are `AccountsController`'s.
enum AdminController {
    static func register(web: any RoutesBuilder) {
        let g = web.grouped(RequireRole(.admin))
        g.get(.adminAudit, use: audit)
    }

    static func audit(_ req: Request) async throws -> Response {
        let chain = try await AuditLog.verify(on: req.db)
        let events = try await AuditEventRecord.query(on: req.db).sort(\.$id, .descending).limit(100).all()
        return AdminViews.audit(req, chain: chain, events: events)
    }
}
