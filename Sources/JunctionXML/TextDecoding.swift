import CLibXML2

/// Strict decoding of bytes in a named character encoding, through libxml2's converters
/// (iconv and ICU), for callers that choose the encoding themselves.
public enum TextDecoding {
    /// `bytes` decoded from `encoding` (an IANA or iconv label), or nil when the label is
    /// unknown or the bytes are not valid in that encoding.
    public static func decode(_ bytes: [UInt8], encoding: String) -> String? {
        switch encoding.lowercased() {
        case "utf-8", "utf8":
            return isValidUTF8(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
        case "us-ascii", "ascii":
            return bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : nil
        case "iso-8859-1", "latin1", "latin-1", "l1", "iso8859-1":
            // Each byte is the code point of the same value: encoded as UTF-8 directly.
            var utf8: [UInt8] = []
            utf8.reserveCapacity(bytes.count * 2)
            for byte in bytes {
                if byte < 0x80 {
                    utf8.append(byte)
                } else {
                    utf8.append(0xC0 | (byte >> 6))
                    utf8.append(0x80 | (byte & 0x3F))
                }
            }
            return String(decoding: utf8, as: UTF8.self)
        default:
            return convert(bytes, from: encoding)
        }
    }

    /// Whether every byte is ASCII (then the bytes are also their own UTF-8).
    public static func isASCII(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? bytes.allSatisfy { $0 < 0x80 }
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or code points past
    /// U+10FFFF), checked without building a string.
    public static func isValidUTF8(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.withContiguousStorageIfAvailable(isValidUTF8) ?? isValidUTF8(Array(bytes))
    }

    private static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var i = 0
        while i < count {
            while i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < count else { break }
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // Unicode's table of well-formed sequences: the second byte's range depends on the first.
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; second = 0xA0...0xBF
            case 0xED: length = 3; second = 0x80...0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0: length = 4; second = 0x90...0xBF
            case 0xF4: length = 4; second = 0x80...0x8F
            case 0xF1...0xF3: length = 4
            default: return false
            }
            guard i + length <= count, second.contains(bytes[i + 1]) else { return false }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
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
