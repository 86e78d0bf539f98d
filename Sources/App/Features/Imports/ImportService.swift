import Crypto
import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// Creating an import: hash (same file twice is one import), validate every row, store all rows in
/// one transaction with its audit event, then reconcile in the background.
enum ImportService {
    struct Owner: Sendable {
        var key: String
        var agencyID: UUID?
        var officeID: UUID?
        var scope: String
    }

    /// Agency members import for their agency and region; officers and supervisors for their office's
    /// jurisdiction, optionally on behalf of an agency (`agencyID`).
    static func owner(_ p: Principal, onBehalfOf agencyID: UUID?, db: any Database) async throws -> Owner {
        switch p.role {
        case .agency:
            guard let id = p.agencyID, let region = p.agencyRegionCode else { throw Abort(.forbidden) }
            return Owner(key: "agency:\(id.uuidString)", agencyID: id, officeID: nil, scope: "prefix:\(region)")
        case .officer, .supervisor:
            guard let office = p.officeID, !p.jurisdiction.isEmpty else { throw Abort(.forbidden) }
            let scope = "regencies:" + p.jurisdiction.joined(separator: ",")
            if let agencyID {
                guard try await Agency.find(agencyID, on: db) != nil else { throw ValidationFailure("v.agencyID", field: "agency") }
                return Owner(key: "agency:\(agencyID.uuidString)", agencyID: agencyID, officeID: office, scope: scope)
            }
            return Owner(key: "office:\(office.uuidString)", agencyID: nil, officeID: office, scope: scope)
        case .sponsor, .admin, .integration:
            throw Abort(.forbidden)
        }
    }

