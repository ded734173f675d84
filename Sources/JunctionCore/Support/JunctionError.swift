/// An error the hub reports to an operator, a client or a peer.
///
/// The `code` is stable and machine-readable; the `message` is one line a person can act on.
/// Details that could leak internals are logged, never put in `message`.
public struct JunctionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Input that does not meet the documented rules (a malformed handle, email, URL…).
        public static let invalidInput = Code("invalid_input")
        /// The named record does not exist.
        public static let notFound = Code("not_found")
        /// The record already exists or collides with another.
        public static let conflict = Code("conflict")
        /// Credentials were missing or wrong.
        public static let unauthorized = Code("unauthorized")
        /// The requester may not do this.
        public static let forbidden = Code("forbidden")
        /// The request body is larger than accepted.
        public static let payloadTooLarge = Code("payload_too_large")
        /// The request body has a media type that is not accepted.
        public static let unsupportedMediaType = Code("unsupported_media_type")
        /// Too much is asked at once; try again later.
        public static let tooManyRequests = Code("too_many_requests")
        /// The configuration cannot be used as it is.
        public static let configuration = Code("configuration")
        /// The database could not be reached or answered with an error.
        public static let storage = Code("storage")
        /// The database schema is newer than this binary understands.
        public static let schemaTooNew = Code("schema_too_new")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func invalidInput(_ message: String) -> JunctionError { .init(.invalidInput, message) }
    public static func notFound(_ message: String) -> JunctionError { .init(.notFound, message) }
    public static func conflict(_ message: String) -> JunctionError { .init(.conflict, message) }
}
