public import Foundation

/// The queue's decisions, as a pure value: how long to wait after a failure, when to give up,
/// and how a destination's health changes. I/O lives around it; tests drive it synchronously.
public struct DeliveryPolicy: Sendable {
    /// How long an entry is retried before it is dead-lettered (default 3 days).
    public var retryWindow: TimeInterval = 3 * 24 * 3600
    /// The wait after the first failure; it doubles with each further failure.
    public var initialDelay: TimeInterval = 30
    /// The longest wait between two attempts.
    public var maximumDelay: TimeInterval = 6 * 3600
    /// Random spread of each wait, as a fraction (0.2 = ±20 %), so retries do not stampede.
    public var jitter: Double = 0.2
    /// A destination silent this long is marked dead (default 14 days).
    public var deadSiteAfter: TimeInterval = 14 * 24 * 3600
    /// How long a worker holds a claimed entry before another may take it.
    public var lease: TimeInterval = 120
    /// Deliveries in flight to one healthy destination at once.
    public var perDestinationConcurrency = 4

    public init() {}

    /// What to do with an entry after an attempt.
    public enum Decision: Sendable, Equatable {
        case delivered
        case refused(String)
        case retry(at: Date, reason: String)
        case deadLetter(String)
    }

    /// Decides the fate of an entry created at `created` after its `attempts`-th attempt ended
    /// with `outcome`; `random` is uniform in [0, 1), drawn only for a retry.
    public func decide(_ outcome: DeliveryOutcome, created: Date, attempts: Int, now: Date, random: @autoclosure () -> Double) -> Decision {
        switch outcome {
        case .delivered:
            return .delivered
        case .refused(let reason):
            return .refused(reason)
        case .retry(let reason, let retryAfter):
            let wait = max(delay(afterAttempts: attempts, random: random()), retryAfter ?? 0)
            let next = now.addingTimeInterval(wait)
            if next > created.addingTimeInterval(retryWindow) {
                return .deadLetter("gave up after \(attempts) attempts: \(reason)")
            }
            return .retry(at: next, reason: reason)
        }
    }

    /// The wait after `attempts` failed attempts: exponential, capped, with jitter.
    public func delay(afterAttempts attempts: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, min(attempts - 1, 40)))
        let base = min(initialDelay * pow(2, exponent), maximumDelay)
        return base * (1 + jitter * (2 * random - 1))
    }

    /// The destination's health after an attempt.
    public func site(_ site: Site, after outcome: DeliveryOutcome, now: Date) -> Site {
        var site = site
        site.updated = now
        if outcome.destinationAnswered {
            site.lastSuccess = now
            site.failureStreak = 0
            site.isDead = false
            site.firstFailure = nil
        } else {
            if site.failureStreak == 0 { site.firstFailure = now }
            site.lastFailure = now
            site.failureStreak += 1
            let silentSince = site.lastSuccess ?? site.firstFailure ?? now
            if now.timeIntervalSince(silentSince) >= deadSiteAfter { site.isDead = true }
        }
        return site
    }

    /// How often a dead destination is probed to see whether it came back.
    public var deadSiteProbeInterval: TimeInterval = 24 * 3600

    /// How many entries to `site` may be in flight: one probe while it fails (and once a day
    /// while it is dead), the configured limit while it is healthy, none while it is blocked.
    public func concurrency(for site: Site?, now: Date) -> Int {
        guard let site else { return perDestinationConcurrency }
        if site.isBlocked { return 0 }
        if site.isDead {
            let last = site.lastFailure ?? .distantPast
            return now.timeIntervalSince(last) >= deadSiteProbeInterval ? 1 : 0
        }
        return site.failureStreak > 0 ? 1 : perDestinationConcurrency
    }
}