    static func fileHash(_ data: Data, kind: ImportKind) -> String {
        var h = SHA256()
        h.update(data: Data("sinergi-import|\(kind.rawValue)|".utf8))
        h.update(data: data)
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func savedMapping(_ ownerKey: String, _ kind: ImportKind, db: any Database) async throws -> [String: String] {
        guard let m = try await ImportMapping.query(on: db).filter(\.$ownerKey == ownerKey).filter(\.$kind == kind.rawValue).first() else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(m.mapping.utf8))) ?? [:]
    }

    enum Outcome { case created(AgencyImport), existing(AgencyImport) }

    /// Validates the file at `path` and, if every row is valid, stores the import. Throws
    /// `ImportRejected` naming each bad line otherwise; nothing is stored then.
    static func create(_ req: Request, path: String, fileName: String, kind: ImportKind, owner: Owner,
                       encoding: CSVReader.TextEncoding? = nil, mapping: [String: String]? = nil, setAside: Bool = false) async throws -> Outcome {
        // Hashing, encoding detection and parsing are CPU work: they run on the blocking thread pool, not on
        // Swift's cooperative threads (two on this machine), which must stay free to serve pages.
        let pool = req.application.threadPool
        let (hash, detected) = try await pool.runIfActive {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return (fileHash(data, kind: kind), ImportParser.detectEncoding(data))
        }
        if let earlier = try await AgencyImport.query(on: req.db).filter(\.$ownerKey == owner.key).filter(\.$fileHash == hash).first() {
            return .existing(earlier)
        }
        var saved = mapping ?? [:]
        if mapping == nil { saved = try await savedMapping(owner.key, kind, db: req.db) }
        let enc = encoding ?? detected
        let today = req.application.today
        let mappingUsed = saved
        let parsed = try await pool.runIfActive { try ImportParser.parse(path: path, kind: kind, saved: mappingUsed, remembered: mapping == nil, encoding: enc, today: today, setAside: setAside) }
        if parsed.invalidCount > 0 {
            throw ImportRejected(failure: ValidationFailure("v.import.invalidRows"), invalidRows: parsed.invalid, invalidCount: parsed.invalidCount)
        }
        let principal = try req.requirePrincipal()
        let now = req.application.clock.now()
        let mappingJSON = String(decoding: try JSONEncoder().encode(parsed.headings), as: UTF8.self)
        do {
            // The rows go in on the jobs connection (with their audit event, in one transaction).
            let imp = try await AuditLog.write(on: req.application.jobsDB, actor: req.auditActor, requestID: req.id, clock: req.application.clock) { db in
                let imp = AgencyImport()
                imp.id = UUID(); imp.kind = kind.rawValue; imp.ownerKey = owner.key
                imp.$agency.id = owner.agencyID; imp.$office.id = owner.officeID; imp.scope = owner.scope
                imp.fileName = String(fileName.prefix(200)); imp.fileHash = hash; imp.rowCount = parsed.records.count
                imp.setAsideRows = parsed.setAsideCount
                imp.status = ImportStatus.reconciling.rawValue; imp.progress = 0
                imp.createdBy = principal.userID; imp.createdAt = now
                try await imp.create(on: db)
                try await insertRows(parsed.records, importID: imp.id!, db: db)
                if let m = try await ImportMapping.query(on: db).filter(\.$ownerKey == owner.key).filter(\.$kind == kind.rawValue).first() {
                    m.mapping = mappingJSON; m.updatedAt = now
                    try await m.update(on: db)
                } else {
                    let m = ImportMapping()
                    m.ownerKey = owner.key; m.kind = kind.rawValue; m.mapping = mappingJSON; m.updatedAt = now
                    try await m.create(on: db)
                }
                return (imp, [AuditEntry(action: "import.create", objectType: "agency_import", objectID: imp.id!.uuidString,
                                         detail: "kind=\(kind.rawValue) rows=\(parsed.records.count) setAside=\(parsed.setAsideCount) owner=\(owner.key)")])
            }
            return .created(imp)
        } catch {
            // The same file arrived twice at once: the other request stored it.
            guard let d = error as? any DatabaseError, d.isConstraintFailure,
                  let earlier = try await AgencyImport.query(on: req.db).filter(\.$ownerKey == owner.key).filter(\.$fileHash == hash).first() else { throw error }
            return .existing(earlier)
        }
    }

    static func insertRows(_ records: [ImportRecord], importID: UUID, db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let columns = ["id", "import_id", "line", "name", "family_name", "given_names", "date_of_birth", "age", "passport_number", "nationality", "sex", "employer", "address", "npwp", "nib", "match_state", "set_aside"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var start = 0
        while start < records.count {
            let end = min(records.count, start + 500)
            var insert = sql.insert(into: ImportRow.schema).columns(columns)
            for r in records[start..<end] {
                insert = insert.values([
                    SQLBind(UUID()), SQLBind(importID), SQLBind(r.line), SQLBind(r.name), SQLBind(r.familyName), SQLBind(r.givenNames), SQLBind(r.dateOfBirth), SQLBind(r.age), SQLBind(r.passportNumber),
                    SQLBind(r.nationality), SQLBind(r.sex), SQLBind(r.employer), SQLBind(r.address), SQLBind(r.npwp), SQLBind(r.nib),
                    SQLBind(MatchState.unmatched.rawValue),
                    SQLBind(r.setAside.isEmpty ? nil : String(decoding: try encoder.encode(r.setAside.mapValues { String($0.prefix(200)) }), as: UTF8.self)),
                ] as [any SQLExpression])
            }
            try await insert.run()
            start = end
        }
    }
}

