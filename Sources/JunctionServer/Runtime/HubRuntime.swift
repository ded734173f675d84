public import AsyncHTTPClient
import Foundation
public import JunctionCore
public import Logging

/// A hub's working parts for one store, wired together: hooks, drivers, the notifier, the item
/// pipeline, live events, the queue runner and the federation HTTP client.
///
/// `junction serve` runs it with the HTTP server; administrative commands (`junction post`) use
/// the same parts without serving, so a post from the command line is notified exactly as one
/// from the API would be.
public struct HubRuntime: Sendable {
    public let configuration: HubConfiguration
    public let store: any Store
    public let hooks: HookRegistry
    public let registration: DriverRegistration
    public let notifier: Notifier
    public let items: ItemPipeline
    public let live: LiveEvents
    public let runner: QueueRunner
    /// Finds out what an address is (WebFinger, host-meta, the drivers' resolvers).
    public let discovery: DiscoveryChain
    /// The connect path: follow and unfollow.
    public let connector: Connector
    /// The client for fetches (feeds, discovery); the queue posts deliveries with its own.
    public let client: HTTPClient
    public let drivers: [any Driver]
    public let logger: Logger

    /// Builds the runtime for `store`, registers every driver, runs `body`, then shuts the HTTP
    /// clients down (one for fetches, one for the queue's deliveries).
    public static func with<T: Sendable>(
        configuration: HubConfiguration, store: any Store, drivers: [any Driver], logger: Logger,
        _ body: (HubRuntime) async throws -> T
    ) async throws -> T {
        let siteKey = try await store.ensureSiteKey()
        let client = HTTPClient(configuration: HTTPFetcher.clientConfiguration)
        let deliveryClient = HTTPClient(configuration: PostQueueDriver.clientConfiguration)
        let hooks = HookRegistry(logger: logger)
        let live = LiveEvents()
        let wake = WakeSignal()
        // Fresh entries go straight to this process's runner while it runs and has room.
        let handoff = QueueHandoff(wake: wake)
        let notifier = Notifier(store: store, hooks: hooks, drivers: drivers, logger: logger, handoff: handoff, onEnqueue: { wake.signal() })
        let items = ItemPipeline(store: store, hooks: hooks, notifier: notifier, live: live, drivers: drivers,
                                 domain: configuration.domain, logger: logger)
        let fetcher = HTTPFetcher(client: client, allowPrivateNetwork: configuration.allowPrivateNetwork)
        let registration = DriverRegistration(hooks: hooks, store: store, items: items, live: live, fetcher: fetcher,
                                              domain: configuration.domain, siteKey: siteKey.publicKey,
                                              settings: configuration.driverSettings, wakeQueue: { wake.signal() }, logger: logger)
        registration.addQueueDriver(QueueEntry.postDriver, PostQueueDriver(
            client: deliveryClient, siteKey: siteKey, keyID: configuration.domain.baseURL,
            allowPrivateNetwork: configuration.allowPrivateNetwork
        ))
        for driver in drivers { try driver.register(in: registration) }
        var runnerConfiguration = QueueRunner.Configuration()
        runnerConfiguration.workers = configuration.queueWorkers
        runnerConfiguration.policy.lease = TimeInterval(configuration.queueLease)
        runnerConfiguration.policy.initialDelay = TimeInterval(configuration.queueRetryDelay)
        let runner = QueueRunner(store: store, hooks: hooks, drivers: { registration.queueDrivers },
                                 configuration: runnerConfiguration, wake: wake, handoff: handoff, logger: logger)
        var discoveryConfiguration = DiscoveryChain.Configuration()
        discoveryConfiguration.ttl = TimeInterval(configuration.discoveryTTL)
        discoveryConfiguration.negativeTTL = TimeInterval(configuration.discoveryNegativeTTL)
        let discovery = DiscoveryChain(store: store, hooks: hooks, drivers: drivers, resolvers: { registration.resolvers },
                                       domain: configuration.domain, configuration: discoveryConfiguration, logger: logger)
        let connector = Connector(store: store, hooks: hooks, discovery: discovery, drivers: drivers,
                                  wakeQueue: { notifier.wakeQueue() })
        let runtime = HubRuntime(configuration: configuration, store: store, hooks: hooks, registration: registration,
                                 notifier: notifier, items: items, live: live, runner: runner, discovery: discovery,
                                 connector: connector, client: client, drivers: drivers, logger: logger)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(runtime))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        try? await deliveryClient.shutdown()
        return try result.get()
    }
}
