public import Foundation
public import Logging

/// Where every item enters the hub: local posts, edits and deletes, and items drivers receive.
///
/// Each change is stored and notified in one transaction — the item, its network copies, the
/// queue entries and delivery reports commit together or not at all. After the commit the
/// `itemStore` / `itemStoreUpdate` hooks run and the change is published to ``LiveEvents``,
/// the one path to local listeners.
public struct ItemPipeline: Sendable {
    private let store: any Store
    private let hooks: HookRegistry
    private let notifier: Notifier
    private let live: LiveEvents
    private let drivers: [String: any Driver]
    private let domain: HubDomain
    private let logger: Logger

    public init(store: any Store, hooks: HookRegistry, notifier: Notifier, live: LiveEvents, drivers: [any Driver],
                domain: HubDomain, logger: Logger) {
        self.store = store
        self.hooks = hooks
        self.notifier = notifier
        self.live = live
        self.drivers = Dictionary(drivers.map { ($0.network, $0) }, uniquingKeysWith: { first, _ in first })
        self.domain = domain
        self.logger = logger
    }

    // MARK: Local changes

    /// Stores a local post and notifies its audience; returns the stored item.
    public func post(_ post: LocalPost, now: Date = Date()) async throws -> Item {
        try post.validate()
        let item = try await store.write { session in
            guard let channel = try await session.channel(id: post.channelID) else {
                throw JunctionError.notFound("no channel \(post.channelID)")
            }
            var item = Item(
                channelID: channel.id, mid: "\(domain.baseURL)/item/\(UUID().uuidString.lowercased())",
                authorXChan: channel.xchanHash, ownerXChan: channel.xchanHash, title: post.title, body: post.body,
                mimeType: post.mimeType, created: now, received: now, originNetwork: XChan.localNetwork, isOrigin: true
            )
            if let parentID = post.replyTo {
                guard let parent = try await session.item(id: parentID), parent.channelID == channel.id, !parent.isDeleted else {
                    throw JunctionError.notFound("no item \(parentID) in \(channel.handle)'s stream")
                }
                item.parentMid = parent.parentMid
                item.thrParent = parent.mid
                item.ownerXChan = parent.ownerXChan
                item.isPrivate = parent.isPrivate
                if parent.isPrivate {
                    let audience = parent.acl.allowXChans + [parent.authorXChan, parent.ownerXChan]
                    item.acl.allowXChans = uniqued(audience.filter { $0 != channel.xchanHash })
                }
            } else if !post.privateTo.isEmpty {
                let known = Set(try await session.xchans(hashes: post.privateTo).filter { !$0.isDeleted }.map(\.hash))
                if let unknown = post.privateTo.first(where: { !known.contains($0) }) {
                    throw JunctionError.notFound("no identity \(unknown) is known to this hub")
                }
                item.isPrivate = true
                item.acl.allowXChans = uniqued(post.privateTo.filter { $0 != channel.xchanHash })
            }
            guard let stored = try await session.insertItem(item) else {
                throw JunctionError.conflict("item \(item.mid) already exists")
            }
            _ = try await notifier.notify(.post, channel: channel, item: stored, in: session, now: now)
            return stored
        }
        await committed(item, kind: .itemStored)
        return item
    }

    /// Replaces the title and body of a local item and notifies its audience of the edit.
    public func edit(itemID: Int64, title: String?, body: String, now: Date = Date()) async throws -> Item {
        let item = try await store.write { session in
            var item = try await ownItem(itemID, session: session)
            try LocalPost(channelID: item.channelID, body: body, title: title, mimeType: item.mimeType).validate()
            item.title = title
            item.body = body
            item.edited = now
            item.verb = .update
            try await session.updateItem(item)
            _ = try await notifier.notify(.edit, channelID: item.channelID, itemID: item.id, in: session, now: now)
            return item
        }
        await committed(item, kind: .itemUpdated)
        return item
    }

    /// Deletes a local item: its pending deliveries are cancelled and its audience is told.
    public func delete(itemID: Int64, now: Date = Date()) async throws -> Item {
        let item = try await store.write { session in
            var item = try await ownItem(itemID, session: session)
            item.isDeleted = true
            item.title = nil
            item.body = ""
            item.attachments = []
            item.edited = now
            item.verb = .delete
            try await session.updateItem(item)
            try await session.cancelEntries(.item(item.id), reason: "the item was deleted", now: now)
            _ = try await notifier.notify(.delete, channelID: item.channelID, itemID: item.id, in: session, now: now)
            return item
        }
        await committed(item, kind: .itemUpdated)
        return item
    }

    private func ownItem(_ id: Int64, session: any StoreSession) async throws -> Item {
        guard let item = try await session.item(id: id), !item.isDeleted else { throw JunctionError.notFound("no item \(id)") }
        guard let channel = try await session.channel(id: item.channelID), item.authorXChan == channel.xchanHash else {
            throw JunctionError(.forbidden, "item \(id) was not written by its channel; only its author can change it")
        }
        return item
    }

    // MARK: Received items

