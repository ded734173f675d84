import Foundation
import JunctionXML

/// The transport facts a parse can use: the HTTP `Content-Type`, the document URL and the
/// `Content-Location`/`Content-Language` headers.
public struct FeedTransport: Sendable {
    public var contentType: String?
    public var url: String?
    public var contentLocation: String?
    public var contentLanguage: String?

    public init(contentType: String? = nil, url: String? = nil, contentLocation: String? = nil, contentLanguage: String? = nil) {
        self.contentType = contentType
        self.url = url
        self.contentLocation = contentLocation
        self.contentLanguage = contentLanguage
    }

    /// True when the bytes came over HTTP (then RFC 3023's media-type rules apply).
    var isHTTP: Bool { contentType != nil || url != nil || contentLocation != nil || contentLanguage != nil }

    /// The base for relative references: a safe `Content-Location`, else the URL.
    var baseURL: String {
        let url = url ?? ""
        let location = contentLocation ?? ""
        let fromLocation = FeedURI.safeJoin(url, location)
        if !fromLocation.isEmpty, !location.isEmpty { return fromLocation }
        let alone = FeedURI.safeJoin(location)
        return alone.isEmpty ? url : alone
    }
}

/// Bytes to text: the encoding chosen the way RFC 3023 and feedparser choose it (byte-order
/// mark, HTTP charset, XML declaration, then UTF-8 and windows-1252 as fallbacks).
struct FeedDecoding {
    /// The decoded document as UTF-8 (the input's own bytes when they were UTF-8).
    var utf8: Data
    /// The codec that worked, lower-case; `""` when none did.
    var encoding: String
    /// Why the declared or transported encoding or media type was wrong.
    var problem: String?
    /// The media type without parameters, lower-case.
    var mediaType: String

    private static let byteOrderMarks: [([UInt8], String, Int)] = [
        ([0x00, 0x00, 0xFE, 0xFF], "utf-32be", 4), ([0xFF, 0xFE, 0x00, 0x00], "utf-32le", 4),
        ([0x00, 0x3C, 0x00, 0x3F], "utf-16be", 0), ([0x3C, 0x00, 0x3F, 0x00], "utf-16le", 0),
        ([0x00, 0x00, 0x00, 0x3C], "utf-32be", 0), ([0x3C, 0x00, 0x00, 0x00], "utf-32le", 0),
        ([0xFE, 0xFF], "utf-16be", 2), ([0xFF, 0xFE], "utf-16le", 2), ([0xEF, 0xBB, 0xBF], "utf-8", 3),
    ]
    private static let unicodeLabels: Set = [
        "u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32", "iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4",
        "csunicode", "ucs-2", "ucs-4",
    ]

    init(_ bytes: Data, transport: FeedTransport) {
        var data = bytes[...]
        var bomEncoding = ""
        let lead = data.withUnsafeBytes { Array($0.prefix(4)) }
        for (bom, name, skip) in Self.byteOrderMarks where lead.starts(with: bom) {
            if bom.count == 2, lead.dropFirst(2).starts(with: [0x00, 0x00]) { continue }
            bomEncoding = name
            data = data.dropFirst(skip)
            break
        }
        let head = bomEncoding.isEmpty ? String(decoding: data.prefix(512), as: UTF8.self)
            : (TextDecoding.decode(Array(data.prefix(2048)), encoding: bomEncoding) ?? "")
        var xmlEncoding = Self.declaredEncoding(head)?.lowercased() ?? ""
        if !bomEncoding.isEmpty, Self.unicodeLabels.contains(xmlEncoding) { xmlEncoding = bomEncoding }

        let (mediaType, httpCharset) = Self.split(contentType: transport.contentType ?? "")
        self.mediaType = mediaType
        var acceptable = false
        var declared: String
        if ["application/xml", "application/xml-dtd", "application/xml-external-parsed-entity"].contains(mediaType)
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+xml")) {
            acceptable = true
            declared = httpCharset ?? (xmlEncoding.isEmpty ? "utf-8" : xmlEncoding)
        } else if ["text/xml", "text/xml-external-parsed-entity"].contains(mediaType) || (mediaType.hasPrefix("text/") && mediaType.hasSuffix("+xml")) {
            acceptable = true
            declared = httpCharset ?? "us-ascii"
        } else if ["application/feed+json", "application/json"].contains(mediaType) || mediaType.hasSuffix("+json") {
            acceptable = true
            declared = httpCharset ?? "utf-8"
        } else if mediaType.hasPrefix("text/") {
            declared = httpCharset ?? "us-ascii"
        } else if transport.isHTTP, transport.contentType == nil {
            declared = xmlEncoding.isEmpty ? "iso-8859-1" : xmlEncoding
        } else {
            declared = xmlEncoding.isEmpty ? "utf-8" : xmlEncoding
        }
        if declared == "gb2312" { declared = "gb18030" }
        if xmlEncoding == "gb2312" { xmlEncoding = "gb18030" }
        if transport.isHTTP, !acceptable {
            problem = transport.contentType.map { "NonXMLContentType: \($0) is not an XML media type" } ?? "NonXMLContentType: no Content-type specified"
        }

