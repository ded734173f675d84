public import Foundation
public import JunctionCore
import JunctionServer
import Synchronization

/// The `junction` network: one Junction hub delivering to another.
///
/// Deliveries are the built-in signed `post` (RFC 9421, Ed25519 site key) of a
/// ``NativeActivity`` to the recipient hub's `/inbox`; the inbox verifies the signature against
/// the sending hub's published site key and hands each addressed channel its item through the
/// item pipeline. Everything a channel can do travels: private items, messages, edits,
/// deletes, reactions, threads.
public final class NativeDriver: Driver {
    public let network = XChan.localNetwork
    public let capabilities = DriverCapabilities.all
    public let contentType = NativeActivity.contentType
    private let domain = Mutex<HubDomain?>(nil)

    public init() {}

    /// Addresses on this hub are local channels, never remote `junction` identities.
    public func owns(_ address: String) -> Ownership {
        guard let hubDomain = domain.withLock({ $0 }), let at = address.lastIndex(of: "@") else { return .cannotTell }
        return address[address.index(after: at)...].lowercased() == hubDomain.description ? .no : .cannotTell
    }

    public func register(in registration: DriverRegistration) {
        domain.withLock { $0 = registration.domain }
        let inbox = NativeInbox(store: registration.store, items: registration.items, domain: registration.domain,
                                logger: registration.logger)
        registration.hooks.register(.moduleLoaded, name: network) { routes in inbox.register(on: routes.router) }
        let (siteKey, hubDomain) = (registration.siteKey, registration.domain)
        registration.hooks.register(.webfinger, name: network) { description in
            description.document.links.append(NativeDiscovery.link(for: description.channel, domain: hubDomain, siteKey: siteKey))
        }
        registration.hooks.register(.discoverChannelWebfinger, name: network) { identification in
            guard identification.xchan == nil, let (xchan, hubloc) = NativeDiscovery.identify(identification) else { return }
            identification.xchan = xchan
            identification.hublocs = [hubloc]
        }
    }

    public func encode(_ item: Item, event: NotifierEvent, for recipients: [Recipient], from channel: Channel) throws -> Data {
        try NativeActivity.encoder.encode(NativeActivity(item: item, event: event, recipients: recipients.map(\.xchan.hash)))
    }

    public func encode(_ item: Item, event: NotifierEvent, forEach deliveries: [[Recipient]], from channel: Channel) throws -> [Data] {
        try NativeActivity(item: item, event: event, recipients: []).encoded(forEach: deliveries.map { $0.map(\.xchan.hash) })
    }

    public func decode(_ wire: Data, for channel: Channel) throws -> Item {
        try NativeActivity.decoder.decode(NativeActivity.self, from: wire).item(for: channel)
    }
}
