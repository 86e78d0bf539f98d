import Fluent
import Foundation
import SQLKit
import Vapor

/// The life of an administrative action (`TAKStatus`): a supervisor decides it with the decision's number,
/// officers record that it was carried out and close it; an action not yet carried out may be cancelled with a
/// reason. Each step is audited. Open actions and meeting decisions are reminded to their people on their due day.
enum ActionLifecycle {
    struct TransitionInput: Content { var to: String?; var decisionNumber: String?; var note: String? }

    static func transition(_ op: JointOperation, actionID: UUID, _ i: TransitionInput, _ req: Request) async throws -> AdministrativeAction {
        let p = try req.requirePrincipal()
        guard let a = try await AdministrativeAction.query(on: req.db).filter(\.$id == actionID).filter(\.$operationID == op.id!).first() else { throw Abort(.notFound) }
        guard let raw = i.to?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { throw ValidationFailure("v.required", field: "to") }
        guard let to = TAKStatus(rawValue: raw), to != .proposed else { throw ValidationFailure("v.oneOf", field: "to", "decided, executed, closed, cancelled") }
        let from = TAKStatus(rawValue: a.status) ?? .proposed
        guard from.next.contains(to) else {
            throw AppError.conflict("tak.illegal", L10n.t("op.takStatus.\(from.rawValue)", req.language), L10n.t("op.takStatus.\(to.rawValue)", req.language))
        }
        var number: String?
        // Undoing a decision is the decider's kind of act: cancelling a decided action needs a supervisor too.
        if to == .cancelled && from == .decided && !ScopePolicy.mayDecideActions(p) { throw AppError.forbidden("tak.decideSupervisor") }
        if to == .decided {
            guard ScopePolicy.mayDecideActions(p) else { throw AppError.forbidden("tak.decideSupervisor") }
            guard let n = try ValidationFailure.text(i.decisionNumber, "decisionNumber", max: 100) else { throw ValidationFailure("v.required", field: "decisionNumber") }
            number = n
        }
        let note = try ValidationFailure.text(i.note, "note", max: 2000)
        if to == .cancelled && note == nil { throw ValidationFailure("v.cancelReason", field: "note") }
        let now = req.application.clock.now(), id = actionID, decision = number
        return try await req.audited { db in
            guard let fresh = try await AdministrativeAction.find(id, on: db), fresh.status == from.rawValue else { throw AppError.conflict("reg.decided") }
            fresh.status = to.rawValue
            switch to {
            case .decided: fresh.decidedBy = p.userID; fresh.decidedAt = now; fresh.decisionNumber = decision
            case .executed: fresh.executedAt = now
            case .closed, .cancelled: fresh.closedAt = now
            case .proposed: break
            }
            if let note { fresh.note = [fresh.note, "\(L10n.t("op.takStatus.\(to.rawValue)", .id)): \(note)"].compactMap { $0 }.joined(separator: "\n") }
            try await fresh.save(on: db)
            return (fresh, [AuditEntry(action: "operation.tak.transition", objectType: "operation", objectID: op.id!.uuidString,
                                       detail: "tak=\(id) \(from.rawValue)→\(to.rawValue)\(decision.map { " decision=\($0)" } ?? "")")])
        }
    }

    /// Reminders on the due day: each open action to who proposed and who decided it; each open meeting decision
    /// to its owner. Once per action or decision and person (same kind, same link), so a second run writes nothing.
    static func remind(app: Application, day: String) async throws -> Int {
        let publicURL = app.config.publicURL
        let now = app.clock.now()
        return try await app.db.writeTransaction { db in
            var written = 0
            let open = [TAKStatus.proposed, .decided, .executed].map(\.rawValue)
            for a in try await AdministrativeAction.query(on: db).filter(\.$dueOn == day).filter(\.$status ~~ open).all() {
                guard let op = a.operationID else { continue }
                let link = OperationURL.show(.id(op)).path
                let people = Array(Set([a.createdBy] + [a.decidedBy].compactMap { $0 }))
                written += try await once(people, kind: "tak_due", title: L10n.t("op.tak.\(a.action)", .id), link: link, item: a.id!, now: now, db: db, publicURL: publicURL)
            }
            for d in try await MeetingDecision.query(on: db).filter(\.$dueOn == day).filter(\.$status == "open").filter(\.$ownerID != nil).all() {
                let link = CoordinationURL.meeting(.id(d.meetingID)).path
                written += try await once([d.ownerID!], kind: "decision_due", title: String(d.text.prefix(120)), link: link, item: d.id!, now: now, db: db, publicURL: publicURL)
            }
            return written
        }
    }

    /// Notifies the people not yet told about this item (the link carries the item as its fragment).
    private static func once(_ people: [UUID], kind: String, title: String, link: String, item: UUID, now: Date, db: any Database, publicURL: String) async throws -> Int {
        let itemLink = "\(link)#\(item.uuidString)"
        let told = Set(try await AppNotification.query(on: db).filter(\.$kind == kind).filter(\.$link == itemLink).filter(\.$userID ~~ people).all().map(\.userID))
        let due = people.filter { !told.contains($0) }
        guard !due.isEmpty else { return 0 }
        try await Notifier.notify(due, kind: kind, title: title, link: itemLink, now: now, db: db, publicURL: publicURL)
        return due.count
    }
}
