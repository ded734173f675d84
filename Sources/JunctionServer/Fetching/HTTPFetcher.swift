public import AsyncHTTPClient
import Foundation
public import JunctionCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// The hub's ``Fetcher`` over AsyncHTTPClient.
///
/// Redirects are followed here, not by the client, so that every hop passes the
/// ``OutboundGuard``. Bodies are cut at the request's
/// `maximumBytes`.
public struct HTTPFetcher: Fetcher {
    let client: HTTPClient
    let outboundGuard: OutboundGuard
    public let allowsPrivateNetwork: Bool

    /// - Parameter client: a client that does not follow redirects itself
    ///   (``HTTPFetcher/clientConfiguration``).
    public init(client: HTTPClient, allowPrivateNetwork: Bool) {
        self.client = client
        outboundGuard = OutboundGuard(allowPrivateNetwork: allowPrivateNetwork)
        allowsPrivateNetwork = allowPrivateNetwork
    }

    /// The configuration of the hub's outbound client, for fetches and deliveries alike:
    /// bounded connect and read times, and no automatic redirects, so that every hop passes the
    /// outbound guard.
    public static var clientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        configuration.redirectConfiguration = .disallow
        // gzip and deflate are asked for and undone; the decompressed body is what each
        // request's `maximumBytes` caps, so a compression bomb stops at the cap.
        configuration.decompression = .enabled(limit: .ratio(1000))
        return configuration
    }

    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(request.timeout.components.seconds) * 1_000_000_000
                                                        + request.timeout.components.attoseconds / 1_000_000_000)
        var url = request.url
        var method = request.method
        var permanent: [URL] = []
        for _ in 0...request.maximumRedirects {
            try await outboundGuard.check(url)
            var http = HTTPClientRequest(url: url.absoluteString)
            http.method = HTTPMethod(rawValue: method)
            if method != "GET", let body = request.body {
                http.body = .bytes(ByteBuffer(data: body))
                if let contentType = request.contentType { http.headers.add(name: "Content-Type", value: contentType) }
            }
            http.headers.add(name: "Accept", value: request.accept)
            http.headers.add(name: "User-Agent", value: "Junction")
            for (name, value) in request.headers { http.headers.add(name: name, value: value) }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(http, deadline: deadline)
            } catch {
                throw Self.describe(error, url: url)
            }
            let status = Int(response.status.code)
            if [301, 302, 303, 307, 308].contains(status), let location = response.headers.first(name: "Location") {
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                    throw FetchError(.invalidURL, "\(url.absoluteString) redirects to an invalid URL")
                }
                if status == 301 || status == 308 { permanent.append(next) }
                if status == 303 { method = "GET" }
                url = next
                continue
            }
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: request.maximumBytes)
            } catch is NIOTooManyBytesError {
                throw FetchError(.tooLarge, "\(url.absoluteString) answered with more than \(request.maximumBytes / 1024) KiB")
            } catch {
                throw Self.describe(error, url: url)
            }
            return FetchResponse(status: status, headers: response.headers.map { ($0.name, $0.value) },
                                 body: Data(buffer: body), url: url, permanentRedirects: permanent)
        }
        throw FetchError(.tooManyRedirects, "\(request.url.absoluteString) redirects more than \(request.maximumRedirects) times")
    }

    private static func describe(_ error: any Error, url: URL) -> FetchError {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return FetchError(.timedOut, "\(url.absoluteString) did not answer in time")
        }
        if let error = error as? NIOConnectionError, error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            return FetchError(.unknownHost, "\(url.host ?? url.absoluteString) does not resolve")
        }
        if error is NIOTooManyBytesError || error is NIOHTTPDecompression.DecompressionError
            || (error as? HTTPClientError) == .bodyLengthMismatch {
            return FetchError(.tooLarge, "\(url.absoluteString) sent more than the hub accepts")
        }
        return FetchError(.connectionFailed, "cannot fetch \(url.absoluteString): \(error)")
    }
}
