/// The addresses of the inspection pages, declared once (see `SitePath`).
enum InspectionURL: SitePath {
    case list
    case show(URLParam)
    case findings(URLParam)
    case complete(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .list: return SiteURL.inspections.segments
        case .show(let p): return SiteURL.inspection(p).segments
        case .findings(let p): return SiteURL.inspection(p).segments + ["findings"]
        case .complete(let p): return SiteURL.inspection(p).segments + ["complete"]
        }
    }
}
