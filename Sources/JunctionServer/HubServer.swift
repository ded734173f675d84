public import JunctionCore
public import Logging
import AsyncHTTPClient
import Hummingbird
import JunctionStore
import NIOCore

/// Runs a hub: prepares the data directory, opens and migrates the database, makes sure the
/// site key exists, starts the drivers and the queue runner, then serves until SIGINT or
/// SIGTERM, letting in-flight requests and deliveries finish.
public enum HubServer {
    public static func run(configuration: HubConfiguration, drivers: [any Driver] = [], logger: Logger) async throws {
        try configuration.prepareDataDirectory()
        try await HubDatabase.withStore(configuration.database, logger: logger) { store in
            let siteKey = try await store.ensureSiteKey()
            logger.info("hub starting", metadata: [
                "hub.domain": "\(configuration.domain)",
                "hub.listen": "\(configuration.listenHost):\(configuration.listenPort)",
                "hub.database": "\(store.backendName)",
                "hub.site_key": "\(siteKey.publicKey.base64)",
                "hub.drivers": "\(drivers.map(\.network).joined(separator: ","))",
            ])
            let client = HTTPClient(configuration: federationClientConfiguration())
            let hooks = HookRegistry(logger: logger)
            let registration = DriverRegistration(hooks: hooks)
            registration.addQueueDriver(QueueEntry.postDriver, PostQueueDriver(
                client: client, siteKey: siteKey, keyID: configuration.domain.baseURL,
                allowPrivateNetwork: configuration.allowPrivateNetwork
            ))
            for driver in drivers { driver.register(in: registration) }
            let runner = QueueRunner(store: store, hooks: hooks, drivers: { registration.queueDrivers }, logger: logger)
            var app = HubApplication.make(configuration: configuration, store: store, logger: logger)
            app.addServices(runner)
            app.addServices(registration.services)
            do {
                try await app.runService()
            } catch let error as IOError {
                try? await client.shutdown()
                throw JunctionError(.configuration, "cannot listen on \(configuration.listenHost):\(configuration.listenPort): \(error.description)")
            }
            try? await client.shutdown()
            logger.info("hub stopped")
        }
    }

    /// The hub's own HTTP client for federation traffic: bounded connect time and redirects.
    static func federationClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        return configuration
    }
}
