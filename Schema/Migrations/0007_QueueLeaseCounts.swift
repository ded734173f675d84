extension Migration {
    /// Counts a claim's entries in flight per destination from an index alone: the leased
    /// entries, with their destinations, in lease order (it replaces `outq_lease`).
    static let queueLeaseCounts = Migration(version: 7, name: "queue lease counts", sql: """
    CREATE INDEX outq_leased ON outq (state, lease_until, destination);
    DROP INDEX outq_lease;
    """)
}
