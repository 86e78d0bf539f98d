import Fluent
import Foundation

/// The text of one sponsor's daily digest: each foreigner, the permit, how many days are left (or
/// overstayed, with the fee so far) and what to do, in the sponsor's language.
enum WarningDigest {
    /// At most this many people are listed; the rest are counted with a link to the portal.
    static let maxListed = 200

    static func compose(sponsor: Sponsor, items: [EarlyWarnings.Found], day: String, lang: Language,
                        config: AppConfig, db: any Database) async throws -> (subject: String, body: String) {
        let sorted = items.sorted { ($0.end_on, $0.permit_id.uuidString) < ($1.end_on, $1.permit_id.uuidString) }
        let listed = Array(sorted.prefix(maxListed))
        let foreigners = try await Foreigner.query(on: db).filter(\.$id ~~ listed.map(\.foreigner_id)).all()
        let permits = try await StayPermit.query(on: db).filter(\.$id ~~ listed.map(\.permit_id)).all()
        let byForeigner = Dictionary(uniqueKeysWithValues: foreigners.map { ($0.id!, $0) })
        let byPermit = Dictionary(uniqueKeysWithValues: permits.map { ($0.id!, $0) })
        let rates = try await OverstayFeeRate.query(on: db).all()
        let overstays = items.filter { $0.threshold == PermitWarning.overstay }.count
        let subject = overstays > 0
            ? L10n.f("warn.subject.overstay", lang, items.count, overstays, day)
            : L10n.f("warn.subject", lang, items.count, day)
        var lines = [L10n.f("warn.greeting", lang, sponsor.name), "", L10n.t("warn.intro", lang), ""]
        for (n, item) in listed.enumerated() {
            let f = byForeigner[item.foreigner_id]
            let p = byPermit[item.permit_id]
            let who = "\(f?.fullName ?? "—") (\(f?.nationality ?? "—")), \(L10n.t("warn.passport", lang)) \(f?.passportNumber ?? "—")"
            lines.append("\(n + 1). \(who)")
            let permit = "\(p?.$type.id ?? "") \(p?.number ?? "")".trimmingCharacters(in: .whitespaces)
            if item.threshold == PermitWarning.overstay {
                let fine = OverstayFine.compute(permitEnd: item.end_on, today: day, rates: rates)
                lines.append("   " + L10n.f("warn.line.overstay", lang, permit, item.end_on, fine.days))
                lines.append("   " + L10n.f("warn.fee", lang, rupiah(fine.amountIDR)) + (fine.deportationCase ? " " + L10n.t("warn.deportation", lang) : ""))
                lines.append("   " + L10n.t("warn.todo.overstay", lang))
            } else {
                let left = Day.between(day, item.end_on) ?? 0
                lines.append("   " + (left == 0 ? L10n.f("warn.line.today", lang, permit, item.end_on) : L10n.f("warn.line.left", lang, permit, item.end_on, left)))
                lines.append("   " + L10n.f(left <= 14 ? "warn.todo.urgent" : "warn.todo.extend", lang, item.end_on))
            }
            lines.append("")
        }
        if sorted.count > listed.count { lines.append(L10n.f("warn.more", lang, sorted.count - listed.count)); lines.append("") }
        let portal = config.publicURL.hasSuffix("/") ? String(config.publicURL.dropLast()) : config.publicURL
        lines.append(L10n.f("warn.portal", lang, "\(portal)/portal"))
        lines.append("")
        lines.append(L10n.t("warn.footer", lang))
        return (subject, lines.joined(separator: "\n"))
    }

    static func rupiah(_ amount: Int64) -> String {
        "Rp " + amount.formatted(.number.grouping(.automatic).locale(Locale(identifier: "id_ID")))
    }
}
