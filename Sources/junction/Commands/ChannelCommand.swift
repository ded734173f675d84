public import ArgumentParser
import Foundation
import JunctionCore
import JunctionServer

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Create, list and delete channels.",
        subcommands: [Create.self, List.self, Remove.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a channel for an account, with its own key pair.",
            discussion: "Handles are 2 to 64 characters: lowercase letters, digits and '_', starting with a letter."
        )

        @OptionGroup var hub: HubOptions

        @Argument(help: "The channel's handle (its address is HANDLE@DOMAIN).")
        var handle: String

        @Option(help: ArgumentHelp("The email of the account that owns the channel.", valueName: "email"))
        var account: String

        @Option(help: "The display name (default: the handle).")
        var name: String?

        @Option(help: "personal, public or group.")
        var role: ChannelRole = .personal

        func run() async throws {
            let channel = try await hub.withStore { store, configuration in
                try await store.createChannel(handle: handle, accountEmail: account, name: name, role: role,
                                              domain: configuration.domain)
            }
            print("created channel \(channel.handle) (\(channel.role.rawValue)), public key \(channel.publicKey.base64)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels.")

        @OptionGroup var hub: HubOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let rows = try await hub.withStore { store, configuration in
                try await store.read { session in
                    var rows: [ChannelRow] = []
                    for channel in try await session.channels(accountID: nil) {
                        let account = try await session.account(id: channel.accountID)
                        rows.append(ChannelRow(
                            id: channel.id, handle: channel.handle.rawValue, name: channel.name, role: channel.role.rawValue,
                            account: account?.email ?? "", address: channel.address(on: configuration.domain),
                            xchan: channel.xchanHash, publicKey: channel.publicKey.base64, created: channel.created
                        ))
                    }
                    return rows
                }
            }
            if json { return try printJSON(rows) }
            printTable(["HANDLE", "NAME", "ROLE", "ACCOUNT", "ADDRESS"], rows.map {
                [$0.handle, $0.name, $0.role, $0.account, $0.address]
            })
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a channel with its connections and items; what is queued for it is cancelled."
        )

        @OptionGroup var hub: HubOptions

        @Argument(help: "The channel's handle.")
        var handle: String

        func run() async throws {
            let channel = try await hub.withStore { store, _ in try await store.deleteChannel(handle: handle) }
            print("deleted channel \(channel.handle)")
        }
    }

    struct ChannelRow: Encodable, Sendable {
        let id: Int64
        let handle: String
        let name: String
        let role: String
        let account: String
        let address: String
        let xchan: String
        let publicKey: String
        let created: Date
    }
}

extension ChannelRole: ExpressibleByArgument {}
