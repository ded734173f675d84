public import Foundation
public import JunctionCore
import Synchronization

/// A network driver for tests: encodes items as small JSON documents, records what it was
/// asked to encode, and can be made to fail.
public final class FakeDriver: Driver {
    public let network: String
    public let capabilities: DriverCapabilities
    private let state = Mutex(State())

    struct State {
        var encoded: [(mid: String, recipients: [String])] = []
        var failEncoding = false
    }

    /// The wire form `encode` produces.
    public struct Wire: Codable, Sendable, Equatable {
        public var event: String
        public var mid: String
        public var body: String
        public var author: String
        public var recipients: [String]
    }

    public init(network: String = "fake", capabilities: DriverCapabilities = .all) {
        self.network = network
        self.capabilities = capabilities
    }

    public func owns(_ address: String) -> Ownership {
        address.hasSuffix(".\(network)") || address.hasPrefix("\(network):") ? .yes : .cannotTell
    }

    public func register(in registration: DriverRegistration) {}

    public func encode(_ item: Item, event: NotifierEvent, for recipients: [Recipient], from channel: Channel) throws -> Data {
        let fail = state.withLock { state -> Bool in
            if !state.failEncoding { state.encoded.append((item.mid, recipients.map(\.xchan.hash))) }
            return state.failEncoding
        }
        if fail { throw TestSetupError("FakeDriver was told to fail") }
        return try JSONEncoder().encode(Wire(event: event.rawValue, mid: item.mid, body: item.body, author: item.authorXChan, recipients: recipients.map(\.xchan.hash)))
    }

    public func decode(_ wire: Data, for channel: Channel) throws -> Item {
        let document = try JSONDecoder().decode(Wire.self, from: wire)
        return Item(channelID: channel.id, mid: document.mid, authorXChan: document.author, ownerXChan: document.author,
                    body: document.body, originNetwork: network, isOrigin: false)
    }

    /// Every `(mid, recipients)` the driver encoded, in order.
    public var encoded: [(mid: String, recipients: [String])] { state.withLock { $0.encoded } }

    /// Makes `encode` throw (or stop throwing).
    public func failEncoding(_ fail: Bool) { state.withLock { $0.failEncoding = fail } }
}

/// A queue driver for tests: answers each delivery with the next scripted outcome (then
/// `delivered`) and records every entry it saw.
public final class FakeQueueDriver: QueueDriver {
    private let state = Mutex<(script: [DeliveryOutcome], seen: [QueueEntry])>(([], []))
    private let delay: Duration

    public init(script: [DeliveryOutcome] = [], delay: Duration = .zero) {
        self.delay = delay
        state.withLock { $0.script = script }
    }

    public func deliver(_ entry: QueueEntry) async -> DeliveryOutcome {
        if delay > .zero { try? await Task.sleep(for: delay) }
        return state.withLock { state in
            state.seen.append(entry)
            return state.script.isEmpty ? .delivered : state.script.removeFirst()
        }
    }

    /// Every attempt made, in order.
    public var seen: [QueueEntry] { state.withLock { $0.seen } }

    /// Appends outcomes to the script.
    public func script(_ outcomes: [DeliveryOutcome]) { state.withLock { $0.script += outcomes } }
}
