import ArgumentParser
import JunctionCore
import JunctionStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the database schema up to date and generate the hub's key if missing."
    )

    @OptionGroup var hub: HubOptions

    func run() async throws {
        let version = try await hub.withStore { store, _ in
            try await store.ensureSiteKey()
            return try await HubDatabase.schemaVersion(of: store)
        }
        print("database schema is at version \(version)")
    }
}
