import Foundation
import Vapor

/// Pages of agency imports: the list, a new upload (with a template and the accepted columns), the preview
/// (column mapping, invalid rows, rows whose unreadable fields may be set aside), an import's progress and
/// counts, and the officers' review queue.
enum ImportViews {
    /// A field's name on the page; a company list's `name` is the company's.
    static func label(_ key: String, _ lang: Language, companies: Bool = false) -> String {
        L10n.t(companies && key == "name" ? "imp.col.companyName" : "imp.col.\(key)", lang)
    }

    static func help(_ key: String, _ lang: Language, companies: Bool) -> String {
        L10n.t(companies && key == "name" ? "imp.help.companyName" : "imp.help.\(key)", lang)
    }

    /// Who sent a list: its agency, or the office itself.
    static func source(_ imp: AgencyImport, _ sources: [UUID: String], _ lang: Language) -> String {
        imp.$agency.id.flatMap { sources[$0] } ?? L10n.t("imp.source.office", lang)
    }

    static func list(_ req: Request, _ items: [(AgencyImport, ImportsController.ImportDTO)], total: Int, paging: Paging, sources: [UUID: String]) -> Response {
        let lang = req.language
        let rows: HTML = items.html { imp, d in
            """
            <tr><td><a href="\(ImportsURL.show(.id(imp.id!)).path)">\(imp.fileName)</a></td><td>\(source(imp, sources, lang))</td><td>\(L10n.t("imp.kind.\(imp.kind)", lang))</td>
            <td>\(Views.time(imp.createdAt, req))</td><td>\(L10n.number(imp.rowCount, lang))</td><td>\(L10n.t("imp.status.\(imp.status)", lang))</td>
            <td>\(d.matched.map { L10n.number($0, lang) } ?? "–")</td><td>\(d.review.map { L10n.number($0, lang) } ?? "–")</td><td>\(d.unmatched.map { L10n.number($0, lang) } ?? "–")</td></tr>
            """
        }
        let table: HTML = items.isEmpty ? Views.emptyList(req, "imp.none", page: paging.page, per: paging.per, total: total) : """
        <table class="responsive" id="import-list"><thead><tr><th>\(L10n.t("imp.file", lang))</th><th>\(L10n.t("imp.source", lang))</th><th>\(L10n.t("imp.kind", lang))</th><th>\(L10n.t("imp.created", lang))</th>
        <th>\(L10n.t("imp.rows", lang))</th><th>\(L10n.t("imp.status", lang))</th><th>\(L10n.t("imp.matched", lang))</th><th>\(L10n.t("imp.review", lang))</th><th>\(L10n.t("imp.unmatchedLabel", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        \(Views.pagination(req, page: paging.page, per: paging.per, total: total))
        """
        return Views.page(req, title: L10n.t("imp.title", lang), body: """
        <h1>\(L10n.t("imp.title", lang))</h1>
        <p><a class="button" href="\(ImportsURL.new.path)" id="new-import">\(L10n.t("imp.new", lang))</a></p>
        \(table)
        """)
    }

    static func newForm(_ req: Request, agencies: [Agency]?, state: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let kinds = ImportKind.allCases.map { (value: $0.rawValue, label: L10n.t("imp.kind.\($0.rawValue)", lang)) }
        let agencyField: HTML = agencies.map { list in
            Form.field("agency", label: L10n.t("imp.agency", lang), state: state,
                       kind: .select([(value: "", label: "—")] + list.map { (value: $0.id!.uuidString, label: $0.name) }))
        } ?? ""
        let templates: HTML = ImportKind.allCases.html { k in
            "<li><a href=\"\(ImportsURL.template(.value(k.rawValue)).path)\" download>\(L10n.t("imp.kind.\(k.rawValue)", lang))</a></li>"
        }
        return Views.page(req, title: L10n.t("imp.new", lang), body: """
        <section class="card wide-form">
          <h1>\(L10n.t("imp.new", lang))</h1>
          <p class="muted">\(L10n.t("imp.intro", lang))</p>
          <p class="alert" role="alert" id="upload-error" hidden></p>
          \(Form.open(req, action: ImportsURL.upload.path, id: "upload-form", multipart: true, state: state,
                      attributes: "data-msg-failed=\"\(L10n.t("imp.uploadFailed", lang))\" data-msg-network=\"\(L10n.t("imp.uploadNetwork", lang))\" \(sizeAttributes(req))"))
            \(Form.field("kind", label: L10n.t("imp.kind", lang), state: state, kind: .select(kinds), required: true))
            \(agencyField)
            \(Form.field("file", label: L10n.t("imp.file", lang), state: state, kind: .file(accept: ".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"), required: true,
                       hint: L10n.format("imp.fileHint", lang, [ByteSize.text(req.application.config.maxUploadSize)])))
            \(Form.submit(L10n.t("imp.upload", lang)))
            <div id="upload-status" hidden><progress id="upload-progress" max="100" value="0" aria-label="\(L10n.t("imp.uploading", lang))"></progress> <span id="upload-percent">\(L10n.t("imp.uploading", lang))</span></div>
          </form>
        </section>
        <section class="card">
          <h2>\(L10n.t("imp.template", lang))</h2>
          <ul id="import-templates">\(templates)</ul>
          <h2>\(L10n.t("imp.columns", lang))</h2>
          \(columns(ImportParser.personFields, lang, id: "columns-persons", caption: L10n.t("imp.kind.foreign-workers", lang), companies: false))
          \(columns(ImportParser.companyFields, lang, id: "columns-companies", caption: L10n.t("imp.kind.companies", lang), companies: true))
        </section>
        <script src="/static/imports.js"></script>
        """, status: status)
    }

    /// The largest file accepted and the message for a larger one, so that the page says so before uploading it.
    static func sizeAttributes(_ req: Request) -> HTML {
        let limit = req.application.config.maxUploadSize
        let message = ValidationFailure("v.fileTooLarge", field: "file", ByteSize.text(limit)).message(req.language)
        return "data-max-bytes=\"\(limit)\" data-msg-too-large=\"\(message)\""
    }

