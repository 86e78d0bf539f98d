/// Addresses of the foreign-worker documents that `SiteURL` does not list: the portal's three form
/// actions and the officers' read-only page of one sponsor. Routes are registered from these cases.
enum TKAURL: SitePath, Equatable {
    case rptka, assignments, payments
    case sponsor(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .rptka: return ["portal", "tka", "rptka"]
        case .assignments: return ["portal", "tka", "assignments"]
        case .payments: return ["portal", "tka", "payments"]
        case .sponsor(let p): return ["sponsors", .param("id", p), "tka"]
        }
    }
}
