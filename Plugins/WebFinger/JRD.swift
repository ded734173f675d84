public import Foundation
public import JunctionCore

/// JSON Resource Descriptors (RFC 7033 4.4), read leniently and written plainly.
///
/// Reading accepts what deployed servers send: members in any order, unknown members,
/// duplicate aliases, links without `href` or with hrefs that are not URIs, empty `type`s.
/// Links without a `rel` and values of the wrong JSON type are dropped.
public enum JRD {
    public static let mediaType = "application/jrd+json"

    /// Reads a JRD; throws ``WebFingerError/malformed(_:)`` when it is not a JSON object.
    public static func decode(_ data: Data) throws(WebFingerError) -> IdentityDocument {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .malformed("the body is not a JSON object")
        }
        var document = IdentityDocument()
        document.subject = object["subject"] as? String
        document.expires = object["expires"] as? String
        document.aliases = (object["aliases"] as? [Any] ?? []).compactMap { $0 as? String }
        document.properties = properties(object["properties"])
        document.links = (object["links"] as? [Any] ?? []).compactMap { value -> IdentityLink? in
            guard let link = value as? [String: Any], let rel = link["rel"] as? String, !rel.isEmpty else { return nil }
            let type = (link["type"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            return IdentityLink(rel: rel, type: type, href: link["href"] as? String, template: link["template"] as? String,
                                titles: (link["titles"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String },
                                properties: properties(link["properties"]))
        }
        return document
    }

    private static func properties(_ value: Any?) -> [String: String?] {
        var out: [String: String?] = [:]
        for (key, value) in value as? [String: Any] ?? [:] {
            if let text = value as? String { out[key] = .some(text) } else if value is NSNull { out[key] = .some(nil) }
        }
        return out
    }

    /// Writes `document` as JSON.
    public static func encode(_ document: IdentityDocument) -> Data {
        var object: [String: Any] = [:]
        if let subject = document.subject { object["subject"] = subject }
        if let expires = document.expires { object["expires"] = expires }
        if !document.aliases.isEmpty { object["aliases"] = document.aliases }
        if !document.properties.isEmpty { object["properties"] = json(document.properties) }
        object["links"] = document.links.map { link -> [String: Any] in
            var out: [String: Any] = ["rel": link.rel]
            if let type = link.type { out["type"] = type }
            if let href = link.href { out["href"] = href }
            if let template = link.template { out["template"] = template }
            if !link.titles.isEmpty { out["titles"] = link.titles }
            if !link.properties.isEmpty { out["properties"] = json(link.properties) }
            return out
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    private static func json(_ properties: [String: String?]) -> [String: Any] {
        properties.mapValues { $0.map { $0 as Any } ?? NSNull() }
    }
}
