import Foundation
import JunctionCore

/// Recognises protocol stacks that no driver on this hub claimed, from their well-known link
/// relations, so a lookup says what an address speaks. The first match in this order wins.
enum ForeignStacks {
    struct Stack: Sendable {
        let network: String
        let matches: @Sendable (IdentityLink) -> Bool
    }

    static let stacks: [Stack] = [
        Stack(network: "ofscp") { $0.rel == IdentityLink.Rel.ofscpProvider },
        Stack(network: "fxgp") { $0.rel == IdentityLink.Rel.fxgpServer },
        Stack(network: "activitypub") { link in
            link.rel == "self" && ["application/activity+json", "application/ld+json"].contains {
                link.type?.lowercased().hasPrefix($0) == true
            }
        },
        Stack(network: "zot6") { $0.rel == "http://purl.org/zot/protocol/6.0" },
        Stack(network: "diaspora") { $0.rel == "http://joindiaspora.com/seed_location" },
        Stack(network: "ostatus") { $0.rel == "http://schemas.google.com/g/2010#updates-from" },
    ]

    /// The identity `document` describes on the first stack it speaks, keyed by that stack's
    /// endpoint URL; nil when it speaks none of them.
    static func identify(_ identification: DocumentIdentification) -> (XChan, HubLoc)? {
        for stack in stacks {
            guard let link = identification.document.links.first(where: stack.matches), let href = link.href,
                  let url = URL(string: href), let hostWithPort = DiscoveryAddress.hostWithPort(of: url),
                  ["http", "https", "fxgp"].contains(url.scheme?.lowercased() ?? "")
            else { continue }
            let xchan = XChan.discovered(from: identification, hash: href, network: stack.network)
            return (xchan, HubLoc(xchanHash: xchan.hash, network: stack.network, host: hostWithPort, endpoint: href))
        }
        return nil
    }
}
