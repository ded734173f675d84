import ArgumentParser
import JunctionCore
import JunctionServer

struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change the text (and title) of an item its channel wrote, and send the edit to its audience."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "The item's id (from `junction stream`).")
    var itemID: Int64

    @Argument(help: "The new text.")
    var text: String

    @Option(help: "The new title (the title is removed when omitted).")
    var title: String?

    func run() async throws {
        let item = try await hub.withRuntime { try await $0.items.edit(itemID: itemID, title: title, body: text) }
        print("edited item \(item.id)")
    }
}
