@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 16, item 4: orders (surat perintah, Permenimipas 2/2025 Art. 30) for inspections and operations.
@Suite struct OrderTests {
    let ops = OperationTests()

    func staff(_ app: Application, _ email: String) async throws -> UUID {
        try #require(try await User.query(on: app.db).filter(\.$email == email).first()?.id)
    }

    @Test func aSupervisorIssuesANumberedOrder() async throws {
        try await withTestApp { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id"), officer = try await apiToken(app, "officer@demo.sinergi.id")
            let me = try await staff(app, "officer@demo.sinergi.id")
            let tomorrow = Day.adding(1, to: app.today)!
            let body = #"{"purpose": "Pemeriksaan TKA di kawasan industri Ngoro", "officerIds": ["\#(me)"], "areaCode": "35.16.05", "validFrom": "\#(app.today)", "validTo": "\#(tomorrow)"}"#
            #expect(try await ops.send(app, .POST, "/api/v1/orders", officer, body).status == .forbidden)
            let res = try await ops.send(app, .POST, "/api/v1/orders", sup, body)
            #expect(res.status == .created, "\(res.body.string)")
            struct O: Decodable { var id: UUID; var number: String }
            let o = try decode(O.self, res)
            #expect(o.number == "SP-SBY-\(app.today.prefix(4))-0001")
            #expect(try await ops.send(app, .GET, "/api/v1/orders/\(o.id)", officer).body.string.contains(o.number))
            #expect(try await ops.send(app, .GET, "/api/v1/orders/\(o.id)", try await apiToken(app, "officer.jaksel@demo.sinergi.id")).status == .notFound)
            // The officer named is told; the printable page names them and the basis.
            #expect(try await AppNotification.query(on: app.db).filter(\.$userID == me).filter(\.$kind == "order").count() == 1)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/orders/\(o.id)").body.string
            #expect(page.contains(o.number) && page.contains("Nomor 2 Tahun 2025 Pasal 30") && page.contains("SURAT PERINTAH"))
            // Wrong input, each named.
            let jaksel = try await staff(app, "officer.jaksel@demo.sinergi.id")
            let yesterday2 = Day.adding(-2, to: app.today)!
            for (b2, field) in [(#"{"officerIds": ["\#(me)"], "areaCode": "35.16.05", "validFrom": "\#(app.today)", "validTo": "\#(app.today)"}"#, "purpose"),
                                (#"{"purpose": "x", "officerIds": ["\#(jaksel)"], "areaCode": "35.16.05", "validFrom": "\#(app.today)", "validTo": "\#(app.today)"}"#, "officerIds"),
                                (#"{"purpose": "x", "officerIds": ["\#(me)"], "validFrom": "\#(app.today)", "validTo": "\#(app.today)"}"#, "areaCode"),
                                (#"{"purpose": "x", "officerIds": ["\#(me)"], "areaCode": "35.16.05", "validFrom": "\#(yesterday2)", "validTo": "\#(app.today)"}"#, "validFrom"),
                                (#"{"purpose": "x", "officerIds": ["\#(me)"], "areaCode": "35.16.05", "validFrom": "\#(tomorrow)", "validTo": "\#(app.today)"}"#, "validTo")] {
                let r = try await ops.send(app, .POST, "/api/v1/orders", sup, b2)
                #expect(r.status == .unprocessableEntity && r.body.string.contains(#""field":"\#(field)""#), "\(b2): \(r.body.string)")
            }
        }
    }

    @Test func anInspectionWithoutAnOrderIsRefusedWhenOrdersAreRequired() async throws {
        try await withTestApp { app in
            let officer = try await apiToken(app, "officer@demo.sinergi.id"), sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let company = try #require(try await Sponsor.query(on: app.db).filter(\.$kind == "company").filter(\.$regencyCode == "35.16").first())
            let none = try await ops.send(app, .POST, "/api/v1/inspections", officer, #"{"sponsorId": "\#(company.id!)", "date": "\#(app.today)"}"#)
            #expect(none.status == .unprocessableEntity && none.body.string.contains(#""field":"orderId""#))
            // An order that does not cover the day is refused too.
            let me = try await staff(app, "officer@demo.sinergi.id")
            let later = Day.adding(5, to: app.today)!
            struct O: Decodable { var id: UUID }
            let future = try decode(O.self, try await ops.send(app, .POST, "/api/v1/orders", sup,
                #"{"purpose": "Pemeriksaan PT", "officerIds": ["\#(me)"], "targets": "PT di Ngoro", "validFrom": "\#(later)", "validTo": "\#(later)"}"#)).id
            let outside = try await ops.send(app, .POST, "/api/v1/inspections", officer, #"{"sponsorId": "\#(company.id!)", "date": "\#(app.today)", "orderId": "\#(future)"}"#)
            #expect(outside.status == .unprocessableEntity && outside.body.string.contains(#""field":"orderId""#))
            // Caught in the act: allowed without a prior order, and the order is owed by tomorrow.
            let caught = try await ops.send(app, .POST, "/api/v1/inspections", officer, #"{"sponsorId": "\#(company.id!)", "date": "\#(app.today)", "withoutOrder": "caughtInAct"}"#)
            #expect(caught.status == .created)
            struct I: Decodable { var id: UUID }
            let inspection = try decode(I.self, caught).id
            struct Owed: Decodable { struct X: Decodable { var kind: String; var id: UUID; var dueBy: String; var overdue: Bool }; var items: [X] }
            let owed = try decode(Owed.self, try await ops.send(app, .GET, "/api/v1/orders/owed", officer))
            #expect(owed.items.contains { $0.id == inspection && $0.kind == "inspection" && $0.dueBy == Day.adding(1, to: app.today)! && !$0.overdue })
            // The supervisor issues the order after the fact for it; nothing is owed any more.
            let after = try await ops.send(app, .POST, "/api/v1/orders", sup,
                #"{"purpose": "Surat perintah menyusul", "officerIds": ["\#(me)"], "targets": "PT di Ngoro", "validFrom": "\#(app.today)", "validTo": "\#(app.today)", "inspectionId": "\#(inspection)"}"#)
            #expect(after.status == .created, "\(after.body.string)")
            #expect(try await Inspection.find(inspection, on: app.db)?.orderID == (try decode(O.self, after)).id)
            #expect(try decode(Owed.self, try await ops.send(app, .GET, "/api/v1/orders/owed", officer)).items.isEmpty)
            // An office that turns the requirement off plans without one.
            let office = try #require(try await Office.query(on: app.db).filter(\.$code == "SBY").first())
            #expect(try await AccountTests.json(app, .PATCH, "/api/v1/admin/offices/\(office.id!)", as: AccountTests.admin, #"{"ordersRequired": false}"#).status == .ok)
            #expect(try await ops.send(app, .POST, "/api/v1/inspections", officer, #"{"sponsorId": "\#(company.id!)", "date": "\#(app.today)"}"#).status == .created)
            #expect(try await AuditLog.verify(on: app.db).isSuccess)
        }
    }

    @Test func theOrdersPageIssuesAndListsWhatIsOwed() async throws {
        try await withTestApp { app in
            let me = try await staff(app, "officer@demo.sinergi.id")
            let b = Browser(app)
            try await b.login("supervisor@demo.sinergi.id")
            let page = try await b.get("/orders").body.string
            #expect(page.contains("Terbitkan surat perintah") && page.contains("SP-SBY-2026-0000"))
            let bad = try await b.post("/orders", form: ["purpose": "", "officerIds[]": me.uuidString, "targets": "Mess PT", "validFrom": app.today, "validTo": app.today])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Tulis maksud dan tujuan surat perintah") && bad.body.string.contains("Mess PT"))
            let ok = try await b.post("/orders", form: ["purpose": "Razia penginapan", "officerIds[]": me.uuidString, "targets": "Mess PT", "validFrom": app.today, "validTo": app.today])
            #expect(ok.status == .seeOther)
            // Officers read orders but the issue form is the supervisors'.
            let o = Browser(app)
            try await o.login("officer@demo.sinergi.id")
            let list = try await o.get("/orders").body.string
            #expect(list.contains("Razia penginapan") && !list.contains("id=\"order-form\""))
            #expect(try await o.post("/orders", form: ["purpose": "x", "officerIds[]": me.uuidString, "targets": "x", "validFrom": app.today, "validTo": app.today]).status == .forbidden)
        }
    }
}
