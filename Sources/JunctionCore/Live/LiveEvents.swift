import Synchronization

/// The one path by which live events reach local listeners.
///
/// The item pipeline publishes every stored and updated item here once it is committed; an SSE
/// stream, an FXGP session or a webhook dispatcher subscribes to the channels it serves. A slow
/// subscriber never blocks the publisher: each subscription buffers up to its limit and then
/// drops its oldest events (the listener can re-read the stream from the store).
public final class LiveEvents: Sendable {
    private struct Subscriber {
        let channelID: Int64?
        let continuation: AsyncStream<LiveEvent>.Continuation
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic(0)

    public init() {}

    /// Events of `channelID` (every channel when nil), from now until the stream is dropped.
    public func subscribe(channelID: Int64?, buffer: Int = 256) -> AsyncStream<LiveEvent> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = Subscriber(channelID: channelID, continuation: continuation) }
        return stream
    }

    /// Hands `event` to every subscriber of its channel.
    public func publish(_ event: LiveEvent) {
        let targets = subscribers.withLock { $0.values.filter { $0.channelID == nil || $0.channelID == event.channelID } }
        for subscriber in targets { subscriber.continuation.yield(event) }
    }

    /// How many subscriptions are open.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
