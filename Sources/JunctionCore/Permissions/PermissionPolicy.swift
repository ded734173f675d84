/// The one place that answers "may X do P on channel C".
public enum PermissionPolicy {
    /// Who is asking.
    public enum Requester: Sendable, Hashable {
        /// A visitor nobody has authenticated.
        case anonymous
        /// An identity authenticated by its network (signature, token, FXID), by xchan hash.
        case identity(String)
    }

    /// Decides whether `requester` may do `permission` on `channel`, given the channel's
    /// connection to the requester, if there is one.
    ///
    /// The rules, in order:
    /// 1. The channel itself may do everything.
    /// 2. A blocked connection may do nothing; an ignored one may read but not write.
    /// 3. Otherwise the channel-wide limit decides: `public` lets anyone, `authenticated` any
    ///    identity, `connections` any approved connection, `specific` approved connections that
    ///    hold the permission individually, `self` nobody else.
    public static func isAllowed(
        _ permission: Permission,
        requester: Requester,
        channel: Channel,
        connection: ABook?
    ) -> Bool {
        if case .identity(let hash) = requester, hash == channel.xchanHash { return true }
        if let connection {
            if connection.isBlocked { return false }
            if connection.isIgnored && permission.writes { return false }
        }
        let approved = connection.map { !$0.isPending } ?? false
        switch channel.limit(for: permission) {
        case .public:
            return true
        case .authenticated:
            if case .identity = requester { return true }
            return false
        case .connections:
            return approved
        case .specific:
            return approved && (connection?.myPermissions.contains(permission) ?? false)
        case .self:
            return false
        }
    }
}
