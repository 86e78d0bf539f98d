import Vapor

/// The field-work pages (daily reports, tasks, the leader view, the field app's offline page): routes are
/// registered from these cases and every link is built from them; the top-level paths are `SiteURL`'s.
enum FieldWorkURL: SitePath, Equatable {
    typealias Param = URLParam

    case dailyReports, dailyReportsSummary
    case dailyReport(Param)
    case entries(Param), entriesJSON(Param)
    case entryDelete(Param, entry: Param), entryEdit(Param, entry: Param)
    case photo(Param, photo: Param)
    case submit(Param), decision(Param)
    case offline
    case tasks, taskDone(Param)
    case leader, leaderCSV

    var segments: [URLSegment] {
        switch self {
        case .dailyReports: return SiteURL.dailyReports.segments
        case .dailyReportsSummary: return SiteURL.dailyReports.segments + ["summary"]
        case .dailyReport(let p): return SiteURL.dailyReports.segments + [.param("id", p)]
        case .entries(let p): return SiteURL.dailyReports.segments + [.param("id", p), "entries"]
        case .entriesJSON(let p): return SiteURL.dailyReports.segments + [.param("id", p), "entries.json"]
        case .entryDelete(let p, let e): return SiteURL.dailyReports.segments + [.param("id", p), "entries", .param("entry", e), "delete"]
        case .entryEdit(let p, let e): return SiteURL.dailyReports.segments + [.param("id", p), "entries", .param("entry", e), "edit"]
        case .photo(let p, let photo): return SiteURL.dailyReports.segments + [.param("id", p), "photos", .param("photo", photo)]
        case .submit(let p): return SiteURL.dailyReports.segments + [.param("id", p), "submit"]
        case .decision(let p): return SiteURL.dailyReports.segments + [.param("id", p), "decision"]
        case .offline: return ["offline"]
        case .tasks: return SiteURL.tasks.segments
        case .taskDone(let p): return SiteURL.tasks.segments + [.param("id", p), "done"]
        case .leader: return SiteURL.leader.segments
        case .leaderCSV: return ["leader.csv"]
        }
    }

    /// The anchor of a task's row on `/tasks` (the link of its notifications).
    static func task(_ id: UUID) -> String { tasks.path + "#task-" + id.uuidString }
}
