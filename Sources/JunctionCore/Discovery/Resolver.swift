/// One step of the discovery chain: recognises addresses of some kind and finds out what they
/// are (WebFinger, host-meta/LRDD, an OFSCP provider's directory, FXGP public info, feed
/// autodiscovery). Registered by drivers with ``DriverRegistration/addResolver(_:)``.
public protocol Resolver: Sendable {
    /// Shown in lookups and logs (`webfinger`, `host-meta`).
    var name: String { get }
    /// The network of the driver that registered it; its `owns(address)` guess gates this
    /// resolver: skipped on `.no`, tried first on `.yes`.
    var network: String { get }
    /// Its place in the chain.
    var rank: ResolverRank { get }

    /// Looks `address` up. Never throws: an address it does not recognise, or cannot reach,
    /// is `.notRecognised` with the reason, and the chain goes on.
    func resolve(_ address: DiscoveryAddress) async -> ResolverAnswer
}

/// Where a resolver sits in the chain; lower runs first.
public struct ResolverRank: Sendable, Hashable, Comparable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// WebFinger (RFC 7033).
    public static let webFinger = ResolverRank(100)
    /// host-meta and LRDD (RFC 6415), the old style.
    public static let hostMeta = ResolverRank(200)
    /// A network's own discovery (OFSCP provider discovery, FXGP public info).
    public static let network = ResolverRank(300)
    /// URL discovery: feed autodiscovery on a web page, the last resort.
    public static let url = ResolverRank(900)
}

/// A resolver's answer.
public enum ResolverAnswer: Sendable {
    /// The identity and where it is served.
    case found(xchan: XChan, hublocs: [HubLoc])
    /// Not this resolver's kind of address, or it could not be reached; the reason is shown
    /// when no resolver found anything.
    case notRecognised(String)
}
