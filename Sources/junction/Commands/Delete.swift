import ArgumentParser
import JunctionCore
import JunctionServer

struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete an item its channel wrote: cancel what is queued for it and tell its audience."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "The item's id (from `junction stream`).")
    var itemID: Int64

    func run() async throws {
        let item = try await hub.withRuntime { try await $0.items.delete(itemID: itemID) }
        print("deleted item \(item.id)")
    }
}
