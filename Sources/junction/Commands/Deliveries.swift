import ArgumentParser
import Foundation
import JunctionCore

struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, per recipient, what became of an item: queued, delivered, refused or failing, and why."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "The item's numeric id.")
    var itemID: Int64

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let reports = try await hub.withStore { store, _ in try await store.deliveryReports(itemID: itemID) }
        if json { return try printJSON(reports) }
        if reports.isEmpty { return print("item \(itemID) has no recipients on other hubs") }
        printTable(["RECIPIENT", "DESTINATION", "STATUS", "ATTEMPTS", "NEXT TRY", "REASON"], reports.map {
            [$0.recipient, $0.destination.isEmpty ? "-" : $0.destination, $0.status.rawValue, "\($0.attempts)",
             $0.nextAttempt.map { ISO8601DateFormatter().string(from: $0) } ?? "-", $0.reason ?? ""]
        })
    }
}
