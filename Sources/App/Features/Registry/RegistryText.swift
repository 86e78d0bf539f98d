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

    /// One permit's status on `today`: an active permit that starts later is not valid yet ("Belum berlaku (mulai 12 Jan
    /// 2027)"), and one whose last day has passed has ended ("Berakhir 3 Des 2026"), whatever the stored status still says.
    static func permitStatus(_ code: String, startOn: String, endOn: String, today: String, _ lang: Language) -> String {
        guard code == PermitStatus.active.rawValue else { return permitStatus(code, lang) }
        if startOn > today { return PermitState.notYetValid(from: startOn).label(lang) }
        if endOn < today { return L10n.format("permit.endedOn", lang, [LocalTime.formatDay(endOn, lang: lang) ?? endOn]) }
        return permitStatus(code, lang)
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

    /// A history value in words where it is a code (yes/no, civil status, sex, permit status), a region by its name
    /// (`places`: names by code, from `historyRegionCodes`); others as they are.
    static func historyValue(_ field: String, _ value: String?, _ lang: Language, places: [String: String]) -> HTML {
        guard let value else { return "—" }
        if let region = historyRegion(field, value) {
            return region.line.map { "\($0), \(Views.place(region.code, in: places))" } ?? Views.place(region.code, in: places)
        }
        return "\(historyText(field, value, lang))"
    }

    /// The regions a history's values name, to be looked up once for the page.
    static func historyRegionCodes(_ history: [RegistryFeedController.HistoryItem]) -> [String] {
        history.flatMap { h in [h.old, h.new].compactMap { historyRegion(h.field, $0)?.code } }
    }

    /// The region in a history value: a village code (a sponsor's or an address's `villageCode`), or an address written
    /// as "Jl. Raya 1, 35.16.05.2010" (its line, then its village's code).
    static func historyRegion(_ field: String, _ value: String?) -> (line: String?, code: String)? {
        func isVillage(_ s: Substring) -> Bool { RegionCode.isValid(String(s)) && s.split(separator: ".").count == 4 }
        guard let value else { return nil }
        switch field {
        case "villageCode", "address.villageCode":
            return isVillage(value[...]) ? (nil, value) : nil
        case "address":
            guard let comma = value.range(of: ", ", options: .backwards), isVillage(value[comma.upperBound...]) else { return nil }
            return (String(value[..<comma.lowerBound]), String(value[comma.upperBound...]))
        default:
            return nil
        }
    }

    private static func historyText(_ field: String, _ value: String, _ lang: Language) -> String {
        switch field {
        case "spouseOfCitizen": return L10n.t(value == "true" ? "reg.yes" : "reg.no", lang)
        case "civilStatus": return L10n.has("civil.\(value)") ? L10n.t("civil.\(value)", lang) : value
        case "sex": return sex(value, lang)
        case "permit.status": return permitStatus(value, lang)
        default: return LocalTime.daysInText(value, lang: lang)
        }
    }

}
