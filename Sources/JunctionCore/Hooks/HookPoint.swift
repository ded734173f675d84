/// A named place in the hub's flow where drivers run code, with the payload type its handlers
/// receive. Names follow Hubzilla's (`notifierProcess` is `notifier_process`).
///
/// ```swift
/// hooks.register(.notifierHub, name: "ofscp") { delivery in
///     guard delivery.network == "ofscp" else { return }
///     delivery.entries.append(...)
/// }
/// ```
public struct HookPoint<Payload: Sendable>: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

extension HookPoint where Payload == ConnectionChange {
    /// A connection was made: the xchan's driver sends its network's follow/join/subscribe.
    public static var permissionsCreate: Self { .init("permissionsCreate") }
    /// A connection's permissions, or the channel's profile, changed.
    public static var permissionsUpdate: Self { .init("permissionsUpdate") }
    /// A connection is being removed: the xchan's driver sends its network's unfollow/leave.
    public static var connectionRemove: Self { .init("connectionRemove") }
}

extension HookPoint where Payload == NotifierState {
    /// Once per notifier run with its whole state; handlers may change the recipients.
    public static var notifierProcess: Self { .init("notifierProcess") }
}

extension HookPoint where Payload == HubDelivery {
    /// Once per destination hub; the driver of the hub's network enqueues the delivery.
    public static var notifierHub: Self { .init("notifierHub") }
}

extension HookPoint where Payload == FollowRequest {
    /// Before discovery: a driver that recognises the address may answer and skip the chain.
    public static var follow: Self { .init("follow") }
}

extension HookPoint where Payload == DiscoveryRequest {
    /// A lookup of an address, for resolvers that are not part of the ordered chain.
    public static var discoverChannel: Self { .init("discoverChannel") }
}

extension HookPoint where Payload == ChannelDocument {
    /// A local channel's WebFinger document is being built: drivers add their links.
    public static var webfinger: Self { .init("webfinger") }
}

extension HookPoint where Payload == DocumentIdentification {
    /// A WebFinger/LRDD document was found: the driver whose stack it describes fills the
    /// identity and its locations.
    public static var discoverChannelWebfinger: Self { .init("discoverChannelWebfinger") }
}

extension HookPoint where Payload == StoredItem {
    /// A new item was stored (after deduplication).
    public static var itemStore: Self { .init("itemStore") }
    /// A stored item was changed (edit, delete).
    public static var itemStoreUpdate: Self { .init("itemStoreUpdate") }
}

extension HookPoint where Payload == QueueDelivery {
    /// After each delivery attempt, with its outcome.
    public static var queueDeliver: Self { .init("queueDeliver") }
}
