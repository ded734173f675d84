import Foundation
import JunctionCore

/// Fetches WebFinger, host-meta and LRDD documents with the hub's fetcher and reads them as
/// JRD or XRD by their media type.
struct DocumentFetcher: Sendable {
    /// The largest document accepted.
    static let maximumBytes = 256 * 1024
    /// Redirects followed per document.
    static let maximumRedirects = 3

    let fetcher: any Fetcher
    /// The deadline for one document, redirects included.
    let timeout: Duration

    /// The scheme to reach `host` with: `https`, or plain `http` for loopback and private hosts
    /// when the operator allows private networks (development hubs).
    func scheme(for host: String) -> String {
        fetcher.allowsPrivateNetwork && NetworkAddress.isPrivateOrLoopback(host: hostName(host)) ? "http" : "https"
    }

    /// The document at `url`, or why there is none.
    func document(at url: URL, accept: String) async -> Result<(IdentityDocument, URL), Failure> {
        let response: FetchResponse
        do {
            response = try await fetcher.fetch(FetchRequest(url: url, accept: accept, maximumBytes: Self.maximumBytes,
                                                            timeout: timeout, maximumRedirects: Self.maximumRedirects))
        } catch {
            return .failure(Failure(error.message))
        }
        if url.scheme == "https", response.url.scheme != "https" {
            return .failure(Failure("\(url.absoluteString) redirected to a plain http URL (RFC 7033 4.2 requires https)"))
        }
        guard response.status == 200 else {
            return .failure(Failure("\(url.absoluteString) answered HTTP \(response.status)"))
        }
        let mediaType = response.mediaType ?? ""
        do throws(WebFingerError) {
            switch mediaType {
            case JRD.mediaType, "application/json":
                return .success((try JRD.decode(response.body), response.url))
            case XRD.mediaType, "application/xml", "text/xml":
                return .success((try XRD.decode(response.body), response.url))
            default:
                return .failure(Failure("\(url.absoluteString) answered with \(mediaType.isEmpty ? "no content type" : mediaType), not JRD or XRD"))
            }
        } catch {
            return .failure(Failure("\(url.absoluteString): \(error)"))
        }
    }

    private func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<close]) }
        return host.split(separator: ":").first.map(String.init) ?? host
    }

    struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
