import Foundation
import JunctionCore

/// The first step of the discovery chain: RFC 7033 WebFinger at the address's host.
struct WebFingerResolver: Resolver {
    let name = "webfinger"
    let network = WebFingerDriver.networkName
    let rank = ResolverRank.webFinger
    let documents: DocumentFetcher
    let identifier: DocumentIdentifier

    func resolve(_ address: DiscoveryAddress) async -> ResolverAnswer {
        guard let url = Self.queryURL(for: address, scheme: documents.scheme(for: address.host)) else {
            return .notRecognised("not a user@host address or web URL")
        }
        switch await documents.document(at: url, accept: "\(JRD.mediaType), application/json;q=0.9") {
        case .success(let (document, source)): return await identifier.identify(document, for: address, source: source)
        case .failure(let failure): return .notRecognised(failure.reason)
        }
    }

    /// `scheme://host/.well-known/webfinger?resource=…` for accounts and http(s) URLs.
    static func queryURL(for address: DiscoveryAddress, scheme: String) -> URL? {
        guard address.isWebResolvable else { return nil }
        let resource = HostMeta.expand("{uri}", resource: address.resource)
        return URL(string: "\(scheme)://\(address.host)/.well-known/webfinger?resource=\(resource)")
    }
}
