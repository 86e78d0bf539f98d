import Vapor

/// The field-work pages (daily reports, tasks, the leader view, the field app's offline page), declared
/// once: routes are registered from these cases and every link is built from them.
enum FieldWorkURL: SitePath, Equatable {
    typealias Param = URLParam

    case dailyReports, dailyReportsSummary
    case dailyReport(Param)
    case entries(Param), entriesJSON(Param)
    case entryDelete(Param, entry: Param)
    case photo(Param, photo: Param)
    case submit(Param), decision(Param)
    case offline
    case tasks, taskDone(Param)
    case leader, leaderCSV

    var segments: [URLSegment] {
        switch self {
        case .dailyReports: return ["daily-reports"]
        case .dailyReportsSummary: return ["daily-reports", "summary"]
        case .dailyReport(let p): return ["daily-reports", .param("id", p)]
        case .entries(let p): return ["daily-reports", .param("id", p), "entries"]
        case .entriesJSON(let p): return ["daily-reports", .param("id", p), "entries.json"]
        case .entryDelete(let p, let e): return ["daily-reports", .param("id", p), "entries", .param("entry", e), "delete"]
        case .photo(let p, let photo): return ["daily-reports", .param("id", p), "photos", .param("photo", photo)]
        case .submit(let p): return ["daily-reports", .param("id", p), "submit"]
        case .decision(let p): return ["daily-reports", .param("id", p), "decision"]
        case .offline: return ["offline"]
        case .tasks: return ["tasks"]
        case .taskDone(let p): return ["tasks", .param("id", p), "done"]
        case .leader: return ["leader"]
        case .leaderCSV: return ["leader.csv"]
        }
    }

    /// The anchor of a task's row on `/tasks` (the link of its notifications).
    static func task(_ id: UUID) -> String { tasks.path + "#task-" + id.uuidString }
}
