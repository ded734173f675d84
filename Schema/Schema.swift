/// Every migration, in order. Append new ones; never edit one that has shipped.
public enum Schema {
    public static let migrations: [Migration] = [
        .coreRecords,
        .queue,
        .queueLeases,
        .discoveryCache,
        .itemPermalink,
        .queueClaims,
        .queueLeaseCounts,
        .queueClaimOrder,
        .queueIndexTrim,
        .queueTableStorage,
    ]

    /// The version a database has once every migration ran.
    public static var latestVersion: Int { migrations.last?.version ?? 0 }
}
