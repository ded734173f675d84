import ArgumentParser
import JunctionCore

struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Block, unblock or revive a remote host.",
        subcommands: [Block.self, Unblock.self, Revive.self]
    )

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send nothing to a host and cancel what is queued for it.")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The host (with port when not default).") var host: String

        func run() async throws {
            let cancelled = try await hub.withStore { store, _ in try await store.blockSite(host) }
            print("blocked \(host.lowercased()); cancelled \(entries(cancelled)) queued")
        }
    }

    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow deliveries to a host again.")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The host (with port when not default).") var host: String

        func run() async throws {
            try await hub.withStore { store, _ in try await store.unblockSite(host) }
            print("unblocked \(host.lowercased())")
        }
    }

    struct Revive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a dead or failing host healthy and send what waits for it now.")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The host (with port when not default).") var host: String

        func run() async throws {
            try await hub.withStore { store, _ in try await store.reviveSite(host) }
            print("revived \(host.lowercased())")
        }
    }
}
