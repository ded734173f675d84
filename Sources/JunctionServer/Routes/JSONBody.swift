import Foundation
public import Hummingbird

/// A JSON response: sorted keys, ISO 8601 dates, `application/json; charset=utf-8`.
public struct JSONBody: ResponseGenerator {
    let data: Data
    let status: HTTPResponse.Status
    let contentType: String

    public init(_ value: some Encodable, status: HTTPResponse.Status = .ok, contentType: String = "application/json; charset=utf-8") throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        data = try encoder.encode(value)
        self.status = status
        self.contentType = contentType
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
