import Fluent
import Vapor

/// A sponsor chosen on a form, from the sponsors a query allows (the user's scope): a `SearchPicker` that finds a
/// sponsor by name, NIB or NPWP. `pinned`: sponsors listed first, marked ★ (the likely duplicates of a merge);
/// `identifiers`: every sponsor labelled with its NIB and NPWP, not only namesakes (a merge compares them).
enum SponsorPicker {
    static func field(_ req: Request, name: String, label: String, state: FormState, none: String,
                      from query: QueryBuilder<Sponsor>, companies: Bool = false, pinned: [Sponsor] = [], identifiers: Bool = false, required: Bool = false,
                      hint: String? = nil) async throws -> HTML {
        let lang = req.language
        func options(_ list: [Sponsor]) -> [SearchPicker.Option] { identifiers ? list.map(labelled) : Self.options(list) }
        let picker = SearchPicker(
            searchKey: "sponsorPicker.search", typeKey: "sponsorPicker.type",
            noun: L10n.t(companies ? "sponsorPicker.company" : "sponsorPicker.sponsor", lang),
            nouns: L10n.t(companies ? "sponsorPicker.companies" : "sponsorPicker.sponsors", lang),
            total: { try await query.copy().count() },
            all: { options(try await query.copy().sort(\.$name).sort(\.$id).all()) },
            search: { q, limit in
                let (found, total) = try await SponsorsController.matching(q, query.copy()).sort(\.$name).sort(\.$id).pageCountingAll(0..<limit)
                // Among search results two near names ("PT ABC" and "PT. ABC") are told apart by NIB and NPWP.
                return (total, found.map(labelled))
            },
            chosen: { value in
                guard let id = UUID(uuidString: value), let s = try await query.copy().filter(\.$id == id).first() else { return nil }
                return labelled(s)
            },
            pinned: options(pinned).map { (value: $0.value, label: "★ " + $0.label) })
        return try await picker.field(req, name: name, label: label, state: state, none: none, required: required, hint: hint)
    }

    /// A sponsor by name, NIB and NPWP; by name and address when it has neither.
    static func labelled(_ s: Sponsor) -> SearchPicker.Option {
        let ids = [s.nib.map { "NIB \($0)" }, s.npwp.map { "NPWP \($0)" }].compactMap { $0 }
        let address = s.address.count > 40 ? String(s.address.prefix(39)) + "…" : s.address
        return (s.id!.uuidString, ([s.name] + (ids.isEmpty ? [address].filter { !$0.isEmpty } : ids)).joined(separator: " · "))
    }

    /// Sponsors to choose from, by name; namesakes (two people called Agus Setiawan) also by address and NIB, so
    /// that they can be told apart.
    static func options(_ sponsors: [Sponsor]) -> [SearchPicker.Option] {
        var count: [String: Int] = [:]
        for s in sponsors { count[s.name.uppercased(), default: 0] += 1 }
        return sponsors.map { s in
            guard count[s.name.uppercased(), default: 0] > 1 else { return (s.id!.uuidString, s.name) }
            let address = s.address.count > 40 ? String(s.address.prefix(39)) + "…" : s.address
            return (s.id!.uuidString, ([s.name, address] + [s.nib.map { "NIB \($0)" }].compactMap { $0 }).joined(separator: " · "))
        }
    }
}
