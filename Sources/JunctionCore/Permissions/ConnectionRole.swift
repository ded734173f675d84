/// A named preset of the permissions a channel grants one connection ("my permissions").
///
/// For a group channel these are the member roles shared by OFSCP groups and FXGP guilds;
/// `custom` marks a connection whose permissions were set one by one.
public enum ConnectionRole: String, CaseIterable, Codable, Sendable, Comparable {
    /// May only read: follows the channel.
    case follower
    /// A personal contact: reads, writes to our stream, comments, messages, reacts, chats.
    case contact
    /// A group member: as a contact, and posts to the group.
    case member
    /// A member who also moderates and may republish.
    case moderator
    /// A moderator who may also administer the channel.
    case admin
    /// Permissions set individually.
    case custom

    /// The permissions this role grants; `custom` grants none by itself.
    public var permissions: Set<Permission> {
        switch self {
        case .follower:
            [.viewStream, .viewProfile, .viewContacts, .viewStorage, .viewPages]
        case .contact:
            Self.follower.permissions.union([.sendStream, .postComments, .postMail, .postLike, .chat])
        case .member:
            Self.contact.permissions.union([.postWall, .tagDeliver])
        case .moderator:
            Self.member.permissions.union([.moderate, .republish, .writeStorage, .writePages])
        case .admin:
            Self.moderator.permissions.union([.delegate])
        case .custom:
            []
        }
    }

    /// Rank in the hierarchy (FXGP guild roles are ordered); `custom` ranks lowest.
    public var rank: Int {
        switch self {
        case .custom: 0
        case .follower: 1
        case .contact: 2
        case .member: 3
        case .moderator: 4
        case .admin: 5
        }
    }

    public static func < (lhs: ConnectionRole, rhs: ConnectionRole) -> Bool { lhs.rank < rhs.rank }
}
