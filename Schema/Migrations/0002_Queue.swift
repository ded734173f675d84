extension Migration {
    /// The durable outbound queue and the per-recipient delivery reports.
    static let queue = Migration(version: 2, name: "outbound queue", sql: """
    CREATE TABLE outq (
        id {{id}},
        driver TEXT NOT NULL,
        network TEXT NOT NULL,
        destination TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        payload {{blob}} NOT NULL,
        content_type TEXT NOT NULL,
        channel_id BIGINT,
        item_id BIGINT,
        recipients TEXT NOT NULL DEFAULT '[]',
        priority INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created BIGINT NOT NULL,
        next_attempt BIGINT NOT NULL,
        lease_until BIGINT,
        lease_owner TEXT,
        last_error TEXT
    );
    CREATE INDEX outq_due ON outq (state, next_attempt);
    CREATE INDEX outq_destination ON outq (destination, state);
    CREATE INDEX outq_item ON outq (item_id);
    CREATE INDEX outq_channel ON outq (channel_id);
    CREATE TABLE dreport (
        id {{id}},
        item_id BIGINT,
        channel_id BIGINT,
        recipient TEXT NOT NULL,
        destination TEXT NOT NULL,
        outq_id BIGINT,
        status TEXT NOT NULL,
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt BIGINT,
        updated BIGINT NOT NULL
    );
    CREATE INDEX dreport_item ON dreport (item_id);
    CREATE INDEX dreport_outq ON dreport (outq_id);
    """)
}
