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
                return Self.json(.ok, Report(status: "ok", backend: store.backendName, schemaVersion: version))
            } catch {
                context.logger.warning("health check failed", metadata: ["error": "\(error)"])
                return Self.json(.serviceUnavailable, Report(status: "unavailable", backend: store.backendName, schemaVersion: nil))
            }
        }
    }

    struct Report: Encodable {
        let status: String
        let backend: String
        let schemaVersion: Int?
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
