import Foundation

/// The import and discrepancy pages' addresses (see `SitePath`); the top-level paths are `SiteURL`'s.
enum ImportsURL: SitePath {
    case list, new, upload, template(URLParam), preview(URLParam), confirm
    case show(URLParam), progress(URLParam), cancel(URLParam), rerun(URLParam)
    case rows(URLParam), decision(URLParam, URLParam), link(URLParam, URLParam), line(URLParam, URLParam)
    case discrepancies, discrepancyKind(URLParam), discrepancyCSV(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .list: return SiteURL.imports.segments
        case .new: return SiteURL.imports.segments + ["new"]
        case .upload: return SiteURL.imports.segments + ["upload"]
        case .template(let k): return SiteURL.imports.segments + ["template", .param("kind", k)]
        case .preview(let t): return SiteURL.imports.segments + ["preview", .param("token", t)]
        case .confirm: return SiteURL.imports.segments + ["confirm"]
        case .show(let id): return SiteURL.imports.segments + [.param("id", id)]
        case .progress(let id): return SiteURL.imports.segments + [.param("id", id), "progress"]
        case .cancel(let id): return SiteURL.imports.segments + [.param("id", id), "cancel"]
        case .rerun(let id): return SiteURL.imports.segments + [.param("id", id), "rerun"]
        case .rows(let id): return SiteURL.imports.segments + [.param("id", id), "rows"]
        case .decision(let id, let row): return SiteURL.imports.segments + [.param("id", id), "rows", .param("row", row), "decision"]
        case .link(let id, let row): return SiteURL.imports.segments + [.param("id", id), "rows", .param("row", row), "link"]
        case .line(let id, let line): return SiteURL.imports.segments + [.param("id", id), "lines", .param("line", line)]
        case .discrepancies: return SiteURL.discrepancies.segments
        case .discrepancyKind(let k): return SiteURL.discrepancies.segments + [.param("kind", k)]
        case .discrepancyCSV(let k): return SiteURL.discrepancies.segments + [.param("kind", k), "csv"]
        }
    }
}
