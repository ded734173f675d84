import CLibXML2

/// Strict decoding of bytes in a named character encoding, through libxml2's converters
/// (iconv and ICU), for callers that choose the encoding themselves.
public enum TextDecoding {
    /// `bytes` decoded from `encoding` (an IANA or iconv label), or nil when the label is
    /// unknown or the bytes are not valid in that encoding.
    public static func decode(_ bytes: [UInt8], encoding: String) -> String? {
        switch encoding.lowercased() {
        case "utf-8", "utf8":
            return String(validating: bytes, as: UTF8.self)
        case "us-ascii", "ascii":
            return bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : nil
        case "iso-8859-1", "latin1", "latin-1", "l1", "iso8859-1":
            var text = ""
            text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
            return text
        default:
            return convert(bytes, from: encoding)
        }
    }

    private static func convert(_ bytes: [UInt8], from encoding: String) -> String? {
        LibXML2.ensureSetUp()
        guard bytes.count < Int(Int32.max) / 4, let handler = xmlFindCharEncodingHandler(encoding) else { return nil }
        defer { xmlCharEncCloseFunc(handler) }
        guard let input = xmlBufferCreateSize(bytes.count + 1), let output = xmlBufferCreateSize(bytes.count * 4 + 16) else { return nil }
        defer {
            xmlBufferFree(input)
            xmlBufferFree(output)
        }
        if !bytes.isEmpty {
            let added = bytes.withUnsafeBufferPointer { xmlBufferAdd(input, $0.baseAddress, Int32(bytes.count)) }
            guard added == 0 else { return nil }
        }
        while xmlBufferLength(input) > 0 {
            let before = xmlBufferLength(input)
            guard xmlCharEncInFunc(handler, output, input) >= 0, xmlBufferLength(input) < before else { return nil }
        }
        guard let content = xmlBufferContent(output) else { return "" }
        let decoded = UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(output)))
        return String(validating: decoded, as: UTF8.self)
    }
}
