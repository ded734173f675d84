import Logging
import Foundation
public import Hummingbird
public import JunctionCore
import JunctionStore

/// `GET /healthz`: 200 when the database answers, 503 otherwise, with a small JSON report.
public struct HealthRoutes: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/healthz") { _, context in
            do {
                let version = try await HubDatabase.schemaVersion(of: store)
                return try JSONBody(Report(status: "ok", backend: store.backendName, schemaVersion: version))
            } catch {
                context.logger.warning("health check failed", metadata: ["error": "\(error)"])
                return try JSONBody(Report(status: "unavailable", backend: store.backendName, schemaVersion: nil), status: .serviceUnavailable)
            }
        }
    }

    struct Report: Encodable {
        let status: String
        let backend: String
        let schemaVersion: Int?
    }
}
