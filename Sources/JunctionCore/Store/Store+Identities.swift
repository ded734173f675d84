extension Store {
    /// The identity an operator names by address (`jane@social.example`, a feed URL) or by xchan
    /// hash, among those this hub already knows; throws `notFound` otherwise, and `conflict` when
    /// an address names several identities on different networks.
    public func resolveKnownIdentity(_ name: String) async throws -> XChan {
        try await read { session in
            if let xchan = try await session.xchan(hash: name), !xchan.isDeleted { return xchan }
            let matches = try await session.xchans(address: name).filter { !$0.isDeleted }
            switch matches.count {
            case 0: throw JunctionError.notFound("no identity '\(name)' is known to this hub")
            case 1: return matches[0]
            default:
                throw JunctionError.conflict("'\(name)' names \(matches.count) identities (\(matches.map(\.network).joined(separator: ", "))); use an xchan hash")
            }
        }
    }
}
