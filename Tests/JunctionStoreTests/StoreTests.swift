import Foundation
import JunctionCore
@testable import JunctionStore
import JunctionTesting
import Logging
import SQLKit
import Testing

/// One suite, run unchanged against every backend.
@Suite("Store", .timeLimit(.minutes(2)))
struct StoreTests {
    static let domain = try! HubDomain("hub.example")

    @Test("migrations record the schema version and run once", arguments: TestBackend.available)
    func migrations(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, url in
            #expect(try await HubDatabase.schemaVersion(of: store) == HubDatabase.latestSchemaVersion)
            try await HubDatabase.migrate(store, logger: Logger(label: "test"))
            #expect(try await HubDatabase.schemaVersion(of: store) == HubDatabase.latestSchemaVersion)
        }
    }

    @Test("PostgreSQL keeps queue rows uncompressed and vacuums the queue early")
    func queueTableStorage() async throws {
        guard TestBackend.available.contains(.postgres) else { return }
        try await withTestStore(.postgres) { store, _ in
            let sql = try #require(store as? any SQLStore)
            let options = try await sql.withDatabase(isolation: nil) { db in
                try await db.raw("SELECT array_to_string(reloptions, ',') AS options FROM pg_class WHERE relname = 'outq'").first()?
                    .decode(column: "options", as: String.self)
            }
            #expect(options?.contains("toast_tuple_target=8160") == true, "\(options ?? "none")")
            #expect(options?.contains("autovacuum_vacuum_scale_factor=0.01") == true, "\(options ?? "none")")
        }
    }

    @Test("a database newer than the binary is refused", arguments: TestBackend.available)
    func newerSchemaRefused(_ backend: TestBackend) async throws {
        let url = try await withTestStore(backend) { store, url in
            let sql = try #require(store as? any SQLStore)
            try await sql.withDatabase(isolation: nil) { db in
                try await db.raw("INSERT INTO schema_version (version, name, applied) VALUES (\(bind: HubDatabase.latestSchemaVersion + 1), 'future', 0)").run()
            }
            return url
        }
        let error = await #expect(throws: JunctionError.self) {
            try await HubDatabase.withStore(url, logger: Logger(label: "test")) { _ in }
        }
        #expect(error?.code == .schemaTooNew)
        #expect(error?.message.contains("newer than this junction binary") == true)
    }

    @Test("accounts: create, find, refuse duplicates, check passwords", arguments: TestBackend.available)
    func accounts(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let account = try await store.createAccount(email: "Jane@Example.com", password: "secret-password", roles: [.admin])
            #expect(account.email == "jane@example.com" && account.roles == [.admin])
            let duplicate = await #expect(throws: JunctionError.self) {
                try await store.createAccount(email: "JANE@example.com", password: "another-password")
            }
            #expect(duplicate?.code == .conflict)
            #expect(try await store.authenticate(email: "jane@example.com", password: "secret-password")?.id == account.id)
            #expect(try await store.authenticate(email: "jane@example.com", password: "wrong-password") == nil)
            #expect(try await store.authenticate(email: "nobody@example.com", password: "secret-password") == nil)
            let all = try await store.read { try await $0.accounts() }
            #expect(all.map(\.email) == ["jane@example.com"])
            #expect(all.first?.passwordHash.hasPrefix("$argon2id$") == true)
        }
    }

    @Test("channels: keys, own xchan, hubloc and self connection in one step", arguments: TestBackend.available)
    func channels(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", name: "Jane Doe",
                                                        role: .group, domain: Self.domain)
            #expect(channel.role == .group && channel.name == "Jane Doe")
            try await store.read { session throws in
                let loaded = try #require(try await session.channel(handle: Handle("jane")))
                #expect(loaded == channel)
                let key = try #require(try await session.channelSigningKey(channelID: channel.id))
                #expect(key.publicKey == channel.publicKey)
                let xchan = try #require(try await session.xchan(hash: channel.xchanHash))
                #expect(xchan.address == "jane@hub.example" && xchan.network == XChan.localNetwork)
                #expect(xchan.publicKey == channel.publicKey.base64)
                #expect(try await session.hublocs(xchanHash: channel.xchanHash).map(\.host) == ["hub.example"])
                let own = try #require(try await session.abook(channelID: channel.id, xchanHash: channel.xchanHash))
                #expect(own.isSelf && own.myPermissions == Set(Permission.allCases))
                #expect(try await session.channel(xchanHash: channel.xchanHash)?.id == channel.id)
            }
            let duplicate = await #expect(throws: JunctionError.self) {
                try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: Self.domain)
            }
            #expect(duplicate?.code == .conflict)
            let orphan = await #expect(throws: JunctionError.self) {
                try await store.createChannel(handle: "bob", accountEmail: "nobody@example.com", domain: Self.domain)
            }
            #expect(orphan?.code == .notFound)
            // Nothing of the refused channels was written.
            #expect(try await store.read { try await $0.channels(accountID: nil) }.count == 1)
            #expect(try await store.read { try await $0.xchans(address: "bob@hub.example") }.isEmpty)
        }
    }

    @Test("a failed transaction leaves nothing behind", arguments: TestBackend.available)
    func rollback(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            struct Boom: Error {}
            try await store.write { try await $0.setConfigValue(.site, family: "f", key: "kept", value: "yes") }
            await #expect(throws: Boom.self) {
                try await store.write { session in
                    _ = try await session.insertAccount(email: try EmailAddress("a@example.com"), passwordHash: "x", roles: [], created: Date())
                    try await session.setConfigValue(.site, family: "f", key: "k", value: "v")
                    throw Boom()
                }
            }
            #expect(try await store.read { try await $0.accounts() }.isEmpty)
            #expect(try await store.read { try await $0.configValue(.site, family: "f", key: "k") } == nil)
            #expect(try await store.read { try await $0.configValue(.site, family: "f", key: "kept") } == "yes")
        }
    }

    @Test("identities, locations and sites", arguments: TestBackend.available)
    func identities(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            let created = Date(millisecondsSince1970: 1_700_000_000_000)
            var xchan = XChan(hash: "https://remote.example/u/bob", address: "Bob@Remote.example", name: "Bob", network: "ofscp",
                              photoURL: "https://remote.example/bob.png", url: "https://remote.example/u/bob",
                              created: created, updated: created)
            try await store.write { try await $0.upsertXChan(xchan) }
            xchan.name = "Robert"
            try await store.write { try await $0.upsertXChan(xchan) }
            try await store.read { session throws in
                #expect(try await session.xchan(hash: xchan.hash) == xchan)
                #expect(try await session.xchans(address: "bob@remote.example").map(\.name) == ["Robert"])
            }
            let hubloc = HubLoc(xchanHash: xchan.hash, network: "ofscp", host: "remote.example",
                                endpoint: "https://remote.example/api/federation", siteKey: "abc", updated: created)
            let first = try await store.write { try await $0.upsertHubLoc(hubloc) }
            var moved = hubloc
            moved.siteKey = "def"
            let second = try await store.write { try await $0.upsertHubLoc(moved) }
            #expect(first.id == second.id && first.id > 0)
            let locations = try await store.read { try await $0.hublocs(host: "remote.example") }
            #expect(locations.count == 1 && locations.first?.siteKey == "def")
            #expect(try await store.read { try await $0.xchans(hashes: [xchan.hash, "missing"]) } == [xchan])
            #expect(try await store.read { try await $0.hublocs(xchanHashes: [xchan.hash, "missing"]) } == locations)

            var site = Site(host: "remote.example", network: "ofscp", lastFailure: created, failureStreak: 3, updated: created)
            try await store.write { try await $0.upsertSite(site) }
            site.isDead = true
            site.failureStreak = 4
            try await store.write { try await $0.upsertSite(site) }
            #expect(try await store.read { try await $0.site(host: "remote.example") } == site)
            #expect(try await store.read { try await $0.sites() }.map(\.host) == ["remote.example"])
        }
    }

    @Test("connections and the permission check through the store", arguments: TestBackend.available)
    func connections(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: Self.domain)
            let friend = XChan(hash: "friend", address: "friend@remote.example", name: "Friend", network: "ofscp")
            try await store.write { try await $0.upsertXChan(friend) }
            var abook = try await store.write { session in
                try await session.insertABook(ABook(channelID: channel.id, xchanHash: "friend", myPermissions: [.postMail],
                                                    role: .custom, isPending: true, instances: ["https://hub.example"]))
            }
            let duplicate = await #expect(throws: JunctionError.self) {
                try await store.write { try await $0.insertABook(ABook(channelID: channel.id, xchanHash: "friend", myPermissions: [], role: .contact)) }
            }
            #expect(duplicate?.code == .conflict)
            #expect(try await store.isAllowed(.postMail, requester: .identity("friend"), channelID: channel.id) == false)
            abook.isPending = false
            try await store.write { try await $0.updateABook(abook) }
            #expect(try await store.isAllowed(.postMail, requester: .identity("friend"), channelID: channel.id))
            #expect(try await store.isAllowed(.postMail, requester: .identity("stranger"), channelID: channel.id) == false)
            #expect(try await store.isAllowed(.viewStream, requester: .anonymous, channelID: channel.id))
            try await store.write { try await $0.updateChannelLimits(channelID: channel.id, limits: [.viewStream: .connections]) }
            #expect(try await store.isAllowed(.viewStream, requester: .anonymous, channelID: channel.id) == false)
            #expect(try await store.isAllowed(.viewStream, requester: .identity("friend"), channelID: channel.id))
            let stored = try await store.read { try await $0.abooks(channelID: channel.id) }
            #expect(stored.count == 2)
            #expect(stored.last?.instances == ["https://hub.example"] && stored.last?.myPermissions == [.postMail])
            try await store.write { try await $0.deleteABook(id: abook.id) }
            #expect(try await store.read { try await $0.abook(channelID: channel.id, xchanHash: "friend") } == nil)
        }
    }

    @Test("items: dedupe by id, stream order, threads and network copies", arguments: TestBackend.available)
    func items(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: Self.domain)
            let me = channel.xchanHash
            let when = Date(millisecondsSince1970: 1_700_000_000_000)
            let top = Item(channelID: channel.id, mid: "https://hub.example/item/1", authorXChan: me, ownerXChan: me,
                           title: "Hello", body: "**hi**", mimeType: "text/markdown",
                           attachments: [.init(url: "https://hub.example/a.png", mimeType: "image/png", size: 10)],
                           tags: [.init(kind: .hashtag, name: "intro")], acl: .init(allowXChans: ["friend"]), isPrivate: true,
                           created: when, received: when, originNetwork: XChan.localNetwork, isOrigin: true,
                           copies: [.init(network: "ofscp", remoteID: "msg_1")])
            let stored = try #require(try await store.write { try await $0.insertItem(top) })
            #expect(stored.mid == top.mid && stored.isTopLevel && stored.copies == top.copies)
            #expect(stored.acl == top.acl && stored.tags == top.tags && stored.attachments == top.attachments && stored.isPrivate)
            #expect(stored.created == when && stored.title == "Hello")
            #expect(try await store.write { try await $0.insertItem(top) } == nil)  // deduplicated
            let reply = Item(channelID: channel.id, mid: "https://remote.example/c/2", parentMid: top.mid, authorXChan: "friend",
                             ownerXChan: me, body: "welcome", originNetwork: "ofscp", isOrigin: false)
            _ = try await store.write { try await $0.insertItem(reply) }
            let later = Item(channelID: channel.id, mid: "https://hub.example/item/3", authorXChan: me, ownerXChan: me,
                             body: "second post", originNetwork: XChan.localNetwork, isOrigin: true)
            _ = try await store.write { try await $0.insertItem(later) }
            try await store.read { session throws in
                let stream = try await session.stream(channelID: channel.id, limit: 10, before: nil)
                #expect(stream.map(\.body) == ["second post", "welcome", "**hi**"])
                let page = try await session.stream(channelID: channel.id, limit: 1, before: stream[0].id)
                #expect(page.map(\.body) == ["welcome"])
                #expect(try await session.thread(channelID: channel.id, parentMid: top.mid).map(\.body) == ["**hi**", "welcome"])
                #expect(try await session.item(channelID: channel.id, network: "ofscp", remoteID: "msg_1")?.mid == top.mid)
                #expect(try await session.item(channelID: channel.id, mid: reply.mid)?.thrParent == top.mid)
            }
        }
    }

    @Test("the five key-value tables", arguments: TestBackend.available)
    func config(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: Self.domain)
            let item = try #require(try await store.write { session in
                try await session.insertItem(Item(channelID: channel.id, mid: "m", authorXChan: channel.xchanHash,
                                                  ownerXChan: channel.xchanHash, body: "b", originNetwork: "junction", isOrigin: true))
            })
            let scopes: [ConfigScope] = [.site, .channel(channel.id), .xchan("x"), .connection(channelID: channel.id, xchanHash: "x"), .item(item.id)]
            for (index, scope) in scopes.enumerated() {
                try await store.write { session in
                    try await session.setConfigValue(scope, family: "driver", key: "a", value: "one-\(index)")
                    try await session.setConfigValue(scope, family: "driver", key: "a", value: "two-\(index)")
                    try await session.setConfigValue(scope, family: "driver", key: "b", value: "b")
                }
            }
            for (index, scope) in scopes.enumerated() {
                try await store.read { session throws in
                    #expect(try await session.configValue(scope, family: "driver", key: "a") == "two-\(index)")
                    #expect(try await session.configValues(scope, family: "driver") == ["a": "two-\(index)", "b": "b"])
                }
                try await store.write { try await $0.removeConfigValue(scope, family: "driver", key: "a") }
                #expect(try await store.read { try await $0.configValue(scope, family: "driver", key: "a") } == nil)
            }
        }
    }

    @Test("everything survives closing and reopening, keys included", arguments: TestBackend.available)
    func persistence(_ backend: TestBackend) async throws {
        let (url, channel, siteKey) = try await withTestStore(backend) { store, url in
            _ = try await store.createAccount(email: "jane@example.com", password: "secret-password")
            let channel = try await store.createChannel(handle: "jane", accountEmail: "jane@example.com", domain: Self.domain)
            let siteKey = try await store.ensureSiteKey().publicKey
            return (url, channel, siteKey)
        }
        try await HubDatabase.withStore(url, logger: Logger(label: "test")) { store in
            #expect(try await store.ensureSiteKey().publicKey == siteKey)
            #expect(try await store.sitePublicKey() == siteKey)
            try await store.read { session throws in
                #expect(try await session.channel(handle: Handle("jane")) == channel)
                #expect(try await session.channelSigningKey(channelID: channel.id)?.publicKey == channel.publicKey)
                #expect(try await session.accounts().count == 1)
            }
        }
    }

    @Test("concurrent writers do not lose updates", arguments: TestBackend.available)
    func concurrentWrites(_ backend: TestBackend) async throws {
        try await withTestStore(backend) { store, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        _ = try await store.createAccount(email: "user\(index)@example.com", password: "secret-password")
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.read { try await $0.accounts() }.count == 20)
        }
    }
}
