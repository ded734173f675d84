public import Foundation

/// A connection of a local channel to an ``XChan``, with the permissions each side grants.
public struct ABook: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var channelID: Int64
    public var xchanHash: String
    /// What the channel grants this connection.
    public var myPermissions: Set<Permission>
    /// What the remote side grants the channel, as its network reported it.
    public var theirPermissions: Set<Permission>
    /// The preset `myPermissions` came from, or `custom`.
    public var role: ConnectionRole
    /// Requested but not yet approved by the channel.
    public var isPending: Bool
    public var isBlocked: Bool
    /// Their posts are not taken in; they may still read what they are allowed to.
    public var isIgnored: Bool
    /// The channel's connection to itself.
    public var isSelf: Bool
    /// `abook_instance`: which of our hub URLs the remote side knows us by (for networks without
    /// nomadic identity).
    public var instances: [String]
    public var created: Date
    public var updated: Date

    public init(
        id: Int64 = 0, channelID: Int64, xchanHash: String, myPermissions: Set<Permission>,
        theirPermissions: Set<Permission> = [], role: ConnectionRole, isPending: Bool = false,
        isBlocked: Bool = false, isIgnored: Bool = false, isSelf: Bool = false, instances: [String] = [],
        created: Date = Date(), updated: Date = Date()
    ) {
        self.id = id
        self.channelID = channelID
        self.xchanHash = xchanHash
        self.myPermissions = myPermissions
        self.theirPermissions = theirPermissions
        self.role = role
        self.isPending = isPending
        self.isBlocked = isBlocked
        self.isIgnored = isIgnored
        self.isSelf = isSelf
        self.instances = instances
        self.created = created
        self.updated = updated
    }
}
