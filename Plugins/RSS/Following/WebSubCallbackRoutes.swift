import Foundation
import Hummingbird
import JunctionCore
import JunctionServer
import Logging

/// `/websub/callback/TOKEN`: where the hubs of followed feeds verify our subscriptions (`GET`)
/// and push new content (`POST`).
///
/// A push must carry a valid `X-Hub-Signature` made with the secret we gave; one that does not
/// is acknowledged (WebSub §8 asks for a 2xx) and ignored. A push is stored like a polled
/// document: the followers get the entries they do not hold yet.
struct WebSubCallbackRoutes: Sendable {
    let store: any Store
    let poller: FeedPoller
    let maximumBytes: Int
    let logger: Logger

    func register(on router: Router<HubRequestContext>) {
        router.get("/websub/callback/:token") { request, context in try await verify(request, context: context) }
        router.post("/websub/callback/:token") { request, context in try await receive(request, context: context) }
    }

    private func subscription(_ context: HubRequestContext) async throws -> (XChan, PushSubscription) {
        let token = context.parameters.get("token") ?? ""
        guard let found = try await store.read({ try await PushSubscription.find(token: token, in: $0) }) else {
            throw JunctionError.notFound("no subscription has this callback")
        }
        return found
    }

    func verify(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (feed, found) = try await subscription(context)
        var push = found
        let query = FormEncoding.decode(request.uri.query ?? "")
        switch query["hub.mode"] {
        case "subscribe":
            guard query["hub.topic"] == push.topic, let challenge = query["hub.challenge"], !challenge.isEmpty, push.state != .refused else {
                throw JunctionError.notFound("this hub did not ask for a subscription to \(query["hub.topic"]?.prefix(200) ?? "that topic")")
            }
            push.state = .active
            push.lastError = nil
            push.leaseExpires = query["hub.lease_seconds"].flatMap(Int.init).map { Date().addingTimeInterval(TimeInterval($0)) }
            let verified = push
            try await store.write { try await verified.save(for: feed.hash, in: $0) }
            logger.info("WebSub subscription verified", metadata: ["feed": "\(feed.address)", "hub": "\(push.hub)"])
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: challenge)))
        case "denied":
            push.state = .refused
            push.lastError = "the hub denied the subscription" + (query["hub.reason"].map { ": \($0.prefix(200))" } ?? "")
            let denied = push
            try await store.write { try await denied.save(for: feed.hash, in: $0) }
            return Response(status: .ok)
        default:
            throw JunctionError.notFound("this hub did not ask for that (hub.mode \(query["hub.mode"]?.prefix(32) ?? "missing"))")
        }
    }

    func receive(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (feed, push) = try await subscription(context)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBytes)
        } catch {
            throw JunctionError(.payloadTooLarge, "pushed documents are limited to \(maximumBytes / 1024) KiB")
        }
        let body = Data(buffer.readableBytesView)
        guard push.state == .active else {
            throw JunctionError.notFound("the subscription behind this callback is not active")
        }
        guard let signature = request.headers[values: HubSignature.field].first,
              HubSignature.verify(signature, body: body, secret: push.secret) else {
            logger.warning("WebSub push ignored: missing or wrong signature", metadata: ["feed": "\(feed.address)"])
            return Response(status: .accepted)
        }
        let parsed = FeedParser.parse(body, transport: FeedTransport(contentType: request.headers[.contentType], url: push.topic))
        guard !parsed.version.isEmpty else {
            throw JunctionError.invalidInput("the pushed document is not a feed (\(parsed.problem ?? "no feed elements"))")
        }
        let stored = try await poller.takeIn(parsed, from: feed, now: Date())
        logger.info("WebSub push taken in", metadata: ["feed": "\(feed.address)", "stored": "\(stored)"])
        return Response(status: .accepted)
    }
}
