/// A lenient tokenizer for HTML fragments from feeds, modelled on Python's `sgmllib` as
/// feedparser uses it, so that re-serialised markup matches what feed readers expect byte for
/// byte: references stay as written, anything that is not a complete tag is text. It reads
/// UTF-8 bytes; text, references and comments are ranges of those bytes.
struct HTMLTokenizer {
    /// An attribute: lower-cased name, value with its quotes removed.
    struct Attribute {
        var name: String
        var value: String
    }

    enum Token {
        case startTag(String, [Attribute], selfClosing: Bool)
        case endTag(String)
        case text(Range<Int>)
        /// A `<` that opens nothing (`<![`): text written `&lt;`.
        case lessThanSign
        /// `&#123;` or `&#x1f;`: the range of `123` or `x1f`.
        case characterReference(Range<Int>)
        /// `&name` or `&name;`: the range of the name.
        case entityReference(Range<Int>)
        case comment(Range<Int>)
        case processingInstruction(Range<Int>)
        case declaration(Range<Int>)
    }

    private let bytes: [UInt8]
    /// Unclosed `<!--`: true drops the rest (the sanitiser), false keeps it as text.
    private let swallowUnclosedComments: Bool
    private var tokens: [Token] = []
    private var lastTag = "???"

    /// The tokens of `bytes` (UTF-8).
    static func tokenize(_ bytes: [UInt8], swallowUnclosedComments: Bool) -> [Token] {
        var tokenizer = HTMLTokenizer(bytes: bytes, swallowUnclosedComments: swallowUnclosedComments)
        tokenizer.tokens.reserveCapacity(bytes.count / 16 + 4)
        tokenizer.run()
        return tokenizer.tokens
    }

    private init(bytes: [UInt8], swallowUnclosedComments: Bool) {
        self.bytes = bytes
        self.swallowUnclosedComments = swallowUnclosedComments
    }

    private mutating func text(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        tokens.append(.text(range))
    }

