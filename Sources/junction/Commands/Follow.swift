import ArgumentParser
import JunctionCore
import JunctionServer

struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect a channel to an address (a channel, a feed, a group): discovery, then the connection."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "The channel's handle.")
    var handle: String

    @Argument(help: "user@host, acct:user@host or a URL.")
    var address: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let following = try await hub.withRuntime { try await $0.connector.follow(handle: handle, address: address) }
        if json {
            return try printJSON(Followed(address: following.xchan.address, network: following.xchan.network, xchan: following.xchan.hash,
                                          resolver: following.resolver, role: following.connection.role.rawValue,
                                          alreadyConnected: following.alreadyConnected))
        }
        let note = following.alreadyConnected ? "already follows" : "now follows"
        print("\(handle) \(note) \(following.xchan.address) (\(following.xchan.network), found by \(following.resolver))")
    }

    struct Followed: Encodable {
        let address: String
        let network: String
        let xchan: String
        let resolver: String
        let role: String
        let alreadyConnected: Bool
    }
}

struct Unfollow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a channel's connection to an address.")

    @OptionGroup var hub: HubOptions

    @Argument(help: "The channel's handle.")
    var handle: String

    @Argument(help: "The address (or xchan hash) it follows.")
    var address: String

    func run() async throws {
        let xchan = try await hub.withRuntime { try await $0.connector.unfollow(handle: handle, address: address) }
        print("\(handle) no longer follows \(xchan.address)")
    }
}
