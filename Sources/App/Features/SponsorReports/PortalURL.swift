/// The sponsor portal's and the report review's addresses that `SiteURL` does not list (form actions).
/// Routes are registered from these cases and every link or form action is built from them.
enum PortalURL: SitePath, Equatable {
    /// The report form posts here; a GET (the region picker's round trip without JavaScript) shows the form.
    case reports
    case contact
    case review(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .reports: return SiteURL.portal.segments + ["reports"]
        case .contact: return SiteURL.portal.segments + ["contact"]
        case .review(let p): return SiteURL.sponsorReports.segments + [.param("id", p), "review"]
        }
    }
}
