import Foundation
@testable import JunctionCore
import JunctionTesting
import Testing

/// RFC 9421 Appendix B vectors from `shared/vectors/rfc9421.json`.
@Suite("HTTP message signatures (RFC 9421)")
struct HTTPMessageSignatureTests {
    nonisolated(unsafe) static let vectors: [String: Any] = (try? SharedData.json("vectors/rfc9421.json")) ?? [:]

    static func message(_ object: [String: Any], extraHeaders: [(String, String)] = []) -> HTTPMessageSignature.Message {
        let headers = (object["headers"] as? [[String]] ?? []).map { (name: $0[0], value: $0[1]) } + extraHeaders.map { (name: $0.0, value: $0.1) }
        let target = object["request_target"] as? String ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        var status: Int?
        if let start = object["start_line"] as? String, start.hasPrefix("HTTP/") {
            status = Int(start.split(separator: " ")[1])
        }
        return .init(method: object["method"] as? String ?? "", scheme: object["scheme"] as? String ?? "https",
                     authority: object["authority"] as? String ?? "", path: parts.first ?? "/",
                     query: parts.count > 1 ? parts[1] : nil, status: status, headers: headers)
    }

    static func ed25519Key() throws -> SigningKey {
        let keys = try #require(vectors["keys"] as? [String: Any])
        let hex = try #require((keys["test-key-ed25519"] as? [String: Any])?["raw_private_seed_hex"] as? String)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return try SigningKey(rawRepresentation: Data(bytes))
    }

    @Test("the vectors are present")
    func vectorsPresent() throws {
        _ = try SharedData.json("vectors/rfc9421.json")
        #expect((Self.vectors["cases"] as? [Any])?.count == 6)
    }

    @Test("signature bases of every Appendix B.2 case")
    func signatureBases() throws {
        let messages = try #require(Self.vectors["messages"] as? [String: [String: Any]])
        for case let vector as [String: Any] in Self.vectors["cases"] as? [Any] ?? [] {
            let message = Self.message(try #require(messages[vector["message"] as? String ?? ""]))
            let input = try #require(vector["signature_input_header"] as? String)
            let label = try #require(vector["label"] as? String)
            let base = try HTTPMessageSignature.signatureBase(message, signatureInput: input, label: label)
            #expect(base == vector["signature_base"] as? String, "\(vector["id"] ?? "")")
        }
    }

    @Test("Ed25519 (B.2.6) signs byte for byte and verifies")
    func ed25519() async throws {
        let key = try Self.ed25519Key()
        let messages = try #require(Self.vectors["messages"] as? [String: [String: Any]])
        let vector = try #require((Self.vectors["cases"] as? [[String: Any]])?.first { $0["id"] as? String == "B.2.6" })
        let base = try #require(vector["signature_base"] as? String)
        #expect(try key.signature(for: Data(base.utf8)).base64EncodedString() == vector["signature_b64"] as? String)

        let signed = Self.message(try #require(messages["test-request"]), extraHeaders: [
            ("Signature-Input", try #require(vector["signature_input_header"] as? String)),
            ("Signature", try #require(vector["signature_header"] as? String)),
        ])
        let verified = try await HTTPMessageSignature.verify(signed, publicKey: { $0 == "test-key-ed25519" ? key.publicKey : nil }, maximumAge: nil)
        #expect(verified.keyID == "test-key-ed25519")
        await #expect(throws: HTTPMessageSignature.SignatureError.self) {
            try await HTTPMessageSignature.verify(signed, publicKey: { _ in SigningKey().publicKey }, maximumAge: nil)
        }
        await #expect(throws: HTTPMessageSignature.SignatureError.self) {
            try await HTTPMessageSignature.verify(signed, publicKey: { _ in key.publicKey })  // created in 2021: too old
        }
    }

    @Test("B.4: allowed transformations keep the signature valid, others break it")
    func transformations() async throws {
        let key = try Self.ed25519Key()
        let transformations = try #require(Self.vectors["transformations"] as? [String: Any])
        let variants = try #require(transformations["variants"] as? [[String: Any]])
        #expect(variants.count >= 2)
        for variant in variants {
            let message = Self.message(try #require(variant["message"] as? [String: Any]))
            let expected = try #require(variant["signature_valid"] as? Bool)
            let valid = (try? await HTTPMessageSignature.verify(message, publicKey: { _ in key.publicKey }, maximumAge: nil)) != nil
            #expect(valid == expected, "\(variant["description"] ?? "")")
        }
    }

    @Test("a hub's own signature round-trips with Content-Digest")
    func roundTrip() async throws {
        let key = SigningKey()
        let body = Data(#"{"hello":"world"}"#.utf8)
        let digest = HTTPMessageSignature.contentDigest(body)
        #expect(HTTPMessageSignature.contentDigestMatches(digest, body: body))
        #expect(!HTTPMessageSignature.contentDigestMatches(digest, body: Data("other".utf8)))
        let url = try #require(URL(string: "http://127.0.0.1:8081/inbox?x=1"))
        var message = try HTTPMessageSignature.Message(method: "POST", url: url, headers: [("Content-Type", "application/json"), ("Content-Digest", digest)])
        let (input, signature) = try HTTPMessageSignature.sign(message, keyID: "https://hub.example/site", key: key)
        message.headers += [("Signature-Input", input), ("Signature", signature)]
        let verified = try await HTTPMessageSignature.verify(message, requiredComponents: HTTPMessageSignature.deliveryComponents,
                                                             publicKey: { $0 == "https://hub.example/site" ? key.publicKey : nil })
        #expect(verified.coveredComponents == HTTPMessageSignature.deliveryComponents)
        // The base signed is the one a verifier builds from the Signature-Input sent, byte for byte.
        let base = try HTTPMessageSignature.signatureBase(message, signatureInput: input, label: "sig1")
        #expect(signature == "sig1=:\(try key.signature(for: Data(base.utf8)).base64EncodedString()):")
        // Parameters kept from the last signature are not reused for others.
        let later = try HTTPMessageSignature.sign(message, keyID: "https://other.example/site", key: key,
                                                  created: Date().addingTimeInterval(5))
        #expect(later.signatureInput.contains("keyid=\"https://other.example/site\"") && later.signatureInput != input)
        var tampered = message
        tampered.path = "/other"
        await #expect(throws: HTTPMessageSignature.SignatureError.self) {
            try await HTTPMessageSignature.verify(tampered, publicKey: { _ in key.publicKey })
        }
    }

    @Test("a covered field's value: names match in any case, space and tab around values go, repeated fields join (§2.1)")
    func fieldValues() throws {
        let message = HTTPMessageSignature.Message(
            method: "POST", scheme: "https", authority: "hub.example", path: "/inbox",
            headers: [("X-Custom", " \tone  "), ("content-type", "text/plain"), ("x-CUSTOM", "café\t"),
                      ("X-Other", "three")])
        let input = #"sig1=("x-custom" "content-type");created=1;keyid="k""#
        let base = try HTTPMessageSignature.signatureBase(message, signatureInput: input, label: "sig1")
        #expect(base == """
            "x-custom": one, café
            "content-type": text/plain
            "@signature-params": ("x-custom" "content-type");created=1;keyid="k"
            """)
        #expect(throws: HTTPMessageSignature.SignatureError.self) {
            try HTTPMessageSignature.signatureBase(message, signatureInput: #"sig1=("x-missing");keyid="k""#, label: "sig1")
        }
    }
}
