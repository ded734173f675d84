import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: AccountRecords {
    func insertAccount(email: EmailAddress, passwordHash: String, roles: Set<Account.Role>, created: Date) async throws -> Account {
        let rolesText = roles.map(\.rawValue).sorted().joined(separator: ",")
        let row = try await unique("an account with email \(email) already exists") {
            try await db.raw("""
                INSERT INTO account (email, password_hash, roles, created)
                VALUES (\(bind: email.rawValue), \(bind: passwordHash), \(bind: rolesText), \(bind: created.millisecondsSince1970))
                RETURNING id
                """).first()
        }
        guard let row else { throw JunctionError(.storage, "the database did not return the new account") }
        return Account(id: try row.value("id"), email: email.rawValue, passwordHash: passwordHash, roles: roles,
                       created: Date(millisecondsSince1970: created.millisecondsSince1970))
    }

    func account(id: Int64) async throws -> Account? {
        try await db.raw("SELECT * FROM account WHERE id = \(bind: id)").first().map(Self.account)
    }

    func account(email: EmailAddress) async throws -> Account? {
        try await db.raw("SELECT * FROM account WHERE email = \(bind: email.rawValue)").first().map(Self.account)
    }

    func accounts() async throws -> [Account] {
        try await db.raw("SELECT * FROM account ORDER BY id").all().map(Self.account)
    }

    private static func account(_ row: any SQLRow) throws -> Account {
        let roles = try row.value("roles", String.self).split(separator: ",").compactMap { Account.Role(rawValue: String($0)) }
        return Account(id: try row.value("id"), email: try row.value("email"), passwordHash: try row.value("password_hash"),
                       roles: Set(roles), created: try row.date("created"))
    }
}
