public import Foundation

/// A remembered lookup: which identity an address resolved to, or why it did not, until when.
public struct DiscoveryEntry: Sendable, Hashable {
    /// ``DiscoveryAddress/cacheKey``.
    public var address: String
    /// The identity found; `nil` for a remembered failure.
    public var xchanHash: String?
    /// The resolver that answered.
    public var resolver: String
    /// Why each resolver passed, for a failure.
    public var failures: [DiscoveryFailure.Attempt]
    public var checked: Date
    public var expires: Date

    public init(address: String, xchanHash: String?, resolver: String, failures: [DiscoveryFailure.Attempt] = [], checked: Date,
                expires: Date) {
        self.address = address
        self.xchanHash = xchanHash
        self.resolver = resolver
        self.failures = failures
        self.checked = checked
        self.expires = expires
    }
}
