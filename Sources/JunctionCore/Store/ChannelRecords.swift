public import Foundation

/// What is needed to store a new channel.
public struct NewChannel: Sendable {
    public var accountID: Int64
    public var handle: Handle
    public var name: String
    public var role: ChannelRole
    public var xchanHash: String
    public var signingKey: SigningKey
    public var created: Date

    public init(accountID: Int64, handle: Handle, name: String, role: ChannelRole, xchanHash: String, signingKey: SigningKey, created: Date) {
        self.accountID = accountID
        self.handle = handle
        self.name = name
        self.role = role
        self.xchanHash = xchanHash
        self.signingKey = signingKey
        self.created = created
    }
}

/// Stored channels and their keys.
public protocol ChannelRecords: Sendable {
    /// Inserts a channel with its key pair; throws `conflict` when the handle is taken.
    func insertChannel(_ channel: NewChannel) async throws -> Channel
    func channel(id: Int64) async throws -> Channel?
    func channel(handle: Handle) async throws -> Channel?
    func channel(xchanHash: String) async throws -> Channel?
    /// All channels, oldest first; only those of `accountID` when given.
    func channels(accountID: Int64?) async throws -> [Channel]
    /// Replaces the channel-wide permission limits.
    func updateChannelLimits(channelID: Int64, limits: [Permission: PermissionLimit]) async throws
    /// Removes the channel with its connections, items and settings.
    func deleteChannel(id: Int64) async throws
    /// The channel's private key, for signing on its behalf. It never leaves the process.
    func channelSigningKey(channelID: Int64) async throws -> SigningKey?
}
