/// The navigation, grouped by task: at most five top-level items per role; the rest sit in menus
/// (`<details>`: they open by click, tap or keyboard, and need no script). Notifications, the account
/// and the language switch sit beside it.
enum Navigation {
    enum Item {
        case link(SiteURL, String)
        case menu(String, [(SiteURL, String)])
    }

    static func items(for p: Principal) -> [Item] {
        switch p.role {
        case .officer, .supervisor:
            var field: [(SiteURL, String)] = [(.dailyReports, "nav.dailyReports"), (.tasks, "nav.tasks"), (.inspections, "nav.inspections"), (.operations, "nav.operations"), (.meetings, "nav.meetings"), (.orders, "nav.orders")]
            if ScopePolicy.maySupervise(p) { field.insert((.leader, "nav.leader"), at: 0) }
            return [
                .link(.home, "nav.dashboard"),
                .link(.lookup, "nav.lookup"),
                .menu("nav.group.field", field),
                .menu("nav.group.registry", [(.foreigners, "nav.foreigners"), (.sponsors, "nav.sponsors"), (.overstays, "nav.overstays"), (.warnings, "nav.warnings"), (.pendingChanges, "nav.pendingChanges"), (.proposedChanges, "nav.proposedChanges")]),
                .menu("nav.group.incoming", [(.sponsorReports, "nav.sponsorReports"), (.publicReports, "nav.publicReports"), (.imports, "nav.imports"), (.discrepancies, "nav.discrepancies")]),
            ]
        case .sponsor:
            var items: [Item] = [.link(.home, "nav.dashboard"), .link(.portal, "nav.portal"), .link(.foreigners, "nav.foreigners")]
            if let s = p.sponsorID { items.append(.link(.sponsor(.id(s)), "nav.company")) }
            items.append(.link(.inspections, "nav.inspections"))
            return items
        case .admin:
            return [.link(.home, "nav.dashboard"), .link(.adminUsers, "nav.users"),
                    .menu("nav.group.reference", [(.adminOffices, "nav.offices"), (.adminAgencies, "nav.agencies"), (.adminPermitTypes, "nav.permitTypes"), (.adminRules, "nav.rules")]),
                    .link(.adminAudit, "nav.audit"), .link(.adminOutbox, "nav.outbox")]
        case .integration:
            return []
        case .agency:
            return [.link(.home, "nav.dashboard"), .link(.operations, "nav.operations"), .link(.meetings, "nav.meetings"), .link(.imports, "nav.imports"), .link(.discrepancies, "nav.discrepancies")]
        }
    }

    static func menu(for p: Principal, path: String, lang: Language) -> HTML {
        let entries = items(for: p).html { item in
            switch item {
            case .link(let url, let key):
                return "<li>\(link(url, key, path, lang))</li>"
            case .menu(let key, let links):
                let open = links.contains { $0.0.isCurrent(path) }
                return """
                <li><details class="menu"\(open ? HTML(" data-current") : "")><summary>\(L10n.t(key, lang))</summary>
                <ul>\(links.html { "<li>\(link($0.0, $0.1, path, lang))</li>" })</ul></details></li>
                """
            }
        }
        return "<nav aria-label=\"\(L10n.t("nav.main", lang))\"><ul class=\"nav\">\(entries)</ul></nav>"
    }

    private static func link(_ url: SiteURL, _ key: String, _ path: String, _ lang: Language) -> HTML {
        "<a href=\"\(url.path)\"\(url.isCurrent(path) ? HTML(" aria-current=\"page\"") : "")>\(L10n.t(key, lang))</a>"
    }
}
