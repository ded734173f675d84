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
        let baseParts = Parts(base)
        var ref = Parts(reference)
        if let scheme = ref.scheme {
            guard scheme.lowercased() == (baseParts.scheme ?? "").lowercased(), relativeSchemes.contains(scheme.lowercased()) else {
                return reference
            }
            ref.scheme = nil
        }
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
            guard let scheme = Parts(base).scheme?.lowercased() else { return base }
            return acceptableSchemes.contains(scheme) ? base : ""
        }
        let joined = join(base, reference)
        let scheme = joined.trimmingWhitespace.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return acceptableSchemes.contains(scheme) ? joined : ""
    }

    /// `http:///x` → `http://x`, as feedparser normalises before joining.
    private static func collapsingSlashesAfterScheme(_ text: String) -> String {
        guard Parts(text).scheme != nil, let range = text.range(of: "://") else { return text }
        var rest = text[range.upperBound...]
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        return String(text[..<range.upperBound] + rest)
    }

    private static func removingDotSegments(_ path: String) -> String {
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
            if let hash = rest.firstIndex(of: "#") {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let mark = rest.firstIndex(of: "?") {
                query = String(rest[rest.index(after: mark)...])
                rest = rest[..<mark]
            }
            if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isASCII, first.isLetter,
               rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
                scheme = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let end = rest.firstIndex(of: "/") ?? rest.endIndex
                authority = String(rest[..<end])
                rest = rest[end...]
            }
            path = String(rest)
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
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
