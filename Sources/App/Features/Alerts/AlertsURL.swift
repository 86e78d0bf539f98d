/// Addresses of the warnings pages that `SiteURL` does not list. Routes are registered from these cases.
enum AlertsURL: SitePath, Equatable {
    /// A supervisor runs today's warning scan now (POST).
    case runScan

    var segments: [URLSegment] {
        switch self {
        case .runScan: return SiteURL.warnings.segments + ["run"]
        }
    }
}
