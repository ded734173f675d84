extension Migration {
    /// Every queued entry is written to each of the queue's indexes twice (queued, then gone),
    /// so an index no frequent statement reads is dropped: `dreport_outq` was read by no
    /// statement, and `outq_channel` only when a channel is deleted, which now reads the
    /// queue through.
    static let queueIndexTrim = Migration(version: 9, name: "queue index trim", sql: """
    DROP INDEX dreport_outq;
    DROP INDEX outq_channel;
    """)
}
