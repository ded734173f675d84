import JunctionXML

/// Feed HTML processing: relative URLs resolved against the item's base and markup cleaned to
/// an allowlist, then re-serialised the way feed readers (feedparser) do, so stored HTML is
/// predictable: lower-case tags, attributes sorted and double-quoted, references as written.
/// feedparser makes two passes (resolution, then sanitising); one pass over the UTF-8 bytes
/// gives the same result, because the first pass only changes URL attribute values.
enum FeedHTML {
    /// `html` with relative URLs resolved (unless `resolveURLs` is false) and everything outside
    /// the allowlist removed.
    static func clean(_ html: String, base: String, type: String, resolveURLs: Bool) -> String {
        // Without markup or references the text is its own serialisation.
        guard html.containsByte(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else { return finished(html) }
        let source = preprocess(Array(html.utf8))
        let tokens = HTMLTokenizer.tokenize(source, swallowUnclosedComments: true)
        let xhtml = type == "application/xhtml+xml"
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var unacceptableDepth = 0
        for token in tokens {
            switch token {
            case .startTag(let name, let attributes, let selfClosing):
                if !acceptableElements.contains(name) {
                    if unacceptableElementsWithContent.contains(name) { unacceptableDepth += 1 }
                } else {
                    startTag(name, cleaned(attributes, of: name, base: resolveURLs ? base : nil), into: &out)
                }
                if xhtml, selfClosing { endTag(name, unacceptableDepth: &unacceptableDepth, into: &out) }
            case .endTag(let name):
                endTag(name, unacceptableDepth: &unacceptableDepth, into: &out)
            case .text(let range):
                if unacceptableDepth == 0 { out += source[range] }
            case .lessThanSign:
                out += "&lt;".utf8
            case .characterReference(let digits):
                characterReference(source[digits], into: &out)
            case .entityReference(let name):
                if isKnownEntity(source[name]) {
                    out.append(UInt8(ascii: "&"))
                    out += source[name]
                    out.append(UInt8(ascii: ";"))
                } else {
                    out += "&amp;".utf8
                    out += source[name]
                }
            case .comment(let text):
                out += "<!--".utf8
                out += source[text]
                out += "-->".utf8
            case .processingInstruction, .declaration:
                continue
            }
        }
        return finished(String(decoding: out, as: UTF8.self))
    }

    /// Trimmed, with CRLF line ends as LF.
    private static func finished(_ html: String) -> String {
        html.trimmingWhitespace.replacingOccurrences(ofASCII: "\r\n", with: "\n")
    }

    /// Whether plain text is probably HTML: a close tag or a reference, and only known tags
    /// and entities (feedparser's guess for RSS titles).
    static func looksLikeHTML(_ text: String) -> Bool {
        guard text.containsByte(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") }) else { return false }
        let bytes = Array(text.utf8)
        let hasAmpersand = bytes.contains(UInt8(ascii: "&"))
        guard hasAmpersand || bytes.indices.dropLast().contains(where: { bytes[$0] == UInt8(ascii: "<") && bytes[$0 + 1] == UInt8(ascii: "/") })
        else { return false }
        var hasCloseTagOrReference = false
        for token in HTMLTokenizer.tokenize(bytes, swallowUnclosedComments: false) {
            switch token {
            case .endTag(let name) where !name.isEmpty:
                guard acceptableElements.contains(name) else { return false }
                hasCloseTagOrReference = true
            case .startTag(let name, _, _):
                guard acceptableElements.contains(name) else { return false }
            case .characterReference:
                hasCloseTagOrReference = true
            case .entityReference(let name):
                hasCloseTagOrReference = true
                guard isKnownEntity(bytes[name]) else { return false }
            default:
                continue
            }
        }
        return hasCloseTagOrReference
    }

    /// What feedparser does before tokenizing: `<![CDATA[` and other stray `<!` escaped,
    /// `<br/>` spelled out, and the two quote references turned into characters.
    private static func preprocess(_ html: [UInt8]) -> [UInt8] {
        var text = html
        var (declarations, shortTags, references) = (false, false, false)
        text.withUnsafeBufferPointer { bytes in
            for index in bytes.indices.dropLast() {
                let pair = (bytes[index], bytes[index + 1])
                if pair == (UInt8(ascii: "<"), UInt8(ascii: "!")) { declarations = true }
                if pair == (UInt8(ascii: "/"), UInt8(ascii: ">")) { shortTags = true }
                if pair == (UInt8(ascii: "&"), UInt8(ascii: "#")) { references = true }
            }
        }
        if declarations { text = escapingStrayDeclarations(text) }
        if shortTags { text = expandingShortTags(text) }
        if references { text = replacingQuoteReferences(text) }
        return text
    }

    /// `<!` escaped as `&lt;!` unless it opens a DOCTYPE, a comment or a marked section other
    /// than CDATA.
    private static func escapingStrayDeclarations(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 16)
        for (index, byte) in text.enumerated() {
            guard byte == UInt8(ascii: "<"), index + 1 < text.count, text[index + 1] == UInt8(ascii: "!") else {
                out.append(byte)
                continue
            }
            let after = text[(index + 2)...]
            let keep = (hasPrefix(after, "DOCTYPE", ignoringCase: true) || hasPrefix(after, "--") || hasPrefix(after, "["))
                && !hasPrefix(after, "[CDATA[")
            out += keep ? "<".utf8 : "&lt;".utf8
        }
        return out
    }

    /// `<br/>` → `<br />`, `<p/>` → `<p></p>` (attribute-less tags only).
    private static func expandingShortTags(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 16)
        var i = 0
        while i < text.count {
            guard text[i] == UInt8(ascii: "<") else {
                let next = text[i...].firstIndex(of: UInt8(ascii: "<")) ?? text.count
                out += text[i..<next]
                i = next
                continue
            }
            var nameEnd = i + 1
            while nameEnd < text.count, text[nameEnd] != UInt8(ascii: "<"), text[nameEnd] != UInt8(ascii: ">"), text[nameEnd] != UInt8(ascii: "/"),
                  whitespaceLength(text, at: nameEnd) == 0 {
                nameEnd += 1
            }
            var tail = nameEnd
            while case let length = whitespaceLength(text, at: tail), length > 0 { tail += length }
            let name = text[(i + 1)..<nameEnd]
            if !name.isEmpty, hasPrefix(text[tail...], "/>") {
                out.append(UInt8(ascii: "<"))
                out += name
                if voidElements.contains(String(decoding: name, as: UTF8.self)) {
                    out += " />".utf8
                } else {
                    out += "></".utf8
                    out += name
                    out.append(UInt8(ascii: ">"))
                }
                i = tail + 2
            } else {
                out.append(UInt8(ascii: "<"))
                i += 1
            }
        }
        return out
    }

