import Fluent
import SQLKit
import Vapor

/// `GET /healthz`, `GET /api/v1/regions`, `GET /api/v1/openapi.json`.
enum SystemController {
    static func register(root: any RoutesBuilder, api: any RoutesBuilder) {
        root.get("healthz", use: health)
        api.get("openapi.json", use: openAPI)
        api.grouped(RequireRole(.admin, .supervisor, .officer, .agency, .sponsor)).get("regions", use: regions)
    }

    struct Health: Content { var status: String; var database: String }

    static func health(_ req: Request) async throws -> Response {
        let res = Response(status: .ok)
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1 AS one").first()
            try res.content.encode(Health(status: "ok", database: "ok"))
        } catch {
            req.logger.error("health check: database unreachable")
            res.status = .serviceUnavailable
            try res.content.encode(Health(status: "degraded", database: "unreachable"))
        }
        return res
    }

    struct RegionItem: Content { var code: String; var name: String; var level: String; var parentCode: String?; var postalCode: String? }

    static func regions(_ req: Request) async throws -> ListPage<RegionItem> {
        let paging = try Paging(req, defaultPer: 50)
        let query = Region.query(on: req.db)
        if let level = req.query[String.self, at: "level"], !level.isEmpty {
            guard RegionLevel(rawValue: level) != nil else {
                throw ValidationFailure(message: "level must be one of province, regency, district, village")
            }
            query.filter(\.$level == level)
        }
        if let parent = req.query[String.self, at: "parent"], !parent.isEmpty {
            guard RegionCode.isValid(parent) else { throw ValidationFailure(message: "parent must be a region code such as 35.16") }
            query.filter(\.$parentCode == parent)
        }
        if let q = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            if RegionCode.isValid(q) || q.allSatisfy({ $0.isNumber || $0 == "." }) {
                query.filter(\.$id =~ q)
            } else {
                // Case-insensitive on both databases: compare upper-cased.
                query.filter(.sql(SQLQueryString("UPPER(name) LIKE \(bind: "%" + q.uppercased().replacingOccurrences(of: "%", with: "") + "%")")))
            }
        }
        let total = try await query.copy().count()
        let items = try await query.sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        return ListPage(items: items.map { RegionItem(code: $0.id!, name: $0.name, level: $0.level, parentCode: $0.parentCode, postalCode: $0.postalCode) },
                        total: total, page: paging.page, per: paging.per)
    }

    static func openAPI(_ req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: OpenAPIDocument.json))
        res.headers.contentType = .json
        return res
    }
}
