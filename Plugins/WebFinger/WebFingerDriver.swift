public import Foundation
public import JunctionCore
import JunctionServer

/// WebFinger (RFC 7033) and host-meta/LRDD (RFC 6415): answers for this hub's channels and
/// looks remote addresses up as the first two steps of the discovery chain.
///
/// WebFinger carries no items of its own; it tells the other drivers what an address speaks.
/// Links of stacks no driver claims (ActivityPub, diaspora*, Zot, OStatus, and OFSCP/FXGP until
/// their drivers exist) are still recognised, so a lookup names the network.
public struct WebFingerDriver: Driver {
    static let networkName = "webfinger"
    public let network = Self.networkName
    /// The deadline for each document fetched while looking an address up.
    let timeout: Duration

    public init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    /// Only `user@host` addresses and web URLs can be looked up with WebFinger.
    public func owns(_ address: String) -> Ownership {
        guard let parsed = try? DiscoveryAddress(address), parsed.isWebResolvable else { return .no }
        return .cannotTell
    }

    public func register(in registration: DriverRegistration) {
        let documents = DocumentFetcher(fetcher: registration.fetcher, timeout: timeout)
        let identifier = DocumentIdentifier(hooks: registration.hooks)
        registration.addResolver(WebFingerResolver(documents: documents, identifier: identifier))
        registration.addResolver(HostMetaResolver(documents: documents, identifier: identifier))
        let routes = WebFingerRoutes(store: registration.store, hooks: registration.hooks, domain: registration.domain)
        registration.hooks.register(.moduleLoaded, name: network) { routes.register(on: $0.router) }
        registration.hooks.register(.discoverChannelWebfinger, name: network, priority: -100) { identification in
            guard identification.xchan == nil, let (xchan, hubloc) = ForeignStacks.identify(identification) else { return }
            identification.xchan = xchan
            identification.hublocs = [hubloc]
        }
    }

    public func encode(_ item: Item, event: NotifierEvent, for recipients: [Recipient], from channel: Channel) throws -> Data {
        throw JunctionError.invalidInput("WebFinger carries no items")
    }

    public func decode(_ wire: Data, for channel: Channel) throws -> Item {
        throw JunctionError.invalidInput("WebFinger carries no items")
    }
}
