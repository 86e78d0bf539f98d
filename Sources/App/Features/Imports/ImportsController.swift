import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// Agency lists: upload (API and web, with preview and column mapping), background reconciliation
/// against the registry, the review queue with each field's contribution, and decisions.
/// Agency members see their own imports and counts only; officers see the rows and matches.
enum ImportsController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder, maxUpload: Int) {
        let a = api.grouped(RequireRole(.agency, .officer, .supervisor))
        a.on(.POST, "imports", body: .stream, use: createAPI)
        a.get("imports", use: listAPI)
        a.get("imports", ":id", use: showAPI)
        a.post("imports", ":id", "cancel", use: cancelAPI)
        a.post("imports", ":id", "rerun", use: rerunAPI)
        a.get("imports", ":id", "reconciliation", use: reconciliationAPI)
        api.grouped(RequireRole(.officer, .supervisor)).post("imports", ":id", "rows", ":row", "decision", use: decideAPI)
        ImportPages.register(web, maxUpload: maxUpload)
        Discrepancies.register(web: web, api: api)
    }

    // MARK: shared

    struct ImportDTO: Content {
        var id: UUID
        var kind: String
        var status: String
        var progress: Int
        var rows: Int
        var fileName: String
        var createdAt: Date
        var finishedAt: Date?
        var error: String?
        var matched: Int?
        var review: Int?
        var unmatched: Int?
        var duplicate: Bool?
        /// Rows imported with unreadable fields set aside (`badFields=setAside`).
        var setAside: Int
    }

    static func dto(_ imp: AgencyImport, db: any Database, duplicate: Bool? = nil) async throws -> ImportDTO {
        var d = ImportDTO(id: imp.id!, kind: imp.kind, status: imp.status, progress: imp.progress, rows: imp.rowCount,
                          fileName: imp.fileName, createdAt: imp.createdAt, finishedAt: imp.finishedAt, error: imp.error, duplicate: duplicate,
                          setAside: imp.setAsideRows)
        if imp.statusValue == .reconciled {
            let c = try await Reconciler.counts(imp.id!, db: db)
            d.matched = c.matched; d.review = c.review; d.unmatched = c.unmatched
        }
        return d
    }

    /// The import if this user may see it (404 otherwise); restarts a reconciliation a restart interrupted.
    static func visibleImport(_ req: Request) async throws -> AgencyImport {
        guard let id = req.parameters.get("id", as: UUID.self),
              let imp = try await ScopePolicy.imports(req).filter(\.$id == id).first() else { throw Abort(.notFound) }
        if imp.statusValue == .reconciling, await !req.application.importJobs.isRunning(id) {
            await req.application.importJobs.start(id, app: req.application)
        }
        return imp
    }

    /// `badFields=setAside`: import rows whose only faults are unreadable fields, with those fields set aside.
    /// Without it (or `badFields=refuse`) such rows refuse the whole file, as before.
    static func badFieldsParameter(_ raw: String?) throws -> Bool {
        switch raw {
        case nil, "", "refuse": return false
        case "setAside": return true
        default: throw ValidationFailure("v.oneOf", field: "badFields", "setAside, refuse")
        }
    }

    static func kind(_ raw: String?) throws -> ImportKind {
        guard let raw, let k = ImportKind(rawValue: raw) else {
            throw ValidationFailure("v.oneOf", field: "kind", ImportKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return k
    }

    /// 422 with the error in the API's shape, every invalid row (`line`, `reason` in English, and `code`/`field`)
    /// and their count.
    static func rejected(_ e: ImportRejected, _ req: Request) throws -> Response {
        struct Body: Content { var error: APIErrorBody.Detail; var invalidRows: [InvalidRow]; var invalidCount: Int }
        let res = Response(status: .unprocessableEntity)
        let detail = APIErrorBody.Detail(code: e.failure.key, field: e.failure.field, message: e.message(req.apiLanguage))
        try res.content.encode(Body(error: detail, invalidRows: e.invalidRows, invalidCount: e.invalidCount))
        return res
    }

    /// Writes a request body to a private temporary file, refusing it past the upload limit.
    static func spool(_ req: Request) async throws -> String {
        let limit = req.application.config.maxUploadSize
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-upload-\(UUID().uuidString).part").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw Abort(.internalServerError, reason: "cannot write a temporary file") }
        var size = 0
        do {
            for try await chunk in req.body {
                size += chunk.readableBytes
                if size > limit { throw ImportRejected(failure: ValidationFailure("v.fileTooLarge", field: "file", ByteSize.text(limit)), invalidRows: [], invalidCount: 0) }
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
            try handle.close()
        } catch {
            try? handle.close(); try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return path
    }

    static func encodingParameter(_ contentType: HTTPMediaType?) throws -> CSVReader.TextEncoding? {
        guard let charset = contentType?.parameters["charset"]?.lowercased() else { return nil }
        switch charset {
        case "utf-8", "utf8": return .utf8
        // UTF-16 is told by its byte-order mark or its NUL bytes (`CSVReader.utf16`) and read as UTF-8.
        case "utf-16", "utf-16le", "utf-16be", "utf16": return .utf8
        case "windows-1252", "cp1252", "iso-8859-1", "latin1": return .windows1252
        default: throw ValidationFailure("v.oneOf", field: "charset", "utf-8, utf-16, windows-1252")
        }
    }

    /// An upload as multipart/form-data (API and web).
    struct UploadForm: Content {
        var file: File?
        var kind: String?
        var agency: String?
    }

    // MARK: API

    static func createAPI(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let agencyID = try req.queryText("agency").map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw ValidationFailure("v.agencyID", field: "agency") }
            return id
        }
        if ScopePolicy.seesCountsOnly(principal) && agencyID != nil { throw ValidationFailure("v.agencyOwn", field: "agency") }
        let owner = try await ImportService.owner(principal, onBehalfOf: agencyID, db: req.db)
        let setAside = try badFieldsParameter(req.queryValue("badFields"))
        let contentType = req.headers.contentType
        var kindRaw = req.queryValue("kind")
        var fileName = "upload.csv"
        let path: String
        do {
            path = try await spool(req)
        } catch let e as ImportRejected {
            return try rejected(e, req)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        var csvPath = path
        var encoding = try encodingParameter(contentType)
        if contentType?.type == "multipart" {
            // Multipart: the `file` part is the CSV; a `kind` part may name the kind. Decoded by Vapor's form-data decoder.
            let buffer = ByteBuffer(data: try Data(contentsOf: URL(fileURLWithPath: path)))
            let form = try ContentConfiguration.global.requireDecoder(for: .formData).decode(UploadForm.self, from: buffer, headers: req.headers)
            guard let file = form.file else { throw ValidationFailure("v.fileMissing", field: "file") }
            kindRaw = kindRaw ?? form.kind
            if !file.filename.isEmpty { fileName = file.filename }
            encoding = try encodingParameter(file.contentType) ?? encoding
            csvPath = path + ".csv"
            try Data(file.data.readableBytesView).write(to: URL(fileURLWithPath: csvPath))
        }
        defer { if csvPath != path { try? FileManager.default.removeItem(atPath: csvPath) } }
        let kind = try kind(kindRaw)
        if FileManager.default.fileSize(csvPath) == 0 { throw ValidationFailure("v.fileEmpty", field: "file") }
        do {
            // Columns chosen by the caller (`map.name=이름`), for headers the import does not recognise; the rest as usual.
            var chosen: [String: String] = [:]
            for f in ImportParser.fields(kind) { if let v = req.queryValue("map.\(f.key)") { chosen["map.\(f.key)"] = v } }
            let mapping = ImportPages.mappingOverrides(chosen, kind: kind)
            switch try await ImportService.create(req, path: csvPath, fileName: fileName, kind: kind, owner: owner, encoding: encoding, mapping: mapping,
                                                  setAside: setAside) {
            case .created(let imp):
                await req.application.importJobs.start(imp.id!, app: req.application)
                let res = Response(status: .created)
                try res.content.encode(try await dto(imp, db: req.db))
                res.headers.replaceOrAdd(name: .location, value: "/api/v1/imports/\(imp.id!)")
                return res
            case .existing(let imp):
                let res = Response(status: .ok)
                try res.content.encode(try await dto(imp, db: req.db, duplicate: true))
                return res
            }
        } catch let e as ImportRejected {
            return try rejected(e, req)
        }
    }


    /// One page of the imports this user may see, newest first, and how many there are.
    static func visibleImports(_ req: Request, _ paging: Paging) async throws -> (items: [(AgencyImport, ImportDTO)], total: Int) {
        let q = try ScopePolicy.imports(req)
        let total = try await q.copy().countRows()
        var items: [(AgencyImport, ImportDTO)] = []
        for imp in try await q.sort(\.$createdAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all() {
            items.append((imp, try await dto(imp, db: req.db)))
        }
        return (items, total)
    }

    static func listAPI(_ req: Request) async throws -> ListPage<ImportDTO> {
        let paging = try Paging(req)
        let (items, total) = try await visibleImports(req, paging)
        return ListPage(items: items.map(\.1), total: total, paging)
    }

    static func showAPI(_ req: Request) async throws -> ImportDTO {
        try await dto(try await visibleImport(req), db: req.db)
    }

    /// Cancelling a reconciling import removes it and its rows (all or nothing); a reconciled one stays.
    static func cancel(_ req: Request) async throws -> AgencyImport {
        let imp = try await visibleImport(req)
        guard imp.statusValue == .reconciling || imp.statusValue == .failed else {
            throw AppError.conflict("err.importNotCancellable")
        }
        // Cancelling deletes the list's rows. An import reconciled before (a run again) holds officers' decisions, which
        // a wish to stop the new run must not take with it: it finishes, and the decisions stay.
        guard imp.finishedAt == nil else { throw AppError.conflict(imp.statusValue == .failed ? "err.failedRerunNotCancellable" : "err.rerunNotCancellable") }
        await req.application.importJobs.cancel(imp.id!)
        let id = imp.id!
        try await req.audited { db in
            guard let fresh = try await AgencyImport.find(id, on: db) else { throw Abort(.notFound) }
            try await ImportRow.query(on: db).filter(\.$agencyImport.$id == id).delete()
            fresh.status = ImportStatus.cancelled.rawValue
            fresh.fileHash = "\(fresh.fileHash):cancelled:\(id.uuidString)"   // the same file may be imported again
            fresh.finishedAt = req.application.clock.now()
            fresh.rowCount = 0
            try await fresh.update(on: db)
            return ((), [AuditEntry(action: "import.cancel", objectType: "agency_import", objectID: id.uuidString)])
        }
        return try await AgencyImport.find(id, on: req.db)!
    }

    static func cancelAPI(_ req: Request) async throws -> ImportDTO {
        try await dto(try await cancel(req), db: req.db)
    }

    /// Runs the reconciliation again (e.g. after the registry changed); decisions are kept.
    static func rerun(_ req: Request) async throws -> AgencyImport {
        let imp = try await visibleImport(req)
        guard imp.statusValue == .reconciled || imp.statusValue == .failed else {
            throw AppError.conflict("err.importNotRerunnable")
        }
        let id = imp.id!
        try await req.audited { db in
            try await AgencyImport.query(on: db).filter(\.$id == id).set(\.$status, to: ImportStatus.reconciling.rawValue)
                .set(\.$progress, to: 0).set(\.$error, to: nil).update()
            return ((), [AuditEntry(action: "import.rerun", objectType: "agency_import", objectID: id.uuidString)])
        }
        await req.application.importJobs.start(id, app: req.application)
        return try await AgencyImport.find(id, on: req.db)!
    }

    static func rerunAPI(_ req: Request) async throws -> ImportDTO {
        try await dto(try await rerun(req), db: req.db)
    }

    struct ItemDTO: Content {
        var rowId: UUID
        var line: Int
        var state: String
        var decision: String?
        var probability: Double?
        var foreignerId: UUID?
        var sponsorId: UUID?
        /// The line of the list's row this row was linked through (`Reconciler.Verdict.via`).
        var linkedViaLine: Int?
        /// The registry person the engine proposed, which `probability` and `explanation` are of; `foreignerId` differs
        /// where an officer linked another.
        var engineForeignerId: UUID?
        /// The engine matched this row through line `linkedViaLine`, which an officer has since rejected or linked to
        /// another person: `state` is "review" until this row is decided or that decision undone.
        var held: Bool
        /// In the answer to a decision: the lines of the row's copies (the same in every field compared) decided with it.
        var copiesDecided: [Int]?
        var agencyRow: AgencyRowDTO
        var explanation: [Reconciler.Contribution]?
    }

    struct AgencyRowDTO: Content {
        var name: String
        var dateOfBirth: String?
        /// The list's age column, where it has one.
        var age: Int?
        var passportNumber: String?
        var nationality: String?
        var sex: String?
        var employer: String?
        var address: String?
        var npwp: String?
        var nib: String?
        /// Fields set aside as unreadable, with their values as they stood in the file.
        var setAside: [String: String]?
    }

    static func item(_ r: ImportRow) -> ItemDTO {
        let explanation = r.explanation.flatMap { try? JSONDecoder().decode([Reconciler.Contribution].self, from: Data($0.utf8)) }
        return ItemDTO(rowId: r.id!, line: r.line, state: r.effectiveState.rawValue, decision: r.decision, probability: r.probability,
                       foreignerId: r.foreignerID, sponsorId: r.sponsorID, linkedViaLine: r.linkedVia, engineForeignerId: r.engineForeignerID, held: r.held && r.decision == nil,
                       agencyRow: AgencyRowDTO(name: r.name, dateOfBirth: r.dateOfBirth, age: r.age, passportNumber: r.passportNumber, nationality: r.nationality,
                                               sex: r.sex, employer: r.employer, address: r.address, npwp: r.npwp, nib: r.nib,
                                               setAside: r.setAside.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }),
                       explanation: explanation)
    }

    struct ReconciliationDTO: Content {
        var status: String
        var matched: Int
        var review: Int
        var unmatched: Int
        var items: [ItemDTO]?
        var total: Int?
        var page: Int?
        var per: Int?
    }

    /// Rows of an import in one effective state (nil: all), in file order.
    static func rows(_ importID: UUID, state: MatchState?, paging: Paging, db: any Database) async throws -> ([ImportRow], Int) {
        var q = ImportRow.query(on: db).filter(\.$agencyImport.$id == importID)
        if let state { q = q.filter(.sql(SQLQueryString("\(ImportRow.effectiveStateSQL) = \(bind: state.rawValue)"))) }
        let total = try await q.countRows()
        let items = try await q.sort(\.$line).range(paging.offset..<(paging.offset + paging.per)).all()
        return (items, total)
    }

    static func reconciliationAPI(_ req: Request) async throws -> ReconciliationDTO {
        let imp = try await visibleImport(req)
        let c = try await Reconciler.counts(imp.id!, db: req.db)
        var out = ReconciliationDTO(status: imp.status, matched: c.matched, review: c.review, unmatched: c.unmatched)
        // Agency members: counts only. Officers: the rows, with the registry ids they were linked to.
        guard !ScopePolicy.seesCountsOnly(try req.requirePrincipal()) else { return out }
        let state = try req.queryText("state").map { raw -> MatchState in
            guard let s = MatchState(rawValue: raw) else { throw ValidationFailure("v.oneOf", field: "state", "matched, review, unmatched") }
            return s
        }
        let paging = try Paging(req, defaultPer: 100)
        let (rows, total) = try await rows(imp.id!, state: state, paging: paging, db: req.db)
        out.items = rows.map(item)
        out.total = total; out.page = paging.page; out.per = paging.per
        return out
    }

    struct DecisionInput: Content { var decision: String; var foreignerId: UUID? }

    /// Accept, reject or undo (back to the engine's verdict) one row's link. Audited; a re-run keeps it.
    /// Returns the row and the lines of its copies decided with it.
    static func decide(_ req: Request, importID: UUID, rowID: UUID, decision raw: String, foreignerID: UUID?) async throws -> (row: ImportRow, copies: [Int]) {
        guard let scoped = try? ScopePolicy.imports(req), let imp = try await scoped.filter(\.$id == importID).first(),
              let row = try await ImportRow.query(on: req.db).filter(\.$id == rowID).filter(\.$agencyImport.$id == importID).first() else {
            throw Abort(.notFound)
        }
        guard imp.statusValue == .reconciled else { throw AppError.conflict("err.importNotReconciled") }
        let decision: MatchDecision?
        switch raw {
        case "accepted", "accept": decision = .accepted
        case "rejected", "reject": decision = .rejected
        case "undo", "none": decision = nil
        default: throw ValidationFailure("v.oneOf", field: "decision", "accepted, rejected, undo")
        }
        var target = row.foreignerID
        if decision == .accepted && !imp.kindValue.isCompanies {
            if let f = foreignerID { target = f }
            guard let t = target else { throw ValidationFailure("v.noCandidate", field: "foreignerId") }
            _ = try await ScopePolicy.foreigner(t, req)   // the officer must be able to see whom they link
        }
        if decision == .accepted && imp.kindValue.isCompanies && row.sponsorID == nil {
            throw ValidationFailure("v.noCompanyCandidate")
        }
        let user = try req.requirePrincipal().userID
        let now = req.application.clock.now()
        let before = row.decision ?? "none", beforeAt = row.decidedAt
        let linked = target
        let today = req.application.today
        let companies = imp.kindValue.isCompanies
        return try await req.audited { db in
            func apply(_ r: ImportRow) async throws -> String {
                let from = r.decision ?? "none"
                r.decision = decision?.rawValue
                r.decidedBy = decision == nil ? nil : user
                r.decidedAt = decision == nil ? nil : now
                if decision == .accepted && !companies { r.foreignerID = linked }
                // Undone, the row is the engine's again: its proposed person, or none where it proposed none (no probability),
                // not one an officer linked by hand. (Rows reconciled before the engine's person was kept keep theirs.)
                if decision == nil && !companies {
                    if r.engineForeignerID != nil { r.foreignerID = r.engineForeignerID } else if r.probability == nil { r.foreignerID = nil }
                }
                try await r.update(on: db)
                // The agency's address or employer, where it differs from the registry, is proposed as a change.
                if decision == .accepted && !companies, let linked {
                    try await ProposedChanges.fromImportRow(r, foreigner: linked, today: today, now: now, on: db)
                }
                return "import=\(importID) from=\(from) to=\(decision?.rawValue ?? "none")" + (r.foreignerID.map { " foreigner=\($0)" } ?? "")
            }
            var detail = try await apply(row)
            // A copy of the row (the same in every field compared: one person listed twice, matched with it) is the same
            // person and takes the same decision, unless an officer decided it apart; undone, or given another person, it
            // is undone or given that person with the row.
            var copies: [ImportRow] = []
            if !companies {
                copies = try await ImportRow.query(on: db).filter(\.$agencyImport.$id == importID).filter(\.$linkedVia == row.line).sort(\.$line).all()
                    .filter { c in
                        // Decided with the row (the same decision at the same moment), a copy follows it again: given another
                        // person, undone. One undecided takes a new decision; one an officer decided apart keeps its own.
                        let withRow = c.decision == before && c.decidedAt == beforeAt && beforeAt != nil
                        return c.isCopy(of: row) && (withRow || (decision != nil && c.decision == nil))
                    }
            }
            var entries: [AuditEntry] = []
            for c in copies {
                entries.append(AuditEntry(action: "import.decision", objectType: "import_row", objectID: c.id!.uuidString,
                                          detail: try await apply(c) + " copyOf=\(row.line)"))
            }
            // Rows matched through this one wait for review while it is turned down or linked to someone else.
            let held = companies ? 0 : try await Reconciler.hold(importID, through: row.line, db: db)
            detail += (held > 0 ? " held=\(held)" : "") + (copies.isEmpty ? "" : " copies=\(copies.count)")
            return ((row, copies.map(\.line)), [AuditEntry(action: "import.decision", objectType: "import_row", objectID: rowID.uuidString, detail: detail)] + entries)
        }
    }

    static func decideAPI(_ req: Request) async throws -> ItemDTO {
        guard let importID = req.parameters.get("id", as: UUID.self), let rowID = req.parameters.get("row", as: UUID.self) else { throw Abort(.notFound) }
        guard let input = try? req.content.decode(DecisionInput.self) else {
            throw ValidationFailure("v.body", "decision (accepted, rejected, undo), foreignerId")
        }
        let decided = try await decide(req, importID: importID, rowID: rowID, decision: input.decision, foreignerID: input.foreignerId)
        var out = item(decided.row)
        out.copiesDecided = decided.copies
        return out
    }
}

extension FileManager {
    func fileSize(_ path: String) -> Int {
        ((try? attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