    /// The accepted columns of a kind of list: meaning, and the headings recognised for it.
    static func columns(_ fields: [ImportField], _ lang: Language, id: String, caption: String, companies: Bool) -> HTML {
        let rows: HTML = fields.html { f in
            "<tr><td>\(label(f.key, lang, companies: companies))</td><td>\(help(f.key, lang, companies: companies))</td><td><span class=\"code\">\(f.aliases.joined(separator: ", "))</span></td></tr>"
        }
        return """
        <table id="\(id)"><caption>\(caption)</caption><thead><tr><th>\(L10n.t("imp.field", lang))</th><th>\(L10n.t("imp.columnMeaning", lang))</th><th>\(L10n.t("imp.columnHeader", lang))</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """
    }

    static func expired(_ req: Request) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("imp.preview", lang), body: """
        <section class="card narrow"><p class="alert" role="alert">\(L10n.t("imp.expired", lang))</p><p><a href="\(ImportsURL.new.path)">\(L10n.t("imp.new", lang))</a></p></section>
        """, status: .notFound)
    }

    static func previewRejected(_ req: Request, fileName: String, message: String) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("imp.preview", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("imp.preview", lang)) · \(fileName)</h1>
        <p class="alert" role="alert" id="import-error">\(message)</p><p><a href="\(ImportsURL.new.path)">\(L10n.t("imp.new", lang))</a></p></section>
        """, status: .unprocessableEntity)
    }

    /// A list whose name column was not recognised (headers in another language, `Nama WNA`): said, with the column
    /// mapping, so that the name column is chosen here instead of renamed in the file.
    static func previewUnmapped(_ req: Request, token: String, fileName: String, kind: ImportKind, header: [String], heading: (String) -> String,
                                message: String) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("imp.preview", lang), body: """
        <h1>\(L10n.t("imp.preview", lang)) · \(fileName)</h1>
        <p class="alert" role="alert" id="import-error">\(message)</p>
        \(mapping(req, token: token, kind: kind, header: header, hint: L10n.t("imp.chooseName", lang), heading: heading))
        <p><a href="\(ImportsURL.new.path)">\(L10n.t("imp.new", lang))</a></p>
        """, status: .unprocessableEntity)
    }

    /// The column mapping: per field, a choice among the file's headings (a birth date kept in three columns also as
    /// their parts together), applied by reading the preview again.
    static func mapping(_ req: Request, token: String, kind: ImportKind, header: [String], hint: String, heading: (String) -> String) -> HTML {
        let lang = req.language
        let headerOptions: [(String, String)] = [("", L10n.t("imp.unmapped", lang))] + header.map { ($0, $0) }
        // A birth date kept in three columns may be read from them together (year + month + day).
        let dateParts: [(String, String)] = kind.isCompanies ? [] : ImportParser.birthDateParts(header: header).map { parts in
            [(ImportParser.partsHeading(parts, header: header), parts.map { header[$0] }.joined(separator: " + "))]
        } ?? []
        let rows: HTML = ImportParser.fields(kind).html { f in
            let options = f.key == "date_of_birth" ? headerOptions + dateParts : headerOptions
            // What the field takes, as the upload page lists it, beside the choice it helps with.
            return "<tr><td><label for=\"map-\(f.key)\">\(label(f.key, lang, companies: kind.isCompanies))</label><p class=\"hint\" id=\"map-\(f.key)-hint\">\(help(f.key, lang, companies: kind.isCompanies))</p></td><td><select id=\"map-\(f.key)\" name=\"map.\(f.key)\" aria-describedby=\"map-\(f.key)-hint\">\(Views.options(options, selected: heading(f.key)))</select></td></tr>"
        }
        return """
        <section class="card"><h2>\(L10n.t("imp.mapping", lang))</h2><p class="muted">\(hint)</p>
        <form method="get" action="\(ImportsURL.preview(.value(token)).path)" id="mapping-form"><table><thead><tr><th>\(L10n.t("imp.field", lang))</th><th>\(L10n.t("imp.column", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        <p><button type="submit" class="secondary">\(L10n.t("imp.apply", lang))</button></p></form></section>
        """
    }

    struct PreviewModel {
        var token: String
        var fileName: String
        var kind: ImportKind
        var parsed: ImportParser.Parsed
        var error: String?
        /// The owner's latest reconciled list of this kind, which this one would replace in the discrepancy reports.
        var replaces: AgencyImport?
        /// The same file, imported before by the same owner.
        var importedBefore: AgencyImport?
        /// The agency the list is imported on behalf of, as chosen on the upload form (kept when the user goes back to it).
        var agencyID: UUID? = nil
    }

    static func preview(_ req: Request, _ m: PreviewModel) -> Response {
        let lang = req.language
        let parsed = m.parsed
        let fields = ImportParser.fields(m.kind)
        let shownKeys = fields.map(\.key).filter { !parsed.heading($0).isEmpty && $0 != "family_name" && $0 != "given_names" && $0 != "name" }
        let sample: HTML = parsed.records.html { r in
            let values: [String: String?] = ["date_of_birth": r.dateOfBirth.map { Views.day($0, req) }, "age": r.age.map(String.init), "passport_number": r.passportNumber, "nationality": r.nationality,
                                             "sex": r.sex.map { L10n.t("sex.\($0)", lang) }, "employer": r.employer, "address": r.address, "npwp": r.npwp, "nib": r.nib]
            let cells: HTML = shownKeys.html { key in
                let name = label(key, lang, companies: m.kind.isCompanies)
                if let raw = r.setAside[key] { return "<td data-label=\"\(name)\"><span class=\"badge expiring\">\(L10n.t("imp.setAsideField", lang))</span> \(raw)</td>" }
                if key == "age", let guess = r.ageGuess { return "<td data-label=\"\(name)\"><span class=\"muted\">\(L10n.format("imp.ageGuess", lang, [guess]))</span></td>" }
                // An empty cell says so, as the cards do.
                return "<td data-label=\"\(name)\">\(orDash(values[key] ?? nil))</td>"
            }
            return "<tr><td data-label=\"\(L10n.t("imp.line", lang))\">\(r.line)</td><td data-label=\"\(label("name", lang, companies: m.kind.isCompanies))\">\(r.name)</td>\(cells)</tr>"
        }
        let sampleHead: HTML = shownKeys.html { "<th>\(label($0, lang))</th>" }
        func lines(_ rows: [InvalidRow], id: String) -> HTML {
            let body: HTML = rows.html { row in "<tr><td>\(row.line)</td><td>\(row.messages(lang).html { "<span class=\"problem\">\($0)</span>" })</td></tr>" }
            return "<table id=\"\(id)\"><thead><tr><th>\(L10n.t("imp.line", lang))</th><th>\(L10n.t("imp.reason", lang))</th></tr></thead><tbody>\(body)</tbody></table>"
        }
        let hiddenMapping: HTML = fields.html { f in "<input type=\"hidden\" name=\"map.\(f.key)\" value=\"\(parsed.heading(f.key))\">" }
        func confirmForm(setAside: Bool) -> HTML {
            let label = setAside ? L10n.format("imp.confirmSetAside", lang, [String(parsed.rowCount)].map { "num:\($0)" })
                                 : L10n.format("imp.confirm", lang, ["num:\(parsed.rowCount)"])
            return """
            \(Form.open(req, action: ImportsURL.confirm.path, id: setAside ? "confirm-set-aside-form" : "confirm-form"))
            <input type="hidden" name="token" value="\(m.token)">\(hiddenMapping)\(setAside ? "<input type=\"hidden\" name=\"badFields\" value=\"setAside\">" as HTML : "")
            <button type="submit" id="\(setAside ? "confirm-set-aside" : "confirm-import")">\(label)</button></form>
            """
        }
        let action: HTML
        if parsed.invalidCount > 0 {
            let aside: HTML = parsed.setAsideCount > 0
                ? "<h3>\(L10n.t("imp.setAsideTitle", lang))</h3><p class=\"muted\" id=\"set-aside-later\">\(L10n.t("imp.setAsideLater", lang))</p>\(lines(parsed.setAside, id: "set-aside-rows"))" : ""
            action = """
            <p class="alert" role="alert" id="import-invalid">\(L10n.format("imp.fatalSome", lang, [String(parsed.invalidCount)]))</p>
            \(lines(parsed.invalid, id: "invalid-rows"))
            \(aside)
            <p><a href="\(ImportsURL.new.with(["kind": m.kind.rawValue, "agency": m.agencyID?.uuidString ?? ""]))">\(L10n.t("imp.new", lang))</a></p>
            """
        } else if parsed.setAsideCount > 0 {
            action = """
            <h2>\(L10n.t("imp.setAsideTitle", lang))</h2>
            <p class="notice" id="import-set-aside">\(L10n.format("imp.setAsideSome", lang, [String(parsed.setAsideCount)]))</p>
            \(lines(parsed.setAside, id: "set-aside-rows"))
            \(confirmForm(setAside: true))
            <p><a class="button secondary" href="\(ImportsURL.new.with(["kind": m.kind.rawValue, "agency": m.agencyID?.uuidString ?? ""]))" id="fix-first">\(L10n.t("imp.fixFirst", lang))</a></p>
            """
        } else {
            action = "<p class=\"notice\" id=\"import-valid\">\(L10n.t("imp.invalidNone", lang))</p>\(confirmForm(setAside: false))"
        }
        let alert: HTML = m.error.map { "<p class=\"alert\" role=\"alert\">\($0)</p>" } ?? ""
        // The verdict on the file stands at the top too, with a link down to its rows: on a phone the list of rows that
        // block the file was six screens below the column mapping, and the upload looked done or stalled.
        let seeBelow: HTML = "<a href=\"#import-outcome\">\(L10n.t("imp.seeBelow", lang))</a>"
        let outcome: HTML = parsed.invalidCount > 0
            ? "<p class=\"alert\" id=\"import-verdict\">\(L10n.format("imp.verdict.blocked", lang, [String(parsed.invalidCount)])) \(seeBelow)</p>"
            : parsed.setAsideCount > 0
            ? "<p class=\"notice\" id=\"import-verdict\">\(L10n.format("imp.verdict.setAside", lang, [String(parsed.setAsideCount)])) \(seeBelow)</p>"
            : "<p class=\"notice\" id=\"import-verdict\">\(L10n.t("imp.verdict.valid", lang)) \(seeBelow)</p>"
        // The same person listed twice: said, not refused (reconciled as one person with the first row).
        let twice = parsed.duplicates.prefix(10).map { L10n.format("imp.duplicateRow", lang, [String($0.line), String($0.of)]) }.joined(separator: "; ")
        let duplicates: HTML = parsed.duplicateCount == 0 ? "" : """
        <p class="notice" id="import-duplicate-rows">\(L10n.format(parsed.duplicateCount == 1 ? "imp.duplicateRowsOne" : "imp.duplicateRows", lang, ["num:\(parsed.duplicateCount)"])) \(twice)\(parsed.duplicateCount > 10 ? "; …" : "").</p>
        """
        return Views.page(req, title: L10n.t("imp.preview", lang), body: """
        <h1>\(L10n.t("imp.preview", lang)) · \(m.fileName)</h1>
        <p class="muted">\(L10n.t("imp.kind.\(m.kind.rawValue)", lang)) · \(L10n.t("imp.encoding", lang)): \(parsed.utf16 ? "UTF-16" : parsed.encoding == .windows1252 ? "Windows-1252" : "UTF-8") · \(L10n.t("imp.separator", lang)): \(parsed.delimiter == "\t" ? L10n.t("imp.separatorTab", lang) : "“\(parsed.delimiter)”")</p>
        \(alert)
        \(outcome)
        \(m.importedBefore.map { old in "<p class=\"notice\" id=\"import-before\">\(L10n.format("imp.importedBefore", lang, [Views.time(old.createdAt, req)])) <a href=\"\(ImportsURL.show(.id(old.id!)).path)\">\(L10n.t("imp.openEarlier", lang))</a></p>" as HTML } ?? "")
        \(m.replaces.map { old in "<p class=\"notice\" id=\"import-replaces\">\(L10n.format("imp.replaces", lang, [L10n.t("imp.kind.\(m.kind.rawValue)", lang), Views.time(old.createdAt, req), String(old.rowCount)]))</p>" as HTML } ?? "")
        \(mapping(req, token: m.token, kind: m.kind, header: parsed.header, hint: L10n.t("imp.mappingHint", lang), heading: parsed.heading))
        <section class="card"><h2>\(L10n.t("imp.preview", lang))</h2><p class="muted">\(L10n.t("imp.previewNote", lang))</p>
        <table class="responsive" id="preview-rows"><thead><tr><th>\(L10n.t("imp.line", lang))</th><th>\(label("name", lang, companies: m.kind.isCompanies))</th>\(sampleHead)</tr></thead><tbody>\(sample)</tbody></table></section>
        <section class="card" id="import-outcome" tabindex="-1">\(duplicates)\(action)</section>
        """, status: parsed.invalidCount == 0 ? .ok : .unprocessableEntity)
    }

    static func show(_ req: Request, _ imp: AgencyImport, _ d: ImportsController.ImportDTO, agencyMember: Bool, sources: [UUID: String],
                     setAsideLines: [Int]) -> Response {
        let lang = req.language
        let id = imp.id!
        let duplicate: HTML = req.queryValue("duplicate") == "1" ? "<p class=\"notice\" id=\"import-duplicate\">\(L10n.t("imp.duplicate", lang))</p>" : ""
        // Back from waiting on the matching (`imports.js`): said, with its outcome below.
        let finished: HTML = req.queryValue("finished") == "1" && imp.statusValue != .reconciling
            ? "<p class=\"notice\" role=\"status\" id=\"import-finished\">\(L10n.t(imp.statusValue == .reconciled ? "imp.finished" : "imp.finishedNot", lang))</p>" : ""
        var counts: HTML = ""
        if let m = d.matched, let r = d.review, let u = d.unmatched {
            func cell(_ key: String, _ n: Int, _ state: MatchState) -> HTML {
                let label = L10n.t(key, lang)
                let link: HTML = agencyMember ? "\(label)" : "<a href=\"\(ImportsURL.rows(.id(id)).with(["state": state.rawValue]))\">\(label)</a>"
                return "<div class=\"card stat-card\"><p class=\"stat\" id=\"count-\(state.rawValue)\">\(L10n.number(n, lang))</p><p>\(link)</p></div>"
            }
            counts = "<div class=\"grid\">\(cell("imp.matched", m, .matched))\(cell("imp.review", r, .review))\(cell("imp.unmatchedLabel", u, .unmatched))</div>"
            if agencyMember { counts = "\(counts)<p class=\"muted\">\(L10n.t("imp.countsOnly", lang))</p>" }
        }
        var actions: HTML = ""
        switch imp.statusValue {
        case .reconciling:
            actions = """
            <p><progress id="reconcile-progress" max="100" value="\(imp.progress)" data-progress-url="\(ImportsURL.progress(.id(id)).path)" aria-label="\(L10n.t("imp.status.reconciling", lang))"></progress> <span id="reconcile-percent">\(imp.progress)%</span></p>
            \(imp.finishedAt != nil ? "<p class=\"muted\" id=\"rerun-note\">\(L10n.t("imp.rerunRunning", lang))</p>" as HTML
                : "\(Form.open(req, action: ImportsURL.cancel(.id(id)).path, id: "cancel-form"))<button type=\"submit\" class=\"secondary\" id=\"cancel-import\" data-confirm=\"\(L10n.t("imp.cancelConfirm", lang))\">\(L10n.t("imp.cancel", lang))</button></form>")
            """
        case .reconciled, .failed:
            actions = "\(Form.open(req, action: ImportsURL.rerun(.id(id)).path, id: "rerun-form"))<button type=\"submit\" class=\"secondary\" id=\"rerun-import\">\(L10n.t("imp.rerun", lang))</button></form>"
        case .cancelled:
            break
        }
        // Which rows, so that the agency can correct its own source data (line numbers of its file, no personal data).
        let asideLines = setAsideLines.prefix(50).map(String.init).joined(separator: ", ") + (setAsideLines.count > 50 ? ", …" : "")
        let setAside: HTML = imp.setAsideRows > 0
            ? "<dt>\(L10n.t("imp.setAsideRows", lang))</dt><dd id=\"import-set-aside\">\(L10n.number(imp.setAsideRows, lang))\(setAsideLines.isEmpty ? "" : " (\(L10n.t("imp.line", lang).lowercased()) \(asideLines))")</dd>" : ""
        return Views.page(req, title: imp.fileName, body: """
        <h1>\(imp.fileName)</h1>
        \(duplicate)\(finished)
        <dl class="facts"><dt>\(L10n.t("imp.source", lang))</dt><dd id="import-source">\(source(imp, sources, lang))</dd><dt>\(L10n.t("imp.kind", lang))</dt><dd>\(L10n.t("imp.kind.\(imp.kind)", lang))</dd>
        <dt>\(L10n.t("imp.rows", lang))</dt><dd id="import-rows">\(L10n.number(imp.rowCount, lang))</dd>
        \(setAside)
        <dt>\(L10n.t("imp.status", lang))</dt><dd id="import-status" data-status="\(imp.status)">\(L10n.t("imp.status.\(imp.status)", lang))</dd>
        <dt>\(L10n.t("imp.created", lang))</dt><dd>\(Views.time(imp.createdAt, req))</dd></dl>
        \(counts)
        \(actions)
        <p><a href="\(ImportsURL.list.path)">\(L10n.t("imp.title", lang))</a></p>
        <script src="/static/imports.js"></script>
        """)
    }

    struct RowsModel {
        var imp: AgencyImport
        var state: MatchState
        var rows: [ImportRow]
        var paging: Paging
        var total: Int
        var foreigners: [UUID: Foreigner]
        var sponsors: [UUID: Sponsor]
        /// Who decided each decided row (display names).
        var deciders: [UUID: String] = [:]
        /// Rows per state, for the tabs.
        var counts: [MatchState: Int] = [:]
        /// The registry's employer (the record's sponsor) and current address of each foreigner shown.
        var employers: [UUID: String] = [:]
        var addresses: [UUID: String] = [:]
        /// The regions whose registry the list was matched against, by name: "not found" means not found there.
        var scopeNames: [RegionsController.Named] = []
        /// The rows other rows shown were linked through (`ImportRow.linkedVia`), by line.
        var via: [Int: ImportRow] = [:]
        /// The rows linked through each row shown, by the shown row's line.
        var linkedThrough: [Int: [ImportRow]] = [:]
        /// Other lines of the list matched to the same person as each row shown, not through one another (`ImportPages.rows`).
        var samePerson: [Int: [Int]] = [:]
    }

    /// The list's record and the registry's side by side, one line per field (on a phone too: the eye compares across a
    /// line, not between two stacked lists), with how the engine compared each field: same, similar, different, missing or
    /// set aside. A field that differs or is similar is marked in words as well as in colour. Fields only one side holds
    /// (the list's employer, the registry's address of a person) stand on their own line with "–" opposite.
    static func comparison(_ listed: [(String, String?)], _ registry: [String: HTML], _ parts: [Reconciler.Contribution], setAside: [String: String],
                           names: Set<String>, _ lang: Language, companies: Bool = false) -> HTML {
        func compared(_ key: String) -> String? {
            let fields: Set<String> = key == "name" ? names : [key]
            let cs = parts.filter { fields.contains($0.field) }
            if cs.isEmpty { return nil }
            let present = cs.filter { $0.level >= 0 }
            if present.isEmpty { return fields.contains(where: { setAside[$0] != nil }) ? "setAside" : "-1" }
            if present.contains(where: { $0.level == 0 }) { return "0" }
            return present.allSatisfy { $0.exact == true } ? "exact" : "1"
        }
        var keys = listed.filter { $0.1 != nil || registry[$0.0] != nil }.map(\.0)
        keys += registry.keys.filter { !keys.contains($0) }.sorted()
        let values = Dictionary(listed.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let lines: HTML = keys.html { k in
            let level = compared(k)
            let agency: HTML = (values[k] ?? nil).map { "\($0)" } ?? "–"
            return "<tr class=\"\(level.map { "is-\($0)" } ?? "")\"><th scope=\"row\">\(label(k, lang, companies: companies))\(mark(level, lang))</th><td>\(agency)</td><td>\(registry[k] ?? "–")</td></tr>"
        }
        return """
        <table class="compare"><thead><tr><th scope="col">\(L10n.t("imp.field", lang))</th><th scope="col">\(L10n.t("imp.agencyRecord", lang))</th><th scope="col">\(L10n.t("imp.registryRecord", lang))</th></tr></thead><tbody>\(lines)</tbody></table>
        """
    }

    /// Regions by name with the names above them (`RegionsController.named`), those under the same names with those
    /// names once: "Kabupaten Sidoarjo, Kabupaten Mojokerto dan Kota Surabaya, Jawa Timur".
    static func regions(_ places: [RegionsController.Named], _ lang: Language) -> String {
        var provinces: [String] = [], within: [String: [String]] = [:]
        for place in places {
            // The regions above, nearest first, as one place name ("Kabupaten Mojokerto, Jawa Timur" above a district).
            let above = place.above.prefix(2).joined(separator: ", ")
            if within[above] == nil { provinces.append(above) }
            within[above, default: []].append(place.name)
        }
        let and = lang == .en ? " and " : " dan "
        return provinces.map { p in
            let names = within[p]!
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + and + names.last!
            return p.isEmpty ? list : "\(list), \(p)"
        }.joined(separator: "; ")
    }

    /// `marks`: how each field compared (`level`), said beside its name.
    static func facts(_ pairs: [(String, String?)], _ lang: Language, marks: [String: String] = [:]) -> HTML {
        "<dl class=\"facts\">\(pairs.html { "<dt>\(label($0.0, lang))\(mark(marks[$0.0], lang))</dt><dd>\(orDash($0.1))</dd>" })</dl>"
    }

    /// How a field compared, in words as well as colour: same, similar, different, missing or set aside (`comparison`);
    /// a space before it, so that it is not read run into the field's name.
    static func mark(_ level: String?, _ lang: Language) -> HTML {
        level.map { " <span class=\"cmp cmp-\($0)\">\(L10n.t("imp.level.\($0)", lang))</span>" } ?? ""
    }

    /// A comparison's level as `mark` says it.
    static func level(_ c: Reconciler.Contribution) -> String {
        c.level < 0 ? "-1" : c.exact == true ? "exact" : String(min(c.level, 1))
    }

    /// A value as pages show it, or "–" where there is none.
    static func orDash(_ value: String?) -> String { value.flatMap { $0.isEmpty ? nil : $0 } ?? "–" }

    /// A weight as the review card writes it: its sign (a minus sign, not a hyphen) and two decimals, with a decimal
    /// comma on Indonesian pages (+8,34) and a point on English ones.
    static func signed(_ w: Double, _ lang: Language) -> String {
        let number = String(format: "%.2f", abs(w))
        return (w >= 0 ? "+" : "−") + (lang == .id ? number.replacingOccurrences(of: ".", with: ",") : number)
    }

    /// A match probability as a reviewer reads it: a percentage and what it means (the engine's probabilities are
    /// calibrated, docs/matching.md), not a decimal to three places. The words follow the reconciliation's own bands:
    /// from the automatic band up almost certain, more likely than not from 0.5, in doubt from 0.2 (a row several
    /// records fit about equally waits in review however low its share), unlikely below.
    /// `heldBy`: the line a match held for review was made through (`ImportRow.held`): the words say that, not how sure
    /// the engine was.
    static func probability(_ p: Double?, _ lang: Language, heldBy: Int? = nil) -> String {
        guard let p else { return "–" }
        let bands = Reconciler.bands
        // No-break spaces: "97 %" is not split over two lines on a phone.
        let percent = p >= 0.995 ? ">\u{00A0}99\u{00A0}%" : p < 0.005 ? "<\u{00A0}1\u{00A0}%" : "\(Int((p * 100).rounded()))\u{00A0}%"
        // "In doubt" from 0.2: a row several records fit about equally waits in review below the review band too.
        let words = p >= bands.acceptAt ? "imp.chance.certain" : p >= 0.5 ? "imp.chance.likely" : p >= min(0.2, bands.reviewAt) ? "imp.chance.doubt" : "imp.chance.unlikely"
        return "\(percent) · \(heldBy.map { L10n.format("imp.chance.held", lang, [String($0)]) } ?? L10n.t(words, lang))"
    }

    /// A list's row as the pages show it, field by field: the name, the birth date (or, without one, the age the list gave,
    /// as the engine compared it), passport, nationality, sex, employer, address and the company numbers it has; a field
    /// set aside as unreadable shows what the file held, marked as such.
    static func listed(_ a: ImportsController.AgencyRowDTO, _ req: Request) -> [(String, String?)] {
        let lang = req.language
        let born = a.dateOfBirth.map { Views.day($0, req) } ?? a.age.map { L10n.format("imp.ageInPlace", lang, [String($0)]) }
        var listed: [(String, String?)] = [("name", a.name), ("date_of_birth", born), ("passport_number", a.passportNumber),
                                           ("nationality", a.nationality), ("sex", a.sex.map { L10n.t("sex.\($0)", lang) }), ("employer", a.employer), ("address", a.address)]
        if a.npwp != nil { listed.append(("npwp", a.npwp)) }
        if a.nib != nil { listed.append(("nib", a.nib)) }
        for (k, v) in (a.setAside ?? [:]).sorted(by: { $0.key < $1.key }) {
            // A date set aside where the list gave an age too: the age is what was compared, the date is said beside it.
            if k == "date_of_birth", let age = a.age, let i = listed.firstIndex(where: { $0.0 == k }) {
                listed[i].1 = L10n.format("imp.ageBesideSetAside", lang, [String(age), v]); continue
            }
            if let i = listed.firstIndex(where: { $0.0 == k }) { listed[i].1 = "\(v) (\(L10n.t("imp.setAsideField", lang)))" } else { listed.append((k, "\(v) (\(L10n.t("imp.setAsideField", lang)))")) }
        }
        return listed
    }

    static func rows(_ req: Request, _ m: RowsModel) -> Response {
        let lang = req.language
        let id = m.imp.id!
        // The page size chosen, where it is not the default, goes with every decision and link.
        let back = ImportsURL.rows(.id(id)).with(["state": m.state.rawValue, "page": String(m.paging.page)]
                                                 .merging(m.paging.per == ImportPages.reviewPer ? [:] : ["per": String(m.paging.per)]) { a, _ in a })
        // A decided row may leave this list (turned down, it is no longer "matched"): the page then comes back at the
        // card after it (the one before, for the last), where the reviewer goes on.
        let lines = m.rows.map(\.line)
        let scope = regions(m.scopeNames, lang)
        // Another row's card: on this page, its anchor; elsewhere, the address that finds its tab and page.
        func cardURL(_ line: Int) -> String {
            let url = ImportsURL.line(.id(id), .value(String(line)))
            return lines.contains(line) ? "#row-\(line)" : m.paging.per == ImportPages.reviewPer ? url.path : url.with(["per": String(m.paging.per)])
        }
        let cards: HTML = m.rows.html { r in
            let k = lines.firstIndex(of: r.line) ?? 0
            let neighbour = k + 1 < lines.count ? lines[k + 1] : k > 0 ? lines[k - 1] : nil
            let item = ImportsController.item(r)
            let a = item.agencyRow
            // The engine's comparison is of the person it proposed: beside one an officer linked by hand, it is not shown.
            // (Or one the engine found no one for: a person chosen on the search page.)
            let byHand = r.foreignerID != nil && r.foreignerID != r.engineForeignerID && (r.engineForeignerID != nil || r.decision == MatchDecision.accepted.rawValue && r.probability == nil)
            let parts = byHand ? [] : item.explanation ?? []
            let listed = Self.listed(a, req)
            // The candidate's values beside the list's, field by field, each marked as the engine compared it.
            var records: HTML
            if let f = r.foreignerID, let x = m.foreigners[f] {
                var registry: [String: HTML] = ["name": "<a href=\"\(SiteURL.foreigner(.id(f)).path)\">\(x.fullName)</a>", "date_of_birth": "\(Views.day(x.dateOfBirth, req))",
                                                "passport_number": "\(x.passportNumber)", "nationality": "\(x.nationality)", "sex": "\(L10n.t("sex.\(x.sex)", lang))"]
                if let e = m.employers[f] { registry["employer"] = "\(e)" }
                if let place = m.addresses[f] { registry["address"] = "\(place)" }
                // The employer's line is marked as the employer-mismatch report compares it (`Discrepancies.sameCompany`), so
                // that another company than the permit's shows as the report will say it; the engine's own level of it is in
                // the weights below. A person linked by hand was not compared by the engine: the marks are plain ones
                // (`HandComparison`), and said to be.
                var marked = byHand ? HandComparison.parts(r, x, employer: m.employers[f], asOf: Day.string(m.imp.createdAt, in: req.application.config.timeZone)) : parts.filter { $0.field != "employer" }
                if !byHand, let e = HandComparison.employer(a.employer, m.employers[f]) { marked.append(e) }
                records = comparison(listed, registry, marked, setAside: a.setAside ?? [:], names: ["name", "family_name", "given_names"], lang)
                if byHand { records = "\(records)<p class=\"muted hand-marks\">\(L10n.t("imp.handMarks", lang))</p>" }
            } else if let s = r.sponsorID, let x = m.sponsors[s] {
                let registry: [String: HTML] = ["name": "<a href=\"\(SiteURL.sponsor(.id(s)).path)\">\(x.name)</a>", "npwp": "\(x.npwp)", "nib": "\(x.nib)", "address": "\(x.address)"]
                records = comparison(listed, registry, parts, setAside: a.setAside ?? [:], names: ["name"], lang, companies: true)
            } else {
                let none = r.foreignerID != nil || r.sponsorID != nil ? L10n.t("imp.outOfScope", lang)
                    : scope.isEmpty ? L10n.t("imp.noCandidate", lang) : L10n.format("imp.noCandidateIn", lang, [scope])
                records = "<div class=\"grid two\"><div><h3>\(L10n.t("imp.agencyRecord", lang))</h3>\(facts(listed, lang))</div><div><h3>\(L10n.t("imp.registryRecord", lang))</h3><p class=\"muted\">\(none)</p></div></div>"
            }
            let why: HTML = parts.html { c in
                // Bars in steps of a tenth of the widest (20 weight units), any weight above 0 at least one step.
                let width = min(100, Int((abs(c.weight) * 5 / 10).rounded(.up)) * 10)
                let weight = signed(c.weight, lang)
                // A field the agency gave but that could not be read was set aside: not compared, and not "missing".
                let setAside = c.level < 0 && a.setAside?[c.field] != nil
                let level = L10n.t(setAside ? "imp.level.setAside" : c.exact == true ? "imp.level.exact" : "imp.level.\(min(c.level, 1))", lang)
                return "<tr><td>\(label(c.field, lang))</td><td>\(level)</td><td class=\"weight\">\(weight)</td><td class=\"size\"><span class=\"bar\"><span class=\"fill \(c.weight < 0 ? "neg" : "pos") w\(width)\"></span></span></td></tr>"
            }
            // The rest of the score, so that the column adds up to what gives the probability shown: where the
            // prior, how common the name and the date are, the other candidates and the list's other rows of the
            // person went (the weights above are each field's own).
            let total: HTML = {
                guard let p = r.probability, !parts.isEmpty else { return "" }
                let clamped = min(max(p, 1e-6), 1 - 1e-6)
                let sum = log2(clamped / (1 - clamped)), rest = sum - parts.reduce(0) { $0 + $1.weight }
                return "<tr class=\"rest\"><td colspan=\"2\">\(L10n.t("imp.weightOther", lang))</td><td class=\"weight\">\(signed(rest, lang))</td><td class=\"size\"></td></tr><tr class=\"total\"><td colspan=\"2\">\(L10n.t("imp.weightTotal", lang))</td><td class=\"weight\">\(signed(sum, lang))</td><td class=\"size\"></td></tr>"
            }()
            // The decision, by whom and when (in the office's time), so that a colleague sees it was a person's.
            let decision: HTML = r.decision.map { d in
                let who = [r.decidedBy.flatMap { m.deciders[$0] }, r.decidedAt.map { Views.time($0, req) }].compactMap { $0 }
                return "<p class=\"notice\">\(L10n.t(byHand ? (r.engineForeignerID == nil ? "imp.decided.chosen" : "imp.decided.acceptedOther") : "imp.decided.\(d)", lang))\(who.isEmpty ? "" : " · " + who.joined(separator: " · "))</p>"
            } ?? ""
            func button(_ d: String, _ key: String) -> HTML {
                """
                \(Form.open(req, action: ImportsURL.decision(.id(id), .id(r.id!)).path, id: "decide-\(r.line)-\(d)", classes: "inline"))<input type="hidden" name="decision" value="\(d)"><input type="hidden" name="was" value="\(r.decisionStamp)"><input type="hidden" name="back" value="\(back)">\(neighbour.map { "<input type=\"hidden\" name=\"next\" value=\"\($0)\">" as HTML } ?? "")<button type="submit" class="\(d == "accepted" ? "" : "secondary")" data-decision="\(d)">\(L10n.t(key, lang))</button></form>
                """
            }
            // With no candidate there is nothing to accept or turn down; the officer may search for the person.
            let candidate = r.foreignerID != nil || r.sponsorID != nil
            var buttons: HTML = r.decision == nil ? (candidate ? "\(button("accepted", "imp.accept"))\(button("rejected", "imp.reject"))" : "") : button("undo", "imp.undo")
            // Someone else, or someone where the engine found no one: searched for and chosen by hand (`ImportLinkPage`).
            if !m.imp.kindValue.isCompanies {
                buttons = "\(buttons)<a class=\"button secondary\" id=\"link-\(r.line)\" href=\"\(ImportsURL.link(.id(id), .id(r.id!)).with(["back": back].merging(neighbour.map { ["next": String($0)] } ?? [:]) { a, _ in a }))\">\(L10n.t(candidate || r.decision == MatchDecision.accepted.rawValue ? "imp.link.other" : "imp.link.find", lang))</a>"
            }
            if m.imp.statusValue != .reconciled { buttons = "" }
            // The comparison above says which fields differ; the weights behind the probability are there to open.
            let whyTable: HTML = why.raw.isEmpty ? "" : """
            <details><summary>\(L10n.t("imp.why", lang))</summary><p class="muted">\(L10n.t("imp.whyNote", lang))</p><table class="why"><thead><tr><th>\(L10n.t("imp.field", lang))</th><th>\(L10n.t("imp.comparison", lang))</th><th class="weight">\(L10n.t("imp.weight", lang))</th><th class="size">\(L10n.t("imp.weightBar", lang))</th></tr></thead><tbody>\(why)\(total)</tbody></table></details>
            """
            // Linked through another row of the list naming the same person: what that row gives, so that the reviewer
            // sees where the probability came from without leaving the card.
            // A copy (the same in every field compared) is one person with its first row, matched with it. Once an
            // officer has decided the other row otherwise (turned down, or given another person), this one waits for
            // review (`ImportRow.held`) and is to be decided too, unless it already is.
            let through: HTML = r.linkedVia.flatMap { line in m.via[line].map { v in
                let facts = [v.name] + [("passport_number", v.passportNumber), ("date_of_birth", v.dateOfBirth.map { Views.day($0, req) })]
                    .compactMap { k, value in value.map { "\(label(k, lang)) \($0)" } }
                let text = L10n.format(r.isCopy(of: v) ? "imp.copyOf" : "imp.linkedVia", lang, [String(line), facts.joined(separator: " · ")])
                let decided = r.decision != nil ? nil : v.decision == MatchDecision.rejected.rawValue ? "imp.viaRejected"
                    : v.decision == MatchDecision.accepted.rawValue && v.foreignerID != (r.engineForeignerID ?? r.foreignerID) ? "imp.viaElsewhere" : nil
                let otherwise: HTML = decided.map { "<br><strong>\(L10n.format($0, lang, [String(line)]))</strong>" } ?? ""
                return "<div class=\"notice linked-via\"><p>\(text)\(otherwise)</p><p class=\"see\"><a href=\"\(cardURL(line))\">\(L10n.format("imp.seeLine", lang, [String(line)]))</a></p></div>"
            } } ?? ""
            // Rows linked through this one, each with where it stands (a decision on it, else its tab); turned down here,
            // they wait for review, which the reviewer is told while this row is not.
            let others: HTML = m.linkedThrough[r.line].map { rows in
                let links: HTML = rows.html { o in
                    let stands = o.decision.map { "imp.decided.\($0)" } ?? (o.effectiveState == .review ? "imp.review" : o.effectiveState == .matched ? "imp.matched" : "imp.unmatchedLabel")
                    return " <a href=\"\(cardURL(o.line))\">\(L10n.t("imp.line", lang))\u{00A0}\(o.line)</a>\u{00A0}<span class=\"muted\">(\(L10n.t(stands, lang).lowercased()))</span>"
                }
                // Said only where it would change something: this row undecided, and a row matched through it undecided.
                let ifRejected: HTML = r.decision == nil && rows.contains { $0.decision == nil && $0.matchState == MatchState.matched.rawValue }
                    ? " \(L10n.t("imp.linkedHereIfRejected", lang))" : ""
                return "<div class=\"notice linked-here\"><p>\(L10n.t("imp.linkedHere", lang))\(ifRejected)</p><p class=\"see\">\(links)</p></div>"
            } ?? ""
            // Another line of the list given the same person (by hand, or by hand and by the engine): one of the two is
            // likely wrong, or the list names the person twice.
            let shared: HTML = m.samePerson[r.line].map { ls in
                let links: HTML = ls.prefix(5).html { l in " <a href=\"\(cardURL(l))\">\(L10n.t("imp.line", lang))\u{00A0}\(l)</a>" }
                return "<div class=\"notice same-person\"><p>\(L10n.t(ls.count == 1 ? "imp.samePerson" : "imp.samePersonMany", lang))</p><p class=\"see\">\(links)</p></div>"
            } ?? ""
            return """
            <article class="card review-item" id="row-\(r.line)">
              <h2>\(L10n.t("imp.line", lang)) \(r.line) · \(byHand ? "" : "\(L10n.t("imp.probability", lang)): " as HTML)<span class="probability">\(byHand ? L10n.t("imp.chosenByHand", lang) : probability(r.probability, lang, heldBy: r.held && r.decision == nil ? r.linkedVia : nil))</span></h2>
              \(through)
              \(others)
              \(shared)
              \(decision)
              \(records)
              \(whyTable)
              <p>\(buttons)</p>
            </article>
            """
        }
        let tabs: HTML = [MatchState.review, .matched, .unmatched].html { s in
            let key = s == .review ? "imp.review" : s == .matched ? "imp.matched" : "imp.unmatchedLabel"
            let count: HTML = m.counts[s].map { " <span class=\"count\">(\(L10n.number($0, lang)))</span>" as HTML } ?? ""
            return "<a href=\"\(ImportsURL.rows(.id(id)).with(["state": s.rawValue]))\"\(s == m.state ? HTML(" aria-current=\"page\"") : "")>\(L10n.t(key, lang))\(count)</a>"
        }
        return Views.page(req, title: m.imp.fileName, body: """
        <h1><a href="\(ImportsURL.show(.id(id)).path)">\(m.imp.fileName)</a></h1>
        \(scope.isEmpty ? "" : "<p class=\"muted\" id=\"import-scope\">\(L10n.format("imp.scope", lang, [scope]))</p>" as HTML)
        <nav class="tabs" aria-label="\(L10n.t("imp.status", lang))">\(tabs)</nav>
        \(m.rows.isEmpty ? Views.emptyList(req, "list.empty", page: m.paging.page, per: m.paging.per, total: m.total) : cards)
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """)
    }

    // MARK: discrepancies

    static func discrepancySummary(_ req: Request, counts: [(Discrepancies.Kind, Int)], officer: Bool) -> Response {
        let lang = req.language
        let cards: HTML = counts.html { k, n in
            let label = L10n.t("disc.kind.\(k.rawValue)", lang)
            return "<div class=\"card stat-card\"><p class=\"stat\" id=\"disc-\(k.rawValue)\">\(L10n.number(n, lang))</p><p>\(officer && n > 0 ? "<a href=\"\(ImportsURL.discrepancyKind(.value(k.rawValue)).path)\">\(label)</a>" as HTML : "\(label)")</p></div>"
        }
        return Views.page(req, title: L10n.t("disc.title", lang), body: """
        <h1>\(L10n.t("disc.title", lang))</h1>
        <p class="muted">\(L10n.t("disc.intro", lang))</p>
        \(officer ? "" : "<p class=\"notice\">\(L10n.t("imp.countsOnly", lang))</p>" as HTML)
        <div class="grid">\(cards)</div>
        """)
    }

    static func discrepancyCount(_ req: Request, kind: Discrepancies.Kind, count: Int) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("disc.title", lang), body: """
        <h1>\(L10n.t("disc.kind.\(kind.rawValue)", lang))</h1><p class="stat" id="disc-count">\(L10n.number(count, lang))</p><p class="notice">\(L10n.t("imp.countsOnly", lang))</p>
        """)
    }

    static func discrepancyItems(_ req: Request, kind: Discrepancies.Kind, items: [Discrepancies.Item]) -> Response {
        let lang = req.language
        let rows: HTML = items.prefix(1000).html { i in
            let name: HTML = i.foreignerId.map { "<a href=\"\(SiteURL.foreigner(.id($0)).path)\">\(i.name)</a>" as HTML }
                ?? i.sponsorId.map { "<a href=\"\(SiteURL.sponsor(.id($0)).path)\">\(i.name)</a>" as HTML } ?? "\(i.name)"
            let source: HTML = i.importId.map { "<a href=\"\(ImportsURL.show(.id($0)).path)\">\(L10n.t("imp.line", lang)) \(i.line ?? 0)</a>" as HTML } ?? ""
            return "<tr><td>\(name)</td><td>\(i.nationality)</td><td>\(i.passportNumber)</td><td>\(i.detail(lang))</td><td>\(source)</td></tr>"
        }
        return Views.page(req, title: L10n.t("disc.kind.\(kind.rawValue)", lang), body: """
        <h1>\(L10n.t("disc.kind.\(kind.rawValue)", lang))</h1>
        <p class="no-print"><a class="button secondary" href="\(ImportsURL.discrepancyCSV(.value(kind.rawValue)).path)" id="disc-csv">\(L10n.t("disc.csv", lang))</a>
        <button type="button" class="secondary" data-print>\(L10n.t("disc.print", lang))</button></p>
        <p>\(L10n.t("disc.count", lang)): <strong id="disc-count">\(L10n.number(items.count, lang))</strong></p>
        <table class="responsive" id="disc-items"><thead><tr><th>\(L10n.t("disc.col.name", lang))</th><th>\(L10n.t("disc.col.nationality", lang))</th><th>\(L10n.t("disc.col.passport", lang))</th><th>\(L10n.t("disc.col.detail", lang))</th><th>\(L10n.t("disc.col.source", lang))</th></tr></thead><tbody>\(rows)</tbody></table>
        """)
    }
}
