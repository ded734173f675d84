public import Foundation

/// A local identity: a person, a group or a bridged guild. Its private key stays in the store;
/// ``publicKey`` is what others verify with.
public struct Channel: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var accountID: Int64
    public var handle: Handle
    /// Display name.
    public var name: String
    public var role: ChannelRole
    /// The channel's own `xchan` (its network-neutral identity).
    public var xchanHash: String
    public var publicKey: SigningKey.PublicKey
    /// Channel-wide permission limits; a permission missing here falls back to the role's limit.
    public var permissionLimits: [Permission: PermissionLimit]
    public var created: Date

    public init(
        id: Int64, accountID: Int64, handle: Handle, name: String, role: ChannelRole, xchanHash: String,
        publicKey: SigningKey.PublicKey, permissionLimits: [Permission: PermissionLimit], created: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.handle = handle
        self.name = name
        self.role = role
        self.xchanHash = xchanHash
        self.publicKey = publicKey
        self.permissionLimits = permissionLimits
        self.created = created
    }

    /// The effective channel-wide limit of `permission`.
    public func limit(for permission: Permission) -> PermissionLimit {
        permissionLimits[permission] ?? role.limit(for: permission)
    }

    /// The channel's address on `domain` (`handle@domain`).
    public func address(on domain: HubDomain) -> String { "\(handle)@\(domain)" }

    /// True when anyone may read the channel's stream: it is published as feeds and a page.
    public var isPublicStream: Bool { limit(for: .viewStream) == .public }

    /// The channel's public page on `domain`.
    public func url(on domain: HubDomain) -> String { "\(domain.baseURL)/channel/\(handle)" }
}
