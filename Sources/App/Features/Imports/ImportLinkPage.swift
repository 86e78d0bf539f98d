import Fluent
import Foundation
import Matching
import Vapor

/// An officer links a list's row to a registry person by hand, on a page: the engine found no one for it, or someone
/// else (a person listed a second time without passport or date, a name written by ear). The page shows the row, a
/// search of the registry within the officer's jurisdiction (filled with the row's name; the search is posted, so that
/// nothing typed goes into an address), the people found, the most alike first, each saying which other lines of the
/// list are matched to them, and a button to match the row with one. The decision is the review's own (`decide`,
/// audited), and undo returns the row to the engine's verdict.
enum ImportLinkPage {
    /// People shown; a search reads up to `read` to rank them.
    static let shown = 20
    static let read = 200

    struct Model {
        var imp: AgencyImport
        var row: ImportRow
        var q: String
        var back: String
        var found: [Foreigner]
        /// Lines of this list matched to each person found (by an officer or by the engine).
        var lines: [UUID: [Int]]
        var searched: Bool
    }

    static func register(_ officers: any RoutesBuilder) {
        officers.get(ImportsURL.link(.key, .key), use: page)
        officers.post(ImportsURL.link(.key, .key), use: page)
    }

    static func page(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.visibleImport(req)
        guard let rowID = req.parameters.get("row", as: UUID.self), !imp.kindValue.isCompanies,
              let row = try await ImportRow.query(on: req.db).filter(\.$id == rowID).filter(\.$agencyImport.$id == imp.id!).first() else {
            throw Abort(.notFound)
        }
        guard imp.statusValue == .reconciled else { throw AppError.conflict("err.importNotReconciled") }
        struct Search: Content { var q: String?; var back: String? }
        let posted = req.method == .POST ? try req.content.decode(Search.self) : nil
        let rowsPath = ImportsURL.rows(.id(imp.id!)).path
        let back = (posted?.back ?? req.queryValue("back")).flatMap { $0.hasPrefix(rowsPath) && !$0.contains("#") ? $0 : nil } ?? rowsPath
        let q = String((posted?.q ?? defaultQuery(row)).trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        let found = q.isEmpty ? [] : try await search(q, row: row, req)
        let ids = found.compactMap(\.id)
        var lines: [UUID: [Int]] = [:]
        if !ids.isEmpty {
            for r in try await ImportRow.query(on: req.db).filter(\.$agencyImport.$id == imp.id!).filter(\.$foreignerID ~~ ids.map(Optional.some))
                .filter(\.$id != rowID).sort(\.$line).range(0..<500).all() {
                // A person's line counts where the row stands matched to them (not turned down).
                if let f = r.foreignerID, r.effectiveState != .unmatched { lines[f, default: []].append(r.line) }
            }
            // Who was looked at, for what, without what was typed: personal data read is on the trail.
            try await req.audited { _ in ((), [AuditEntry(action: "import.linkSearch", objectType: "import_row", objectID: rowID.uuidString,
                                                          purpose: "verification", detail: "import=\(imp.id!) foreigners=\(ids.count)")]) }
        }
        return view(req, Model(imp: imp, row: row, q: q, back: back, found: found, lines: lines, searched: posted != nil))
    }

    /// The row's name as the search starts with it.
    static func defaultQuery(_ row: ImportRow) -> String {
        row.name.isEmpty ? [row.familyName, row.givenNames].compactMap { $0 }.joined(separator: " ") : row.name
    }

    /// The registry's people in the officer's jurisdiction that the search finds (a passport number, or a name's words
    /// each beginning a word of the name); where a name of several words finds no one (a word misspelt), each word alone.
    /// The most alike first: the row's passport or the one searched, then the name searched (Jaro-Winkler on the folded
    /// words in alphabetical order), then the row's birth date.
    static func search(_ q: String, row: ImportRow, _ req: Request) async throws -> [Foreigner] {
        let today = req.application.today
        func find(_ text: String) async throws -> [Foreigner] {
            try await ForeignerSearch(q: text).apply(to: try ScopePolicy.foreigners(req), today: today).sort(\.$id).range(0..<read).all()
        }
        var found = try await find(q)
        let words = Normalize.fold(q).split(separator: " ").filter { $0.count >= 3 }
        if found.isEmpty && words.count > 1 {
            var seen = Set<UUID>()
            for w in words { for f in try await find(String(w)) where seen.insert(f.id!).inserted { found.append(f) } }
        }
        // Alike what was searched (at first the row's name), and the row's passport or the one typed first.
        let name = sortedWords(q)
        let passports = Set([row.passportNumber.map(Normalize.documentID), Normalize.documentID(q)].compactMap { $0 }.filter { !$0.isEmpty })
        func rank(_ f: Foreigner) -> (Int, Double, Int) {
            (f.passportNumber.map { passports.contains(Normalize.documentID($0)) } == true ? 0 : 1,
             -Similarity.jaroWinkler(name, sortedWords(f.fullName)),
             row.dateOfBirth != nil && row.dateOfBirth == f.dateOfBirth ? 0 : 1)
        }
        return Array(found.map { ($0, rank($0)) }.sorted { $0.1 < $1.1 }.prefix(shown).map(\.0))
    }

    /// A name's folded words in alphabetical order: names written family name first or last compare alike.
    static func sortedWords(_ name: String) -> String {
        Normalize.fold(name).split(separator: " ").sorted().joined(separator: " ")
    }

    static func view(_ req: Request, _ m: Model) -> Response {
        let lang = req.language
        let id = m.imp.id!, r = m.row
        let born = r.dateOfBirth.map { Views.day($0, req) } ?? r.age.map { L10n.format("imp.ageInPlace", lang, [String($0)]) }
        let listed: [(String, String?)] = [("name", r.name), ("date_of_birth", born), ("passport_number", r.passportNumber),
                                           ("nationality", r.nationality), ("sex", r.sex.map { L10n.t("sex.\($0)", lang) }),
                                           ("employer", r.employer), ("address", r.address)]
        let action = ImportsURL.link(.id(id), .id(r.id!)).path
        let state = FormState(values: ["q": m.q])
        let people: HTML = m.found.html { f in
            let also: HTML = m.lines[f.id!].map { ls in
                let shown = ls.prefix(5).map { String($0) }.joined(separator: ", ") + (ls.count > 5 ? " …" : "")
                return "<p class=\"notice also-linked\">\(L10n.format(ls.count == 1 ? "imp.link.alsoLine" : "imp.link.alsoLines", lang, [shown]))</p>"
            } ?? ""
            let facts: [(String, String?)] = [("date_of_birth", f.dateOfBirth.map { Views.day($0, req) }), ("passport_number", f.passportNumber),
                                              ("nationality", f.nationality), ("sex", L10n.t("sex.\(f.sex)", lang)),
                                              ("permit", f.permitCategory.map { c in RegistryText.category(c, lang) + (f.permitEnd.map { " · " + L10n.format("imp.link.until", lang, [Views.day($0, req)]) } ?? "") })]
            return """
            <article class="card link-candidate" id="candidate-\(f.id!.uuidString)">
              <h2>\(f.fullName)</h2>
              \(ImportViews.facts(facts, lang))
              \(also)
              \(Form.open(req, action: ImportsURL.decision(.id(id), .id(r.id!)).path, id: "link-\(f.id!.uuidString)"))<input type="hidden" name="decision" value="accepted"><input type="hidden" name="foreignerId" value="\(f.id!.uuidString)"><input type="hidden" name="back" value="\(m.back)"><button type="submit">\(L10n.format("imp.link.choose", lang, [String(r.line)]))</button></form>
            </article>
            """
        }
        let result: HTML = m.q.isEmpty ? "" : m.found.isEmpty
            ? "<p class=\"card muted\" id=\"link-none\">\(L10n.t("imp.link.none", lang))</p>"
            : "<p class=\"muted\" id=\"link-count\">\(L10n.format(m.found.count >= shown ? "imp.link.first" : "imp.link.found", lang, ["num:\(m.found.count)"]))</p>\(people)"
        return Views.page(req, title: L10n.format("imp.link.title", lang, [String(r.line)]), body: """
        <p><a href="\(m.back)#row-\(r.line)">\(L10n.t("imp.link.back", lang))</a></p>
        <h1>\(L10n.format("imp.link.title", lang, [String(r.line)]))</h1>
        <section class="card"><h2>\(L10n.t("imp.agencyRecord", lang))</h2>\(ImportViews.facts(listed, lang))</section>
        <section class="card">
          \(Form.open(req, action: action, id: "link-search", state: state))
          \(Form.field("q", label: L10n.t("imp.link.search", lang), state: state, kind: .search, hint: L10n.t("imp.link.searchHint", lang), attributes: "maxlength=\"100\""))
          <input type="hidden" name="back" value="\(m.back)">
          <button type="submit" class="secondary">\(L10n.t("imp.link.searchButton", lang))</button></form>
        </section>
        \(result)
        """)
    }
}
