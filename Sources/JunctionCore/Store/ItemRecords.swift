/// Stored items.
public protocol ItemRecords: Sendable {
    /// Inserts the item and its network copies; returns nil when the channel already holds an
    /// item with the same `mid` (deduplication).
    func insertItem(_ item: Item) async throws -> Item?
    /// Saves an item's content, verb, deleted flag and edit time.
    func updateItem(_ item: Item) async throws
    /// Records the id an item got on another network.
    func addItemCopy(itemID: Int64, channelID: Int64, copy: Item.NetworkCopy) async throws
    func item(id: Int64) async throws -> Item?
    func item(channelID: Int64, mid: String) async throws -> Item?
    /// The item a channel holds under `remoteID` on `network`, if any.
    func item(channelID: Int64, network: String, remoteID: String) async throws -> Item?
    /// The channel's stream, newest first; `before` pages back from an item id.
    func stream(channelID: Int64, limit: Int, before: Int64?) async throws -> [Item]
    /// The public top-level posts `authorXChan` wrote in the channel, newest first (what its
    /// feeds and page publish); with `after`, only those stored after that item id (what a
    /// WebSub distribution has not sent yet).
    func publicPosts(channelID: Int64, authorXChan: String, after: Int64?, limit: Int) async throws -> [Item]
    /// A thread, oldest first.
    func thread(channelID: Int64, parentMid: String) async throws -> [Item]
}
