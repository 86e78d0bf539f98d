import Deadlines
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

    /// Minimal by design (UU 27/2022): each person by name with the permit's end and what to do; no passport
    /// or permit number. The details are in the portal, behind the sign-in.
    static func compose(sponsor: Sponsor, items: [EarlyWarnings.Found], day: String, lang: Language, config: AppConfig,
                        people: [UUID: EarlyWarnings.Person], rules: RuleBook) -> (subject: String, body: String) {
        let listed = listed(items)
        let overstays = items.filter { $0.threshold == PermitWarning.overstay }.count
        let shownDay = LocalTime.formatDay(day, lang: lang) ?? day
        let subject = overstays > 0
            ? L10n.f("warn.subject.overstay", lang, items.count, overstays, shownDay)
            : L10n.f("warn.subject", lang, items.count, shownDay)
        var lines = [L10n.f("warn.greeting", lang, sponsor.name), "", L10n.t("warn.intro", lang), ""]
        for (n, item) in listed.enumerated() {
            lines.append("\(n + 1). \(people[item.foreignerID]?.full_name ?? "—")")
            let end = LocalTime.formatDay(item.end, lang: lang) ?? item.end
            if item.threshold == PermitWarning.overstay {
                let fine = OverstayFine.compute(permitEnd: item.end, today: day, rules: rules)
                lines.append("   " + L10n.f("warn.ends.overstay", lang, end, fine.days))
                lines.append("   " + L10n.f("warn.fee", lang, OverstayFine.rupiah(fine.amountIDR)) + (fine.deportationCase ? " " + L10n.t("warn.deportation", lang) : ""))
                lines.append("   " + L10n.t("warn.todo.overstay", lang))
            } else {
                let left = Day.between(day, item.end) ?? 0
                lines.append("   " + (left == 0 ? L10n.f("warn.ends.today", lang, end) : L10n.f("warn.ends.left", lang, end, left)))
                lines.append("   " + L10n.f(left <= 14 ? "warn.todo.urgent" : "warn.todo.extend", lang, end))
            }
            lines.append("")
        }
        if items.count > listed.count { lines.append(L10n.f("warn.more", lang, items.count - listed.count)); lines.append("") }
        let base = config.publicURL.hasSuffix("/") ? String(config.publicURL.dropLast()) : config.publicURL
        lines.append(L10n.f("warn.portalSignIn", lang, base + SiteURL.portal.path))
        lines.append("")
        lines.append(L10n.t("warn.footer", lang))
        return (subject, lines.joined(separator: "\n"))
    }
}
