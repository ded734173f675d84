public import Foundation
import Crypto
import RawStructuredFieldValues

/// HTTP Message Signatures (RFC 9421) with Ed25519, and Content-Digest (RFC 9530).
///
/// Every delivery the queue posts is signed with the hub's site key; receivers verify with the
/// key published for the `keyid`.
public enum HTTPMessageSignature {
    /// The parts of an HTTP message that signatures cover.
    public struct Message: Sendable {
        public var method: String
        public var scheme: String
        /// Host, with the port when it is not the scheme's default.
        public var authority: String
        /// The path, starting with `/`.
        public var path: String
        /// The query without its leading `?`, or nil when there is none.
        public var query: String?
        /// The status, for responses.
        public var status: Int?
        /// Header fields in order; names compare case-insensitively.
        public var headers: [(name: String, value: String)]

        public init(method: String, scheme: String, authority: String, path: String, query: String? = nil,
                    status: Int? = nil, headers: [(name: String, value: String)]) {
            self.method = method
            self.scheme = scheme
            self.authority = authority
            self.path = path.isEmpty ? "/" : path
            self.query = query
            self.status = status
            self.headers = headers
        }

        /// The message of a request to `url`.
        public init(method: String, url: URL, headers: [(name: String, value: String)]) throws(SignatureError) {
            guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
                  let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased()
            else { throw SignatureError("the URL \(url) cannot be signed") }
            let defaultPort = (scheme == "https" && components.port == 443) || (scheme == "http" && components.port == 80)
            let authority = components.port.map { defaultPort ? host : "\(host):\($0)" } ?? host
            self.init(method: method, scheme: scheme, authority: authority, path: components.percentEncodedPath,
                      query: components.percentEncodedQuery, headers: headers)
        }

        /// Every value of the field named `name` (lowercase), in order, without the leading and
        /// trailing whitespace (RFC 9110 OWS: space and tab) that RFC 9421 §2.1 strips.
        func values(of name: String) -> [String] {
            headers.compactMap { header in
                guard header.name.utf8.elementsEqual(name.utf8, by: { Self.asciiLowercased($0) == $1 }) else { return nil }
                let value = header.value
                guard let first = value.utf8.firstIndex(where: { !Self.isOptionalWhitespace($0) }),
                      let last = value.utf8.lastIndex(where: { !Self.isOptionalWhitespace($0) }) else { return "" }
                return String(value[first...last])
            }
        }

        private static func asciiLowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        private static func isOptionalWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    }

    /// Why a signature could not be made or checked.
    public struct SignatureError: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// A checked signature: who signed and when.
    public struct Verified: Sendable {
        public let keyID: String
        public let created: Date?
        public let coveredComponents: [String]
    }

    /// The components a hub covers when it signs a delivery.
    public static let deliveryComponents = ["@method", "@target-uri", "content-type", "content-digest"]

    /// Signs `message`, returning the `Signature-Input` and `Signature` header values.
    public static func sign(
        _ message: Message, label: String = "sig1", components: [String] = deliveryComponents,
        keyID: String, key: SigningKey, created: Date = Date(), expires: Date? = nil
    ) throws -> (signatureInput: String, signature: String) {
        let parameters = try SignatureParameters.serialised(.init(
            label: label, components: components, keyID: keyID, created: Int(created.timeIntervalSince1970),
            expires: expires.map { Int($0.timeIntervalSince1970) }))
        let base = try signatureBase(message, components: components.map { ($0, OrderedMap()) }, identifiers: parameters.identifiers,
                                     params: parameters.params)
        let signature = try key.signature(for: Data(base.utf8))
        // A dictionary of one byte sequence, the label already checked as a key by the input's serialiser.
        return (parameters.input, "\(label)=:\(signature.base64EncodedString()):")
    }

