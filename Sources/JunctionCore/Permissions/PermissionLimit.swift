/// Who, at most, may hold a permission on a channel: the channel-wide ceiling.
public enum PermissionLimit: String, CaseIterable, Codable, Sendable {
    /// Anyone, including anonymous visitors.
    case `public`
    /// Any authenticated identity on any network.
    case authenticated
    /// Any approved connection of the channel.
    case connections
    /// Approved connections that were granted this permission individually.
    case specific
    /// Only the channel itself.
    case `self`
}
