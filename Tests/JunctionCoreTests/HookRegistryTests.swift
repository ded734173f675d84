import Foundation
import JunctionCore
import Logging
import Testing

@Suite("Hooks")
struct HookRegistryTests {
    static func item(_ body: String) -> StoredItem {
        StoredItem(item: Item(channelID: 1, mid: "m", authorXChan: "a", ownerXChan: "a", body: body, originNetwork: "x", isOrigin: true))
    }

    @Test("handlers run by priority and may change the payload")
    func priorities() async {
        let hooks = HookRegistry(logger: Logger(label: "test"))
        hooks.register(.itemStore, name: "second") { $0.item.body += "-second" }
        hooks.register(.itemStore, name: "first", priority: 10) { $0.item.body += "-first" }
        hooks.register(.itemStore, name: "third", priority: -5) { $0.item.body += "-third" }
        let result = await hooks.run(.itemStore, Self.item("x"))
        #expect(result.item.body == "x-first-second-third")
        #expect(hooks.handlerNames(.itemStore) == ["first", "second", "third"])
        #expect(hooks.handlerNames(.itemStoreUpdate).isEmpty)
    }

    @Test("a failing handler is isolated: its changes are dropped, the rest still run, the failure is counted")
    func isolation() async {
        struct Broken: Error {}
        let hooks = HookRegistry(logger: Logger(label: "test"))
        hooks.register(.itemStore, name: "breaks", priority: 1) { payload in
            payload.item.body = "garbage"
            throw Broken()
        }
        hooks.register(.itemStore, name: "works") { $0.item.body += "!" }
        let result = await hooks.run(.itemStore, Self.item("x"))
        #expect(result.item.body == "x!")
        #expect(hooks.failureCounts["itemStore/breaks"] == 1)
    }

    @Test("hook points are typed and named as in Hubzilla")
    func names() {
        #expect(HookPoint.notifierProcess.name == "notifierProcess")
        #expect(HookPoint.notifierHub.name == "notifierHub")
        #expect(HookPoint.permissionsCreate.name == "permissionsCreate")
        #expect(HookPoint.queueDeliver.name == "queueDeliver")
    }
}
