public import JunctionCore
public import Logging
import Hummingbird
import JunctionStore
import NIOCore

/// Runs a hub: prepares the data directory, opens and migrates the database, makes sure the
/// site key exists, starts the drivers (their routes through `moduleLoaded`, their services)
/// and the queue runner, then serves until SIGINT or SIGTERM, letting in-flight requests and
/// deliveries finish.
public enum HubServer {
    public static func run(configuration: HubConfiguration, drivers: [any Driver] = [], logger: Logger) async throws {
        try configuration.prepareDataDirectory()
        try await HubDatabase.withStore(configuration.database, logger: logger) { store in
            try await HubRuntime.with(configuration: configuration, store: store, drivers: drivers, logger: logger) { runtime in
                let siteKey = try await store.ensureSiteKey()
                logger.info("hub starting", metadata: [
                    "hub.domain": "\(configuration.domain)",
                    "hub.listen": "\(configuration.listenHost):\(configuration.listenPort)",
                    "hub.database": "\(store.backendName)",
                    "hub.site_key": "\(siteKey.publicKey.base64)",
                    "hub.drivers": "\(drivers.map(\.network).joined(separator: ","))",
                ])
                var app = await HubApplication.make(runtime: runtime)
                app.addServices(runtime.runner, QueueGauges(store: store))
                app.addServices(runtime.registration.services)
                do {
                    try await app.runService()
                } catch let error as IOError {
                    throw JunctionError(.configuration, "cannot listen on \(configuration.listenHost):\(configuration.listenPort): \(error.description)")
                }
                logger.info("hub stopped")
            }
        }
    }
}
