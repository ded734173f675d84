import Foundation
import JunctionCore
import Mustache

/// The public HTML page of a channel: its recent public posts and the feed autodiscovery links,
/// rendered from a Mustache template.
enum ChannelPage {
    static let template: MustacheTemplate = {
        do {
            return try MustacheTemplate(string: source)
        } catch {
            preconditionFailure("the channel page template does not parse: \(error)")
        }
    }()

    static let source = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>{{name}}</title>
    {{#feeds}}
    <link rel="alternate" type="{{type}}" title="{{name}} ({{label}})" href="{{href}}">
    {{/feeds}}
    </head>
    <body>
    <header><h1>{{name}}</h1><p>{{address}}</p></header>
    <main>
    {{#items}}
    <article id="{{anchor}}">
    {{#title}}<h2>{{title}}</h2>{{/title}}
    <div>{{{html}}}</div>
    <p><a href="{{link}}"><time datetime="{{published}}">{{published}}</time></a></p>
    </article>
    {{/items}}
    {{^items}}<p>Nothing published yet.</p>{{/items}}
    </main>
    </body>
    </html>

    """

    static func render(_ feed: ChannelFeed) -> Data {
        let context: [String: Any] = [
            "name": feed.channel.name,
            "address": feed.address,
            "feeds": FeedFormat.allCases.map { format -> [String: Any] in
                ["type": format.mediaType, "label": format.rawValue.uppercased(), "href": format.url(for: feed.channel.handle, domain: feed.domain),
                 "name": feed.channel.name]
            },
            "items": feed.items.map { item -> [String: Any] in
                var out: [String: Any] = ["anchor": feed.anchor(for: item), "html": feed.html(of: item), "link": feed.link(for: item),
                                          "published": FeedWriter.rfc3339(item.created)]
                if let title = item.title { out["title"] = title }
                return out
            },
        ]
        return Data(template.render(context).utf8)
    }
}
