import Fluent
import Foundation
import SQLKit
import Vapor

/// How long each kind of record is kept (UU 27/2022 Art. 16(2), personal data kept no longer than its purpose
/// needs). The audit chain is never shortened: it is the record of who read and changed what. Days from the
/// environment (SINERGI_RETAIN_*), parsed in `AppConfig`.
public struct RetentionPolicy: Sendable, Equatable {
    /// Closed public reports: the description, contact and coordinates are erased (the tracking code, village,
    /// status and outcome stay for statistics and for the reporter's status page).
    public var publicReportDays = 730
    /// Photos of closed public reports.
    public var publicReportPhotoDays = 180
    /// Notifications, read or not.
    public var notificationDays = 180
    /// Tasks done or cancelled.
    public var closedTaskDays = 730
    /// The text of e-mails already sent (names of foreigners in warning digests); the row stays so a message is
    /// never sent twice.
    public var sentMailDays = 90

    public init() {}
}

enum Retention {
    struct Counts: Content, Equatable {
        var publicReportsErased = 0
        var publicReportPhotos = 0
        var notifications = 0
        var closedTasks = 0
        var sentMailBodies = 0
        var expiredSessions = 0
        var expiredTokens = 0
        var passwordLinks = 0
        var signInFailures = 0
    }

    static let erased = "[dihapus setelah masa simpan / erased after the retention period]"

    /// Applies the policy as of `now` (or only counts, `dryRun`). Each kind is its own short transaction, so a large
    /// clean-up never holds the write lock for long; one audit event records what was done.
    static func run(app: Application, now: Date, dryRun: Bool) async throws -> Counts {
        let p = app.config.retention
        let db = app.db
        func before(_ days: Int) -> Date { now.addingTimeInterval(-Double(days) * 86_400) }
        // Each kind is one query, counted, and then (not in a dry run) applied.
        let reports = PublicReport.query(on: db).filter(\.$closedAt != nil).filter(\.$closedAt < before(p.publicReportDays)).filter(\.$description != erased)
        let photos = PublicReportPhoto.query(on: db).filter(.sql(SQLQueryString(
            "report_id IN (SELECT id FROM public_reports WHERE closed_at IS NOT NULL AND closed_at < \(bind: before(p.publicReportPhotoDays)))")))
        let notifications = AppNotification.query(on: db).filter(\.$createdAt < before(p.notificationDays))
        let tasks = FieldTask.query(on: db).filter(\.$status ~~ [TaskStatus.done.rawValue, TaskStatus.cancelled.rawValue])
            .filter(.sql(SQLQueryString("COALESCE(done_at, created_at) < \(bind: before(p.closedTaskDays))")))
        let mail = OutboxMessage.query(on: db).filter(\.$status == "sent").filter(\.$sentAt < before(p.sentMailDays)).filter(\.$body != "")
        let sessions = SessionRecord.query(on: db).filter(\.$expiresAt < now)
        let tokens = APIToken.query(on: db).filter(\.$expiresAt < now)
        let links = PasswordLink.query(on: db).filter(\.$expiresAt < before(30))
        let failures = SignInFailure.query(on: db).filter(\.$at < now.addingTimeInterval(-SignInThrottle.window))
        let c = Counts(publicReportsErased: try await reports.copy().countRows(), publicReportPhotos: try await photos.copy().countRows(),
                       notifications: try await notifications.copy().countRows(), closedTasks: try await tasks.copy().countRows(),
                       sentMailBodies: try await mail.copy().countRows(), expiredSessions: try await sessions.copy().countRows(),
                       expiredTokens: try await tokens.copy().countRows(), passwordLinks: try await links.copy().countRows(),
                       signInFailures: try await failures.copy().countRows())
        if dryRun { return c }

        try await reports.set(\.$description, to: erased).set(\.$contact, to: nil).set(\.$latitude, to: nil).set(\.$longitude, to: nil).update()
        try await photos.delete()
        try await notifications.delete()
        try await tasks.delete()
        try await mail.set(\.$body, to: "").update()
        try await sessions.delete()
        try await tokens.delete()
        try await links.delete()
        try await failures.delete()
        let detail = "reports=\(c.publicReportsErased) photos=\(c.publicReportPhotos) notifications=\(c.notifications) tasks=\(c.closedTasks) mails=\(c.sentMailBodies) sessions=\(c.expiredSessions) tokens=\(c.expiredTokens) links=\(c.passwordLinks) failures=\(c.signInFailures)"
        try await AuditLog.record(AuditEntry(action: "retention.run", objectType: "system", objectID: "-", detail: detail),
                                  actor: .system, requestID: "retention", on: db, clock: app.clock)
        return c
    }
}

/// `sinergi retention run [--dry-run]`: what the daily job does, on demand; `--dry-run` counts without changing.
struct RetentionCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["run": RetentionRunCommand()] }
    var help: String { "Retention of personal data (UU 27/2022)." }
}

struct RetentionRunCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Count what would be erased or deleted, change nothing.")
        var dryRun: Bool
    }
    var help: String { "Applies the retention periods (SINERGI_RETAIN_*); prints what was (or would be) erased as JSON." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let counts = try await Retention.run(app: app, now: app.clock.now(), dryRun: signature.dryRun)
        let data = try JSONEncoder.sorted.encode(RetentionOutput(dryRun: signature.dryRun, counts: counts))
        context.console.print(String(decoding: data, as: UTF8.self))
    }

    struct RetentionOutput: Encodable { var dryRun: Bool; var counts: Retention.Counts }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}
