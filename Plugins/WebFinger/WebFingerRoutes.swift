import Foundation
import HTTPTypes
import Hummingbird
import JunctionCore
import JunctionServer

/// The serving side: `/.well-known/webfinger` for local channels (RFC 7033) and
/// `/.well-known/host-meta` (XRD) and `/.well-known/host-meta.json` (RFC 6415) pointing at it.
/// Every answer, errors included, carries `Access-Control-Allow-Origin: *`.
struct WebFingerRoutes: Sendable {
    let store: any Store
    let hooks: HookRegistry
    let domain: HubDomain

    func register(on router: Router<HubRequestContext>) {
        let group = router.group().add(middleware: CORSAnyOrigin())
        group.get("/.well-known/webfinger") { request, _ in try await webfinger(request) }
        group.get("/.well-known/host-meta") { _, _ in document(hostMeta, as: XRD.mediaType) }
        group.get("/.well-known/host-meta.json") { _, _ in document(hostMeta, as: JRD.mediaType) }
    }

    /// The host's metadata: the LRDD template of this hub's WebFinger endpoint.
    var hostMeta: IdentityDocument {
        IdentityDocument(links: [IdentityLink(rel: "lrdd", template: "\(domain.baseURL)/.well-known/webfinger?resource={uri}")])
    }

    func webfinger(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard let resource = query.get("resource"), !resource.isEmpty else {
            throw JunctionError.invalidInput("the resource parameter is missing")
        }
        let address: DiscoveryAddress
        do {
            address = try DiscoveryAddress(resource)
        } catch {
            throw JunctionError.invalidInput("the resource is malformed: \(error.message)")
        }
        guard var document = try await channelDocument(for: address) else {
            throw JunctionError.notFound("no channel here is \(resource.prefix(200))")
        }
        let rels = Set(query.getAll("rel"))
        if !rels.isEmpty { document.links.removeAll { !rels.contains($0.rel) } }
        let wantsXRD = (request.headers[.accept] ?? "").contains(XRD.mediaType) && !(request.headers[.accept] ?? "").contains("json")
        return wantsXRD ? self.document(document, as: XRD.mediaType) : self.document(document, as: JRD.mediaType)
    }

    /// The JRD of the local channel `address` names (`acct:handle@domain` or its URL), with the
    /// links every driver adds through the `webfinger` hook.
    func channelDocument(for address: DiscoveryAddress) async throws -> IdentityDocument? {
        guard let handle = address.channelHandle(on: domain) else { return nil }
        let found = try await store.read { session -> (Channel, XChan)? in
            guard let channel = try await session.channel(handle: handle), let xchan = try await session.xchan(hash: channel.xchanHash),
                  !xchan.isDeleted else { return nil }
            return (channel, xchan)
        }
        guard let (channel, xchan) = found else { return nil }
        let url = xchan.url ?? "\(domain.baseURL)/channel/\(handle)"
        var links = [IdentityLink(rel: IdentityLink.Rel.profilePage, type: "text/html", href: url)]
        if let photo = xchan.photoURL { links.append(IdentityLink(rel: IdentityLink.Rel.avatar, href: photo)) }
        let base = IdentityDocument(subject: "acct:\(handle)@\(domain)", aliases: [url],
                                    properties: [IdentityLink.Rel.name: .some(channel.name)], links: links)
        return await hooks.run(.webfinger, ChannelDocument(channel: channel, xchan: xchan, document: base)).document
    }

    private func document(_ document: IdentityDocument, as mediaType: String) -> Response {
        let body = mediaType == XRD.mediaType ? XRD.encode(document) : JRD.encode(document)
        return Response(status: .ok, headers: [.contentType: mediaType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Adds `Access-Control-Allow-Origin: *` to every response, errors included (RFC 7033 5).
private struct CORSAnyOrigin: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await JSONErrorMiddleware<Context>().handle(request, context: context, next: next)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}
