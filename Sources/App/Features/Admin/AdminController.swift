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
        // Newest first by the primary key: the page is read from the index alone, the total is a plain count.
        let paging = try Paging(req, defaultPer: 100)
        let events = try await AuditEventRecord.query(on: req.db).sort(\.$id, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        let total = try await AuditEventRecord.query(on: req.db).countRows()
        let pager = total > paging.per ? Views.pagination(req, page: paging.page, per: paging.per, total: total) : ""
        return AdminViews.audit(req, chain: chain, events: events, pager: pager)
    }
}
