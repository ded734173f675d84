public import Foundation

/// Stored accounts.
public protocol AccountRecords: Sendable {
    /// Inserts an account; throws `conflict` when the email is taken.
    func insertAccount(email: EmailAddress, passwordHash: String, roles: Set<Account.Role>, created: Date) async throws -> Account
    func account(id: Int64) async throws -> Account?
    func account(email: EmailAddress) async throws -> Account?
    /// All accounts, oldest first.
    func accounts() async throws -> [Account]
}
