extension Migration {
    /// Lets a claim pick due entries from an index alone, without reading their payloads: the
    /// new index starts like `outq_due`, which it replaces.
    static let queueClaims = Migration(version: 5, name: "queue claim index", sql: """
    CREATE INDEX outq_claim ON outq (state, next_attempt, priority, lease_until, destination);
    DROP INDEX outq_due;
    """)
}
