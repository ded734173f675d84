import ArgumentParser
import Foundation
import JunctionCore
import JunctionServer

struct Post: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an item to a channel and send it to its audience; prints the item id.",
        discussion: "The running hub's queue sends it; `junction deliveries ID` shows what became of it."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "The channel's handle.")
    var handle: String

    @Argument(help: "The text of the post.")
    var text: String

    @Option(help: "A title.")
    var title: String?

    @Option(help: ArgumentHelp("text/plain, text/markdown or text/html (default text/plain).", valueName: "type"))
    var mime = "text/plain"

    @Option(name: .customLong("private-to"), parsing: .upToNextOption,
            help: ArgumentHelp("Only these addresses (or xchan hashes) may see it.", valueName: "address"))
    var privateTo: [String] = []

    @Option(name: .customLong("reply-to"), help: ArgumentHelp("Answer this item (an id from `junction stream`).", valueName: "item-id"))
    var replyTo: Int64?

    @Flag(help: "Print the stored item as JSON.")
    var json = false

    func run() async throws {
        let (item, author) = try await hub.withRuntime { runtime in
            let channel = try await runtime.store.channel(handle: handle)
            var recipients: [String] = []
            for address in privateTo { recipients.append(try await runtime.store.resolveKnownIdentity(address).hash) }
            let item = try await runtime.items.post(LocalPost(channelID: channel.id, body: text, title: title, mimeType: mime,
                                                              privateTo: recipients, replyTo: replyTo))
            return (item, channel.address(on: runtime.configuration.domain))
        }
        if json { return try printJSON(StreamEntry(item, authorAddress: author)) }
        print(item.id)
    }
}
