import Crypto
import Foundation
import HTTPTypes

/// `X-Hub-Signature: METHOD=HEX`, the HMAC of a WebSub content distribution's body keyed with
/// the subscriber's secret (WebSub §8).
enum HubSignature {
    static let header = "X-Hub-Signature"
    static let field = HTTPField.Name(header)!

    /// The header value for `body` signed with `secret`: always `sha256`.
    static func sign(_ body: Data, secret: String) -> String {
        "sha256=" + Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// True when `header` is a valid signature of `body` with `secret`, in any method WebSub names.
    static func verify(_ header: String, body: Data, secret: String) -> Bool {
        let parts = header.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        let key = SymmetricKey(data: Data(secret.utf8))
        let expected: String
        switch parts[0].lowercased() {
        case "sha1": expected = Hex.encode(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key))
        case "sha256": expected = Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: key))
        case "sha384": expected = Hex.encode(HMAC<SHA384>.authenticationCode(for: body, using: key))
        case "sha512": expected = Hex.encode(HMAC<SHA512>.authenticationCode(for: body, using: key))
        default: return false
        }
        let given = Array(parts[1].lowercased().utf8)
        let wanted = Array(expected.utf8)
        guard given.count == wanted.count else { return false }
        return zip(given, wanted).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0  // constant time
    }
}
