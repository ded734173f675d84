import Foundation
import Hummingbird
import JunctionCore
import JunctionServer
import Logging

/// `POST /inbox`: deliveries from other Junction hubs.
///
/// The request must be signed by the sending hub (RFC 9421 over method, target URI, content
/// type and Content-Digest, `created` within 5 minutes), with a `keyid` naming a hub whose site
/// key this hub knows from discovery, and the activity's author must be served by that hub.
/// Answers 202 with what became of the item for each addressed channel; a repeated delivery is
/// accepted again without storing anything twice.
struct NativeInbox: Sendable {
    /// The largest delivery accepted.
    static let maximumBody = 1024 * 1024
    /// The most recipients one delivery may address (each is a store transaction).
    static let maximumRecipients = 1000

    let store: any Store
    let items: ItemPipeline
    /// This hub's public domain: the signed target URI is the public one, not what a reverse
    /// proxy forwards.
    let domain: HubDomain
    let logger: Logger

    func register(on router: Router<HubRequestContext>) {
        router.post("/inbox") { request, context in try await receive(request, context: context) }
    }

    struct Result: Encodable {
        var channel: String
        var outcome: String
        var reason: String?
    }

    func receive(_ request: Request, context: HubRequestContext) async throws -> JSONBody {
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard contentType == NativeActivity.contentType || contentType == "application/json" else {
            throw JunctionError(.unsupportedMediaType, "deliveries must be \(NativeActivity.contentType)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            throw JunctionError(.payloadTooLarge, "deliveries are limited to \(Self.maximumBody / 1024) KiB")
        }
        let body = Data(buffer.readableBytesView)
        let senderHost = try await verify(request, body: body)
        let activity: NativeActivity
        do {
            activity = try NativeActivity.decoder.decode(NativeActivity.self, from: body)
        } catch {
            throw JunctionError.invalidInput("the delivery is not a valid activity: \(error.localizedDescription)")
        }
        let recipients = Set(activity.to)
        guard recipients.count <= Self.maximumRecipients else {
            throw JunctionError.invalidInput("a delivery may address at most \(Self.maximumRecipients) channels")
        }
        let servesAuthor = try await store.read { session in
            try await session.hublocs(xchanHash: activity.actor).contains {
                $0.host == senderHost && $0.network == XChan.localNetwork && !$0.isDeleted
            }
        }
        guard servesAuthor else {
            throw JunctionError(.forbidden, "\(senderHost) does not serve the author \(activity.actor)")
        }
        var results: [Result] = []
        for recipient in recipients.sorted() {
            guard let channel = try await store.read({ try await $0.channel(xchanHash: recipient) }) else {
                results.append(Result(channel: recipient, outcome: "refused", reason: "no such channel here"))
                continue
            }
            let item = activity.item(for: channel)
            let reception = item.verb == .update || item.verb == .delete
                ? try await items.receiveChange(item, network: XChan.localNetwork)
                : try await items.receive(item, network: XChan.localNetwork)
            switch reception {
            case .stored: results.append(Result(channel: channel.handle.rawValue, outcome: "stored"))
            case .duplicate: results.append(Result(channel: channel.handle.rawValue, outcome: "duplicate"))
            case .refused(let reason): results.append(Result(channel: channel.handle.rawValue, outcome: "refused", reason: reason))
            }
        }
        if !results.isEmpty, results.allSatisfy({ $0.outcome == "refused" }) {
            throw JunctionError(.forbidden, results.compactMap(\.reason).joined(separator: "; "))
        }
        return try JSONBody(["results": results], status: .accepted)
    }

    /// Checks the hub signature and the digest; returns the sending hub's host.
    private func verify(_ request: Request, body: Data) async throws -> String {
        guard let digest = request.headers[.init("Content-Digest")!],
              HTTPMessageSignature.contentDigestMatches(digest, body: body) else {
            throw JunctionError(.unauthorized, "the delivery needs a Content-Digest that matches its body")
        }
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let target = domain.baseURL + request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
        guard let url = URL(string: target), let message = try? HTTPMessageSignature.Message(method: request.method.rawValue, url: url, headers: headers) else {
            throw JunctionError.invalidInput("the request target is not a valid URL")
        }
        var senderHost = ""
        do {
            let verified = try await HTTPMessageSignature.verify(
                message, requiredComponents: HTTPMessageSignature.deliveryComponents,
                publicKey: { keyID in
                    guard let url = URL(string: keyID), let host = url.host else { return nil }
                    senderHost = url.port.map { "\(host.lowercased()):\($0)" } ?? host.lowercased()
                    let published = try await store.read { session in
                        try await session.hublocs(host: senderHost).first { $0.network == XChan.localNetwork && $0.siteKey != nil }?.siteKey
                    }
                    return try published.flatMap { Data(base64Encoded: $0) }.map { try SigningKey.PublicKey(rawRepresentation: $0) }
                }
            )
            guard verified.created != nil else { throw HTTPMessageSignature.SignatureError("the signature carries no created time") }
        } catch let error as HTTPMessageSignature.SignatureError {
            throw JunctionError(.unauthorized, "signature rejected: \(error.description)")
        }
        return senderHost
    }
}
