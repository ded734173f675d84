public import Foundation
public import JunctionCore
import JunctionServer

/// RSS, Atom and JSON Feed: every public channel published as feeds, and any feed followed.
///
/// A followed feed is an xchan of network `rss` keyed by its URL, with no hubloc (it is
/// polled, nothing is delivered to it). Items carry no privacy, so the notifier never sends a
/// private item here.
public struct RSSDriver: Driver {
    public static let networkName = "rss"
    public let network = Self.networkName

    public init() {}

    /// Web URLs may be feeds (URL discovery decides); `user@host` addresses never are.
    public func owns(_ address: String) -> Ownership {
        guard let parsed = try? DiscoveryAddress(address), case .url = parsed.kind, parsed.isWebResolvable else { return .no }
        return .cannotTell
    }

    public func register(in registration: DriverRegistration) {
        let routes = FeedRoutes(store: registration.store, domain: registration.domain)
        registration.hooks.register(.moduleLoaded, name: network) { routes.register(on: $0.router) }
        registration.hooks.register(.webfinger, name: network) { description in
            guard description.channel.isPublicStream else { return }
            description.document.links += FeedFormat.allCases.map { format in
                IdentityLink(rel: IdentityLink.Rel.alternate, type: format.mediaType,
                             href: format.url(for: description.channel.handle, domain: registration.domain))
            }
        }
    }

    public func encode(_ item: Item, event: NotifierEvent, for recipients: [Recipient], from channel: Channel) throws -> Data {
        throw JunctionError.invalidInput("feeds are published, not delivered to")
    }

    public func decode(_ wire: Data, for channel: Channel) throws -> Item {
        throw JunctionError.invalidInput("feed entries are read by the poller")
    }
}
