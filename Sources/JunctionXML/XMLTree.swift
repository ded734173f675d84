import CLibXML2
public import Foundation

/// A parsed XML document from an untrusted source (feeds, XRD), read-only.
///
/// Parsing is strict first; an ill-formed document gets a second pass in libxml2's recover mode
/// after its entity references are normalised (``isWellFormed`` tells which). External entities
/// and network access are refused, and internal entities are expanded one level within a
/// per-document budget, so billion-laughs documents cost kilobytes. Never use libxml2's
/// `xmlNodeGetContent`/`xmlGetProp` on these trees: they expand entities without limit.
public final class XMLTree {
    private let document: xmlDocPtr
    /// The URL the document came from, the base of relative references.
    public let url: String?
    /// False when recover mode had to repair the document.
    public let isWellFormed: Bool
    /// Bytes of entity replacement text still allowed for this document.
    fileprivate var entityBudget = 64 * 1024

    /// Parses `data`; `encoding` is the transport's charset, if any. Throws ``XMLTreeError``.
    public convenience init(data: Data, url: String? = nil, encoding: String? = nil, maximumBytes: Int = 16 << 20) throws(XMLTreeError) {
        guard data.count <= min(maximumBytes, Int(Int32.max)) else { throw .tooLarge(limit: maximumBytes) }
        let bytes = [UInt8](data)
        try self.init(bytes: bytes, url: url, encoding: LibXML2.resolveEncoding(bytes, transport: encoding), maximumBytes: maximumBytes)
    }

    /// Parses `utf8`, bytes already known to be well-formed UTF-8 (a Swift string's), whatever
    /// their XML declaration says. Throws ``XMLTreeError``.
    public convenience init(utf8: [UInt8], url: String? = nil, maximumBytes: Int = 16 << 20) throws(XMLTreeError) {
        // No encoding named: libxml2 reads UTF-8 natively, without a converter's copy.
        try self.init(bytes: utf8, url: url, encoding: nil, maximumBytes: maximumBytes)
    }

    private init(bytes: [UInt8], url: String?, encoding resolved: String?, maximumBytes: Int) throws(XMLTreeError) {
        LibXML2.ensureSetUp()
        guard bytes.count <= min(maximumBytes, Int(Int32.max)) else { throw .tooLarge(limit: maximumBytes) }
        guard !bytes.isEmpty else { throw .notXML("empty document") }
        var bytes = bytes
        var (parsed, error) = Self.read(&bytes, url: url, encoding: resolved, parser: .strict)
        isWellFormed = parsed != nil
        if parsed == nil {
            if XMLRepair.isASCIICompatible(resolved ?? "UTF-8") { bytes = XMLRepair.normalizeReferences(bytes) }
            let second = Self.read(&bytes, url: url, encoding: resolved, parser: .recover)
            parsed = second.document
            error = error ?? second.error
        }
        guard let parsed else { throw .notXML(error?.text ?? "no root element") }
        document = parsed
        self.url = url
    }

