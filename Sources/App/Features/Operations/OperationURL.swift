/// The addresses of the joint-operation pages, declared once: routes are registered from them and every
/// link is built from them. The list and a single operation are `SiteURL`'s own top-level pages.
enum OperationURL: SitePath {
    case list
    case show(URLParam)
    case results(URLParam)
    case actions(URLParam)
    case complete(URLParam)
    case transition(URLParam, URLParam)

    var segments: [URLSegment] {
        switch self {
        case .list: return SiteURL.operations.segments
        case .show(let p): return SiteURL.operation(p).segments
        case .results(let p): return SiteURL.operation(p).segments + ["results"]
        case .actions(let p): return SiteURL.operation(p).segments + ["actions"]
        case .complete(let p): return SiteURL.operation(p).segments + ["complete"]
        case .transition(let p, let a): return SiteURL.operation(p).segments + ["actions", .param("actionId", a), "transition"]
        }
    }
}
