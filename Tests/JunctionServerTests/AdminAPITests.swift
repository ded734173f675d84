import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionCore
import JunctionServer
import JunctionStore
import JunctionTesting
import Logging
import Testing

/// The admin JSON API and the queue's Prometheus figures, on the hub's real router.
@Suite("Admin API", .timeLimit(.minutes(2)))
struct AdminAPITests {
    static let token = "admin-token-for-tests-0123"

    static func withApp(_ backend: TestBackend, _ body: @escaping @Sendable (HubRuntime, any TestClientProtocol) async throws -> Void) async throws {
        try await withTestStore(backend) { store, url in
            var configuration = try await HubConfiguration.load(flags: ["database.url": url.rawText, "hub.domain": "hub.example",
                                                                        "admin.token": token], configFile: nil, environment: [:])
            configuration.allowPrivateNetwork = false
            try await HubRuntime.with(configuration: configuration, store: store, drivers: [FakeDriver()], logger: Logger(label: "test")) { runtime in
                let app = await HubApplication.make(runtime: runtime)
                try await app.test(.router) { client in try await body(runtime, client) }
            }
        }
    }

    static func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    }

    @Test("without the bearer token every admin route answers 401 with a JSON error")
    func unauthorized() async throws {
        try await Self.withApp(.sqlite) { _, client in
            for authorization in [nil, "Bearer wrong-token-0000000000", "Basic \(Self.token)"] {
                var headers = HTTPFields()
                if let authorization { headers[.authorization] = authorization }
                try await client.execute(uri: "/admin/queue", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    let body = try Self.json(response) as? [String: Any]
                    #expect((body?["error"] as? [String: Any])?["code"] as? String == "unauthorized")
                }
            }
        }
    }

    @Test("queue status, deliveries, retry, block, revive and purge through the API", arguments: TestBackend.available)
    func operations(_ backend: TestBackend) async throws {
        try await Self.withApp(backend) { runtime, client in
            let store = runtime.store
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: runtime.configuration.domain)
            let scenario = DeliveryTests.Scenario(store: store, channel: channel)
            try await scenario.remote("a1", host: "a.example")
            try await scenario.remote("b1", host: "b.example")
            let item = try await runtime.items.post(LocalPost(channelID: channel.id, body: "hello"))
            let headers: HTTPFields = [.authorization: "Bearer \(Self.token)", .contentType: "application/json"]

            try await client.execute(uri: "/admin/queue", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response) as? [String: Any]
                let destinations = body?["destinations"] as? [[String: Any]] ?? []
                #expect(destinations.map { $0["destination"] as? String } == ["a.example", "b.example"])
                #expect(destinations.allSatisfy { $0["network"] as? String == "fake" && $0["pending"] as? Int == 1 })
            }
            try await client.execute(uri: "/admin/items/\(item.id)/deliveries", method: .get, headers: headers) { response in
                let reports = try Self.json(response) as? [[String: Any]] ?? []
                #expect(Set(reports.compactMap { $0["recipient"] as? String }) == ["a1", "b1"])
                #expect(reports.allSatisfy { $0["status"] as? String == "queued" })
            }
            try await client.execute(uri: "/admin/items/999/deliveries", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/admin/sites/A.example/block", method: .post, headers: headers) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response) as? [String: Any]
                #expect(body?["cancelled"] as? Int == 1)
            }
            try await client.execute(uri: "/admin/sites/a.example/unblock", method: .post, headers: headers) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/admin/sites/a.example/explode", method: .post, headers: headers) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/admin/queue/retry", method: .post, headers: headers,
                                     body: ByteBuffer(string: #"{"site": "b.example"}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/admin/queue/retry", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/admin/queue/purge", method: .post, headers: headers,
                                     body: ByteBuffer(string: #"{"site": "b.example"}"#)) { response in
                let body = try Self.json(response) as? [String: Any]
                #expect(body?["cancelled"] as? Int == 1)
            }
            let status = try await store.queueStatus()
            #expect(status.destinations.isEmpty)
            let reports = try await store.deliveryReports(itemID: item.id)
            #expect(reports.map(\.status) == [.cancelled, .cancelled])
        }
    }

    @Test("queue depth per network reaches /metrics")
    func queueGauges() async throws {
        try await Self.withApp(.sqlite) { runtime, client in
            let store = runtime.store
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: runtime.configuration.domain)
            let scenario = DeliveryTests.Scenario(store: store, channel: channel)
            try await scenario.remote("a1", host: "a.example")
            try await scenario.remote("a2", host: "a2.example")
            _ = try await runtime.items.post(LocalPost(channelID: channel.id, body: "hello"))
            let gauges = Task { try await QueueGauges(store: store, interval: .seconds(60)).run() }
            defer { gauges.cancel() }
            var text = ""
            for _ in 0..<100 {
                try await client.execute(uri: "/metrics", method: .get) { response in text = String(buffer: response.body) }
                if text.contains(#"junction_queue_depth{network="fake",state="pending"} 2"#) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(text.contains(#"junction_queue_depth{network="fake",state="pending"} 2"#))
            #expect(text.contains(#"junction_queue_oldest_seconds{network="fake"}"#))
        }
    }
}
