/// The e-mail address in free-text author fields (`me@example.com (Me)`), found the way
/// feedparser's pattern finds it, by a scanner instead of a regular expression:
/// `local@label.label.tld` or `local@[1.2.3.tld]`, optionally followed by `?subject=…`.
enum FeedEmail {
    /// Where the first address in `text` is, nil when it holds none.
    static func firstRange(in text: String) -> Range<String.Index>? {
        let bytes = Array(text.utf8)
        for at in bytes.indices where bytes[at] == UInt8(ascii: "@") {
            var start = at
            while start > 0, isLocalByte(bytes[start - 1]) { start -= 1 }
            guard start < at, var end = domainEnd(bytes, from: at + 1) else { continue }
            let utf8 = text.utf8
            if hasPrefix(bytes, "?subject=", at: end) {
                let rest = text[utf8.index(utf8.startIndex, offsetBy: end + 9)...].unicodeScalars
                let stop = utf8.distance(from: utf8.startIndex, to: rest.firstIndex { $0.properties.isWhitespace } ?? rest.endIndex)
                if stop > end + 9 { end = stop }
            }
            return utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)
        }
        return nil
    }

    /// The end of `[d.d.d.tld]` or `label.label.tld` at `start` (the most labels that leave a
    /// top-level domain, as a backtracking match would take), a closing `]` included.
    private static func domainEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var end: Int?
        if start < bytes.count, bytes[start] == UInt8(ascii: "[") {
            var p = start + 1
            for _ in 0..<3 {
                let digits = run(bytes, from: p, where: \.isASCIIDigit)
                guard (1...3).contains(digits), p + digits < bytes.count, bytes[p + digits] == UInt8(ascii: ".") else { return nil }
                p += digits + 1
            }
            end = topLevelDomainEnd(bytes, at: p)
        } else {
            var labelEnds: [Int] = []
            var p = start
            while true {
                let label = run(bytes, from: p) { $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }
                guard label > 0, p + label < bytes.count, bytes[p + label] == UInt8(ascii: ".") else { break }
                p += label + 1
                labelEnds.append(p)
            }
            end = labelEnds.reversed().lazy.compactMap { topLevelDomainEnd(bytes, at: $0) }.first
        }
        guard let end else { return nil }
        return end < bytes.count && bytes[end] == UInt8(ascii: "]") ? end + 1 : end
    }

    /// Two to four letters (as many as there are), else one to three digits.
    private static func topLevelDomainEnd(_ bytes: [UInt8], at start: Int) -> Int? {
        let letters = run(bytes, from: start, where: \.isASCIILetter)
        if letters >= 2 { return start + min(letters, 4) }
        let digits = run(bytes, from: start, where: \.isASCIIDigit)
        return digits >= 1 ? start + min(digits, 3) : nil
    }

    private static func run(_ bytes: [UInt8], from start: Int, where matches: (UInt8) -> Bool) -> Int {
        var end = start
        while end < bytes.count, matches(bytes[end]) { end += 1 }
        return end - start
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: StaticString, at start: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        return (0..<count).allSatisfy { bytes[start + $0] == prefix.utf8Start[$0] }
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "+")
    }
}
