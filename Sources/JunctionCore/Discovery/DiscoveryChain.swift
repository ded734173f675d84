public import Foundation
public import Logging

/// Finds out what an address is and how to reach it, and remembers the answer.
///
/// The chain asks every driver's cheap `owns(address)` guess first (no network I/O): resolvers
/// of drivers that say `.no` are skipped, those that say `.yes` go first; the rest run in rank
/// order (WebFinger → host-meta/LRDD → network resolvers → URL discovery). The first resolver
/// that recognises the address wins: its identity and locations are stored, and the answer
/// is cached for ``Configuration/ttl``. When none does, the `discoverChannel` hook gets a last
/// chance; then the address is an unknown network, remembered for the shorter
/// ``Configuration/negativeTTL``, and nothing else is stored. This hub's own channels are
/// answered from the store, never over the network.
public final class DiscoveryChain: Sendable {
    public struct Configuration: Sendable {
        /// How long a found identity is served from the cache.
        public var ttl: TimeInterval = 24 * 3600
        /// How long a failed lookup is remembered.
        public var negativeTTL: TimeInterval = 15 * 60
        public init() {}
    }

    private let store: any Store
    private let hooks: HookRegistry
    private let drivers: [any Driver]
    private let resolvers: @Sendable () -> [any Resolver]
    private let domain: HubDomain
    private let configuration: Configuration
    private let logger: Logger

    public init(store: any Store, hooks: HookRegistry, drivers: [any Driver], resolvers: @escaping @Sendable () -> [any Resolver],
                domain: HubDomain, configuration: Configuration = .init(), logger: Logger) {
        self.store = store
        self.hooks = hooks
        self.drivers = drivers
        self.resolvers = resolvers
        self.domain = domain
        self.configuration = configuration
        self.logger = logger
    }

    /// Looks `text` up: from the cache when fresh (unless `refresh`), else through the chain.
    /// Throws `JunctionError` for a malformed address or an unknown local channel, and
    /// ``DiscoveryFailure`` when no resolver recognised it.
    public func lookup(_ text: String, refresh: Bool = false, now: Date = Date()) async throws -> DiscoveryResult {
        let address = try DiscoveryAddress(text)
        if address.host == domain.description { return try await local(address, now: now) }
        if !refresh, let cached = try await cached(address, now: now) { return cached }

        var attempts: [DiscoveryFailure.Attempt] = []
        for resolver in order(for: address) {
            switch await resolver.resolve(address) {
            case .found(let xchan, let hublocs):
                return try await remember(address, xchan: xchan, hublocs: hublocs, resolver: resolver.name, now: now)
            case .notRecognised(let reason):
                attempts.append(.init(resolver: resolver.name, reason: reason))
            }
        }
        let request = await hooks.run(.discoverChannel, DiscoveryRequest(address: address.description))
        if let xchan = request.xchan {
            return try await remember(address, xchan: xchan, hublocs: request.hublocs, resolver: "discoverChannel", now: now)
        }
        if attempts.isEmpty { attempts.append(.init(resolver: "chain", reason: "no resolver handles this kind of address")) }
        try await store.write { session in
            try await session.putDiscoveryEntry(DiscoveryEntry(
                address: address.cacheKey, xchanHash: nil, resolver: "", failures: attempts, checked: now,
                expires: now.addingTimeInterval(self.configuration.negativeTTL)
            ))
        }
        logger.info("discovery found nothing", metadata: ["address": "\(address)", "attempts": "\(attempts.count)"])
        throw DiscoveryFailure(address: address.description, attempts: attempts, fromCache: false)
    }

    /// The resolvers to try for `address`, in order.
    func order(for address: DiscoveryAddress) -> [any Resolver] {
        let guesses = Dictionary(drivers.map { ($0.network, $0.owns(address.description)) }, uniquingKeysWith: { first, _ in first })
        return resolvers().enumerated()
            .filter { guesses[$0.element.network] != .no }
            .sorted { lhs, rhs in
                let left = (guesses[lhs.element.network] == .yes ? 0 : 1, lhs.element.rank.rawValue, lhs.offset)
                let right = (guesses[rhs.element.network] == .yes ? 0 : 1, rhs.element.rank.rawValue, rhs.offset)
                return left < right
            }
            .map(\.element)
    }

    private func local(_ address: DiscoveryAddress, now: Date) async throws -> DiscoveryResult {
        guard let handle = address.channelHandle(on: domain) else {
            throw JunctionError.notFound("'\(address)' names no channel on this hub")
        }
        return try await store.read { session in
            guard let channel = try await session.channel(handle: handle), let xchan = try await session.xchan(hash: channel.xchanHash)
            else { throw JunctionError.notFound("no channel '\(handle)' on this hub") }
            return DiscoveryResult(address: address.description, xchan: xchan, hublocs: try await session.hublocs(xchanHash: xchan.hash),
                                   resolver: "local", fromCache: false, checked: now)
        }
    }

    private func cached(_ address: DiscoveryAddress, now: Date) async throws -> DiscoveryResult? {
        try await store.read { session in
            guard let entry = try await session.discoveryEntry(address: address.cacheKey), entry.expires > now else { return nil }
            guard let hash = entry.xchanHash else {
                throw DiscoveryFailure(address: address.description, attempts: entry.failures, fromCache: true)
            }
            guard let xchan = try await session.xchan(hash: hash), !xchan.isDeleted else { return nil }
            return DiscoveryResult(address: address.description, xchan: xchan, hublocs: try await session.hublocs(xchanHash: hash),
                                   resolver: entry.resolver, fromCache: true, checked: entry.checked)
        }
    }

    /// Stores what a resolver found, with the cache entry, in one transaction. An identity
    /// already known under another address is not taken over (its key would be claimed by
    /// a different host).
    private func remember(_ address: DiscoveryAddress, xchan found: XChan, hublocs: [HubLoc], resolver: String,
                          now: Date) async throws -> DiscoveryResult {
        try await store.write { session in
            var xchan = found
            if let known = try await session.xchan(hash: xchan.hash) {
                if !known.isDeleted, known.address.lowercased() != xchan.address.lowercased() {
                    throw JunctionError.conflict(
                        "'\(address)' claims the identity of \(known.address), which this hub already knows; not stored")
                }
                xchan.created = known.created
            } else {
                xchan.created = now
            }
            xchan.updated = now
            try await session.upsertXChan(xchan)
            var stored: [HubLoc] = []
            for var hubloc in hublocs {
                hubloc.xchanHash = xchan.hash
                hubloc.updated = now
                stored.append(try await session.upsertHubLoc(hubloc))
            }
            try await session.putDiscoveryEntry(DiscoveryEntry(
                address: address.cacheKey, xchanHash: xchan.hash, resolver: resolver, checked: now,
                expires: now.addingTimeInterval(self.configuration.ttl)
            ))
            return DiscoveryResult(address: address.description, xchan: xchan, hublocs: stored, resolver: resolver, fromCache: false,
                                   checked: now)
        }
    }
}
