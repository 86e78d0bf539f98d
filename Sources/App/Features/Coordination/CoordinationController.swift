import Fluent
import SMTP
import Foundation
import Vapor

/// Coordination instead of WhatsApp groups: Timpora meetings per region (schedule, agencies, agenda,
/// minutes, decisions with owner and due date), a discussion thread on each meeting and joint operation,
/// and in-app notifications. Officers and supervisors: their office's; agency members: their region's.
enum CoordinationController {
    enum ThreadKind: String, Sendable, CaseIterable { case meeting, operation }

    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let all = api.grouped(RequireRole(.officer, .supervisor, .agency))
        all.get("meetings", use: listAPI)
        all.get("meetings", ":id", use: showAPI)
        all.get("threads", ":kind", ":id", use: threadAPI)
        all.post("threads", ":kind", ":id", "messages", use: postAPI)
        api.grouped(RequireRole(.officer, .supervisor)).post("meetings", use: createAPI)
        api.grouped(RequireRole(.officer, .supervisor)).post("meetings", ":id", "minutes", use: minutesAPI)
        all.post("meetings", ":id", "decisions", ":decisionId", "done", use: decisionDoneAPI)
        CoordinationPages.register(web)
    }

    // MARK: scope

    static func meeting(_ id: UUID?, _ req: Request) async throws -> Meeting {
        guard let id, let scoped = try? ScopePolicy.meetings(req), let m = try await scoped.filter(\.$id == id).first() else { throw Abort(.notFound) }
        return m
    }

    /// The thread's subject if this user may read it (404 otherwise), and who should hear of new messages.
    static func thread(_ kind: String?, _ id: UUID?, _ req: Request) async throws -> (ThreadKind, UUID, title: String, link: String, audience: [UUID]) {
        guard let kind = kind.flatMap(ThreadKind.init(rawValue:)), let id else { throw Abort(.notFound) }
        switch kind {
        case .meeting:
            let m = try await meeting(id, req)
            return (kind, id, m.title, CoordinationURL.meeting(.id(id)).path, try await audience(office: m.officeID, agencies: m.agencies, db: req.db))
        case .operation:
            let op = try await OperationsController.visible(id, req)
            return (kind, id, op.title, OperationURL.show(.id(id)).path, try await audience(office: op.officeID, agencies: op.agencies, db: req.db))
        }
    }

    /// The office's officers and supervisors and the members of the participating agencies.
    static func audience(office: UUID, agencies: [UUID], db: any Database) async throws -> [UUID] {
        let staff = try await User.query(on: db).filter(\.$office.$id == office).all()
        let members = agencies.isEmpty ? [] : try await User.query(on: db).filter(\.$agency.$id ~~ agencies).all()
        return (staff + members).filter { !$0.disabled }.compactMap(\.id)
    }

    // MARK: meetings

    /// `ownerId`: the owner's account, when the owner is a Sinergi user of the office or a member of an invited
    /// agency (reminded on the due day); `owner` names them for the minutes in any case.
    struct DecisionInput: Content { var text: String?; var owner: String?; var dueOn: String?; var ownerId: UUID? }
    struct CreateInput: Content { var title: String?; var regionCode: String?; var scheduledAt: String?; var place: String?; var agencyIds: [UUID]?; var agenda: String? }
    struct MinutesInput: Content { var minutes: String?; var decisions: [DecisionInput]? }

    static func create(_ i: CreateInput, _ req: Request) async throws -> Meeting {
        let p = try req.requirePrincipal()
        guard let office = p.officeID else { throw Abort(.forbidden) }
        let t = ValidationFailure.text
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let titleChecked = try checks.run { () throws -> String in
            guard let title = try t(i.title, "title", 300) else { throw ValidationFailure("v.required", field: "title") }
            return title
        }
        let region = (i.regionCode ?? "").trimmingCharacters(in: .whitespaces)
        _ = try await checks.run { () async throws -> Void in
            // A regency of the jurisdiction or a place in it (a province is wider than any office's jurisdiction).
            guard RegionCode.isValid(region), let regency = RegionCode.regency(of: region), p.jurisdiction.contains(regency),
                  try await Region.find(region, on: req.db) != nil else {
                throw ValidationFailure("v.regionInJurisdiction", field: "regionCode")
            }
        }
        let whenChecked = try checks.run { () throws -> Date in
            guard let when = i.scheduledAt.flatMap({ LocalTime.parseInput($0, zone: req.displayTimeZone) }) else {
                throw ValidationFailure("v.moment", field: "scheduledAt")
            }
            // A meeting is planned ahead or recorded afterwards, within a year either way (a typed year, 2020 for 2026, is caught).
            let now = req.application.clock.now()
            guard abs(when.timeIntervalSince(now)) <= 366 * 86400 else { throw ValidationFailure("v.momentWithinYear", field: "scheduledAt") }
            return when
        }
        let agencies = Array(Set(i.agencyIds ?? []))
        _ = try await checks.run { () async throws -> Void in
            if !agencies.isEmpty, try await Agency.query(on: req.db).filter(\.$id ~~ agencies).countRows() != agencies.count {
                throw ValidationFailure("v.agencies", field: "agencyIds")
            }
        }
        let place = (try checks.run { try t(i.place, "place", 300) }) ?? nil
        let agenda = (try checks.run { try t(i.agenda, "agenda", 4000) }) ?? nil
        let (title, when) = try checks.finish(titleChecked, whenChecked)
        let now = req.application.clock.now()
        let json = String(decoding: try JSONEncoder().encode(agencies), as: UTF8.self)
        let people = try await audience(office: office, agencies: agencies, db: req.db)
        return try await req.audited { db in
            let m = Meeting()
            m.id = UUID(); m.officeID = office; m.regionCode = region; m.title = title; m.scheduledAt = when.formatted(.iso8601)
            m.place = place; m.agencyIDs = json; m.agenda = agenda; m.status = "scheduled"; m.createdBy = p.userID; m.createdAt = now
            try await m.create(on: db)
            try await Notifier.notify(people, except: p.userID, kind: "meeting", title: title, link: CoordinationURL.meeting(.id(m.id!)).path, req: req, db: db)
            return (m, [AuditEntry(action: "meeting.create", objectType: "meeting", objectID: m.id!.uuidString, detail: "region=\(region) agencies=\(agencies.count)")])
        }
    }

    static func recordMinutes(_ m: Meeting, _ i: MinutesInput, _ req: Request) async throws -> Meeting {
        guard let minutes = try ValidationFailure.text(i.minutes, "minutes", max: 20_000) else { throw ValidationFailure("v.required", field: "minutes") }
        var decisions: [(String, String, String?, UUID?)] = []
        for (k, d) in (i.decisions ?? []).enumerated() {
            guard let text = try ValidationFailure.text(d.text, "decisions[\(k)].text", max: 1000) else { continue }
            guard let owner = try ValidationFailure.text(d.owner, "decisions[\(k)].owner", max: 200) else { throw ValidationFailure("v.required", field: "decisions[\(k)].owner") }
            let due = d.dueOn.flatMap { $0.isEmpty ? nil : $0 }
            if let due, !Day.isValid(due) { throw ValidationFailure("v.day", field: "decisions[\(k)].dueOn") }
            if let o = d.ownerId {
                guard let u = try await User.find(o, on: req.db), !u.disabled,
                      u.$office.id == m.officeID || (u.$agency.id.map { m.agencies.contains($0) } ?? false) else {
                    throw ValidationFailure("v.decisionOwner", field: "decisions[\(k)].ownerId")
                }
            }
            decisions.append((text, owner, due, d.ownerId))
        }
        let people = try await audience(office: m.officeID, agencies: m.agencies, db: req.db)
        let user = try req.requirePrincipal().userID
        let list = decisions
        return try await req.audited { db in
            m.minutes = minutes; m.status = "held"
            try await m.update(on: db)
            for (text, owner, due, ownerID) in list {
                let d = MeetingDecision()
                d.meetingID = m.id!; d.text = text; d.owner = owner; d.dueOn = due; d.status = "open"; d.ownerID = ownerID
                try await d.create(on: db)
            }
            try await Notifier.notify(people, except: user, kind: "minutes", title: m.title, link: CoordinationURL.meeting(.id(m.id!)).path, req: req, db: db)
            return (m, [AuditEntry(action: "meeting.minutes", objectType: "meeting", objectID: m.id!.uuidString, detail: "decisions=\(list.count)")])
        }
    }

    static func post(_ req: Request, kind: String?, id: UUID?, body raw: String?) async throws -> ThreadMessage {
        let t = try await thread(kind, id, req)
        guard let body = try ValidationFailure.text(raw, "body", max: 4000) else { throw ValidationFailure("v.required", field: "body") }
        let p = try req.requirePrincipal()
        let now = req.application.clock.now()
        return try await req.audited { db in
            let m = ThreadMessage()
            m.threadKind = t.0.rawValue; m.threadID = t.1; m.authorID = p.userID; m.body = body; m.createdAt = now
            try await m.create(on: db)
            try await Notifier.notify(t.audience, except: p.userID, kind: "message", title: t.title, link: t.link, req: req, db: db)
            return (m, [AuditEntry(action: "thread.message", objectType: t.0.rawValue, objectID: t.1.uuidString)])
        }
    }

    /// One page of a discussion, counted from its newest message (page 1 is the latest `per`), in the order they
    /// were written; and how many the discussion holds.
    static func messages(_ kind: ThreadKind, _ id: UUID, _ paging: Paging, db: any Database) async throws -> (items: [ThreadMessage], total: Int) {
        let thread = ThreadMessage.query(on: db).filter(\.$threadKind == kind.rawValue).filter(\.$threadID == id)
        let total = try await thread.copy().count()
        let newest = try await thread.sort(\.$createdAt, .descending).sort(\.$id, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        return (newest.reversed(), total)
    }

    /// One page of the meetings in scope, the latest first, and its pager.
    static func list(_ req: Request) async throws -> (items: [Meeting], pager: HTML) {
        try await ScopePolicy.meetings(req).sort(\.$scheduledAt, .descending).sort(\.$id).webPage(req)
    }

    static let maxAttachmentBytes = 10 * 1_048_576

    /// A PDF (judged by its bytes) or a photo (metadata removed), at most 10 MB.
    static func attach(_ m: Meeting, fileName: String, bytes raw: [UInt8], _ req: Request) async throws -> MeetingAttachment {
        guard !raw.isEmpty else { throw ValidationFailure("v.fileEmpty", field: "attachment") }
        guard raw.count <= maxAttachmentBytes else { throw ValidationFailure("v.fileTooLarge", field: "attachment", ByteSize.text(maxAttachmentBytes)) }
        let type: String, bytes: [UInt8]
        if raw.starts(with: Array("%PDF-".utf8)) {
            type = "application/pdf"; bytes = raw
        } else {
            do {
                let clean = try ImageSanitizer.sanitize(raw, maxBytes: maxAttachmentBytes)
                type = clean.kind.rawValue; bytes = clean.bytes
            } catch is ImageSanitizer.Rejected {
                throw ValidationFailure("v.fileType", field: "attachment", "PDF, JPEG, PNG")
            }
        }
        let name = String(((fileName as NSString).lastPathComponent).filter { !$0.isNewline }.prefix(200))
        let p = try req.requirePrincipal()
        let now = req.application.clock.now()
        return try await req.audited { db in
            let a = MeetingAttachment()
            a.meetingID = m.id!; a.fileName = name.isEmpty ? "lampiran" : name; a.contentType = type; a.bytes = Data(bytes); a.size = bytes.count
            a.uploadedBy = p.userID; a.createdAt = now
            try await a.create(on: db)
            return (a, [AuditEntry(action: "meeting.attachment", objectType: "meeting", objectID: m.id!.uuidString, detail: "type=\(type) bytes=\(bytes.count)")])
        }
    }

    // MARK: API

    struct DecisionDTO: Content { var id: UUID; var text: String; var owner: String; var ownerId: UUID?; var dueOn: String?; var status: String; var doneAt: Date? }
    struct MeetingDTO: Content {
        var id: UUID; var title: String; var regionCode: String; var scheduledAt: String; var place: String?; var agencyIds: [UUID]
        var agenda: String?; var minutes: String?; var status: String; var decisions: [DecisionDTO]
    }
    struct MessageDTO: Content { var id: UUID; var author: String; var body: String; var createdAt: Date }
    /// A discussion's messages, oldest first: the latest `per` (page 1), or an earlier page; `total` counts them all.
    struct ThreadDTO: Content { var kind: String; var id: UUID; var messages: [MessageDTO]; var total: Int; var page: Int; var per: Int }

    static func dto(_ m: Meeting, db: any Database) async throws -> MeetingDTO {
        let ds = try await MeetingDecision.query(on: db).filter(\.$meetingID == m.id!).all()
        return MeetingDTO(id: m.id!, title: m.title, regionCode: m.regionCode, scheduledAt: m.scheduledAt, place: m.place, agencyIds: m.agencies,
                          agenda: m.agenda, minutes: m.minutes, status: m.status, decisions: ds.map { DecisionDTO(id: $0.id!, text: $0.text, owner: $0.owner, ownerId: $0.ownerID, dueOn: $0.dueOn, status: $0.status, doneAt: $0.doneAt) })
    }

    static func threadDTO(_ kind: ThreadKind, _ id: UUID, _ paging: Paging, db: any Database) async throws -> ThreadDTO {
        let (ms, total) = try await messages(kind, id, paging, db: db)
        let authors = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ Array(Set(ms.map(\.authorID)))).all().map { ($0.id!, $0.displayName) })
        return ThreadDTO(kind: kind.rawValue, id: id, messages: ms.map { MessageDTO(id: $0.id!, author: authors[$0.authorID] ?? "", body: $0.body, createdAt: $0.createdAt) },
                         total: total, page: paging.page, per: paging.per)
    }

    /// `?page=&per=` (at most 100), newest first; `total` counts every meeting in scope.
    static func listAPI(_ req: Request) async throws -> ListPage<MeetingDTO> {
        let paging = try Paging(req, defaultPer: 100)
        let scoped = try ScopePolicy.meetings(req)
        let total = try await scoped.copy().countRows()
        var out: [MeetingDTO] = []
        for m in try await scoped.sort(\.$scheduledAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all() {
            out.append(try await dto(m, db: req.db))
        }
        return ListPage(items: out, total: total, page: paging.page, per: paging.per)
    }
    static func showAPI(_ req: Request) async throws -> MeetingDTO { try await dto(try await meeting(req.parameters.get("id", as: UUID.self), req), db: req.db) }
    static func createAPI(_ req: Request) async throws -> Response {
        guard let i = try? req.content.decode(CreateInput.self) else { throw ValidationFailure("v.body", "title, regionCode, scheduledAt, place, agencyIds, agenda") }
        let m = try await create(i, req)
        let res = Response(status: .created)
        try res.content.encode(try await dto(m, db: req.db))
        return res
    }
    static func minutesAPI(_ req: Request) async throws -> MeetingDTO {
        let m = try await meeting(req.parameters.get("id", as: UUID.self), req)
        guard let i = try? req.content.decode(MinutesInput.self) else { throw ValidationFailure("v.body", "minutes, decisions [{text, owner, dueOn}]") }
        return try await dto(try await recordMinutes(m, i, req), db: req.db)
    }
    /// `POST /api/v1/meetings/{id}/decisions/{decisionId}/done`: the office's staff or the decision's owner.
    static func decisionDoneAPI(_ req: Request) async throws -> MeetingDTO {
        let m = try await meeting(req.parameters.get("id", as: UUID.self), req)
        try await markDone(m, req)
        return try await dto(m, db: req.db)
    }

    /// Marks the request's decision (`decisionId`) of the meeting done: the office's staff or the decision's owner.
    static func markDone(_ m: Meeting, _ req: Request) async throws {
        guard let did = req.parameters.get("decisionId", as: UUID.self),
              let d = try await MeetingDecision.query(on: req.db).filter(\.$id == did).filter(\.$meetingID == m.id!).first() else { throw Abort(.notFound) }
        let p = try req.requirePrincipal()
        guard p.officeID == m.officeID || d.ownerID == p.userID else { throw Abort(.forbidden) }
        guard d.status == "open" else { throw AppError.conflict("reg.decided") }
        let now = req.application.clock.now()
        try await req.audited { db in
            d.status = "done"; d.doneAt = now
            try await d.save(on: db)
            return ((), [AuditEntry(action: "meeting.decision.done", objectType: "meeting", objectID: m.id!.uuidString, detail: "decision=\(did)")])
        }
    }

    static func threadAPI(_ req: Request) async throws -> ThreadDTO {
        let t = try await thread(req.parameters.get("kind"), req.parameters.get("id", as: UUID.self), req)
        return try await threadDTO(t.0, t.1, try Paging(req, defaultPer: 1000, maxPer: 1000), db: req.db)
    }
    struct PostInput: Content { var body: String? }
    static func postAPI(_ req: Request) async throws -> Response {
        let input = try? req.content.decode(PostInput.self)
        let m = try await post(req, kind: req.parameters.get("kind"), id: req.parameters.get("id", as: UUID.self), body: input?.body)
        let res = Response(status: .created)
        try res.content.encode(MessageDTO(id: m.id!, author: try req.requirePrincipal().displayName, body: m.body, createdAt: m.createdAt))
        return res
    }

}