    private func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// The bytes of `range` (ASCII name bytes) lower-cased, as a string.
    private func lowercasedName(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, byte) in bytes[range].enumerated() { buffer[offset] = byte.isASCIILetter ? byte | 0x20 : byte }
            return range.count
        }
    }

    private func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    private func starts(_ prefix: StaticString, at index: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return (0..<count).allSatisfy { bytes[index + $0] == prefix.utf8Start[$0] }
    }

    private mutating func run() {
        let n = bytes.count
        var i = 0
        scan: while i < n {
            var j = i
            while j < n, bytes[j] != UInt8(ascii: "<"), bytes[j] != UInt8(ascii: "&") { j += 1 }
            text(i..<j)
            i = j
            if i == n { break }
            if bytes[i] == UInt8(ascii: "<") {
                let next = at(i + 1)
                if next == UInt8(ascii: ">") || next.isASCIILetter {
                    guard let k = parseStartTag(i) else { break scan }
                    i = k
                    continue
                }
                if next == UInt8(ascii: "/") {
                    guard let k = parseEndTag(i) else { break scan }
                    i = k
                    continue
                }
                if starts("<!--", at: i) {
                    guard let k = parseComment(i) else { break scan }
                    i = k
                    continue
                }
                if next == UInt8(ascii: "?") {
                    guard let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: ">")) else { break scan }
                    tokens.append(.processingInstruction((i + 2)..<close))
                    i = close + 1
                    continue
                }
                if next == UInt8(ascii: "!") {
                    guard let k = parseDeclaration(i) else { break scan }
                    i = k
                    continue
                }
                text(i..<(i + 1))
                i += 1
                continue
            }
            // '&'
            if let (reference, end) = characterReference(i) {
                tokens.append(.characterReference(reference))
                i = end
                continue
            }
            if let (name, end) = entityReference(i) {
                tokens.append(.entityReference(name))
                i = end
                continue
            }
            var k = i + 1
            if at(k).isASCIILetter {
                while k < n, at(k).isASCIILetter || at(k).isASCIIDigit { k += 1 }
            } else if at(k) == UInt8(ascii: "#") {
                k += 1
                while k < n, at(k).isASCIIDigit { k += 1 }
            }
            if k == n { break }
            text(i..<k)
            i = k
        }
        text(i..<n)
    }

    /// `&#123;` or `&#x1F;` (the `;` is required): the reference's digits and where it ends.
    private func characterReference(_ i: Int) -> (Range<Int>, Int)? {
        guard at(i + 1) == UInt8(ascii: "#") else { return nil }
        var k = i + 2
        if at(k) == UInt8(ascii: "x") || at(k) == UInt8(ascii: "X") {
            k += 1
            let start = k
            while at(k).isASCIIHexDigit { k += 1 }
            guard k > start else { return nil }
        } else {
            let start = k
            while at(k).isASCIIDigit { k += 1 }
            guard k > start else { return nil }
        }
        guard at(k) == UInt8(ascii: ";") else { return nil }
        return ((i + 2)..<k, k + 1)
    }

    /// `&name` followed by any character that is not a letter or digit; a `;` is consumed.
    private func entityReference(_ i: Int) -> (Range<Int>, Int)? {
        guard at(i + 1).isASCIILetter else { return nil }
        var end = i + 2
        while end < bytes.count, at(end).isASCIILetter || at(end).isASCIIDigit || at(end) == UInt8(ascii: "-") || at(end) == UInt8(ascii: ".") {
            end += 1
        }
        // Backtrack like the regular expression: the name must be followed by a non-alphanumeric byte.
        while end > i + 1 {
            if end < bytes.count, !at(end).isASCIILetter, !at(end).isASCIIDigit {
                return ((i + 1)..<end, at(end) == UInt8(ascii: ";") ? end + 1 : end)
            }
            end -= 1
        }
        return nil
    }

    /// The first `<` or `>` after `start` that is not inside a well-formed quoted value.
    private func endBracket(from start: Int) -> Int? {
        var p = start
        quoted: while p < bytes.count {
            let c = bytes[p]
            if c == UInt8(ascii: "<") || c == UInt8(ascii: ">") { return p }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                guard let close = bytes[(p + 1)...].firstIndex(of: c), quoteMayEnd(at: close + 1) else { break quoted }
                p = close + 1
                continue
            }
            p += 1
        }
        for q in start..<bytes.count {
            if bytes[q] == UInt8(ascii: "\n") { return nil }
            if bytes[q] == UInt8(ascii: "<") || bytes[q] == UInt8(ascii: ">") { return q }
        }
        return nil
    }

    /// What may follow a closing quote inside a tag: `>`, `/`, whitespace or `name=`.
    private func quoteMayEnd(at p: Int) -> Bool {
        let c = at(p)
        if c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c.isHTMLSpace { return true }
        var k = p
        while at(k).isWordByte { k += 1 }
        return k > p && at(k) == UInt8(ascii: "=")
    }

    private mutating func parseStartTag(_ i: Int) -> Int? {
        // SGML short tags: <tag/text/
        var nameEnd = i + 1
        while at(nameEnd).isASCIILetter || at(nameEnd).isASCIIDigit || at(nameEnd) == UInt8(ascii: "-") || at(nameEnd) == UInt8(ascii: ".") {
            nameEnd += 1
        }
        if at(i + 1).isASCIILetter, at(nameEnd) == UInt8(ascii: "/") {
            guard let close = bytes[(nameEnd + 1)...].firstIndex(of: UInt8(ascii: "/")) else { return nil }
            let tag = lowercasedName((i + 1)..<nameEnd)
            tokens.append(.startTag(tag, [], selfClosing: false))
            text((nameEnd + 1)..<close)
            tokens.append(.endTag(tag))
            return close + 1
        }
        guard var j = endBracket(from: i + 1) else { return nil }
        var k: Int
        let tag: String
        if at(i + 1) == UInt8(ascii: ">") {
            k = j
            tag = lastTag
        } else {
            k = i + 1
            while at(k).isTagNameByte { k += 1 }
            tag = lowercasedName((i + 1)..<k)
            lastTag = tag
        }
        var attributes: [Attribute] = []
        while k < j, let (attribute, end) = attribute(at: k) {
            attributes.append(attribute)
            k = end
        }
        if at(j) == UInt8(ascii: ">") { j += 1 }
        let selfClosing = j >= 2 && at(j - 2) == UInt8(ascii: "/") && at(j - 1) == UInt8(ascii: ">")
        tokens.append(.startTag(tag, attributes, selfClosing: selfClosing))
        return j
    }

    /// One `name[=value]` at `k` (leading space allowed): the lower-cased name, the value with
    /// quotes removed (the name when there is no value), and where it ends.
    private func attribute(at start: Int) -> (Attribute, Int)? {
        var k = start
        while at(k).isHTMLSpace { k += 1 }
        guard at(k).isASCIILetter || at(k) == UInt8(ascii: "_") else { return nil }
        let nameStart = k
        while at(k).isTagNameByte { k += 1 }
        let name = lowercasedName(nameStart..<k)
        let nameEnd = k
        if at(k) == UInt8(ascii: "$") { k += 1 }
        var e = k
        while at(e).isHTMLSpace { e += 1 }
        guard at(e) == UInt8(ascii: "=") else { return (Attribute(name: name, value: string(nameStart..<nameEnd)), k) }
        e += 1
        while at(e).isHTMLSpace { e += 1 }
        var value: Range<Int>
        let quote = at(e)
        if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""), let close = bytes[(e + 1)...].firstIndex(of: quote) {
            value = (e + 1)..<close
            e = close + 1
        } else {
            let valueStart = e
            while e < bytes.count, bytes[e].isUnquotedValueByte { e += 1 }
            value = valueStart..<e
            if value.count >= 2, bytes[valueStart] == UInt8(ascii: "'") || bytes[valueStart] == UInt8(ascii: "\""), bytes[e - 1] == bytes[valueStart] {
                value = (valueStart + 1)..<(e - 1)
            }
        }
        return (Attribute(name: name, value: terminatingNumericReferences(value)), e)
    }

    /// The value text, `&#38` → `&#38;` (what sgmllib's reference conversion does to attribute values).
    private func terminatingNumericReferences(_ value: Range<Int>) -> String {
        guard value.contains(where: { $0 + 1 < value.upperBound && bytes[$0] == UInt8(ascii: "&") && bytes[$0 + 1] == UInt8(ascii: "#") }) else {
            return string(value)
        }
        var out: [UInt8] = []
        var i = value.lowerBound
        while i < value.upperBound {
            out.append(bytes[i])
            guard bytes[i] == UInt8(ascii: "&"), i + 1 < value.upperBound, bytes[i + 1] == UInt8(ascii: "#") else {
                i += 1
                continue
            }
            out.append(UInt8(ascii: "#"))
            i += 2
            let digitsStart = i
            while i < value.upperBound, bytes[i].isASCIIDigit { i += 1 }
            guard i > digitsStart else { continue }
            out += bytes[digitsStart..<i]
            if i < value.upperBound, bytes[i] == UInt8(ascii: ";") { i += 1 }
            out.append(UInt8(ascii: ";"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func parseEndTag(_ i: Int) -> Int? {
        guard var j = endBracket(from: i + 1) else { return nil }
        // `</b x>` is `b`; text that does not start with a letter is the name as it is.
        let tag: String
        if bytes[(i + 2)..<j].allSatisfy({ $0 < 0x80 }) {
            var range = (i + 2)..<j
            while let first = range.first, bytes[first].isASCIIWhitespace { range = range.dropFirst() }
            while let last = range.last, bytes[last].isASCIIWhitespace { range = range.dropLast() }
            if let first = range.first, bytes[first].isASCIILetter {
                range = first..<(range.firstIndex { !bytes[$0].isTagNameByte } ?? range.upperBound)
            }
            tag = lowercasedName(range)
        } else {
            let raw = string((i + 2)..<j).trimmingWhitespace.lowercased()
            let name = raw.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }
            tag = raw.first?.isLetter == true ? String(name) : raw
        }
        if at(j) == UInt8(ascii: ">") { j += 1 }
        tokens.append(.endTag(tag))
        return j
    }

    private mutating func parseComment(_ i: Int) -> Int? {
        var p = i + 4
        while p + 1 < bytes.count {
            if bytes[p] == UInt8(ascii: "-"), bytes[p + 1] == UInt8(ascii: "-") {
                var q = p + 2
                while at(q).isHTMLSpace { q += 1 }
                if at(q) == UInt8(ascii: ">") {
                    tokens.append(.comment((i + 4)..<p))
                    return q + 1
                }
            }
            p += 1
        }
        guard swallowUnclosedComments else { return nil }
        // A malformed close (`--!>`, `-- x>`) ends it; an unclosed comment swallows the rest.
        p = i + 4
        while p + 1 < bytes.count {
            if bytes[p] == UInt8(ascii: "-"), bytes[p + 1] == UInt8(ascii: "-") {
                if let close = bytes[(p + 2)...].firstIndex(of: UInt8(ascii: ">")) { return close + 1 }
            }
            p += 1
        }
        return bytes.count
    }

    /// `<!DOCTYPE …>` up to its `>` outside quotes; any other `<!` is text.
    private mutating func parseDeclaration(_ i: Int) -> Int? {
        guard !starts("<![", at: i) else {
            tokens.append(.lessThanSign)
            return i + 1
        }
        var p = i + 2
        var quote: UInt8 = 0
        while p < bytes.count {
            let c = bytes[p]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: ">") {
                tokens.append(.declaration((i + 2)..<p))
                return p + 1
            }
            p += 1
        }
        return nil
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isASCIIHexDigit: Bool { isASCIIDigit || ((self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "f")) }
    var isHTMLSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self == 0x0C || self == 0x0B }
    /// The ASCII characters with Unicode's White_Space property.
    var isASCIIWhitespace: Bool { self == 0x20 || (self >= 0x09 && self <= 0x0D) }
    var isWordByte: Bool { isASCIILetter || isASCIIDigit || self == UInt8(ascii: "_") || self >= 0x80 }
    /// Letters, digits and `-_.:`: what tag and attribute names are made of.
    var isTagNameByte: Bool {
        isASCIILetter || isASCIIDigit || self == UInt8(ascii: "-") || self == UInt8(ascii: "_") || self == UInt8(ascii: ".") || self == UInt8(ascii: ":")
    }
    /// What an unquoted attribute value is made of.
    var isUnquotedValueByte: Bool {
        isASCIILetter || isASCIIDigit || Self.unquotedValuePunctuation[Int(self)]
    }
    private static let unquotedValuePunctuation: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "][-./,:;+*%?!&$()_#=~'\"@".utf8 { table[Int(byte)] = true }
        return table
    }()
}
