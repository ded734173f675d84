import Foundation
import JunctionCore
import NIOPosix

/// The check every outbound request passes first, deliveries and fetches alike: an http(s) URL
/// whose host resolves only to public addresses. Loopback, private (RFC 1918/4193),
/// link-local and carrier-grade NAT addresses are refused unless the operator allows private
/// networks.
struct OutboundGuard: Sendable {
    let allowPrivateNetwork: Bool

    /// Throws ``FetchError`` naming why `url` may not be requested.
    func check(_ url: URL) async throws(FetchError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw FetchError(.invalidURL, "\(url.absoluteString) is not an http(s) URL")
        }
        guard !allowPrivateNetwork else { return }
        let addresses = await Self.resolve(host)
        if addresses.isEmpty { throw FetchError(.unknownHost, "\(host) does not resolve") }
        if let address = addresses.first(where: { NetworkAddress.isPrivateOrLoopback(host: $0) }) {
            throw FetchError(.privateAddress, "\(host) is a private or loopback address (\(address)) and private networks are not allowed")
        }
    }

    /// The IP addresses `host` resolves to (the literal itself for an IP literal), looked up on
    /// NIO's blocking-I/O thread pool.
    static func resolve(_ host: String) async -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return await withCheckedContinuation { continuation in
            NIOThreadPool.singleton.submit { _ in
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(bare, nil, &hints, &list) == 0, let first = list else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let entry = cursor {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                        addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
                    }
                    cursor = entry.pointee.ai_next
                }
                continuation.resume(returning: addresses)
            }
        }
    }
}
