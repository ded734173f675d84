import Foundation
import JunctionCore
import Logging

/// Hands a channel's new public posts to its WebSub subscribers through the outbound queue.
///
/// For each subscription, the posts after its cursor become one feed document in the topic's
/// format, queued for the callback (queue driver `websub`), and the cursor moves — in one
/// transaction, so a crash either queued and moved both or neither. It runs after every stored
/// item (`itemStore`, in whichever process stored it) and as a periodic sweep, which catches up
/// on anything a crash interrupted and drops expired leases.
struct WebSubDistributor: Sendable {
    let store: any Store
    let domain: HubDomain
    let wakeQueue: @Sendable () -> Void
    let logger: Logger

    static let queueDriver = "websub"

    /// Queues what channel `channelID`'s subscribers have not been sent; returns the entries queued.
    @discardableResult
    func distribute(channelID: Int64, now: Date = Date()) async throws -> Int {
        // Most channels have no subscribers: find that out without a write transaction.
        guard try await !store.read({ try await WebSubSubscription.all(channelID: channelID, in: $0) }).isEmpty else { return 0 }
        let queued = try await store.write { session -> Int in
            let subscriptions = try await WebSubSubscription.all(channelID: channelID, in: session)
            guard !subscriptions.isEmpty, let channel = try await session.channel(id: channelID) else { return 0 }
            guard channel.isPublicStream, let xchan = try await session.xchan(hash: channel.xchanHash) else { return 0 }
            var queued = 0
            for var subscription in subscriptions {
                guard subscription.leaseExpires > now else {
                    try await subscription.remove(channelID: channelID, in: session)
                    continue
                }
                guard let format = FeedFormat(rawValue: subscription.format), let callback = URL(string: subscription.callback),
                      let host = DiscoveryAddress.hostWithPort(of: callback) else { continue }
                let items = try await session.publicPosts(channelID: channelID, authorXChan: channel.xchanHash,
                                                          after: subscription.cursor, limit: ChannelFeed.size)
                guard let newest = items.first else { continue }
                let feed = ChannelFeed(channel: channel, xchan: xchan, items: items, domain: domain)
                let draft = QueueEntryDraft(driver: Self.queueDriver, destination: host, endpoint: subscription.callback,
                                            payload: FeedWriter.write(feed, as: format), contentType: format.mediaType,
                                            recipients: ["websub:\(subscription.callback)"])
                _ = try await session.enqueue([draft], network: RSSDriver.networkName, channelID: channelID, itemID: newest.id, now: now)
                subscription.cursor = newest.id
                try await subscription.save(channelID: channelID, in: session)
                queued += 1
            }
            return queued
        }
        if queued > 0 { wakeQueue() }
        return queued
    }

    /// Distributes for every channel that has subscribers.
    func sweep(now: Date = Date()) async throws {
        let channels = try await store.read { try await $0.channels(accountID: nil) }
        for channel in channels { try await distribute(channelID: channel.id, now: now) }
    }
}
