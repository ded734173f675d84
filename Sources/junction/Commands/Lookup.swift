import ArgumentParser
import Foundation
import JunctionCore
import JunctionServer

struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find out what an address is: its network, identity and where it is served."
    )

    @OptionGroup var hub: HubOptions

    @Argument(help: "user@host, acct:user@host or a URL.")
    var address: String

    @Flag(help: "Ignore the cache and look the address up again.")
    var refresh = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let outcome: Result<DiscoveryResult, DiscoveryFailure> = try await hub.withRuntime { runtime in
            do {
                return .success(try await runtime.discovery.lookup(address, refresh: refresh))
            } catch let failure as DiscoveryFailure {
                return .failure(failure)
            }
        }
        switch outcome {
        case .success(let found):
            if json { return try printJSON(Found(found)) }
            print("address   \(found.address)")
            print("network   \(found.xchan.network)")
            print("resolver  \(found.resolver)\(found.fromCache ? " (from cache, checked \(found.checked.formatted(.iso8601)))" : "")")
            print("xchan     \(found.xchan.hash)")
            print("name      \(found.xchan.name)")
            if let url = found.xchan.url { print("url       \(url)") }
            if let photo = found.xchan.photoURL { print("photo     \(photo)") }
            if let key = found.xchan.publicKey { print("key       \(key)") }
            for hubloc in found.hublocs {
                print("hubloc    \(hubloc.network) \(hubloc.host) \(hubloc.endpoint)\(hubloc.siteKey.map { " site-key \($0)" } ?? "")")
            }
        case .failure(let failure):
            if json { try printJSON(NotFound(error: failure.description, attempts: failure.attempts, fromCache: failure.fromCache)) }
            throw failure
        }
    }

    struct Found: Encodable {
        let address: String
        let network: String
        let resolver: String
        let fromCache: Bool
        let checked: Date
        let xchan: XChan
        let hublocs: [HubLoc]

        init(_ result: DiscoveryResult) {
            address = result.address
            network = result.xchan.network
            resolver = result.resolver
            fromCache = result.fromCache
            checked = result.checked
            xchan = result.xchan
            hublocs = result.hublocs
        }
    }

    struct NotFound: Encodable {
        let error: String
        let attempts: [DiscoveryFailure.Attempt]
        let fromCache: Bool
    }
}
