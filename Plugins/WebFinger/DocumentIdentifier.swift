import Foundation
import JunctionCore

/// Checks that a found document is about the address asked for, and lets the drivers say
/// which stack it describes (`discoverChannelWebfinger`).
struct DocumentIdentifier: Sendable {
    let hooks: HookRegistry

    func identify(_ document: IdentityDocument, for address: DiscoveryAddress, source: URL) async -> ResolverAnswer {
        guard Self.isAbout(document, address) else {
            let subject = document.subject ?? "none"
            return .notRecognised("\(source.absoluteString) describes \(subject.prefix(200)), not \(address.resource)")
        }
        let identification = await hooks.run(.discoverChannelWebfinger, DocumentIdentification(
            address: address, document: document, source: source.absoluteString))
        guard let xchan = identification.xchan else {
            return .notRecognised("\(source.absoluteString) names no protocol this hub knows")
        }
        return .found(xchan: xchan, hublocs: identification.hublocs)
    }

    /// True when the subject or an alias names the resource. Compared case-insensitively:
    /// servers answer `acct:Gargron@…` to `acct:gargron@…`.
    static func isAbout(_ document: IdentityDocument, _ address: DiscoveryAddress) -> Bool {
        let wanted = Set([address.resource, address.description].map(normalised))
        return ([document.subject].compactMap { $0 } + document.aliases).contains { wanted.contains(normalised($0)) }
    }

    private static func normalised(_ text: String) -> String {
        var text = text.lowercased().trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
