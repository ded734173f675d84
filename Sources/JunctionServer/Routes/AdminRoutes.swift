import Foundation
public import Hummingbird
public import JunctionCore

/// The admin JSON API under `/admin`, behind the `admin.token` bearer token: the same data and
/// actions as `junction queue`, `junction site` and `junction deliveries`.
///
/// - `GET /admin/queue`: depth per destination and network, failing/dead/blocked sites.
/// - `POST /admin/queue/retry` `{"id": N}` or `{"site": HOST}`: send again now.
/// - `POST /admin/queue/purge` `{"site": HOST}`: cancel what waits for a host.
/// - `POST /admin/sites/{host}/block|unblock|revive`.
/// - `GET /admin/items/{id}/deliveries`: per-recipient delivery reports.
public struct AdminRoutes: Sendable {
    let store: any Store
    let token: String

    public init(store: any Store, token: String) {
        self.store = store
        self.token = token
    }

    public func register(on router: Router<HubRequestContext>) {
        let admin = router.group("/admin").add(middleware: AdminTokenMiddleware(token: token))
        admin.get("/queue") { _, _ in
            try JSONBody(try await store.queueStatus())
        }
        admin.post("/queue/retry") { request, context in
            let selection = try await Self.selection(request, context: context)
            let count = try await store.write { try await $0.requeueEntries(selection, now: Date()) }
            return try JSONBody(["requeued": count])
        }
        admin.post("/queue/purge") { request, context in
            let body = try await request.decode(as: SiteSelection.self, context: context)
            guard let site = body.site?.lowercased(), !site.isEmpty else { throw JunctionError.invalidInput("name the site to purge") }
            let count = try await store.write { try await $0.cancelEntries(.destination(site), reason: "purged by the operator", now: Date()) }
            return try JSONBody(["cancelled": count])
        }
        admin.post("/sites/:host/:action") { _, context in
            let host = try context.parameters.require("host").lowercased()
            switch try context.parameters.require("action") {
            case "block": return try JSONBody(["cancelled": try await store.blockSite(host)])
            case "unblock": try await store.unblockSite(host)
            case "revive": try await store.reviveSite(host)
            case let action: throw JunctionError.invalidInput("unknown site action '\(action)'; use block, unblock or revive")
            }
            return try JSONBody(["host": host])
        }
        admin.get("/items/:id/deliveries") { _, context in
            guard let id = Int64(try context.parameters.require("id")) else { throw JunctionError.invalidInput("the item id must be a number") }
            return try JSONBody(try await store.deliveryReports(itemID: id))
        }
    }

    private struct SiteSelection: Decodable {
        var id: Int64?
        var site: String?
    }

    private static func selection(_ request: Request, context: HubRequestContext) async throws -> QueueSelection {
        let body = try await request.decode(as: SiteSelection.self, context: context)
        switch (body.id, body.site) {
        case (let id?, nil): return .entry(id)
        case (nil, let site?) where !site.isEmpty: return .destination(site.lowercased())
        default: throw JunctionError.invalidInput("give either \"id\" or \"site\"")
        }
    }
}
