/// Stored locations of identities.
public protocol HubLocRecords: Sendable {
    /// Inserts the location or updates the one with the same xchan, network and endpoint.
    @discardableResult
    func upsertHubLoc(_ hubloc: HubLoc) async throws -> HubLoc
    /// The identity's locations, primary first.
    func hublocs(xchanHash: String) async throws -> [HubLoc]
    /// The locations of all these identities, primary first, in one pass.
    func hublocs(xchanHashes: [String]) async throws -> [HubLoc]
    /// The locations of every identity channel `channelID` is connected to, primary first, in
    /// one query.
    func hublocs(connectedTo channelID: Int64) async throws -> [HubLoc]
    /// Every location served by `host`.
    func hublocs(host: String) async throws -> [HubLoc]
}
