/// The local part of a channel's address (`handle@domain`).
///
/// Rules: 2 to 64 characters; lowercase ASCII letters, digits and `_`; starts with a letter.
/// Handles are compared as written, so `Jane` is refused rather than silently changed.
public struct Handle: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// The longest handle accepted.
    public static let maximumLength = 64

    public init(_ text: String) throws(JunctionError) {
        guard text.count >= 2, text.count <= Self.maximumLength else {
            throw .invalidInput("handle '\(text.prefix(80))' must be 2 to \(Self.maximumLength) characters long")
        }
        let bytes = Array(text.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            throw .invalidInput("handle '\(text)' must start with a lowercase letter (a-z)")
        }
        for byte in bytes {
            let ok = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
            guard ok else {
                throw .invalidInput("handle '\(text)' may contain only lowercase letters, digits and '_'")
            }
        }
        self.rawValue = text
    }

    public var description: String { rawValue }
    public static func < (lhs: Handle, rhs: Handle) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
