import Foundation
import JunctionCore
import SQLKit

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
