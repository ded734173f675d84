/// The hub's persistence, behind which the SQLite and PostgreSQL backends sit.
///
/// Every access goes through a session: ``read(_:)`` for queries, ``write(_:)`` for one
/// transaction that commits when the closure returns and rolls back when it throws, so a
/// multi-row change is never half-written.
///
/// ```swift
/// let channel = try await store.read { try await $0.channel(handle: handle) }
/// ```
public protocol Store: Sendable {
    /// `sqlite` or `postgres`, for logs and `doctor`.
    var backendName: String { get }

    /// Runs `body` with a session for reading.
    func read<T: Sendable>(
        isolation: isolated (any Actor)?,
        _ body: (any StoreSession) async throws -> T
    ) async throws -> T

    /// Runs `body` inside one transaction.
    func write<T: Sendable>(
        isolation: isolated (any Actor)?,
        _ body: (any StoreSession) async throws -> T
    ) async throws -> T
}

extension Store {
    /// Runs `body` with a session for reading.
    public func read<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any StoreSession) async throws -> T
    ) async throws -> T {
        try await read(isolation: isolation, body)
    }

    /// Runs `body` inside one transaction.
    public func write<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any StoreSession) async throws -> T
    ) async throws -> T {
        try await write(isolation: isolation, body)
    }
}

/// Everything a session can do: the record protocols together.
public typealias StoreSession = AccountRecords & ChannelRecords & XChanRecords & HubLocRecords
    & SiteRecords & ABookRecords & ItemRecords & ConfigRecords & QueueRecords & DiscoveryRecords & CommitActions
