import HTTPTypes
import Foundation
public import Hummingbird
import JunctionCore
import Logging

/// Turns every error into a JSON body `{"error": {"code": …, "message": …}, "requestId": …}`
/// with a fitting status. Internal details are logged, never sent.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let requestID = context.logger[metadataKey: "request.id"].map { "\($0)" }
            let (status, code, message) = Self.describe(error)
            if status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            let headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            let body = ErrorBody(error: .init(code: code, message: message), requestId: requestID)
            let data = (try? JSONEncoder().encode(body)) ?? Data(#"{"error":{"code":"internal","message":"internal error"}}"#.utf8)
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    private static func describe(_ error: any Error) -> (HTTPResponse.Status, String, String) {
        if let error = error as? JunctionError {
            let status: HTTPResponse.Status = switch error.code {
            case .invalidInput: .badRequest
            case .notFound: .notFound
            case .conflict: .conflict
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .payloadTooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .tooManyRequests: .tooManyRequests
            default: .serviceUnavailable
            }
            let message = status.code >= 500 ? "the hub cannot serve this right now" : error.message
            return (status, error.code.rawValue, message)
        }
        if let error = error as? any HTTPResponseError {
            let status = error.status
            let code = status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            let message = (error as? HTTPError)?.body ?? status.reasonPhrase
            return (status, code, message)
        }
        return (.internalServerError, "internal", "internal error")
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
        let requestId: String?
    }
}
