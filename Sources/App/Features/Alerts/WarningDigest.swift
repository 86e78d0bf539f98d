import Foundation

/// The text of one sponsor's daily digest: each foreigner, the permit, how many days are left (or
/// overstayed, with the fee so far) and what to do, in the sponsor's language.
enum WarningDigest {
    /// At most this many people are listed; the rest are counted with a link to the portal.
    static let maxListed = 200

    /// The warnings a digest lists: the most urgent first, at most `maxListed`.
    static func listed(_ items: [EarlyWarnings.Found]) -> [EarlyWarnings.Found] {
        Array(items.sorted { ($0.end, $0.permitID.uuidString) < ($1.end, $1.permitID.uuidString) }.prefix(maxListed))
    }

    static func compose(sponsor: Sponsor, items: [EarlyWarnings.Found], day: String, lang: Language, config: AppConfig,
                        people: [UUID: EarlyWarnings.Person], permits: [UUID: EarlyWarnings.PermitInfo],
                        rates: [OverstayFeeRate]) -> (subject: String, body: String) {
        let listed = listed(items)
        let overstays = items.filter { $0.threshold == PermitWarning.overstay }.count
        let subject = overstays > 0
            ? L10n.f("warn.subject.overstay", lang, items.count, overstays, day)
            : L10n.f("warn.subject", lang, items.count, day)
        var lines = [L10n.f("warn.greeting", lang, sponsor.name), "", L10n.t("warn.intro", lang), ""]
        for (n, item) in listed.enumerated() {
            let f = people[item.foreignerID]
            let p = permits[item.permitID]
            let who = "\(f?.full_name ?? "—") (\(f?.nationality ?? "—")), \(L10n.t("warn.passport", lang)) \(f?.passport_number ?? "—")"
            lines.append("\(n + 1). \(who)")
            let permit = "\(p?.type_code ?? "") \(p?.number ?? "")".trimmingCharacters(in: .whitespaces)
            if item.threshold == PermitWarning.overstay {
                let fine = OverstayFine.compute(permitEnd: item.end, today: day, rates: rates)
                lines.append("   " + L10n.f("warn.line.overstay", lang, permit, item.end, fine.days))
                lines.append("   " + L10n.f("warn.fee", lang, OverstayFine.rupiah(fine.amountIDR)) + (fine.deportationCase ? " " + L10n.t("warn.deportation", lang) : ""))
                lines.append("   " + L10n.t("warn.todo.overstay", lang))
            } else {
                let left = Day.between(day, item.end) ?? 0
                lines.append("   " + (left == 0 ? L10n.f("warn.line.today", lang, permit, item.end) : L10n.f("warn.line.left", lang, permit, item.end, left)))
                lines.append("   " + L10n.f(left <= 14 ? "warn.todo.urgent" : "warn.todo.extend", lang, item.end))
            }
            lines.append("")
        }
        if items.count > listed.count { lines.append(L10n.f("warn.more", lang, items.count - listed.count)); lines.append("") }
        let portal = config.publicURL.hasSuffix("/") ? String(config.publicURL.dropLast()) : config.publicURL
        lines.append(L10n.f("warn.portal", lang, "\(portal)/portal"))
        lines.append("")
        lines.append(L10n.t("warn.footer", lang))
        return (subject, lines.joined(separator: "\n"))
    }
}
