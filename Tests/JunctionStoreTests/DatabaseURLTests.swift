import JunctionCore
import JunctionStore
import Testing

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test func sqlite() throws {
        #expect(try DatabaseURL("sqlite:./data/junction.sqlite").backend == .sqlite(path: "./data/junction.sqlite"))
        #expect(try DatabaseURL("sqlite:///var/lib/junction.sqlite").backend == .sqlite(path: "/var/lib/junction.sqlite"))
    }

    @Test func postgres() throws {
        guard case .postgres(let location) = try DatabaseURL("postgres://hub:p%40ss@db.example:6543/junction?sslmode=require").backend else {
            Issue.record("not postgres")
            return
        }
        #expect(location.host == "db.example" && location.port == 6543 && location.username == "hub")
        #expect(location.password == "p@ss" && location.database == "junction" && location.sslMode == "require")
        #expect(try DatabaseURL("postgres://hub:secret@db/j").description == "postgres://hub:***@db/j")
    }

    @Test(arguments: ["mysql://x", "sqlite:", "postgres://h/db?sslmode=maybe", "junction.sqlite"])
    func invalid(_ text: String) {
        #expect(throws: JunctionError.self) { try DatabaseURL(text) }
    }
}
