public import Foundation

/// Where an ``XChan`` is served: one row per location (clones have several, a polled feed none).
public struct HubLoc: Sendable, Hashable, Codable {
    public var id: Int64
    public var xchanHash: String
    public var network: String
    /// The host (with port when not default) deliveries go to; the key of its ``Site``.
    public var host: String
    /// The endpoint deliveries are posted to.
    public var endpoint: String
    /// Standard base64 of the hosting site's public key, when published.
    public var siteKey: String?
    public var isPrimary: Bool
    public var isDeleted: Bool
    public var updated: Date

    public init(
        id: Int64 = 0, xchanHash: String, network: String, host: String, endpoint: String,
        siteKey: String? = nil, isPrimary: Bool = true, isDeleted: Bool = false, updated: Date = Date()
    ) {
        self.id = id
        self.xchanHash = xchanHash
        self.network = network
        self.host = host
        self.endpoint = endpoint
        self.siteKey = siteKey
        self.isPrimary = isPrimary
        self.isDeleted = isDeleted
        self.updated = updated
    }
}
