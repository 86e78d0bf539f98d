import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// The web side of imports: upload (with an upload progress bar), preview with column mapping and
/// every invalid row, import, reconciliation progress, and the officers' review queue.
enum ImportPages {
    /// The web upload's body limit: the largest list accepted, and room for the form's other fields and the
    /// multipart boundaries. The body is held in memory while its parts are read.
    static func bodyLimit(maxUpload: Int) -> Int { maxUpload + 1_048_576 }

    static func register(_ web: any RoutesBuilder, maxUpload: Int) {
        let bodyLimit = bodyLimit(maxUpload: maxUpload)
        let r = web.grouped(RequireRole(.agency, .officer, .supervisor))
        r.get(ImportsURL.list, use: list)
        r.get(ImportsURL.new, use: newForm)
        r.get(ImportsURL.template(.key), use: template)
        let upload = r.post(ImportsURL.upload, body: .collect(maxSize: ByteCount(value: bodyLimit)), use: upload)
        upload.userInfo["maxBody"] = bodyLimit
        upload.userInfo["maxBodyShown"] = maxUpload   // the refusal names the list's limit, not the form's room
        r.get(ImportsURL.preview(.key), use: preview).computes()   // reads the staged file (up to the upload limit)
        r.post(ImportsURL.confirm, use: confirm)
        r.get(ImportsURL.show(.key), use: show)
        r.get(ImportsURL.progress(.key), use: progress)
        r.post(ImportsURL.cancel(.key), use: cancel)
        r.post(ImportsURL.rerun(.key), use: rerun)
        let o = web.grouped(AgencyMembersSeeNoRows()).grouped(RequireRole(.officer, .supervisor))
        o.get(ImportsURL.rows(.key), use: rows)
        o.get(ImportsURL.line(.key, .key), use: line)
        o.post(ImportsURL.decision(.key, .key), use: decide)
        ImportLinkPage.register(o)
    }

