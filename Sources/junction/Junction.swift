import ArgumentParser

/// The `junction` command: runs the hub and administers it.
@main
struct Junction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction",
        abstract: "A federation hub: one account, many networks.",
        subcommands: [
            Serve.self, Migrate.self, AccountCommand.self, ChannelCommand.self, Connections.self, Doctor.self,
            QueueCommand.self, SiteCommand.self, Deliveries.self,
        ]
    )
}
