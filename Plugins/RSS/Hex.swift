import Crypto
import Foundation

/// Lower-case hexadecimal, as WebSub signatures, secrets and ETags are written.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `count` random bytes from the system's secure generator, in hex (tokens, secrets, challenges).
    static func random(_ count: Int) -> String {
        SymmetricKey(size: .init(bitCount: count * 8)).withUnsafeBytes { encode($0) }
    }
}
