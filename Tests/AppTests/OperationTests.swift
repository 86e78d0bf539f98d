@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct OperationTests {
    struct Op: Decodable {
        struct Agg: Decodable { var targets: Int; var checked: Int; var violations: Int; var actions: [String: Int] }
        struct Target: Decodable { var id: UUID; var foreignerId: UUID?; var result: String }
        struct Action: Decodable { var action: String; var status: String; var overdue: Bool }
        var id: UUID; var status: String; var results: Agg; var targets: [Target]?; var actions: [Action]?; var participants: String?
    }

    func send(_ app: Application, _ m: HTTPMethod, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
        var h = bearer(token)
        if json != nil { h.contentType = .json }
        return try await app.testing().sendRequest(m, path, headers: h, body: json.map { ByteBuffer(string: $0) })
    }

    @Test func planResultsTakAndAgencyAggregatesOnly() async throws {
        try await withTestApp { app in
            let sup = try await apiToken(app, "supervisor@demo.sinergi.id")
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).limit(3).all()
            let polres = try await Agency.query(on: app.db).filter(\.$name == "Polres Mojokerto").first()!
            let targets = people.map { #"{"foreignerId": "\#($0.id!)"}"# }.joined(separator: ",") + #", {"label": "Mess karyawan PT di Jl. Raya Ngoro"}"#
            let created = try await send(app, .POST, "/api/v1/operations", sup,
                #"{"title": "Operasi gabungan Kawasan Ngoro", "date": "2026-12-02", "areaCode": "35.16.05", "agencyIds": ["\#(polres.id!)"], "participants": "Tim Inteldakim 4 orang, Polres 2 orang", "targets": [\#(targets)]}"#)
            #expect(created.status == .created, "\(created.body.string)")
            var op = try decode(Op.self, created)
            #expect(op.status == "planned" && op.results.targets == 4 && op.targets?.count == 4)
            let t0 = op.targets!.first { $0.foreignerId == people[0].id }!
            let t1 = op.targets!.first { $0.foreignerId == people[1].id }!
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", sup, #"{"targetId": "\#(t0.id)", "result": "violation", "finding": "workOutsidePermit", "note": "Bekerja sebagai operator"}"#).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", sup, #"{"targetId": "\#(t1.id)", "result": "compliant"}"#).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", sup, #"{"targetId": "\#(t1.id)", "result": "maybe"}"#).status == .unprocessableEntity)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/actions", sup, #"{"targetId": "\#(t0.id)", "action": "deportation"}"#).body.string.contains("legalBasis"))
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/actions", sup, #"{"targetId": "\#(t0.id)", "action": "deportation", "legalBasis": "UU 6/2011 Pasal 75 ayat (2) huruf f", "dueOn": "2026-11-29"}"#).status == .created)
            op = try decode(Op.self, try await send(app, .POST, "/api/v1/operations/\(op.id)/complete", sup, #"{"summary": "4 sasaran, 1 pelanggaran"}"#))
            #expect(op.status == "done" && op.results.checked == 2 && op.results.violations == 1 && op.results.actions == ["deportation": 1])
            #expect(op.actions?.first?.overdue == true)
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/complete", sup, "{}").status == .conflict)

            // Agency members of the region: the plan and the aggregate, never a person.
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            let seen = try await send(app, .GET, "/api/v1/operations/\(op.id)", agency)
            #expect(seen.status == .ok)
            let agencyView = try decode(Op.self, seen)
            #expect(agencyView.targets == nil && agencyView.actions == nil && agencyView.participants == nil && agencyView.results.violations == 1)
            for p in people { #expect(!seen.body.string.contains(p.id!.uuidString) && !seen.body.string.contains(p.fullName)) }
            #expect(try await send(app, .POST, "/api/v1/operations/\(op.id)/results", agency, #"{"targetId": "\#(t1.id)", "result": "compliant"}"#).status == .forbidden)
            let b = Browser(app)
            try await b.login("agency@demo.sinergi.id")
            let page = try await b.get("/operations/\(op.id)")
            #expect(page.status == .ok && page.body.string.contains("op-violations") && !page.body.string.contains(people[0].fullName))
            // Another office, another region's agency, sponsors: nothing.
            #expect(try await send(app, .GET, "/api/v1/operations/\(op.id)", try await apiToken(app, "officer.jaksel@demo.sinergi.id")).status == .notFound)
            #expect(try await send(app, .GET, "/api/v1/operations", try await apiToken(app, "sponsor@demo.sinergi.id")).status == .forbidden)
            // Bad plans are named.
            #expect(try await send(app, .POST, "/api/v1/operations", sup, #"{"title": "x", "date": "2026-12-02", "areaCode": "31.74.01"}"#).body.string.contains("areaCode"))
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "operation.tak").count() == 1)
        }
    }

    @Test func theWebPlanTakesTargetsByPassport() async throws {
        try await withTestApp { app in
            let f = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil).first()!
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let res = try await b.post("/operations", form: ["title": "Razia penginapan", "date": "2026-12-01", "areaCode": "35.16.05", "participants": "Tim A",
                                                           "targetPassports": "\(f.passportNumber!)\n"])
            #expect(res.status == .seeOther)
            let page = try await b.get(res.headers.first(name: .location)!)
            #expect(page.body.string.contains(f.fullName) && page.body.string.contains("tak-form"))
            // A TAK without a target: the form's "—" sends an empty targetId.
            let tak = try await b.post(res.headers.first(name: .location)! + "/actions", form: ["targetId": "", "action": "warning", "legalBasis": "UU 6/2011 Pasal 75", "dueOn": ""])
            #expect(tak.status == .seeOther)
            #expect(try await AdministrativeAction.query(on: app.db).count() == 1)
            let bad = try await b.post("/operations", form: ["title": "x", "date": "2026-12-01", "areaCode": "35.16.05", "targetPassports": "ZZ0000000"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("ZZ0000000"))
        }
    }
}
