extension Migration {
    /// Finds the entries in flight (leased) without scanning the whole queue.
    static let queueLeases = Migration(version: 3, name: "queue lease index", sql: """
    CREATE INDEX outq_lease ON outq (lease_until);
    """)
}
