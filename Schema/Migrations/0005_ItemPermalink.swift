extension Migration {
    /// An item's page on the network it came from (a feed entry's link).
    static let itemPermalink = Migration(version: 5, name: "item permalink", sql: """
    ALTER TABLE item ADD COLUMN plink TEXT;
    """)
}
