public import Hummingbird
import Crypto
import Foundation
import JunctionCore

/// Lets a request through only with `Authorization: Bearer <admin token>`; compares in constant
/// time.
public struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: SHA256Digest

    public init(token: String) { expected = SHA256.hash(data: Data(token.utf8)) }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), SHA256.hash(data: Data(header.dropFirst(7).utf8)) == expected else {
            throw JunctionError(.unauthorized, "the admin API needs Authorization: Bearer <admin.token>")
        }
        return try await next(request, context)
    }
}