    /// `&#39;` → `'`, `&#34;` → `"`.
    private static func replacingQuoteReferences(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let rest = text[i...]
            if hasPrefix(rest, "&#39;") {
                out.append(UInt8(ascii: "'"))
                i += 5
            } else if hasPrefix(rest, "&#34;") {
                out.append(UInt8(ascii: "\""))
                i += 5
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static func startTag(_ name: String, _ attributes: [HTMLTokenizer.Attribute], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out += name.utf8
        for attribute in attributes {
            out.append(UInt8(ascii: " "))
            out += attribute.name.utf8
            out += "=\"".utf8
            escapeAttribute(attribute.value, into: &out)
            out.append(UInt8(ascii: "\""))
        }
        out += voidElements.contains(name) ? " />".utf8 : ">".utf8
    }

    private static func endTag(_ name: String, unacceptableDepth: inout Int, into out: inout [UInt8]) {
        guard acceptableElements.contains(name) else {
            if unacceptableElementsWithContent.contains(name) { unacceptableDepth -= 1 }
            return
        }
        guard !voidElements.contains(name) else { return }
        out += "</".utf8
        out += name.utf8
        out.append(UInt8(ascii: ">"))
    }

    /// The attributes of a kept element as written out: duplicates collapsed (last value),
    /// `rel`/`type` lower-cased, sorted by name; relative URLs resolved against `base` (when
    /// given), then only allowed attributes, styles and URL schemes kept.
    private static func cleaned(_ attributes: [HTMLTokenizer.Attribute], of element: String, base: String?) -> [HTMLTokenizer.Attribute] {
        guard !attributes.isEmpty else { return attributes }
        var unique: [HTMLTokenizer.Attribute] = []
        unique.reserveCapacity(attributes.count)
        for attribute in attributes {
            if let index = unique.firstIndex(where: { $0.name == attribute.name }) {
                unique[index].value = attribute.value
            } else {
                unique.append(attribute)
            }
        }
        if unique.count > 1 { unique.sort { $0.name < $1.name } }
        let resolvable = base == nil ? nil : relativeURIAttributes[element]
        return unique.compactMap { attribute in
            var value = attribute.name == "rel" || attribute.name == "type" ? attribute.value.lowercased() : attribute.value
            if let base {
                if resolvable?.contains(attribute.name) == true {
                    let resolved = FeedURI.safeJoin(base, value.trimmingWhitespace)
                    if !resolved.isEmpty { value = resolved }
                }
                // What feedparser's sanitiser reads is the resolution pass's output: escaped.
                value = escapedAttribute(value)
            }
            if attribute.name == "style" {
                let style = FeedCSS.clean(value)
                return style.isEmpty ? nil : HTMLTokenizer.Attribute(name: attribute.name, value: style)
            }
            guard acceptableAttributes.contains(attribute.name) else { return nil }
            guard uriAttributes.contains(attribute.name) else { return HTMLTokenizer.Attribute(name: attribute.name, value: value) }
            return HTMLTokenizer.Attribute(name: attribute.name, value: FeedURI.safeJoin(value))
        }
    }

    /// `150` → `&#x2013;` (windows-1252 code points mapped to Unicode), others as written, lower-cased.
    private static func characterReference(_ digits: ArraySlice<UInt8>, into out: inout [UInt8]) {
        let hex = digits.first.map { $0 | 0x20 == UInt8(ascii: "x") } ?? false
        var value = 0
        for byte in digits.dropFirst(hex ? 1 : 0) where value <= 0xFFFF {
            value = value * (hex ? 16 : 10) + Int(byte.isASCIIDigit ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10)
        }
        out += "&#".utf8
        if let mapped = windows1252[value] {
            out.append(UInt8(ascii: "x"))
            out += String(mapped, radix: 16).utf8
        } else {
            out += digits.lazy.map { $0.isASCIILetter ? $0 | 0x20 : $0 }
        }
        out.append(UInt8(ascii: ";"))
    }

    private static func escapedAttribute(_ value: String) -> String {
        guard value.containsByte(where: needsEscaping) else { return value }
        var out: [UInt8] = []
        escapeAttribute(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `>`, `<`, `"` and a `&` that starts no reference escaped.
    private static func escapeAttribute(_ value: String, into out: inout [UInt8]) {
        // Most values need nothing: none of the four characters (no other character equals them).
        guard value.containsByte(where: needsEscaping) else {
            out += value.utf8
            return
        }
        let bytes = Array(value.utf8)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "&"): out += isReference(bytes[index...]) ? "&".utf8 : "&amp;".utf8
            default: out.append(byte)
            }
        }
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ">") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "&")
    }

    /// Whether `text` starts with `&#123;`, `&#x1f;` or `&name;` (a name of letters, digits and `_`).
    private static func isReference(_ text: ArraySlice<UInt8>) -> Bool {
        var rest = text.dropFirst()
        if rest.first == UInt8(ascii: "#") {
            rest = rest.dropFirst()
            let hex = rest.first == UInt8(ascii: "x")
            if hex { rest = rest.dropFirst() }
            let digits = rest.prefix { hex ? $0.isASCIIHexDigit : $0.isASCIIDigit }
            return !digits.isEmpty && rest.dropFirst(digits.count).first == UInt8(ascii: ";")
        }
        // A name may hold any letter or digit: decode the scalars up to the `;`.
        guard let semicolon = rest.firstIndex(of: UInt8(ascii: ";")), semicolon > rest.startIndex else { return false }
        return String(decoding: rest[..<semicolon], as: UTF8.self).unicodeScalars
            .allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
    }

    static func isKnownEntity(_ name: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: name, as: UTF8.self)
        return text == "apos" || HTMLEntities.codePoint(named: text) != nil
    }

    /// The byte length of the whitespace character at `index`, 0 when there is none there.
    private static func whitespaceLength(_ text: [UInt8], at index: Int) -> Int {
        guard index < text.count else { return 0 }
        let byte = text[index]
        if byte < 0x80 { return byte.isASCIIWhitespace ? 1 : 0 }
        let next = index + 1 < text.count ? text[index + 1] : 0
        let third = index + 2 < text.count ? text[index + 2] : 0
        switch (byte, next, third) {
        case (0xC2, 0x85, _), (0xC2, 0xA0, _): return 2  // U+0085, U+00A0
        case (0xE1, 0x9A, 0x80), (0xE2, 0x81, 0x9F), (0xE3, 0x80, 0x80): return 3  // U+1680, U+205F, U+3000
        case (0xE2, 0x80, 0x80...0x8A), (0xE2, 0x80, 0xA8), (0xE2, 0x80, 0xA9), (0xE2, 0x80, 0xAF): return 3  // U+2000–200A, U+2028/9, U+202F
        default: return 0
        }
    }

    private static func hasPrefix(_ text: ArraySlice<UInt8>, _ prefix: StaticString, ignoringCase: Bool = false) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard text.count >= count else { return false }
        return (0..<count).allSatisfy { offset in
            let byte = text[text.startIndex + offset]
            let wanted = prefix.utf8Start[offset]
            return byte == wanted || (ignoringCase && byte.isASCIILetter && byte | 0x20 == wanted | 0x20)
        }
    }
}