    /// Parses `data` as an HTML page with libxml2's HTML parser (always in recover mode, no
    /// network); `encoding` is the transport's charset, if any, else the page's `<meta charset>`.
    public init(html data: Data, url: String? = nil, encoding: String? = nil, maximumBytes: Int = 16 << 20) throws(XMLTreeError) {
        LibXML2.ensureSetUp()
        guard data.count <= min(maximumBytes, Int(Int32.max)) else { throw .tooLarge(limit: maximumBytes) }
        guard !data.isEmpty, let context = htmlNewParserCtxt() else { throw .notXML("empty document") }
        defer { htmlFreeParserCtxt(context) }
        let options = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue)
        let label = encoding.flatMap { LibXML2.isSupported($0) ? $0 : nil }
        let parsed = data.withUnsafeBytes { buffer in
            htmlCtxtReadMemory(context, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(buffer.count), url, label, options)
        }
        guard let parsed else { throw .notXML("not an HTML document") }
        guard xmlDocGetRootElement(parsed) != nil else {
            xmlFreeDoc(parsed)
            throw .notXML("no root element")
        }
        document = parsed
        self.url = url
        isWellFormed = true
    }

    deinit { xmlFreeDoc(document) }

    /// The root element.
    public var root: Element? { xmlDocGetRootElement(document).map { Element(node: $0, tree: self) } }

    private static func read(_ bytes: inout [UInt8], url: String?, encoding: String?, parser: XMLParserContext) -> (document: xmlDocPtr?, error: ParseError?) {
        parser.withContext(documentSize: bytes.count) { context in
            var document = parser.read(&bytes, url: url, encoding: encoding, in: context)
            if let parsed = document, xmlDocGetRootElement(parsed) == nil {
                xmlFreeDoc(parsed)
                document = nil
            }
            return (document, xmlCtxtGetLastError(context).flatMap { ParseError($0.pointee) })
        } ?? (nil, nil)
    }

    /// libxml2's last error for a parse, worded only when it is reported.
    private struct ParseError {
        var code: Int32
        var line: Int32
        var message: String?

        /// nil when `error` is libxml2's "no error".
        init?(_ error: xmlError) {
            guard error.code != 0 else { return nil }
            code = error.code
            line = error.line
            message = error.message.map { String(cString: $0) }
        }

        var text: String {
            "line \(line): " + (message?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "error \(code)")
        }
    }

    /// Appends the text of `first` and its siblings (unless `siblings` is false) and of their
    /// descendants when `deep`, expanding internal entities one level within the budget.
    fileprivate func appendText(of first: xmlNodePtr?, to out: inout String, deep: Bool, siblings: Bool = true) {
        var stack: [xmlNodePtr?] = [first]
        while let top = stack.last {
            guard let node = top else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1] = siblings || stack.count > 1 ? node.pointee.next : nil
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let text = LibXML2.string(node.pointee.content) { out += text }
            case XML_ENTITY_REF_NODE:
                let entity = UnsafeMutablePointer<xmlEntity>(OpaquePointer(node.pointee.children))
                if entity == nil, let html = htmlEntityLookup(node.pointee.name) {
                    out.unicodeScalars.append(Unicode.Scalar(html.pointee.value) ?? "\u{FFFD}")
                } else if let entity, entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY, let content = entity.pointee.content,
                          Int(entity.pointee.length) <= entityBudget {
                    entityBudget -= Int(entity.pointee.length)
                    out += String(cString: content)
                }
            case XML_ELEMENT_NODE where deep:
                stack.append(node.pointee.children)
            default:
                break
            }
        }
    }

    /// An element of an ``XMLTree``; keeps its tree alive.
    public struct Element {
        fileprivate let node: xmlNodePtr
        fileprivate let tree: XMLTree

        /// The local name.
        public var name: String { LibXML2.string(node.pointee.name) ?? "" }
        public var namespaceURI: String? { LibXML2.string(node.pointee.ns?.pointee.href) }

        /// The attribute's value (entities expanded within the budget).
        public func attribute(_ name: String, namespace: String? = nil) -> String? {
            guard node.pointee.properties != nil else { return nil }
            // One C string for the whole search (a small Swift string is copied at each implicit conversion).
            return name.withCString { name in
                var attribute = node.pointee.properties
                while let current = attribute {
                    if xmlStrEqual(current.pointee.name, name) != 0, Self.isNamespace(current.pointee.ns, namespace) {
                        var out = ""
                        tree.appendText(of: current.pointee.children, to: &out, deep: false)
                        return out
                    }
                    attribute = current.pointee.next
                }
                return nil
            }
        }

        private static func isNamespace(_ ns: xmlNsPtr?, _ uri: String?) -> Bool {
            guard let href = ns?.pointee.href else { return uri == nil }
            return uri.map { xmlStrEqual(href, $0) != 0 } ?? false
        }

        /// The value of the attribute without a namespace named `name` in any ASCII case.
        public func attribute(ignoringCase name: String) -> String? {
            guard node.pointee.properties != nil else { return nil }
            return name.withCString { name in
                var attribute = node.pointee.properties
                while let current = attribute {
                    if current.pointee.ns == nil, xmlStrcasecmp(current.pointee.name, name) == 0 {
                        var out = ""
                        tree.appendText(of: current.pointee.children, to: &out, deep: false)
                        return out
                    }
                    attribute = current.pointee.next
                }
                return nil
            }
        }

        /// Whether the element has child elements (``children`` is not empty), found without listing them.
        public var hasChildElements: Bool {
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { return true }
                child = current.pointee.next
            }
            return false
        }

        /// The child elements, in document order.
        public var children: [Element] {
            var out: [Element] = []
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { out.append(Element(node: current, tree: tree)) }
                child = current.pointee.next
            }
            return out
        }

        /// The namespace prefix as written, if any.
        public var prefix: String? { LibXML2.string(node.pointee.ns?.pointee.prefix) }

        /// The attributes in document order (values expanded within the budget).
        public var attributes: [Attribute] {
            var out: [Attribute] = []
            var attribute = node.pointee.properties
            while let current = attribute {
                var value = ""
                tree.appendText(of: current.pointee.children, to: &value, deep: false)
                out.append(Attribute(
                    name: LibXML2.string(current.pointee.name) ?? "", prefix: LibXML2.string(current.pointee.ns?.pointee.prefix),
                    namespaceURI: LibXML2.string(current.pointee.ns?.pointee.href), value: value))
                attribute = current.pointee.next
            }
            return out
        }

        /// The child elements and text runs in document order (mixed content); adjacent text,
        /// CDATA and expanded entities are merged into one run.
        public var contents: [Content] {
            var out: [Content] = []
            var pending = ""
            var child = node.pointee.children
            while let current = child {
                child = current.pointee.next
                if current.pointee.type == XML_ELEMENT_NODE {
                    if !pending.isEmpty { out.append(.text(pending)) }
                    pending = ""
                    out.append(.element(Element(node: current, tree: tree)))
                } else {
                    tree.appendText(of: current, to: &pending, deep: false, siblings: false)
                }
            }
            if !pending.isEmpty { out.append(.text(pending)) }
            return out
        }

        /// The child elements named `name` in `namespace`.
        public func children(_ name: String, namespace: String?) -> [Element] {
            children.filter { $0.name == name && $0.namespaceURI == namespace }
        }

        /// The descendant elements named `name` (any namespace), in document order.
        public func descendants(named name: String) -> [Element] {
            var out: [Element] = []
            var stack = children.reversed() as [Element]
            while let element = stack.popLast() {
                if element.name == name { out.append(element) }
                stack += element.children.reversed()
            }
            return out
        }

        /// The first child element named `name` in `namespace`.
        public func first(_ name: String, namespace: String?) -> Element? { children(name, namespace: namespace).first }

        /// The text of all descendants, CDATA included.
        public var text: String {
            if let only = node.pointee.children, only.pointee.next == nil,
               only.pointee.type == XML_TEXT_NODE || only.pointee.type == XML_CDATA_SECTION_NODE {
                return LibXML2.string(only.pointee.content) ?? ""
            }
            var out = ""
            tree.appendText(of: node.pointee.children, to: &out, deep: true)
            return out
        }

        /// The `xml:lang` in scope, nearest first.
        public var language: String? {
            var current: xmlNodePtr? = node
            while let element = current, element.pointee.type == XML_ELEMENT_NODE {
                if let lang = Element(node: element, tree: tree).attribute("lang", namespace: LibXML2.xmlNamespace) { return lang }
                current = element.pointee.parent
            }
            return nil
        }

        /// The base URL in scope: the `xml:base` chain resolved against the document's URL.
        public var base: String? {
            var chain: [String] = []
            var current: xmlNodePtr? = node
            while let element = current, element.pointee.type == XML_ELEMENT_NODE {
                if let base = Element(node: element, tree: tree).attribute("base", namespace: LibXML2.xmlNamespace) { chain.append(base) }
                current = element.pointee.parent
            }
            return chain.reversed().reduce(tree.url) { Self.resolve($1, against: $0) }
        }

        /// `reference` resolved against ``base`` (RFC 3986).
        public func resolve(_ reference: String) -> String? { Self.resolve(reference, against: base) }

        private static func resolve(_ reference: String, against base: String?) -> String? {
            guard let base else { return reference }
            guard let resolved = xmlBuildURI(reference, base) else { return nil }
            defer { cxml_free(resolved) }
            return String(cString: resolved)
        }
    }
}

extension XMLTree {
    /// An attribute as written: local name, prefix, namespace and value.
    public struct Attribute: Sendable, Equatable {
        public let name: String
        public let prefix: String?
        public let namespaceURI: String?
        public let value: String
    }

    /// One piece of an element's mixed content.
    public enum Content {
        case element(Element)
        case text(String)
    }
}

/// Why a document could not be read as XML.
public enum XMLTreeError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(limit: Int)
    case notXML(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the document is larger than \(limit) bytes"
        case .notXML(let reason): "not an XML document (\(reason))"
        }
    }
}
