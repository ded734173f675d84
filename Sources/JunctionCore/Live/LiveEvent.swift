/// Something local listeners (SSE streams, FXGP sessions, webhooks) are told about as it happens.
public struct LiveEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        /// A new item entered the channel's stream.
        case itemStored = "item.stored"
        /// An item in the channel's stream was edited or deleted.
        case itemUpdated = "item.updated"
    }

    public var kind: Kind
    /// The channel whose stream changed.
    public var channelID: Int64
    public var item: Item

    public init(kind: Kind, channelID: Int64, item: Item) {
        self.kind = kind
        self.channelID = channelID
        self.item = item
    }
}
