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
            subscriber.delay(.seconds(5))  // every verification waits on the callback
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
                        var statuses: [HTTPResponse.Status] = []
                        var refusal = ""
                        for index in 0..<33 {
                            let form = "hub.mode=subscribe&hub.topic=https%3A%2F%2Fhub.example%2Fchannel%2Fjane%2Ffeed.atom"
                                + "&hub.callback=\(subscriber.url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)%2Fcb\(index)"
                            try await client.execute(uri: "/websub", method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded"],
                                                     body: ByteBuffer(string: form)) { response in
                                statuses.append(response.status)
                                refusal = String(decoding: response.body.readableBytesView, as: UTF8.self)
                            }
                        }
                        #expect(statuses.prefix(32).allSatisfy { $0 == .accepted })
                        #expect(statuses.last == .tooManyRequests)
                        #expect(refusal.contains("\"too_many_requests\""))
                    }
                }
            }
        }
    }
}
