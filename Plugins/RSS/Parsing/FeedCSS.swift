/// The `style` attribute filter: only simple declarations of harmless properties survive, and
/// nothing that can load a URL (feedparser's rules, so stored styles match what readers keep).
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
    nonisolated(unsafe) private static let url = try! Regex(#"url\s*\(\s*[^\s)]+?\s*\)\s*"#)
    nonisolated(unsafe) private static let gauntlet = try! Regex(#"([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*"#)
    nonisolated(unsafe) private static let declaration = try! Regex(#"\s*[-\w]+\s*:\s*[^:;]*;?"#)
    nonisolated(unsafe) private static let property = try! Regex(#"([-\w]+)\s*:\s*([^:;]*)"#)
    nonisolated(unsafe) private static let value = try! Regex(#"#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))?"#)

    /// The declarations of `style` that are allowed, `""` when none (or when it looks hostile).
    static func clean(_ style: String) -> String {
        guard style.utf8.count <= 4096 else { return "" }
        let withoutURLs = style.replacing(url, with: " ")
        guard (try? gauntlet.wholeMatch(in: withoutURLs)) != nil,
              withoutURLs.replacing(declaration, with: "").trimmingWhitespace.isEmpty else { return "" }
        var kept: [String] = []
        for match in withoutURLs.matches(of: property) {
            guard let name = match.output[1].substring, let text = match.output[2].substring, !text.isEmpty else { continue }
            let lower = name.lowercased()
            let family = lower.split(separator: "-").first.map(String.init) ?? lower
            if properties.contains(lower) {
                kept.append("\(name): \(text);")
            } else if ["background", "border", "margin", "padding"].contains(family),
                      text.split(whereSeparator: \.isWhitespace).allSatisfy({ keywords.contains(String($0)) || (try? value.wholeMatch(in: String($0))) != nil }) {
                kept.append("\(name): \(text);")
            }
        }
        return kept.joined(separator: " ")
    }
}
