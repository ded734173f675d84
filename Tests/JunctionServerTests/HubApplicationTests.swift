import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionCore
import JunctionServer
import JunctionStore
import JunctionTesting
import Testing

@Suite("Hub application", .timeLimit(.minutes(1)))
struct HubApplicationTests {
    @Test("/healthz reports the database", arguments: TestBackend.available)
    func health(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let app = Application(router: HubApplication.makeRouter(store: store))
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    #expect(body?["status"] as? String == "ok")
                    #expect(body?["backend"] as? String == backend.rawValue)
                    #expect(body?["schemaVersion"] as? Int == HubDatabase.latestSchemaVersion)
                    #expect(response.headers[.requestID]?.isEmpty == false)
                }
            }
        }
    }

    @Test("/metrics serves Prometheus text that counts requests")
    func metrics() async throws {
        try await withTestStore { store, _ in
            let app = Application(router: HubApplication.makeRouter(store: store))
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { _ in }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                    let text = String(buffer: response.body)
                    #expect(text.contains("http_requests_total") || text.contains("http_server_request_duration"))
                    #expect(text.contains("/healthz"))
                }
            }
        }
    }

    @Test("errors are JSON with a stable code and the request id")
    func jsonErrors() async throws {
        try await withTestStore { store, _ in
            let app = Application(router: HubApplication.makeRouter(store: store))
            try await app.test(.router) { client in
                try await client.execute(uri: "/no/such/route", method: .get, headers: [.requestID: "req-42"]) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.requestID] == "req-42")
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    let error = body?["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "not_found")
                    #expect(body?["requestId"] as? String == "req-42")
                }
                // An unreasonable client id is replaced, never echoed.
                try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: String(repeating: "x", count: 500)]) { response in
                    #expect(response.headers[.requestID]?.count == 36)
                }
            }
        }
    }
}

