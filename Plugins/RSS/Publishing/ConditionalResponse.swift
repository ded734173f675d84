import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// A cacheable document: a strong `ETag` from its bytes, `Last-Modified`, and `304 Not
/// Modified` when the client's `If-None-Match` (or, without it, `If-Modified-Since`) still holds.
struct ConditionalResponse: ResponseGenerator {
    let body: Data
    let contentType: String
    let lastModified: Date

    var etag: String {
        "\"" + Hex.encode(SHA256.hash(data: body).prefix(16)) + "\""
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let modified = Date(timeIntervalSince1970: lastModified.timeIntervalSince1970.rounded(.down))
        var headers: HTTPFields = [
            .eTag: etag,
            .lastModified: HTTPDate.format(modified),
            .cacheControl: "public, max-age=60",
        ]
        let notModified: Bool
        if let tags = request.headers[.ifNoneMatch] {
            notModified = tags == "*" || tags.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
        } else if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            notModified = modified <= since
        } else {
            notModified = false
        }
        if notModified { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

