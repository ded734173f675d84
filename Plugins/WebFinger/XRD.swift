public import Foundation
public import JunctionCore
import JunctionXML

/// Extensible Resource Descriptors (XRD 1.0, as profiled by RFC 6415), read through libxml2
/// with network access and entity expansion disabled, and converted to the JRD model following
/// RFC 6415 appendix A: the last `Property` of a type wins, `xsi:nil` is null, a `Title`
/// without `xml:lang` is `default` and the last title of a language wins.
public enum XRD {
    public static let mediaType = "application/xrd+xml"
    static let namespace = "http://docs.oasis-open.org/ns/xri/xrd-1.0"
    static let schemaInstance = "http://www.w3.org/2001/XMLSchema-instance"

    /// Reads an XRD document; throws ``WebFingerError/malformed(_:)``.
    public static func decode(_ data: Data, maximumBytes: Int = 1 << 20) throws(WebFingerError) -> IdentityDocument {
        let tree: XMLTree
        do {
            tree = try XMLTree(data: data, maximumBytes: maximumBytes)
        } catch {
            throw .malformed("\(error)")
        }
        guard let root = tree.root, root.name == "XRD", root.namespaceURI == namespace || root.namespaceURI == nil else {
            throw .malformed("the root element is not an XRD")
        }
        let ns = root.namespaceURI
        var document = IdentityDocument()
        document.subject = root.first("Subject", namespace: ns).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        document.expires = root.first("Expires", namespace: ns).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        document.aliases = root.children("Alias", namespace: ns).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        document.properties = properties(of: root, namespace: ns)
        document.links = root.children("Link", namespace: ns).compactMap { link -> IdentityLink? in
            guard let rel = link.attribute("rel"), !rel.isEmpty else { return nil }
            var titles: [String: String] = [:]
            for title in link.children("Title", namespace: ns) {
                titles[title.attribute("lang", namespace: "http://www.w3.org/XML/1998/namespace") ?? "default"] = title.text
            }
            return IdentityLink(rel: rel, type: link.attribute("type"), href: link.attribute("href"), template: link.attribute("template"),
                                titles: titles, properties: properties(of: link, namespace: ns))
        }
        return document
    }

    private static func properties(of element: XMLTree.Element, namespace: String?) -> [String: String?] {
        var out: [String: String?] = [:]
        for property in element.children("Property", namespace: namespace) {
            guard let type = property.attribute("type") else { continue }
            out[type] = property.attribute("nil", namespace: schemaInstance) == "true" ? .some(nil) : .some(property.text)
        }
        return out
    }

    /// Writes `document` as XRD.
    public static func encode(_ document: IdentityDocument) -> Data {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"\(namespace)\" xmlns:xsi=\"\(schemaInstance)\">\n"
        if let subject = document.subject { xml += "  <Subject>\(escape(subject))</Subject>\n" }
        if let expires = document.expires { xml += "  <Expires>\(escape(expires))</Expires>\n" }
        for alias in document.aliases { xml += "  <Alias>\(escape(alias))</Alias>\n" }
        xml += properties(document.properties, indent: "  ")
        for link in document.links {
            var attributes = "rel=\"\(escape(link.rel))\""
            if let type = link.type { attributes += " type=\"\(escape(type))\"" }
            if let href = link.href { attributes += " href=\"\(escape(href))\"" }
            if let template = link.template { attributes += " template=\"\(escape(template))\"" }
            if link.titles.isEmpty, link.properties.isEmpty {
                xml += "  <Link \(attributes)/>\n"
                continue
            }
            xml += "  <Link \(attributes)>\n"
            for (language, title) in link.titles.sorted(by: { $0.key < $1.key }) {
                let lang = language == "default" ? "" : " xml:lang=\"\(escape(language))\""
                xml += "    <Title\(lang)>\(escape(title))</Title>\n"
            }
            xml += properties(link.properties, indent: "    ") + "  </Link>\n"
        }
        return Data((xml + "</XRD>\n").utf8)
    }

    private static func properties(_ properties: [String: String?], indent: String) -> String {
        properties.sorted { $0.key < $1.key }.map { type, value in
            if let value { "\(indent)<Property type=\"\(escape(type))\">\(escape(value))</Property>\n" }
            else { "\(indent)<Property type=\"\(escape(type))\" xsi:nil=\"true\"/>\n" }
        }.joined()
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
