import Fluent
import Vapor

/// Places picked by name: Provinsi → Kabupaten/Kota → Kecamatan → Kelurahan/Desa.
///
/// Without JavaScript it is four plain selects; "Tampilkan pilihan" posts the form to its own action with the step
/// button's name (`stepName`): the page is shown again with everything typed kept and the next list filled, and
/// nothing is saved (`FormPages`). What was typed travels in the body, never in a URL. With JavaScript (`/static/ui.js`) each choice
/// fills the next list at once, and a search box finds a village by typing part of its name
/// (`GET /api/v1/regions`). Codes are only secondary text. The deepest select carries the field's own
/// name (`kelurahanCode`), the others `name_province`, `name_regency` and `name_district`.
enum RegionPicker {
    static let levels: [RegionLevel] = [.province, .regency, .district, .village]

    static func inputName(_ name: String, _ level: RegionLevel, depth: RegionLevel) -> String {
        level == depth ? name : "\(name)_\(level.rawValue)"
    }

    /// Every input name the picker for `name` sends: its own and those of the levels above.
    static func inputNames(_ name: String, depth: RegionLevel) -> [String] {
        levels.prefix(through: levels.firstIndex(of: depth)!).map { inputName(name, $0, depth: depth) }
    }

    /// The name of the step button ("show the next choices"); its value is the picker's field.
    static let stepName = "_picker"

