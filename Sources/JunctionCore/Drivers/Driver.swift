public import Foundation
public import ServiceLifecycle

/// A network plugged into the hub: OFSCP, FXGP, WebFinger, RSS, or a third party's.
///
/// A driver names its network, guesses cheaply which addresses are its own, says what its
/// network can keep private, registers its hook handlers, queue drivers and background services,
/// and translates items to and from its wire form. Defaults cover what a simple driver does not
/// need, so most implement ``network``, ``register(in:)`` and the translation.
public protocol Driver: Sendable {
    /// The network name recorded on xchans, hublocs and items (`rss`, `ofscp`, `fxgp`…).
    var network: String { get }

    /// What the network can do; the notifier never sends an item where its privacy or kind
    /// cannot be kept.
    var capabilities: DriverCapabilities { get }

    /// The media type of ``encode(_:event:for:from:)``'s output (default `application/json`).
    var contentType: String { get }

    /// A cheap guess, with no network I/O, whether `address` belongs to this network.
    func owns(_ address: String) -> Ownership

    /// Registers hook handlers, queue drivers and services; throws when the driver's settings
    /// (``DriverRegistration/settings``) cannot be used, which stops the hub from starting.
    func register(in registration: DriverRegistration) throws

    /// The wire form of `event` about `item` for `recipients` (one delivery): a post, an edit
    /// (`item` as it is now), a delete (`item.isDeleted`), a reaction or a mail.
    func encode(_ item: Item, event: NotifierEvent, for recipients: [Recipient], from channel: Channel) throws -> Data

    /// The wire forms of `event` about `item` for several deliveries at once, one for each list
    /// of recipients, in order. The default encodes each with ``encode(_:event:for:from:)``; a
    /// driver whose deliveries differ only in their recipients encodes the rest once.
    func encode(_ item: Item, event: NotifierEvent, forEach deliveries: [[Recipient]], from channel: Channel) throws -> [Data]

    /// The item a wire document describes, as received for `channel`.
    func decode(_ wire: Data, for channel: Channel) throws -> Item
}

extension Driver {
    public var capabilities: DriverCapabilities { [] }
    public var contentType: String { "application/json" }
    public func owns(_ address: String) -> Ownership { .cannotTell }

    public func encode(_ item: Item, event: NotifierEvent, forEach deliveries: [[Recipient]], from channel: Channel) throws -> [Data] {
        try deliveries.map { try encode(item, event: event, for: $0, from: channel) }
    }
}

/// A driver's answer to "is this address yours?".
public enum Ownership: Sendable, Equatable {
    case yes
    case no
    case cannotTell
}

/// What a network can carry.
public struct DriverCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Items restricted to named recipients stay restricted.
    public static let privateItems = DriverCapabilities(rawValue: 1 << 0)
    /// One-to-one messages.
    public static let directMessages = DriverCapabilities(rawValue: 1 << 1)
    /// Edits of sent items.
    public static let edits = DriverCapabilities(rawValue: 1 << 2)
    /// Deletions of sent items.
    public static let deletes = DriverCapabilities(rawValue: 1 << 3)
    /// Likes and other reactions.
    public static let reactions = DriverCapabilities(rawValue: 1 << 4)
    /// Comments attached to their thread.
    public static let threading = DriverCapabilities(rawValue: 1 << 5)

    public static let all: DriverCapabilities = [.privateItems, .directMessages, .edits, .deletes, .reactions, .threading]

    /// True when an item of this kind, for `event`, can go to a network with these capabilities.
    public func canCarry(_ item: Item?, event: NotifierEvent) -> Bool {
        if let item, item.isPrivate, !contains(.privateItems) { return false }
        switch event {
        case .mail: return contains(.directMessages) && contains(.privateItems)
        case .edit: return contains(.edits)
        case .delete: return contains(.deletes)
        case .reaction: return contains(.reactions)
        case .post:
            if let item, !item.isTopLevel { return contains(.threading) }
            return true
        case .permissions, .profile: return true
        }
    }
}

/// Sends queued deliveries of one kind (`post`, or a driver's own).
public protocol QueueDriver: Sendable {
    /// Attempts one delivery and reports what became of it; never throws, never hangs past
    /// its own timeout.
    func deliver(_ entry: QueueEntry) async -> DeliveryOutcome
}
