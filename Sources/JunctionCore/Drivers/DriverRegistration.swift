public import Logging
public import ServiceLifecycle
import Synchronization

/// What a driver registers into when the hub starts, and what it works with.
public final class DriverRegistration: Sendable {
    /// The hub's hooks.
    public let hooks: HookRegistry
    /// The hub's store.
    public let store: any Store
    /// Where received items go.
    public let items: ItemPipeline
    /// Live events for local listeners.
    public let live: LiveEvents
    /// Outbound GETs with the hub's limits and private-network guard.
    public let fetcher: any Fetcher
    /// The hub's public domain.
    public let domain: HubDomain
    /// The hub's site key (public half), which drivers publish.
    public let siteKey: SigningKey.PublicKey
    /// The operator's settings for drivers (`rss.poll.minimum`…).
    public let settings: DriverSettings
    /// Wakes this process's queue runner: call after a transaction that queued entries commits.
    public let wakeQueue: @Sendable () -> Void
    public let logger: Logger
    private let state = Mutex(Contents())

    private struct Contents: @unchecked Sendable {
        // Holds only Sendable values; `[any Service]` is not marked Sendable by ServiceLifecycle.
        var queueDrivers: [String: any QueueDriver] = [:]
        var services: [any Service] = []
        var resolvers: [any Resolver] = []
    }

    public init(hooks: HookRegistry, store: any Store, items: ItemPipeline, live: LiveEvents, fetcher: any Fetcher, domain: HubDomain,
                siteKey: SigningKey.PublicKey, settings: DriverSettings = .defaults, wakeQueue: @escaping @Sendable () -> Void = {}, logger: Logger) {
        self.hooks = hooks
        self.store = store
        self.items = items
        self.live = live
        self.fetcher = fetcher
        self.domain = domain
        self.siteKey = siteKey
        self.settings = settings
        self.wakeQueue = wakeQueue
        self.logger = logger
    }

    /// Registers the queue driver for entries whose `driver` is `name`.
    public func addQueueDriver(_ name: String, _ driver: any QueueDriver) {
        state.withLock { $0.queueDrivers[name] = driver }
    }

    /// Adds a background service (a poller, a TCP listener) run for the hub's lifetime.
    public func addService(_ service: any Service) {
        state.withLock { $0.services.append(service) }
    }

    /// Adds a step to the discovery chain.
    public func addResolver(_ resolver: any Resolver) {
        state.withLock { $0.resolvers.append(resolver) }
    }

    /// The queue drivers registered so far, by name.
    public var queueDrivers: [String: any QueueDriver] { state.withLock { $0.queueDrivers } }
    /// The services registered so far.
    public var services: [any Service] { state.withLock { $0.services } }
    /// The resolvers registered so far, in registration order.
    public var resolvers: [any Resolver] { state.withLock { $0.resolvers } }
}
