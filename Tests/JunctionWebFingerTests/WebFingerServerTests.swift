import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionCore
import JunctionServer
import JunctionTesting
@testable import JunctionWebFinger
import Testing

/// Server side: the RFC 7033/6415 exchanges of `shared/vectors/webfinger/rfc/exchanges.json`
/// answered for this hub's channels.
@Suite("WebFinger serving", .timeLimit(.minutes(2)))
struct WebFingerServerTests {
    static func body(_ response: TestResponse) -> Data { Data(response.body.readableBytesView) }

    @Test("the RFC exchanges for acct: resources: 200, CORS, application/jrd+json, rel filtering keeps aliases and properties")
    func exchanges() async throws {
        let exchanges = try #require(try SharedData.json("vectors/webfinger/rfc/exchanges.json")["exchanges"] as? [[String: Any]])
        struct Exchange: Sendable {
            let target: String
            let status: Int
            let headers: [String: String]
            let printed: IdentityDocument
        }
        let acctExchanges = try exchanges.compactMap { exchange -> Exchange? in
            guard let target = (exchange["request"] as? [String: Any])?["target"] as? String, target.contains("acct%3A"),
                  let response = exchange["response"] as? [String: Any], response["status"] as? Int == 200,
                  let file = response["body_file"] as? String, let headers = response["headers"] as? [String: String]
            else { return nil }
            return Exchange(target: target, status: 200, headers: headers,
                            printed: try JRD.decode(try SharedData.data("vectors/webfinger/rfc/\(file)")))
        }
        #expect(acctExchanges.count == 2)
        try await Hub.withApp { runtime, client in
            _ = try await Hub.channel("carol", in: runtime)
            _ = try await Hub.channel("bob", in: runtime)
            for exchange in acctExchanges {
                let (target, printed) = (exchange.target, exchange.printed)
                try await client.execute(uri: target, method: .get) { response in
                    #expect(response.status.code == exchange.status)
                    for (name, value) in exchange.headers {
                        #expect(response.headers[HTTPField.Name(name)!] == value, "\(name) for \(target)")
                    }
                    let served = try JRD.decode(Self.body(response))
                    #expect(served.subject == printed.subject)
                    let rels = Set(URLComponents(string: target)!.queryItems!.filter { $0.name == "rel" }.compactMap(\.value))
                    #expect(!rels.isEmpty)
                    #expect(served.links.allSatisfy { rels.contains($0.rel) })
                    #expect(served.aliases == ["https://example.com/channel/\(printed.subject!.dropFirst(5).split(separator: "@")[0])"])
                    #expect(served.name != nil)
                }
            }
        }
    }

    @Test("a channel's document: aliases, profile page, the Junction link with both keys, by acct: or by its URL, JRD or XRD")
    func channelDocument() async throws {
        try await Hub.withApp { runtime, client in
            let jane = try await Hub.channel("jane", in: runtime)
            var byAcct = IdentityDocument()
            try await client.execute(uri: "/.well-known/webfinger?resource=acct%3Ajane%40example.com", method: .get) { response in
                #expect(response.status == .ok)
                byAcct = try JRD.decode(Self.body(response))
            }
            #expect(byAcct.subject == "acct:jane@example.com")
            #expect(byAcct.profilePage == "https://example.com/channel/jane")
            #expect(byAcct.name == "Jane")
            let junction = try #require(byAcct.link(IdentityLink.Rel.junction))
            #expect(junction.properties[IdentityLink.Rel.channelKey] == .some(jane.publicKey.base64))
            #expect(junction.properties[IdentityLink.Rel.siteKey] == .some(runtime.registration.siteKey.base64))

            try await client.execute(uri: "/.well-known/webfinger?resource=https%3A%2F%2Fexample.com%2Fchannel%2Fjane", method: .get) { response in
                #expect(response.status == .ok)
                let served: IdentityDocument = try JRD.decode(Self.body(response))
                #expect(served == byAcct)
            }
            try await client.execute(uri: "/.well-known/webfinger?resource=acct:jane@example.com", method: .get,
                                     headers: [.accept: XRD.mediaType]) { response in
                #expect(response.headers[.contentType] == XRD.mediaType)
                let served: IdentityDocument = try XRD.decode(Self.body(response))
                #expect(served == byAcct)
            }
            try await client.execute(uri: "/.well-known/webfinger?resource=acct:jane@example.com&rel=\(IdentityLink.Rel.profilePage)",
                                     method: .get) { response in
                let served: IdentityDocument = try JRD.decode(Self.body(response))
                #expect(served.links.map(\.rel) == [IdentityLink.Rel.profilePage])
            }
        }
    }

    @Test("missing or malformed resources are 400, unknown ones 404, each a JSON error with the CORS header")
    func errors() async throws {
        try await Hub.withApp { runtime, client in
            _ = try await Hub.channel("jane", in: runtime)
            let cases: [(String, HTTPResponse.Status)] = [
                ("/.well-known/webfinger", .badRequest),
                ("/.well-known/webfinger?resource=", .badRequest),
                ("/.well-known/webfinger?resource=jane", .badRequest),
                ("/.well-known/webfinger?resource=acct%3Aja%20ne%40example.com", .badRequest),
                ("/.well-known/webfinger?resource=acct%3A%40example.com", .badRequest),
                ("/.well-known/webfinger?resource=acct%3Ajane%40example.com%3A99999", .badRequest),
                ("/.well-known/webfinger?resource=acct%3Anobody%40example.com", .notFound),
                ("/.well-known/webfinger?resource=acct%3Ajane%40elsewhere.example", .notFound),
                ("/.well-known/webfinger?resource=https%3A%2F%2Fexample.com%2Fabout", .notFound),
            ]
            for (target, status) in cases {
                try await client.execute(uri: target, method: .get) { response in
                    #expect(response.status == status, "\(target)")
                    #expect(response.headers[.accessControlAllowOrigin] == "*", "\(target)")
                    let object = try JSONSerialization.jsonObject(with: Self.body(response)) as? [String: Any]
                    #expect((object?["error"] as? [String: Any])?["message"] is String, "\(target)")
                }
            }
        }
    }

    @Test("host-meta and host-meta.json carry the LRDD template of the WebFinger endpoint")
    func hostMeta() async throws {
        try await Hub.withApp { _, client in
            for (path, type) in [("/.well-known/host-meta", XRD.mediaType), ("/.well-known/host-meta.json", JRD.mediaType)] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == type)
                    #expect(response.headers[.accessControlAllowOrigin] == "*")
                    let document = type == XRD.mediaType ? try XRD.decode(Self.body(response)) : try JRD.decode(Self.body(response))
                    #expect(HostMeta.lrddTemplate(in: document)?.template == "https://example.com/.well-known/webfinger?resource={uri}")
                }
            }
        }
    }
}
