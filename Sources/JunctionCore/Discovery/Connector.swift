public import Foundation

/// The connect path: a channel follows an address, or stops following it.
///
/// Following runs the `follow` hook first (a driver that recognises the address answers and
/// discovery is skipped), else the ``DiscoveryChain``; the connection gets the permissions of
/// the channel role's default connection role, and `permissionsCreate` runs in the same
/// transaction so the deliveries a driver queues (a follow request, a subscription) commit with
/// the connection.
public struct Connector: Sendable {
    private let store: any Store
    private let hooks: HookRegistry
    private let discovery: DiscoveryChain
    private let networks: Set<String>
    private let wakeQueue: @Sendable () -> Void

    public init(store: any Store, hooks: HookRegistry, discovery: DiscoveryChain, drivers: [any Driver],
                wakeQueue: @escaping @Sendable () -> Void) {
        self.store = store
        self.hooks = hooks
        self.discovery = discovery
        self.networks = Set(drivers.map(\.network))
        self.wakeQueue = wakeQueue
    }

    /// What a follow did.
    public struct Following: Sendable {
        public var connection: ABook
        public var xchan: XChan
        public var hublocs: [HubLoc]
        /// The resolver that found the identity; `follow` when a driver answered the hook.
        public var resolver: String
        /// True when the channel was already connected (nothing changed).
        public var alreadyConnected: Bool
    }

    /// Connects channel `handle` to `address`.
    public func follow(handle: String, address: String, now: Date = Date()) async throws -> Following {
        let channel = try await store.channel(handle: handle)
        let request = await hooks.run(.follow, FollowRequest(channel: channel, address: address))
        let xchan: XChan
        let resolver: String
        if let answered = request.xchan {
            xchan = answered
            resolver = "follow"
        } else {
            let found = try await discovery.lookup(address, now: now)
            xchan = found.xchan
            resolver = found.resolver
        }
        guard xchan.hash != channel.xchanHash else { throw JunctionError.invalidInput("a channel cannot follow itself") }
        guard networks.contains(xchan.network) else {
            throw JunctionError.invalidInput("'\(address)' speaks \(xchan.network), which no driver on this hub handles")
        }
        let (following, queued) = try await store.write { session in
            let hublocs = try await session.hublocs(xchanHash: xchan.hash)
            if let existing = try await session.abook(channelID: channel.id, xchanHash: xchan.hash) {
                return (Following(connection: existing, xchan: xchan, hublocs: hublocs, resolver: resolver, alreadyConnected: true), false)
            }
            let role = channel.role.defaultConnectionRole
            let connection = try await session.insertABook(ABook(
                channelID: channel.id, xchanHash: xchan.hash, myPermissions: role.permissions, role: role, created: now, updated: now
            ))
            let change = await hooks.run(.permissionsCreate, ConnectionChange(channel: channel, connection: connection, xchan: xchan,
                                                                              hublocs: hublocs))
            let ids = try await session.enqueue(change.entries, network: xchan.network, channelID: channel.id, itemID: nil, now: now)
            return (Following(connection: connection, xchan: xchan, hublocs: hublocs, resolver: resolver, alreadyConnected: false),
                    !ids.isEmpty)
        }
        if queued { wakeQueue() }
        return following
    }

    /// Removes channel `handle`'s connection to `address` (an address or xchan hash it knows);
    /// `connectionRemove` runs in the same transaction so drivers can queue an unsubscribe.
    @discardableResult
    public func unfollow(handle: String, address: String, now: Date = Date()) async throws -> XChan {
        let channel = try await store.channel(handle: handle)
        let (xchan, queued) = try await store.write { session in
            // The address as stored, an xchan hash, or what the address was found as (a blog's
            // page for its feed), from the discovery cache, expired or not.
            var cached: String?
            if let found = try? DiscoveryAddress(address) { cached = try await session.discoveryEntry(address: found.cacheKey)?.xchanHash }
            var candidates = try await session.xchans(address: address)
            for hash in [address, cached].compactMap({ $0 }) {
                if let xchan = try await session.xchan(hash: hash) { candidates.append(xchan) }
            }
            var connected: (ABook, XChan)?
            for candidate in candidates {
                if let abook = try await session.abook(channelID: channel.id, xchanHash: candidate.hash) {
                    connected = (abook, candidate)
                    break
                }
            }
            guard let (connection, xchan) = connected, !connection.isSelf else {
                throw JunctionError.notFound("channel '\(channel.handle)' does not follow '\(address)'")
            }
            let change = await hooks.run(.connectionRemove, ConnectionChange(
                channel: channel, connection: connection, xchan: xchan, hublocs: try await session.hublocs(xchanHash: xchan.hash)))
            try await session.deleteABook(id: connection.id)
            let ids = try await session.enqueue(change.entries, network: xchan.network, channelID: channel.id, itemID: nil, now: now)
            return (xchan, !ids.isEmpty)
        }
        if queued { wakeQueue() }
        return xchan
    }
}
