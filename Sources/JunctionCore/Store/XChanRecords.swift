/// Stored identities.
public protocol XChanRecords: Sendable {
    /// Inserts the identity or replaces the one with the same hash.
    func upsertXChan(_ xchan: XChan) async throws
    func xchan(hash: String) async throws -> XChan?
    /// The identities with these hashes (unknown ones are left out), in one pass.
    func xchans(hashes: [String]) async throws -> [XChan]
    /// The identities known by this address (case-insensitive), newest first.
    func xchans(address: String) async throws -> [XChan]
    /// The identities of `network` that at least one local channel is connected to (the feeds a
    /// poller reads, the guilds a driver keeps sessions with), by hash.
    func connectedXChans(network: String) async throws -> [XChan]
    /// The identities channel `channelID` is connected to, in one query (the notifier's audience).
    func xchans(connectedTo channelID: Int64) async throws -> [XChan]
}
