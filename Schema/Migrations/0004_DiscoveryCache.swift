extension Migration {
    /// Remembered lookups of the discovery chain: positive for a day, failures for minutes.
    static let discoveryCache = Migration(version: 4, name: "discovery cache", sql: """
    CREATE TABLE discovery (
        address TEXT PRIMARY KEY,
        xchan_hash TEXT,
        resolver TEXT NOT NULL,
        failures TEXT NOT NULL,
        checked BIGINT NOT NULL,
        expires BIGINT NOT NULL
    );
    """)
}
