import Fluent
import Vapor

/// A sponsor chosen on a form, from the sponsors a query allows (the user's scope).
///
/// Up to `listAll` of them: one select, by name, namesakes told apart (`options`). More — a large office has
/// thousands — and a select would be cut off or unusable on a phone: then a search box ("name, NIB or NPWP") and its
/// "Cari" button, which sends the form back to its own page like the region picker's step (GET, everything typed
/// kept, `RegionPicker.stepName`), fill the select with the matches. The sponsor already chosen stays listed; a lone
/// match is chosen. With JavaScript (`/static/ui.js`) the search asks the same page for the picker's own fields only
/// and fills the list in place: nothing else typed goes into a URL, the page does not move, and the button is no
/// longer the form's default, so that Enter in another field sends the form.
enum SponsorPicker {
    static let listAll = 300
    static let shown = 50

    /// The search box's input name for the picker of `name`.
    static func searchName(_ name: String) -> String { name + "_q" }

    static func field(_ req: Request, name: String, label: String, state: FormState, none: String,
                      from query: QueryBuilder<Sponsor>, companies: Bool = false, required: Bool = false, hint: String? = nil) async throws -> HTML {
        let lang = req.language
        var state = state
        let noun = L10n.t(companies ? "sponsorPicker.company" : "sponsorPicker.sponsor", lang)
        let nouns = L10n.t(companies ? "sponsorPicker.companies" : "sponsorPicker.sponsors", lang)
        let total = try await query.copy().count()
        if total <= listAll {
            let all = try await query.copy().sort(\.$name).sort(\.$id).all()
            return Form.field(name, label: label, state: state, kind: .select([("", none)] + options(all)), required: required, hint: hint)
        }
        let q = String(state.value(searchName(name)).trimmingCharacters(in: .whitespaces).prefix(100))
        var found: [Sponsor] = []
        var matches = 0
        if !q.isEmpty {
            matches = try await SponsorsController.matching(q, query.copy()).count()
            found = try await SponsorsController.matching(q, query.copy()).sort(\.$name).sort(\.$id).limit(shown).all()
        }
        if let chosen = UUID(uuidString: state.value(name)), !found.contains(where: { $0.id == chosen }),
           let s = try await query.copy().filter(\.$id == chosen).first() {
            found.insert(s, at: 0)
        }
        let status: String
        if q.isEmpty { status = L10n.format("sponsorPicker.type", lang, [String(total), noun, nouns]) }
        else if matches == 0 { status = L10n.format("sponsorPicker.none", lang, [q, noun]) }
        else if matches > shown { status = L10n.format("sponsorPicker.more", lang, [String(shown), String(matches)]) }
        else if matches == 1 && state.value(name).isEmpty, let only = found.first?.id {
            state.values[name] = only.uuidString
            status = L10n.format("sponsorPicker.one", lang, [q, noun])
        } else { status = L10n.format("sponsorPicker.found", lang, [String(matches), noun, nouns]) }
        let fid = name.replacingOccurrences(of: ".", with: "-")
        let search = searchName(name)
        return """
        <div class="field sponsor-search" data-msg-failed="\(L10n.t("sponsorPicker.failed", lang))"><label for="\(fid)-q">\(L10n.format("sponsorPicker.search", lang, ["", noun]))</label>
          <p class="hint" id="\(fid)-q-hint">\(status)</p>
          <div class="inline"><input type="search" id="\(fid)-q" name="\(search)" value="\(q)" maxlength="100" aria-describedby="\(fid)-q-hint">
          <button type="submit" class="secondary" formmethod="get" formaction="\(req.url.path)" formnovalidate name="\(RegionPicker.stepName)" value="\(name)">\(L10n.t("sponsorPicker.find", lang))</button></div>
        </div>
        \(Form.field(name, label: label, state: state, kind: .select([("", none)] + options(found)), required: required, hint: hint))
        """
    }

    /// Sponsors to choose from, by name; namesakes (two people called Agus Setiawan) also by address and NIB, so
    /// that they can be told apart.
    static func options(_ sponsors: [Sponsor]) -> [(value: String, label: String)] {
        var count: [String: Int] = [:]
        for s in sponsors { count[s.name.uppercased(), default: 0] += 1 }
        return sponsors.map { s in
            guard count[s.name.uppercased(), default: 0] > 1 else { return (s.id!.uuidString, s.name) }
            let address = s.address.count > 40 ? String(s.address.prefix(39)) + "…" : s.address
            return (s.id!.uuidString, ([s.name, address] + [s.nib.map { "NIB \($0)" }].compactMap { $0 }).joined(separator: " · "))
        }
    }
}
