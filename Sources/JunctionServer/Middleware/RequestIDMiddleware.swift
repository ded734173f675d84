public import HTTPTypes
import Foundation
public import Hummingbird
import Logging

/// Gives every request an id: the client's `X-Request-Id` when it is sane, a new one otherwise.
/// The id is put in the request's logger metadata (`request.id`) and echoed in the response.
/// Add it before ``JSONErrorMiddleware`` so error responses carry it too.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = Self.acceptable(request.headers[.requestID]) ?? UUID().uuidString.lowercased()
        context.logger[metadataKey: "request.id"] = .string(id)
        // Errors never reach here: JSONErrorMiddleware, inside this one, turns them into responses.
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// A client-chosen id is used only when short and made of safe characters.
    private static func acceptable(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
              value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") })
        else { return nil }
        return value
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    public static let requestID = Self("X-Request-Id")!
}
