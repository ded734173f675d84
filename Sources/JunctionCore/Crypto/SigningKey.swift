public import Foundation
import Crypto

/// An Ed25519 private key of the hub (site) or of a channel.
///
/// It stays inside the store and the process: it has no `Codable` conformance and its
/// description never shows the key material.
public struct SigningKey: Sendable, CustomStringConvertible {
    private let key: Curve25519.Signing.PrivateKey

    /// Generates a new random key.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// Restores a key from its 32-byte raw representation, as the store keeps it.
    public init(rawRepresentation: Data) throws(JunctionError) {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
        } catch {
            throw JunctionError(.storage, "a stored private key is corrupt")
        }
    }

    /// The raw key bytes, for the store only.
    public var rawRepresentation: Data { key.rawRepresentation }

    /// The matching public key.
    public var publicKey: PublicKey { PublicKey(key.publicKey) }

    /// Signs `data` (Ed25519, 64-byte signature).
    public func signature(for data: some DataProtocol) throws -> Data {
        try key.signature(for: data)
    }

    public var description: String { "SigningKey(public: \(publicKey.base64))" }

    /// An Ed25519 public key.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        private let key: Curve25519.Signing.PublicKey

        fileprivate init(_ key: Curve25519.Signing.PublicKey) { self.key = key }

        /// Restores a public key from its 32 raw bytes.
        public init(rawRepresentation: Data) throws(JunctionError) {
            do {
                key = try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
            } catch {
                throw .invalidInput("not an Ed25519 public key (expected 32 bytes)")
            }
        }

        /// Restores a public key from standard base64.
        public init(base64: String) throws(JunctionError) {
            guard let data = Data(base64Encoded: base64) else {
                throw .invalidInput("public key is not valid base64")
            }
            try self.init(rawRepresentation: data)
        }

        public var rawRepresentation: Data { key.rawRepresentation }
        /// Standard base64 of the raw key, the form published and stored.
        public var base64: String { rawRepresentation.base64EncodedString() }

        /// True when `signature` is a valid Ed25519 signature of `data` by this key.
        public func isValidSignature(_ signature: some DataProtocol, for data: some DataProtocol) -> Bool {
            key.isValidSignature(signature, for: data)
        }

        public var description: String { base64 }
        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
    }
}
