import Foundation
import JunctionCore
import JunctionTesting
@testable import JunctionWebFinger
import Testing

/// Client side: every JRD/XRD document of `shared/vectors/webfinger` parses; the RFC 6415
/// conversion, merge and template examples come out as printed; hostile documents fail cleanly.
@Suite("WebFinger documents")
struct DocumentVectorTests {
    static let folder = "vectors/webfinger"

    static func document(_ path: String) throws -> IdentityDocument {
        let data = try SharedData.data("\(folder)/\(path)")
        return path.hasSuffix(".xrd") ? try XRD.decode(data) : try JRD.decode(data)
    }

    static var documentPaths: [String] {
        let names = { (folder: String) in
            ((try? SharedData.files(in: "\(Self.folder)/\(folder)")) ?? [])
                .filter { ($0.hasSuffix(".json") || $0.hasSuffix(".xrd")) && $0 != "index.json" && $0 != "exchanges.json" }
                .map { "\(folder)/\($0)" }
        }
        return names("rfc") + names("realworld")
    }

    @Test("the vector folders hold the documents")
    func present() throws {
        #expect(Self.documentPaths.count == 17)
    }

    @Test("every vector document parses", arguments: documentPaths)
    func parses(_ path: String) throws {
        let document = try Self.document(path)
        #expect(document.subject != nil || !document.links.isEmpty, "\(path) came out empty")
        #expect(document.links.allSatisfy { !$0.rel.isEmpty })
    }

    @Test("real servers' documents are accepted for the address they were asked about and name their stack")
    func realWorldIdentification() throws {
        let expected: [(file: String, query: String, network: String)] = [
            ("mastodon.social-gargron.jrd.json", "gargron@mastodon.social", "activitypub"),
            ("misskey.io-syuilo.jrd.json", "https://misskey.io/@syuilo", "activitypub"),
            ("authorship.studio-scott.hubzilla.jrd.json", "scott@authorship.studio", "activitypub"),
            ("macgirvin.com-mike.streams.jrd.json", "mike@macgirvin.com", "activitypub"),
            ("stereophonic.space-karolat.pleroma.jrd.json", "karolat@stereophonic.space", "activitypub"),
            ("gnusocial.net-administrator.jrd.json", "administrator@gnusocial.net", "activitypub"),
            ("friendi.ca-tobias.jrd.json", "tobias@friendi.ca", "activitypub"),
            ("diaspora-legacy-webfinger.xrd", "user@server.example", "diaspora"),
        ]
        for case let (file, query, network) in expected {
            let document = try Self.document("realworld/\(file)")
            let address = try DiscoveryAddress(query)
            if case .account = address.kind {
                #expect(DocumentIdentifier.isAbout(document, address), "\(file) is not accepted for \(query)")
            }
            let identified = ForeignStacks.identify(DocumentIdentification(address: address, document: document, source: "https://x/"))
            #expect(identified?.0.network == network, "\(file)")
            #expect(identified?.1.host == address.host, "\(file)")
        }
    }

    @Test("a document about someone else is refused")
    func subjectMismatch() throws {
        let document = try Self.document("realworld/mastodon.social-gargron.jrd.json")
        #expect(!DocumentIdentifier.isAbout(document, try DiscoveryAddress("eugen@mastodon.social")))
        #expect(DocumentIdentifier.isAbout(document, try DiscoveryAddress("https://mastodon.social/@Gargron")))
    }

    @Test("RFC 6415 appendix A: the XRD converts to the printed JRD")
    func appendixA() throws {
        let xrd = try Self.document("rfc/rfc6415-appA-example.xrd")
        let jrd = try Self.document("rfc/rfc6415-appA-example.jrd.json")
        #expect(xrd == jrd)
        #expect(xrd.properties["http://blgx.example.net/ns/version"] == .some("1.3"))
        #expect(xrd.properties["http://blgx.example.net/ns/ext"] == .some(nil))
        #expect(xrd.links[1].titles == ["default": "The other author"])
        // And back: what we write reads the same.
        #expect(try XRD.decode(XRD.encode(xrd)) == xrd)
        #expect(try JRD.decode(JRD.encode(xrd)) == xrd)
    }

    @Test("RFC 6415 1.1.1: host-meta and the LRDD document combine as printed")
    func combinedView() throws {
        let combined = HostMeta.combine(hostMeta: try Self.document("rfc/rfc6415-1.1-host-meta.xrd"),
                                        lrdd: try Self.document("rfc/rfc6415-1.1.1-lrdd-xy.xrd"), resource: "http://example.com/xy")
        #expect(combined == (try Self.document("rfc/rfc6415-1.1.1-combined-xy.xrd")))
        #expect(HostMeta.lrddTemplate(in: try Self.document("realworld/diaspora-host-meta.xrd"))?.template
            == "https://example.com/webfinger?q={uri}")
    }

    @Test("RFC 6415 template expansion matches the printed examples")
    func templates() throws {
        let exchanges = try SharedData.json("\(Self.folder)/rfc/exchanges.json")
        let cases = try #require(exchanges["rfc6415_template_expansion"] as? [[String: Any]])
        #expect(cases.count >= 4)
        for example in cases {
            let template = try #require(example["template"] as? String)
            let input = try #require(example["input_uri"] as? String)
            #expect(HostMeta.expand(template, resource: input) == example["output"] as? String)
        }
    }

    @Test("malformed, hostile and misdirected documents end in a clear error")
    func badDocuments() throws {
        #expect(throws: WebFingerError.self) { try JRD.decode(Data("not json".utf8)) }
        #expect(throws: WebFingerError.self) { try JRD.decode(Data("[1,2]".utf8)) }
        #expect(throws: WebFingerError.self) { try XRD.decode(Data("<html><body>hi</body></html>".utf8)) }
        #expect(throws: WebFingerError.self) { try XRD.decode(Data()) }
        #expect(throws: WebFingerError.self) { try XRD.decode(Data(repeating: 0x41, count: 2 << 20)) }

        let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE XRD [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
        \((1...12).map { "<!ENTITY l\($0) \"\(String(repeating: $0 == 1 ? "&a;" : "&l\($0 - 1);", count: 10))\">" }.joined(separator: "\n"))]>
        <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Subject>&l12;</Subject></XRD>
        """
        let started = ContinuousClock.now
        let bomb = try? XRD.decode(Data(laughs.utf8))
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect((bomb?.subject?.utf8.count ?? 0) <= 64 * 1024)

        let external = """
        <?xml version="1.0"?>
        <!DOCTYPE XRD [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Subject>acct:x@y.example&secret;</Subject></XRD>
        """
        let read = try? XRD.decode(Data(external.utf8))
        #expect(read?.subject?.contains("root:") != true)
    }
}
