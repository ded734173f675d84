import CLibXML2

/// Pre-pass used only when a strict parse failed. libxml2 2.9.14's recover mode silently drops
/// EVERY entity reference in element content after the first well-formedness error (&amp; &lt;
/// &gt; &quot; &apos; included), while numeric character references survive. So: rewrite text
/// references to numeric form, turn HTML4 named entities into their code points, and escape bare
/// '&' / '<' that cannot start markup. Tags, CDATA, comments, PIs and the DOCTYPE are copied as is.
/// Only valid for ASCII-compatible encodings (not UTF-16/32, not ISO-2022-*/UTF-7).
enum XMLRepair {
    static func isASCIICompatible(_ encoding: String) -> Bool {
        let e = encoding.lowercased()
        return !["utf-16", "utf16", "utf-32", "ucs", "iso-2022", "utf-7"].contains { e.hasPrefix($0) }
    }

    static func normalizeReferences(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 8)
        var i = 0
        let hasInternalSubset = contains(b, "<!ENTITY")
        func at(_ s: StaticString, _ p: Int) -> Bool {
            p + s.utf8CodeUnitCount <= b.count && (0..<s.utf8CodeUnitCount).allSatisfy { b[p + $0] == s.utf8Start[$0] }
        }
        func copy(through end: StaticString) {          // copy from i up to and including `end` (or EOF)
            var j = i
            while j < b.count && !at(end, j) { j += 1 }
            j = min(b.count, j + end.utf8CodeUnitCount)
            out += b[i..<j]; i = j
        }
        func isNameByte(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") {
                if at("<![CDATA[", i) { copy(through: "]]>") }
                else if at("<!--", i) { copy(through: "-->") }
                else if at("<?", i) { copy(through: "?>") }
                else if at("<!DOCTYPE", i) {
                    let gt = b[i...].firstIndex(of: UInt8(ascii: ">")) ?? b.count
                    if b[i..<gt].contains(UInt8(ascii: "[")) { copy(through: "]>") } else { copy(through: ">") }
                }
                else if i + 1 < b.count, let n = Optional(b[i + 1]),
                        n == UInt8(ascii: "/") || n == UInt8(ascii: "!") || n == UInt8(ascii: "_") || n == UInt8(ascii: ":")
                            || n >= 0x80 || (n | 0x20 >= 0x61 && n | 0x20 <= 0x7A) {
                    var j = i + 1, quote: UInt8 = 0  // a tag: copy to the closing '>' outside quotes
                    while j < b.count, quote != 0 || b[j] != UInt8(ascii: ">") {
                        if quote == 0, b[j] == 0x22 || b[j] == 0x27 { quote = b[j] } else if b[j] == quote { quote = 0 }
                        j += 1
                    }
                    j = min(b.count, j + 1); out += b[i..<j]; i = j
                } else { out += Array("&#60;".utf8); i += 1 }
            } else if c == UInt8(ascii: "&") {
                var j = i + 1
                while j < b.count, j - i < 40, isNameByte(b[j]) || (j == i + 1 && b[j] == UInt8(ascii: "#")) { j += 1 }
                let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                guard j < b.count, b[j] == UInt8(ascii: ";"), !name.isEmpty else { out += Array("&#38;".utf8); i += 1; continue }
                if name.hasPrefix("#") { out += b[i...j] }
                else if let cp = predefined[name] { out += Array("&#\(cp);".utf8) }
                else if hasInternalSubset { out += b[i...j] }                      // may be declared: leave it
                else if let d = htmlEntityLookup(name) { out += Array("&#\(d.pointee.value);".utf8) }
                else { out += Array("&#38;".utf8) + b[(i + 1)...j] }               // unknown: keep literally
                i = j + 1
            } else { out.append(c); i += 1 }
        }
        return out
    }

    private static let predefined = ["amp": 38, "lt": 60, "gt": 62, "quot": 34, "apos": 39]

    private static func contains(_ b: [UInt8], _ s: String) -> Bool {
        let u = Array(s.utf8)
        guard b.count >= u.count else { return false }
        return (0...(b.count - u.count)).contains { b[$0] == u[0] && Array(b[$0..<$0 + u.count]) == u }
    }
}
