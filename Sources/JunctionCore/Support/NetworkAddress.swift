import Foundation

/// Classifies hosts for the outbound guard: loopback, private and link-local addresses are
/// refused unless the operator allows private networks.
public enum NetworkAddress {
    /// True for `localhost` names and loopback, private (RFC 1918, RFC 4193), link-local and
    /// unspecified IP literals.
    public static func isPrivateOrLoopback(host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".").compactMap { UInt8($0) }
        if octets.count == 4, host.split(separator: ".").count == 4 {
            switch (octets[0], octets[1]) {
            case (127, _), (10, _), (0, _): return true
            case (172, 16...31), (192, 168), (169, 254), (100, 64...127): return true
            default: return false
            }
        }
        if host.contains(":") {
            return host == "::1" || host == "::" || host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe80")
                || host.hasPrefix("::ffff:127.") || host.hasPrefix("::ffff:10.") || host.hasPrefix("::ffff:192.168.")
        }
        return false
    }
}
