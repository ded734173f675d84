public import Foundation

/// The health of one remote host, as the queue sees it.
public struct Site: Sendable, Hashable, Codable {
    /// Host with port when not default; matches ``HubLoc/host``.
    public var host: String
    /// The network the host was last seen speaking, if known.
    public var network: String?
    public var lastSuccess: Date?
    public var lastFailure: Date?
    /// The first failure of the current streak: how long the site has been silent.
    public var firstFailure: Date?
    /// Consecutive failed deliveries since the last success.
    public var failureStreak: Int
    /// Silent past the dead threshold: skipped until it answers or an operator revives it.
    public var isDead: Bool
    /// Blocked by the operator: nothing is sent to or accepted from it.
    public var isBlocked: Bool
    public var updated: Date

    public init(
        host: String, network: String? = nil, lastSuccess: Date? = nil, lastFailure: Date? = nil,
        firstFailure: Date? = nil, failureStreak: Int = 0, isDead: Bool = false, isBlocked: Bool = false, updated: Date = Date()
    ) {
        self.host = host
        self.network = network
        self.lastSuccess = lastSuccess
        self.lastFailure = lastFailure
        self.firstFailure = firstFailure
        self.failureStreak = failureStreak
        self.isDead = isDead
        self.isBlocked = isBlocked
        self.updated = updated
    }

    /// Failing, dead or blocked: the queue sends it one probe or nothing, not its usual share.
    public var isTroubled: Bool { failureStreak > 0 || isDead || isBlocked }
}
