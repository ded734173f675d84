import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: ChannelRecords {
    func insertChannel(_ new: NewChannel) async throws -> Channel {
        let row = try await unique("a channel with handle '\(new.handle)' already exists") {
            try await db.raw("""
                INSERT INTO channel (account_id, handle, name, role, xchan_hash, public_key, private_key, permission_limits, created)
                VALUES (\(bind: new.accountID), \(bind: new.handle.rawValue), \(bind: new.name), \(bind: new.role.rawValue),
                        \(bind: new.xchanHash), \(bind: new.signingKey.publicKey.base64),
                        \(bind: new.signingKey.rawRepresentation.base64EncodedString()), '{}', \(bind: new.created.millisecondsSince1970))
                RETURNING id
                """).first()
        }
        guard let row else { throw JunctionError(.storage, "the database did not return the new channel") }
        return Channel(id: try row.value("id"), accountID: new.accountID, handle: new.handle, name: new.name, role: new.role,
                       xchanHash: new.xchanHash, publicKey: new.signingKey.publicKey, permissionLimits: [:],
                       created: Date(millisecondsSince1970: new.created.millisecondsSince1970))
    }

    func channel(id: Int64) async throws -> Channel? {
        try await db.raw("SELECT * FROM channel WHERE id = \(bind: id)").first().map(Self.channel)
    }

    func channel(handle: Handle) async throws -> Channel? {
        try await db.raw("SELECT * FROM channel WHERE handle = \(bind: handle.rawValue)").first().map(Self.channel)
    }

    func channel(xchanHash: String) async throws -> Channel? {
        try await db.raw("SELECT * FROM channel WHERE xchan_hash = \(bind: xchanHash)").first().map(Self.channel)
    }

    func channels(accountID: Int64?) async throws -> [Channel] {
        if let accountID {
            return try await db.raw("SELECT * FROM channel WHERE account_id = \(bind: accountID) ORDER BY id").all().map(Self.channel)
        }
        return try await db.raw("SELECT * FROM channel ORDER BY id").all().map(Self.channel)
    }

    func updateChannelLimits(channelID: Int64, limits: [Permission: PermissionLimit]) async throws {
        let stored = Dictionary(uniqueKeysWithValues: limits.map { ($0.key.rawValue, $0.value.rawValue) })
        try await db.raw("UPDATE channel SET permission_limits = \(bind: try jsonText(stored)) WHERE id = \(bind: channelID)").run()
    }

    func deleteChannel(id: Int64) async throws {
        try await db.raw("DELETE FROM channel WHERE id = \(bind: id)").run()
    }

    func channelSigningKey(channelID: Int64) async throws -> SigningKey? {
        guard let row = try await db.raw("SELECT private_key FROM channel WHERE id = \(bind: channelID)").first() else { return nil }
        guard let data = Data(base64Encoded: try row.value("private_key", String.self)) else {
            throw JunctionError(.storage, "the stored key of channel \(channelID) is corrupt")
        }
        return try SigningKey(rawRepresentation: data)
    }

    private static func channel(_ row: any SQLRow) throws -> Channel {
        let handleText: String = try row.value("handle")
        let roleText: String = try row.value("role")
        guard let role = ChannelRole(rawValue: roleText) else {
            throw JunctionError(.storage, "channel '\(handleText)' has an unknown role '\(roleText)'")
        }
        let storedLimits: [String: String] = try row.json("permission_limits")
        var limits: [Permission: PermissionLimit] = [:]
        for (name, limit) in storedLimits {
            if let permission = Permission(rawValue: name), let limit = PermissionLimit(rawValue: limit) {
                limits[permission] = limit
            }
        }
        return Channel(
            id: try row.value("id"), accountID: try row.value("account_id"), handle: try Handle(handleText),
            name: try row.value("name"), role: role, xchanHash: try row.value("xchan_hash"),
            publicKey: try SigningKey.PublicKey(base64: try row.value("public_key")), permissionLimits: limits,
            created: try row.date("created")
        )
    }
}
