/// What kind of channel this is; a role presets the channel-wide limits and what a new
/// connection is granted.
///
/// Groups (OFSCP groups, FXGP guilds, forums) are channels of role ``group``: members are
/// connections, and their ``ConnectionRole`` decides what they may do.
public enum ChannelRole: String, CaseIterable, Codable, Sendable {
    /// A person: public stream and profile, everything else for chosen connections.
    case personal
    /// A public figure or broadcaster: anyone authenticated may comment, react and write.
    case `public`
    /// A group, forum or guild: members post to it and it redistributes their posts.
    case group

    /// The channel-wide limit of `permission` for this role.
    public func limit(for permission: Permission) -> PermissionLimit {
        switch (self, permission) {
        case (_, .delegate): .self
        case (_, .viewStream), (_, .viewProfile), (_, .viewPages): .public
        case (.group, .moderate): .specific
        case (_, .moderate): .self
        case (.group, .viewContacts), (.group, .viewStorage): .connections
        case (.group, .republish), (.group, .writeStorage), (.group, .writePages): .specific
        case (.group, _): .connections
        case (.personal, .viewContacts): .public
        case (.personal, .viewStorage): .connections
        case (.personal, _): .specific
        case (.public, .viewContacts), (.public, .viewStorage): .public
        case (.public, .postComments), (.public, .postLike), (.public, .postMail): .authenticated
        case (.public, .sendStream): .connections
        case (.public, _): .specific
        }
    }

    /// The connection role a newly approved connection gets.
    public var defaultConnectionRole: ConnectionRole {
        self == .group ? .member : .contact
    }
}
