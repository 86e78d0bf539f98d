@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct TaskTests {
    struct T: Decodable { var id: UUID; var status: String; var overdue: Bool; var assignees: [UUID]; var doneEntryId: UUID? }
    struct L: Decodable { var items: [T]; var total: Int }

    func send(_ app: Application, _ m: HTTPMethod, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
        var h = bearer(token)
        if json != nil { h.contentType = .json }
        return try await app.testing().sendRequest(m, path, headers: h, body: json.map { ByteBuffer(string: $0) })
    }

    @Test func supervisorAssignsOfficerFinishesWithAnEntryAndTheLookupShowsIt() async throws {
        try await withTestApp { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let off = try await apiToken(app, "officer@demo.sinergi.id")
            let officer = try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()!
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).first()!
            let body = #"{"title": "Verifikasi alamat tinggal", "kind": "verifyAddress", "dueOn": "2026-12-03", "assignees": ["\#(officer.id!)"], "foreignerId": "\#(f.id!)"}"#
            let created = try await send(app, .POST, "/api/v1/tasks", sup, body)
            #expect(created.status == .created, "\(created.body.string)")
            let task = try decode(T.self, created)
            #expect(task.status == "open" && !task.overdue && task.assignees == [officer.id!])
            // Officers cannot create tasks; bad input is named.
            #expect(try await send(app, .POST, "/api/v1/tasks", off, body).status == .forbidden)
            #expect(try await send(app, .POST, "/api/v1/tasks", sup, body.replacingOccurrences(of: "2026-12-03", with: "2026-11-01")).body.string.contains("dueOn"))
            let jakselOfficer = try await User.query(on: app.db).filter(\.$email == "officer.jaksel@demo.sinergi.id").first()!
            #expect(try await send(app, .POST, "/api/v1/tasks", sup, body.replacingOccurrences(of: officer.id!.uuidString, with: jakselOfficer.id!.uuidString)).body.string.contains("assignees"))
            // The officer's queue, and the look-up shows the open task.
            let queue = try decode(L.self, try await send(app, .GET, "/api/v1/tasks?assignee=me", off))
            #expect(queue.items.map(\.id) == [task.id])
            let lookup = try await send(app, .GET, "/api/v1/lookup?passport=\(f.passportNumber!)", off)
            #expect(lookup.body.string.contains("Verifikasi alamat tinggal"))
            // Another office sees nothing of it.
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            #expect(try decode(L.self, try await send(app, .GET, "/api/v1/tasks", jaksel)).total == 0)
            #expect(try await send(app, .POST, "/api/v1/tasks/\(task.id)/done", jaksel, "{}").status == .notFound)
            for email in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id"] {
                #expect(try await send(app, .GET, "/api/v1/tasks", try await apiToken(app, email)).status == .forbidden)
            }
            // Done, linked to the entry of the officer's report that did it.
            struct R: Decodable { struct E: Decodable { var id: UUID }; var entries: [E] }
            let report = try decode(R.self, try await send(app, .POST, "/api/v1/daily-reports", off,
                #"{"date": "2026-11-30", "entries": [{"clientId": "\#(UUID())", "time": "11:00", "kelurahanCode": "35.16.05.2010", "activity": "followUp", "foreignerId": "\#(f.id!)", "finding": "compliant"}]}"#))
            let done = try await send(app, .POST, "/api/v1/tasks/\(task.id)/done", off, #"{"entryId": "\#(report.entries[0].id)"}"#)
            #expect(done.status == .ok)
            #expect(try decode(T.self, done).doneEntryId == report.entries[0].id)
            #expect(try await send(app, .POST, "/api/v1/tasks/\(task.id)/done", off, "{}").status == .conflict)
            #expect(!(try await send(app, .GET, "/api/v1/lookup?passport=\(f.passportNumber!)", off)).body.string.contains("Verifikasi alamat tinggal"))
        }
    }

    @Test func overdueTasksAreFlaggedAndPublicReportsTurnIntoTasks() async throws {
        try await withTestApp { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let officer = try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()!
            var h = HTTPHeaders(); h.contentType = .json
            let filed = try await app.testing().sendRequest(.POST, "/api/v1/public-reports", headers: h, body: ByteBuffer(string:
                #"{"description": "Orang asing bekerja di warung makan setiap malam", "kelurahanCode": "35.16.05.2010", "seenAt": "2026-11-29T20:00:00+07:00"}"#))
            struct C: Decodable { var trackingCode: String }
            let code = try decode(C.self, filed).trackingCode
            let t = try decode(T.self, try await send(app, .POST, "/api/v1/tasks", sup,
                #"{"title": "Tindak lanjuti laporan masyarakat", "kind": "followUpReport", "dueOn": "2026-11-30", "assignees": ["\#(officer.id!)"], "publicReportCode": "\#(code)"}"#))
            #expect(try await PublicReport.query(on: app.db).filter(\.$trackingCode == code).first()?.status == "inReview")
            // Two days later the task is overdue.
            app.clock = AppClock(now: { TestDatabases.now.addingTimeInterval(2 * 86400) })
            let fresh = try await apiToken(app, "supervisor@demo.sinergi.id")   // the earlier token has expired by then
            let list = try decode(L.self, try await send(app, .GET, "/api/v1/tasks?overdue=true", fresh))
            #expect(list.items.map(\.id) == [t.id] && list.items[0].overdue)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/tasks")
            #expect(page.body.string.contains("task overdue"))
        }
    }

    /// A new task tells its assignees, never the supervisor who made it; the web form keeps its input after
    /// an error and confirms a created task.
    @Test func assignmentNotifiesTheAssigneesAndTheFormKeepsItsInput() async throws {
        try await withTestApp { app in
            let sup = try await User.query(on: app.db).filter(\.$email == "supervisor@demo.sinergi.id").first()!
            let officer = try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()!
            let token = try await apiToken(app, "supervisor@demo.sinergi.id")
            let created = try await send(app, .POST, "/api/v1/tasks", token,
                #"{"title": "Kunjungi PT Ngoro Baja", "kind": "visitCompany", "dueOn": "2026-12-03", "assignees": ["\#(officer.id!)", "\#(sup.id!)"]}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let task = try decode(T.self, created)
            let notes = try await AppNotification.query(on: app.db).filter(\.$kind == "task_assigned").all()
            #expect(notes.map(\.userID) == [officer.id!])
            #expect(notes.first?.title == "Kunjungi PT Ngoro Baja" && notes.first?.link == "/tasks#task-\(task.id.uuidString)")

            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let bad = try await b.post("/tasks", form: ["title": "Verifikasi alamat", "kind": "verifyAddress", "dueOn": "2026-11-01", "assignee": officer.id!.uuidString])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("<p class=\"field-error\" id=\"dueOn-error\">"))
            #expect(bad.body.string.contains("value=\"Verifikasi alamat\"") && bad.body.string.contains("value=\"2026-11-01\""))
            let good = try await b.post("/tasks", form: ["title": "Verifikasi alamat", "kind": "verifyAddress", "dueOn": "2026-12-04", "assignee": officer.id!.uuidString])
            #expect(good.status == .seeOther && good.headers.setCookie?["sinergi_flash"]?.string == "flash.task.created")
            #expect(try await b.get("/tasks").body.string.contains("Tugas dibuat dan petugas diberi tahu."))
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "task_assigned").count() == 2)
            // The officer finishes it on the web and is told it is done.
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            #expect(try await o.get("/tasks").body.string.contains("id=\"task-\(task.id.uuidString)\""))
            let done = try await o.post("/tasks/\(task.id)/done", form: [:])
            #expect(done.status == .seeOther && done.headers.setCookie?["sinergi_flash"]?.string == "flash.task.done")
            #expect(try await FieldTask.find(task.id, on: app.db)?.status == "done")
            #expect(try await o.post("/tasks/\(task.id)/done", form: [:]).body.string.contains("Tugas ini sudah tidak terbuka."))
        }
    }

    /// The daily reminder tells each assignee once about open tasks due that day, and nothing on a second run.
    @Test func remindersOfTasksDueAreSentOncePerDay() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "supervisor@demo.sinergi.id")
            let officer = try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()!
            for (title, due) in [("Hari ini", "2026-12-03"), ("Besok", "2026-12-04"), ("Selesai", "2026-12-03")] {
                #expect(try await send(app, .POST, "/api/v1/tasks", token,
                    #"{"title": "\#(title)", "kind": "other", "dueOn": "\#(due)", "assignees": ["\#(officer.id!)"]}"#).status == .created)
            }
            let finished = try await FieldTask.query(on: app.db).filter(\.$title == "Selesai").first()!
            finished.status = TaskStatus.done.rawValue
            try await finished.update(on: app.db)
            #expect(try await TaskReminders.run(app: app, day: "2026-12-03") == 1)
            let due = try await AppNotification.query(on: app.db).filter(\.$kind == "task_due").all()
            #expect(due.map(\.title) == ["Hari ini"] && due.map(\.userID) == [officer.id!])
            #expect(try await TaskReminders.run(app: app, day: "2026-12-03") == 0)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "task_due").count() == 1)
            #expect(try await TaskReminders.run(app: app, day: "2026-12-04") == 1)
        }
    }
}
