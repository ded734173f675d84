public import Foundation

/// A login: it owns channels.
public struct Account: Sendable, Hashable, Identifiable {
    /// An account's extra powers.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// May administer the hub.
        case admin
    }

    public var id: Int64
    /// Lowercased email address, unique.
    public var email: String
    /// Argon2id hash string; never shown.
    public var passwordHash: String
    public var roles: Set<Role>
    public var created: Date

    public init(id: Int64, email: String, passwordHash: String, roles: Set<Role>, created: Date) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.roles = roles
        self.created = created
    }
}
