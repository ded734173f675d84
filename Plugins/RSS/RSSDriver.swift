public import Foundation
public import JunctionCore
import JunctionServer

/// RSS, Atom and JSON Feed: every public channel published as feeds (with a WebSub hub), and
/// any feed followed (polled, and pushed when it has a WebSub hub).
///
/// A followed feed is an xchan of network `rss` keyed by its URL, with no hubloc (it is
/// polled, nothing is delivered to it). Items carry no privacy, so the notifier never sends a
/// private item here. Settings: ``RSSSettings``.
public struct RSSDriver: Driver {
    public static let networkName = "rss"
    public let network = Self.networkName

    public init() {}

    /// Web URLs may be feeds (URL discovery decides); `user@host` addresses never are.
    public func owns(_ address: String) -> Ownership {
        guard let parsed = try? DiscoveryAddress(address), case .url = parsed.kind, parsed.isWebResolvable else { return .no }
        return .cannotTell
    }

    public func register(in registration: DriverRegistration) throws {
        let settings = try RSSSettings(registration.settings)
        let store = registration.store, logger = registration.logger
        let poller = FeedPoller(registration: registration, settings: settings)
        let feeds = FeedRoutes(store: store, domain: registration.domain)
        let hub = WebSubHubRoutes(store: store, fetcher: registration.fetcher, domain: registration.domain, logger: logger)
        let callbacks = WebSubCallbackRoutes(store: store, poller: poller, maximumBytes: settings.maximumBytes, logger: logger)
        let distributor = WebSubDistributor(store: store, domain: registration.domain, wakeQueue: registration.wakeQueue, logger: logger)
        registration.hooks.register(.moduleLoaded, name: network) { module in
            feeds.register(on: module.router)
            hub.register(on: module.router)
            callbacks.register(on: module.router)
        }
        registration.hooks.register(.webfinger, name: network) { description in
            guard description.channel.isPublicStream else { return }
            description.document.links += FeedFormat.allCases.map { format in
                IdentityLink(rel: IdentityLink.Rel.alternate, type: format.mediaType,
                             href: format.url(for: description.channel.handle, domain: registration.domain))
            }
        }
        registration.hooks.register(.itemStore, name: network) { stored in
            guard stored.item.isOrigin, stored.item.isTopLevel, !stored.item.isPrivate else { return }
            try await distributor.distribute(channelID: stored.item.channelID)
        }
        registration.addResolver(FeedResolver(fetcher: registration.fetcher, settings: settings))
        registration.addQueueDriver(WebSubDistributor.queueDriver, WebSubQueueDriver(store: store, fetcher: registration.fetcher, hubURL: hub.hubURL))
        registration.addService(FeedPollerService(poller: poller, logger: logger))
        registration.addService(WebSubSweepService(distributor: distributor, logger: logger))
    }

    public func encode(_ item: Item, event: NotifierEvent, for recipients: [Recipient], from channel: Channel) throws -> Data {
        throw JunctionError.invalidInput("feeds are published, not delivered to")
    }

    public func decode(_ wire: Data, for channel: Channel) throws -> Item {
        throw JunctionError.invalidInput("feed entries are read by the poller")
    }
}
