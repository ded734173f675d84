import Foundation
@testable import JunctionCore
import Testing

@Suite("Recipients grouped by hub")
struct HubGroupingTests {
    static func recipient(_ hash: String, at locations: [(host: String, deleted: Bool)], network: String = "junction") -> Recipient {
        Recipient(xchan: XChan(hash: hash, address: "\(hash)@example", name: hash, network: network),
                  hublocs: locations.map { HubLoc(xchanHash: hash, network: network, host: $0.host, endpoint: "https://\($0.host)/inbox",
                                                  isDeleted: $0.deleted) })
    }

    static let channel = Channel(id: 7, accountID: 1, handle: try! Handle("chan"), name: "Chan", role: .public, xchanHash: "chan-hash",
                                 publicKey: SigningKey().publicKey, permissionLimits: [:], created: Date())

    @Test("one hub per host and network, in host order, by each recipient's first location not deleted; the rest apart")
    func grouping() {
        let recipients = [
            Self.recipient("a", at: [("b.example", false)]),
            Self.recipient("b", at: [("a.example", true), ("c.example", false)]),
            Self.recipient("c", at: [("b.example", false)]),
            Self.recipient("d", at: [("a.example", true)]),
            Self.recipient("e", at: [("b.example", false)], network: "rss"),
            Self.recipient("f", at: []),
            Self.recipient("g", at: [("a.example", false)]),
        ]
        let grouping = HubGrouping(recipients)
        #expect(grouping.hubs.map { "\($0.host)/\($0.network)" } == ["a.example/junction", "b.example/junction", "b.example/rss", "c.example/junction"])
        #expect(grouping.hubs.map { $0.recipients.map(\.xchan.hash) } == [["g"], ["a", "c"], ["e"], ["b"]])
        #expect(grouping.hubs[2].networks == ["rss"])
        #expect(grouping.unserved.map(\.xchan.hash) == ["d", "f"])
    }

    @Test("the viewers' grouping is kept, and serves only them")
    func keptGrouping() async throws {
        let recipients = (0..<6).map { Self.recipient("r\($0)", at: [("hub\($0 % 3).example", false)]) }
        let cache = AudienceCache()
        _ = try await cache.audience(of: Self.channel, version: 1) { AudienceCache.Audience(connections: [], recipients: recipients) }
        let viewers = cache.viewers(of: Self.channel, version: 1) { recipients }
        var made = 0
        func group(_ recipients: [Recipient]) -> HubGrouping {
            cache.grouping(of: Self.channel, for: recipients) { made += 1; return HubGrouping($0) }
        }
        #expect(group(viewers).hubs.count == 3)
        #expect(group(viewers).hubs.count == 3)
        #expect(made == 1)
        // Fewer recipients (a hook removed one), then as many but one moved elsewhere: each is grouped afresh.
        #expect(group(Array(viewers.dropLast())).hubs.flatMap(\.recipients).count == 5)
        var moved = viewers
        moved[0].hublocs[0].host = "elsewhere.example"
        #expect(group(moved).hubs.map(\.host).contains("elsewhere.example"))
        #expect(made == 3)
        // Neither pushed out the viewers' grouping.
        #expect(group(viewers).hubs.count == 3)
        #expect(made == 3)
    }
}
