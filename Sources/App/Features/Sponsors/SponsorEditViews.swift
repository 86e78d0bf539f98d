import Fluent
import Foundation
import Vapor

/// `/sponsors/new`, `/sponsors/{id}/edit` (with the merge of a duplicate) and `/sponsor-merges`.
enum SponsorEditViews {
    static let fields: Set<String> = ["kind", "name", "nib", "npwp", "sector", "address", "villageCode", "email", "phone", "language", "reason"]

    /// The form's values for a sponsor as it is now.
    static func values(_ s: Sponsor) -> FormState {
        FormState(values: ["kind": s.kind, "name": s.name, "nib": s.nib ?? "", "npwp": s.npwp ?? "", "sector": s.sector ?? "", "address": s.address,
                           "villageCode": s.villageCode, "email": s.email ?? "", "phone": s.phone ?? "", "language": s.language])
    }

    static func form(_ req: Request, sponsor: Sponsor?, state s: FormState, merge: FormState = .empty, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let picker = try await RegionPicker.field(req, name: "villageCode", label: L10n.t("f.village", lang), state: s, depth: .village,
                                                  within: p.jurisdiction, required: true, hint: L10n.t("sponsor.villageHint", lang))
        let kinds = [("company", L10n.t("s.company", lang)), ("individual", L10n.t("s.individual", lang))]
        let languages = [("id", "Bahasa Indonesia"), ("en", "English")]
        let action = sponsor.map { SponsorURL.edit(.id($0.id!)).path } ?? SponsorURL.new.path
        let title = sponsor.map { "\(L10n.t("sponsor.edit", lang)): \($0.name)" } ?? L10n.t("sponsor.new", lang)
        var mergeSection: HTML = ""
        if let sponsor {
            let likely = try await SponsorEdits.candidates(of: sponsor, req)
            let others = try ScopePolicy.sponsors(req).filter(\.$id != sponsor.id!).filter(\.$kind == sponsor.kind)
            let duplicate = try await SponsorPicker.field(req, name: "duplicateId", label: L10n.t("sponsor.duplicate", lang), state: merge,
                                                          none: L10n.t("reg.choose", lang), from: others, companies: sponsor.kind == "company",
                                                          pinned: likely, identifiers: true, required: true,
                                                          hint: likely.isEmpty ? L10n.t("sponsor.noLikely", lang) : L10n.t("sponsor.likelyHint", lang))
            mergeSection = """
            <section class="card" id="merge"><h2>\(L10n.t("sponsor.mergeTitle", lang))</h2>
            <p class="muted">\(L10n.t("sponsor.mergeIntro", lang))</p>
            \(Form.open(req, action: SponsorURL.merge(.id(sponsor.id!)).path, id: "merge-form", state: merge))
            \(duplicate)
            \(RegistryEditViews.reasonField(merge, lang, id: "merge-reason"))
            \(Form.submit(L10n.t("sponsor.mergeButton", lang), id: "merge-submit"))
            </form></section>
            """
        }
        return Views.page(req, title: title, body: """
        <h1>\(title)</h1>
        \(Form.open(req, action: action, id: "sponsor-form", state: s))
        \(Form.field("kind", label: L10n.t("s.kind", lang), state: s, kind: .select(kinds), required: true))
        \(Form.field("name", label: L10n.t("s.name", lang), state: s, required: true, hint: L10n.t("sponsor.nameHint", lang), attributes: "maxlength=\"200\""))
        \(Form.field("nib", label: L10n.t("s.nib", lang), state: s, hint: L10n.t("sponsor.nibHint", lang), attributes: "maxlength=\"20\" inputmode=\"numeric\" autocomplete=\"off\""))
        \(Form.field("npwp", label: L10n.t("s.npwp", lang), state: s, hint: L10n.t("sponsor.npwpHint", lang), attributes: "maxlength=\"25\" autocomplete=\"off\""))
        \(Form.field("sector", label: L10n.t("s.sector", lang), state: s, attributes: "maxlength=\"100\""))
        \(Form.field("address", label: L10n.t("f.address", lang), state: s, required: true, attributes: "maxlength=\"300\""))
        \(picker)
        \(Form.field("email", label: L10n.t("sponsor.email", lang), state: s, kind: .email, hint: L10n.t("sponsor.emailHint", lang), attributes: "maxlength=\"200\""))
        \(Form.field("phone", label: L10n.t("sponsor.phone", lang), state: s, attributes: "maxlength=\"30\" inputmode=\"tel\""))
        \(Form.field("language", label: L10n.t("sponsor.language", lang), state: s, kind: .select(languages), hint: L10n.t("sponsor.languageHint", lang)))
        \(RegistryEditViews.reasonField(s, lang, id: "reason"))
        \(Form.submit(L10n.t(sponsor == nil ? "sponsor.create" : "sponsor.save", lang)))
        </form>
        \(mergeSection)
        """, status: status)
    }

