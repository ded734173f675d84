public import Foundation
public import Logging

/// Works out who gets what after something happens on a channel, and queues it.
///
/// For every post, edit, delete, reaction, mail, permission and profile change it computes the
/// recipients from the item's ACL and the channel's permissions, runs `notifierProcess`, groups
/// recipients by destination hub, skips dead and blocked sites and networks that cannot keep the
/// item's privacy, runs `notifierHub` once per hub, and queues the deliveries with a report per
/// recipient — all reports and entries in one transaction.
public struct Notifier: Sendable {
    private let store: any Store
    private let hooks: HookRegistry
    private let drivers: [String: any Driver]
    private let logger: Logger
    private let audiences = AudienceCache()
    /// Called after entries were queued, to wake the queue runner.
    private let onEnqueue: @Sendable () -> Void
    /// This process's runner, which takes fresh entries without claiming them when it has room.
    private let handoff: QueueHandoff?

    public init(store: any Store, hooks: HookRegistry, drivers: [any Driver], logger: Logger, handoff: QueueHandoff? = nil,
                onEnqueue: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.hooks = hooks
        self.drivers = Dictionary(drivers.map { ($0.network, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.handoff = handoff
        self.onEnqueue = onEnqueue
    }

    /// What a notifier run did.
    public struct Result: Sendable {
        /// Queue entries written.
        public var entryIDs: [Int64] = []
        /// Recipients that will not get it, with the reason.
        public var skipped: [(recipient: String, reason: String)] = []
    }

    /// Runs the notifier for `event` on `channelID`, about `itemID` when there is an item, in a
    /// transaction of its own, and wakes the queue when it queued something.
    @discardableResult
    public func notify(_ event: NotifierEvent, channelID: Int64, itemID: Int64?, now: Date = Date()) async throws -> Result {
        let result = try await store.write { session in
            try await notify(event, channelID: channelID, itemID: itemID, in: session, now: now)
        }
        if !result.entryIDs.isEmpty { wakeQueue() }
        return result
    }

    /// Runs the notifier inside `session`, so its queue entries and reports commit together with
    /// the change that caused them. Hook handlers run inside that transaction: they must not do
    /// network I/O. Call ``wakeQueue()`` after the transaction commits.
    public func notify(_ event: NotifierEvent, channelID: Int64, itemID: Int64?, in session: any StoreSession, now: Date) async throws -> Result {
        guard let channel = try await session.channel(id: channelID) else {
            throw JunctionError.notFound("no channel \(channelID)")
        }
        let item = if let itemID { try await session.item(id: itemID) } else { Item?.none }
        return try await notify(event, channel: channel, item: item, in: session, now: now)
    }

    /// Runs the notifier inside `session` for `channel` and `item` as the caller just read or
    /// stored them in it (a new item, with its id), sparing the store reading them again.
    public func notify(_ event: NotifierEvent, channel: Channel, item: Item?, in session: any StoreSession, now: Date) async throws -> Result {
        let itemID = item?.id
        let candidates = try await audience(of: item, channel: channel, session: session)
        var state = NotifierState(event: event, channel: channel, item: item, recipients: candidates,
                                  privateEnvelope: item?.isPrivate == true ? item?.acl.allowXChans ?? [] : [])
        state = await hooks.run(.notifierProcess, state)

        var result = Result()
        // The grouping by hub is kept with the audience while the recipients are the kept viewers.
        let grouping = audiences.grouping(of: channel, for: state.recipients) { HubGrouping($0) }
        // A refusal depends on the recipient's network alone: worked out once per network.
        var refusals: [String: String?] = [:]
        func refusal(of network: String) -> String? {
            if let known = refusals[network] { return known }
            let reason = self.refusal(network: network, state: state)
            refusals[network] = .some(reason)
            return reason
        }
        for recipient in grouping.unserved {
            if let reason = refusal(of: recipient.network) { result.skipped.append((recipient.xchan.hash, reason)) }
        }
        var hubs: [HubGrouping.Hub] = []
        for var hub in grouping.hubs {
            if hub.networks.contains(where: { refusal(of: $0) != nil }) {
                hub.recipients = hub.recipients.filter { recipient in
                    guard let reason = refusal(of: recipient.network) else { return true }
                    result.skipped.append((recipient.xchan.hash, reason))
                    return false
                }
                if hub.recipients.isEmpty { continue }
            }
            hubs.append(hub)
        }

        var deliveries: [HubDelivery] = []
        // Hubs no handler queued anything for get their driver's wire form, encoded per network.
        var unencoded: [String: [Int]] = [:]
        var reports: [DeliveryReport] = result.skipped.map {
            DeliveryReport(itemID: itemID, recipient: $0.recipient, destination: "", queueEntryID: nil, status: .refused,
                           reason: $0.reason, attempts: 0, nextAttempt: nil, updated: now)
        }
        let sites = Dictionary(try await session.troubledSites(hosts: Array(Set(hubs.map(\.host)))).map { ($0.host, $0) },
                               uniquingKeysWith: { first, _ in first })
        for hub in hubs {
            if let site = sites[hub.host], site.isBlocked || site.isDead {
                let reason = site.isBlocked ? "site \(hub.host) is blocked" : "site \(hub.host) is dead"
                for recipient in hub.recipients {
                    result.skipped.append((recipient.xchan.hash, reason))
                    reports.append(DeliveryReport(itemID: itemID, recipient: recipient.xchan.hash, destination: hub.host,
                                                  queueEntryID: nil, status: .refused, reason: reason, attempts: 0,
                                                  nextAttempt: nil, updated: now))
                }
                continue
            }
            var delivery = HubDelivery(state: state, network: hub.network, host: hub.host, recipients: hub.recipients)
            delivery = await hooks.run(.notifierHub, delivery)
            if delivery.entries.isEmpty {
                unencoded[hub.network, default: []].append(deliveries.count)
            }
            deliveries.append(delivery)
        }
        if let item {
            for (network, indices) in unencoded.sorted(by: { $0.key < $1.key }) {
                guard let driver = drivers[network] else { continue }
                encode(item, event: event, from: channel, driver: driver, into: &deliveries, at: indices, reports: &reports, now: now)
            }
        }
        // One enqueue per network, not per hub: a fan-out to hundreds of hubs is a few statements.
        let byNetwork = Dictionary(grouping: deliveries, by: \.network).mapValues({ $0.flatMap(\.entries) })
            .sorted(by: { $0.key < $1.key }).filter { !$0.value.isEmpty }
        // Hubs whose sites are healthy (or not known yet) may get theirs straight from the runner.
        let healthy = Set(hubs.map(\.host).filter { sites[$0]?.isTroubled != true })
        result.entryIDs = try await enqueue(byNetwork.map { ($0.key, $0.value) }, channelID: channel.id, itemID: itemID,
                                            healthy: healthy, session: session, now: now)
        try await session.recordReports(reports)
        return result
    }

    /// Queues each network's entries, handing as many as the runner has room for straight to it:
    /// written leased to it, and passed to it once the transaction commits. Only entries to
    /// `healthy` destinations go that way, as long as a destination has fewer leased than the
    /// reservation allows (counting what the runner holds there already); a failing destination's
    /// entries wait for its probe as usual.
    private func enqueue(_ byNetwork: [(network: String, entries: [QueueEntryDraft])], channelID: Int64, itemID: Int64?,
                         healthy: Set<String>, session: any StoreSession, now: Date) async throws -> [Int64] {
        let reservation = handoff?.reserve(byNetwork.reduce(0) { $0 + $1.entries.count },
                                           bytes: byNetwork.reduce(0) { $0 + $1.entries.reduce(0) { $0 + $1.size } })
        var inFlight = reservation?.held ?? [:]
        var ids: [Int64] = []
        var handed: [QueueEntry] = []
        var handedBytes = 0
        for (network, entries) in byNetwork {
            var leased: [QueueEntryDraft] = []
            var waiting: [QueueEntryDraft] = []
            for draft in entries {
                if let reservation, handed.count + leased.count < reservation.count, handedBytes + draft.size <= reservation.bytes,
                   healthy.contains(draft.destination), inFlight[draft.destination, default: 0] < reservation.perDestination {
                    inFlight[draft.destination, default: 0] += 1
                    handedBytes += draft.size
                    leased.append(draft)
                } else {
                    waiting.append(draft)
                }
            }
            if let reservation, !leased.isEmpty {
                let leasedIDs = try await session.enqueue(leased, network: network, channelID: channelID, itemID: itemID, now: now,
                                                          lease: reservation.lease)
                handed += zip(leasedIDs, leased).map { id, draft in
                    draft.entry(id: id, network: network, channelID: channelID, itemID: itemID, attempts: 1, created: now)
                }
                ids += leasedIDs
            }
            if !waiting.isEmpty {
                ids += try await session.enqueue(waiting, network: network, channelID: channelID, itemID: itemID, now: now, lease: nil)
            }
        }
        if let handoff, let reservation, !handed.isEmpty {
            session.afterCommit { [handed] in handoff.deliver(handed, reservation: reservation) }
        }
        return ids
    }

    /// Fills the entries of `deliveries[indices]` (all of `driver`'s network) with the driver's
    /// wire form, posted to each hub's endpoint; if the driver cannot encode it, their
    /// recipients are reported refused.
    private func encode(_ item: Item, event: NotifierEvent, from channel: Channel, driver: any Driver,
                        into deliveries: inout [HubDelivery], at indices: [Int], reports: inout [DeliveryReport], now: Date) {
        // The hub's endpoint is where its first recipient is served.
        let targets = indices.compactMap { index in
            deliveries[index].recipients.first?.hublocs.first(where: { !$0.isDeleted }).map { (index: index, endpoint: $0.endpoint) }
        }
        do {
            let payloads = try driver.encode(item, event: event, forEach: targets.map { deliveries[$0.index].recipients }, from: channel)
            for (target, payload) in zip(targets, payloads) {
                let delivery = deliveries[target.index]
                deliveries[target.index].entries = [QueueEntryDraft(destination: delivery.host, endpoint: target.endpoint, payload: payload,
                                                                    contentType: driver.contentType, recipients: delivery.recipients.map(\.xchan.hash))]
            }
        } catch {
            logger.error("encoding an item failed", metadata: ["driver": "\(driver.network)", "error": "\(error)"])
            for delivery in targets.map({ deliveries[$0.index] }) {
                for recipient in delivery.recipients {
                    reports.append(DeliveryReport(itemID: item.id, recipient: recipient.xchan.hash, destination: delivery.host,
                                                  queueEntryID: nil, status: .refused, reason: "the \(driver.network) driver cannot encode it",
                                                  attempts: 0, nextAttempt: nil, updated: now))
                }
            }
        }
    }

    /// Wakes the queue runner: call after the transaction that queued entries committed.
    public func wakeQueue() { onEnqueue() }

    /// Why recipients on `network` must not get this, or nil when they may.
    private func refusal(network: String, state: NotifierState) -> String? {
        if let item = state.item {
            if !item.isOrigin, network == item.originNetwork {
                return "the item came from \(network); it is never sent back"
            }
            if item.copies.contains(where: { $0.network == network }) {
                return "the item already exists on \(network)"
            }
        }
        guard let driver = drivers[network] else { return "no driver for network '\(network)'" }
        if !driver.capabilities.canCarry(state.item, event: state.event) {
            return state.item?.isPrivate == true
                ? "\(network) cannot keep this item private"
                : "\(network) cannot carry a \(state.event.rawValue)"
        }
        return nil
    }

    /// Everyone who may receive `item` from `channel`, before hooks and network checks.
    ///
    /// - A private item goes to the xchans its ACL allows, less those it denies, and only to
    ///   identities the hub knows; nobody else.
    /// - A comment on someone else's thread goes to the thread's owner, who redistributes it.
    /// - Anything else goes to every approved, unblocked connection allowed to view the stream.
    private func audience(of item: Item?, channel: Channel, session: any StoreSession) async throws -> [Recipient] {
        if let item, item.isPrivate || item.ownerXChan != channel.xchanHash {
            let hashes: [String]
            if item.isPrivate {
                let denied = Set(item.acl.denyXChans)
                hashes = Array(Set(item.acl.allowXChans.filter { !denied.contains($0) && $0 != channel.xchanHash }))
            } else {
                hashes = [item.ownerXChan]
            }
            return Self.recipients(xchans: try await session.xchans(hashes: hashes), hublocs: try await session.hublocs(xchanHashes: hashes))
        }
        // Three queries for the whole audience, not two per recipient, and none while the
        // channel's audience version stays: a channel may have thousands of connections.
        let version = try await session.audienceVersion(channelID: channel.id)
        let audience = try await audiences.audience(of: channel, version: version) {
            AudienceCache.Audience(connections: try await session.abooks(channelID: channel.id),
                                   recipients: Self.recipients(xchans: try await session.xchans(connectedTo: channel.id),
                                                               hublocs: try await session.hublocs(connectedTo: channel.id)))
        }
        let denied = Set(item?.acl.denyXChans ?? [])
        let viewers = audiences.viewers(of: channel, version: version) {
            Self.viewers(of: channel, in: audience)
        }
        return denied.isEmpty ? viewers : viewers.filter { !denied.contains($0.xchan.hash) }
    }

    /// The recipients of `audience` allowed to view `channel`'s stream: approved connections
    /// the channel's permissions let in.
    private static func viewers(of channel: Channel, in audience: AudienceCache.Audience) -> [Recipient] {
        let allowed = Set(audience.connections.lazy.filter { connection in
            !connection.isSelf && !connection.isPending
                && PermissionPolicy.isAllowed(.viewStream, requester: .identity(connection.xchanHash), channel: channel, connection: connection)
        }.map(\.xchanHash))
        return audience.recipients.filter { allowed.contains($0.xchan.hash) }
    }

    /// The identities that are not deleted, each with its locations, by hash.
    static func recipients(xchans: [XChan], hublocs: [HubLoc]) -> [Recipient] {
        let locations = Dictionary(grouping: hublocs, by: \.xchanHash)
        return xchans
            .filter { !$0.isDeleted }
            .sorted { $0.hash < $1.hash }
            .map { Recipient(xchan: $0, hublocs: locations[$0.hash] ?? []) }
    }
}
