import Foundation
import JunctionXML

/// Feed autodiscovery on a web page: the `<link rel="alternate">` (or `rel="feed"`) elements of
/// feed types, read with libxml2's HTML parser, best first.
///
/// Best is: not a comments feed, then Atom, RSS, JSON Feed, RSS 1.0 (RDF), plain JSON, then the
/// page's own order — so a blog's posts feed wins over its comments feed in any format.
enum FeedAutodiscovery {
    /// Feed media types, most preferred first.
    static let types = ["application/atom+xml", "application/rss+xml", "application/feed+json", "application/rdf+xml", "application/json"]

    /// The feed URLs `page` (fetched from `url`, with the transport's `charset`) links to, best first.
    static func feeds(inPage page: Data, url: URL, charset: String?) -> [URL] {
        guard let tree = try? XMLTree(html: page, url: url.absoluteString, encoding: charset), let root = tree.root else { return [] }
        let base = root.descendants(named: "base").lazy.compactMap { $0.attribute("href") }.first
            .flatMap { URL(string: $0, relativeTo: url)?.absoluteURL } ?? url
        var candidates: [(url: URL, rank: Int)] = []
        for (position, link) in root.descendants(named: "link").enumerated() {
            let rels = Set((link.attribute("rel") ?? "").lowercased().split(whereSeparator: \.isWhitespace))
            guard rels.contains("alternate") || rels.contains("feed"),
                  let type = link.attribute("type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
                  let preference = types.firstIndex(of: type),
                  let href = link.attribute("href")?.trimmingCharacters(in: .whitespacesAndNewlines), !href.isEmpty,
                  let target = URL(string: href, relativeTo: base)?.absoluteURL, target.scheme == "http" || target.scheme == "https"
            else { continue }
            let isComments = (link.attribute("title") ?? "").lowercased().contains("comment") || target.path.lowercased().contains("comments")
            candidates.append((target, (isComments ? 1_000_000 : 0) + preference * 10_000 + position))
        }
        var seen = Set<URL>()
        return candidates.sorted { $0.rank < $1.rank }.map(\.url).filter { seen.insert($0).inserted }
    }
}
