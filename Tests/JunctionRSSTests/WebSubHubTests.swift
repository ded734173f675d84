import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionCore
import JunctionRSS
import JunctionServer
import JunctionStore
import JunctionTesting
import Logging
import NIOCore
import Testing

/// The WebSub hub's limits, on the router.
@Suite("WebSub hub", .timeLimit(.minutes(2)))
struct WebSubHubTests {
    @Test("past 32 verifications in flight a subscription request is 429 with the JSON error body")
    func verificationsAreBounded() async throws {
        try await LoopbackSink.run { subscriber in
            subscriber.delay(.seconds(30))  // every verification waits on the callback
            try await withTestStore { store, url in
                let configuration = try await HubConfiguration.load(
                    flags: ["database.url": url.rawText, "hub.domain": "hub.example", "federation.allowPrivateNetwork": "true"],
                    configFile: nil, environment: [:])
                var logger = Logger(label: "test")
                logger.logLevel = .critical
                try await HubRuntime.with(configuration: configuration, store: store, drivers: [RSSDriver()], logger: logger) { runtime in
                    _ = try await runtime.store.createAccount(email: "jane@example.net", password: "secret-password")
                    _ = try await runtime.store.createChannel(handle: "jane", accountEmail: "jane@example.net", name: "Jane",
                                                              domain: runtime.configuration.domain)
                    let app = await HubApplication.make(runtime: runtime)
                    try await app.test(.router) { client in
                        // 40 requests at once: no verification can finish (the callback stalls
                        // past the 10 s verification deadline), so only 32 get a slot.
                        let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                            for index in 0..<40 {
                                let form = "hub.mode=subscribe&hub.topic=https%3A%2F%2Fhub.example%2Fchannel%2Fjane%2Ffeed.atom"
                                    + "&hub.callback=\(subscriber.url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)%2Fcb\(index)"
                                group.addTask {
                                    try await client.execute(uri: "/websub", method: .post,
                                                             headers: [.contentType: "application/x-www-form-urlencoded"],
                                                             body: ByteBuffer(string: form)) { response in
                                        (response.status, String(decoding: response.body.readableBytesView, as: UTF8.self))
                                    }
                                }
                            }
                            return try await group.reduce(into: []) { $0.append($1) }
                        }
                        #expect(answers.filter { $0.0 == .accepted }.count == 32)
                        let refused = answers.filter { $0.0 == .tooManyRequests }
                        #expect(refused.count == 8)
                        #expect(refused.allSatisfy { $0.1.contains("\"too_many_requests\"") })
                    }
                }
            }
        }
    }
}
