/// The registry's coded values as people read them, in the page's language: nationalities with their
/// code ("Tiongkok (CHN)"), sexes, permit categories and permit statuses. A value without a text is
/// shown as it is stored rather than as a missing key.
enum RegistryText {
    /// "Asem Rowo, Kec. Asem Rowo, Kota Surabaya": an address's village with its kecamatan and regency, by name.
    static func place(_ a: ForeignerDetail.AddressDTO, _ lang: Language) -> String {
        let district = a.districtName.map { L10n.format("f.districtOf", lang, [$0]) }
        return [a.villageName, district, a.regencyName].compactMap { $0 }.joined(separator: ", ")
    }

    static func nationality(_ code: String, _ lang: Language) -> String {
        let key = "country.\(code)"
        return L10n.has(key) ? "\(L10n.t(key, lang)) (\(code))" : code
    }

    static func sex(_ code: String, _ lang: Language) -> String {
        known("sex.\(code)", lang) ?? code
    }

    /// `ITK`, `ITAS`, `ITAP`, `other`; nil (no current permit) as "Tanpa izin".
    static func category(_ code: String?, _ lang: Language) -> String {
        guard let code else { return L10n.t("status.noPermit", lang) }
        return known("category.\(code)", lang) ?? code
    }

    static func permitStatus(_ code: String, _ lang: Language) -> String {
        known("permit.status.\(code)", lang) ?? code
    }

    static func known(_ key: String, _ lang: Language) -> String? {
        L10n.has(key) ? L10n.t(key, lang) : nil
    }

    /// A history row's field ("permit.endOn") in words; unknown fields as they are.
    static func historyField(_ field: String, _ lang: Language) -> String {
        L10n.has("h.field." + field) ? L10n.t("h.field." + field, lang) : field
    }

    /// Where a change came from: the feed (`batch:ID`), an officer, an approved identity change.
    static func historySource(_ source: String, _ lang: Language) -> String {
        let kind = String(source.prefix { $0 != ":" })
        return L10n.has("h.src." + kind) ? L10n.t("h.src." + kind, lang) : source
    }

    /// A history value in words where it is a code (yes/no, civil status, sex, permit status); others as they are.
    static func historyValue(_ field: String, _ value: String?, _ lang: Language) -> String {
        guard let value else { return "—" }
        switch field {
        case "spouseOfCitizen": return L10n.t(value == "true" ? "reg.yes" : "reg.no", lang)
        case "civilStatus": return L10n.has("civil.\(value)") ? L10n.t("civil.\(value)", lang) : value
        case "sex": return sex(value, lang)
        case "permit.status": return permitStatus(value, lang)
        default: return value
        }
    }
}
