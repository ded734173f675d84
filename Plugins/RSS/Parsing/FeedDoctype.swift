import Foundation
/// The DOCTYPE of a feed replaced before XML parsing (what feedparser does): the internal
/// subset keeps only simple entities (literal text or one character reference), so entity
/// bombs and external entities never reach the parser; undeclared HTML entities then make the
/// document ill-formed and the recovery pass reads them from the HTML table.
enum FeedDoctype {
    /// The rewritten document (UTF-8) and whether the DOCTYPE named Netscape's RSS 0.91.
    static func replace(_ utf8: [UInt8]) -> (utf8: [UInt8], isNetscapeRSS: Bool) {
        // The prolog is everything before the first element.
        var start = -1
        for index in 0..<max(0, utf8.count - 1) where utf8[index] == UInt8(ascii: "<") && utf8[index + 1].isWordByte {
            start = index
            break
        }
        let split = start + 1
        // Only DOCTYPE and ENTITY declarations are rewritten: a prolog without them (comments
        // alone, as in many feeds) stays as it is.
        guard contains(utf8[..<split], "<!DOCTYPE") || contains(utf8[..<split], "<!ENTITY") else { return (utf8, false) }
        let head = String(decoding: utf8[..<split], as: UTF8.self)
        let (withoutEntities, entities) = removing("ENTITY", from: head)
        let (out, doctypes) = removing("DOCTYPE", from: withoutEntities)
        let isNetscape = doctypes.first?.lowercased().contains("netscape") ?? false
        var replacement = ""
        if doctypes.count == 1 {
            let safe = entities.compactMap(safeEntity)
            if !safe.isEmpty {
                replacement = "<!DOCTYPE feed [\n" + safe.map { "<!ENTITY \($0.name) \"\($0.value)\">" }.joined(separator: "\n") + "\n]>"
            }
        }
        // Put the replacement where the DOCTYPE was: before the first element.
        var prolog = out
        if prolog.hasSuffix("<") {
            prolog.removeLast()
            prolog += replacement + "<"
        } else {
            prolog += replacement
        }
        return (Array(prolog.utf8) + utf8[split...], isNetscape)
    }

    private static func contains(_ bytes: ArraySlice<UInt8>, _ keyword: StaticString) -> Bool {
        bytes.withUnsafeBufferPointer { String.find(UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount), in: $0) }
    }

    /// `text` without its `<!KEYWORD …>` declarations, and their bodies.
    private static func removing(_ keyword: String, from text: String) -> (String, [String]) {
        var out = ""
        var found: [String] = []
        let bytes = Array(text.utf8)
        let opening = Array(("<!" + keyword).utf8)
        var rest = 0
        var search = 0
        while let open = bytes[search...].firstIndex(of: UInt8(ascii: "<")) {
            guard bytes[open...].starts(with: opening) else {
                search = open + 1
                continue
            }
            guard let close = bytes[(open + opening.count)...].firstIndex(of: UInt8(ascii: ">")) else { break }
            out += String(decoding: bytes[rest..<open], as: UTF8.self)
            found.append(String(decoding: bytes[(open + opening.count)..<close], as: UTF8.self))
            rest = close + 1
            search = rest
        }
        return (out + String(decoding: bytes[rest...], as: UTF8.self), found)
    }

    /// ` name "value"` when the value is literal text or a single character reference.
    private static func safeEntity(_ declaration: String) -> (name: String, value: String)? {
        let trimmed = declaration.trimmingWhitespace
        guard declaration.first?.isWhitespace == true, let space = trimmed.firstIndex(where: \.isWhitespace) else { return nil }
        let name = trimmed[..<space]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        let rest = trimmed[space...].drop(while: \.isWhitespace)
        guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
        let value = rest[rest.index(after: rest.startIndex)..<close]
        let isCharacterReference = value.hasPrefix("&#") && value.hasSuffix(";") && value.dropFirst(2).dropLast().allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        guard isCharacterReference || !value.contains("&") else { return nil }
        return (String(name), String(value))
    }
}
