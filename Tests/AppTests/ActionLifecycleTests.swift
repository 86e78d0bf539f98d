@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 16, item 4: the kinds of UU 6/2011 Art. 75(2) and an action's life; meeting decisions followed to done.
@Suite struct ActionLifecycleTests {
    let ops = OperationTests()

    @Test func theKindsAreThoseOfArticle75() {
        #expect(TAKAction.allCases.filter(\.isTAK) == [.entryBanList, .permitRestriction, .placeBan, .residenceObligation, .fee, .deportation])
        #expect(TAKAction.allCases.filter(\.isTAK).compactMap(\.article) == ["a", "b", "c", "d", "e", "f"])
        #expect(!TAKAction.warning.isTAK && !TAKAction.detention.isTAK)
        for a in TAKAction.allCases { #expect(L10n.has("op.tak.\(a.rawValue)")) }
    }

    /// An operation of the Surabaya office with one target, and the id of a proposed deportation of it.
    func proposed(_ app: Application, due: String? = nil) async throws -> (op: UUID, action: UUID, officer: String, sup: String) {
        let sup = try await apiToken(app, "supervisor@demo.sinergi.id"), officer = try await apiToken(app, "officer@demo.sinergi.id")
        let person = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).first())
        let created = try await ops.send(app, .POST, "/api/v1/operations", officer,
            #"{"orderId": "\#(TestOrders.sby)", "title": "Pemeriksaan", "date": "\#(app.today)", "areaCode": "35.16.05", "agencyIds": [], "targets": [{"foreignerId": "\#(person.id!)"}]}"#)
        #expect(created.status == .created, "\(created.body.string)")
        let op = try decode(OperationTests.Op.self, created)
        let dueField = due.map { #", "dueOn": "\#($0)""# } ?? ""
        // An action starts as a proposal; the old kinds ("fine") and a start as "decided" are refused.
        #expect(try await ops.send(app, .POST, "/api/v1/operations/\(op.id)/actions", officer, #"{"action": "fine", "legalBasis": "x"}"#).status == .unprocessableEntity)
        let skip = try await ops.send(app, .POST, "/api/v1/operations/\(op.id)/actions", officer, #"{"action": "fee", "legalBasis": "x", "status": "decided"}"#)
        #expect(skip.status == .unprocessableEntity && skip.body.string.contains(#""field":"status""#))
        let res = try await ops.send(app, .POST, "/api/v1/operations/\(op.id)/actions", officer,
            #"{"targetId": "\#(op.targets![0].id)", "action": "deportation", "legalBasis": "UU 6/2011 Pasal 75 ayat (2) huruf f"\#(dueField)}"#)
        #expect(res.status == .created)
        let action = try #require(try await AdministrativeAction.query(on: app.db).filter(\.$operationID == op.id).first()).id!
        return (op.id, action, officer, sup)
    }

    @Test func anActionIsDecidedCarriedOutAndClosed() async throws {
        try await withTestApp { app in
            let (op, action, officer, sup) = try await proposed(app)
            let path = "/api/v1/operations/\(op)/actions/\(action)/transition"
            // Only a supervisor decides, and with the decision's number.
            let byOfficer = try await ops.send(app, .POST, path, officer, #"{"to": "decided", "decisionNumber": "W15-123"}"#)
            #expect(byOfficer.status == .forbidden)
            let noNumber = try await ops.send(app, .POST, path, sup, #"{"to": "decided"}"#)
            #expect(noNumber.status == .unprocessableEntity && noNumber.body.string.contains(#""field":"decisionNumber""#))
            // Not carried out before it is decided.
            #expect(try await ops.send(app, .POST, path, officer, #"{"to": "executed"}"#).status == .conflict)
            let decided = try await ops.send(app, .POST, path, sup, #"{"to": "decided", "decisionNumber": "W15.IMI.IMI.1-GR.04.01-123"}"#)
            #expect(decided.status == .ok, "\(decided.body.string)")
            #expect(decided.body.string.contains(#""status":"decided""#) && decided.body.string.contains(#""next":["executed","cancelled"]"#))
            let stored = try #require(try await AdministrativeAction.find(action, on: app.db))
            let supervisor = try #require(try await User.query(on: app.db).filter(\.$email == "supervisor@demo.sinergi.id").first())
            #expect(stored.decidedBy == supervisor.id && stored.decisionNumber == "W15.IMI.IMI.1-GR.04.01-123" && stored.decidedAt != nil)
            #expect(try await ops.send(app, .POST, path, officer, #"{"to": "executed", "note": "Dideportasi lewat TPI Juanda"}"#).status == .ok)
            #expect(try await ops.send(app, .POST, path, officer, #"{"to": "cancelled", "note": "x"}"#).status == .conflict)   // carried out: no cancelling
            #expect(try await ops.send(app, .POST, path, officer, #"{"to": "closed"}"#).status == .ok)
            #expect(try await ops.send(app, .POST, path, officer, #"{"to": "executed"}"#).status == .conflict)
            #expect(try await ops.send(app, .POST, path, officer, #"{"to": "proposed"}"#).status == .unprocessableEntity)
            let events = try await AuditEventRecord.query(on: app.db).filter(\.$action == "operation.tak.transition").all().map(\.detail)
            #expect(events.count == 3 && events[0].contains("proposed→decided decision=W15"))
            // Another office cannot touch it.
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            #expect(try await ops.send(app, .POST, path, jaksel, #"{"to": "closed"}"#).status == .notFound)
        }
    }

    @Test func cancellingNeedsAReasonAndTheWebStepsSpeakIndonesian() async throws {
        try await withTestApp { app in
            let (op, action, _, _) = try await proposed(app)
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let page = try await b.get("/operations/\(op)").body.string
            #expect(page.contains("Pasal 75 ayat (2) huruf f") && page.contains("Nomor keputusan"))
            let bad = try await b.post("/operations/\(op)/actions/\(action)/transition", form: ["to": "cancelled", "note": ""])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("tulis alasan pembatalan"))
            let ok = try await b.post("/operations/\(op)/actions/\(action)/transition", form: ["to": "cancelled", "note": "Sudah keluar Indonesia"])
            #expect(ok.status == .seeOther)
            #expect(try await AdministrativeAction.find(action, on: app.db)?.status == "cancelled")
        }
    }

    @Test func dueActionsAndDecisionsAreReminded() async throws {
        try await withTestApp { app in
            let (op, action, _, sup) = try await proposed(app, due: app.today)
            // A meeting decision owned by the officer, due today.
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            let meeting = try await ops.send(app, .POST, "/api/v1/meetings", sup,
                #"{"title": "Rapat Timpora", "regionCode": "35.16", "scheduledAt": "\#(app.today)T09:00", "agencyIds": []}"#)
            #expect(meeting.status == .created, "\(meeting.body.string)")
            struct M: Decodable { struct D: Decodable { var id: UUID; var status: String }; var id: UUID; var decisions: [D] }
            let m = try decode(M.self, meeting)
            let held = try await ops.send(app, .POST, "/api/v1/meetings/\(m.id)/minutes", sup,
                #"{"minutes": "Disepakati", "decisions": [{"text": "Periksa mess PT", "owner": "Petugas", "ownerId": "\#(officer.id!)", "dueOn": "\#(app.today)"}]}"#)
            #expect(held.status == .ok || held.status == .created, "\(held.body.string)")
            let written = try await ActionLifecycle.remind(app: app, day: app.today)
            #expect(written == 2)          // the action's proposer (the officer) and the decision's owner (the officer), once each
            #expect(try await ActionLifecycle.remind(app: app, day: app.today) == 0)
            let kinds = try await AppNotification.query(on: app.db).filter(\.$userID == officer.id!).all().map(\.kind)
            #expect(kinds.contains("tak_due") && kinds.contains("decision_due"))
            // The owner marks the decision done; a second time is a conflict.
            let decision = try decode(M.self, held).decisions[0].id
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let done = try await ops.send(app, .POST, "/api/v1/meetings/\(m.id)/decisions/\(decision)/done", token)
            #expect(done.status == .ok && done.body.string.contains(#""status":"done""#))
            #expect(try await ops.send(app, .POST, "/api/v1/meetings/\(m.id)/decisions/\(decision)/done", token).status == .conflict)
            _ = (op, action)
        }
    }
}