    /// Checks the signature labelled `label` (or the first one) of `message`.
    ///
    /// - Parameters:
    ///   - requiredComponents: components the signature must cover.
    ///   - publicKey: looks up the Ed25519 key for a `keyid`; nil means unknown.
    ///   - now, maximumAge: `created` must not be older than `maximumAge` nor in the future beyond it.
    public static func verify(
        _ message: Message, label: String? = nil, requiredComponents: [String] = [],
        publicKey: (String) async throws -> SigningKey.PublicKey?, now: Date = Date(), maximumAge: TimeInterval? = 300
    ) async throws -> Verified {
        let inputFields = message.values(of: "signature-input")
        let signatureFields = message.values(of: "signature")
        guard !inputFields.isEmpty, !signatureFields.isEmpty else { throw SignatureError("the message carries no Signature-Input and Signature") }
        let inputText = inputFields.joined(separator: ", ")
        let signatureText = signatureFields.joined(separator: ", ")
        let inputs: OrderedMap<String, ItemOrInnerList>
        let signatures: OrderedMap<String, ItemOrInnerList>
        do {
            var inputParser = StructuredFieldValueParser(Array(inputText.utf8))
            inputs = try inputParser.parseDictionaryFieldValue()
            var signatureParser = StructuredFieldValueParser(Array(signatureText.utf8))
            signatures = try signatureParser.parseDictionaryFieldValue()
        } catch {
            throw SignatureError("Signature-Input or Signature is not a valid structured field")
        }
        guard let chosen = label ?? inputs.first(where: { _ in true })?.0 else { throw SignatureError("no signature in Signature-Input") }
        guard case .innerList(let innerList)? = inputs[chosen] else { throw SignatureError("no signature input labelled '\(chosen)'") }
        guard case .item(let signatureItem)? = signatures[chosen], case .undecodedByteSequence(let encoded) = signatureItem.bareItem,
              let signature = Data(base64Encoded: encoded)
        else { throw SignatureError("no signature value labelled '\(chosen)'") }

        var keyID: String?
        var created: Date?
        var expires: Date?
        for (name, value) in innerList.parameters {
            switch (name, value) {
            case ("keyid", .string(let id)): keyID = id
            case ("created", .integer(let seconds)): created = Date(timeIntervalSince1970: TimeInterval(seconds))
            case ("expires", .integer(let seconds)): expires = Date(timeIntervalSince1970: TimeInterval(seconds))
            case ("alg", .string(let algorithm)) where algorithm != "ed25519":
                throw SignatureError("unsupported signature algorithm '\(algorithm)'")
            default: break
            }
        }
        guard let keyID else { throw SignatureError("the signature names no keyid") }
        let covered = innerList.bareInnerList.compactMap { item -> String? in
            if case .string(let name) = item.bareItem { return name }
            return nil
        }
        for component in requiredComponents where !covered.contains(component) {
            throw SignatureError("the signature does not cover \(component)")
        }
        if let expires, expires < now { throw SignatureError("the signature expired") }
        if let maximumAge, let created, abs(created.timeIntervalSince(now)) > maximumAge {
            throw SignatureError("the signature was created too long ago or in the future")
        }
        guard let key = try await publicKey(keyID) else { throw SignatureError("unknown key '\(keyID)'") }
        let base = try signatureBase(message, innerList: innerList)
        guard key.isValidSignature(signature, for: Data(base.utf8)) else { throw SignatureError("the signature does not match") }
        return Verified(keyID: keyID, created: created, coveredComponents: covered)
    }

    /// The signature base of `message` for the entry `label` of a `Signature-Input` value.
    static func signatureBase(_ message: Message, signatureInput: String, label: String) throws -> String {
        var parser = StructuredFieldValueParser(Array(signatureInput.utf8))
        guard case .innerList(let innerList)? = try parser.parseDictionaryFieldValue()[label] else {
            throw SignatureError("no signature input labelled '\(label)'")
        }
        return try signatureBase(message, innerList: innerList)
    }

