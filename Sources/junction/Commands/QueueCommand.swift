import ArgumentParser
import Foundation
import JunctionCore

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "See and steer the outbound queue.",
        subcommands: [Status.self, Retry.self, Purge.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Depth per destination, oldest entry age, retrying and dead-letter counts, dead and blocked sites."
        )

        @OptionGroup var hub: HubOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let now = Date()
            let report = try await hub.withStore { store, _ in try await store.queueStatus(now: now) }
            if json { return try printJSON(report) }
            if report.destinations.isEmpty { print("the queue is empty") } else {
                printTable(["DESTINATION", "NETWORK", "PENDING", "RETRYING", "DEAD-LETTER", "OLDEST"], report.destinations.map {
                    [$0.destination, $0.network, "\($0.pending)", "\($0.retrying)", "\($0.deadLetters)",
                     $0.oldestCreated.map { age(now.timeIntervalSince($0)) } ?? "-"]
                })
            }
            if !report.sites.isEmpty {
                print("")
                printTable(["SITE", "STATE", "FAILURES", "LAST SUCCESS"], report.sites.map {
                    [$0.host, $0.isBlocked ? "blocked" : $0.isDead ? "dead" : "failing", "\($0.failureStreak)",
                     $0.lastSuccess.map { age(now.timeIntervalSince($0)) + " ago" } ?? "never"]
                })
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failing or dead-lettered entries again now, with a fresh retry window."
        )

        @OptionGroup var hub: HubOptions

        @Argument(help: "A queue entry id.")
        var id: Int64?

        @Option(help: ArgumentHelp("Every entry for this destination host instead.", valueName: "host"))
        var site: String?

        func run() async throws {
            let selection: QueueSelection
            switch (id, site) {
            case (let id?, nil): selection = .entry(id)
            case (nil, let site?): selection = .destination(site.lowercased())
            default: throw ValidationError("name an entry id or --site HOST, not both")
            }
            let count = try await hub.withStore { store, _ in
                try await store.write { try await $0.requeueEntries(selection, now: Date()) }
            }
            print("\(entries(count)) will be sent again")
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel every pending entry for a destination host.")

        @OptionGroup var hub: HubOptions

        @Option(help: ArgumentHelp("The destination host.", valueName: "host"))
        var site: String

        func run() async throws {
            let count = try await hub.withStore { store, _ in
                try await store.write { try await $0.cancelEntries(.destination(site.lowercased()), reason: "purged by the operator", now: Date()) }
            }
            print("cancelled \(entries(count)) for \(site)")
        }
    }
}

/// `1 entry`, `3 entries`.
func entries(_ count: Int) -> String { count == 1 ? "1 entry" : "\(count) entries" }

/// A short human duration: `42s`, `5m`, `3h`, `2d`.
func age(_ seconds: TimeInterval) -> String {
    switch seconds {
    case ..<60: "\(Int(seconds))s"
    case ..<3600: "\(Int(seconds / 60))m"
    case ..<86400: "\(Int(seconds / 3600))h"
    default: "\(Int(seconds / 86400))d"
    }
}
