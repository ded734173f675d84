public import AsyncHTTPClient
public import Foundation
public import JunctionCore
import Logging
public import NIOCore
import NIOPosix
import NIOHTTP1

/// The built-in `post` queue driver: an HTTP POST of the entry's payload, signed with the
/// hub's site key (RFC 9421, Ed25519) over the method, target URI, content type and
/// Content-Digest (RFC 9530).
///
/// Status mapping: 2xx delivered; 408, 425, 429 and 5xx retry (honouring `Retry-After`); other
/// 4xx refused; timeouts and refused connections retry; a host that does not resolve is refused.
public struct PostQueueDriver: QueueDriver {
    let client: HTTPClient
    let siteKey: SigningKey
    let keyID: String
    let outboundGuard: OutboundGuard
    let timeout: TimeAmount

    /// The configuration of the client deliveries are posted with: the fetcher's bounded
    /// connect and read times and no redirects (``HTTPFetcher/clientConfiguration``), without
    /// its decompression. A delivery's answer is read only for its status, and the decompressor
    /// in every connection's pipeline cost the queue some 7% of its rate.
    public static var clientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPFetcher.clientConfiguration
        configuration.decompression = .disabled
        return configuration
    }

    /// - Parameters:
    ///   - client: best made with ``clientConfiguration``.
    ///   - keyID: what receivers look the site key up by (the hub's base URL).
    public init(client: HTTPClient, siteKey: SigningKey, keyID: String, allowPrivateNetwork: Bool, timeout: TimeAmount = .seconds(30)) {
        self.client = client
        self.siteKey = siteKey
        self.keyID = keyID
        outboundGuard = OutboundGuard(allowPrivateNetwork: allowPrivateNetwork)
        self.timeout = timeout
    }

    public func deliver(_ entry: QueueEntry) async -> DeliveryOutcome {
        guard let url = URL(string: entry.endpoint) else { return .refused("endpoint \(entry.endpoint) is not a URL") }
        do {
            try await outboundGuard.check(url)
        } catch {
            return .refused("endpoint \(entry.endpoint): \(error.message)")
        }
        let host = url.host ?? entry.endpoint
        do {
            var request = HTTPClientRequest(url: entry.endpoint)
            request.method = .POST
            let digest = HTTPMessageSignature.contentDigest(entry.payload)
            var headers: [(name: String, value: String)] = [("Content-Type", entry.contentType), ("Content-Digest", digest)]
            let message = try HTTPMessageSignature.Message(method: "POST", url: url, headers: headers)
            let (input, signature) = try HTTPMessageSignature.sign(message, keyID: keyID, key: siteKey)
            headers += [("Signature-Input", input), ("Signature", signature), ("User-Agent", "Junction")]
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: entry.payload))
            let response = try await client.execute(request, timeout: timeout)
            // Read (a little of) the body so the connection can be reused; its content is not needed.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return Self.outcome(status: response.status, retryAfter: response.headers.first(name: "Retry-After"))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .retry("timed out", after: nil)
        } catch let error as NIOConnectionError {
            if error.dnsAAAAError != nil || error.dnsAError != nil, error.connectionErrors.isEmpty {
                return .refused("host \(host) does not resolve")
            }
            return .retry("cannot connect to \(host)", after: nil)
        } catch {
            return .retry("\(error)", after: nil)
        }
    }

    static func outcome(status: HTTPResponseStatus, retryAfter: String?) -> DeliveryOutcome {
        switch status.code {
        case 200..<300:
            return .delivered
        case 408, 425, 429, 500..<600:
            return .retry("HTTP \(status.code)", after: retryAfter.flatMap(Self.retryAfterSeconds))
        default:
            return .refused("HTTP \(status.code)")
        }
    }

    /// `Retry-After` as seconds from now: delta-seconds or an HTTP date.
    public static func retryAfterSeconds(_ value: String) -> TimeInterval? {
        if let seconds = TimeInterval(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}