    /// The signature base (RFC 9421 §2.5) of `message` for a parsed `Signature-Input` entry.
    static func signatureBase(_ message: Message, innerList: InnerList) throws(SignatureError) -> String {
        var components: [(name: String, parameters: OrderedMap<String, BareItem>)] = []
        var identifiers: [String] = []
        var serializer = StructuredFieldValueSerializer()
        for item in innerList.bareInnerList {
            guard case .string(let name) = item.bareItem else { throw SignatureError("a component identifier is not a string") }
            do {
                identifiers.append(String(decoding: try serializer.writeItemFieldValue(item), as: UTF8.self))
            } catch {
                throw SignatureError("component \(name) cannot be serialised")
            }
            components.append((name, item.parameters))
        }
        let params: String
        do {
            params = String(decoding: try serializer.writeListFieldValue([.innerList(innerList)]), as: UTF8.self)
        } catch {
            throw SignatureError("signature parameters cannot be serialised")
        }
        return try signatureBase(message, components: components, identifiers: identifiers, params: params)
    }

    /// The signature base from its parts: a line per covered component (its serialised
    /// identifier and its value in `message`), then the `@signature-params` line.
    private static func signatureBase(_ message: Message, components: [(name: String, parameters: OrderedMap<String, BareItem>)],
                                      identifiers: [String], params: String) throws(SignatureError) -> String {
        var base = ""
        for (component, identifier) in zip(components, identifiers) {
            base += "\(identifier): \(try componentValue(component.name, parameters: component.parameters, message: message))\n"
        }
        return base + "\"@signature-params\": \(params)"
    }

    private static func componentValue(_ name: String, parameters: OrderedMap<String, BareItem>, message: Message) throws(SignatureError) -> String {
        switch name {
        case "@method": return message.method
        case "@scheme": return message.scheme.lowercased()
        case "@authority": return message.authority.lowercased()
        case "@target-uri": return "\(message.scheme.lowercased())://\(message.authority.lowercased())\(message.path)" + (message.query.map { "?\($0)" } ?? "")
        case "@request-target": return message.path + (message.query.map { "?\($0)" } ?? "")
        case "@path": return message.path
        case "@query": return "?" + (message.query ?? "")
        case "@status":
            guard let status = message.status else { throw SignatureError("@status covers only responses") }
            return String(status)
        case "@query-param":
            guard case .string(let wanted)? = parameters["name"] else { throw SignatureError("@query-param needs a name parameter") }
            let pairs = (message.query ?? "").split(separator: "&").map { $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false) }
            guard let pair = pairs.first(where: { decode($0[0]) == wanted }) else { throw SignatureError("query parameter \(wanted) is missing") }
            return encode(pair.count > 1 ? decode(pair[1]) : "")
        default:
            guard !name.hasPrefix("@") else { throw SignatureError("unsupported derived component \(name)") }
            let values = message.values(of: name)
            guard !values.isEmpty else { throw SignatureError("the covered field \(name) is missing") }
            return values.joined(separator: ", ")
        }
    }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The `Content-Digest` value of `body` (RFC 9530), with SHA-256.
    public static func contentDigest(_ body: some DataProtocol) -> String {
        "sha-256=:\(Data(SHA256.hash(data: body)).base64EncodedString()):"
    }

    /// True when `header` (a `Content-Digest` value) holds a sha-256 or sha-512 digest matching `body`.
    public static func contentDigestMatches(_ header: String, body: some DataProtocol) -> Bool {
        var parser = StructuredFieldValueParser(Array(header.utf8))
        guard let map = try? parser.parseDictionaryFieldValue() else { return false }
        var checked = false
        for (algorithm, value) in map {
            guard case .item(let item) = value, case .undecodedByteSequence(let encoded) = item.bareItem,
                  let digest = Data(base64Encoded: encoded) else { return false }
            switch algorithm {
            case "sha-256": guard Data(SHA256.hash(data: body)) == digest else { return false }
            case "sha-512": guard Data(SHA512.hash(data: body)) == digest else { return false }
            default: continue
            }
            checked = true
        }
        return checked
    }
}
