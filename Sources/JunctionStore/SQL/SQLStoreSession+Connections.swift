import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: ABookRecords {
    func insertABook(_ a: ABook) async throws -> ABook {
        let row = try await unique("the channel is already connected to \(a.xchanHash)") {
            try await db.raw("""
                INSERT INTO abook (channel_id, xchan_hash, my_perms, their_perms, role, pending, blocked, ignored, is_self,
                                   abook_instance, created, updated)
                VALUES (\(bind: a.channelID), \(bind: a.xchanHash), \(bind: Permission.storedForm(a.myPermissions)),
                        \(bind: Permission.storedForm(a.theirPermissions)), \(bind: a.role.rawValue), \(bind: a.isPending),
                        \(bind: a.isBlocked), \(bind: a.isIgnored), \(bind: a.isSelf), \(bind: a.instances.joined(separator: ",")),
                        \(bind: a.created.millisecondsSince1970), \(bind: a.updated.millisecondsSince1970))
                RETURNING id
                """).first()
        }
        var stored = a
        stored.id = try row?.value("id") ?? 0
        return stored
    }

    func updateABook(_ a: ABook) async throws {
        try await db.raw("""
            UPDATE abook SET my_perms = \(bind: Permission.storedForm(a.myPermissions)),
                their_perms = \(bind: Permission.storedForm(a.theirPermissions)), role = \(bind: a.role.rawValue),
                pending = \(bind: a.isPending), blocked = \(bind: a.isBlocked), ignored = \(bind: a.isIgnored),
                abook_instance = \(bind: a.instances.joined(separator: ",")), updated = \(bind: a.updated.millisecondsSince1970)
            WHERE id = \(bind: a.id)
            """).run()
    }

    func deleteABook(id: Int64) async throws {
        try await db.raw("DELETE FROM abook WHERE id = \(bind: id)").run()
    }

    func abook(channelID: Int64, xchanHash: String) async throws -> ABook? {
        try await db.raw("SELECT * FROM abook WHERE channel_id = \(bind: channelID) AND xchan_hash = \(bind: xchanHash)")
            .first().map(Self.abook)
    }

    func abooks(channelID: Int64) async throws -> [ABook] {
        try await db.raw("SELECT * FROM abook WHERE channel_id = \(bind: channelID) ORDER BY id").all().map(Self.abook)
    }

    private static func abook(_ row: any SQLRow) throws -> ABook {
        let instances = try row.value("abook_instance", String.self).split(separator: ",").map(String.init)
        return ABook(
            id: try row.value("id"), channelID: try row.value("channel_id"), xchanHash: try row.value("xchan_hash"),
            myPermissions: Permission.set(parsing: try row.value("my_perms")),
            theirPermissions: Permission.set(parsing: try row.value("their_perms")),
            role: ConnectionRole(rawValue: try row.value("role")) ?? .custom, isPending: try row.bool("pending"),
            isBlocked: try row.bool("blocked"), isIgnored: try row.bool("ignored"), isSelf: try row.bool("is_self"),
            instances: instances, created: try row.date("created"), updated: try row.date("updated")
        )
    }
}

extension SQLStoreSession: ConfigRecords {
    /// The table and the owner columns of a scope, with their bound values.
    private func target(_ scope: ConfigScope) -> (table: String, owner: SQLQueryString, columns: String, values: SQLQueryString) {
        switch scope {
        case .site:
            return ("config", "1 = 1", "", "")
        case .channel(let id):
            return ("pconfig", "channel_id = \(bind: id)", "channel_id, ", "\(bind: id), ")
        case .xchan(let hash):
            return ("xconfig", "xchan_hash = \(bind: hash)", "xchan_hash, ", "\(bind: hash), ")
        case .connection(let channelID, let hash):
            return ("abconfig", "channel_id = \(bind: channelID) AND xchan_hash = \(bind: hash)",
                    "channel_id, xchan_hash, ", "\(bind: channelID), \(bind: hash), ")
        case .item(let id):
            return ("iconfig", "item_id = \(bind: id)", "item_id, ", "\(bind: id), ")
        }
    }

    func configValue(_ scope: ConfigScope, family: String, key: String) async throws -> String? {
        let t = target(scope)
        let row = try await db.raw("SELECT v FROM \(unsafeRaw: t.table) WHERE \(t.owner) AND cat = \(bind: family) AND k = \(bind: key)").first()
        return try row?.value("v", String.self)
    }

    func setConfigValue(_ scope: ConfigScope, family: String, key: String, value: String) async throws {
        let t = target(scope)
        try await db.raw("""
            INSERT INTO \(unsafeRaw: t.table) (\(unsafeRaw: t.columns)cat, k, v) VALUES (\(t.values)\(bind: family), \(bind: key), \(bind: value))
            ON CONFLICT (\(unsafeRaw: t.columns)cat, k) DO UPDATE SET v = excluded.v
            """).run()
    }

    func removeConfigValue(_ scope: ConfigScope, family: String, key: String) async throws {
        let t = target(scope)
        try await db.raw("DELETE FROM \(unsafeRaw: t.table) WHERE \(t.owner) AND cat = \(bind: family) AND k = \(bind: key)").run()
    }

    func configValues(_ scope: ConfigScope, family: String) async throws -> [String: String] {
        let t = target(scope)
        let rows = try await db.raw("SELECT k, v FROM \(unsafeRaw: t.table) WHERE \(t.owner) AND cat = \(bind: family)").all()
        var values: [String: String] = [:]
        for row in rows { values[try row.value("k")] = try row.value("v") }
        return values
    }
}
