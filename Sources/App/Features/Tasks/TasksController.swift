import Fluent
import Foundation
import SQLKit
import Vapor

enum TaskKind: String, Codable, Sendable, CaseIterable { case verifyAddress, visitCompany, followUpReport, other }
enum TaskStatus: String, Codable, Sendable, CaseIterable { case open, done, cancelled }

/// An assignment from a supervisor to one or more officers of the office, with a due date. Finishing it
/// links it to the daily-report entry that did the work.
final class FieldTask: Model, @unchecked Sendable {
    static let schema = "field_tasks"
    @ID(key: .id) var id: UUID?
    @Field(key: "office_id") var officeID: UUID
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @OptionalField(key: "foreigner_id") var foreignerID: UUID?
    @OptionalField(key: "sponsor_id") var sponsorID: UUID?
    @OptionalField(key: "public_report_id") var publicReportID: UUID?
    @Field(key: "due_on") var dueOn: String
    @Field(key: "status") var status: String
    @OptionalField(key: "done_entry_id") var doneEntryID: UUID?
    @OptionalField(key: "done_by") var doneBy: UUID?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class FieldTaskAssignee: Model, @unchecked Sendable {
    static let schema = "field_task_assignees"
    @ID(key: .id) var id: UUID?
    @Field(key: "task_id") var taskID: UUID
    @Field(key: "user_id") var userID: UUID
    init() {}
}

/// `POST /api/v1/tasks`, `GET /api/v1/tasks?assignee=me&status=&overdue=`, `POST /api/v1/tasks/{id}/done`;
/// `/tasks` on the web. Supervisors create for officers of their office; officers see their queue.
enum TasksController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.officer, .supervisor))
        a.get("tasks", use: listAPI)
        a.post("tasks", ":id", "done", use: doneAPI)
        api.grouped(RequireRole(.supervisor)).post("tasks", use: createAPI)
        let w = web.grouped(RequireRole(.officer, .supervisor))
        w.get(FieldWorkURL.tasks, use: page)
        w.post(FieldWorkURL.taskDone(.key), use: doneForm)
        web.grouped(RequireRole(.supervisor)).post(FieldWorkURL.tasks, use: createForm)
    }

    struct CreateInput: Content {
        var title: String?
        var kind: String?
        var dueOn: String?
        var assignees: [UUID]?
        var foreignerId: UUID?
        var sponsorId: UUID?
        var publicReportCode: String?
    }

    struct TaskDTO: Content {
        var id: UUID
        var kind: String
        var title: String
        var dueOn: String
        var status: String
        var overdue: Bool
        var assignees: [UUID]
        var foreignerId: UUID?
        var sponsorId: UUID?
        var publicReportId: UUID?
        var doneEntryId: UUID?
        var doneAt: Date?
    }

    static func assignees(_ ids: [UUID], db: any Database) async throws -> [UUID: [UUID]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await FieldTaskAssignee.query(on: db).filter(\.$taskID ~~ ids).all()
        return Dictionary(grouping: rows, by: \.taskID).mapValues { $0.map(\.userID) }
    }

    static func dto(_ t: FieldTask, assignees: [UUID], today: String) -> TaskDTO {
        TaskDTO(id: t.id!, kind: t.kind, title: t.title, dueOn: t.dueOn, status: t.status, overdue: t.status == TaskStatus.open.rawValue && t.dueOn < today,
                assignees: assignees, foreignerId: t.foreignerID, sponsorId: t.sponsorID, publicReportId: t.publicReportID, doneEntryId: t.doneEntryID, doneAt: t.doneAt)
    }

    /// Validates and creates a task; every reference must lie in the supervisor's scope. Its assignees (not
    /// the supervisor who made it) are told in the same transaction.
    static func create(_ i: CreateInput, _ req: Request) async throws -> FieldTask {
        let p = try req.requirePrincipal()
        guard let office = p.officeID else { throw Abort(.forbidden) }
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let titleChecked = try checks.run { try ValidationFailure.required(i.title, "title", max: 300) }
        let kindChecked = try checks.run { () throws -> TaskKind in
            guard let kind = i.kind.flatMap(TaskKind.init(rawValue:)) else {
                throw ValidationFailure("v.oneOf", field: "kind", TaskKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return kind
        }
        let due = (i.dueOn ?? "").trimmingCharacters(in: .whitespaces)
        _ = try checks.run { () throws -> Void in
            guard let days = Day.between(req.application.today, due), due.count == 10 else { throw ValidationFailure("v.day", field: "dueOn") }
            guard days >= 0 else { throw ValidationFailure("v.notPast", field: "dueOn") }
        }
        let people = Array(Set(i.assignees ?? []))
        _ = try await checks.run { () async throws -> Void in
            guard !people.isEmpty, people.count <= 20 else { throw ValidationFailure("v.countRange", field: "assignees", "1", "20") }
            let officers = try await User.query(on: req.db).filter(\.$id ~~ people).filter(\.$office.$id == office).all().filter { $0.roleValue == .officer || $0.roleValue == .supervisor }
            guard officers.count == people.count else { throw ValidationFailure("v.assigneesOffice", field: "assignees") }
        }
        _ = try await checks.run { () async throws -> Void in
            if let f = i.foreignerId, (try? await ScopePolicy.foreigner(f, req)) == nil { throw ValidationFailure("v.notInScope", field: "foreignerId") }
        }
        _ = try await checks.run { () async throws -> Void in
            if let s = i.sponsorId, (try? await ScopePolicy.sponsor(s, req)) == nil { throw ValidationFailure("v.notInScope", field: "sponsorId") }
        }
        let publicReport = (try await checks.run { () async throws -> PublicReport? in
            guard let code = i.publicReportCode?.trimmingCharacters(in: .whitespaces).uppercased(), !code.isEmpty else { return nil }
            guard let r = try await PublicReport.query(on: req.db).filter(\.$trackingCode == code).filter(.sql(ScopePolicy.RowFilter.regencies(p.jurisdiction).sql)).first() else {
                throw ValidationFailure("v.notInScope", field: "publicReportCode")
            }
            return r
        }) ?? nil
        let (title, kind) = try checks.finish(titleChecked, kindChecked)
        let now = req.application.clock.now()
        let linkedReport = publicReport
        return try await req.audited { db in
            let t = FieldTask()
            t.id = UUID(); t.officeID = office; t.createdBy = p.userID; t.kind = kind.rawValue; t.title = title
            t.foreignerID = i.foreignerId; t.sponsorID = i.sponsorId; t.publicReportID = linkedReport?.id; t.dueOn = due
            t.status = TaskStatus.open.rawValue; t.createdAt = now
            try await t.create(on: db)
            for u in people {
                let a = FieldTaskAssignee(); a.taskID = t.id!; a.userID = u
                try await a.create(on: db)
            }
            try await Notifier.notify(people, except: p.userID, kind: "task_assigned", title: title, link: FieldWorkURL.task(t.id!), req: req, db: db)
            var entries = [AuditEntry(action: "task.create", objectType: "task", objectID: t.id!.uuidString, detail: "kind=\(kind.rawValue) assignees=\(people.count)")]
            if let r = linkedReport, r.status == PublicReportStatus.received.rawValue {
                r.status = PublicReportStatus.inReview.rawValue
                try await r.update(on: db)
                entries.append(AuditEntry(action: "public_report.task", objectType: "public_report", objectID: r.id!.uuidString, detail: "task=\(t.id!)"))
            }
            return (t, entries)
        }
    }

    /// The tasks the user may see (`ScopePolicy.tasks`), filtered, in the order of their due day.
    static func visible(_ req: Request, assignee: String?, status: TaskStatus?, overdueOnly: Bool) throws -> QueryBuilder<FieldTask> {
        let p = try req.requirePrincipal()
        var who: UUID?
        if let a = assignee, !a.isEmpty {
            if a == "me" { who = p.userID } else {
                guard let id = UUID(uuidString: a) else { throw ValidationFailure("v.officer", field: "assignee") }
                who = id
            }
        }
        let q = try ScopePolicy.tasks(req, assignedTo: who)
        if let status { q.filter(\.$status == status.rawValue) }
        if overdueOnly { q.filter(\.$status == TaskStatus.open.rawValue).filter(\.$dueOn < req.application.today) }
        return q.sort(\.$dueOn).sort(\.$createdAt).sort(\.$id)
    }

    /// One page of `visible` and the number of all of them.
    static func page(_ q: QueryBuilder<FieldTask>, _ paging: Paging) async throws -> (items: [FieldTask], total: Int) {
        let total = try await q.copy().countRows()
        return (try await q.range(paging.offset..<(paging.offset + paging.per)).all(), total)
    }

    /// An assigned officer marks the task done, optionally naming the report entry that did it.
    static func done(_ id: UUID?, entryID: UUID?, _ req: Request) async throws -> FieldTask {
        let p = try req.requirePrincipal()
        guard let id, let t = try await FieldTask.find(id, on: req.db), t.officeID == p.officeID else { throw Abort(.notFound) }
        guard try await FieldTaskAssignee.query(on: req.db).filter(\.$taskID == id).filter(\.$userID == p.userID).first() != nil else {
            throw AppError.forbidden("err.taskNotYours")
        }
        guard t.status == TaskStatus.open.rawValue else { throw AppError.conflict("err.taskNotOpen") }
        if let e = entryID {
            guard let entry = try await ReportEntry.find(e, on: req.db), let report = try await DailyReport.find(entry.$report.id, on: req.db),
                  report.officerID == p.userID else { throw ValidationFailure("v.ownEntry", field: "entryId") }
        }
        let now = req.application.clock.now()
        return try await req.audited { db in
            t.status = TaskStatus.done.rawValue; t.doneEntryID = entryID; t.doneBy = p.userID; t.doneAt = now
            try await t.update(on: db)
            return (t, [AuditEntry(action: "task.done", objectType: "task", objectID: id.uuidString, detail: entryID.map { "entry=\($0)" } ?? "")])
        }
    }

    // MARK: API

    static func listAPI(_ req: Request) async throws -> ListPage<TaskDTO> {
        let status = try req.queryValue("status").flatMap { $0.isEmpty ? nil : $0 }.map { raw -> TaskStatus in
            guard let s = TaskStatus(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "status", "open, done, cancelled") }
            return s
        }
        let paging = try Paging(req)
        let (tasks, total) = try await page(try visible(req, assignee: req.queryValue("assignee"), status: status,
                                                         overdueOnly: try req.queryBool("overdue") ?? false), paging)
        let who = try await assignees(tasks.compactMap(\.id), db: req.db)
        let today = req.application.today
        return ListPage(items: tasks.map { dto($0, assignees: who[$0.id!] ?? [], today: today) }, total: total, paging)
    }

    static func createAPI(_ req: Request) async throws -> Response {
        guard let input = try? req.content.decode(CreateInput.self) else {
            throw ValidationFailure("v.body", "title, kind, dueOn, assignees, foreignerId, sponsorId, publicReportCode")
        }
        let t = try await create(input, req)
        let res = Response(status: .created)
        try res.content.encode(dto(t, assignees: Array(Set(input.assignees ?? [])), today: req.application.today))
        return res
    }

    struct DoneInput: Content { var entryId: UUID? }

    static func doneAPI(_ req: Request) async throws -> TaskDTO {
        let input = try? req.content.decode(DoneInput.self)
        let t = try await done(req.parameters.get("id", as: UUID.self), entryID: input?.entryId, req)
        return dto(t, assignees: (try await assignees([t.id!], db: req.db))[t.id!] ?? [], today: req.application.today)
    }

    // MARK: web

    static func page(_ req: Request) async throws -> Response {
        var state = FormState(values: ["dueOn": Day.adding(7, to: req.application.today) ?? req.application.today])
        // From a citizen's report ("Jadikan tugas lapangan"): a task to follow it up.
        if let code = req.queryValue("report") { state.values["publicReportCode"] = code; state.values["kind"] = TaskKind.followUpReport.rawValue }
        return try await render(req, form: state)
    }

    static func render(_ req: Request, form: FormState, error: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let p = try req.requirePrincipal()
        let paging = try Paging(req)
        let (tasks, total) = try await page(try visible(req, assignee: nil, status: nil, overdueOnly: false), paging)
        let staff = try await ScopePolicy.staff(req).all()
        return TaskViews.page(req, .init(
            tasks: tasks, total: total, paging: paging, assignees: try await assignees(tasks.compactMap(\.id), db: req.db),
            names: Dictionary(uniqueKeysWithValues: staff.map { ($0.id!, $0.displayName) }), me: p.userID,
            officers: ScopePolicy.maySupervise(p) ? staff.filter { $0.roleValue == .officer }.map { ($0.id!, $0.displayName) } : nil,
            form: form, error: error), status: status)
    }

    struct CreateForm: Content { var title: String?; var kind: String?; var dueOn: String?; var assignee: String?; var publicReportCode: String? }

    static func createForm(_ req: Request) async throws -> Response {
        let f = try req.content.decode(CreateForm.self)
        var state = FormState(values: ["title": f.title ?? "", "kind": f.kind ?? "", "dueOn": f.dueOn ?? "", "assignee": f.assignee ?? "",
                                       "publicReportCode": f.publicReportCode ?? ""])
        do {
            let people = f.assignee.flatMap { $0.isEmpty ? nil : $0 }.map { [UUID(uuidString: $0) ?? UUID()] }
            _ = try await create(CreateInput(title: f.title, kind: f.kind, dueOn: f.dueOn, assignees: people, publicReportCode: f.publicReportCode), req)
        } catch let e as ValidationFailure {
            // The form picks one officer: the service's "assignees" is its "assignee".
            state.fail(e, lang: req.language, shownFields: ["title", "kind", "dueOn", "assignee", "publicReportCode"], rename: ["assignees": "assignee"],
                       labels: ["title": L10n.t("task.title", req.language)])
            return try await render(req, form: state, status: .unprocessableEntity)
        }
        return Flash.redirect(req, to: FieldWorkURL.tasks, "flash.task.created")
    }

    static func doneForm(_ req: Request) async throws -> Response {
        do { _ = try await done(req.parameters.get("id", as: UUID.self), entryID: nil, req) } catch let e as AppError where e.status == .conflict || e.status == .forbidden {
            return try await render(req, form: .empty, error: e.message(req.language), status: e.status)
        }
        return Flash.redirect(req, to: FieldWorkURL.tasks, "flash.task.done")
    }

    /// An open task as the field look-up shows it.
    struct OpenTask: Content { var id: UUID; var title: String; var dueOn: String }

    /// Open tasks about these foreigners, soonest first (for the field look-up: plain SQL, it runs on every look-up).
    static func openTasks(for foreigners: [UUID], db: any Database) async throws -> [UUID: [OpenTask]] {
        guard !foreigners.isEmpty else { return [:] }
        struct Row: Decodable { var id: UUID; var foreigner_id: UUID; var title: String; var due_on: String }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT id, foreigner_id, title, due_on FROM field_tasks
            WHERE foreigner_id IN (\(SQLList(foreigners.map { SQLBind($0) }))) AND status = \(bind: TaskStatus.open.rawValue) ORDER BY due_on, id
            """).all(decoding: Row.self)
        return Dictionary(grouping: rows, by: \.foreigner_id).mapValues { $0.map { OpenTask(id: $0.id, title: $0.title, dueOn: $0.due_on) } }
    }
}
