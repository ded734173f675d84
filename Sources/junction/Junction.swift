import ArgumentParser
import JunctionCore
import JunctionNative
import JunctionRSS
import JunctionWebFinger

/// The `junction` command: runs the hub and administers it.
@main
struct Junction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction",
        abstract: "A federation hub: one account, many networks.",
        subcommands: [
            Serve.self, Migrate.self, AccountCommand.self, ChannelCommand.self, Connections.self, Doctor.self,
            Post.self, Edit.self, Stream.self, Delete.self, Lookup.self, Follow.self, Unfollow.self, QueueCommand.self, SiteCommand.self,
            Deliveries.self, FeedCommand.self, FeedsCommand.self,
        ]
    )

    /// The network drivers this hub runs: the composition root's one list.
    static var drivers: [any Driver] { [NativeDriver(), WebFingerDriver(), RSSDriver()] }
}
