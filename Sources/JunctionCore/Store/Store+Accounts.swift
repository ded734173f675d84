public import Foundation

extension Store {
    /// Creates an account after checking the email and password rules; the password is stored
    /// as an Argon2id hash, computed off the cooperative threads.
    public func createAccount(email: String, password: String, roles: Set<Account.Role> = [], now: Date = Date()) async throws -> Account {
        let address = try EmailAddress(email)
        let hash = try await runBlocking { try PasswordHasher.hash(password) }
        return try await write { session in
            if try await session.account(email: address) != nil {
                throw JunctionError.conflict("an account with email \(address) already exists")
            }
            return try await session.insertAccount(email: address, passwordHash: hash, roles: roles, created: now)
        }
    }

    /// The account when `password` matches, nil otherwise (unknown email or wrong password).
    public func authenticate(email: String, password: String) async throws -> Account? {
        guard let address = try? EmailAddress(email),
              let account = try await read({ try await $0.account(email: address) })
        else { return nil }
        let hash = account.passwordHash
        return try await runBlocking { PasswordHasher.verify(password, against: hash) } ? account : nil
    }
}
