/// The `style` attribute filter: only simple declarations of harmless properties survive, and
/// nothing that can load a URL (feedparser's rules, so stored styles match what readers keep).
/// feedparser states the rules as regular expressions; these are scanners that accept the same.
enum FeedCSS {
    private static let properties: Set<String> = [
        "azimuth", "background-color", "border-bottom-color", "border-collapse", "border-color", "border-left-color",
        "border-right-color", "border-top-color", "clear", "color", "cursor", "direction", "display", "elevation", "float",
        "font", "font-family", "font-size", "font-style", "font-variant", "font-weight", "height", "letter-spacing",
        "line-height", "overflow", "pause", "pause-after", "pause-before", "pitch", "pitch-range", "richness", "speak",
        "speak-header", "speak-numeral", "speak-punctuation", "speech-rate", "stress", "text-align", "text-decoration",
        "text-indent", "unicode-bidi", "vertical-align", "voice-family", "volume", "white-space", "width",
    ]
    private static let keywords: Set<String> = [
        "!important", "aqua", "auto", "black", "block", "blue", "bold", "both", "bottom", "brown", "center", "collapse",
        "dashed", "dotted", "fuchsia", "gray", "green", "italic", "left", "lime", "maroon", "medium", "navy", "none",
        "normal", "nowrap", "olive", "pointer", "purple", "red", "right", "silver", "solid", "teal", "top", "transparent",
        "underline", "white", "yellow",
    ]
    private static let shorthandFamilies: Set<Substring> = ["background", "border", "margin", "padding"]
    private static let units: Set<String> = ["", "cm", "em", "ex", "in", "mm", "pc", "pt", "px", "%", ",", ")"]

    /// The declarations of `style` that are allowed, `""` when none (or when it looks hostile).
    static func clean(_ style: String) -> String {
        guard style.utf8.count <= 4096 else { return "" }
        var text = Array(style.unicodeScalars)
        if style.mightContain(ascii: "url") { text = withoutURLs(text) }
        guard passesGauntlet(text), let declarations = declarations(text) else { return "" }
        var kept = ""
        kept.reserveCapacity(style.utf8.count)
        for (name, value) in declarations where !value.isEmpty {
            let lower = name.lowercased()
            guard properties.contains(lower) || isSimpleShorthand(lower, value) else { continue }
            if !kept.isEmpty { kept += " " }
            kept += name
            kept += ": "
            kept += value
            kept += ";"
        }
        return kept
    }

    /// Whether `name` (lower-case) is of a shorthand family and `value` only keywords and value words.
    private static func isSimpleShorthand(_ name: String, _ value: String) -> Bool {
        guard shorthandFamilies.contains(pieces(name, hyphens: true).first ?? Substring(name)) else { return false }
        return pieces(value, hyphens: false).allSatisfy { keywords.contains(String($0)) || isValueWord(Array($0.unicodeScalars)[...]) }
    }

