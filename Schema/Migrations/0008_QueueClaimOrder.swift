extension Migration {
    /// Claims read due entries in the order they are claimed (priority, then oldest first), so a
    /// claim stops after the candidates it needs instead of sorting every due entry; the lease
    /// and destination ride along for the claim's filters (it replaces `outq_claim`).
    static let queueClaimOrder = Migration(version: 8, name: "queue claim order", sql: """
    DROP INDEX outq_claim;
    CREATE INDEX outq_claim ON outq (state, priority DESC, next_attempt, id, lease_until, destination);
    """)
}
