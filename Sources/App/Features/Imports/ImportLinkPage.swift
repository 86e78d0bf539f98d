import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// An officer links a list's row to a registry person by hand, on a page: the engine found no one for it, or someone
/// else (a person listed a second time without passport or date, a name written by ear). The page shows the row, a
/// search of the registry within the officer's jurisdiction (filled with the row's name; a plain GET, as the registry
/// list's search, so that the browser's Back and reload show the search again rather than ask to send a form again;
/// what was typed is then in the browser's history, as with that search; the application's request log names the
/// route only, never the query, and a proxy in front of it should do the same), the people found, the most alike first, each field marked
/// same, similar or different from the row's (`HandComparison`) and saying which other lines of the list are matched
/// to them, and a button to match the row with one. The decision is the review's own (`decide`, audited), and undo
/// returns the row to the engine's verdict.
enum ImportLinkPage {
    /// People shown; a search reads up to `read` to rank them.
    static let shown = 20
    static let read = 200

    struct Model {
        var imp: AgencyImport
        var row: ImportRow
        var q: String
        var back: String
        var next: Int?
        var found: [Foreigner]
        /// Other rows of this list matched to each person found (by an officer or by the engine), or proposed for them.
        var lines: [UUID: [ImportRow]]
        var employers: [UUID: String] = [:]
        var addresses: [UUID: String] = [:]
        var loose = false
    }

    static func register(_ officers: any RoutesBuilder) {
        officers.get(ImportsURL.link(.key, .key), use: page)
    }