    /// Stores an item a driver of `network` received for the item's channel.
    ///
    /// Refused: an echo (an author `network` does not own, such as one of our own channels), a
    /// private item not addressed to the channel, a comment on a thread the channel does not
    /// hold, an author the channel does not let post. A duplicate id, or the id of a copy of
    /// an item the channel already holds, changes nothing. A group channel relays what it
    /// stores to its members, and a comment on one of the channel's own threads goes on to
    /// the thread's audience — never back to `network`.
    public func receive(_ incoming: Item, network: String, now: Date = Date()) async throws -> Reception {
        let reception = try await store.write { session -> Reception in
            guard let channel = try await session.channel(id: incoming.channelID) else {
                throw JunctionError.notFound("no channel \(incoming.channelID)")
            }
            if let existing = try await session.item(channelID: channel.id, mid: incoming.mid) {
                return .duplicate(existing)
            }
            if let original = try await session.item(channelID: channel.id, network: network, remoteID: incoming.mid) {
                return .duplicate(original)
            }
            guard let author = try await session.xchan(hash: incoming.authorXChan) else {
                return .refused("unknown author \(incoming.authorXChan)")
            }
            if author.network != network || drivers[network]?.owns(author.address) == .no {
                return .refused("\(network) does not own the author \(author.address); the item is an echo")
            }
            var item = incoming
            item.originNetwork = network
            item.isOrigin = false
            item.received = now
            if item.isPrivate, !item.acl.allowXChans.contains(channel.xchanHash) {
                return .refused("the private item is not addressed to \(channel.handle)")
            }
            let connection = try await session.abook(channelID: channel.id, xchanHash: author.hash)
            if connection?.isBlocked == true || connection?.isIgnored == true {
                return .refused("\(channel.handle) does not take in items from \(author.address)")
            }
            var parentOwner: String?
            if !item.isTopLevel || item.thrParent != item.mid {
                guard let parent = try await session.item(channelID: channel.id, mid: item.thrParent) else {
                    return .refused("\(channel.handle) does not hold the thread \(item.thrParent)")
                }
                item.parentMid = parent.parentMid
                item.ownerXChan = parent.ownerXChan
                parentOwner = parent.ownerXChan
            }
            if parentOwner == nil, channel.role == .group {
                item.ownerXChan = channel.xchanHash  // a post to a group's wall: the group owns the thread
            }
            let permission: Permission = parentOwner == nil ? .sendStream : .postComments
            guard PermissionPolicy.isAllowed(permission, requester: .identity(author.hash), channel: channel, connection: connection) else {
                return .refused("\(author.address) may not \(permission == .sendStream ? "post to" : "comment in") \(channel.handle)'s stream")
            }
            guard let stored = try await session.insertItem(item) else {
                return .duplicate(try await session.item(channelID: channel.id, mid: item.mid) ?? item)
            }
            if item.ownerXChan == channel.xchanHash {
                _ = try await notifier.notify(.post, channel: channel, item: stored, in: session, now: now)
            }
            return .stored(stored)
        }
        if case .stored(let item) = reception {
            await committed(item, kind: .itemStored)
        } else if case .refused(let reason) = reception {
            logger.info("received item refused", metadata: ["item.mid": "\(incoming.mid)", "network": "\(network)", "reason": "\(reason)"])
        }
        return reception
    }

    /// Applies an edit or a delete a driver of `network` received: `changed` carries the item's
    /// id, author, new content and deleted flag. Only the item's author, on the network it came
    /// from, may change it; a change older than the stored version changes nothing.
    public func receiveChange(_ changed: Item, network: String, now: Date = Date()) async throws -> Reception {
        let reception = try await store.write { session -> Reception in
            guard let channel = try await session.channel(id: changed.channelID) else {
                throw JunctionError.notFound("no channel \(changed.channelID)")
            }
            guard var item = try await session.item(channelID: channel.id, mid: changed.mid) else {
                return .refused("\(channel.handle) does not hold \(changed.mid)")
            }
            guard item.authorXChan == changed.authorXChan, item.originNetwork == network, !item.isOrigin else {
                return .refused("only the author of \(changed.mid) on \(item.originNetwork) may change it")
            }
            if item.isDeleted || changed.edited <= item.edited && !changed.isDeleted { return .duplicate(item) }
            item.title = changed.isDeleted ? nil : changed.title
            item.body = changed.isDeleted ? "" : changed.body
            item.mimeType = changed.mimeType
            item.attachments = changed.isDeleted ? [] : changed.attachments
            item.tags = changed.tags
            item.isDeleted = changed.isDeleted
            item.verb = changed.isDeleted ? .delete : .update
            item.edited = max(changed.edited, item.edited)
            try await session.updateItem(item)
            if item.ownerXChan == channel.xchanHash {
                _ = try await notifier.notify(item.isDeleted ? .delete : .edit, channelID: channel.id, itemID: item.id,
                                              in: session, now: now)
            }
            return .stored(item)
        }
        if case .stored(let item) = reception { await committed(item, kind: .itemUpdated) }
        return reception
    }

    /// After a commit: wakes the queue, runs the item hooks and tells local listeners.
    private func committed(_ item: Item, kind: LiveEvent.Kind) async {
        notifier.wakeQueue()
        _ = await hooks.run(kind == .itemStored ? .itemStore : .itemStoreUpdate, StoredItem(item: item))
        live.publish(LiveEvent(kind: kind, channelID: item.channelID, item: item))
    }

    private func uniqued(_ hashes: [String]) -> [String] {
        var seen = Set<String>()
        return hashes.filter { seen.insert($0).inserted }
    }
}
