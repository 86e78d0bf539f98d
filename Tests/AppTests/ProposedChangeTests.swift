@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 15, item 3: findings flow back as proposed changes that an officer accepts or rejects, never automatically.
@Suite struct ProposedChangeTests {
    struct Proposal: Decodable { var id: UUID; var foreignerId: UUID; var source: String; var kind: String; var proposed: [String: String]; var status: String; var result: String? }
    struct Page: Decodable { var items: [Proposal] }

    func post(_ app: Application, _ email: String, _ path: String, _ body: [String: String]) async throws -> TestingHTTPResponse {
        let token = try await apiToken(app, email)
        return try await app.testing().sendRequest(.POST, path, headers: bearer(token)) { req in try req.content.encode(body, as: .json) }
    }

    func proposals(_ app: Application, _ email: String, source: String) async throws -> [Proposal] {
        let res = try await app.testing().sendRequest(.GET, "/api/v1/proposed-changes?source=\(source)", headers: bearer(try await apiToken(app, email)))
        #expect(res.status == .ok)
        return try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView)).items
    }

    /// One of the demo sponsor's foreigners, living at its current address since 1 January (the demo's addresses
    /// start with the permit, which may lie after the dates the tests propose).
    func sponsored(_ app: Application) async throws -> Foreigner {
        let u = try #require(try await User.query(on: app.db).filter(\.$email == "sponsor@demo.sinergi.id").first())
        let f = try #require(try await Foreigner.query(on: app.db).filter(\.$sponsorID == u.$sponsor.id!).filter(\.$permitEnd != nil).sort(\.$id).first())
        let current = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first())
        current.validFrom = "2026-01-01"
        try await current.save(on: app.db)
        if try await Employment.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$endOn == nil).count() == 0 {
            let e = Employment()
            e.$foreigner.id = f.id!; e.$sponsor.id = f.sponsorID!; e.position = "Teknisi"; e.startOn = "2026-01-01"
            try await e.create(on: app.db)
        }
        return f
    }

    @Test func anAcceptedSponsorReportProposesAndOnlyTheOfficerAppliesIt() async throws {
        try await withTestApp { app in
            let f = try await sponsored(app)
            let before = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first())
            let village = "35.16.05.2010"
            var ids: [String: UUID] = [:]
            for (type, extra) in [("addressChange", ["address": "Jl. Usulan 12", "kelurahanCode": village]), ("civilStatusChange", ["civilStatus": "marriage"]),
                                  ("employerChange", ["newEmployer": "PT Pemberi Kerja Baru", "position": "Supervisor"]), ("departure", ["destination": "SGP"])] {
                var body = ["clientId": "prop-\(type)", "foreignerId": f.id!.uuidString, "type": type, "eventOn": "2026-11-20"]
                body.merge(extra) { $1 }
                let res = try await post(app, "sponsor@demo.sinergi.id", "/api/v1/sponsor-reports", body)
                #expect(res.status == .created, "\(type): \(res.body.string)")
                struct R: Decodable { var id: UUID }
                ids[type] = try JSONDecoder().decode(R.self, from: Data(res.body.readableBytesView)).id
            }
            // Returned reports propose nothing; accepted ones propose, and the registry is untouched until an officer accepts.
            #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/sponsor-reports/\(ids["departure"]!)/review", ["decision": "return", "reason": "Tiket tidak terlampir"]).status == .ok)
            for type in ["addressChange", "civilStatusChange", "employerChange"] {
                #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/sponsor-reports/\(ids[type]!)/review", ["decision": "accept"]).status == .ok)
            }
            let list = try await proposals(app, "officer@demo.sinergi.id", source: "sponsor-report").filter { $0.foreignerId == f.id! }
            func listed(_ status: String) async throws -> [Proposal] {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/proposed-changes?source=sponsor-report\(status)", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id")))
                #expect(res.status == .ok)
                return try JSONDecoder().decode(Page.self, from: Data(res.body.readableBytesView)).items
            }
            // Before any decision: the default list is the open ones, and "all" holds no more.
            let openBefore = try await listed("")
            #expect(openBefore.count >= 3 && openBefore.allSatisfy { $0.status == "open" })
            #expect(Set(try await listed("&status=all").map(\.id)) == Set(openBefore.map(\.id)))
            #expect(Set(list.map(\.kind)) == ["address", "civilStatus", "employment"])
            #expect(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first()?.line == before.line)

            // Agency members, sponsors and another office see none of it.
            for who in ["agency@demo.sinergi.id", "sponsor@demo.sinergi.id"] {
                #expect(try await app.testing().sendRequest(.GET, "/api/v1/proposed-changes", headers: bearer(try await apiToken(app, who))).status == .forbidden)
            }
            #expect(try await proposals(app, "officer.jaksel@demo.sinergi.id", source: "sponsor-report").isEmpty)
            let address = try #require(list.first { $0.kind == "address" })
            #expect(try await post(app, "officer.jaksel@demo.sinergi.id", "/api/v1/proposed-changes/\(address.id)/accept", [:]).status == .notFound)

            let accepted = try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(address.id)/accept", [:])
            #expect(accepted.status == .ok)
            let now = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first())
            #expect(now.line == "Jl. Usulan 12" && now.villageCode == village && now.validFrom == "2026-11-20")
            #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(address.id)/accept", [:]).status == .conflict)

            let civil = try #require(list.first { $0.kind == "civilStatus" })
            #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(civil.id)/accept", [:]).status == .ok)
            #expect(try await Foreigner.find(f.id, on: app.db)?.civilStatus == "married")

            let job = try #require(list.first { $0.kind == "employment" })
            #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(job.id)/reject", [:]).status == .unprocessableEntity)   // a note is needed
            #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(job.id)/reject", ["note": "Belum ada RPTKA"]).status == .ok)
            #expect(try await Employment.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$endOn == nil).count() > 0)

            // The list by status: open by default, each decided one under its own, every one under "all".
            let all = try await listed("&status=all")
            let mine = Set(all.filter { $0.foreignerId == f.id! }.map { "\($0.kind):\($0.status)" })
            #expect(mine == ["address:accepted", "civilStatus:accepted", "employment:rejected"])
            #expect(all.count == openBefore.count)
            #expect(try await listed("&status=rejected").map(\.kind) == ["employment"])
            let openAfter = try await listed("")
            #expect(openAfter.allSatisfy { $0.status == "open" } && openAfter.count == openBefore.count - 3)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/proposed-changes?status=every", headers: bearer(try await apiToken(app, "officer@demo.sinergi.id"))).status == .unprocessableEntity)
            let web = Browser(app)
            try await web.login("officer@demo.sinergi.id")
            let page = try await web.get("/proposed-changes?source=sponsor-report&status=all").body.string
            #expect(page.contains("<option value=\"all\" selected>Semua</option>") && page.contains(">Ditolak<") && page.contains(">Diterima<"))

            // The history links back to the proposal.
            struct N: Decodable { var n: Int }
            let linked = try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM registry_history WHERE foreigner_id = \(bind: f.id!) AND source = \(bind: "proposal:\(address.id.uuidString)")").first(decoding: N.self)!.n
            #expect(linked == 1)
            guard case .success = try await AuditLog.verify(on: app.db) else { Issue.record("audit chain broken"); return }
        }
    }

    @Test func agencyRowsAndFieldFindingsPropose() async throws {
        try await withTestApp { app in
            let f = try await sponsored(app)
            let now = TestDatabases.now
            // A matched agency row with another address and employer; one with the registry's own values proposes nothing.
            let row = ImportRow()
            row.id = UUID(); row.address = "Perumahan Lain Blok C3"; row.employer = "CV Tempat Kerja Lain"
            try await ProposedChanges.fromImportRow(row, foreigner: f.id!, today: "2026-12-01", now: now, on: app.db)
            let current = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first())
            let job = try #require(try await Employment.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$endOn == nil).with(\.$sponsor).first())
            let same = ImportRow()
            same.id = UUID(); same.address = current.line.lowercased(); same.employer = job.sponsor.name.uppercased()
            try await ProposedChanges.fromImportRow(same, foreigner: f.id!, today: "2026-12-01", now: now, on: app.db)
            let fromImport = try await proposals(app, "officer@demo.sinergi.id", source: "import")
            #expect(fromImport.map(\.kind).sorted() == ["address", "employment"])

            // An agency's address has no village code: the officer picks it when accepting.
            let address = try #require(fromImport.first { $0.kind == "address" })
            let missing = try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(address.id)/accept", [:])
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("villageCode"))
            #expect(try await post(app, "officer@demo.sinergi.id", "/api/v1/proposed-changes/\(address.id)/accept", ["villageCode": "35.16.05.2010"]).status == .ok)
            #expect(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first()?.line == "Perumahan Lain Blok C3")

            // A field finding "address mismatch" proposes a check, which becomes a task for the officer.
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            let entry = ReportEntry()
            entry.id = UUID(); entry.foreignerID = f.id!; entry.finding = FieldFinding.addressMismatch.rawValue; entry.villageCode = "35.16.05.2010"; entry.note = "Tidak tinggal di alamat"
            try await ProposedChanges.fromDailyReport([entry], officer: officer.id!, now: now, on: app.db)
            try await ProposedChanges.fromDailyReport([entry], officer: officer.id!, now: now, on: app.db)   // once only
            let checks = try await proposals(app, "officer@demo.sinergi.id", source: "daily-report")
            #expect(checks.count == 1 && checks[0].kind == "addressCheck")
            let accepted = try await post(app, "supervisor@demo.sinergi.id", "/api/v1/proposed-changes/\(checks[0].id)/accept", [:])
            #expect(accepted.status == .ok)
            let result = try JSONDecoder().decode(Proposal.self, from: Data(accepted.body.readableBytesView)).result
            let taskID = try #require(result.flatMap { UUID(uuidString: String($0.dropFirst(5))) })
            let task = try #require(try await FieldTask.find(taskID, on: app.db))
            #expect(task.foreignerID == f.id && task.kind == TaskKind.verifyAddress.rawValue)
            #expect(try await FieldTaskAssignee.query(on: app.db).filter(\.$taskID == taskID).all().map(\.userID) == [officer.id!])

            // The web list and review page, in Indonesian.
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/proposed-changes?source=import")
            #expect(page.status == .ok && page.body.string.contains("Usulan perubahan"))
            let employment = try #require(fromImport.first { $0.kind == "employment" })
            let review = try await b.get("/proposed-changes/\(employment.id)")
            #expect(review.status == .ok && review.body.string.contains("CV Tempat Kerja Lain") && review.body.string.contains("accept-form"))
            let noNote = try await b.post("/proposed-changes/\(employment.id)/reject", form: ["note": ""])
            #expect(noNote.status == .unprocessableEntity && noNote.body.string.contains("reject-note-error"))
        }
    }
}
