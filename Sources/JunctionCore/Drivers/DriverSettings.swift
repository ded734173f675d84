/// Operator settings for drivers, read from the hub's layered configuration (flags, `JUNCTION_*`
/// environment variables, the JSON file) under the driver's network name: `rss.poll.minimum`
/// is `JUNCTION_RSS_POLL_MINIMUM` or `{"rss": {"poll": {"minimum": 900}}}`.
public struct DriverSettings: Sendable {
    private let lookup: @Sendable (String) -> String?

    /// Settings answered by `lookup` (a key → its value as text, nil when unset).
    public init(_ lookup: @escaping @Sendable (String) -> String?) {
        self.lookup = lookup
    }

    /// No settings: every driver runs on its defaults.
    public static let defaults = DriverSettings { _ in nil }

    /// The value of `key` as text, nil when unset.
    public func string(_ key: String) -> String? { lookup(key) }

    /// A whole number in `range`; throws a configuration error naming the key for anything else.
    public func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = lookup(key) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw JunctionError(.configuration, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}
