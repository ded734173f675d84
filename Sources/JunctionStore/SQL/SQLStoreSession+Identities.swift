import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: XChanRecords {
    func upsertXChan(_ x: XChan) async throws {
        try await db.raw("""
            INSERT INTO xchan (hash, address, address_lower, name, network, photo_url, url, connect_url, public_key, created, updated, deleted)
            VALUES (\(bind: x.hash), \(bind: x.address), \(bind: x.address.lowercased()), \(bind: x.name), \(bind: x.network),
                    \(bind: x.photoURL), \(bind: x.url), \(bind: x.connectURL), \(bind: x.publicKey),
                    \(bind: x.created.millisecondsSince1970), \(bind: x.updated.millisecondsSince1970), \(bind: x.isDeleted))
            ON CONFLICT (hash) DO UPDATE SET
                address = excluded.address, address_lower = excluded.address_lower, name = excluded.name,
                network = excluded.network, photo_url = excluded.photo_url, url = excluded.url,
                connect_url = excluded.connect_url, public_key = excluded.public_key,
                updated = excluded.updated, deleted = excluded.deleted
            """).run()
        try await audienceChanged(xchanHash: x.hash)
    }

    func xchan(hash: String) async throws -> XChan? {
        try await db.raw("SELECT * FROM xchan WHERE hash = \(bind: hash)").first().map(Self.xchan)
    }

    func xchans(hashes: [String]) async throws -> [XChan] {
        var found: [XChan] = []
        for chunk in hashes.chunked(maximum: Self.bindsPerQuery) {
            let list = inList(chunk)
            found += try await db.raw("SELECT * FROM xchan WHERE hash IN (\(list))").all().map(Self.xchan)
        }
        return found
    }

    func xchans(address: String) async throws -> [XChan] {
        try await db.raw("SELECT * FROM xchan WHERE address_lower = \(bind: address.lowercased()) ORDER BY updated DESC")
            .all().map(Self.xchan)
    }

    func connectedXChans(network: String) async throws -> [XChan] {
        try await db.raw("""
            SELECT * FROM xchan WHERE network = \(bind: network) AND deleted = \(bind: false)
                AND hash IN (SELECT xchan_hash FROM abook)
            ORDER BY hash
            """).all().map(Self.xchan)
    }

    func xchans(connectedTo channelID: Int64) async throws -> [XChan] {
        try await db.raw("""
            SELECT x.* FROM abook a JOIN xchan x ON x.hash = a.xchan_hash WHERE a.channel_id = \(bind: channelID)
            """).all().map(Self.xchan)
    }

    private static func xchan(_ row: any SQLRow) throws -> XChan {
        XChan(
            hash: try row.value("hash"), address: try row.value("address"), name: try row.value("name"),
            network: try row.value("network"), photoURL: try row.optional("photo_url"), url: try row.optional("url"),
            connectURL: try row.optional("connect_url"), publicKey: try row.optional("public_key"),
            created: try row.date("created"), updated: try row.date("updated"), isDeleted: try row.bool("deleted")
        )
    }
}

extension SQLStoreSession: HubLocRecords {
    @discardableResult
    func upsertHubLoc(_ h: HubLoc) async throws -> HubLoc {
        let row = try await db.raw("""
            INSERT INTO hubloc (xchan_hash, network, host, endpoint, site_key, is_primary, deleted, updated)
            VALUES (\(bind: h.xchanHash), \(bind: h.network), \(bind: h.host), \(bind: h.endpoint), \(bind: h.siteKey),
                    \(bind: h.isPrimary), \(bind: h.isDeleted), \(bind: h.updated.millisecondsSince1970))
            ON CONFLICT (xchan_hash, network, endpoint) DO UPDATE SET
                host = excluded.host, site_key = excluded.site_key, is_primary = excluded.is_primary,
                deleted = excluded.deleted, updated = excluded.updated
            RETURNING id
            """).first()
        try await audienceChanged(xchanHash: h.xchanHash)
        var stored = h
        stored.id = try row?.value("id") ?? 0
        return stored
    }

    func hublocs(xchanHash: String) async throws -> [HubLoc] {
        try await db.raw("SELECT * FROM hubloc WHERE xchan_hash = \(bind: xchanHash) ORDER BY is_primary DESC, id")
            .all().map(Self.hubloc)
    }

    func hublocs(xchanHashes: [String]) async throws -> [HubLoc] {
        var found: [HubLoc] = []
        for chunk in xchanHashes.chunked(maximum: Self.bindsPerQuery) {
            let list = inList(chunk)
            found += try await db.raw("SELECT * FROM hubloc WHERE xchan_hash IN (\(list)) ORDER BY is_primary DESC, id").all().map(Self.hubloc)
        }
        return found
    }