        var array: [UInt8]?  // the bytes as an array, copied when a codec other than UTF-8 is tried
        var tried: [String] = []
        var decoded: (utf8: Data, encoding: String)?
        for candidate in [declared, xmlEncoding, bomEncoding, "utf-8", "windows-1252", "iso-8859-2"] where !candidate.isEmpty && !tried.contains(candidate) {
            tried.append(candidate)
            if candidate == "utf-8" || candidate == "utf8" {
                if TextDecoding.isValidUTF8(data) { decoded = (data, candidate) }
            } else if candidate == "us-ascii" || candidate == "ascii" {
                if TextDecoding.isASCII(data) { decoded = (data, candidate) }
            } else {
                let bytes = array ?? Array(data)
                array = bytes
                if let text = TextDecoding.decode(bytes, encoding: candidate) { decoded = (Data(text.utf8), candidate) }
            }
            if decoded != nil { break }
        }
        if let decoded {
            encoding = decoded.encoding
            if decoded.encoding != declared {
                problem = "CharacterEncodingOverride: document declared as \(declared), but parsed as \(decoded.encoding)"
            }
            utf8 = decoded.utf8
        } else {
            encoding = ""
            problem = "CharacterEncodingUnknown: document encoding unknown, I tried \(tried.joined(separator: ", "))"
            utf8 = Data(String(decoding: data, as: UTF8.self).utf8)
        }
    }

    /// The decoded document as a string.
    var text: String { String(decoding: utf8, as: UTF8.self) }

    /// `text/xml; charset="utf-8"` → (`text/xml`, `utf-8`).
    static func split(contentType: String) -> (String, String?) {
        let parts = contentType.split(separator: ";").map { String($0).trimmingWhitespace }
        let mediaType = parts.first?.lowercased() ?? ""
        let charset = parts.dropFirst().compactMap { parameter -> String? in
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace }
            guard pair.count == 2, pair[0].lowercased() == "charset" else { return nil }
            return pair[1].trimmingCharacters(in: ["\"", "'"]).lowercased()
        }.first
        return (mediaType, charset.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The `encoding` pseudo-attribute of a leading `<?xml …?>` declaration.
    static func declaredEncoding(_ head: String) -> String? {
        let bytes = Array(head.utf8)
        guard bytes.starts(with: "<?xml".utf8), let end = bytes.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let declaration = bytes[..<end]
        guard let key = declaration.indices.first(where: { declaration[$0...].starts(with: "encoding".utf8) }) else { return nil }
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var rest = declaration[(key + 8)...].drop(while: isSpace)
        guard rest.first == UInt8(ascii: "=") else { return nil }
        rest = rest.dropFirst().drop(while: isSpace)
        guard let quote = rest.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
    }

    /// The document with its XML declaration replaced by one that names UTF-8 (the bytes the
    /// XML parser reads are UTF-8 whatever the source encoding was).
    var xmlUTF8: [UInt8] {
        utf8.withUnsafeBytes { bytes in
            var out: [UInt8] = []
            // Room for the terminator XMLTree adds, so that it needs no copy.
            out.reserveCapacity(Self.utf8Declaration.count + bytes.count + 2)
            out += Self.utf8Declaration
            if bytes.starts(with: "<?xml".utf8), let end = bytes.firstIndex(of: UInt8(ascii: ">")) {
                out += bytes[(end + 1)...]
            } else {
                out.append(UInt8(ascii: "\n"))
                out += bytes
            }
            return out
        }
    }

    private static let utf8Declaration = Array("<?xml version='1.0' encoding='utf-8'?>".utf8)
}
