public import Foundation

/// `permissionsCreate` / `permissionsUpdate`: a connection and everything a driver needs to tell
/// the other side.
public struct ConnectionChange: Sendable {
    public var channel: Channel
    public var connection: ABook
    public var xchan: XChan
    public var hublocs: [HubLoc]
    /// Deliveries to enqueue (a follow request, a subscription), written in the same
    /// transaction as the connection.
    public var entries: [QueueEntryDraft]

    public init(channel: Channel, connection: ABook, xchan: XChan, hublocs: [HubLoc], entries: [QueueEntryDraft] = []) {
        self.channel = channel
        self.connection = connection
        self.xchan = xchan
        self.hublocs = hublocs
        self.entries = entries
    }
}

/// One recipient of a notifier run.
public struct Recipient: Sendable, Hashable {
    public var xchan: XChan
    /// Where it is served; empty for identities reached by other means (polled feeds).
    public var hublocs: [HubLoc]
    public var network: String { xchan.network }

    public init(xchan: XChan, hublocs: [HubLoc]) {
        self.xchan = xchan
        self.hublocs = hublocs
    }
}

/// What made the notifier run.
public enum NotifierEvent: String, Sendable, Codable {
    case post, edit, delete, reaction, mail, permissions, profile
}

/// `notifierProcess`: the whole state of one notifier run.
public struct NotifierState: Sendable {
    public var event: NotifierEvent
    public var channel: Channel
    public var item: Item?
    /// Who gets it; handlers may add or remove.
    public var recipients: [Recipient]
    /// The xchans a private item is addressed to (its envelope); empty for public items.
    public var privateEnvelope: [String]

    public init(event: NotifierEvent, channel: Channel, item: Item?, recipients: [Recipient], privateEnvelope: [String]) {
        self.event = event
        self.channel = channel
        self.item = item
        self.recipients = recipients
        self.privateEnvelope = privateEnvelope
    }
}

/// `notifierHub`: one destination hub of a notifier run. The driver of `network` appends the
/// deliveries it wants queued to ``entries``.
public struct HubDelivery: Sendable {
    public var state: NotifierState
    public var network: String
    /// The destination host (with port), the key of its ``Site``.
    public var host: String
    /// This hub's recipients.
    public var recipients: [Recipient]
    /// Deliveries to enqueue, written in the same transaction as the delivery reports.
    public var entries: [QueueEntryDraft]

    public init(state: NotifierState, network: String, host: String, recipients: [Recipient], entries: [QueueEntryDraft] = []) {
        self.state = state
        self.network = network
        self.host = host
        self.recipients = recipients
        self.entries = entries
    }
}

/// `follow`: an address to connect to; a driver that recognises it sets ``xchan`` (and may
/// store hublocs) so discovery is skipped.
public struct FollowRequest: Sendable {
    public var channel: Channel
    public var address: String
    public var xchan: XChan?

    public init(channel: Channel, address: String, xchan: XChan? = nil) {
        self.channel = channel
        self.address = address
        self.xchan = xchan
    }
}

/// `discoverChannel`: an address to look up; a resolver that recognises it sets ``xchan``.
public struct DiscoveryRequest: Sendable {
    public var address: String
    public var xchan: XChan?
    public var hublocs: [HubLoc]

    public init(address: String, xchan: XChan? = nil, hublocs: [HubLoc] = []) {
        self.address = address
        self.xchan = xchan
        self.hublocs = hublocs
    }
}

/// `webfinger`: the public description of a local channel; each driver adds the links of the
/// stacks it serves the channel on (its endpoints, keys, feeds).
public struct ChannelDocument: Sendable {
    public var channel: Channel
    public var xchan: XChan
    public var document: IdentityDocument

    public init(channel: Channel, xchan: XChan, document: IdentityDocument) {
        self.channel = channel
        self.xchan = xchan
        self.document = document
    }
}

/// `discoverChannelWebfinger`: a document found for an address by WebFinger or LRDD; the driver
/// whose links it carries sets ``xchan`` and ``hublocs``.
public struct DocumentIdentification: Sendable {
    public var address: DiscoveryAddress
    public var document: IdentityDocument
    /// The URL the document was read from.
    public var source: String
    public var xchan: XChan?
    public var hublocs: [HubLoc]

    public init(address: DiscoveryAddress, document: IdentityDocument, source: String, xchan: XChan? = nil, hublocs: [HubLoc] = []) {
        self.address = address
        self.document = document
        self.source = source
        self.xchan = xchan
        self.hublocs = hublocs
    }
}

/// `itemStore` / `itemStoreUpdate`: an item as stored.
public struct StoredItem: Sendable {
    public var item: Item
    public init(item: Item) { self.item = item }
}

/// `queueDeliver`: a finished delivery attempt.
public struct QueueDelivery: Sendable {
    public var entry: QueueEntry
    public var outcome: DeliveryOutcome
    public init(entry: QueueEntry, outcome: DeliveryOutcome) {
        self.entry = entry
        self.outcome = outcome
    }
}
