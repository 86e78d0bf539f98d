import Fluent
import SMTP
import Vapor

/// In-app notifications: `/notifications` (newest first, with the choice of also getting them by e-mail),
/// `GET /api/v1/notifications`, `POST /api/v1/notifications/{id}/read`.
enum NotificationsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let signedInWeb = web.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor))
        signedInWeb.get(.notifications, use: page)
        signedInWeb.post(.notificationOpen(.key), use: open)
        signedInWeb.post(.notificationPreferences, use: preferences)
        let signedIn = api.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor))
        signedIn.get("notifications", use: listAPI)
        signedIn.post("notifications", ":id", "read", use: readAPI)
    }

    struct NotificationDTO: Content { var id: UUID; var kind: String; var title: String; var link: String; var createdAt: Date; var read: Bool }
    struct NotificationList: Content { var items: [NotificationDTO]; var unread: Int; var total: Int; var page: Int; var per: Int }

    static func list(_ req: Request) async throws -> NotificationList {
        let me = try req.requirePrincipal().userID
        let paging = try Paging(req)
        let mine = AppNotification.query(on: req.db).filter(\.$userID == me)
        let total = try await mine.copy().countRows()
        let unread = try await mine.copy().filter(\.$readAt == nil).countRows()
        let items = try await mine.sort(\.$createdAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        return NotificationList(items: items.map { NotificationDTO(id: $0.id!, kind: $0.kind, title: $0.title, link: $0.link, createdAt: $0.createdAt, read: $0.readAt != nil) },
                                unread: unread, total: total, page: paging.page, per: paging.per)
    }

    static func listAPI(_ req: Request) async throws -> NotificationList { try await list(req) }

    static func markRead(_ req: Request) async throws -> AppNotification {
        let me = try req.requirePrincipal().userID
        guard let id = req.parameters.get("id", as: UUID.self),
              let n = try await AppNotification.query(on: req.db).filter(\.$id == id).filter(\.$userID == me).first() else { throw Abort(.notFound) }
        n.readAt = req.application.clock.now()
        try await n.update(on: req.db)
        return n
    }

    static func readAPI(_ req: Request) async throws -> HTTPStatus { _ = try await markRead(req); return .noContent }

    static func page(_ req: Request) async throws -> Response {
        let me = try req.requirePrincipal().userID
        let user = try await User.find(me, on: req.db)
        return NotificationViews.page(req, list: try await list(req), byEmail: user?.notifyEmail ?? true, hasEmail: (user.flatMap { try? MailAddress($0.email) }) != nil)
    }

    /// Marks it read and goes to what it is about.
    static func open(_ req: Request) async throws -> Response {
        let n = try await markRead(req)
        return req.redirect(to: n.link.hasPrefix("/") ? n.link : "/")
    }

    struct PreferenceInput: Content { var notifyEmail: String? }

    /// Whether notifications also come by e-mail; audited.
    static func preferences(_ req: Request) async throws -> Response {
        let me = try req.requirePrincipal().userID
        let on = (try? req.content.decode(PreferenceInput.self))?.notifyEmail == "on"
        try await req.audited { db in
            guard let user = try await User.find(me, on: db) else { throw Abort(.notFound) }
            user.notifyEmail = on
            try await user.update(on: db)
            return ((), [AuditEntry(action: "user.notification_preference", objectType: "user", objectID: me.uuidString, detail: "email=\(on)")])
        }
        return Flash.redirect(req, to: .notifications, on ? "flash.notify.emailOn" : "flash.notify.emailOff")
    }
}
