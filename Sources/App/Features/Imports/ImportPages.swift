import Fluent
import Foundation
import Matching
import Vapor

/// The web side of imports: upload (with an upload progress bar), preview with column mapping and
/// every invalid row, import, reconciliation progress, and the officers' review queue.
enum ImportPages {
    static func register(_ web: any RoutesBuilder) {
        let r = web.grouped(RequireRole(.agency, .officer, .supervisor))
        r.get("imports", use: list)
        r.get("imports", "new", use: newForm)
        r.on(.POST, "imports", "upload", body: .collect(maxSize: "1gb"), use: upload).userInfo["maxBody"] = Int.max
        r.get("imports", "preview", ":token", use: preview)
        r.post("imports", "confirm", use: confirm)
        r.get("imports", ":id", use: show)
        r.get("imports", ":id", "progress", use: progress)
        r.post("imports", ":id", "cancel", use: cancel)
        r.post("imports", ":id", "rerun", use: rerun)
        let o = web.grouped(RequireRole(.officer, .supervisor))
        o.get("imports", ":id", "rows", use: rows)
        o.post("imports", ":id", "rows", ":row", "decision", use: decide)
    }

    static func kindOptions(_ lang: Language, selected: String?) -> HTML {
        Views.options(ImportKind.allCases.map { ($0.rawValue, L10n.t("imp.kind.\($0.rawValue)", lang)) }, selected: selected)
    }

    static func statusLabel(_ s: String, _ lang: Language) -> String { L10n.t("imp.status.\(s)", lang) }

