import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: ItemRecords {
    func insertItem(_ i: Item) async throws -> Item? {
        let row = try await db.raw("""
            INSERT INTO item (channel_id, mid, parent_mid, thr_parent, verb, obj_type, author_xchan, owner_xchan, source_xchan,
                              title, body, mimetype, attachments, tags, allow_xchans, allow_groups, deny_xchans, deny_groups,
                              private, created, edited, expires, received, origin_network, item_origin, deleted, plink)
            VALUES (\(bind: i.channelID), \(bind: i.mid), \(bind: i.parentMid), \(bind: i.thrParent), \(bind: i.verb.rawValue),
                    \(bind: i.objectType.rawValue), \(bind: i.authorXChan), \(bind: i.ownerXChan), \(bind: i.sourceXChan),
                    \(bind: i.title), \(bind: i.body), \(bind: i.mimeType), \(bind: try jsonText(i.attachments)),
                    \(bind: try jsonText(i.tags)), \(bind: try jsonText(i.acl.allowXChans)), \(bind: try jsonText(i.acl.allowGroups)),
                    \(bind: try jsonText(i.acl.denyXChans)), \(bind: try jsonText(i.acl.denyGroups)), \(bind: i.isPrivate),
                    \(bind: i.created.millisecondsSince1970), \(bind: i.edited.millisecondsSince1970),
                    \(bind: i.expires?.millisecondsSince1970), \(bind: i.received.millisecondsSince1970),
                    \(bind: i.originNetwork), \(bind: i.isOrigin), \(bind: i.isDeleted), \(bind: i.plink))
            ON CONFLICT (channel_id, mid) DO NOTHING
            RETURNING id
            """).first()
        guard let row else { return nil }
        let id: Int64 = try row.value("id")
        for copy in i.copies { try await addItemCopy(itemID: id, channelID: i.channelID, copy: copy) }
        return try await item(id: id)
    }

    func updateItem(_ i: Item) async throws {
        try await db.raw("""
            UPDATE item SET verb = \(bind: i.verb.rawValue), title = \(bind: i.title), body = \(bind: i.body),
                mimetype = \(bind: i.mimeType), attachments = \(bind: try jsonText(i.attachments)), tags = \(bind: try jsonText(i.tags)),
                edited = \(bind: i.edited.millisecondsSince1970), deleted = \(bind: i.isDeleted), plink = \(bind: i.plink)
            WHERE id = \(bind: i.id)
            """).run()
    }

    func addItemCopy(itemID: Int64, channelID: Int64, copy: Item.NetworkCopy) async throws {
        try await db.raw("""
            INSERT INTO item_copy (item_id, channel_id, network, remote_id)
            VALUES (\(bind: itemID), \(bind: channelID), \(bind: copy.network), \(bind: copy.remoteID))
            ON CONFLICT (item_id, network) DO UPDATE SET remote_id = excluded.remote_id
            """).run()
    }

    func item(id: Int64) async throws -> Item? {
        guard let row = try await db.raw("SELECT * FROM item WHERE id = \(bind: id)").first() else { return nil }
        return try await withCopies([try Self.item(row)]).first
    }

    func item(channelID: Int64, mid: String) async throws -> Item? {
        guard let row = try await db.raw("SELECT * FROM item WHERE channel_id = \(bind: channelID) AND mid = \(bind: mid)").first()
        else { return nil }
        return try await withCopies([try Self.item(row)]).first
    }

    func item(channelID: Int64, network: String, remoteID: String) async throws -> Item? {
        let row = try await db.raw("""
            SELECT item_id FROM item_copy
            WHERE channel_id = \(bind: channelID) AND network = \(bind: network) AND remote_id = \(bind: remoteID)
            """).first()
        guard let id: Int64 = try row?.value("item_id") else { return nil }
        return try await item(id: id)
    }

    func stream(channelID: Int64, limit: Int, before: Int64?) async throws -> [Item] {
        let rows = try await db.raw("""
            SELECT * FROM item WHERE channel_id = \(bind: channelID) AND id < \(bind: before ?? Int64.max)
            ORDER BY id DESC LIMIT \(bind: max(0, limit))
            """).all()
        return try await withCopies(try rows.map(Self.item))
    }

    func publicPosts(channelID: Int64, authorXChan: String, after: Int64?, limit: Int) async throws -> [Item] {
        let rows = try await db.raw("""
            SELECT * FROM item WHERE channel_id = \(bind: channelID) AND author_xchan = \(bind: authorXChan) AND mid = parent_mid
                AND private = \(bind: false) AND deleted = \(bind: false) AND id > \(bind: after ?? 0)
            ORDER BY id DESC LIMIT \(bind: max(0, limit))
            """).all()
        return try await withCopies(try rows.map(Self.item))
    }

    func thread(channelID: Int64, parentMid: String) async throws -> [Item] {
        let rows = try await db.raw("""
            SELECT * FROM item WHERE channel_id = \(bind: channelID) AND parent_mid = \(bind: parentMid) ORDER BY id
            """).all()
        return try await withCopies(try rows.map(Self.item))
    }

    /// Fills in the network copies of `items` with one query.
    private func withCopies(_ items: [Item]) async throws -> [Item] {
        guard !items.isEmpty else { return items }
        let ids = inList(items.map(\.id))
        let rows = try await db.raw("SELECT item_id, network, remote_id FROM item_copy WHERE item_id IN (\(ids)) ORDER BY network").all()
        var copies: [Int64: [Item.NetworkCopy]] = [:]
        for row in rows {
            copies[try row.value("item_id"), default: []].append(.init(network: try row.value("network"), remoteID: try row.value("remote_id")))
        }
        return items.map { item in
            var item = item
            item.copies = copies[item.id] ?? []
            return item
        }
    }

    private static func item(_ row: any SQLRow) throws -> Item {
        Item(
            id: try row.value("id"), channelID: try row.value("channel_id"), mid: try row.value("mid"),
            parentMid: try row.value("parent_mid"), thrParent: try row.value("thr_parent"),
            verb: .init(rawValue: try row.value("verb")), objectType: .init(rawValue: try row.value("obj_type")),
            authorXChan: try row.value("author_xchan"), ownerXChan: try row.value("owner_xchan"),
            sourceXChan: try row.optional("source_xchan"), title: try row.optional("title"), body: try row.value("body"),
            mimeType: try row.value("mimetype"), attachments: try row.json("attachments"), tags: try row.json("tags"),
            acl: AccessControlList(
                allowXChans: try row.json("allow_xchans"), allowGroups: try row.json("allow_groups"),
                denyXChans: try row.json("deny_xchans"), denyGroups: try row.json("deny_groups")
            ),
            isPrivate: try row.bool("private"), created: try row.date("created"), edited: try row.date("edited"),
            expires: try row.optionalDate("expires"), received: try row.date("received"),
            originNetwork: try row.value("origin_network"), isOrigin: try row.bool("item_origin"),
            isDeleted: try row.bool("deleted"), plink: try row.optional("plink")
        )
    }
}
