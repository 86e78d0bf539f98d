import Vapor

/// One record chosen on a form from a list that may be long: a sponsor, a company, a sponsored person.
///
/// Up to `listAll` records: one select. More — a large office has thousands of sponsors, a nickel smelter thousands of
/// workers — and a select would be cut off or unusable on a phone: then a search box and its "Cari" button, which posts
/// the form back like the region picker's step (everything typed kept, nothing saved, `RegionPicker.stepName`), fill
/// the select with the matches. The record already chosen stays listed; a lone match is chosen. With JavaScript
/// (`/static/ui.js`) the search posts the picker's own fields (and the CSRF token) the same way and fills the list in
/// place: nothing typed goes into a URL, the page does not move, and the button is no longer the form's default, so
/// that Enter in another field sends the form.
struct SearchPicker {
    typealias Option = (value: String, label: String)
    static let listAll = 300
    static let shown = 50

    /// What the picker chooses, as its sentences name it: the message keys of the search label ("Cari {2} (nama, NIB
    /// atau NPWP)") and of the prompt ("Ada {1} {2}: ketik …"), and the record's noun, singular and plural.
    var searchKey: String
    var typeKey: String
    var noun: String
    var nouns: String
    /// How many records may be chosen.
    var total: () async throws -> Int
    /// All of them, in the order shown (only called when there are at most `listAll`).
    var all: () async throws -> [Option]
    /// The matches of a search: how many, and the first `limit` of them in the order shown.
    var search: (_ q: String, _ limit: Int) async throws -> (count: Int, options: [Option])
    /// The record of a value, when it may be chosen.
    var chosen: (_ value: String) async throws -> Option?
    /// Records listed first whatever is searched (a merge's likely duplicates), labelled as they are to be shown.
    var pinned: [Option] = []

    /// The search box's input name for the picker of `name`.
    static func searchName(_ name: String) -> String { name + "_q" }

    func field(_ req: Request, name: String, label: String, state: FormState, none: String, required: Bool = false,
               hint: String? = nil) async throws -> HTML {
        let lang = req.language
        var state = state
        let total = try await self.total()
        if total <= Self.listAll {
            return Form.field(name, label: label, state: state, kind: .select([("", none)] + withPinned(try await all())), required: required, hint: hint)
        }
        let q = String(state.value(Self.searchName(name)).trimmingCharacters(in: .whitespaces).prefix(100))
        var found: [Option] = [], matches = 0
        if !q.isEmpty { (matches, found) = try await search(q, Self.shown) }
        let value = state.value(name)
        if !value.isEmpty, !found.contains(where: { $0.value == value }), !pinned.contains(where: { $0.value == value }),
           let c = try await chosen(value) { found.insert(c, at: 0) }
        let lone = matches == 1 ? found.last : nil
        // This picker's own search: one match is taken as the choice, replacing one made before (a pre-filled sponsor
        // kept selected beside the one match found looked chosen and was saved).
        let searched = RegionPicker.step(req) == name
        let status: String
        if q.isEmpty { status = L10n.format(typeKey, lang, [String(total), noun, nouns]) }
        else if matches == 0 { status = L10n.format("picker.none", lang, [q, noun]) }
        else if matches > Self.shown { status = L10n.format("picker.more", lang, [String(Self.shown), String(matches)]) }
        else if matches == 1 && (value.isEmpty || searched), let only = lone {
            state.values[name] = only.value
            status = L10n.format("picker.one", lang, [q, noun])
        } else { status = L10n.format("picker.found", lang, [String(matches), noun, nouns]) }
        let fid = name.replacingOccurrences(of: ".", with: "-")
        // After this picker's search (posted back without JavaScript) the cursor goes to its results, or back to the
        // search box when nothing matched: the browser scrolls there instead of opening the page at its top.
        let stepped = searched && req.method == .POST
        let focusResults: HTML = stepped && matches > 0 ? "autofocus" : "", focusSearch: HTML = stepped && matches == 0 ? " autofocus" : ""
        return """
        <div class="field picker-search" data-msg-failed="\(L10n.t("picker.failed", lang))"><label for="\(fid)-q">\(L10n.format(searchKey, lang, [noun]))</label>
          <p class="hint" id="\(fid)-q-hint">\(status)</p>
          <div class="inline"><input type="search" id="\(fid)-q" name="\(Self.searchName(name))" value="\(q)" maxlength="100" aria-describedby="\(fid)-q-hint"\(focusSearch)>
          <button type="submit" class="secondary" formnovalidate name="\(RegionPicker.stepName)" value="\(name)">\(L10n.t("picker.find", lang))</button></div>
        </div>
        \(Form.field(name, label: label, state: state, kind: .select([("", none)] + withPinned(found)), required: required, hint: hint,
                     attributes: focusResults))
        """
    }

    /// `options` after the pinned records, each listed once (a pinned record keeps its place and label).
    private func withPinned(_ options: [Option]) -> [Option] {
        let first = Set(pinned.map(\.value))
        return pinned + options.filter { !first.contains($0.value) }
    }
}
