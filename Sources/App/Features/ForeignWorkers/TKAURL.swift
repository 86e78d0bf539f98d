/// Addresses of the foreign-worker documents that `SiteURL` does not list: the portal's three form
/// actions and the officers' read-only page of one sponsor. Routes are registered from these cases.
enum TKAURL: SitePath, Equatable {
    case rptka, assignments, payments
    case sponsor(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .rptka: return SiteURL.portalTKA.segments + ["rptka"]
        case .assignments: return SiteURL.portalTKA.segments + ["assignments"]
        case .payments: return SiteURL.portalTKA.segments + ["payments"]
        case .sponsor(let p): return SiteURL.sponsor(p).segments + ["tka"]
        }
    }
}
