import CLibXML2
import Foundation

/// libxml2 set up once for untrusted input: external entities refused, errors silent.
///
/// Never add `XML_PARSE_NOENT`, `DTDLOAD`, `DTDATTR`, `DTDVALID`, `XINCLUDE` or `HUGE`: entity
/// expansion and external loads are how XML documents attack their readers.
enum LibXML2 {
    private static let setup: Void = cxml_global_setup()

    /// Runs libxml2's process-wide set-up (once).
    static func ensureSetUp() { _ = setup }

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The strict first pass: no network, no error output, the encoding we resolved wins.
    static let strictOptions = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
        | XML_PARSE_NOWARNING.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOCDATA.rawValue)
    /// The second pass for ill-formed documents.
    static let recoverOptions = strictOptions | Int32(bitPattern: XML_PARSE_RECOVER.rawValue)

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func isSupported(_ label: String) -> Bool {
        guard let handler = xmlFindCharEncodingHandler(label) else { return false }
        xmlCharEncCloseFunc(handler)
        return true
    }

    /// The document's encoding: byte-order mark, then the transport's charset, then the XML
    /// declaration, then UTF-8 (windows-1252 when the bytes are not UTF-8).
    static func resolveEncoding(_ bytes: [UInt8], transport: String?) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
        let normalized = { (label: String) in label.trimmingCharacters(in: .whitespaces).lowercased() }
        var label = transport.map(normalized).flatMap { isSupported($0) ? $0 : nil }
            ?? declaredEncoding(bytes).map(normalized).flatMap { isSupported($0) ? $0 : nil }
        if ["iso-8859-1", "latin1", "l1", "us-ascii", "ascii"].contains(label ?? "") { label = "windows-1252" }
        if label == nil || label == "utf-8" || label == "utf8", !TextDecoding.isValidUTF8(bytes) {
            return "windows-1252"
        }
        return label ?? "UTF-8"
    }

    /// The `encoding` of an `<?xml …?>` declaration.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        guard bytes.starts(with: Array("<?xml".utf8)) else { return nil }
        let head = String(decoding: bytes.prefix(256), as: UTF8.self)
        guard let end = head.range(of: "?>"), let encoding = head[..<end.lowerBound].range(of: "encoding") else { return nil }
        let rest = head[encoding.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }
}
