import Fluent
import Foundation
import Vapor

/// The daily reminder of tasks due: every assignee of an open task due on `day` is told once (in the app,
/// and by e-mail if they chose it). Idempotent: a reminder already written for that task and person (same
/// kind, same link) is not written again, so the scheduler may run it twice a day, or again after a crash.
enum TaskReminders {
    static let kind = "task_due"

    /// Returns the number of notifications written.
    static func run(app: Application, day: String) async throws -> Int {
        let publicURL = app.config.publicURL
        let now = app.clock.now()
        return try await app.db.writeTransaction { db in
            let tasks = try await FieldTask.query(on: db).filter(\.$status == TaskStatus.open.rawValue).filter(\.$dueOn == day).all()
            guard !tasks.isEmpty else { return 0 }
            let people = try await TasksController.assignees(tasks.compactMap(\.id), db: db)
            var written = 0
            for t in tasks {
                let link = FieldWorkURL.task(t.id!)
                let assignees = people[t.id!] ?? []
                let told = Set(try await AppNotification.query(on: db).filter(\.$kind == kind).filter(\.$link == link)
                    .filter(\.$userID ~~ assignees).all().map(\.userID))
                let due = assignees.filter { !told.contains($0) }
                guard !due.isEmpty else { continue }
                try await Notifier.notify(due, kind: kind, title: t.title, link: link, now: now, db: db, publicURL: publicURL)
                written += due.count
            }
            return written
        }
    }
}
