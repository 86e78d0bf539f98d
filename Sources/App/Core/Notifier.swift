import Fluent
import Foundation
import SMTP
import SQLKit
import Vapor

/// The one way to tell users that something happened: an in-app notification for each, and, for those
/// who chose it (`users.notify_email`, on by default), an e-mail through the outbox, in the caller's
/// transaction. Notices carry a title and a link, never personal data beyond the title; the content stays
/// behind the sign-in.
enum Notifier {
    static func notify(_ users: [UUID], except: UUID? = nil, kind: String, title: String, link: String, now: Date,
                       db: any Database, publicURL: String?) async throws {
        let everyone = Array(Set(users).subtracting(except.map { [$0] } ?? [])).sorted { $0.uuidString < $1.uuidString }
        guard !everyone.isEmpty else { return }
        let shown = String(title.prefix(300))
        // One unread notice per thing: whoever has not opened the last one about this link is not told again (a
        // discussion of 60 messages made 60 notices and 60 e-mails); the waiting notice takes the newest title and time.
        var waiting: Set<UUID> = []
        for start in stride(from: 0, to: everyone.count, by: 500) {
            let chunk = Array(everyone[start..<min(start + 500, everyone.count)])
            // One statement that updates and names whom it updated: a notice read meanwhile is not counted as waiting.
            struct Row: Decodable { var user_id: UUID }
            let found = try await (db as! any SQLDatabase).update(AppNotification.schema)
                .set("title", to: SQLBind(shown)).set("created_at", to: SQLBind(now))
                .where("kind", .equal, SQLBind(kind)).where("link", .equal, SQLBind(link)).where("read_at", .is, SQLLiteral.null)
                .where("user_id", .in, SQLBind.group(chunk))
                .returning("user_id").all(decoding: Row.self)
            waiting.formUnion(found.map(\.user_id))
        }
        let ids = everyone.filter { !waiting.contains($0) }
        guard !ids.isEmpty else { return }
        let created = try await AppNotification.insert(ids.map { ($0, shown, link) }, kind: kind, now: now, on: db)
        guard let base = publicURL else { return }
        let people = Dictionary(try await User.query(on: db).filter(\.$id ~~ ids).filter(\.$disabled == false).all().map { ($0.id!, $0) },
                                uniquingKeysWith: { a, _ in a })
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + link
        for (u, notification) in zip(ids, created) {
            guard let person = people[u], person.notifyEmail, (try? MailAddress(person.email)) != nil else { continue }
            let lang = Language(rawValue: person.language) ?? .id
            let what = L10n.t("notify.kind.\(kind)", lang)
            try await Outbox.enqueue(key: "notify:\(notification.uuidString)", kind: "notification", to: person.email,
                                     subject: "Sinergi: \(what): \(shown)", body: "\(what): \(shown)\n\n\(url)\n\n\(L10n.t("notify.footer", lang))",
                                     now: now, on: db)
        }
    }

    /// `notify` from a request: its clock and the configured public address.
    static func notify(_ users: [UUID], except: UUID? = nil, kind: String, title: String, link: String, req: Request, db: any Database) async throws {
        try await notify(users, except: except, kind: kind, title: title, link: link, now: req.application.clock.now(), db: db,
                         publicURL: req.application.config.publicURL)
    }
}
