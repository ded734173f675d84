/// A hub's public name: a host with an optional port (`social.example`, `127.0.0.1:8081`).
///
/// A domain with a port is valid everywhere a domain is, so several hubs can share a machine.
/// Plain `http` is used only for loopback hosts; everything else is `https`.
public struct HubDomain: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The host name or IP literal, lowercased (IPv6 without brackets).
    public let host: String
    /// The port, when not the scheme's default.
    public let port: Int?

    public init(_ text: String) throws(JunctionError) {
        let (host, port) = try Self.split(text.lowercased(), original: text)
        guard !host.isEmpty, host.utf8.count <= 253 else {
            throw .invalidInput("domain '\(text.prefix(80))' has no host")
        }
        if !host.contains(":") {
            let allowed = host.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
            guard allowed, !host.hasPrefix("."), !host.hasSuffix("."), !host.contains("..") else {
                throw .invalidInput("domain '\(text.prefix(80))' is not a valid host name")
            }
        }
        self.host = host
        self.port = port
    }

    private static func split(_ text: String, original: String) throws(JunctionError) -> (String, Int?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidInput("domain '\(original.prefix(80))' has an unclosed '['")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { throw .invalidInput("domain '\(original.prefix(80))' is malformed") }
            return (host, try port(String(rest.dropFirst()), original: original))
        }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: return (text, nil)
        case 2: return (String(pieces[0]), try port(String(pieces[1]), original: original))
        default: throw .invalidInput("domain '\(original.prefix(80))' is malformed (IPv6 literals go in brackets)")
        }
    }

    private static func port(_ text: String, original: String) throws(JunctionError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw .invalidInput("domain '\(original.prefix(80))' has an invalid port")
        }
        return port
    }

    /// `host` or `host:port`, the form used in addresses (`jane@host:port`).
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(shownHost):\($0)" } ?? shownHost
    }

    /// True for `localhost`, `*.localhost` and loopback IP literals.
    public var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    /// The scheme this hub's URLs use: `http` for loopback domains, `https` otherwise.
    public var scheme: String { isLoopback ? "http" : "https" }

    /// The base URL of the hub, without a trailing slash.
    public var baseURL: String { "\(scheme)://\(description)" }

    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
