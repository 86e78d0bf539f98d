import Foundation
import Vapor

/// A path parameter: `.key` when registering the route (`:id`), `.value` when linking.
enum URLParam: Sendable, Equatable {
    case key
    case value(String)
    static func id(_ u: UUID) -> URLParam { .value(u.uuidString) }
}

/// One segment of a path: a literal, or a named parameter.
enum URLSegment: ExpressibleByStringLiteral, Sendable {
    case literal(String)
    case param(String, URLParam)
    init(stringLiteral value: String) { self = .literal(value) }
}

/// A page's address, declared once: routes are registered from `pathComponents` and every link is built
/// from `path`, so a renamed page cannot leave a dead link behind. `SiteURL` lists the site's top-level
/// pages; a feature with many pages of its own declares them in an enum of its own that conforms too.
protocol SitePath: Sendable {
    var segments: [URLSegment] { get }
}

/// The site's top-level pages (see `SitePath`); a feature's other pages extend these paths in its own enum
/// (`ImportsURL.show(id)` is `SiteURL.imports` + the id), so each path is written once.
enum SiteURL: SitePath, Equatable {
    typealias Param = URLParam

    case home, login, logout
    case lapor, laporStatus
    case lookup
    case dailyReports, tasks, leader
    case operations, operation(Param)
    case meetings, meeting(Param)
    case inspections, inspection(Param)
    case foreigners, foreigner(Param)
    case sponsors, sponsor(Param)
    case sponsorReports, sponsorReport(Param)
    case overstays, warnings, pendingChanges, proposedChanges
    case publicReports, publicReportTriage(Param), publicReportPhoto(Param)
    case imports
    case discrepancies
    case portal, portalNewReport, portalTKA
    case notifications, notificationOpen(Param), notificationPreferences
    case orders
    case adminAudit, adminUsers, adminOutbox, adminOffices, adminAgencies, adminPermitTypes, adminRules

    var segments: [URLSegment] {
        switch self {
        case .home: return []
        case .login: return ["login"]
        case .logout: return ["logout"]
        case .lapor: return ["lapor"]
        case .laporStatus: return ["lapor", "status"]
        case .lookup: return ["lookup"]
        case .dailyReports: return ["daily-reports"]
        case .tasks: return ["tasks"]
        case .leader: return ["leader"]
        case .operations: return ["operations"]
        case .operation(let p): return ["operations", .param("id", p)]
        case .meetings: return ["meetings"]
        case .meeting(let p): return ["meetings", .param("id", p)]
        case .inspections: return ["inspections"]
        case .inspection(let p): return ["inspections", .param("id", p)]
        case .foreigners: return ["foreigners"]
        case .foreigner(let p): return ["foreigners", .param("id", p)]
        case .sponsors: return ["sponsors"]
        case .sponsor(let p): return ["sponsors", .param("id", p)]
        case .sponsorReports: return ["sponsor-reports"]
        case .sponsorReport(let p): return ["portal", "reports", .param("id", p)]
        case .overstays: return ["overstays"]
        case .warnings: return ["warnings"]
        case .pendingChanges: return ["pending-changes"]
        case .proposedChanges: return ["proposed-changes"]
        case .publicReports: return ["public-reports"]
        case .publicReportTriage(let p): return ["public-reports", .param("id", p), "triage"]
        case .publicReportPhoto(let p): return ["public-reports", .param("id", p), "photo"]
        case .imports: return ["imports"]
        case .discrepancies: return ["discrepancies"]
        case .portal: return ["portal"]
        case .portalNewReport: return ["portal", "reports", "new"]
        case .portalTKA: return ["portal", "tka"]
        case .notifications: return ["notifications"]
        case .notificationOpen(let p): return ["notifications", .param("id", p), "open"]
        case .notificationPreferences: return ["notifications", "preferences"]
        case .orders: return ["orders"]
        case .adminAudit: return ["admin", "audit"]
        case .adminUsers: return ["admin", "users"]
        case .adminOutbox: return ["admin", "outbox"]
        case .adminOffices: return ["admin", "offices"]
        case .adminAgencies: return ["admin", "agencies"]
        case .adminPermitTypes: return ["admin", "permit-types"]
        case .adminRules: return ["admin", "rules"]
        }
    }
}

extension SitePath {
    /// The link: `/operations/6F…`. Parameter values are percent-encoded.
    var path: String {
        "/" + segments.map { seg -> String in
            switch seg {
            case .literal(let s): return s
            case .param(let name, .key): return ":" + name
            case .param(_, .value(let v)): return v.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? v
            }
        }.joined(separator: "/")
    }

    /// The link with a query: `SiteURL.laporStatus.with(["code": c])`.
    func with(_ query: [String: String]) -> String {
        guard !query.isEmpty else { return path }
        var c = URLComponents()
        c.path = path
        c.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return c.string ?? path
    }

    /// What a route is registered with: literals and `:name` parameters.
    var pathComponents: [PathComponent] {
        segments.map { seg in
            switch seg {
            case .literal(let s): return .constant(s)
            case .param(let name, _): return .parameter(name)
            }
        }
    }

    /// Whether `requestPath` is this page or one below it (for the navigation's current item).
    func isCurrent(_ requestPath: String) -> Bool {
        let p = path
        return p == "/" ? requestPath == "/" : (requestPath == p || requestPath.hasPrefix(p + "/"))
    }
}

extension RoutesBuilder {
    // `SiteURL` overloads, so that `.lapor` needs no type name; any other `SitePath` by the generic ones.
    @discardableResult
    func get<R: AsyncResponseEncodable>(_ url: SiteURL, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.GET, url.pathComponents, use: handler)
    }

    @discardableResult
    func post<R: AsyncResponseEncodable>(_ url: SiteURL, body: HTTPBodyStreamStrategy = .collect, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.POST, url.pathComponents, body: body, use: handler)
    }

    @discardableResult
    func get<R: AsyncResponseEncodable, P: SitePath>(_ url: P, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.GET, url.pathComponents, use: handler)
    }

    @discardableResult
    func post<R: AsyncResponseEncodable, P: SitePath>(_ url: P, body: HTTPBodyStreamStrategy = .collect, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.POST, url.pathComponents, body: body, use: handler)
    }
}
