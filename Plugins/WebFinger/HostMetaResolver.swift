import Foundation
import JunctionCore

/// The old-style step of the discovery chain (RFC 6415): host-meta (XRD, then JSON), its LRDD
/// template, and the resource's XRD document.
struct HostMetaResolver: Resolver {
    let name = "host-meta"
    let network = WebFingerDriver.networkName
    let rank = ResolverRank.hostMeta
    let documents: DocumentFetcher
    let identifier: DocumentIdentifier

    func resolve(_ address: DiscoveryAddress) async -> ResolverAnswer {
        guard address.isWebResolvable else { return .notRecognised("not a user@host address or web URL") }
        let base = "\(documents.scheme(for: address.host))://\(address.host)"
        var reasons: [String] = []
        for (path, accept) in [("/.well-known/host-meta", XRD.mediaType), ("/.well-known/host-meta.json", JRD.mediaType)] {
            guard let url = URL(string: base + path) else { continue }
            switch await documents.document(at: url, accept: accept) {
            case .failure(let failure):
                reasons.append(failure.reason)
            case .success(let (hostMeta, _)):
                guard let template = HostMeta.lrddTemplate(in: hostMeta)?.template else {
                    return .notRecognised("\(url.absoluteString) has no LRDD template")
                }
                guard let lrdd = URL(string: HostMeta.expand(template, resource: address.resource)) else {
                    return .notRecognised("\(url.absoluteString) has an invalid LRDD template")
                }
                switch await documents.document(at: lrdd, accept: "\(XRD.mediaType), \(JRD.mediaType);q=0.9") {
                case .failure(let failure):
                    return .notRecognised(failure.reason)
                case .success(let (document, source)):
                    let combined = HostMeta.combine(hostMeta: hostMeta, lrdd: document, resource: address.resource)
                    return await identifier.identify(combined, for: address, source: source)
                }
            }
        }
        return .notRecognised(reasons.joined(separator: "; "))
    }
}
