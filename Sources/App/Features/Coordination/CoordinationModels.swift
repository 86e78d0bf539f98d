import Fluent
import SQLKit
import Foundation

/// A Timpora coordination meeting of a region: schedule, participating agencies, agenda, minutes.
final class Meeting: Model, @unchecked Sendable {
    static let schema = "meetings"
    @ID(key: .id) var id: UUID?
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "region_code") var regionCode: String
    @Field(key: "title") var title: String
    @Field(key: "scheduled_at") var scheduledAt: String
    @OptionalField(key: "place") var place: String?
    @Field(key: "agency_ids") var agencyIDs: String
    @OptionalField(key: "agenda") var agenda: String?
    @OptionalField(key: "minutes") var minutes: String?
    @Field(key: "status") var status: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}

    var agencies: [UUID] { (try? JSONDecoder().decode([UUID].self, from: Data(agencyIDs.utf8))) ?? [] }
}

/// A decision of a meeting, with who owns it and by when.
final class MeetingDecision: Model, @unchecked Sendable {
    static let schema = "meeting_decisions"
    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "text") var text: String
    @Field(key: "owner") var owner: String
    @OptionalField(key: "due_on") var dueOn: String?
    @Field(key: "status") var status: String          // open | done
    /// The user who owns it (reminded on the due day), when the owner is one of Sinergi's users.
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @OptionalField(key: "done_at") var doneAt: Date?
    init() {}
}

/// A message in the discussion thread of a meeting or a joint operation.
final class ThreadMessage: Model, @unchecked Sendable {
    static let schema = "thread_messages"
    @ID(key: .id) var id: UUID?
    @Field(key: "thread_kind") var threadKind: String
    @Field(key: "thread_id") var threadID: UUID
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// An in-app notification for one user: what happened and where to look.
final class AppNotification: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?
    init() {}

    /// Writes notifications 500 rows per statement, in the caller's transaction; returns their ids in order.
    @discardableResult
    static func insert(_ items: [(user: UUID, title: String, link: String)], kind: String, now: Date, on db: any Database) async throws -> [UUID] {
        let sql = db as! any SQLDatabase
        let ids = items.map { _ in UUID() }
        for start in stride(from: 0, to: items.count, by: 500) {
            let insert = sql.insert(into: schema).columns("id", "user_id", "kind", "title", "link", "created_at")
            for k in start..<min(start + 500, items.count) {
                insert.values(SQLBind(ids[k]), SQLBind(items[k].user), SQLBind(kind), SQLBind(String(items[k].title.prefix(300))), SQLBind(items[k].link), SQLBind(now))
            }
            try await insert.run()
        }
        return ids
    }
}

final class MeetingAttachment: Model, @unchecked Sendable {
    static let schema = "meeting_attachments"
    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "bytes") var bytes: Data
    @Field(key: "size") var size: Int
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
