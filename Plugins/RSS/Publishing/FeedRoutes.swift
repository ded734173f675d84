import Foundation
import Hummingbird
import JunctionCore
import JunctionServer

/// `GET /channel/HANDLE` (the HTML page) and `/channel/HANDLE/feed.rss|feed.atom|feed.json` for
/// every public channel; anything else is 404, private channels included.
struct FeedRoutes: Sendable {
    let store: any Store
    let domain: HubDomain

    func register(on router: Router<HubRequestContext>) {
        router.get("/channel/:handle") { _, context in
            let feed = try await load(context)
            return ConditionalResponse(body: ChannelPage.render(feed), contentType: "text/html; charset=utf-8", lastModified: feed.updated)
        }
        for format in FeedFormat.allCases {
            router.get("/channel/:handle/\(format.fileName)") { _, context in
                let feed = try await load(context)
                return ConditionalResponse(body: FeedWriter.write(feed, as: format), contentType: "\(format.mediaType); charset=utf-8",
                                           lastModified: feed.updated)
            }
        }
    }

    private func load(_ context: HubRequestContext) async throws -> ChannelFeed {
        let handle = context.parameters.get("handle") ?? ""
        guard let feed = try await ChannelFeed.load(handle: handle, store: store, domain: domain) else {
            throw JunctionError.notFound("no public channel '\(handle.prefix(64))'")
        }
        return feed
    }
}
