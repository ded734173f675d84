/// The discovery chain's cache of lookups.
public protocol DiscoveryRecords: Sendable {
    /// The remembered lookup of `address` (a cache key), fresh or not.
    func discoveryEntry(address: String) async throws -> DiscoveryEntry?
    /// Remembers a lookup, replacing the previous one for the same address.
    func putDiscoveryEntry(_ entry: DiscoveryEntry) async throws
}
