extension Migration {
    /// The queue is a table of short-lived rows, written, read back once or twice and deleted
    /// (on PostgreSQL; SQLite has no such settings):
    /// - a row is kept as it is up to a page's worth: PostgreSQL compressed every entry over
    ///   2 kB (a payload with its recipient list) when it was written, and decompressed it each
    ///   time it was read, to save space the row held for seconds;
    /// - it is vacuumed once a small share of it is dead rather than a fifth, the usual advice
    ///   for queue tables: claims and lease counts read its indexes, and dead rows the indexes
    ///   still point to each cost a visit to the table.
    static let queueTableStorage = Migration(version: 10, name: "queue table storage", sql: "", postgresOnly: """
    ALTER TABLE outq SET (toast_tuple_target = 8160, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 500,
                          autovacuum_analyze_scale_factor = 0.02)
    """)
}
