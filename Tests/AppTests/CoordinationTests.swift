@testable import App
import Fluent
import Foundation
import SMTPSink
import Testing
import Vapor
import VaporTesting

@Suite struct CoordinationTests {
    struct M: Decodable { struct D: Decodable { var text: String; var owner: String; var dueOn: String? }; var id: UUID; var status: String; var decisions: [D] }
    struct T: Decodable { struct Msg: Decodable { var author: String; var body: String }; var messages: [Msg]; var total: Int; var page: Int; var per: Int }
    struct N: Decodable { struct I: Decodable { var id: UUID; var kind: String; var link: String; var read: Bool }; var items: [I]; var unread: Int }

    func send(_ app: Application, _ m: HTTPMethod, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
        var h = bearer(token)
        if json != nil { h.contentType = .json }
        return try await app.testing().sendRequest(m, path, headers: h, body: json.map { ByteBuffer(string: $0) })
    }

    /// One unread notice per thing: messages to a discussion nobody has opened yet update its notice instead of
    /// adding one (and an e-mail) each; once read, the next message is news again.
    @Test func unreadNoticesAreNotRepeated() async throws {
        try await withTestApp { app in
            let a = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first()?.id)
            let b = try #require(try await User.query(on: app.db).filter(\.$email == "supervisor@demo.sinergi.id").first()?.id)
            let t0 = app.clock.now()
            func send(_ title: String, at: TimeInterval) async throws {
                try await Notifier.notify([a, b], kind: "thread_message", title: title, link: "/meetings/x#diskusi", now: t0.addingTimeInterval(at),
                                          db: app.db, publicURL: "https://sinergi.example")
            }
            func notices(_ u: UUID) async throws -> [AppNotification] { try await AppNotification.query(on: app.db).filter(\.$userID == u).filter(\.$kind == "thread_message").all() }
            let mails = try await OutboxMessage.query(on: app.db).count()
            try await send("Pesan 1", at: 0)
            try await send("Pesan 2", at: 60)
            #expect(try await notices(a).map(\.title) == ["Pesan 2"])
            #expect(try await notices(a).first?.createdAt == t0.addingTimeInterval(60))
            #expect(try await OutboxMessage.query(on: app.db).count() == mails + 2)      // one e-mail each, not two
            let read = try #require(try await notices(b).first)
            read.readAt = t0.addingTimeInterval(90)
            try await read.save(on: app.db)
            try await send("Pesan 3", at: 120)
            let (na, nb) = (try await notices(a).count, try await notices(b).count)
            #expect(na == 1 && nb == 2)
            // Another thing's notice is its own.
            try await Notifier.notify([a], kind: "thread_message", title: "Lain", link: "/operations/y#diskusi", now: t0, db: app.db, publicURL: nil)
            #expect(try await notices(a).count == 2)
        }
    }

    /// A long discussion opens on its latest messages, oldest of them first, with a way back to earlier ones; the pager
    /// says which messages are shown ("Pesan 981–1030 dari 1030", not "50 dari 1030", which read as if only 50 existed);
    /// the API pages the same way and counts them all.
    @Test func aLongDiscussionShowsItsLatestMessagesAndPagesBack() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let res = try await b.post("/meetings", form: ["title": "Rapat panjang", "regionCode": "35.16", "scheduledAt": "2026-12-05T10:00", "agenda": "Banyak pesan"])
            let page = try #require(res.headers.first(name: .location))
            let id = try #require(UUID(uuidString: String(page.split(separator: "/").last!)))
            let author = try #require(try await User.query(on: app.db).filter(\.$email == "supervisor@demo.sinergi.id").first()?.id)
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            for n in 1...1_030 {        // more than the API's largest page
                let m = ThreadMessage()
                m.threadKind = "meeting"; m.threadID = id; m.authorID = author; m.body = "Pesan nomor \(n)."
                m.createdAt = start.addingTimeInterval(Double(n) * 7)
                try await m.create(on: app.db)
            }
            func bodies(_ html: String) -> [Int] {
                html.split(separator: "Pesan nomor ").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
            }
            // The page: the latest 50, in the order written, and a link to the 50 before them.
            let shown = try await b.get(page)
            #expect(bodies(shown.body.string) == Array(981...1_030))
            #expect(shown.body.string.contains("<span>Pesan 981–1030 dari 1030</span>") && shown.body.string.contains("?page=2#thread"))
            #expect(!shown.body.string.contains("Pesan berikutnya"))
            let back = try await b.get(page + "?page=2")
            #expect(bodies(back.body.string) == Array(931...980) && back.body.string.contains("Pesan berikutnya"))
            #expect(back.body.string.contains("<span>Pesan 931–980 dari 1030</span>"))
            let first = try await b.get(page + "?page=21")
            #expect(bodies(first.body.string) == Array(1...30) && !first.body.string.contains("Pesan sebelumnya"))
            #expect(first.body.string.contains("<span>Pesan 1–30 dari 1030</span>"))
            // A link asking for fewer per page numbers them by that page size; one message alone is named as one.
            let ten = try await b.get(page + "?page=3&per=10")
            #expect(bodies(ten.body.string) == Array(1_001...1_010) && ten.body.string.contains("<span>Pesan 1001–1010 dari 1030</span>"))
            #expect(try await b.get(page + "?page=1030&per=1").body.string.contains("<span>Pesan 1 dari 1030</span>"))
            b.cookies["lang"] = "en"
            #expect(try await b.get(page).body.string.contains("<span>Messages 981–1030 of 1030</span>"))
            b.cookies["lang"] = nil
            // A page past the end (an old link) shows the oldest; a page that is no number shows the newest.
            #expect(bodies(try await b.get(page + "?page=99").body.string) == Array(1...30))
            #expect(bodies(try await b.get(page + "?page=abc").body.string) == Array(981...1_030))
            // The API: by default the latest 1,000, oldest first; a page further back has the rest.
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let latest = try decode(T.self, try await send(app, .GET, "/api/v1/threads/meeting/\(id)", sup))
            #expect(latest.total == 1_030 && latest.page == 1 && latest.per == 1_000)
            #expect(latest.messages.map(\.body) == (31...1_030).map { "Pesan nomor \($0)." })
            let rest = try decode(T.self, try await send(app, .GET, "/api/v1/threads/meeting/\(id)?page=2", sup))
            #expect(rest.messages.map(\.body) == (1...30).map { "Pesan nomor \($0)." })
            let small = try decode(T.self, try await send(app, .GET, "/api/v1/threads/meeting/\(id)?page=3&per=10", sup))
            #expect(small.messages.map(\.body) == (1_001...1_010).map { "Pesan nomor \($0)." })
            #expect(try await send(app, .GET, "/api/v1/threads/meeting/\(id)?per=1001", sup).status == .unprocessableEntity)
        }
    }

    @Test func meetingMinutesThreadsAndNotificationsStayInTheRegion() async throws {
        try await withTestApp { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let agencyUser = try await User.query(on: app.db).filter(\.$email == "agency@demo.sinergi.id").first()!
            let created = try await send(app, .POST, "/api/v1/meetings", sup,
                #"{"title": "Rapat Timpora Kabupaten Mojokerto", "regionCode": "35.16", "scheduledAt": "2026-12-03T09:00", "place": "Aula Kecamatan Ngoro", "agencyIds": ["\#(agencyUser.$agency.id!)"], "agenda": "Data TKA 49 vs 30 perusahaan"}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let meeting = try decode(M.self, created)
            // The agency member is told, sees it, and writes in its thread.
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            var inbox = try decode(N.self, try await send(app, .GET, "/api/v1/notifications", agency))
            #expect(inbox.unread == 1 && inbox.items.first?.link == "/meetings/\(meeting.id)")
            #expect(try await send(app, .GET, "/api/v1/meetings/\(meeting.id)", agency).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/threads/meeting/\(meeting.id)/messages", agency, #"{"body": "Disnaker membawa daftar 30 perusahaan terdaftar"}"#).status == .created)
            #expect(try await send(app, .POST, "/api/v1/threads/meeting/\(meeting.id)/messages", agency, #"{"body": "  "}"#).status == .unprocessableEntity)
            let thread = try decode(T.self, try await send(app, .GET, "/api/v1/threads/meeting/\(meeting.id)", sup))
            #expect(thread.messages.map(\.body) == ["Disnaker membawa daftar 30 perusahaan terdaftar"])
            let supInbox = try decode(N.self, try await send(app, .GET, "/api/v1/notifications", sup))
            #expect(supInbox.items.contains { $0.kind == "message" })
            // Minutes with decisions, an owner and a due date.
            let held = try await send(app, .POST, "/api/v1/meetings/\(meeting.id)/minutes", sup,
                #"{"minutes": "Disepakati pencocokan data TKA", "decisions": [{"text": "Unggah daftar TKA ke Sinergi", "owner": "Disnaker", "dueOn": "2026-12-10"}]}"#)
            #expect(held.status == .ok)
            #expect(try decode(M.self, held).decisions.map(\.owner) == ["Disnaker"])
            #expect(try await send(app, .POST, "/api/v1/meetings/\(meeting.id)/minutes", sup, #"{"minutes": "x", "decisions": [{"text": "y"}]}"#).status == .unprocessableEntity)
            // Mark read.
            let first = inbox.items[0].id
            #expect(try await send(app, .POST, "/api/v1/notifications/\(first)/read", agency).status == .noContent)
            inbox = try decode(N.self, try await send(app, .GET, "/api/v1/notifications", agency))
            #expect(inbox.items.first { $0.id == first }?.read == true)
            // Another region's agency and another office: nothing; sponsors: refused.
            let jakselOfficer = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            #expect(try await send(app, .GET, "/api/v1/meetings/\(meeting.id)", jakselOfficer).status == .notFound)
            #expect(try await send(app, .POST, "/api/v1/threads/meeting/\(meeting.id)/messages", jakselOfficer, #"{"body": "hi"}"#).status == .notFound)
            #expect(try await send(app, .GET, "/api/v1/meetings", try await apiToken(app, "sponsor@demo.sinergi.id")).status == .forbidden)
            #expect(try await send(app, .POST, "/api/v1/meetings", agency, #"{"title": "x"}"#).status == .forbidden)
        }
    }

    @Test func webMeetingWithDecisionsAndAnOperationThread() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let res = try await b.post("/meetings", form: ["title": "Rapat evaluasi", "regionCode": "35.16", "scheduledAt": "2026-12-05T10:00", "agenda": "Evaluasi operasi"])
            #expect(res.status == .seeOther)
            let page = res.headers.first(name: .location)!
            #expect(try await b.post(page + "/minutes", form: ["minutes": "Operasi berjalan baik", "decisions[0][text]": "Laporkan hasil ke Kanwil", "decisions[0][owner]": "Kasi Inteldakim",
                                                             "decisions[0][dueOn]": "2026-12-12", "decisions[1][text]": "", "decisions[1][owner]": ""]).status == .seeOther)
            let shown = try await b.get(page)
            #expect(shown.body.string.contains("Laporkan hasil ke Kanwil") && shown.body.string.contains("Kasi Inteldakim"))
            // A thread on a joint operation.
            let op = try await b.post("/operations", form: ["orderId": TestOrders.sby, "title": "Operasi malam", "date": "2026-12-01", "areaCode": "35.16.05"])
            let opPage = op.headers.first(name: .location)!
            let id = opPage.split(separator: "/").last!
            #expect(try await b.post("/threads/operation/\(id)/messages", form: ["body": "Kumpul di Polsek Ngoro 19.00"]).status == .seeOther)
            #expect(try await b.get(opPage).body.string.contains("Kumpul di Polsek Ngoro 19.00"))
            #expect(try await b.post("/threads/bogus/\(id)/messages", form: ["body": "x"]).status == .notFound)
            // Attachments: a PDF is kept, anything else is refused with a reason; downloads only for those who see the meeting.
            func upload(_ name: String, _ bytes: [UInt8]) async throws -> TestingHTTPResponse {
                let boundary = "----att"
                var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(b.cookies[CSRFMiddleware.cookieName] ?? "")\r\n".utf8)
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
                var h = b.cookieHeader
                h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                return try await app.testing().sendRequest(.POST, page + "/attachments", headers: h, body: ByteBuffer(bytes: body))
            }
            #expect(try await upload("undangan.pdf", Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8)).status == .seeOther)
            let refused = try await upload("macro.pdf", Array("PK\u{3}\u{4} not a pdf".utf8))
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("hanya berkas PDF, JPEG, PNG"))
            let att = try await MeetingAttachment.query(on: app.db).all()
            #expect(att.count == 1 && att[0].contentType == "application/pdf")
            let file = try await b.get(page + "/attachments/\(att[0].id!)")
            #expect(file.status == .ok && file.headers.first(name: .contentDisposition)?.contains("undangan.pdf") == true)
            let jaksel = Browser(app)
            try await jaksel.login("officer.jaksel@demo.sinergi.id")
            #expect(try await jaksel.get(page + "/attachments/\(att[0].id!)").status == .notFound)
        }
    }

    @Test func notificationsAlsoGoOutByEmailThroughTheOutbox() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withTestApp(extra: ["SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never", "SINERGI_PUBLIC_URL": "https://sinergi.example.go.id"]) { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let agencyUser = try await User.query(on: app.db).filter(\.$email == "agency@demo.sinergi.id").first()!
            let created = try await send(app, .POST, "/api/v1/meetings", sup,
                #"{"title": "Rapat Timpora Desember", "regionCode": "35.16", "scheduledAt": "2026-12-03T09:00", "agencyIds": ["\#(agencyUser.$agency.id!)"]}"#)
            let meeting = try decode(M.self, created)
            // Written with the meeting (same transaction), one per person told, never to the author.
            let queued = try await OutboxMessage.query(on: app.db).filter(\.$kind == "notification").all()
            let told = try await AppNotification.query(on: app.db).filter(\.$kind == "meeting").count()
            #expect(queued.count == told && told >= 2)
            #expect(!queued.contains { $0.recipient == "supervisor@demo.sinergi.id" })
            let round = try await app.outboxSender.deliverDue(app: app)
            #expect(round.sent == queued.count)
            let got = try await sink.waitFor(queued.count)
            let toAgency = try #require(got.first { $0.rcpt_tos == ["agency@demo.sinergi.id"] })
            #expect(toAgency.subject == "Sinergi: Rapat Timpora: Rapat Timpora Desember")
            #expect(toAgency.text.contains("https://sinergi.example.go.id/meetings/\(meeting.id)"))
            // A thread message tells the others, by e-mail too.
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            #expect(try await send(app, .POST, "/api/v1/threads/meeting/\(meeting.id)/messages", agency, #"{"body": "Siap hadir"}"#).status == .created)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "supervisor@demo.sinergi.id").count() == 1)
            // The message body itself is not in the e-mail (it may carry personal data): title and link only.
            #expect(try await OutboxMessage.query(on: app.db).all().allSatisfy { !$0.body.contains("Siap hadir") })
        }
    }
    @Test func aMeetingScheduledInLocalTimeShowsThatLocalTime() async throws {
        try await withTestApp { app in
            let regency = try await Region.find("35.16", on: app.db)!
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            // 18:30 at a Mojokerto office is 18:30 WIB, stored as 11:30 UTC, and shown as the time entered.
            let res = try await b.post("/meetings", form: ["title": "Rapat malam", "scheduledAt": "2026-12-05T18:30", "regionCode_province": "35", "regionCode_regency": "35.16",
                                                         "regionCode": "", "agenda": "Evaluasi"])
            #expect(res.status == .seeOther)
            let m = try #require(try await Meeting.query(on: app.db).filter(\.$title == "Rapat malam").first())
            #expect(m.regionCode == "35.16" && LocalTime.parseISO(m.scheduledAt) == Date(timeIntervalSince1970: 1_796_470_200))
            let page = try await b.get(res.headers.first(name: .location)!).body.string
            #expect(page.contains("<dd id=\"meeting-when\">5 Des 2026 18.30 WIB</dd>"))
            #expect(page.contains("Rapat dijadwalkan; peserta diberi tahu.") && page.contains(regency.name))
            #expect(!page.contains("2026-12-05T") && !page.contains("11:30"))
            #expect(try await b.get("/meetings").body.string.contains("5 Des 2026 18.30 WIB"))
            // A kecamatan chosen in the picker: the meeting is that kecamatan's, named on its page.
            let local = try await b.post("/meetings", form: ["title": "Rapat kecamatan", "scheduledAt": "2026-12-06T09:00", "regionCode_province": "35", "regionCode_regency": "35.16",
                                                           "regionCode_district": "35.16.05", "regionCode": ""])
            #expect(local.status == .seeOther)
            #expect(try await Meeting.query(on: app.db).filter(\.$title == "Rapat kecamatan").first()?.regionCode == "35.16.05")
            #expect(try await b.get(local.headers.first(name: .location)!).body.string.contains("<dd id=\"meeting-region\"><span class=\"place\" title=\"35.16.05\">Ngoro, Kabupaten Mojokerto, Jawa Timur</span></dd>"))
            // In English, the same moment.
            b.cookies["lang"] = "en"
            #expect(try await b.get("/meetings/\(m.id!)").body.string.contains("5 Dec 2026 18:30 WIB"))
        }
    }

    @Test func aRefusedMeetingKeepsItsInput() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            // An agenda over 4,000 characters: everything comes back, the reason beside the agenda.
            let agenda = String(repeating: "Data TKA per perusahaan. ", count: 170)
            let long = try await b.post("/meetings", form: ["title": "Rapat panjang", "scheduledAt": "2026-12-05T09:00", "regionCode": "35.16", "place": "Aula", "agenda": agenda])
            #expect(long.status == .unprocessableEntity)
            let page = long.body.string
            #expect(page.contains("value=\"Rapat panjang\"") && page.contains("value=\"2026-12-05T09:00\"") && page.contains("value=\"Aula\"") && page.contains(">\(agenda)</textarea>"))
            #expect(page.contains("<p class=\"field-error\" id=\"agenda-error\">Agenda paling banyak 4000 karakter.</p>"))
            // A province is wider than the jurisdiction: the region picker says so.
            let wide = try await b.post("/meetings", form: ["title": "Rapat provinsi", "scheduledAt": "2026-12-05T09:00", "regionCode_province": "35", "regionCode": ""])
            #expect(wide.status == .unprocessableEntity && wide.body.string.contains("id=\"regionCode-error\">Wilayah: pilih wilayah di wilayah kerja Anda.</p>"))
            #expect(try await Meeting.query(on: app.db).count() == 0)
            // Minutes with a decision but no owner: the row says so and keeps what was typed.
            #expect(try await b.post("/meetings", form: ["title": "Rapat evaluasi", "scheduledAt": "2026-12-05T10:00", "regionCode": "35.16"]).status == .seeOther)
            let m = try #require(try await Meeting.query(on: app.db).first())
            let minutes = try await b.post("/meetings/\(m.id!)/minutes", form: ["minutes": "Operasi berjalan baik", "decisions[0][text]": "", "decisions[1][text]": "Laporkan ke Kanwil", "decisions[1][owner]": ""])
            #expect(minutes.status == .unprocessableEntity)
            #expect(minutes.body.string.contains(">Operasi berjalan baik</textarea>") && minutes.body.string.contains("value=\"Laporkan ke Kanwil\""))
            #expect(minutes.body.string.contains("id=\"decision-1-owner-error\">Keputusan ke-2: Penanggung jawab wajib diisi.</p>"))
        }
    }
}
