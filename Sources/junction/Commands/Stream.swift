import ArgumentParser
import Foundation
import JunctionCore

struct Stream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List what a channel has received and posted, newest first, with origin network and author."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "The channel's handle.")
    var handle: String

    @Option(help: "How many items (default 20, at most 1000).")
    var limit = 20

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
    }

    func run() async throws {
        let entries = try await hub.withStore { store, _ in
            let channel = try await store.channel(handle: handle)
            return try await store.read { session in
                let items = try await session.stream(channelID: channel.id, limit: limit, before: nil)
                let authors = Dictionary(try await session.xchans(hashes: Array(Set(items.map(\.authorXChan)))).map { ($0.hash, $0.address) },
                                         uniquingKeysWith: { first, _ in first })
                return items.map { StreamEntry($0, authorAddress: authors[$0.authorXChan]) }
            }
        }
        if json { return try printJSON(entries) }
        if entries.isEmpty { return print("\(handle)'s stream is empty") }
        printTable(["ID", "WHEN", "NETWORK", "AUTHOR", "TEXT"], entries.map {
            [String($0.id), ISO8601DateFormatter().string(from: $0.created), $0.network, $0.author,
             ($0.deleted ? "(deleted)" : ($0.title.map { "\($0): " } ?? "") + $0.body)
                 .replacingOccurrences(of: "\n", with: " ").prefix(80).description]
        })
    }
}

/// One item as `junction stream` and `junction post --json` print it.
struct StreamEntry: Encodable, Sendable {
    let id: Int64
    let mid: String
    let parentMid: String
    let thrParent: String
    let network: String
    let author: String
    let authorXChan: String
    let title: String?
    let body: String
    let mimeType: String
    let isPrivate: Bool
    let recipients: [String]
    let deleted: Bool
    let created: Date
    let edited: Date
    let copies: [Item.NetworkCopy]
    /// The item's page where it came from (a feed entry's link).
    let plink: String?

    init(_ item: Item, authorAddress: String?) {
        id = item.id
        mid = item.mid
        parentMid = item.parentMid
        thrParent = item.thrParent
        network = item.originNetwork
        author = authorAddress ?? item.authorXChan
        authorXChan = item.authorXChan
        title = item.title
        body = item.body
        mimeType = item.mimeType
        isPrivate = item.isPrivate
        recipients = item.acl.allowXChans
        deleted = item.isDeleted
        created = item.created
        edited = item.edited
        copies = item.copies
        plink = item.plink
    }
}
