import JunctionCore
import Testing

@Suite("Handles, emails and domains")
struct IdentityTests {
    @Test(arguments: ["jane", "j2", "jane_doe", "a234567890123456789012345678901234567890123456789012345678901234"])
    func validHandles(_ text: String) throws {
        #expect(try Handle(text).rawValue == text)
    }

    @Test(arguments: ["", "j", "Jane", "2jane", "_jane", "jane-doe", "jane.doe", "jané", "jane doe",
                      "a2345678901234567890123456789012345678901234567890123456789012345"])
    func invalidHandles(_ text: String) {
        #expect(throws: JunctionError.self) { try Handle(text) }
    }

    @Test func emailsAreLowercased() throws {
        #expect(try EmailAddress("Jane@Example.COM").rawValue == "jane@example.com")
    }

    @Test(arguments: ["", "jane", "@example.com", "jane@", "ja ne@example.com", "jane@exa..mple.com", "jane@@example.com",
                      "jane@-example.com", "<jane>@example.com"])
    func invalidEmails(_ text: String) {
        #expect(throws: JunctionError.self) { try EmailAddress(text) }
    }

    @Test func domains() throws {
        let plain = try HubDomain("Social.Example")
        #expect(plain.description == "social.example")
        #expect(plain.baseURL == "https://social.example")
        let local = try HubDomain("127.0.0.1:8081")
        #expect(local.port == 8081 && local.isLoopback && local.baseURL == "http://127.0.0.1:8081")
        #expect(try HubDomain("localhost:8080").baseURL == "http://localhost:8080")
        let v6 = try HubDomain("[::1]:9000")
        #expect(v6.host == "::1" && v6.port == 9000 && v6.description == "[::1]:9000" && v6.isLoopback)
    }

    @Test(arguments: ["", ":80", "host:0", "host:70000", "host:port", "ho st", "a..b", "x:1:2", "[::1"])
    func invalidDomains(_ text: String) {
        #expect(throws: JunctionError.self) { try HubDomain(text) }
    }
}