    static func page(_ req: Request) async throws -> Response {
        let imp = try await ImportsController.visibleImport(req)
        guard let rowID = req.parameters.get("row", as: UUID.self), !imp.kindValue.isCompanies,
              let row = try await ImportRow.query(on: req.db).filter(\.$id == rowID).filter(\.$agencyImport.$id == imp.id!).first() else {
            throw Abort(.notFound)
        }
        guard imp.statusValue == .reconciled else { throw AppError.conflict("err.importNotReconciled") }
        let back = ImportPages.ReviewPlace(req.queryValue("back"), importID: imp.id!).path
        let next = req.queryValue("next").flatMap(Int.init)
        // Until the officer searches, the row's name (and its passport, below).
        let typed = req.queryValue("q")
        let q = String((typed ?? defaultQuery(row)).trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        let (found, loose) = q.isEmpty ? ([], false) : try await search(q, row: row, alsoPassport: typed == nil, req)
        let ids = found.compactMap(\.id)
        var lines: [UUID: [ImportRow]] = [:]
        if !ids.isEmpty {
            // A person's other lines: standing matched to them (not turned down), and not this row's own copies or rows
            // linked through one another with it (one listing of the person).
            let people = try await ImportPages.PersonLines.load(imp.id!, people: ids, db: req.db)
            for f in ids { if case let others = people.others(of: f, apartFrom: row), !others.isEmpty { lines[f] = others } }
            // Who was looked at, for what, without what was typed: personal data read is on the trail.
            try await req.audited { _ in ((), [AuditEntry(action: "import.linkSearch", objectType: "import_row", objectID: rowID.uuidString,
                                                          purpose: "verification", detail: "import=\(imp.id!) foreigners=\(ids.count)")]) }
        }
        var model = Model(imp: imp, row: row, q: q, back: back, next: next, found: found, lines: lines)
        model.loose = loose
        model.employers = try await ImportPages.employers(found, req)
        model.addresses = try await ImportPages.addresses(found, req)
        return view(req, model)
    }

    /// The row's name as the search starts with it.
    static func defaultQuery(_ row: ImportRow) -> String {
        row.name.isEmpty ? [row.familyName, row.givenNames].compactMap { $0 }.joined(separator: " ") : row.name
    }

    /// The registry's people in the officer's jurisdiction that the search finds (`ForeignerSearch`: a passport number's
    /// beginning, a name's words each beginning a word of the name, a name with a passport number), with, at first, the
    /// row's passport; a number alone given in part, the numbers holding it. Where no one: `loose` people only alike — the
    /// name and the number each alone and the numbers holding it; each word of a name alone, then each word's first three
    /// letters; a number with its last character left out. The most alike first: the row's passport or the one searched,
    /// then the name (Jaro-Winkler on the folded words in alphabetical order, to what was searched or to the row's name,
    /// the better), with the row's birth date, sex and nationality agreeing lifting a person among namesakes.
    static func search(_ q: String, row: ImportRow, alsoPassport: Bool = false, _ req: Request) async throws -> (people: [Foreigner], loose: Bool) {
        let today = req.application.today
        var found: [Foreigner] = [], seen = Set<UUID>()
        func find(_ text: String) async throws {
            for f in try await ForeignerSearch(q: text).apply(to: try ScopePolicy.foreigners(req), today: today).sort(\.$id).range(0..<read).all()
            where seen.insert(f.id!).inserted { found.append(f) }
        }
        // A name typed with a passport number (`BAUTISTA P9950118A`) finds the people of that name with that number
        // (`ForeignerSearch`); where none, each alone, below.
        let parts = q.split(separator: " ")
        let documents = parts.filter { Normalize.isNumber($0) }.map(String.init)
        let nameOnly = parts.filter { !Normalize.isNumber($0) }.joined(separator: " ")
        try await find(q)
        if alsoPassport, let passport = row.passportNumber { try await find(passport) }
        // A passport number given in part (its end, as read off a copy), where nothing begins with it: a number holding
        // it, within the officer's jurisdiction. (Folded, it is letters and digits only: nothing in it is a pattern.)
        let pieces = (documents.isEmpty ? [q] : documents).map(Normalize.documentID).filter { $0.count >= 6 && $0.contains(where: \.isNumber) }
        func holding(_ piece: String) async throws {
            for f in try await ScopePolicy.foreigners(req).filter(.sql(SQLQueryString("passport_key LIKE \(bind: "%" + piece + "%")")))
                .sort(\.$id).range(0..<read).all() where seen.insert(f.id!).inserted { found.append(f) }
        }
        if found.isEmpty && nameOnly.isEmpty { for piece in pieces { try await holding(piece) } }
        // From here on, people only alike: the name and the number each alone (a number held anywhere); the name's words
        // each alone, then their beginnings; a number with its last character left out (a slip, or another of its series).
        let loose = found.isEmpty
        if found.isEmpty && !documents.isEmpty && !nameOnly.isEmpty {
            try await find(nameOnly)
            for d in documents { try await find(d) }
            if found.isEmpty { for piece in pieces { try await holding(piece) } }
        }
        let words = Normalize.fold(documents.isEmpty ? q : nameOnly).split(separator: " ").filter { $0.count >= 3 }
        if found.isEmpty && words.count > 1 { for w in words { try await find(String(w)) } }
        if found.isEmpty && documents.isEmpty { for w in words where w.count >= 4 { try await find(String(w.prefix(3))) } }
        if found.isEmpty { for piece in pieces where piece.count >= 7 { try await holding(String(piece.dropLast())) } }
        let typed = sortedWords(documents.isEmpty ? q : nameOnly), listed = sortedWords(defaultQuery(row))
        let passports = Set(([row.passportNumber, q] + documents).compactMap { $0.map(Normalize.documentID) }.filter { !$0.isEmpty })
        func score(_ f: Foreigner) -> Double {
            let name = sortedWords(f.fullName)
            var s = max(Similarity.jaroWinkler(typed, name), Similarity.jaroWinkler(listed, name))
            if let key = f.passportNumber.map(Normalize.documentID), passports.contains(key) || pieces.contains(where: { key.contains($0) }) { s += 10 }
            if let d = row.dateOfBirth, d == f.dateOfBirth { s += 0.3 }
            if let x = row.sex, x == f.sex { s += 0.05 }
            if let n = row.nationality, n == f.nationality { s += 0.05 }
            return s
        }
        return (Array(found.map { ($0, score($0)) }.sorted { $0.1 > $1.1 }.prefix(shown).map(\.0)), loose && !found.isEmpty)
    }

    /// A name's folded words in alphabetical order: names written family name first or last compare alike.
    static func sortedWords(_ name: String) -> String {
        Normalize.fold(name).split(separator: " ").sorted().joined(separator: " ")
    }

    static func view(_ req: Request, _ m: Model) -> Response {
        let lang = req.language
        let id = m.imp.id!, r = m.row
        let agencyRow = ImportsController.item(r).agencyRow
        let listed = ImportViews.listed(agencyRow, req)
        // Sent, the page comes back at the people found, which have the focus.
        let action = ImportsURL.link(.id(id), .id(r.id!)).path + "#link-results"
        let nextField: HTML = m.next.map { "<input type=\"hidden\" name=\"next\" value=\"\($0)\">" } ?? ""
        let state = FormState(values: ["q": m.q])
        let kept: HTML = "<input type=\"hidden\" name=\"back\" value=\"\(m.back)\">\(nextField)"
        // The row's own values, to show beside a person's where they are not the same (on a phone the row stands far up).
        let rowValues = Dictionary(listed.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let setAside = Set(agencyRow.setAside?.keys.map { $0 } ?? [])
        let people: HTML = m.found.html { f in
            // Lines matched to the person, and lines the engine proposed them for that wait for review, said apart.
            let others = m.lines[f.id!] ?? []
            let matched = others.filter { $0.effectiveState == .matched }.map(\.line), proposed = others.filter { $0.effectiveState == .review }.map(\.line)
            func listed(_ ls: [Int]) -> String { ls.prefix(5).map { String($0) }.joined(separator: ", ") + (ls.count > 5 ? " …" : "") }
            let alsoMatched: HTML = matched.isEmpty ? "" : "<p class=\"notice also-linked\">\(L10n.format(matched.count == 1 ? "imp.link.alsoLine" : "imp.link.alsoLines", lang, [listed(matched)]))</p>"
            let alsoProposed: HTML = proposed.isEmpty ? "" : "<p class=\"notice also-linked\">\(L10n.format(proposed.count == 1 ? "imp.link.alsoProposed" : "imp.link.alsoProposedMany", lang, [listed(proposed)]))</p>"
            let also: HTML = "\(alsoMatched)\(alsoProposed)"
            // The person the engine proposed, and the one the row stands matched to by an officer's decision, are said so.
            var now: [String] = []
            if f.id == r.engineForeignerID || (r.engineForeignerID == nil && r.decision == nil && f.id == r.foreignerID) { now.append("imp.link.proposed") }
            if f.id == r.foreignerID && r.decision == MatchDecision.accepted.rawValue { now.append("imp.link.current") }
            let said: HTML = now.html { "<p class=\"notice current\">\(L10n.t($0, lang))</p>" }
            // Each field marked as it compares with the row's, and the row's value beside one that is not the same.
            let compared = HandComparison.parts(r, f, employer: m.employers[f.id!], asOf: Day.string(m.imp.createdAt, in: req.application.config.timeZone))
            let marks = Dictionary(compared.map { ($0.field, $0) }, uniquingKeysWith: { a, _ in a })
            // A field of the row set aside as unreadable is said so, as on the card, not "missing".
            let levels = marks.mapValues { c in
                let fields = c.field == "name" ? ["name", "family_name", "given_names"] : [c.field]
                return c.level < 0 && fields.contains(where: setAside.contains) ? "setAside" : ImportViews.level(c)
            }
            // (A field the row left empty shows "–" beside the person's, so that "missing" does not read as the person's.)
            func beside(_ key: String, _ value: String?) -> String? {
                guard let c = marks[key], c.exact != true, c.level >= 0 || value != nil else { return value }
                let listedValue = (rowValues[key] ?? nil).flatMap { $0.isEmpty ? nil : $0 } ?? "–"
                return "\(ImportViews.orDash(value)) · \(L10n.format("imp.link.rowValue", lang, [String(r.line), L10n.literal(listedValue)]))"
            }
            let facts: [(String, String?)] = [("date_of_birth", beside("date_of_birth", f.dateOfBirth.map { Views.day($0, req) })),
                                              ("passport_number", beside("passport_number", f.passportNumber)),
                                              ("nationality", beside("nationality", f.nationality)), ("sex", beside("sex", L10n.t("sex.\(f.sex)", lang))),
                                              ("employer", beside("employer", m.employers[f.id!])), ("address", m.addresses[f.id!]),
                                              ("permit", f.permitCategory.map { c in RegistryText.category(c, lang) + (f.permitEnd.map { " · " + L10n.format("imp.link.until", lang, [Views.day($0, req)]) } ?? "") })]
            let nameBeside: HTML = marks["name"].map { $0.level >= 0 && $0.exact != true } == true
                ? "<p class=\"muted row-value\">\(L10n.format("imp.link.rowValue", lang, [String(r.line), L10n.literal(defaultQuery(r))]))</p>" : ""
            // Chosen in one tap, a person matched to other lines of the list already, or whose name or two other fields
            // differ from the row's, is asked about first.
            let differing = compared.filter { $0.level == 0 && $0.field != "employer" }
            var doubts: [String] = []
            if !matched.isEmpty { doubts.append(L10n.format("imp.link.doubtLines", lang, [listed(matched)])) }
            if !proposed.isEmpty { doubts.append(L10n.format("imp.link.doubtProposed", lang, [listed(proposed)])) }
            if differing.contains(where: { $0.field == "name" }) || differing.count >= 2 {
                doubts.append(L10n.format("imp.link.doubtFields", lang, [differing.map { ImportViews.label($0.field, lang).lowercased() }.joined(separator: ", ")]))
            }
            let confirm: HTML = doubts.isEmpty ? "" : " data-confirm=\"\(L10n.format("imp.link.confirm", lang, [doubts.joined(separator: "; "), String(r.line), L10n.literal(f.fullName)]))\""
            let choose = L10n.format("imp.link.choose", lang, [String(r.line)])
            // Namesakes are told apart by ear too: the name, the birth date and the passport.
            let who = [f.fullName, f.dateOfBirth.map { Views.day($0, req) }, f.passportNumber].compactMap { $0 }.joined(separator: ", ")
            // The person the row stands matched to by an officer already: nothing to choose.
            let chosen = f.id == r.foreignerID && r.decision == MatchDecision.accepted.rawValue
            let form: HTML = chosen ? "" : "\(Form.open(req, action: ImportsURL.decision(.id(id), .id(r.id!)).path, id: "link-\(f.id!.uuidString)"))<input type=\"hidden\" name=\"decision\" value=\"accepted\"><input type=\"hidden\" name=\"foreignerId\" value=\"\(f.id!.uuidString)\"><input type=\"hidden\" name=\"was\" value=\"\(r.decisionStamp)\"><input type=\"hidden\" name=\"back\" value=\"\(m.back)\">\(nextField)<button type=\"submit\" aria-label=\"\(choose): \(who)\"\(confirm)>\(choose)</button></form>"
            return """
            <article class="card link-candidate" id="candidate-\(f.id!.uuidString)">
              <h2>\(f.fullName)\(ImportViews.mark(levels["name"], lang))</h2>
              \(nameBeside)
              \(said)
              \(ImportViews.facts(facts, lang, marks: levels))
              \(also)
              \(form)
            </article>
            """
        }
        let said: HTML = m.q.isEmpty ? "<p class=\"card muted\" id=\"link-empty\">\(L10n.t("imp.link.empty", lang))</p>" : m.found.isEmpty
            ? "<p class=\"card muted\" id=\"link-none\">\(L10n.t("imp.link.none", lang))</p>"
            : m.loose ? "<p class=\"notice\" id=\"link-loose\">\(L10n.t("imp.link.loose", lang))</p>\(people)"
            : "<p class=\"muted\" id=\"link-count\">\(L10n.format(m.found.count >= shown ? "imp.link.first" : m.found.count == 1 ? "imp.link.foundOne" : "imp.link.found", lang, ["num:\(m.found.count)"]))</p>\(people)"
        let decided: HTML = r.decision.map { "<p class=\"notice\" id=\"link-decided\">\(L10n.t("imp.link.decided.\($0)", lang))</p>" } ?? ""
        // What was searched, said at the results, which have the focus (the box is then above the screen on a phone).
        let query: HTML = m.q.isEmpty ? "" : "<p id=\"link-query\"><strong>\(L10n.format("imp.link.query", lang, [L10n.literal(m.q)]))</strong></p>"
        let marksKey: HTML = m.found.isEmpty ? "" : "<p class=\"muted\" id=\"link-marks\">\(L10n.t("imp.link.marks", lang))</p>"
        let key: HTML = "\(query)\(marksKey)"
        let result: HTML = "<section id=\"link-results\" class=\"link-results\" data-focus tabindex=\"-1\" aria-live=\"polite\">\(key)\(said)</section>"
        return Views.page(req, title: L10n.format("imp.link.title", lang, [String(r.line)]), body: """
        <p><a href="\(m.back)#row-\(r.line)">\(L10n.t("imp.link.back", lang))</a></p>
        <h1>\(L10n.format("imp.link.title", lang, [String(r.line)]))</h1>
        <section class="card"><h2>\(L10n.t("imp.agencyRecord", lang))</h2>\(ImportViews.facts(listed, lang))\(decided)</section>
        <section class="card">
          \(Form.open(req, action: action, id: "link-search", method: "get", state: state))
          \(Form.field("q", label: L10n.t("imp.link.search", lang), state: state, kind: .search, hint: L10n.t("imp.link.searchHint", lang), attributes: "maxlength=\"100\""))
          \(kept)
          <button type="submit" class="secondary">\(L10n.t("imp.link.searchButton", lang))</button></form>
        </section>
        \(result)
        """)
    }
}
