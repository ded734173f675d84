import Foundation
@testable import JunctionRSS
import Testing

/// The byte-scan shortcut in front of Foundation's search answers exactly as Foundation does,
/// including the characters canonically equivalent to ASCII ones and grapheme edge cases.
@Suite("ASCII search")
struct ASCIISearchTests {
    static let cases: [(text: String, target: String)] = [
        ("plain text", "&#39;"), ("it&#39;s", "&#39;"), ("", "</"), ("a</b", "</"),
        ("x&#39\u{037E}y", "&#39;"),        // GREEK QUESTION MARK is canonically ";"
        ("\u{212A}elvin", "K"),             // KELVIN SIGN is canonically "K"
        ("a\u{1FEF}b", "`"),                // GREEK VARIA is canonically "`"
        ("a&#39;\u{0301}b", "&#39;"),       // a combining mark on the ";" hides the match
        ("a\u{226E}!b", "<!"),              // NOT LESS-THAN decomposes to "<" + U+0338
        ("a\r\nb", "\n"), ("a\r\nb", "\r\n"), ("no_lang", "_"), ("a&amp;b&amp;", "&amp;"),
    ]

    @Test("contains(ascii:) and replacingOccurrences(ofASCII:with:) agree with Foundation", arguments: cases)
    func agreesWithFoundation(_ text: String, _ target: String) {
        #expect(text.contains(ascii: target) == text.contains(target))
        let replaced = text.replacingOccurrences(ofASCII: target, with: "X")
        #expect(replaced.utf8.elementsEqual(text.replacingOccurrences(of: target, with: "X").utf8))
    }
}
