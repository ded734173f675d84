public import Foundation

/// An address a user typed, checked and normalised for discovery.
///
/// Accepted forms: `jane@social.example`, `acct:jane@social.example`, `@jane@social.example`
/// (ports allowed: `jane@127.0.0.1:8081`) and absolute URLs with a host (`https://blog.example/`,
/// and other schemes later drivers resolve). Anything else — spaces, control characters,
/// characters outside RFC 7565's user part, a missing host — is refused before any network I/O.
public struct DiscoveryAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `user@host`: the user part as typed, the host lowercased.
        case account(user: String, domain: HubDomain)
        /// An absolute URL with a host.
        case url(URL)
    }

    public let kind: Kind

    /// The longest address accepted.
    public static let maximumLength = 2048

    public init(_ text: String) throws(JunctionError) {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .invalidInput("the address is empty") }
        guard text.utf8.count <= Self.maximumLength else {
            throw .invalidInput("the address is longer than \(Self.maximumLength) bytes")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidInput("the address '\(text.prefix(80))' contains spaces or control characters")
        }
        if text.lowercased().hasPrefix("acct:") { text.removeFirst(5) }
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].hasPrefix("//") {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
                throw .invalidInput("'\(text.prefix(80))' is not a valid URL")
            }
            let port = url.port.map { ":\($0)" } ?? ""
            _ = try HubDomain(host.contains(":") ? "[\(host)]\(port)" : "\(host)\(port)")
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
            components?.scheme = scheme
            components?.host = host.lowercased()
            guard let normalised = components?.url else { throw .invalidInput("'\(text.prefix(80))' is not a valid URL") }
            kind = .url(normalised)
            return
        }
        if text.hasPrefix("@") { text.removeFirst() }
        guard let at = text.lastIndex(of: "@") else {
            throw .invalidInput("'\(text.prefix(80))' is neither user@host nor a URL")
        }
        let user = String(text[..<at])
        guard !user.isEmpty, user.unicodeScalars.allSatisfy(Self.isUserCharacter) else {
            throw .invalidInput("'\(text.prefix(80))' has an invalid user part")
        }
        kind = .account(user: user, domain: try HubDomain(String(text[text.index(after: at)...])))
    }

    /// `user@host[:port]` or the URL: the form shown and stored.
    public var description: String {
        switch kind {
        case .account(let user, let domain): "\(user)@\(domain)"
        case .url(let url): url.absoluteString
        }
    }

    /// The key a lookup is cached under (case-insensitive).
    public var cacheKey: String { description.lowercased() }

    /// The host, with its port when not the default.
    public var host: String {
        switch kind {
        case .account(_, let domain): return domain.description
        case .url(let url): return Self.hostWithPort(of: url) ?? ""
        }
    }

    /// True for `user@host` and http(s) URLs: what WebFinger and host-meta can look up.
    public var isWebResolvable: Bool {
        if case .url(let url) = kind { return url.scheme == "http" || url.scheme == "https" }
        return true
    }

    /// The handle of the local channel this address names on `domain` (`handle@domain` or the
    /// channel's URL), if it names one.
    public func channelHandle(on domain: HubDomain) -> Handle? {
        guard host == domain.description else { return nil }
        switch kind {
        case .account(let user, _):
            return try? Handle(user)
        case .url(let url):
            let path = url.pathComponents
            guard url.scheme == domain.scheme, path.count == 3, path[1] == "channel" else { return nil }
            return try? Handle(path[2])
        }
    }

    /// `host[:port]` of `url`, lowercased, IPv6 literals in brackets: the form of ``host`` and of
    /// hubloc hosts.
    public static func hostWithPort(of url: URL) -> String? {
        guard let host = url.host?.lowercased(), !host.isEmpty else { return nil }
        let shown = host.contains(":") ? "[\(host)]" : host
        return url.port.map { "\(shown):\($0)" } ?? shown
    }

    /// The resource a WebFinger query names: `acct:user@host` or the URL.
    public var resource: String {
        switch kind {
        case .account: "acct:\(description)"
        case .url(let url): url.absoluteString
        }
    }

    /// RFC 7565 `userpart`: unreserved, sub-delims and percent-encoded octets.
    private static func isUserCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "%":
            true
        default:
            false
        }
    }
}