    func hublocs(connectedTo channelID: Int64) async throws -> [HubLoc] {
        try await db.raw("""
            SELECT h.* FROM abook a JOIN hubloc h ON h.xchan_hash = a.xchan_hash WHERE a.channel_id = \(bind: channelID)
            ORDER BY h.is_primary DESC, h.id
            """).all().map(Self.hubloc)
    }

    func hublocs(host: String) async throws -> [HubLoc] {
        try await db.raw("SELECT * FROM hubloc WHERE host = \(bind: host) ORDER BY id").all().map(Self.hubloc)
    }

    private static func hubloc(_ row: any SQLRow) throws -> HubLoc {
        HubLoc(
            id: try row.value("id"), xchanHash: try row.value("xchan_hash"), network: try row.value("network"),
            host: try row.value("host"), endpoint: try row.value("endpoint"), siteKey: try row.optional("site_key"),
            isPrimary: try row.bool("is_primary"), isDeleted: try row.bool("deleted"), updated: try row.date("updated")
        )
    }
}

extension SQLStoreSession: SiteRecords {
    func site(host: String) async throws -> Site? {
        try await db.raw("SELECT * FROM site WHERE host = \(bind: host)").first().map(Self.site)
    }

    func troubledSites(hosts: [String]) async throws -> [Site] {
        var found: [Site] = []
        for chunk in hosts.chunked(maximum: Self.bindsPerQuery) {
            found += try await db.raw("""
                SELECT * FROM site WHERE host IN (\(inList(chunk)))
                    AND (failure_streak > 0 OR dead = \(bind: true) OR blocked = \(bind: true))
                """).all().map(Self.site)
        }
        return found
    }

    func sitesForUpdate(hosts: [String]) async throws -> [Site] {
        var found: [Site] = []
        // In host order, so two processes locking overlapping sets cannot deadlock.
        for chunk in hosts.sorted().chunked(maximum: Self.bindsPerQuery) {
            found += try await db.raw("""
                SELECT * FROM site WHERE host IN (\(inList(chunk))) ORDER BY host \(unsafeRaw: backend.lockRowsClause)
                """).all().map(Self.site)
        }
        return found
    }

    func recordHealth(_ sites: [Site]) async throws {
        for chunk in rowChunks(sites.sorted(by: { $0.host < $1.host }), maximum: 128) {
            var values: [any Encodable & Sendable] = []
            values.reserveCapacity(chunk.count * 9)
            for s in chunk {
                values += [s.host, s.network, s.lastSuccess?.millisecondsSince1970, s.lastFailure?.millisecondsSince1970,
                           s.firstFailure?.millisecondsSince1970, s.failureStreak, s.isDead, false, s.updated.millisecondsSince1970]
            }
            try await db.raw("""
                INSERT INTO site (host, network, last_success, last_failure, first_failure, failure_streak, dead, blocked, updated)
                VALUES \(SQLBindList(rows: values, rowLength: 9))
                ON CONFLICT (host) DO UPDATE SET
                    network = COALESCE(excluded.network, site.network), last_success = excluded.last_success,
                    last_failure = excluded.last_failure, first_failure = excluded.first_failure,
                    failure_streak = excluded.failure_streak, dead = excluded.dead, updated = excluded.updated
                """).run()
        }
    }

    func upsertSite(_ s: Site) async throws {
        try await db.raw("""
            INSERT INTO site (host, network, last_success, last_failure, first_failure, failure_streak, dead, blocked, updated)
            VALUES (\(bind: s.host), \(bind: s.network), \(bind: s.lastSuccess?.millisecondsSince1970),
                    \(bind: s.lastFailure?.millisecondsSince1970), \(bind: s.firstFailure?.millisecondsSince1970), \(bind: s.failureStreak), \(bind: s.isDead),
                    \(bind: s.isBlocked), \(bind: s.updated.millisecondsSince1970))
            ON CONFLICT (host) DO UPDATE SET
                network = excluded.network, last_success = excluded.last_success, last_failure = excluded.last_failure,
                first_failure = excluded.first_failure, failure_streak = excluded.failure_streak, dead = excluded.dead, blocked = excluded.blocked,
                updated = excluded.updated
            """).run()
    }

    func sites() async throws -> [Site] {
        try await db.raw("SELECT * FROM site ORDER BY host").all().map(Self.site)
    }

    static func site(_ row: any SQLRow) throws -> Site {
        Site(
            host: try row.value("host"), network: try row.optional("network"), lastSuccess: try row.optionalDate("last_success"),
            lastFailure: try row.optionalDate("last_failure"), firstFailure: try row.optionalDate("first_failure"), failureStreak: Int(try row.value("failure_streak", Int64.self)),
            isDead: try row.bool("dead"), isBlocked: try row.bool("blocked"), updated: try row.date("updated")
        )
    }
}
