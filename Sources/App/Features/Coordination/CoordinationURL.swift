/// The addresses of the meeting and discussion pages, declared once (see `SitePath`).
enum CoordinationURL: SitePath {
    case meetings
    case meeting(URLParam)
    case minutes(URLParam)
    case decisionDone(URLParam, URLParam)
    case attachments(URLParam)
    case attachment(URLParam, file: URLParam)
    /// A new message in the discussion of a meeting or an operation (`kind`: `ThreadKind`).
    case messages(kind: URLParam, URLParam)

    var segments: [URLSegment] {
        switch self {
        case .meetings: return SiteURL.meetings.segments
        case .meeting(let p): return SiteURL.meeting(p).segments
        case .minutes(let p): return SiteURL.meeting(p).segments + ["minutes"]
        case .decisionDone(let p, let d): return SiteURL.meeting(p).segments + ["decisions", .param("decisionId", d), "done"]
        case .attachments(let p): return SiteURL.meeting(p).segments + ["attachments"]
        case .attachment(let p, let f): return SiteURL.meeting(p).segments + ["attachments", .param("file", f)]
        case .messages(let k, let p): return ["threads", .param("kind", k), .param("id", p), "messages"]
        }
    }
}
