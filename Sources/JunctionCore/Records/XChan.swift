public import Foundation
import Crypto

/// Any identity, local or remote, in a network-neutral form.
///
/// The ``hash`` is chosen by the driver that owns the network (a stable hash or a URI) and is
/// the key every other record refers to.
public struct XChan: Sendable, Hashable, Codable {
    public var hash: String
    /// The address people type (`jane@social.example`, a feed URL, a guild address).
    public var address: String
    public var name: String
    /// The network (driver name) that owns this identity: `junction`, `rss`, `ofscp`, `fxgp`…
    public var network: String
    public var photoURL: String?
    /// The profile or home page.
    public var url: String?
    /// The URL to connect to, when the network has one distinct from `url`.
    public var connectURL: String?
    /// Standard base64 of the identity's public key, when the network publishes one.
    public var publicKey: String?
    public var created: Date
    public var updated: Date
    /// Set when the identity was deleted at its origin.
    public var isDeleted: Bool

    public init(
        hash: String, address: String, name: String, network: String, photoURL: String? = nil,
        url: String? = nil, connectURL: String? = nil, publicKey: String? = nil,
        created: Date = Date(), updated: Date = Date(), isDeleted: Bool = false
    ) {
        self.hash = hash
        self.address = address
        self.name = name
        self.network = network
        self.photoURL = photoURL
        self.url = url
        self.connectURL = connectURL
        self.publicKey = publicKey
        self.created = created
        self.updated = updated
        self.isDeleted = isDeleted
    }
}

extension XChan {
    /// The network name of channels hosted by Junction hubs.
    public static let localNetwork = "junction"

    /// The xchan hash of a Junction channel: base64url (unpadded) of SHA-256 of its public key,
    /// so it stays the same if its hub's domain changes.
    public static func localHash(for key: SigningKey.PublicKey) -> String {
        Data(SHA256.hash(data: key.rawRepresentation)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
