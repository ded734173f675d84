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
        try await audienceChanged(channelID: a.channelID)
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
        try await audienceChanged(channelID: a.channelID)
    }

    func deleteABook(id: Int64) async throws {
        try await db.raw("UPDATE channel SET audience_version = audience_version + 1 WHERE id = (SELECT channel_id FROM abook WHERE id = \(bind: id))").run()
        try await db.raw("DELETE FROM abook WHERE id = \(bind: id)").run()
    }

    func abook(channelID: Int64, xchanHash: String) async throws -> ABook? {
        try await db.raw("SELECT * FROM abook WHERE channel_id = \(bind: channelID) AND xchan_hash = \(bind: xchanHash)")
            .first().map { row in
                var permissions = PermissionSets()
                return try Self.abook(row, permissions: &permissions)
            }
    }

    func abooks(channelID: Int64) async throws -> [ABook] {
        var permissions = PermissionSets()
        return try await db.raw("SELECT * FROM abook WHERE channel_id = \(bind: channelID) ORDER BY id").all()
            .map { try Self.abook($0, permissions: &permissions) }
    }

    func abooks(xchanHash: String) async throws -> [ABook] {
        var permissions = PermissionSets()
        return try await db.raw("SELECT * FROM abook WHERE xchan_hash = \(bind: xchanHash) ORDER BY id").all()
            .map { try Self.abook($0, permissions: &permissions) }
    }

    func audienceVersion(channelID: Int64) async throws -> Int64 {
        try await db.raw("SELECT audience_version FROM channel WHERE id = \(bind: channelID)").first()?.value("audience_version") ?? 0
    }

    private func audienceChanged(channelID: Int64) async throws {
        try await db.raw("UPDATE channel SET audience_version = audience_version + 1 WHERE id = \(bind: channelID)").run()
    }

    /// Moves the audience version of every channel connected to `xchanHash`.
    func audienceChanged(xchanHash: String) async throws {
        try await db.raw("""
            UPDATE channel SET audience_version = audience_version + 1 WHERE id IN (SELECT channel_id FROM abook WHERE xchan_hash = \(bind: xchanHash))
            """).run()
    }

    private static func abook(_ row: any SQLRow, permissions: inout PermissionSets) throws -> ABook {
        let instances = try row.value("abook_instance", String.self).split(separator: ",").map(String.init)
        return ABook(
            id: try row.value("id"), channelID: try row.value("channel_id"), xchanHash: try row.value("xchan_hash"),
            myPermissions: permissions.parse(try row.value("my_perms")),
            theirPermissions: permissions.parse(try row.value("their_perms")),
            role: ConnectionRole(rawValue: try row.value("role")) ?? .custom, isPending: try row.bool("pending"),
            isBlocked: try row.bool("blocked"), isIgnored: try row.bool("ignored"), isSelf: try row.bool("is_self"),
            instances: instances, created: try row.date("created"), updated: try row.date("updated")
        )
    }
}

/// Parses stored permission lists once per distinct text: a channel's thousands of connections
/// share a handful.
private struct PermissionSets {
    private var parsed: [String: Set<Permission>] = [:]

    mutating func parse(_ text: String) -> Set<Permission> {
        if let known = parsed[text] { return known }
        let set = Permission.set(parsing: text)
        parsed[text] = set
        return set
    }
}
