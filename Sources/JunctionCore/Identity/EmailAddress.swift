/// An account's email address: `local@domain`, at most 254 characters, no spaces or control
/// characters, a domain of dot-separated labels. Stored lowercased so lookups ignore case.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(JunctionError) {
        let lowered = text.lowercased()
        guard lowered.utf8.count <= 254 else {
            throw .invalidInput("email address is longer than 254 characters")
        }
        let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, !parts[1].isEmpty else {
            throw .invalidInput("'\(text.prefix(80))' is not an email address (expected name@domain)")
        }
        for scalar in lowered.unicodeScalars where scalar.value <= 0x20 || scalar.value == 0x7F
            || "<>()[]\\,;:\"".unicodeScalars.contains(scalar) {
            throw .invalidInput("email address '\(text.prefix(80))' contains a character that is not allowed")
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            throw .invalidInput("email address '\(text.prefix(80))' has a malformed domain")
        }
        self.rawValue = lowered
    }

    public var description: String { rawValue }
}
