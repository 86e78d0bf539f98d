import Fluent
import Vapor

/// `/admin/audit` (chain status and latest events); accounts are `AccountsController`'s.
enum AdminController {
    static func register(web: any RoutesBuilder) {
        let g = web.grouped(RequireRole(.admin))
        g.get(.adminAudit, use: audit)
    }

    /// The chain's state and its events, newest first; `actor` (an account's id) or `objectType` with `objectId` narrows
    /// them to what one account did or what was done to one record, each read from its index.
    static func audit(_ req: Request) async throws -> Response {
        let (chain, fullAt) = try await req.application.auditPageCheck.run(req.db, now: req.application.clock.now())
        let paging = try Paging(req, defaultPer: 100)
        let actor = req.queryText("actor"), objectType = req.queryText("objectType"), objectID = req.queryText("objectId")
        func filtered() -> QueryBuilder<AuditEventRecord> {
            let q = AuditEventRecord.query(on: req.db)
            if let actor { q.filter(\.$actorID == actor) }
            if let objectType, let objectID { q.filter(\.$objectType == objectType).filter(\.$objectID == objectID) }
            return q
        }
        // Newest first by the primary key: the page is read from an index alone, the total is a plain count.
        let events = try await filtered().sort(\.$id, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        let total = try await filtered().countRows()
        let pager = total > paging.per ? Views.pagination(req, page: paging.page, per: paging.per, total: total) : ""
        let names = try await names(of: events, actor: actor, object: objectType.flatMap { t in objectID.map { (t, $0) } }, req.db)
        let filter = AdminViews.AuditFilter(actor: actor, object: objectType.flatMap { t in objectID.map { (t, $0) } })
        return AdminViews.audit(req, chain: chain, fullAt: fullAt, events: events, names: names, filter: filter, pager: pager)
    }

    /// Who the page's actors are and what its accounts, offices and agencies are called: names of staff and units only.
    /// Foreigners, sponsors and reports stay ids (the admin has no access to them).
    static func names(of events: [AuditEventRecord], actor: String?, object: (String, String)?, _ db: any Database) async throws -> [String: String] {
        // Actors are accounts; objects are named when they are accounts, offices or agencies. The filter's own are named too.
        let objects = events.map { ($0.objectType, $0.objectID) } + (object.map { [$0] } ?? [])
            + (events.map(\.actorID) + (actor.map { [$0] } ?? [])).map { ("user", $0) }
        func ids(_ type: String) -> [UUID] { Array(Set(objects.filter { $0.0 == type }.compactMap { UUID(uuidString: $0.1) })) }
        var out: [String: String] = [:]
        let userIDs = ids("user"), officeIDs = ids("office"), agencyIDs = ids("agency")
        if !userIDs.isEmpty { for u in try await User.query(on: db).filter(\.$id ~~ userIDs).all() { out[u.id!.uuidString] = u.displayName } }
        if !officeIDs.isEmpty { for o in try await Office.query(on: db).filter(\.$id ~~ officeIDs).all() { out[o.id!.uuidString] = o.name } }
        if !agencyIDs.isEmpty { for a in try await Agency.query(on: db).filter(\.$id ~~ agencyIDs).all() { out[a.id!.uuidString] = a.name } }
        return out
    }
}
