import ArgumentParser
import Foundation
import JunctionCore

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Create and list accounts.",
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; the password is read from the first line of standard input."
        )

        @OptionGroup var hub: HubOptions

        @Argument(help: "The account's email address.")
        var email: String

        @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
        var passwordStdin = false

        @Flag(help: "Make the account a hub administrator.")
        var admin = false

        func run() async throws {
            guard passwordStdin else {
                throw ValidationError("a password is required: pass --password-stdin and write it to standard input")
            }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw JunctionError.invalidInput("no password on standard input")
            }
            let account = try await hub.withStore { store, _ in
                try await store.createAccount(email: email, password: password, roles: admin ? [.admin] : [])
            }
            print("created account \(account.id) \(account.email)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")

        @OptionGroup var hub: HubOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let rows = try await hub.withStore { store, _ in
                try await store.read { session in
                    var rows: [AccountRow] = []
                    for account in try await session.accounts() {
                        let channels = try await session.channels(accountID: account.id).map(\.handle.rawValue)
                        rows.append(AccountRow(id: account.id, email: account.email, roles: account.roles.map(\.rawValue).sorted(),
                                               channels: channels, created: account.created))
                    }
                    return rows
                }
            }
            if json { return try printJSON(rows) }
            printTable(["ID", "EMAIL", "ROLES", "CHANNELS"], rows.map {
                ["\($0.id)", $0.email, $0.roles.joined(separator: ","), $0.channels.joined(separator: ",")]
            })
        }
    }

    struct AccountRow: Encodable, Sendable {
        let id: Int64
        let email: String
        let roles: [String]
        let channels: [String]
        let created: Date
    }
}
