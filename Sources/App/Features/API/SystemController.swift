import Fluent
import SQLKit
import Vapor

/// `GET /healthz`, `GET /api/v1/openapi.json`.
enum SystemController {
    static func register(root: any RoutesBuilder, api: any RoutesBuilder) {
        root.get("healthz", use: health)
        api.get("openapi.json", use: openAPI)
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

    static func openAPI(_ req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: OpenAPIDocument.json))
        res.headers.contentType = .json
        return res
    }
}
