import ArgumentParser
import Foundation
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
            let host = host.lowercased()
            let cancelled = try await hub.withStore { store, _ in
                try await store.write { session in
                    var site = try await session.site(host: host) ?? Site(host: host)
                    site.isBlocked = true
                    site.updated = Date()
                    try await session.upsertSite(site)
                    return try await session.cancelEntries(.destination(host), reason: "site \(host) is blocked", now: Date())
                }
            }
            print("blocked \(host); cancelled \(cancelled) queued entr\(cancelled == 1 ? "y" : "ies")")
        }
    }

    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow deliveries to a host again.")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The host (with port when not default).") var host: String

        func run() async throws {
            let host = host.lowercased()
            try await hub.withStore { store, _ in
                try await store.write { session in
                    guard var site = try await session.site(host: host), site.isBlocked else {
                        throw JunctionError.notFound("\(host) is not blocked")
                    }
                    site.isBlocked = false
                    site.updated = Date()
                    try await session.upsertSite(site)
                }
            }
            print("unblocked \(host)")
        }
    }

    struct Revive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a dead or failing host healthy and send what waits for it now.")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The host (with port when not default).") var host: String

        func run() async throws {
            let host = host.lowercased()
            try await hub.withStore { store, _ in
                try await store.write { session in
                    guard var site = try await session.site(host: host) else {
                        throw JunctionError.notFound("no deliveries were ever made to \(host)")
                    }
                    site.isDead = false
                    site.failureStreak = 0
                    site.firstFailure = nil
                    site.updated = Date()
                    try await session.upsertSite(site)
                    try await session.releaseEntries(destination: host, at: Date())
                }
            }
            print("revived \(host)")
        }
    }
}
