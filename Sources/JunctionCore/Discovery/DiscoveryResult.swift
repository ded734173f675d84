public import Foundation

/// What the discovery chain found for an address.
public struct DiscoveryResult: Sendable {
    /// The address as normalised.
    public var address: String
    public var xchan: XChan
    public var hublocs: [HubLoc]
    /// The resolver that answered (`local` for this hub's own channels).
    public var resolver: String
    /// True when the answer came from the cache, without network I/O.
    public var fromCache: Bool
    /// When the answer was found.
    public var checked: Date

    public init(address: String, xchan: XChan, hublocs: [HubLoc], resolver: String, fromCache: Bool, checked: Date) {
        self.address = address
        self.xchan = xchan
        self.hublocs = hublocs
        self.resolver = resolver
        self.fromCache = fromCache
        self.checked = checked
    }
}

/// No resolver recognised an address: why each one passed ("unknown network").
public struct DiscoveryFailure: Error, Sendable, CustomStringConvertible {
    /// One resolver's reason.
    public struct Attempt: Sendable, Hashable, Codable {
        public var resolver: String
        public var reason: String
        public init(resolver: String, reason: String) {
            self.resolver = resolver
            self.reason = reason
        }
    }

    public var address: String
    public var attempts: [Attempt]
    /// True when this failure was remembered from an earlier lookup (negative cache).
    public var fromCache: Bool

    public init(address: String, attempts: [Attempt], fromCache: Bool) {
        self.address = address
        self.attempts = attempts
        self.fromCache = fromCache
    }

    public var description: String {
        let reasons = attempts.map { "\($0.resolver): \($0.reason)" }.joined(separator: "; ")
        let cached = fromCache ? " (remembered from an earlier lookup)" : ""
        return "unknown network for '\(address)'\(cached)" + (reasons.isEmpty ? "" : " — \(reasons)")
    }
}
