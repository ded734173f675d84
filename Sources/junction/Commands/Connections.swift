import ArgumentParser
import Foundation
import JunctionCore

struct Connections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a channel's connections and their permissions.")

    @OptionGroup var hub: HubOptions

    @Argument(help: "The channel's handle.")
    var handle: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let handle = try Handle(handle)
        let rows = try await hub.withStore { store, _ in
            try await store.read { session in
                guard let channel = try await session.channel(handle: handle) else {
                    throw JunctionError.notFound("no channel with handle '\(handle)'")
                }
                var rows: [ConnectionRow] = []
                for abook in try await session.abooks(channelID: channel.id) {
                    let xchan = try await session.xchan(hash: abook.xchanHash)
                    var state: [String] = []
                    if abook.isSelf { state.append("self") }
                    if abook.isPending { state.append("pending") }
                    if abook.isBlocked { state.append("blocked") }
                    if abook.isIgnored { state.append("ignored") }
                    rows.append(ConnectionRow(
                        address: xchan?.address ?? abook.xchanHash, name: xchan?.name ?? "", network: xchan?.network ?? "",
                        xchan: abook.xchanHash, role: abook.role.rawValue, state: state,
                        myPermissions: abook.myPermissions.sorted().map(\.rawValue),
                        theirPermissions: abook.theirPermissions.sorted().map(\.rawValue),
                        instances: abook.instances, created: abook.created
                    ))
                }
                return rows
            }
        }
        if json { return try printJSON(rows) }
        printTable(["ADDRESS", "NETWORK", "ROLE", "STATE", "NAME"], rows.map {
            [$0.address, $0.network, $0.role, $0.state.isEmpty ? "connected" : $0.state.joined(separator: ","), $0.name]
        })
    }

    struct ConnectionRow: Encodable, Sendable {
        let address: String
        let name: String
        let network: String
        let xchan: String
        let role: String
        let state: [String]
        let myPermissions: [String]
        let theirPermissions: [String]
        let instances: [String]
        let created: Date
    }
}
