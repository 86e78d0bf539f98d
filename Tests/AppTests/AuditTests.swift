@testable import App
import AuditChain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct AuditTests {
    @Test func readsAndWritesAreRecordedAndTheChainVerifies() async throws {
        try await withTestApp { app in
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            #expect(try await b.get("/foreigners/\(f.id!)?purpose=fieldCheck").status == .ok)
            #expect(try await b.get("/foreigners/\(f.id!)?purpose=gossip").status == .unprocessableEntity)
            let token = try await apiToken(app, "supervisor@demo.sinergi.id")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/foreigners/\(f.id!)", headers: bearer(token)).status == .ok)

            let reads = try await AuditEventRecord.query(on: app.db).filter(\.$action == "foreigner.read").filter(\.$objectID == f.id!.uuidString).all()
            #expect(reads.count == 2)
            #expect(reads.map(\.purpose).sorted() == ["fieldCheck", "supervision"])
            #expect(reads.allSatisfy { !$0.requestID.isEmpty && $0.occurredAt.hasPrefix("2026-11-30T05:00:00") })
            let logins = try await AuditEventRecord.query(on: app.db).filter(\.$action == "auth.login").count()
            #expect(logins == 1)
            // No personal data in the trail itself.
            let all = try await AuditEventRecord.query(on: app.db).all()
            #expect(!all.contains { $0.detail.contains(f.fullName) || $0.detail.contains(f.passportNumber ?? "#") })
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(all.count)))
        }
    }

    @Test func tamperingIsDetectedAndNamed() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            for _ in 0..<3 { try await b.login("officer@demo.sinergi.id") }
            let sql = app.db as! any SQLDatabase
            let count = try await AuditEventRecord.query(on: app.db).count()
            #expect(count >= 4)
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(count)))

            try await sql.raw("UPDATE audit_events SET purpose = 'edited' WHERE seq = 2").run()
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: 2, kind: .contentAltered)))
        }
    }

    @Test func deletionsAreDetected() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            for _ in 0..<3 { try await b.login("officer@demo.sinergi.id") }
            let sql = app.db as! any SQLDatabase
            let count = Int64(try await AuditEventRecord.query(on: app.db).count())
            try await sql.raw("DELETE FROM audit_events WHERE seq = \(bind: count)").run()
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: count - 1, kind: .truncated(expectedLast: count))))
            try await sql.raw("DELETE FROM audit_events WHERE seq = 2").run()
            #expect(try await AuditLog.verify(on: app.db) == .failure(AuditBreak(sequence: 3, kind: .missingEvents(expected: 2))))
        }
    }

    @Test func concurrentWritersKeepOneChain() async throws {
        try await withTestApp { app in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await AuditLog.record(AuditEntry(action: "test.event", objectType: "t", objectID: "\(i)"), actor: .system, requestID: "r\(i)", on: app.db, clock: app.clock)
                    }
                }
                try await group.waitForAll()
            }
            let n = try await AuditEventRecord.query(on: app.db).count()
            #expect(try await AuditLog.verify(on: app.db) == .success(Int64(n)))
        }
    }
}