    /// The picker whose step asked for the page: from the body of a form posted back by its step button, or from
    /// the query (a form sent with GET, such as a list's filters, and the sponsor search's in-place request).
    static func step(_ req: Request) -> String? {
        if let v = req.queryValue(stepName) { return v }
        guard req.method == .POST, let type = req.headers.contentType else { return nil }
        if type == .urlEncodedForm { return try? req.content.get(String.self, at: stepName) }
        // A multipart body (a form with a photo, an upload of a list) is decoded only when it names the step's button:
        // an upload of tens of megabytes is not parsed once more for a field it does not have.
        guard type.type == "multipart", let body = req.body.data,
              body.readableBytesView.withContiguousStorageIfAvailable({ Self.contains($0, "name=\"\(stepName)\"") }) ?? false else { return nil }
        return try? req.content.get(String.self, at: stepName)
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let base = bytes.baseAddress, bytes.count >= n.count else { return false }
        var i = 0
        while i <= bytes.count - n.count {
            // memchr finds each candidate first byte at memory speed; memcmp checks the rest.
            guard let hit = memchr(base + i, Int32(n[0]), bytes.count - n.count - i + 1) else { return false }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if n.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, n.count) }) == 0 { return true }
            i = at + 1
        }
        return false
    }

    /// Whether the page was asked for by a picker's step button: its form is to come back as typed.
    static func isStep(_ req: Request) -> Bool { step(req) != nil }

    /// The code chosen: the deepest level whose choice lies inside the one above it (a village left over
    /// from another province after the province was changed is ignored); "" when nothing is chosen. The
    /// field's own value may also be a full code on its own (an edit form, a link, the API's value).
    static func chosen(_ values: [String: String], name: String, depth: RegionLevel = .village) -> String {
        let depthIndex = levels.firstIndex(of: depth)!
        func value(_ level: RegionLevel) -> String {
            (values[inputName(name, level, depth: depth)] ?? "").trimmingCharacters(in: .whitespaces)
        }
        func isCode(_ v: String, at index: Int) -> Bool {
            RegionCode.isValid(v) && v.split(separator: ".").count == index + 1
        }
        var chain = ""
        for (index, level) in levels.prefix(depthIndex).enumerated() {
            let v = value(level)
            guard isCode(v, at: index), chain.isEmpty || v.hasPrefix(chain + ".") else { break }
            chain = v
        }
        let own = value(depth)
        // The deepest field may hold a code of its own level, or a shallower one kept from an earlier form.
        if RegionCode.isValid(own), own.split(separator: ".").count <= depthIndex + 1,
           chain.isEmpty || own.hasPrefix(chain + ".") || chain.hasPrefix(own) {
            return own.count >= chain.count ? own : chain
        }
        return chain
    }

    /// The picker as a form field. `within`: regency codes the choice must lie in (an officer's jurisdiction).
    static func field(_ req: Request, name: String, label: String, state: FormState, depth: RegionLevel = .village,
                      within: [String]? = nil, required: Bool = false, hint: String? = nil) async throws -> HTML {
        let lang = req.language
        let code = chosen(state.values, name: name, depth: depth)
        let parts = code.split(separator: ".").map(String.init)
        func prefix(_ n: Int) -> String? { parts.count >= n ? parts[0..<n].joined(separator: ".") : nil }
        let province = prefix(1), regency = prefix(2), district = prefix(3), village = prefix(4)
        let withinProvinces = within.map { Set($0.map { String($0.prefix(2)) }) }

        let db = req.db
        var provinces = try await Region.query(on: db).filter(\.$level == RegionLevel.province.rawValue).sort(\.$name).all()
        if let wp = withinProvinces { provinces = provinces.filter { wp.contains($0.id!) } }
        var regencies = try await children(of: province ?? (provinces.count == 1 ? provinces[0].id : nil), db)
        if let within { regencies = regencies.filter { within.contains($0.id!) } }
        let effectiveProvince = province ?? (provinces.count == 1 ? provinces[0].id : nil)
        let effectiveRegency = regency ?? (regencies.count == 1 ? regencies[0].id : nil)
        let districts = depth == .province || depth == .regency ? [] : try await children(of: effectiveRegency, db)
        let villages = depth == .village ? try await children(of: district, db) : []

        let fid = name.replacingOccurrences(of: ".", with: "-")
        let error = state.errors[name]
        let lists: [(RegionLevel, [Region], String?)] = [(.province, provinces, effectiveProvince), (.regency, regencies, effectiveRegency), (.district, districts, district), (.village, villages, village)]
        let shown = lists.prefix(through: levels.firstIndex(of: depth)!)
        let focusLevel = shown.last { !$0.1.isEmpty }?.0
        let stepped = step(req) == name && req.method == .POST
        let selects = lists.prefix(through: levels.firstIndex(of: depth)!).html { level, options, selected in
            let input = inputName(name, level, depth: depth)
            let id = "\(fid)-\(level.rawValue)"
            let placeholder = L10n.t(options.isEmpty ? "region.chooseAbove" : "region.choose", lang)
            let opts = options.html { r in
                "<option value=\"\(r.id!)\"\(r.id == selected ? HTML(" selected") : "")>\(r.name)</option>"
            }
            var invalid: HTML = error != nil && level == depth ? " aria-invalid=\"true\" aria-describedby=\"\(fid)-error\"" : ""
            // After a failure, or after this picker's step, the cursor goes to the list the user still has to choose
            // from: the browser scrolls to it instead of opening the page at its top.
            if level == focusLevel && stepped { invalid = "\(invalid) autofocus" } else if level == focusLevel && error != nil { invalid = "\(invalid)\(Form.focusCandidate)" }
            return """
            <div class="region-level"><label for="\(id)">\(L10n.t("region.level.\(level.rawValue)", lang))</label>
            <select id="\(id)" name="\(input)" data-level="\(level.rawValue)"\(options.isEmpty ? HTML(" disabled") : "")\(invalid)><option value="">\(placeholder)</option>\(opts)</select></div>
            """
        }
        let chosenText: HTML = code.isEmpty ? "" : "<p class=\"hint region-chosen\">\(L10n.t("region.code", lang)) <span class=\"code\">\(code)</span></p>"
        let mark: HTML = required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : ""
        let errorHTML: HTML = error.map { "<p class=\"field-error\" id=\"\(fid)-error\">\($0)</p>" } ?? ""
        let hintHTML: HTML = hint.map { "<p class=\"hint\">\($0)</p>" } ?? ""
        return """
        <fieldset class="region-picker\(error != nil ? HTML(" has-error") : "")\(req.principal?.role == .admin ? "" : HTML(" plain-names"))" id="\(fid)-picker" data-name="\(name)" data-depth="\(depth.rawValue)" data-within="\((within ?? []).joined(separator: ","))" data-msg-none="\(L10n.t("region.none", lang))" data-msg-choose="\(L10n.t("region.choose", lang))" data-msg-count="\(L10n.t("region.count", lang))" data-msg-more="\(L10n.t("region.more", lang))" data-msg-failed="\(L10n.t("region.failed", lang))">
          <legend>\(label)\(mark)</legend>
          \(hintHTML)
          <div class="region-search" hidden>
            <label for="\(fid)-search">\(L10n.t(depth == .village ? "region.search" : "region.search.\(depth.rawValue)", lang))</label>
            <input id="\(fid)-search" type="text" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="\(fid)-results" placeholder="\(L10n.t(depth == .village ? "region.searchPlaceholder" : "region.searchPlaceholder.\(depth.rawValue)", lang))">
            <p class="hint region-more" hidden></p>
            <ul id="\(fid)-results" role="listbox" class="region-results" aria-label="\(L10n.t("region.results", lang))" hidden></ul>
            <p class="hint region-status" aria-live="polite"></p>
          </div>
          <div class="region-levels">\(selects)</div>
          <p class="region-next"><button type="submit" class="secondary" formnovalidate name="\(stepName)" value="\(name)">\(L10n.t("region.next", lang))</button></p>
          \(chosenText)
          \(errorHTML)
        </fieldset>
        """
    }

    private static func children(of code: String?, _ db: any Database) async throws -> [Region] {
        guard let code else { return [] }
        return try await Region.query(on: db).filter(\.$parentCode == code).sort(\.$name).all()
    }
}
