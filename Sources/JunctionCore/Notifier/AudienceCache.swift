import Synchronization

/// The connections, identities and locations of recently active channels, kept while each
/// channel's audience version stays (``ABookRecords/audienceVersion(channelID:)``): a channel
/// posting again to thousands of followers does not read and decode them all again. Beside
/// them, who of them may view the stream is kept while the channel record (its permission
/// limits) is the same, and those viewers' grouping by hub; an item's ACL is applied afresh on
/// every run.
final class AudienceCache: Sendable {
    /// A channel's connections, and every connected identity that is not deleted, with its
    /// locations, by hash.
    struct Audience: Sendable {
        var connections: [ABook]
        var recipients: [Recipient]
    }

    private struct Key: Hashable {
        let channelID: Int64
        // With the id, so a new channel that reuses a deleted one's id never gets its audience.
        let channelXChan: String
    }

    private struct Entry {
        var version: Int64
        var audience: Audience
        var lastUse: UInt64
        /// The recipients allowed to view the stream, and the channel record they were worked out for.
        var viewers: (channel: Channel, recipients: [Recipient])?
        /// The viewers grouped by hub, and the viewers they were grouped from.
        var grouping: (recipients: [Recipient], grouping: HubGrouping)?
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    /// Keeps the audiences of at most `capacity` channels, dropping the least recently used.
    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    /// `channel`'s audience at `version`: the kept one, or what `load` reads (then kept).
    func audience(of channel: Channel, version: Int64, load: () async throws -> Audience) async throws -> Audience {
        let key = Key(channelID: channel.id, channelXChan: channel.xchanHash)
        let kept = state.withLock { state -> Audience? in
            guard let entry = state.entries[key], entry.version == version else { return nil }
            state.clock += 1
            state.entries[key]?.lastUse = state.clock
            return entry.audience
        }
        if let kept { return kept }
        let audience = try await load()
        state.withLock { state in
            state.clock += 1
            state.entries[key] = Entry(version: version, audience: audience, lastUse: state.clock)
            if state.entries.count > capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries[oldest] = nil
            }
        }
        return audience
    }

    /// The viewers of `channel`'s stream in its audience at `version`: the kept ones while
    /// `channel` is unchanged, or what `compute` works out (then kept).
    func viewers(of channel: Channel, version: Int64, compute: () -> [Recipient]) -> [Recipient] {
        let key = Key(channelID: channel.id, channelXChan: channel.xchanHash)
        if let kept = state.withLock({ state -> [Recipient]? in
            guard let entry = state.entries[key], entry.version == version, let viewers = entry.viewers, viewers.channel == channel else { return nil }
            return viewers.recipients
        }) {
            return kept
        }
        let viewers = compute()
        state.withLock { state in
            guard state.entries[key]?.version == version else { return }
            state.entries[key]?.viewers = (channel, viewers)
        }
        return viewers
    }

    /// `recipients` of a run on `channel` grouped by hub: the kept grouping when they are the
    /// kept viewers it was made for (the same array, as when no hook changed them, is recognised
    /// without comparing them), or what `group` makes. Only the viewers' grouping is kept: a
    /// private item's or a comment's few recipients do not push out a large audience's.
    func grouping(of channel: Channel, for recipients: [Recipient], group: ([Recipient]) -> HubGrouping) -> HubGrouping {
        let key = Key(channelID: channel.id, channelXChan: channel.xchanHash)
        let (kept, viewers) = state.withLock { state in (state.entries[key]?.grouping, state.entries[key]?.viewers?.recipients) }
        if let kept, kept.recipients == recipients { return kept.grouping }
        let grouping = group(recipients)
        if let viewers, viewers == recipients {
            state.withLock { state in state.entries[key]?.grouping = (recipients, grouping) }
        }
        return grouping
    }
}