    /// `text` split on whitespace, or on `-` when `hyphens`, empty pieces left out. ASCII text is
    /// split as bytes, which gives the same pieces (its one two-byte character, CR LF, is whitespace
    /// as its bytes are), far faster than as characters.
    private static func pieces(_ text: String, hyphens: Bool) -> [Substring] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.split { hyphens ? $0 == "-" : $0.isWhitespace } }
        return text.utf8.split { hyphens ? $0 == UInt8(ascii: "-") : $0.isASCIIWhitespace }.map { Substring($0) }
    }

    /// Every `url(…)` (`url\s*\(\s*[^\s)]+\s*\)\s*`) replaced by a space.
    private static func withoutURLs(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if let end = urlEnd(text, from: i) {
                out.append(" ")
                i = end
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static func urlEnd(_ text: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 3 <= text.count, text[start] == "u", text[start + 1] == "r", text[start + 2] == "l" else { return nil }
        var i = skipSpace(text, from: start + 3)
        guard i < text.count, text[i] == "(" else { return nil }
        i = skipSpace(text, from: i + 1)
        let target = i
        while i < text.count, !isSpace(text[i]), text[i] != ")" { i += 1 }
        guard i > target else { return nil }
        i = skipSpace(text, from: i)
        guard i < text.count, text[i] == ")" else { return nil }
        return skipSpace(text, from: i + 1)
    }

    /// Whether `text` is made only of safe pieces: `:,;#%.!`, spaces, ASCII letters and digits,
    /// `a-b` between word characters, quoted words and parenthesised number lists.
    private static func passesGauntlet(_ text: [Unicode.Scalar]) -> Bool {
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        for i in text.indices where reachable[i] {
            let c = text[i]
            let byte = c.isASCII ? UInt8(c.value) : 0
            if byte.isASCIILetter || byte.isASCIIDigit || isSafePunctuation(byte) || isSpace(c) {
                reachable[i + 1] = true
            }
            if i + 2 < text.count, text[i + 1] == "-", isWord(c), isWord(text[i + 2]) { reachable[i + 3] = true }
            if c == "'" || c == "\"" || c == "(" {
                let close: Unicode.Scalar = c == "(" ? ")" : c
                let inside: (Unicode.Scalar) -> Bool = c == "(" ? { isDigit($0) || $0 == "," || isSpace($0) } : { isSpace($0) || isWord($0) }
                var j = i + 1
                while j < text.count, inside(text[j]) { j += 1 }
                if j > i + 1, j < text.count, text[j] == close { reachable[j + 1] = true }
            }
        }
        return reachable[text.count]
    }

    private static func isSafePunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "."), UInt8(ascii: "!"): true
        default: false
        }
    }

    /// `name: value; name: value`, nil unless the whole text is such a list
    /// (`\s*[-\w]+\s*:\s*[^:;]*;?`, repeated); values keep their trailing spaces.
    private static func declarations(_ text: [Unicode.Scalar]) -> [(name: String, value: String)]? {
        var out: [(name: String, value: String)] = []
        var i = skipSpace(text, from: 0)
        while i < text.count {
            let nameStart = i
            while i < text.count, isWord(text[i]) || text[i] == "-" { i += 1 }
            guard i > nameStart else { return nil }
            let name = string(text[nameStart..<i])
            i = skipSpace(text, from: i)
            guard i < text.count, text[i] == ":" else { return nil }
            i = skipSpace(text, from: i + 1)
            let valueStart = i
            while i < text.count, text[i] != ":", text[i] != ";" { i += 1 }
            out.append((name, string(text[valueStart..<i])))
            if i < text.count, text[i] == ";" { i += 1 }
            i = skipSpace(text, from: i)
        }
        return out
    }

    /// A shorthand value word: `#hex`, `rgb(…)` or a small number with an optional unit.
    private static func isValueWord(_ word: ArraySlice<Unicode.Scalar>) -> Bool {
        matches(word, hexColour[...]) || matches(word, rgbColour[...]) || matches(word, number[...]) { units.contains(string($0)) }
    }

    /// `#[0-9a-f]+`
    private static let hexColour = [Piece("#"), Piece({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }, 1, .max)]
    /// `rgb\(\d+%?,\d*%?,?\d*%?\)?`
    private static let rgbColour: [Piece] = {
        let digits = Piece(isDigit, 0, .max)
        let percent = Piece({ $0 == "%" }, 0, 1)
        return "rgb(".unicodeScalars.map { Piece($0) }
            + [Piece(isDigit, 1, .max), percent, Piece(","), digits, percent, Piece({ $0 == "," }, 0, 1), digits, percent, Piece({ $0 == ")" }, 0, 1)]
    }()
    /// `\d{0,2}\.?\d{0,2}`, followed by a unit
    private static let number = [Piece(isDigit, 0, 2), Piece({ $0 == "." }, 0, 1), Piece(isDigit, 0, 2)]

    /// A run of `minimum...maximum` scalars that `accepts`.
    private struct Piece: Sendable {
        var accepts: @Sendable (Unicode.Scalar) -> Bool
        var minimum: Int
        var maximum: Int

        init(_ accepts: @escaping @Sendable (Unicode.Scalar) -> Bool, _ minimum: Int, _ maximum: Int) {
            self.accepts = accepts
            self.minimum = minimum
            self.maximum = maximum
        }

        init(_ scalar: Unicode.Scalar) { self.init({ $0 == scalar }, 1, 1) }
    }

    /// Whether `text` is the pieces in order, longest runs first, with a rest that `rest` accepts.
    private static func matches(_ text: ArraySlice<Unicode.Scalar>, _ pieces: ArraySlice<Piece>,
                                rest: (ArraySlice<Unicode.Scalar>) -> Bool = { $0.isEmpty }) -> Bool {
        guard let piece = pieces.first else { return rest(text) }
        var count = 0
        while count < piece.maximum, count < text.count, piece.accepts(text[text.startIndex + count]) { count += 1 }
        guard count >= piece.minimum else { return false }
        return stride(from: count, through: piece.minimum, by: -1).contains { matches(text.dropFirst($0), pieces.dropFirst(), rest: rest) }
    }

    private static func skipSpace(_ text: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < text.count, isSpace(text[i]) { i += 1 }
        return i
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        guard scalars.allSatisfy(\.isASCII) else {
            var out = ""
            out.unicodeScalars.append(contentsOf: scalars)
            return out
        }
        return String(unsafeUninitializedCapacity: scalars.count) { buffer in
            for (offset, scalar) in scalars.enumerated() { buffer[offset] = UInt8(scalar.value) }
            return scalars.count
        }
    }

    // ASCII first: Unicode property look-ups are slow, and styles are nearly always ASCII.
    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c.isASCII ? UInt8(c.value).isASCIIWhitespace : c.properties.isWhitespace }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.isASCII ? ("0"..."9").contains(c) : c.properties.numericType == .decimal }
    private static func isWord(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? UInt8(c.value).isASCIILetter || UInt8(c.value).isASCIIDigit || c == "_" : c.properties.isAlphabetic || c.properties.numericType != nil
    }
}
