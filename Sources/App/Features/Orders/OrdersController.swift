import Fluent
import Foundation
import Vapor

/// The orders' pages: the list with the orders still owed and the issue form (`/orders`), one printable order.
enum OrderURL: SitePath {
    case list, show(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .list: return SiteURL.orders.segments
        case .show(let id): return SiteURL.orders.segments + [.param("id", id)]
        }
    }
}

/// `POST /api/v1/orders` (supervisors), `GET /api/v1/orders`, `GET /api/v1/orders/owed`, `GET /api/v1/orders/{id}`
/// (the office's staff), and the same on the web.
enum OrdersController {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        let a = api.grouped(RequireRole(.officer, .supervisor))
        a.post("orders", use: issueAPI)
        a.get("orders", use: listAPI)
        a.get("orders", "owed", use: owedAPI)
        a.get("orders", ":id", use: showAPI)
        let w = web.grouped(RequireRole(.officer, .supervisor))
        w.get(OrderURL.list, use: listPage)
        w.post(OrderURL.list, use: issueForm)
        w.get(OrderURL.show(.key), use: showPage)
    }

    struct DTO: Content {
        var id: UUID; var number: String; var purpose: String; var officerIds: [UUID]; var areaCode: String?; var targets: String?
        var validFrom: String; var validTo: String; var issuedBy: UUID; var issuedAt: Date
        init(_ o: FieldOrder) {
            id = o.id!; number = o.number; purpose = o.purpose; officerIds = o.officers; areaCode = o.areaCode; targets = o.targets
            validFrom = o.validFrom; validTo = o.validTo; issuedBy = o.issuedBy; issuedAt = o.issuedAt
        }
    }

    static func visible(_ req: Request) async throws -> FieldOrder {
        guard let id = req.parameters.get("id", as: UUID.self), let o = try await ScopePolicy.orders(req).filter(\.$id == id).first() else { throw Abort(.notFound) }
        return o
    }

    static func issueAPI(_ req: Request) async throws -> Response {
        let o = try await FieldOrders.issue(try req.content.decode(FieldOrders.Input.self), req)
        let res = Response(status: .created)
        try res.content.encode(DTO(o))
        return res
    }

    static func listAPI(_ req: Request) async throws -> ListPage<DTO> {
        let paging = try Paging(req)
        let query = try ScopePolicy.orders(req)
        let total = try await query.copy().countRows()
        let items = try await query.sort(\.$issuedAt, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        return ListPage(items: items.map(DTO.init), total: total, page: paging.page, per: paging.per)
    }

    static func owedAPI(_ req: Request) async throws -> ListPage<FieldOrders.Owed> {
        try ListPage(complete: try await FieldOrders.owed(req), req)
    }

    static func showAPI(_ req: Request) async throws -> DTO { DTO(try await visible(req)) }

    // MARK: Web

    static func listPage(_ req: Request) async throws -> Response {
        var state = FormState(req)
        if state.value("validFrom").isEmpty { state.values["validFrom"] = req.application.today; state.values["validTo"] = req.application.today }
        return try await OrderViews.list(req, state: state)
    }

    static func issueForm(_ req: Request) async throws -> Response {
        let v = FormState.read(req, ["purpose", "areaCode", "targets", "validFrom", "validTo", "covers"] + RegionPicker.inputNames("areaCode", depth: .village), lists: ["officerIds"])
        var state = FormState(values: v)
        let covers = (v["covers"] ?? "").split(separator: ":").map(String.init)
        // A province alone is what the picker shows already chosen when the jurisdiction lies in one province: it is
        // no area (an order's area lies in the jurisdiction, whose smallest whole is a regency), so an order for its
        // targets only goes through.
        let picked = RegionPicker.chosen(v, name: "areaCode")
        let area = picked.split(separator: ".").count < 2 ? "" : picked
        let input = FieldOrders.Input(purpose: v["purpose"], officerIds: (v["officerIds"] ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) },
                                      areaCode: area, targets: v["targets"], validFrom: v["validFrom"], validTo: v["validTo"],
                                      inspectionId: covers.first == "inspection" ? covers.last.flatMap(UUID.init(uuidString:)) : nil,
                                      operationId: covers.first == "operation" ? covers.last.flatMap(UUID.init(uuidString:)) : nil)
        do {
            let o = try await FieldOrders.issue(input, req)
            return Flash.redirect(req, to: OrderURL.show(.id(o.id!)), "flash.order.issued")
        } catch let e as ValidationFailure {
            state.fail(e, lang: req.language, shownFields: OrderViews.fields, rename: ["inspectionId": "covers", "operationId": "covers"])
            return try await OrderViews.list(req, state: state, status: .unprocessableEntity)
        } catch let e as AppError where e.status == .forbidden {
            state.fail(message: e.message(req.language))
            return try await OrderViews.list(req, state: state, status: .forbidden)
        }
    }

    static func showPage(_ req: Request) async throws -> Response {
        let o = try await visible(req)
        return try await OrderViews.show(req, o)
    }
}
