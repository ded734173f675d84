import Foundation
/// URL resolution as feed readers do it: RFC 3986 references against a base, and the
/// scheme allowlist that keeps `javascript:`, `data:` and friends out of links and bases.
enum FeedURI {
    /// Schemes a resolved URL may use (feedparser's list).
    static let acceptableSchemes: Set<String> = [
        "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms", "news", "nntp",
        "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews", "svn", "svn+ssh", "telnet",
        "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim",
        "skype", "ssh", "smb", "ymsg",
    ]
    /// Schemes whose URLs are hierarchical, so that references resolve against them.
    private static let relativeSchemes: Set<String> = [
        "", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms", "prospero", "rtsp",
        "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss",
    ]

    /// `reference` resolved against `base`; `base` when `reference` is empty.
    static func join(_ base: String, _ reference: String) -> String {
        let reference = collapsingSlashesAfterScheme(reference)
        guard !base.isEmpty else { return reference }
        guard !reference.isEmpty else { return base }
        var ref = Parts(reference)
        if let scheme = ref.scheme {
            let baseScheme = self.scheme(of: Parts.withoutQueryAndFragment(base)) ?? ""
            guard scheme.lowercased() == baseScheme.lowercased(), relativeSchemes.contains(scheme.lowercased()) else { return reference }
            ref.scheme = nil
        }
        let baseParts = Parts(base)
        guard relativeSchemes.contains((baseParts.scheme ?? "").lowercased()) else { return reference }
        var out = Parts(scheme: baseParts.scheme, authority: baseParts.authority, path: "", query: nil, fragment: ref.fragment)
        if let authority = ref.authority {
            out.authority = authority
            out.path = removingDotSegments(ref.path)
            out.query = ref.query
        } else if ref.path.isEmpty {
            out.path = baseParts.path
            out.query = ref.query ?? baseParts.query
        } else {
            if ref.path.hasPrefix("/") {
                out.path = removingDotSegments(ref.path)
            } else {
                let merged: String
                if baseParts.authority != nil, baseParts.path.isEmpty {
                    merged = "/" + ref.path
                } else if let slash = baseParts.path.lastIndex(of: "/") {
                    merged = baseParts.path[...slash] + ref.path
                } else {
                    merged = ref.path
                }
                out.path = removingDotSegments(merged)
            }
            out.query = ref.query
        }
        return out.text
    }

    /// feedparser's `make_safe_absolute_uri`: `reference` against `base`, or `""` when the result
    /// uses a scheme outside the allowlist. With no reference, `base` itself is checked.
    static func safeJoin(_ base: String, _ reference: String? = nil) -> String {
        guard !base.isEmpty else { return reference ?? "" }
        guard let reference, !reference.isEmpty else {
            guard let scheme = scheme(of: base) else { return base }
            return acceptableSchemes.contains(scheme.lowercased()) ? base : ""
        }
        let joined = join(base, reference)
        let trimmed = joined.trimmingWhitespace
        let scheme = trimmed.utf8.firstIndex(of: UInt8(ascii: ":")).map { String(trimmed[..<$0]) } ?? trimmed
        return acceptableSchemes.contains(scheme) ? joined : ""
    }

    /// The scheme of `text` as written (`http` in `http://a/`), nil when it has none.
    static func scheme(of text: Substring) -> Substring? {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")), let first = text.utf8.first, first.isASCIILetter,
              text.utf8[..<colon].allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else { return nil }
        return text[..<colon]
    }

    static func scheme(of text: String) -> Substring? { scheme(of: text[...]) }

    /// `http:///x` → `http://x`, as feedparser normalises before joining.
    private static func collapsingSlashesAfterScheme(_ text: String) -> String {
        let bytes = text.utf8
        guard let separator = bytes.indices.first(where: { bytes[$0...].starts(with: "://".utf8) }) else { return text }
        let afterSeparator = bytes.index(separator, offsetBy: 3)
        guard afterSeparator < bytes.endIndex, bytes[afterSeparator] == UInt8(ascii: "/"), scheme(of: Parts.withoutQueryAndFragment(text)) != nil
        else { return text }
        let rest = bytes[afterSeparator...].drop { $0 == UInt8(ascii: "/") }
        return String(text[..<afterSeparator]) + String(text[rest.startIndex...])
    }

    private static func removingDotSegments(_ path: String) -> String {
        // A dot segment starts the path or follows a slash.
        guard path.utf8.first == UInt8(ascii: ".") || path.mightContain(ascii: "/."),
              path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) else { return path }
        var input = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let absolute = path.hasPrefix("/")
        if absolute { input.removeFirst() }
        var output: [String] = []
        for (index, segment) in input.enumerated() {
            let last = index == input.count - 1
            switch segment {
            case ".":
                if last { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if last { output.append("") }
            default:
                output.append(segment)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }

    /// A URL split into its RFC 3986 components.
    struct Parts {
        var scheme: String?
        var authority: String?
        var path: String
        var query: String?
        var fragment: String?

        init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
            self.scheme = scheme
            self.authority = authority
            self.path = path
            self.query = query
            self.fragment = fragment
        }

        init(_ text: String) {
            var rest = Substring(text)
            if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) {
                fragment = String(rest[rest.utf8.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let mark = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
                query = String(rest[rest.utf8.index(after: mark)...])
                rest = rest[..<mark]
            }
            if let scheme = FeedURI.scheme(of: rest) {
                self.scheme = String(scheme)
                rest = rest[rest.utf8.index(after: scheme.endIndex)...]
            }
            if rest.utf8.starts(with: "//".utf8) {
                rest = rest[rest.utf8.index(rest.startIndex, offsetBy: 2)...]
                let end = rest.utf8.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
                authority = String(rest[..<end])
                rest = rest[end...]
            }
            path = String(rest)
        }

        /// `text` up to its first `?` or `#`.
        static func withoutQueryAndFragment(_ text: String) -> Substring {
            text[..<(text.utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? text.endIndex)]
        }

        var text: String {
            var out = ""
            if let scheme { out += scheme + ":" }
            if let authority { out += "//" + authority }
            out += path
            if let query, !query.isEmpty { out += "?" + query }
            if let fragment, !fragment.isEmpty { out += "#" + fragment }
            return out
        }
    }
}

extension String {
    /// Without leading and trailing ASCII whitespace (Python's `str.strip` for the usual cases).
    var trimmingWhitespace: String {
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if first < 0x80, !first.isASCIIWhitespace, last < 0x80, !last.isASCIIWhitespace { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
