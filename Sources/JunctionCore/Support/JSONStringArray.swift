import Foundation

/// JSON text of an array of strings, written directly. The notifier writes a recipient list
/// for every hub of every post (200 lists of 50 for a post to 10,000 followers), and
/// `JSONEncoder` spends tens of microseconds on each.
public enum JSONStringArray {
    /// `strings` as a JSON array, UTF-8 encoded.
    public static func utf8(_ strings: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(strings.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(string, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `strings` as a JSON array.
    public static func text(_ strings: [String]) -> String {
        String(decoding: utf8(strings), as: UTF8.self)
    }

    /// Appends `string` as a JSON string: quotes, backslashes and control characters escaped
    /// (RFC 8259, section 7), everything else as it is. A string with nothing to escape, as
    /// identity hashes and addresses are, is copied whole.
    static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let utf8 = string.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONStringArray {
    /// The strings of the JSON array `text`, or nil when it is not an array of strings. Arrays
    /// without escapes, as recipient lists are, are read directly; others by `JSONDecoder`.
    public static func strings(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        if bytes.contains(UInt8(ascii: "\\")) { return try? JSONDecoder().decode([String].self, from: Data(bytes)) }
        var strings: [String] = []
        var index = 0
        func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
        }
        func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard take(UInt8(ascii: "[")) else { return nil }
        if !take(UInt8(ascii: "]")) {
            repeat {
                guard take(UInt8(ascii: "\"")), let end = bytes[index...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                // Control characters must be escaped in JSON; a string holding one is not valid.
                guard !bytes[index..<end].contains(where: { $0 < 0x20 }) else { return nil }
                strings.append(String(decoding: bytes[index..<end], as: UTF8.self))
                index = end + 1
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return nil }
        }
        skipSpace()
        return index == bytes.count ? strings : nil
    }
}
