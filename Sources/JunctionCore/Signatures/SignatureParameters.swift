import RawStructuredFieldValues
import Synchronization

/// The serialised parts of a signature that depend on its parameters alone: each covered
/// component's identifier, the `@signature-params` value and the `Signature-Input` field.
///
/// They are kept for the last parameters signed with: `created` is in whole seconds, so every
/// delivery of a fan-out signed within the same second serialises them once.
struct SignatureParameters: Sendable {
    struct Key: Sendable, Equatable {
        var label: String
        var components: [String]
        var keyID: String
        var created: Int
        var expires: Int?
    }

    let key: Key
    /// The serialised identifier of each of `key.components`, in order.
    let identifiers: [String]
    /// The value of the `@signature-params` line of the signature base.
    let params: String
    /// The `Signature-Input` field value.
    let input: String

    private static let last = Mutex<SignatureParameters?>(nil)

    /// The parts for `key`, serialised now or kept from the last signature with the same key.
    static func serialised(_ key: Key) throws -> SignatureParameters {
        if let kept = last.withLock({ $0 }), kept.key == key { return kept }
        let made = try SignatureParameters(key)
        last.withLock { $0 = made }
        return made
    }

    private init(_ key: Key) throws {
        var list = BareInnerList()
        for component in key.components {
            list.append(RawStructuredFieldValues.Item(bareItem: .string(component), parameters: OrderedMap<String, BareItem>()))
        }
        var parameters = OrderedMap<String, BareItem>()
        parameters["created"] = .integer(key.created)
        if let expires = key.expires { parameters["expires"] = .integer(expires) }
        parameters["keyid"] = .string(key.keyID)
        parameters["alg"] = .string("ed25519")
        let innerList = InnerList(bareInnerList: list, parameters: parameters)
        var serializer = StructuredFieldValueSerializer()
        identifiers = try list.map { String(decoding: try serializer.writeItemFieldValue($0), as: UTF8.self) }
        params = String(decoding: try serializer.writeListFieldValue([.innerList(innerList)]), as: UTF8.self)
        var inputMap = OrderedMap<String, ItemOrInnerList>()
        inputMap[key.label] = .innerList(innerList)
        input = String(decoding: try serializer.writeDictionaryFieldValue(inputMap), as: UTF8.self)
        self.key = key
    }
}
