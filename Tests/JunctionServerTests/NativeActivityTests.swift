import Foundation
import JunctionCore
import JunctionNative
import Testing

/// The `junction` network's wire form for many hubs at once.
@Suite("Native activity")
struct NativeActivityTests {
    static let channel = Channel(id: 1, accountID: 1, handle: try! Handle("alice"), name: "Alice", role: .public,
                                 xchanHash: "alice-hash", publicKey: SigningKey().publicKey, permissionLimits: [:], created: Date())

    static func recipients(_ hashes: [String]) -> [Recipient] {
        hashes.map { Recipient(xchan: XChan(hash: $0, address: "\($0)@hub.example", name: $0, network: XChan.localNetwork), hublocs: []) }
    }

    @Test("encoding for several hubs at once gives each hub what encoding it alone gives",
          arguments: [NotifierEvent.post, .edit, .delete])
    func batch(_ event: NotifierEvent) throws {
        let item = Item(channelID: 1, mid: "https://hub.example/item/1", authorXChan: "alice-hash", ownerXChan: "alice-hash",
                        title: "A \"title\"", body: "<p>body with / and \\ and ünïcödé</p>", created: Date(timeIntervalSince1970: 1_700_000_000),
                        originNetwork: XChan.localNetwork, isOrigin: true)
        let hubs = [["a1", "a2"], ["b1"], [], ["quote \" and \\ slash", "ünï"]].map(Self.recipients)
        let driver = NativeDriver()
        let together = try driver.encode(item, event: event, forEach: hubs, from: Self.channel)
        let alone = try hubs.map { try driver.encode(item, event: event, for: $0, from: Self.channel) }
        #expect(together == alone)
        for (payload, hub) in zip(together, hubs) {
            let decoded = try driver.decode(payload, for: Self.channel)
            #expect(decoded.mid == item.mid && decoded.body == item.body && decoded.title == item.title)
            let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(object["to"] as? [String] == hub.map(\.xchan.hash))
        }
    }
}