/// Background reconciliations, one task per import. A reconciliation interrupted by a restart is
/// started again the next time anyone looks at the import. With several servers on one database, the server
/// that claims the import runs it (`claimed_by`, `claimed_at` renewed with each progress step); another takes it
/// over only once the claim is `lease` old — its server died.
actor ImportJobs {
    private var running: [UUID: Task<Void, Never>] = [:]
    private var starting: Set<UUID> = []
    /// This process, as named in the claims it holds.
    nonisolated let instance = UUID().uuidString
    static let lease: TimeInterval = 5 * 60

    func isRunning(_ id: UUID) -> Bool { running[id] != nil }

    /// Claims a reconciling import for this server: true if nobody else holds a live claim on it.
    func claim(_ id: UUID, db: any Database, now: Date) async throws -> Bool {
        let rows = try await (db as! any SQLDatabase).raw("""
            UPDATE agency_imports SET claimed_by = \(bind: instance), claimed_at = \(bind: now)
            WHERE id = \(bind: id) AND status = 'reconciling'
              AND (claimed_by IS NULL OR claimed_by = \(bind: instance) OR claimed_at IS NULL OR claimed_at < \(bind: now.addingTimeInterval(-Self.lease)))
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    func start(_ id: UUID, app: Application) async {
        guard running[id] == nil, !starting.contains(id) else { return }
        starting.insert(id)
        defer { starting.remove(id) }
        let db = app.jobsDB
        let logger = app.logger
        guard (try? await claim(id, db: db, now: app.clock.now())) == true else { return }
        let instance = self.instance
        running[id] = ComputeExecutor.detached { [weak self] in
            do {
                let c = try await Reconciler.run(id, db: db) { p in
                    // Progress renews the claim: other servers see this one alive.
                    try? await (db as! any SQLDatabase).raw("""
                        UPDATE agency_imports SET progress = \(bind: p), claimed_at = \(bind: app.clock.now())
                        WHERE id = \(bind: id) AND status = 'reconciling' AND claimed_by = \(bind: instance)
                        """).run()
                }
                let now = app.clock.now()
                let publicURL = app.config.publicURL
                // Done, recorded and told to whoever uploaded it, together.
                try await AuditLog.write(on: db, actor: .system, requestID: "import-\(id.uuidString.prefix(8))", clock: app.clock) { tx in
                    try await AgencyImport.query(on: tx).filter(\.$id == id).filter(\.$status == ImportStatus.reconciling.rawValue)
                        .set(\.$status, to: ImportStatus.reconciled.rawValue).set(\.$progress, to: 100)
                        .set(\.$finishedAt, to: now).update()
                    if let imp = try await AgencyImport.find(id, on: tx), imp.statusValue == .reconciled {
                        try await Notifier.notify([imp.createdBy], kind: "import_reconciled", title: imp.fileName,
                                                  link: ImportsURL.show(.id(id)).path, now: now, db: tx, publicURL: publicURL)
                    }
                    return ((), [AuditEntry(action: "import.reconcile", objectType: "agency_import", objectID: id.uuidString,
                                            detail: "matched=\(c.matched) review=\(c.review) unmatched=\(c.unmatched)")])
                }
                try? await refreshStatistics(db, table: ImportRow.schema)
            } catch is CancellationError {
                logger.notice("import reconciliation cancelled")
            } catch {
                logger.error("import reconciliation failed: \(String(describing: type(of: error)))")
                try? await AgencyImport.query(on: db).filter(\.$id == id).filter(\.$status == ImportStatus.reconciling.rawValue)
                    .set(\.$status, to: ImportStatus.failed.rawValue).set(\.$error, to: "reconciliation failed; start it again").update()
            }
            await self?.finished(id)
        }
    }

    private func finished(_ id: UUID) { running[id] = nil }

    func cancel(_ id: UUID) { running[id]?.cancel() }

    /// Waits for every running reconciliation (shutdown, tests).
    func drain() async {
        while let (_, task) = running.first { await task.value }
    }

    func cancelAll() async {
        for t in running.values { t.cancel() }
        await drain()
    }
}

extension Application {
    private struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }
    var importJobs: ImportJobs {
        get {
            guard let j = storage[ImportJobsKey.self] else { fatalError("configure(_:config:) was not called") }
            return j
        }
        set { storage[ImportJobsKey.self] = newValue }
    }
}

/// Stops background reconciliations before the database goes away.
struct ImportJobsShutdown: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        await app.importJobs.cancelAll()
    }
}