    /// The review's pages are the officers'. An agency member asking for one is refused (403) only for an import they may
    /// see; for another agency's, they learn no more than from its summary page, that there is none (404).
    struct AgencyMembersSeeNoRows: AsyncMiddleware {
        func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            if req.principal?.role == .agency {
                _ = try await ImportsController.visibleImport(req)
                throw Abort(.forbidden)
            }
            return try await next.respond(to: req)
        }
    }

    static func list(_ req: Request) async throws -> Response {
        let paging = try Paging(req)
        let (items, total) = try await ImportsController.visibleImports(req, paging)
        return ImportViews.list(req, items, total: total, paging: paging, sources: try await sources(items.map(\.0), req))
    }

    /// Who sent each list: its agency's name (an office's own upload has none).
    static func sources(_ imports: [AgencyImport], _ req: Request) async throws -> [UUID: String] {
        let ids = Array(Set(imports.compactMap { $0.$agency.id }))
        if ids.isEmpty { return [:] }
        return Dictionary(try await Agency.query(on: req.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    static func agencyOptions(_ req: Request) async throws -> [Agency]? {
        let p = try req.requirePrincipal()
        guard !ScopePolicy.seesCountsOnly(p) else { return nil }
        return try await ScopePolicy.agencies(workingWith: p, db: req.db)
    }

    static func newForm(_ req: Request) async throws -> Response {
        // Back from a preview ("fix the file first"): the kind and the agency chosen then, not the form's first ones.
        ImportViews.newForm(req, agencies: try await agencyOptions(req), state: FormState(values: ["kind": req.queryValue("kind") ?? ImportKind.allCases[0].rawValue,
                                                                                              "agency": req.queryValue("agency") ?? ""]))
    }

    /// A CSV to start from: the accepted columns under their Indonesian headings and one example row.
    static func template(_ req: Request) async throws -> Response {
        guard let kind = ImportKind(rawValue: req.parameters.get("kind") ?? "") else { throw Abort(.notFound) }
        let rows: [[String]] = kind.isCompanies
            ? [["nama_perusahaan", "npwp", "nib", "alamat"], ["PT Contoh Industri Ngoro", "01.234.567.8-901.000", "1234567890123", "Jl. Raya Ngoro No. 1, Ngoro, Mojokerto"]]
            : [["nama_lengkap", "tanggal_lahir", "no_paspor", "kewarganegaraan", "jenis_kelamin", "perusahaan", "alamat"],
               ["ZHANG WEI", "1985-03-14", "E12345678", "CHN", "L", "PT Contoh Industri Ngoro", "Jl. Raya Ngoro No. 1, Ngoro, Mojokerto"]]
        let body = "\u{FEFF}" + rows.map { $0.map(Discrepancies.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        let res = Response(status: .ok, body: .init(string: body))
        res.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        // Named in the page's language: "sinergi-contoh-tenaga-kerja-asing-disnaker.csv".
        let words = L10n.t("imp.kind.\(kind.rawValue)", req.language).lowercased()
            .split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.joined(separator: "-")
        let prefix = req.language == .en ? "sinergi-template-" : "sinergi-contoh-"
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(prefix)\(words.isEmpty ? kind.rawValue : words).csv\"")
        return res
    }

    // MARK: staging (uploaded, not yet imported)

    struct Staged: Codable {
        var userID: UUID
        var kind: String
        var fileName: String
        var agencyID: UUID?
        var createdAt: Date
    }

    static var stagingDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-staging", isDirectory: true)
    }

    static func stagedPaths(_ token: String) -> (csv: String, meta: String)? {
        guard token.count == 43, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        let base = stagingDirectory.appendingPathComponent(token).path
        return (base + ".csv", base + ".json")
    }

    /// The staged upload if it exists and belongs to this user.
    static func staged(_ req: Request, token: String) throws -> (Staged, String)? {
        guard let paths = stagedPaths(token), let data = FileManager.default.contents(atPath: paths.meta),
              let meta = try? JSONDecoder().decode(Staged.self, from: data), meta.userID == (try req.requirePrincipal()).userID,
              FileManager.default.fileExists(atPath: paths.csv) else { return nil }
        return (meta, paths.csv)
    }

    /// Removes staged uploads older than a day.
    static func sweepStaging() {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: stagingDirectory.path) else { return }
        for n in names {
            let path = stagingDirectory.appendingPathComponent(n).path
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < Date().addingTimeInterval(-86400) {
                try? fm.removeItem(atPath: path)
            }
        }
    }

    static func upload(_ req: Request) async throws -> Response {
        let form = try? req.content.decode(ImportsController.UploadForm.self)
        do {
            return try await stage(req, form)
        } catch let e as ValidationFailure {
            var state = FormState(values: ["kind": form?.kind ?? "", "agency": form?.agency ?? ""])
            state.fail(e, lang: req.language)
            return ImportViews.newForm(req, agencies: try await agencyOptions(req), state: state, status: .unprocessableEntity)
        }
    }

    static func stage(_ req: Request, _ form: ImportsController.UploadForm?) async throws -> Response {
        guard req.headers.contentType?.type == "multipart", let form else {
            throw ValidationFailure("v.fileMissing", field: "file")
        }
        let kind = try ImportsController.kind(form.kind)
        // No file chosen arrives as an empty part without a name; a chosen file with nothing in it, as empty.
        guard let file = form.file, !file.filename.isEmpty else { throw ValidationFailure("v.fileMissing", field: "file") }
        guard file.data.readableBytes > 0 else { throw ValidationFailure("v.fileEmpty", field: "file") }
        guard file.data.readableBytes <= req.application.config.maxUploadSize else {
            throw ValidationFailure("v.fileTooLarge", field: "file", ByteSize.text(req.application.config.maxUploadSize))
        }
        let agencyID = try form.agency.flatMap { $0.isEmpty ? nil : $0 }.map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw ValidationFailure("v.agencyID", field: "agency") }
            return id
        }
        _ = try await ImportService.owner(try req.requirePrincipal(), onBehalfOf: agencyID, db: req.db)   // may this user import at all?
        sweepStaging()
        try FileManager.default.createDirectory(at: stagingDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let token = Tokens.random()
        let paths = stagedPaths(token)!
        let meta = Staged(userID: try req.requirePrincipal().userID, kind: kind.rawValue, fileName: file.filename.isEmpty ? "upload.csv" : file.filename, agencyID: agencyID, createdAt: Date())
        guard FileManager.default.createFile(atPath: paths.csv, contents: Data(file.data.readableBytesView), attributes: [.posixPermissions: 0o600]),
              FileManager.default.createFile(atPath: paths.meta, contents: try JSONEncoder().encode(meta), attributes: [.posixPermissions: 0o600]) else {
            throw Abort(.internalServerError, reason: "cannot stage the upload")
        }
        return req.redirect(to: ImportsURL.preview(.value(token)).path, redirectType: .normal)
    }

    /// Mapping chosen on the preview page (`map.<field>` = header, empty = not used).
    static func mappingOverrides(_ values: [String: String], kind: ImportKind) -> [String: String]? {
        var out: [String: String] = [:]
        for f in ImportParser.fields(kind) { if let v = values["map.\(f.key)"] { out[f.key] = v } }
        return out.isEmpty ? nil : out
    }

    static func preview(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        var overrides: [String: String] = [:]
        for f in ImportParser.personFields + ImportParser.companyFields {
            if let v = req.queryValue("map.\(f.key)") { overrides["map.\(f.key)"] = v }
        }
        return try await renderPreview(req, token: token, overrides: overrides, error: nil)
    }

    static func renderPreview(_ req: Request, token: String, overrides: [String: String], error: String?) async throws -> Response {
        guard let (meta, path) = try staged(req, token: token), let kind = ImportKind(rawValue: meta.kind) else {
            return ImportViews.expired(req)
        }
        let owner = try await ImportService.owner(try req.requirePrincipal(), onBehalfOf: meta.agencyID, db: req.db)
        let chosen = mappingOverrides(overrides, kind: kind)
        let remembered = chosen == nil
        var saved = chosen ?? [:]
        if remembered { saved = try await ImportService.savedMapping(owner.key, kind, db: req.db) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let encoding = ImportParser.detectEncoding(data)
        let today = req.application.today
        let mapping = saved   // a constant for the closure below
        // Parsed with unreadable fields set aside, to tell rows that must be fixed from rows that may go in without them.
        let parsed: ImportParser.Parsed
        do {
            parsed = try await req.application.threadPool.runIfActive {
                try ImportParser.parse(path: path, kind: kind, saved: mapping, remembered: remembered, encoding: encoding, today: today, previewRows: 10, setAside: true)
            }
        } catch let e as ImportRejected {
            // No name column recognised, or a column chosen that the file lacks: the mapping is offered, to choose here.
            if ["v.import.noNameColumn", "v.import.noCompanyNameColumn", "v.import.noSuchColumn"].contains(e.failure.key),
               let header = try? CSVReader(path: path, encoding: encoding).header() {
                let resolved = ImportParser.resolve(header: header, kind: kind, saved: mapping, remembered: remembered)
                return ImportViews.previewUnmapped(req, token: token, fileName: meta.fileName, kind: kind, header: header,
                                                   heading: { ImportParser.heading($0, header: header, mapping: resolved.mapping, dateParts: resolved.dateParts) },
                                                   message: e.message(req.language))
            }
            return ImportViews.previewRejected(req, fileName: meta.fileName, message: e.message(req.language))
        }
        // The same file imported before is said at once (importing it leads to that import); otherwise, the list of
        // its kind it would replace in the discrepancy reports.
        let earlier = try await AgencyImport.query(on: req.db).filter(\.$ownerKey == owner.key)
            .filter(\.$fileHash == ImportService.fileHash(data, kind: kind)).first()
        let replaces = earlier != nil ? nil : try await AgencyImport.query(on: req.db).filter(\.$ownerKey == owner.key).filter(\.$kind == kind.rawValue)
            .filter(\.$status == ImportStatus.reconciled.rawValue).sort(\.$createdAt, .descending).first()
        return ImportViews.preview(req, .init(token: token, fileName: meta.fileName, kind: kind, parsed: parsed, error: error, replaces: replaces, importedBefore: earlier, agencyID: meta.agencyID))
    }

    struct ConfirmInput: Content { var token: String; var badFields: String? }

    static func confirm(_ req: Request) async throws -> Response {
        let input = try req.content.decode(ConfirmInput.self)
        var values: [String: String] = [:]
        for f in ImportParser.personFields + ImportParser.companyFields {
            if let v = try? req.content.get(String.self, at: "map.\(f.key)") { values["map.\(f.key)"] = v }
        }
        guard let (meta, path) = try staged(req, token: input.token), let kind = ImportKind(rawValue: meta.kind) else {
            return try await renderPreview(req, token: input.token, overrides: [:], error: nil)
        }
        let owner = try await ImportService.owner(try req.requirePrincipal(), onBehalfOf: meta.agencyID, db: req.db)
        do {
            let outcome = try await ImportService.create(req, path: path, fileName: meta.fileName, kind: kind, owner: owner,
                                                         mapping: mappingOverrides(values, kind: kind),
                                                         setAside: try ImportsController.badFieldsParameter(input.badFields))
            if let paths = stagedPaths(input.token) { try? FileManager.default.removeItem(atPath: paths.csv); try? FileManager.default.removeItem(atPath: paths.meta) }
            switch outcome {
            case .created(let imp):
                await req.application.importJobs.start(imp.id!, app: req.application)
                return Flash.redirect(req, to: ImportsURL.show(.id(imp.id!)), "flash.import.created")
            case .existing(let imp):
                // The import's page says so itself (`duplicate=1`): a flash as well would show the sentence twice.
                return req.redirect(to: ImportsURL.show(.id(imp.id!)).with(["duplicate": "1"]), redirectType: .normal)
            }
        } catch let e as ImportRejected {
            return try await renderPreview(req, token: input.token, overrides: values, error: e.message(req.language))
        }
    }

    // MARK: an import

    static func show(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.visibleImport(req)
        let d = try await ImportsController.dto(imp, db: req.db)
        let setAside = imp.setAsideRows == 0 ? [] : try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == imp.id!)
            .filter(\.$setAside != nil).sort(\.$line).field(\.$line).range(..<51).all().map(\.line)
        return ImportViews.show(req, imp, d, agencyMember: ScopePolicy.seesCountsOnly(try req.requirePrincipal()), sources: try await sources([imp], req),
                                setAsideLines: setAside)
    }

    static func progress(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.visibleImport(req)
        struct P: Content { var status: String; var progress: Int }
        let res = Response()
        try res.content.encode(P(status: imp.status, progress: imp.progress))
        return res
    }

    static func cancel(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.cancel(req)
        return Flash.redirect(req, to: ImportsURL.show(.id(imp.id!)), "flash.import.cancelled")
    }

    static func rerun(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.rerun(req)
        return Flash.redirect(req, to: ImportsURL.show(.id(imp.id!)), "flash.import.rerun")
    }

    // MARK: review queue

    static func rows(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.visibleImport(req)
        let state = req.queryValue("state").flatMap(MatchState.init(rawValue:)) ?? .review
        let paging = try Paging(req, defaultPer: reviewPer)
        let (rows, total) = try await ImportsController.rows(imp.id!, state: state, paging: paging, db: req.db)
        // Registry records shown beside the agency's, only those in this officer's scope; the read is audited.
        let ids = rows.compactMap(\.foreignerID)
        let visible = ids.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ ids).all()
        let sponsorIDs = rows.compactMap(\.sponsorID)
        let sponsors = sponsorIDs.isEmpty ? [] : try await ScopePolicy.sponsors(req).filter(\.$id ~~ sponsorIDs).all()
        if !visible.isEmpty {
            try await req.audited { _ in ((), [AuditEntry(action: "import.review", objectType: "agency_import", objectID: imp.id!.uuidString, purpose: "verification",
                                                         detail: "state=\(state.rawValue) page=\(paging.page) foreigners=\(visible.count)")]) }
        }
        let deciderIDs = Array(Set(rows.compactMap(\.decidedBy)))
        let deciders = deciderIDs.isEmpty ? [] : try await User.query(on: req.db).filter(\.$id ~~ deciderIDs).all()
        var model = ImportViews.RowsModel(imp: imp, state: state, rows: rows, paging: paging, total: total,
                                          foreigners: Dictionary(uniqueKeysWithValues: visible.map { ($0.id!, $0) }),
                                          sponsors: Dictionary(uniqueKeysWithValues: sponsors.map { ($0.id!, $0) }),
                                          deciders: Dictionary(uniqueKeysWithValues: deciders.map { ($0.id!, $0.displayName) }),
                                          counts: try await tabCounts(imp, req))
        model.employers = try await employers(visible, req)
        model.addresses = try await addresses(visible, req)
        model.scopeNames = try await scopeNames(imp, req)
        // The rows that rows shown were linked through, and the rows linked through rows shown: each card names the
        // other and links to its card (`line`).
        let viaLines = Array(Set(rows.compactMap(\.linkedVia)))
        let via = viaLines.isEmpty ? [] : try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == imp.id!).filter(\.$line ~~ viaLines).all()
        let through = rows.isEmpty ? [] : try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == imp.id!)
            .filter(\.$linkedVia ~~ rows.map { Optional($0.line) }).sort(\.$line).all()
        model.via = Dictionary(via.map { ($0.line, $0) }, uniquingKeysWith: { a, _ in a })
        model.linkedThrough = Dictionary(grouping: through) { $0.linkedVia ?? 0 }
        // Other lines of the list standing matched to a person shown, where neither was linked through the other (two
        // lines given one person by hand, or by hand and by the engine): each card names them.
        let people = try await PersonLines.load(imp.id!, people: visible.compactMap(\.id), db: req.db)
        for r in rows where r.effectiveState != .unmatched {
            if let f = r.foreignerID, case let others = people.others(of: f, apartFrom: r), !others.isEmpty { model.samePerson[r.line] = others.map(\.line) }
        }
        return ImportViews.rows(req, model)
    }

    /// The lines of an import standing matched to some people, told apart by listing: rows linked through one another
    /// (`linkedVia`, at any remove: a copy of a row that was itself linked through another) are one listing of a person,
    /// each a "chain" named by its first line. Two chains given one person (by hand, or by hand and by the engine) are
    /// what a card and the search page say (`others`).
    struct PersonLines {
        /// The import's rows matched to the people, in any state (a row turned down still carries its chain).
        var rows: [ImportRow]
        var via: [Int: Int]

        static func load(_ importID: UUID, people: [UUID], db: any Database) async throws -> PersonLines {
            let rows = people.isEmpty ? [] : try await ImportRow.query(on: db).filter(\.$agencyImport.$id == importID)
                .filter(\.$foreignerID ~~ Array(Set(people)).map(Optional.some)).sort(\.$line).range(0..<2000).all()
            return PersonLines(rows: rows, via: Dictionary(rows.compactMap { r in r.linkedVia.map { (r.line, $0) } }, uniquingKeysWith: { a, _ in a }))
        }

        /// The first line of the chain `r` belongs to (a line outside these rows ends it: all its rows pass through it).
        func chain(_ r: ImportRow) -> Int {
            var line = r.line, next = r.linkedVia, steps = 0
            while let v = next, steps < 100 { line = v; next = via[v]; steps += 1 }
            return line
        }

        /// Rows other than `r`'s chain standing matched to `person` or proposed for them (not turned down).
        func others(of person: UUID, apartFrom r: ImportRow) -> [ImportRow] {
            let own = chain(r)
            return rows.filter { $0.foreignerID == person && $0.line != r.line && $0.effectiveState != .unmatched && chain($0) != own }
        }
    }

    /// Cards a page of the review queue shows by default.
    static let reviewPer = 20

    /// A row's card by its line: the tab (its state) and the page of it (lines in order, `per` a page) that hold it.
    /// The cards of rows matched through one another link here, so that showing them counts nothing.
    static func line(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.visibleImport(req)
        guard let line = req.parameters.get("line", as: Int.self),
              let row = try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == imp.id!).filter(\.$line == line).first() else { throw Abort(.notFound) }
        let per = try Paging(req, defaultPer: reviewPer).per
        let state = row.effectiveState
        let before = try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == imp.id!)
            .filter(.sql(SQLQueryString("\(ImportRow.effectiveStateSQL) = \(bind: state.rawValue)"))).filter(\.$line < line).count()
        var query = ["state": state.rawValue, "page": String(before / per + 1)]
        if per != reviewPer { query["per"] = String(per) }
        return req.redirect(to: ImportsURL.rows(.id(imp.id!)).with(query) + "#row-\(line)")
    }

    /// The registry's employer of each foreigner shown (the sponsor on the record), beside the list's: working for another
    /// company than the permit's is what a check looks for.
    static func employers(_ people: [Foreigner], _ req: Request) async throws -> [UUID: String] {
        let ids = Array(Set(people.compactMap(\.sponsorID)))
        guard !ids.isEmpty else { return [:] }
        let names = Dictionary(try await Sponsor.query(on: req.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(people.compactMap { f in f.sponsorID.flatMap { names[$0] }.map { (f.id!, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The regions of the registry an import was matched within, by name (an agency's regency, an office's regencies).
    static func scopeNames(_ imp: AgencyImport, _ req: Request) async throws -> [RegionsController.Named] {
        let codes: [String]
        switch imp.regionFilter {
        case .regionPrefix(let p): codes = [p]
        case .regencies(let list): codes = list
        default: codes = []
        }
        let names = try await RegionsController.named(codes, db: req.db)
        return codes.map { names[$0] ?? .init(name: $0, above: []) }
    }

    /// The registry's current address of each foreigner shown: its line and village by name.
    static func addresses(_ people: [Foreigner], _ req: Request) async throws -> [UUID: String] {
        let ids = people.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let current = try await Address.query(on: req.db).filter(\.$foreigner.$id ~~ ids).filter(\.$isCurrent == true).all()
        let places = try await RegionsController.describe(Array(Set(current.map(\.villageCode))), db: req.db)
        return Dictionary(current.map { a in (a.$foreigner.id, [a.line, places[a.villageCode]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")) },
                          uniquingKeysWith: { a, _ in a })
    }

    static func tabCounts(_ imp: AgencyImport, _ req: Request) async throws -> [MatchState: Int] {
        let c = try await Reconciler.counts(imp.id!, db: req.db)
        return [.matched: c.matched, .review: c.review, .unmatched: c.unmatched]
    }

    /// Where in the review a reviewer was (the `back` a form carries): a page of the import's rows, its tab, and its page
    /// size where it is not the default, which a reviewer sent to another row's card keeps. Anything else is the review's
    /// first page (a forged `back` leads nowhere else).
    struct ReviewPlace {
        var path: String
        var state: MatchState
        var per: [String: String]

        init(_ back: String?, importID: UUID) {
            let rowsPath = ImportsURL.rows(.id(importID)).path
            path = back.flatMap { $0.hasPrefix(rowsPath) && !$0.contains("#") ? $0 : nil } ?? rowsPath
            let items = URLComponents(string: path)?.queryItems ?? []
            state = items.first { $0.name == "state" }?.value.flatMap(MatchState.init(rawValue:)) ?? .review
            per = items.first { $0.name == "per" }?.value.flatMap(Int.init).map { ["per": String($0)] } ?? [:]
        }
    }

    /// `foreignerId`: the registry person an officer links the row to by hand (`ImportLinkPage`).
    /// `was`: the row's decision as the page showed it (`ImportRow.decisionStamp`): a decision made since by someone else,
    /// or another person chosen, is not overwritten.
    struct DecisionForm: Content { var decision: String; var back: String?; var next: Int?; var foreignerId: UUID?; var was: String? }

    static func decide(_ req: Request) async throws -> Response {
        guard let importID = req.parameters.get("id", as: UUID.self), let rowID = req.parameters.get("row", as: UUID.self) else { throw Abort(.notFound) }
        let form = try req.content.decode(DecisionForm.self)
        // Decided by someone else since the page was shown: said, not overwritten (of an import the officer may see).
        if let was = form.was, try await ImportsController.visibleImport(req).id == importID,
           let current = try await ImportRow.query(on: req.db).filter(\.$id == rowID).filter(\.$agencyImport.$id == importID).first(),
           was != current.decisionStamp,
           // The same decision sent twice (a second tap, Back and send again) is no conflict: it is what stands.
           current.decisionStamp != (form.decision == "undo" ? "none" : form.decision == MatchDecision.accepted.rawValue
                                       ? "accepted:" + ((form.foreignerId ?? current.foreignerID)?.uuidString ?? "") : form.decision) {
            // The error page leads to that row's card, where the decision made is shown (keeping the page size).
            let line = String(current.line)
            let card = ImportsURL.line(.id(importID), .value(line)).with(ReviewPlace(form.back, importID: importID).per)
            // Who decided, as the card says it (a colleague's name is shown to office staff on every card); undone
            // meanwhile, that it was undone.
            let who = current.decidedBy == nil ? nil : try await User.find(current.decidedBy, on: req.db)?.displayName
            let message = current.decision == nil ? L10n.format("err.undoneMeanwhile", req.language, [line])
                : who.map { L10n.format("err.decidedMeanwhileBy", req.language, [line, L10n.literal($0)]) }
                ?? AppError.conflict("err.decidedMeanwhile", line).message(req.language)
            return Views.errorPage(req, status: .conflict, message: message, next: (card, L10n.format("imp.seeLine", req.language, [line])),
                                   title: L10n.t("err.decisionNotSaved", req.language))
        }
        let (row, copies) = try await ImportsController.decide(req, importID: importID, rowID: rowID, decision: form.decision, foreignerID: form.foreignerId)
        let place = ReviewPlace(form.back, importID: importID)
        let (back, list, per) = (place.path, place.state, place.per)
        // Back where the reviewer was, not at the top of the list: at the row decided, with its decision shown, when it
        // is still in the list; else at the card after it.
        let anchor = row.effectiveState == list ? "#row-\(row.line)" : form.next.map { "#row-\($0)" } ?? ""
        // Turned down, a row other rows were matched through leaves them to be decided: the reviewer is taken to the
        // first of them still undecided, and told how many there are.
        // So does one given another person by hand (its rows are held for review too).
        let heldBy = row.decision == MatchDecision.rejected.rawValue
            || (row.decision == MatchDecision.accepted.rawValue && row.engineForeignerID != nil && row.foreignerID != row.engineForeignerID)
        if heldBy {
            let linked = try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == importID).filter(\.$linkedVia == row.line)
                .filter(\.$decision == nil).sort(\.$line).all()
            if let first = linked.first {
                let rejected = row.decision == MatchDecision.rejected.rawValue
                return Flash.redirect(req, to: ImportsURL.line(.id(importID), .value(String(first.line))).with(per),
                                      "flash.import.\(rejected ? "rejected" : "linked")Linked\(linked.count == 1 ? "" : "Many")",
                                      String(row.line), String(first.line), String(linked.count))
            }
        }
        // Linked by hand from the search page: back in the queue at the card after it, as with accepting, saying so.
        // The last card of its tab (no card after it), decided out of it: on to the row's own card, in the tab it moved to,
        // with its undo, not to an empty page.
        let leftLast = form.next == nil && row.effectiveState != list
        if form.foreignerId != nil {
            let key = copies.isEmpty ? "flash.import.linked" : "flash.import.linkedCopies"
            return Flash.redirect(req, to: leftLast ? ImportsURL.line(.id(importID), .value(String(row.line))).with(per) : back + anchor, key, String(row.line), String(copies.count))
        }
        // Undone, the row goes back to the engine's verdict, most often another tab: the reviewer follows it there (the
        // tab left behind may now be empty).
        // Its copies decided with it: said, with how many.
        let key = "flash.import.\(row.decision ?? "undo")" + (copies.isEmpty ? "" : "Copies")
        if (row.decision == nil || leftLast) && row.effectiveState != list {
            return Flash.redirect(req, to: ImportsURL.line(.id(importID), .value(String(row.line))).with(per), key, String(row.line), String(copies.count))
        }
        return Flash.redirect(req, to: back + anchor, key, String(row.line), String(copies.count))
    }
}
