import Foundation

/// The import pages' addresses (see `SitePath`).
enum ImportsURL: SitePath {
    case list, new, upload, template(URLParam), preview(URLParam), confirm
    case show(URLParam), progress(URLParam), cancel(URLParam), rerun(URLParam)
    case rows(URLParam), decision(URLParam, URLParam)
    case discrepancies, discrepancyKind(URLParam), discrepancyCSV(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .list: return ["imports"]
        case .new: return ["imports", "new"]
        case .upload: return ["imports", "upload"]
        case .template(let k): return ["imports", "template", .param("kind", k)]
        case .preview(let t): return ["imports", "preview", .param("token", t)]
        case .confirm: return ["imports", "confirm"]
        case .show(let id): return ["imports", .param("id", id)]
        case .progress(let id): return ["imports", .param("id", id), "progress"]
        case .cancel(let id): return ["imports", .param("id", id), "cancel"]
        case .rerun(let id): return ["imports", .param("id", id), "rerun"]
        case .rows(let id): return ["imports", .param("id", id), "rows"]
        case .decision(let id, let row): return ["imports", .param("id", id), "rows", .param("row", row), "decision"]
        case .discrepancies: return ["discrepancies"]
        case .discrepancyKind(let k): return ["discrepancies", .param("kind", k)]
        case .discrepancyCSV(let k): return ["discrepancies", .param("kind", k), "csv"]
        }
    }
}
