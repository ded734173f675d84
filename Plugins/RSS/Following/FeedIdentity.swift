import Foundation
import JunctionCore
import JunctionXML

/// The xchan of a followed feed: keyed and addressed by the feed's URL, named by its title.
enum FeedIdentity {
    static func xchan(of feed: ParsedFeed, url: URL, now: Date = Date()) -> XChan {
        let title = feed.title.map(PlainText.of).flatMap { $0.isEmpty ? nil : $0 }
        return XChan(hash: url.absoluteString, address: url.absoluteString, name: String((title ?? url.host ?? url.absoluteString).prefix(255)),
                     network: RSSDriver.networkName, photoURL: feed.icon ?? feed.logo ?? feed.image, url: feed.link,
                     created: now, updated: now)
    }
}

/// Plain text of a feed text construct (titles may be HTML).
enum PlainText {
    static func of(_ text: FeedText) -> String {
        guard text.isHTML else { return text.value.trimmingCharacters(in: .whitespacesAndNewlines) }
        var out = ""
        var inTag = false
        for character in text.value {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { out.append(character) }
        }
        return decodeReferences(out).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `&amp;`, `&#233;`, `&#xE9;` and the other HTML character references, decoded.
    static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semicolon = rest.prefix(12).firstIndex(of: ";") else {
                out.append("&")
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semicolon]
            let scalar: UInt32? = if name.hasPrefix("#x") || name.hasPrefix("#X") { UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { UInt32(name.dropFirst()) }
                else { HTMLEntities.codePoint(named: String(name)) }
            if let scalar, let character = Unicode.Scalar(scalar) {
                out.unicodeScalars.append(character)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                out.append("&")
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }
}
