/// Stored connections.
public protocol ABookRecords: Sendable {
    /// Inserts a connection; throws `conflict` when the channel already has one to that xchan.
    func insertABook(_ abook: ABook) async throws -> ABook
    /// Replaces the stored connection with the same id.
    func updateABook(_ abook: ABook) async throws
    func deleteABook(id: Int64) async throws
    func abook(channelID: Int64, xchanHash: String) async throws -> ABook?
    /// The channel's connections, oldest first.
    func abooks(channelID: Int64) async throws -> [ABook]
    /// Every local channel's connection to `xchanHash` (who follows a feed), oldest first.
    func abooks(xchanHash: String) async throws -> [ABook]
    /// A number that changes, in the same transaction, with every change to the channel's
    /// connections or to the identities and locations of its connections.
    func audienceVersion(channelID: Int64) async throws -> Int64
}
