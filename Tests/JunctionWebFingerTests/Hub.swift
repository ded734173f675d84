import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionCore
import JunctionNative
import JunctionServer
import JunctionStore
import JunctionTesting
import JunctionWebFinger
import Logging

/// A hub runtime with the native and WebFinger drivers, for these tests.
enum Hub {
    static func with(_ backend: TestBackend = .sqlite, domain: String = "example.com", allowPrivateNetwork: Bool = true,
                     timeout: Duration = .seconds(5), _ body: @escaping @Sendable (HubRuntime) async throws -> Void) async throws {
        try await withTestStore(backend) { store, url in
            var configuration = try await HubConfiguration.load(flags: ["database.url": url.rawText, "hub.domain": domain],
                                                                configFile: nil, environment: [:])
            configuration.allowPrivateNetwork = allowPrivateNetwork
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            try await HubRuntime.with(configuration: configuration, store: store,
                                      drivers: [NativeDriver(), WebFingerDriver(timeout: timeout)], logger: logger, body)
        }
    }

    /// The hub's router under HummingbirdTesting.
    static func withApp(domain: String = "example.com", _ body: @escaping @Sendable (HubRuntime, any TestClientProtocol) async throws -> Void)
        async throws {
        try await with(domain: domain) { runtime in
            let app = await HubApplication.make(runtime: runtime)
            try await app.test(.router) { client in try await body(runtime, client) }
        }
    }

    static func channel(_ handle: String, in runtime: HubRuntime) async throws -> Channel {
        _ = try? await runtime.store.createAccount(email: "owner@example.net", password: "secret-password")
        return try await runtime.store.createChannel(handle: handle, accountEmail: "owner@example.net", name: handle.capitalized,
                                                     domain: runtime.configuration.domain)
    }
}
