extension Migration {
    /// Lets a claim pick due entries from an index alone, without reading their payloads (the
    /// new index starts like `outq_due`, which it replaces), and makes the queue the only record
    /// of pending deliveries: when an entry leaves the queue, one report row keeps how it ended
    /// for all its recipients (`recipients`, a JSON array; `recipient` stays for reports of a
    /// single recipient), and the entry keeps when it last changed. A channel's audience version changes
    /// with its connections and their identities and locations, so a notifier may keep the
    /// audience it read while the version stays.
    static let queueClaims = Migration(version: 6, name: "queue claims, final reports, audience version", sql: """
    CREATE INDEX outq_claim ON outq (state, next_attempt, priority, lease_until, destination);
    DROP INDEX outq_due;
    ALTER TABLE outq ADD COLUMN updated BIGINT;
    ALTER TABLE dreport ADD COLUMN recipients TEXT;
    DELETE FROM dreport WHERE outq_id IN (SELECT id FROM outq);
    ALTER TABLE channel ADD COLUMN audience_version BIGINT NOT NULL DEFAULT 0;
    """)
}
