import Foundation
import JunctionXML

/// Feed HTML processing: relative URLs resolved against the item's base, then markup cleaned
/// to an allowlist and re-serialised the way feed readers (feedparser) do, so stored HTML is
/// predictable: lower-case tags, attributes sorted and double-quoted, references as written.
enum FeedHTML {
    /// `html` with relative URLs resolved and everything outside the allowlist removed.
    static func clean(_ html: String, base: String, type: String, resolveURLs: Bool) -> String {
        let resolved = resolveURLs ? render(html, type: type, base: base, sanitize: false) : html
        return render(resolved.replacingOccurrences(ofASCII: "<![CDATA[", with: "&lt;![CDATA["), type: type, base: base, sanitize: true)
            .trimmingWhitespace.replacingOccurrences(ofASCII: "\r\n", with: "\n")
    }

    /// Whether plain text is probably HTML: a close tag or a reference, and only known tags
    /// and entities (feedparser's guess for RSS titles).
    static func looksLikeHTML(_ text: String) -> Bool {
        guard text.contains("&") || text.contains(ascii: "</") else { return false }
        let tokens = HTMLTokenizer.tokenize(text, swallowUnclosedComments: false)
        var hasCloseTagOrReference = false
        for token in tokens {
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
                guard isKnownEntity(name) else { return false }
            default:
                continue
            }
        }
        return hasCloseTagOrReference
    }

    private static func render(_ html: String, type: String, base: String, sanitize: Bool) -> String {
        let tokens = HTMLTokenizer.tokenize(preprocess(html), swallowUnclosedComments: sanitize)
        let xhtml = type == "application/xhtml+xml"
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var unacceptableDepth = 0
        for token in tokens {
            switch token {
            case .startTag(let name, let attributes, let selfClosing):
                if sanitize, !acceptableElements.contains(name) {
                    if unacceptableElementsWithContent.contains(name) { unacceptableDepth += 1 }
                } else {
                    let kept = sanitize ? safeAttributes(normalized(attributes)) : resolved(normalized(attributes), of: name, base: base)
                    startTag(name, kept, into: &out)
                }
                if xhtml, selfClosing { endTag(name, sanitize: sanitize, unacceptableDepth: &unacceptableDepth, into: &out) }
            case .endTag(let name):
                endTag(name, sanitize: sanitize, unacceptableDepth: &unacceptableDepth, into: &out)
            case .text(let text):
                if unacceptableDepth == 0 { out += text }
            case .characterReference(let reference):
                out += characterReference(reference)
            case .entityReference(let name):
                out += isKnownEntity(name) ? "&\(name);" : "&amp;\(name)"
            case .comment(let text):
                out += "<!--\(text)-->"
            case .processingInstruction(let text):
                if !sanitize { out += "<?\(text)>" }
            case .declaration(let text):
                if !sanitize { out += "<!\(text)>" }
            }
        }
        return out
    }

    /// What feedparser does before tokenizing: stray `<!` escaped, `<br/>` spelled out, and
    /// the two quote references turned into characters.
    private static func preprocess(_ html: String) -> String {
        var text = html
        if text.contains(ascii: "<!") {
            var out = ""
            var rest = Substring(text)
            while let range = rest.range(of: "<!") {
                out += rest[..<range.lowerBound]
                let after = rest[range.upperBound...]
                let keep = after.uppercased().hasPrefix("DOCTYPE") || after.hasPrefix("--") || after.hasPrefix("[")
                out += keep ? "<!" : "&lt;!"
                rest = after
            }
            text = out + rest
        }
        if text.contains(ascii: "/>") { text = expandingShortTags(text) }
        return text.replacingOccurrences(ofASCII: "&#39;", with: "'").replacingOccurrences(ofASCII: "&#34;", with: "\"")
    }

    /// `<br/>` → `<br />`, `<p/>` → `<p></p>` (attribute-less tags only).
    private static func expandingShortTags(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            let name = after.prefix { $0 != "<" && $0 != ">" && $0 != "/" && !$0.isWhitespace }
            var tail = after.dropFirst(name.count)
            while let first = tail.first, first.isWhitespace { tail = tail.dropFirst() }
            if !name.isEmpty, tail.hasPrefix("/>") {
                let tag = String(name)
                out += voidElements.contains(tag) ? "<\(tag) />" : "<\(tag)></\(tag)>"
                rest = tail.dropFirst(2)
            } else {
                out += "<"
                rest = after
            }
        }
        return out + rest
    }

    private static func startTag(_ name: String, _ attributes: [(name: String, value: String)], into out: inout String) {
        out += "<" + name
        for (key, value) in attributes {
            out += " \(key)=\"\(escapeAttribute(value))\""
        }
        out += voidElements.contains(name) ? " />" : ">"
    }

    private static func endTag(_ name: String, sanitize: Bool, unacceptableDepth: inout Int, into out: inout String) {
        if sanitize, !acceptableElements.contains(name) {
            if unacceptableElementsWithContent.contains(name) { unacceptableDepth -= 1 }
            return
        }
        if !voidElements.contains(name) { out += "</\(name)>" }
    }

    /// Duplicate names collapsed (last value, first position), `rel`/`type` lower-cased, sorted.
    private static func normalized(_ attributes: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var values: [String: String] = [:]
        for (name, value) in attributes { values[name] = value }
        return values.map { (name: $0.key, value: $0.key == "rel" || $0.key == "type" ? $0.value.lowercased() : $0.value) }
            .sorted { $0.name < $1.name }
    }

    private static func resolved(_ attributes: [(name: String, value: String)], of element: String, base: String) -> [(name: String, value: String)] {
        attributes.map { attribute in
            guard relativeURIAttributes.contains(element + " " + attribute.name) else { return attribute }
            let value = FeedURI.safeJoin(base, attribute.value.trimmingWhitespace)
            return (attribute.name, value.isEmpty ? attribute.value : value)
        }
    }

    private static func safeAttributes(_ attributes: [(name: String, value: String)]) -> [(name: String, value: String)] {
        attributes.compactMap { attribute in
            if attribute.name == "style" {
                let style = FeedCSS.clean(attribute.value)
                return style.isEmpty ? nil : (attribute.name, style)
            }
            guard acceptableAttributes.contains(attribute.name) else { return nil }
            guard uriAttributes.contains(attribute.name) else { return attribute }
            return (attribute.name, FeedURI.safeJoin(attribute.value))
        }
    }

    /// `&#150;` → `&#x2013;` (windows-1252 code points mapped to Unicode), others as written.
    private static func characterReference(_ reference: String) -> String {
        let lower = reference.lowercased()
        let value = lower.hasPrefix("x") ? Int(lower.dropFirst(), radix: 16) : Int(lower)
        if let value, let mapped = windows1252[value] { return "&#x\(String(mapped, radix: 16));" }
        return "&#\(lower);"
    }

    private static func escapeAttribute(_ value: String) -> String {
        // Most values need nothing: none of the four characters (no other character equals them).
        guard value.utf8.contains(where: { $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "&") })
        else { return value }
        var out = ""
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            switch character {
            case ">": out += "&gt;"
            case "<": out += "&lt;"
            case "\"": out += "&quot;"
            case "&": out += isReference(value[index...]) ? "&" : "&amp;"
            default: out.append(character)
            }
            index = value.index(after: index)
        }
        return out
    }

    /// Whether `text` starts with `&#123;`, `&#x1f;` or `&name;`.
    private static func isReference(_ text: Substring) -> Bool {
        var rest = text.dropFirst().unicodeScalars[...]
        if rest.first == "#" {
            rest = rest.dropFirst()
            let hex = rest.first == "x"
            if hex { rest = rest.dropFirst() }
            let digits = rest.prefix { hex ? $0.properties.isASCIIHexDigit : ("0"..."9").contains($0) }
            return !digits.isEmpty && rest.dropFirst(digits.count).first == ";"
        }
        let word = rest.prefix { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
        return !word.isEmpty && rest.dropFirst(word.count).first == ";"
    }

    static func isKnownEntity(_ name: String) -> Bool {
        name == "apos" || HTMLEntities.codePoint(named: name) != nil
    }
}
