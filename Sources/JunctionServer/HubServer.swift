public import JunctionCore
public import Logging
import Hummingbird
import JunctionStore
import NIOCore

/// Runs a hub: prepares the data directory, opens and migrates the database, makes sure the
/// site key exists, then serves until SIGINT or SIGTERM, letting in-flight requests finish.
public enum HubServer {
    public static func run(configuration: HubConfiguration, logger: Logger) async throws {
        try configuration.prepareDataDirectory()
        try await HubDatabase.withStore(configuration.database, logger: logger) { store in
            let siteKey = try await store.ensureSiteKey()
            logger.info("hub starting", metadata: [
                "hub.domain": "\(configuration.domain)",
                "hub.listen": "\(configuration.listenHost):\(configuration.listenPort)",
                "hub.database": "\(store.backendName)",
                "hub.site_key": "\(siteKey.publicKey.base64)",
            ])
            let app = HubApplication.make(configuration: configuration, store: store, logger: logger)
            do {
                try await app.runService()
            } catch let error as IOError {
                throw JunctionError(.configuration, "cannot listen on \(configuration.listenHost):\(configuration.listenPort): \(error.description)")
            }
            logger.info("hub stopped")
        }
    }
}
