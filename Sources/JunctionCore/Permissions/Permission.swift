/// A named thing a remote or local identity may do with a channel, in the spirit of Hubzilla.
///
/// Each permission has a channel-wide ``PermissionLimit`` and may be granted one by one to a
/// connection (the connection's "my permissions").
public enum Permission: String, CaseIterable, Codable, Sendable, Comparable {
    /// See the channel's public and permitted posts.
    case viewStream = "view_stream"
    /// See the channel's profile.
    case viewProfile = "view_profile"
    /// See the channel's connections.
    case viewContacts = "view_contacts"
    /// See the channel's files.
    case viewStorage = "view_storage"
    /// See the channel's web pages.
    case viewPages = "view_pages"
    /// Have their posts appear in the channel's stream (we receive what they publish).
    case sendStream = "send_stream"
    /// Post to the channel's wall (for a group: post to the group).
    case postWall = "post_wall"
    /// Comment on the channel's posts.
    case postComments = "post_comments"
    /// Send the channel private mail / direct messages.
    case postMail = "post_mail"
    /// React to (like, dislike…) the channel's posts.
    case postLike = "post_like"
    /// Mention the channel so that the post is redelivered to its connections (group behaviour).
    case tagDeliver = "tag_deliver"
    /// Relay (re-share) the channel's posts to other networks.
    case republish = "republish"
    /// Chat in the channel's real-time rooms.
    case chat = "chat"
    /// Upload and change the channel's files.
    case writeStorage = "write_storage"
    /// Change the channel's web pages.
    case writePages = "write_pages"
    /// Moderate: hide or delete others' posts, mute members.
    case moderate = "moderate"
    /// Administer the channel on the owner's behalf (change roles and permissions).
    case delegate = "delegate"

    /// True for permissions that let the holder put something into the channel.
    public var writes: Bool {
        switch self {
        case .viewStream, .viewProfile, .viewContacts, .viewStorage, .viewPages: false
        default: true
        }
    }

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a comma-separated list as stored (`view_stream,post_mail`); unknown names are ignored
    /// so that a downgrade never fails on a permission added later.
    public static func set(parsing text: String) -> Set<Permission> {
        Set(text.split(separator: ",").compactMap { Permission(rawValue: String($0)) })
    }

    /// The stored form of a set: sorted names joined by commas.
    public static func storedForm(_ set: Set<Permission>) -> String {
        set.sorted().map(\.rawValue).joined(separator: ",")
    }
}
