extension Migration {
    /// Accounts, channels, identities, locations, sites, connections, items and the key-value tables.
    static let coreRecords = Migration(version: 1, name: "core records", sql: """
    CREATE TABLE account (
        id {{id}},
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        roles TEXT NOT NULL DEFAULT '',
        created BIGINT NOT NULL
    );
    CREATE TABLE xchan (
        hash TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        address_lower TEXT NOT NULL,
        name TEXT NOT NULL,
        network TEXT NOT NULL,
        photo_url TEXT,
        url TEXT,
        connect_url TEXT,
        public_key TEXT,
        created BIGINT NOT NULL,
        updated BIGINT NOT NULL,
        deleted {{bool}} NOT NULL DEFAULT FALSE
    );
    CREATE INDEX xchan_address ON xchan (address_lower);
    CREATE INDEX xchan_network ON xchan (network);
    CREATE TABLE channel (
        id {{id}},
        account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        handle TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        xchan_hash TEXT NOT NULL UNIQUE REFERENCES xchan (hash),
        public_key TEXT NOT NULL,
        private_key TEXT NOT NULL,
        permission_limits TEXT NOT NULL DEFAULT '{}',
        created BIGINT NOT NULL
    );
    CREATE INDEX channel_account ON channel (account_id);
    CREATE TABLE hubloc (
        id {{id}},
        xchan_hash TEXT NOT NULL REFERENCES xchan (hash) ON DELETE CASCADE,
        network TEXT NOT NULL,
        host TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        site_key TEXT,
        is_primary {{bool}} NOT NULL DEFAULT TRUE,
        deleted {{bool}} NOT NULL DEFAULT FALSE,
        updated BIGINT NOT NULL,
        UNIQUE (xchan_hash, network, endpoint)
    );
    CREATE INDEX hubloc_host ON hubloc (host);
    CREATE TABLE site (
        host TEXT PRIMARY KEY,
        network TEXT,
        last_success BIGINT,
        last_failure BIGINT,
        first_failure BIGINT,
        failure_streak INTEGER NOT NULL DEFAULT 0,
        dead {{bool}} NOT NULL DEFAULT FALSE,
        blocked {{bool}} NOT NULL DEFAULT FALSE,
        updated BIGINT NOT NULL
    );
    CREATE TABLE abook (
        id {{id}},
        channel_id BIGINT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
        xchan_hash TEXT NOT NULL REFERENCES xchan (hash),
        my_perms TEXT NOT NULL DEFAULT '',
        their_perms TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL,
        pending {{bool}} NOT NULL DEFAULT FALSE,
        blocked {{bool}} NOT NULL DEFAULT FALSE,
        ignored {{bool}} NOT NULL DEFAULT FALSE,
        is_self {{bool}} NOT NULL DEFAULT FALSE,
        abook_instance TEXT NOT NULL DEFAULT '',
        created BIGINT NOT NULL,
        updated BIGINT NOT NULL,
        UNIQUE (channel_id, xchan_hash)
    );
    CREATE INDEX abook_xchan ON abook (xchan_hash);
    CREATE TABLE item (
        id {{id}},
        channel_id BIGINT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
        mid TEXT NOT NULL,
        parent_mid TEXT NOT NULL,
        thr_parent TEXT NOT NULL,
        verb TEXT NOT NULL,
        obj_type TEXT NOT NULL,
        author_xchan TEXT NOT NULL,
        owner_xchan TEXT NOT NULL,
        source_xchan TEXT,
        title TEXT,
        body TEXT NOT NULL,
        mimetype TEXT NOT NULL,
        attachments TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '[]',
        allow_xchans TEXT NOT NULL DEFAULT '[]',
        allow_groups TEXT NOT NULL DEFAULT '[]',
        deny_xchans TEXT NOT NULL DEFAULT '[]',
        deny_groups TEXT NOT NULL DEFAULT '[]',
        private {{bool}} NOT NULL DEFAULT FALSE,
        created BIGINT NOT NULL,
        edited BIGINT NOT NULL,
        expires BIGINT,
        received BIGINT NOT NULL,
        origin_network TEXT NOT NULL,
        item_origin {{bool}} NOT NULL DEFAULT FALSE,
        deleted {{bool}} NOT NULL DEFAULT FALSE,
        UNIQUE (channel_id, mid)
    );
    CREATE INDEX item_stream ON item (channel_id, id);
    CREATE INDEX item_thread ON item (channel_id, parent_mid);
    CREATE INDEX item_mid ON item (mid);
    CREATE TABLE item_copy (
        item_id BIGINT NOT NULL REFERENCES item (id) ON DELETE CASCADE,
        channel_id BIGINT NOT NULL,
        network TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        PRIMARY KEY (item_id, network),
        UNIQUE (channel_id, network, remote_id)
    );
    CREATE TABLE config (
        cat TEXT NOT NULL,
        k TEXT NOT NULL,
        v TEXT NOT NULL,
        PRIMARY KEY (cat, k)
    );
    CREATE TABLE pconfig (
        channel_id BIGINT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
        cat TEXT NOT NULL,
        k TEXT NOT NULL,
        v TEXT NOT NULL,
        PRIMARY KEY (channel_id, cat, k)
    );
    CREATE TABLE xconfig (
        xchan_hash TEXT NOT NULL,
        cat TEXT NOT NULL,
        k TEXT NOT NULL,
        v TEXT NOT NULL,
        PRIMARY KEY (xchan_hash, cat, k)
    );
    CREATE TABLE abconfig (
        channel_id BIGINT NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
        xchan_hash TEXT NOT NULL,
        cat TEXT NOT NULL,
        k TEXT NOT NULL,
        v TEXT NOT NULL,
        PRIMARY KEY (channel_id, xchan_hash, cat, k)
    );
    CREATE TABLE iconfig (
        item_id BIGINT NOT NULL REFERENCES item (id) ON DELETE CASCADE,
        cat TEXT NOT NULL,
        k TEXT NOT NULL,
        v TEXT NOT NULL,
        PRIMARY KEY (item_id, cat, k)
    );
    """)
}
