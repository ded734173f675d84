import Foundation
import JunctionCore

/// How a Junction channel appears in WebFinger, and how a found document is recognised as one.
///
/// The channel's JRD carries a link of relation ``IdentityLink/Rel/junction`` whose `href` is the
/// hub's inbox, with the channel key and the hub's site key as properties. A document is a
/// Junction channel when it has that link, the keys are valid Ed25519 keys and the link's host
/// is the address's own host (a hub serves only its own channels).
enum NativeDiscovery {
    static func link(for channel: Channel, domain: HubDomain, siteKey: SigningKey.PublicKey) -> IdentityLink {
        IdentityLink(rel: IdentityLink.Rel.junction, type: NativeActivity.contentType, href: "\(domain.baseURL)/inbox", properties: [
            IdentityLink.Rel.channelKey: .some(channel.publicKey.base64),
            IdentityLink.Rel.siteKey: .some(siteKey.base64),
        ])
    }

    static func identify(_ identification: DocumentIdentification) -> (XChan, HubLoc)? {
        guard let link = identification.document.link(IdentityLink.Rel.junction), let href = link.href,
              let url = URL(string: href), let hostWithPort = DiscoveryAddress.hostWithPort(of: url),
              let channelKeyText = link.properties[IdentityLink.Rel.channelKey] ?? nil,
              let siteKeyText = link.properties[IdentityLink.Rel.siteKey] ?? nil,
              let channelKey = try? SigningKey.PublicKey(base64: channelKeyText),
              let siteKey = try? SigningKey.PublicKey(base64: siteKeyText)
        else { return nil }
        guard hostWithPort == identification.address.host else { return nil }
        var xchan = XChan.discovered(from: identification, hash: XChan.localHash(for: channelKey), network: XChan.localNetwork)
        xchan.publicKey = channelKey.base64
        return (xchan, HubLoc(xchanHash: xchan.hash, network: XChan.localNetwork, host: hostWithPort, endpoint: href,
                              siteKey: siteKey.base64))
    }
}
