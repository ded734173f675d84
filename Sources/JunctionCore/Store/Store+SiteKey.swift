public import Foundation

extension Store {
    /// The hub's Ed25519 key, generated and stored on first call (first start).
    @discardableResult
    public func ensureSiteKey() async throws -> SigningKey {
        if let key = try await siteSigningKey() { return key }
        let fresh = SigningKey()
        return try await write { session in
            // Another process may have won the race; keep whichever key was stored first.
            if let stored = try await session.configValue(.site, family: SiteKeyConfig.family, key: SiteKeyConfig.privateKey) {
                return try SiteKeyConfig.decode(stored)
            }
            try await session.setConfigValue(.site, family: SiteKeyConfig.family, key: SiteKeyConfig.privateKey,
                                             value: fresh.rawRepresentation.base64EncodedString())
            try await session.setConfigValue(.site, family: SiteKeyConfig.family, key: SiteKeyConfig.publicKey,
                                             value: fresh.publicKey.base64)
            return fresh
        }
    }

    /// The hub's signing key, if one was generated.
    public func siteSigningKey() async throws -> SigningKey? {
        try await read { session in
            try await session.configValue(.site, family: SiteKeyConfig.family, key: SiteKeyConfig.privateKey)
                .map(SiteKeyConfig.decode)
        }
    }

    /// The hub's public key, if one was generated.
    public func sitePublicKey() async throws -> SigningKey.PublicKey? {
        try await read { session in
            try await session.configValue(.site, family: SiteKeyConfig.family, key: SiteKeyConfig.publicKey)
                .map { try SigningKey.PublicKey(base64: $0) }
        }
    }
}

/// Where the site key lives in `config`.
enum SiteKeyConfig {
    static let family = "system"
    static let privateKey = "site_ed25519_private"
    static let publicKey = "site_ed25519_public"

    static func decode(_ stored: String) throws -> SigningKey {
        guard let data = Data(base64Encoded: stored) else {
            throw JunctionError(.storage, "the stored site key is corrupt")
        }
        return try SigningKey(rawRepresentation: data)
    }
}