    struct MergesModel {
        var items: [SponsorMerge]
        var total: Int
        var paging: Paging
        var sponsors: [UUID: Sponsor]
        var counts: [UUID: Int]
        var filters: FormState
        var failed: (UUID, FormState)?
    }

    static func merges(_ req: Request, _ m: MergesModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let statuses = ProposalStatus.choices(lang)
        func facts(_ id: UUID) -> HTML {
            guard let s = m.sponsors[id] else { return "—" }
            return """
            <a href="\(SiteURL.sponsor(.id(id)).path)"><strong>\(s.name)</strong></a><br>
            NIB \(s.nib ?? "—") · NPWP \(s.npwp ?? "—")<br>\(s.address)<br>\(L10n.t("s.foreigners", lang)): \(m.counts[id] ?? 0)
            """
        }
        let cards: HTML = m.items.html { item in
            let id = item.id!
            let failed = m.failed?.0 == id ? m.failed?.1 : nil
            let accept = failed ?? FormState(values: ["keep": item.keptID.uuidString])
            let keepOptions = [(item.keptID.uuidString, m.sponsors[item.keptID]?.name ?? "—"), (item.mergedID.uuidString, m.sponsors[item.mergedID]?.name ?? "—")]
            let forms: HTML = item.status == "open" ? """
            \(Form.open(req, action: SponsorURL.accept(.id(id)).path, id: "accept-\(id)", state: accept))
            \(Form.field("keep", label: L10n.t("sponsor.keep", lang), state: accept, kind: .select(keepOptions), required: true, hint: L10n.t("sponsor.keepHint", lang), id: "keep-\(id)"))
            \(Form.field("note", label: L10n.t("prop.note", lang), state: accept, kind: .textarea(rows: 2), id: "accept-note-\(id)", attributes: "maxlength=\"500\" class=\"plain\""))
            \(Form.submit(L10n.t("sponsor.mergeButton", lang), id: "accept-submit-\(id)"))
            </form>
            \(Form.open(req, action: SponsorURL.reject(.id(id)).path, id: "reject-\(id)"))
            \(Form.field("note", label: L10n.t("prop.note", lang), state: .empty, kind: .textarea(rows: 2), id: "reject-note-\(id)", attributes: "maxlength=\"500\" class=\"plain\""))
            \(Form.submit(L10n.t("sponsor.notSame", lang), id: "reject-submit-\(id)", secondary: true))
            </form>
            """ : HTML("<p>\(L10n.t("prop.status.\(item.status)", lang)) · \(Views.time(item.decidedAt, req))</p>")
            return """
            <section class="card merge-proposal" id="merge-\(id.uuidString)">
            <p>\(L10n.t("sponsor.evidence.\(item.evidence)", lang)) · \(Views.time(item.createdAt, req))</p>
            <div class="two-columns"><div>\(facts(item.keptID))</div><div>\(facts(item.mergedID))</div></div>
            \(forms)
            </section>
            """
        }
        return Views.page(req, title: L10n.t("sponsor.merges", lang), body: """
        <h1>\(L10n.t("sponsor.merges", lang))</h1>
        <p class="muted">\(L10n.t("sponsor.mergesIntro", lang))</p>
        <div role="search">
        \(Form.open(req, action: SponsorURL.merges.path, id: "merge-filters", method: "get", state: m.filters, classes: "filters"))
        \(Form.field("status", label: L10n.t("list.status", lang), state: m.filters, kind: .select(statuses)))
        \(Form.submit(L10n.t("list.filter", lang)))
        </form></div>
        \(m.items.isEmpty ? Views.emptyList(req, "prop.none", page: m.paging.page, per: m.paging.per, total: m.total) : cards)
        \(Views.pagination(req, page: m.paging.page, per: m.paging.per, total: m.total))
        """, status: status)
    }
}