    static func list(_ req: Request) async throws -> Response {
        let lang = req.language
        let imports = try await ImportsController.visibleImports(req)
        var rows: [HTML] = []
        for imp in imports.prefix(100) {
            let d = try await ImportsController.dto(imp, db: req.db)
            rows.append("""
            <tr><td><a href="/imports/\(imp.id!.uuidString)">\(imp.fileName)</a></td><td>\(L10n.t("imp.kind.\(imp.kind)", lang))</td>
            <td>\(imp.createdAt.formatted(.iso8601.year().month().day()))</td><td>\(imp.rowCount)</td><td>\(statusLabel(imp.status, lang))</td>
            <td>\(d.matched.map(String.init) ?? "–")</td><td>\(d.review.map(String.init) ?? "–")</td><td>\(d.unmatched.map(String.init) ?? "–")</td></tr>
            """)
        }
        return Views.page(req, title: L10n.t("imp.title", lang), body: """
        <h1>\(L10n.t("imp.title", lang))</h1>
        <p><a class="button" href="/imports/new" id="new-import">\(L10n.t("imp.new", lang))</a></p>
        \(rows.isEmpty ? "<p class=\"card muted\">\(L10n.t("imp.none", lang))</p>" as HTML : """
        <table class="responsive" id="import-list"><thead><tr><th>\(L10n.t("imp.file", lang))</th><th>\(L10n.t("imp.kind", lang))</th><th>\(L10n.t("imp.created", lang))</th>
        <th>\(L10n.t("imp.rows", lang))</th><th>\(L10n.t("imp.status", lang))</th><th>\(L10n.t("imp.matched", lang))</th><th>\(L10n.t("imp.review", lang))</th><th>\(L10n.t("imp.unmatchedLabel", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
        """)
    }

    static func newForm(_ req: Request) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        var agencyField: HTML = ""
        if p.role != .agency {
            let agencies = try await Agency.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
                .filter { a in p.jurisdiction.contains { RegionCode.overlaps($0, a.regionCode) } }
            agencyField = """
            <label for="agency">\(L10n.t("imp.agency", lang))</label>
            <select id="agency" name="agency"><option value="">—</option>\(Views.options(agencies.map { ($0.id!.uuidString, $0.name) }, selected: nil))</select>
            """
        }
        return Views.page(req, title: L10n.t("imp.new", lang), body: """
        <section class="card narrow wide-form">
          <h1>\(L10n.t("imp.new", lang))</h1>
          <p class="muted">\(L10n.t("imp.intro", lang))</p>
          <p class="alert" role="alert" id="upload-error" hidden></p>
          <form method="post" action="/imports/upload" enctype="multipart/form-data" id="upload-form">
            <input type="hidden" name="_csrf" value="\(req.csrfToken)">
            <label for="kind">\(L10n.t("imp.kind", lang))</label>
            <select id="kind" name="kind">\(kindOptions(lang, selected: nil))</select>
            \(agencyField)
            <label for="file">\(L10n.t("imp.file", lang))</label>
            <input id="file" name="file" type="file" accept=".csv,text/csv" required>
            <p><button type="submit">\(L10n.t("imp.upload", lang))</button></p>
            <div id="upload-status" hidden><progress id="upload-progress" max="100" value="0"></progress> <span id="upload-percent">\(L10n.t("imp.uploading", lang))</span></div>
          </form>
        </section>
        <script src="/static/imports.js"></script>
        """)
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
        let lang = req.language
        guard req.headers.contentType?.type == "multipart", let form = try? req.content.decode(ImportsController.UploadForm.self) else {
            throw ValidationFailure("v.fileMissing", field: "file")
        }
        let kind = try ImportsController.kind(form.kind)
        guard let file = form.file, file.data.readableBytes > 0 else {
            throw ValidationFailure("v.fileEmpty", field: "file")
        }
        guard file.data.readableBytes <= req.application.config.maxUploadSize else {
            throw ValidationFailure("v.fileTooLarge", field: "file", String(req.application.config.maxUploadSize / 1_048_576))
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
        return req.redirect(to: "/imports/preview/\(token)", redirectType: .normal)
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
            if let v = req.query[String.self, at: "map.\(f.key)"] { overrides["map.\(f.key)"] = v }
        }
        return try await renderPreview(req, token: token, overrides: overrides, error: nil)
    }

    static func renderPreview(_ req: Request, token: String, overrides: [String: String], error: String?) async throws -> Response {
        let lang = req.language
        guard let (meta, path) = try staged(req, token: token), let kind = ImportKind(rawValue: meta.kind) else {
            return Views.page(req, title: L10n.t("imp.preview", lang), body: "<section class=\"card narrow\"><p class=\"alert\">\(L10n.t("imp.expired", lang))</p><p><a href=\"/imports/new\">\(L10n.t("imp.new", lang))</a></p></section>", status: .notFound)
        }
        let owner = try await ImportService.owner(try req.requirePrincipal(), onBehalfOf: meta.agencyID, db: req.db)
        var saved = mappingOverrides(overrides, kind: kind) ?? [:]
        if mappingOverrides(overrides, kind: kind) == nil { saved = try await ImportService.savedMapping(owner.key, kind, db: req.db) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let encoding = ImportParser.detectEncoding(data)
        let today = req.application.today
        let mapping = saved
        let parsed: ImportParser.Parsed
        do {
            parsed = try await req.application.threadPool.runIfActive { try ImportParser.parse(path: path, kind: kind, saved: mapping, encoding: encoding, today: today, previewRows: 10) }
        } catch let e as ImportRejected {
            return Views.page(req, title: L10n.t("imp.preview", lang), body: """
            <section class="card narrow"><h1>\(L10n.t("imp.preview", lang)) · \(meta.fileName)</h1>
            <p class="alert" role="alert" id="import-error">\(e.message(lang))</p><p><a href="/imports/new">\(L10n.t("imp.new", lang))</a></p></section>
            """, status: .unprocessableEntity)
        }
        let fields = ImportParser.fields(kind)
        let headerOptions: [(String, String)] = [("", L10n.t("imp.unmapped", lang))] + parsed.header.map { ($0, $0) }
        let mappingRows: HTML = fields.html { f in
            let current = parsed.mapping[f.key].map { parsed.header[$0] } ?? ""
            return "<tr><td><label for=\"map-\(f.key)\">\(f.key)</label></td><td><select id=\"map-\(f.key)\" name=\"map.\(f.key)\">\(Views.options(headerOptions, selected: current))</select></td></tr>"
        }
        let mappedKeys = fields.map(\.key).filter { parsed.mapping[$0] != nil }
        let sample: HTML = parsed.records.html { r in
            let values: [String: String?] = ["name": r.name, "family_name": nil, "given_names": nil, "date_of_birth": r.dateOfBirth, "passport_number": r.passportNumber,
                                             "nationality": r.nationality, "sex": r.sex, "employer": r.employer, "address": r.address, "npwp": r.npwp, "nib": r.nib]
            let cells: HTML = mappedKeys.filter { $0 != "family_name" && $0 != "given_names" }.html { "<td>\(values[$0] ?? nil)</td>" }
            return "<tr><td>\(r.line)</td><td>\(r.name)</td>\(cells)</tr>"
        }
        let sampleHead: HTML = mappedKeys.filter { $0 != "family_name" && $0 != "given_names" }.html { "<th>\($0)</th>" }
        let invalidRows: HTML = parsed.invalid.html { "<tr><td>\($0.line)</td><td>\($0.message(lang))</td></tr>" }
        let hiddenMapping: HTML = fields.html { f in "<input type=\"hidden\" name=\"map.\(f.key)\" value=\"\(parsed.mapping[f.key].map { parsed.header[$0] } ?? "")\">" }
        let total = parsed.rowCount
        let action: HTML = parsed.invalidCount == 0 ? """
            <p class="notice" id="import-valid">\(L10n.t("imp.invalidNone", lang))</p>
            <form method="post" action="/imports/confirm" id="confirm-form"><input type="hidden" name="_csrf" value="\(req.csrfToken)">
            <input type="hidden" name="token" value="\(token)">\(hiddenMapping)
            <button type="submit" id="confirm-import">\(L10n.f("imp.confirm", lang, total))</button></form>
            """ : """
            <p class="alert" role="alert" id="import-invalid">\(L10n.f("imp.invalidSome", lang, parsed.invalidCount))</p>
            <table id="invalid-rows"><thead><tr><th>\(L10n.t("imp.line", lang))</th><th>\(L10n.t("imp.reason", lang))</th></tr></thead><tbody>\(invalidRows)</tbody></table>
            <p><a href="/imports/new">\(L10n.t("imp.new", lang))</a></p>
            """
        let alert: HTML = error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" } ?? ""
        return Views.page(req, title: L10n.t("imp.preview", lang), body: """
        <h1>\(L10n.t("imp.preview", lang)) · \(meta.fileName)</h1>
        <p class="muted">\(L10n.t("imp.kind.\(kind.rawValue)", lang)) · \(parsed.encoding == .windows1252 ? "Windows-1252" : "UTF-8") · “\(String(parsed.delimiter))”</p>
        \(alert)
        <section class="card"><h2>\(L10n.t("imp.mapping", lang))</h2><p class="muted">\(L10n.t("imp.mappingHint", lang))</p>
        <form method="get" action="/imports/preview/\(token)" id="mapping-form"><table><thead><tr><th>\(L10n.t("imp.field", lang))</th><th>\(L10n.t("imp.column", lang))</th></tr></thead><tbody>\(mappingRows)</tbody></table>
        <p><button type="submit" class="secondary">\(L10n.t("imp.apply", lang))</button></p></form></section>
        <section class="card"><h2>\(L10n.t("imp.preview", lang))</h2>
        <table class="responsive" id="preview-rows"><thead><tr><th>\(L10n.t("imp.line", lang))</th><th>name</th>\(sampleHead)</tr></thead><tbody>\(sample)</tbody></table></section>
        <section class="card">\(action)</section>
        """, status: parsed.invalidCount == 0 ? .ok : .unprocessableEntity)
    }

    struct ConfirmInput: Content { var token: String }

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
                                                         mapping: mappingOverrides(values, kind: kind))
            if let paths = stagedPaths(input.token) { try? FileManager.default.removeItem(atPath: paths.csv); try? FileManager.default.removeItem(atPath: paths.meta) }
            switch outcome {
            case .created(let imp):
                await req.application.importJobs.start(imp.id!, app: req.application)
                return req.redirect(to: "/imports/\(imp.id!.uuidString)")
            case .existing(let imp):
                return req.redirect(to: "/imports/\(imp.id!.uuidString)?duplicate=1")
            }
        } catch let e as ImportRejected {
            return try await renderPreview(req, token: input.token, overrides: values, error: e.message(req.language))
        }
    }

    // MARK: an import

    static func show(_ req: Request) async throws -> Response {
        let lang = req.language
        let imp = try await ImportsController.visibleImport(req)
        let d = try await ImportsController.dto(imp, db: req.db)
        let p = try req.requirePrincipal()
        let id = imp.id!.uuidString
        let duplicate: HTML = req.query[String.self, at: "duplicate"] == "1" ? "<p class=\"notice\" id=\"import-duplicate\">\(L10n.t("imp.duplicate", lang))</p>" : ""
        var counts: HTML = ""
        if let m = d.matched, let r = d.review, let u = d.unmatched {
            func cell(_ key: String, _ n: Int, _ state: String) -> HTML {
                let label = L10n.t(key, lang)
                let link: HTML = p.role == .agency ? "\(label)" : "<a href=\"/imports/\(id)/rows?state=\(state)\">\(label)</a>"
                return "<div class=\"card stat-card\"><p class=\"stat\" id=\"count-\(state)\">\(n)</p><p>\(link)</p></div>"
            }
            counts = "<div class=\"grid\">\(cell("imp.matched", m, "matched"))\(cell("imp.review", r, "review"))\(cell("imp.unmatchedLabel", u, "unmatched"))</div>"
            if p.role == .agency { counts = "\(counts)<p class=\"muted\">\(L10n.t("imp.countsOnly", lang))</p>" }
        }
        let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
        var actions: HTML = ""
        switch imp.statusValue {
        case .reconciling:
            actions = """
            <p><progress id="reconcile-progress" max="100" value="\(imp.progress)" data-progress-url="/imports/\(id)/progress"></progress> <span id="reconcile-percent">\(imp.progress)%</span></p>
            <form method="post" action="/imports/\(id)/cancel">\(csrf)<button type="submit" class="secondary" id="cancel-import">\(L10n.t("imp.cancel", lang))</button></form>
            """
        case .reconciled, .failed:
            actions = "<form method=\"post\" action=\"/imports/\(id)/rerun\">\(csrf)<button type=\"submit\" class=\"secondary\" id=\"rerun-import\">\(L10n.t("imp.rerun", lang))</button></form>"
        case .cancelled:
            break
        }
        return Views.page(req, title: imp.fileName, body: """
        <h1>\(imp.fileName)</h1>
        \(duplicate)
        <dl class="facts"><dt>\(L10n.t("imp.kind", lang))</dt><dd>\(L10n.t("imp.kind.\(imp.kind)", lang))</dd>
        <dt>\(L10n.t("imp.rows", lang))</dt><dd id="import-rows">\(imp.rowCount)</dd>
        <dt>\(L10n.t("imp.status", lang))</dt><dd id="import-status" data-status="\(imp.status)">\(statusLabel(imp.status, lang))</dd>
        <dt>\(L10n.t("imp.created", lang))</dt><dd>\(imp.createdAt.formatted(.iso8601))</dd></dl>
        \(counts)
        \(actions)
        <p><a href="/imports">\(L10n.t("imp.title", lang))</a></p>
        <script src="/static/imports.js"></script>
        """)
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
        return req.redirect(to: "/imports/\(imp.id!.uuidString)")
    }

    static func rerun(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.rerun(req)
        return req.redirect(to: "/imports/\(imp.id!.uuidString)")
    }

    // MARK: review queue

    static func rows(_ req: Request) async throws -> Response {
        let lang = req.language
        let imp = try await ImportsController.visibleImport(req)
        let state = req.query[String.self, at: "state"].flatMap(MatchState.init(rawValue:)) ?? .review
        let paging = try Paging(req, defaultPer: 20)
        let (rows, total) = try await ImportsController.rows(imp.id!, state: state, paging: paging, db: req.db)
        let id = imp.id!.uuidString
        // Registry records shown beside the agency's, only those in this officer's scope; the read is audited.
        let ids = rows.compactMap(\.foreignerID)
        let visible = ids.isEmpty ? [] : try await ScopePolicy.foreigners(req).filter(\.$id ~~ ids).all()
        let byID = Dictionary(uniqueKeysWithValues: visible.map { ($0.id!, $0) })
        let sponsorIDs = rows.compactMap(\.sponsorID)
        let sponsors = sponsorIDs.isEmpty ? [] : try await ScopePolicy.sponsors(req).filter(\.$id ~~ sponsorIDs).all()
        let sponsorByID = Dictionary(uniqueKeysWithValues: sponsors.map { ($0.id!, $0) })
        if !visible.isEmpty {
            try await req.audited { _ in ((), [AuditEntry(action: "import.review", objectType: "agency_import", objectID: id, purpose: "verification",
                                                         detail: "state=\(state.rawValue) page=\(paging.page) foreigners=\(visible.count)")]) }
        }
        let csrf: HTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(req.csrfToken)\">"
        let back = "/imports/\(id)/rows?state=\(state.rawValue)&page=\(paging.page)"
        let cards: HTML = rows.html { r in
            let item = ImportsController.item(r)
            var registry: HTML = "<p class=\"muted\">\(L10n.t("imp.noCandidate", lang))</p>"
            if let f = r.foreignerID {
                if let x = byID[f] {
                    registry = """
                    <dl class="facts"><dt>name</dt><dd><a href="/foreigners/\(f.uuidString)">\(x.fullName)</a></dd><dt>date_of_birth</dt><dd>\(x.dateOfBirth)</dd>
                    <dt>passport_number</dt><dd>\(x.passportNumber)</dd><dt>nationality</dt><dd>\(x.nationality)</dd><dt>sex</dt><dd>\(x.sex)</dd></dl>
                    """
                } else {
                    registry = "<p class=\"muted\">\(L10n.t("imp.outOfScope", lang))</p>"
                }
            } else if let s = r.sponsorID {
                registry = sponsorByID[s].map { "<dl class=\"facts\"><dt>name</dt><dd><a href=\"/sponsors/\(s.uuidString)\">\($0.name)</a></dd><dt>npwp</dt><dd>\($0.npwp)</dd><dt>nib</dt><dd>\($0.nib)</dd><dt>address</dt><dd>\($0.address)</dd></dl>" as HTML }
                    ?? "<p class=\"muted\">\(L10n.t("imp.outOfScope", lang))</p>"
            }
            let a = item.agencyRow
            let agency: HTML = """
            <dl class="facts"><dt>name</dt><dd>\(a.name)</dd><dt>date_of_birth</dt><dd>\(a.dateOfBirth)</dd><dt>passport_number</dt><dd>\(a.passportNumber)</dd>
            <dt>nationality</dt><dd>\(a.nationality)</dd><dt>sex</dt><dd>\(a.sex)</dd><dt>employer</dt><dd>\(a.employer)</dd><dt>address</dt><dd>\(a.address)</dd>
            \(a.npwp == nil ? "" : "<dt>npwp</dt><dd>\(a.npwp)</dd>" as HTML)</dl>
            """
            let why: HTML = (item.explanation ?? []).html { c in
                let width = Int(min(100, abs(c.weight) * 5))
                return "<tr><td>\(c.field)</td><td>\(L10n.t(c.exact == true ? "imp.level.exact" : "imp.level.\(min(c.level, 1))", lang))</td><td>\(String(format: "%+.2f", c.weight))</td><td><span class=\"bar\"><span class=\"fill \(c.weight < 0 ? "neg" : "pos") w\(width / 10 * 10)\"></span></span></td></tr>"
            }
            let decision: HTML = r.decision.map { "<p class=\"notice\">\(L10n.t("imp.decided.\($0)", lang))</p>" } ?? ""
            func button(_ d: String, _ key: String) -> HTML {
                "<form method=\"post\" action=\"/imports/\(id)/rows/\(r.id!.uuidString)/decision\" class=\"inline\">\(csrf)<input type=\"hidden\" name=\"decision\" value=\"\(d)\"><input type=\"hidden\" name=\"back\" value=\"\(back)\"><button type=\"submit\" class=\"\(d == "accepted" ? "" : "secondary")\" data-decision=\"\(d)\">\(L10n.t(key, lang))</button></form>"
            }
            var buttons: HTML = r.decision == nil ? "\(r.foreignerID != nil || r.sponsorID != nil ? button("accepted", "imp.accept") : "")\(button("rejected", "imp.reject"))" : button("undo", "imp.undo")
            if imp.statusValue != .reconciled { buttons = "" }
            return """
            <article class="card review-item" id="row-\(r.line)">
              <h2>\(L10n.t("imp.line", lang)) \(r.line) · \(L10n.t("imp.probability", lang)): <span class="probability">\(r.probability.map { String(format: "%.3f", $0) } ?? "–")</span></h2>
              \(decision)
              <div class="grid two"><div><h3>\(L10n.t("imp.agencyRecord", lang))</h3>\(agency)</div><div><h3>\(L10n.t("imp.registryRecord", lang))</h3>\(registry)</div></div>
              \(why.raw.isEmpty ? "" : "<details open><summary>\(L10n.t("imp.why", lang))</summary><table class=\"why\"><tbody>\(why)</tbody></table></details>" as HTML)
              <p>\(buttons)</p>
            </article>
            """
        }
        let tabs: HTML = [MatchState.review, .matched, .unmatched].html { s in
            let key = s == .review ? "imp.review" : s == .matched ? "imp.matched" : "imp.unmatchedLabel"
            return "<a href=\"/imports/\(id)/rows?state=\(s.rawValue)\"\(s == state ? HTML(" aria-current=\"page\"") : "")>\(L10n.t(key, lang))</a>"
        }
        return Views.page(req, title: imp.fileName, body: """
        <h1><a href="/imports/\(id)">\(imp.fileName)</a></h1>
        <nav class="tabs">\(tabs)</nav>
        \(rows.isEmpty ? "<p class=\"card muted\">\(L10n.t("list.empty", lang))</p>" as HTML : cards)
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """)
    }

    struct DecisionForm: Content { var decision: String; var back: String? }

    static func decide(_ req: Request) async throws -> Response {
        guard let importID = req.parameters.get("id", as: UUID.self), let rowID = req.parameters.get("row", as: UUID.self) else { throw Abort(.notFound) }
        let form = try req.content.decode(DecisionForm.self)
        _ = try await ImportsController.decide(req, importID: importID, rowID: rowID, decision: form.decision, foreignerID: nil)
        let back = form.back.flatMap { $0.hasPrefix("/imports/\(importID.uuidString)/") ? $0 : nil } ?? "/imports/\(importID.uuidString)/rows"
        return req.redirect(to: back)
    }
}
